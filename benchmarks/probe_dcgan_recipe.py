"""DCGAN tuning probe: trains `build_dcgan(**changes)` for a wall/CPU budget, judging 2,000 samples every epoch.

Prints, after every epoch, the share of samples the reference classifier recognises with confidence >= 0.9 and
the smallest/largest class share, for the moving-average generator in inference mode ("ema") and for the raw
generator ("raw"), with the wall and CPU seconds of training so far. Used to tune `MNIST_RECIPE`
(see RESULTS.md, "GANs"):

    COURSE_DATA_DIR=../shared/data python benchmarks/probe_dcgan_recipe.py --tag wide \
        --changes '{"generator_filters": [128, 64], "kernel_size": 4}' --cpu-seconds 600
"""

import argparse
import json
import math
import os
import time

os.environ["COURSE_SMOKE"] = "0"
import numpy as np  # noqa: E402

import course_lib  # noqa: E402
from course_lib import data, metrics  # noqa: E402
from course_lib.models import classifier, dcgan  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--changes", default="{}")
p.add_argument("--seconds", type=float, default=300)
p.add_argument("--cpu-seconds", type=float, default=None)
p.add_argument("--tag", default="run")
p.add_argument("--decay-epochs", type=float, default=0)
p.add_argument("--save-samples", action="store_true")
p.add_argument("--r1", type=float, default=0.0)
p.add_argument("--floor", type=float, default=0.0)
a = p.parse_args()
changes = json.loads(a.changes)
for k in ("generator_filters", "discriminator_filters"):
    if k in changes:
        changes[k] = tuple(changes[k])
import keras  # noqa: E402

course_lib.setup(verbose=False)
course_lib.set_seed(0)
judge = classifier.load_reference_classifier("mnist", verbose=False)
(x, _), _ = data.load_dataset("mnist")
images = data.scale_images(x, value_range=(-1, 1))
recipe = {**dcgan.MNIST_RECIPE, **changes}
ds = data.make_dataset(images, batch_size=recipe["batch_size"], drop_remainder=True)
gan = dcgan.build_dcgan(seed=0, **changes)
gan.r1_weight = a.r1
noise = np.random.default_rng(1).standard_normal((2000, recipe["latent_dim"])).astype("float32")
t0, c0 = time.perf_counter(), time.process_time()
spent = {"wall": 0.0, "cpu": 0.0}


class Judge(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        wall, cpu = (
            time.perf_counter() - t0 - spent["wall"],
            time.process_time() - c0 - spent["cpu"],
        )
        e0, ec = time.perf_counter(), time.process_time()
        out = []
        for name, fn in [
            ("ema", lambda z: gan.sampling_generator(z, training=False)),
            ("raw", lambda z: gan.generator(z, training=False)),
        ]:
            s = np.concatenate([np.asarray(fn(noise[i : i + 500])) for i in range(0, 2000, 500)])
            j = metrics.class_confidence((s + 1) / 2, model=judge)
            if name == "ema" and a.save_samples:
                np.save(f"{a.tag}_samples.npy", s)
            out.append(
                f"{name} {j['confident_fraction']:.3f} [{j['class_fractions'].min():.3f},{j['class_fractions'].max():.3f}]"
            )
        print(
            f"{a.tag} epoch {epoch + 1} wall {wall:.0f} cpu {cpu:.0f} | "
            + " | ".join(out)
            + f" | d {logs['d_loss']:.3f} g {logs['g_loss']:.3f} load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        spent["wall"] += time.perf_counter() - e0
        spent["cpu"] += time.process_time() - ec
        if wall >= a.seconds or (a.cpu_seconds and cpu >= a.cpu_seconds):
            self.model.stop_training = True


steps_per_epoch = len(images) // recipe["batch_size"]
base_lr = (
    float(gan.generator_optimizer.learning_rate.numpy()),
    float(gan.discriminator_optimizer.learning_rate.numpy()),
)


class Decay(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        if not a.decay_epochs:
            return
        step = int(gan.generator_optimizer.iterations.numpy())
        frac = min(step / (a.decay_epochs * steps_per_epoch), 1.0)
        f = a.floor + (1 - a.floor) * 0.5 * (1 + math.cos(math.pi * frac))
        gan.generator_optimizer.learning_rate.assign(base_lr[0] * f)
        gan.discriminator_optimizer.learning_rate.assign(base_lr[1] * f)


gan.fit(ds, epochs=200, shuffle=False, verbose=0, callbacks=[Decay(), Judge()])

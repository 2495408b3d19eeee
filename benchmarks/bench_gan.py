"""Benchmark: trains lesson 07's DCGAN and lesson 08's conditional GAN in full mode, and judges their samples.

Issue 6's promises, on 2 CPU cores: the DCGAN trains in at most 5 minutes, at least 80 % of its samples are
recognised by the reference classifier (lesson 03) with a confidence of at least 0.9, and every digit makes
between 5 % and 15 % of the samples (no mode collapse); the conditional GAN's samples are classified as the
requested digit at least 95 % of the time. This script checks them, ignoring the course's model cache:

    COURSE_DATA_DIR=../shared/data python benchmarks/bench_gan.py [--models dcgan conditional] [--seconds 300]

It prints the measurements and a Markdown table for benchmarks/RESULTS.md. Wall-clock seconds depend on what
else the machine runs, so the process's CPU seconds and the load average are printed beside them.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time

# Full mode, whatever the shell says: this measures what learners get.
os.environ["COURSE_SMOKE"] = "0"

import numpy as np  # noqa: E402

import course_lib  # noqa: E402  (sets the Keras backend before TensorFlow loads)
from course_lib import data, metrics  # noqa: E402
from course_lib.models import classifier, conditional, dcgan  # noqa: E402

TIME_LIMIT_SECONDS = 300
CONFIDENT_TARGET = 0.80
CLASS_SHARE_RANGE = (0.05, 0.15)
CONDITIONAL_TARGET = 0.95
SAMPLES = 10_000


def _cpu_model():
    try:
        output = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"
    for line in output.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _load_average():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def _time_budget_callback(seconds, clock):
    import keras

    class StopAfter(keras.callbacks.Callback):
        """Stops training at the end of the first epoch that ends after `seconds` on `clock`."""

        def on_train_begin(self, logs=None):
            self.start = clock()

        def on_epoch_end(self, epoch, logs=None):
            if clock() - self.start >= seconds:
                self.model.stop_training = True

    return StopAfter()


def _train(gan, dataset, epochs, budget):
    seconds, cpu_seconds = budget
    callbacks = []
    if seconds:
        callbacks.append(_time_budget_callback(seconds, time.perf_counter))
    if cpu_seconds:
        callbacks.append(_time_budget_callback(cpu_seconds, time.process_time))
    wall, cpu = time.perf_counter(), time.process_time()
    history = gan.fit(dataset, epochs=epochs, shuffle=False, verbose=2, callbacks=callbacks)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return history, wall, cpu


def bench_dcgan(images, judge, epochs, budget, seed):
    """Trains the DCGAN recipe on MNIST and judges `SAMPLES` samples of its moving-average generator."""
    recipe = dcgan.MNIST_RECIPE
    dataset = data.make_dataset(images, batch_size=recipe["batch_size"], drop_remainder=True)
    gan = dcgan.build_dcgan(seed=seed)
    history, wall, cpu = _train(gan, dataset, epochs or recipe["epochs"], budget)
    trained_epochs = len(history.history["d_loss"])
    samples = gan.generate(SAMPLES, seed=seed)
    judged = metrics.class_confidence((samples + 1) / 2, model=judge)
    shares = judged["class_fractions"]
    low, high = CLASS_SHARE_RANGE
    passed = (
        wall <= TIME_LIMIT_SECONDS
        and judged["confident_fraction"] >= CONFIDENT_TARGET
        and shares.min() >= low
        and shares.max() <= high
    )
    return {
        "model": "DCGAN",
        "epochs": trained_epochs,
        "wall": wall,
        "cpu": cpu,
        "images_per_second": trained_epochs * len(images) / wall,
        "generator_parameters": gan.generator.count_params(),
        "discriminator_parameters": gan.discriminator.count_params(),
        "confident": judged["confident_fraction"],
        "shares": shares,
        "passed": passed,
        "load": _load_average(),
    }


def bench_conditional(images, labels, judge, epochs, budget, seed):
    """Trains the conditional GAN on MNIST and measures how often its samples show the requested digit."""
    gan = conditional.build_mnist_conditional_gan(seed=seed)
    recipe = conditional.MNIST_CONDITIONAL_RECIPE
    dataset = data.make_dataset(
        images, labels.astype("int32"), batch_size=recipe["batch_size"], drop_remainder=True
    )
    history, wall, cpu = _train(gan, dataset, epochs or recipe["epochs"], budget)
    trained_epochs = len(history.history["d_loss"])
    requested = np.arange(SAMPLES) % 10
    samples = gan.generate(labels=requested, seed=seed)
    accuracy = metrics.conditional_accuracy((samples + 1) / 2, requested, model=judge)
    judged = metrics.class_confidence((samples + 1) / 2, model=judge)
    return {
        "model": "conditional GAN",
        "epochs": trained_epochs,
        "wall": wall,
        "cpu": cpu,
        "images_per_second": trained_epochs * len(images) / wall,
        "generator_parameters": gan.generator.count_params(),
        "discriminator_parameters": gan.discriminator.count_params(),
        "conditional_accuracy": accuracy,
        "confident": judged["confident_fraction"],
        "shares": judged["class_fractions"],
        "passed": accuracy >= CONDITIONAL_TARGET,
        "load": _load_average(),
    }


def _describe(row):
    shares = " ".join(f"{digit}:{share:.1%}" for digit, share in enumerate(row["shares"]))
    text = (
        f"{row['model']}: {row['epochs']} epochs in {row['wall']:.0f} s wall ({row['cpu']:.0f} s CPU, "
        f"{row['images_per_second']:.0f} images/s); G {row['generator_parameters']:,} / "
        f"D {row['discriminator_parameters']:,} parameters; confident (>= 0.9) {row['confident']:.1%}"
    )
    if "conditional_accuracy" in row:
        text += f"; conditional accuracy {row['conditional_accuracy']:.2%}"
    return f"{text}\n  class shares {shares}\n  -> {'PASS' if row['passed'] else 'FAIL'}; load after: {row['load']}"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--models", nargs="+", default=["dcgan", "conditional"], choices=["dcgan", "conditional"]
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="epochs (default: each recipe's own)"
    )
    parser.add_argument(
        "--seconds", type=float, default=None, help="stop after the epoch that passes this budget"
    )
    parser.add_argument(
        "--cpu-seconds",
        type=float,
        default=None,
        help="stop after the epoch that passes this many CPU seconds (2 cores x 300 s = 600 on an idle machine)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import keras
    import tensorflow as tf

    course_lib.setup(verbose=False)
    print(
        f"CPU: {_cpu_model()} ({os.cpu_count()} cores); Python {platform.python_version()}, "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}; {datetime.date.today()}"
    )
    print(f"load average (1, 5, 15 min) before: {_load_average()}", flush=True)
    judge = classifier.load_reference_classifier("mnist")
    (x_train, y_train), _ = data.load_dataset("mnist")
    images = data.scale_images(x_train, value_range=(-1, 1))
    rows = []
    for name in args.models:
        course_lib.set_seed(args.seed)
        if name == "dcgan":
            row = bench_dcgan(images, judge, args.epochs, (args.seconds, args.cpu_seconds), args.seed)
        else:
            row = bench_conditional(images, y_train, judge, args.epochs, (args.seconds, args.cpu_seconds), args.seed)
        rows.append(row)
        print(_describe(row), flush=True)
    print()
    print(
        "| model | epochs | training (wall) | CPU seconds | images/s | confident ≥ 0.9 | smallest / largest class share | conditional accuracy | result | load average after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        conditional_accuracy = (
            f"{row['conditional_accuracy']:.2%}" if "conditional_accuracy" in row else "—"
        )
        print(
            f"| {row['model']} | {row['epochs']} | {row['wall']:.0f} s | {row['cpu']:.0f} s | "
            f"{row['images_per_second']:.0f} | {row['confident']:.1%} | {row['shares'].min():.1%} / "
            f"{row['shares'].max():.1%} | {conditional_accuracy} | {'pass' if row['passed'] else 'FAIL'} | {row['load']} |"
        )
    return 0 if all(row["passed"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

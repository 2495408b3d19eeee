"""Benchmark: trains lesson 07's DCGAN and lesson 08's conditional GAN in full mode, and judges their samples.

Issue 6's promises, on 2 CPU cores: the DCGAN trains in at most 5 minutes, at least 80 % of its samples are
recognised by the reference classifier (lesson 03) with a confidence of at least 0.9, and every digit makes
between 5 % and 15 % of the samples (no mode collapse); the conditional GAN's samples are classified as the
requested digit at least 95 % of the time. This script checks them, ignoring the course's model cache:

    COURSE_DATA_DIR=../shared/data python benchmarks/bench_gan.py [--models dcgan conditional] [--seconds 300]

`--models wgan_gp` also trains lesson 09's WGAN-GP on Fashion-MNIST and reports its FID (no target). The DCGAN's
and the WGAN-GP's FIDs are measured against the test images in the reference classifier's feature space.

It prints the measurements and a Markdown table for benchmarks/RESULTS.md. Wall-clock seconds depend on what
else the machine runs, so the process's CPU seconds and the load average are printed beside them.
"""

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from benchlib import Row, cpu_model, load_average, samples_per_second  # noqa: E402

import course_lib  # noqa: E402  (sets the Keras backend before TensorFlow loads)
from course_lib import data, metrics  # noqa: E402
from course_lib.models import classifier, cluster_gan, conditional, dcgan, wgan  # noqa: E402

TIME_LIMIT_SECONDS = 300
CONFIDENT_TARGET = 0.80
CLASS_SHARE_RANGE = (0.05, 0.15)
CONDITIONAL_TARGET = 0.95
SAMPLES = 10_000
SMOKE_SAMPLES = 500
SMOKE_TRAIN_SIZE = 2_000
SMOKE_TEST_SIZE = 1_000


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


def _budget_callbacks(budget):
    """Callbacks that stop training after the epoch passing `budget = (seconds, cpu_seconds)` (`None`: no limit)."""
    seconds, cpu_seconds = budget
    callbacks = []
    if seconds:
        callbacks.append(_time_budget_callback(seconds, time.perf_counter))
    if cpu_seconds:
        callbacks.append(_time_budget_callback(cpu_seconds, time.process_time))
    return callbacks


def _train(gan, dataset, epochs, budget):
    callbacks = _budget_callbacks(budget)
    wall, cpu = time.perf_counter(), time.process_time()
    history = gan.fit(dataset, epochs=epochs, shuffle=False, verbose=2, callbacks=callbacks)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return history, wall, cpu


def _fid(samples, real_features, judge):
    return metrics.fid(real_features, metrics.reference_features((samples + 1) / 2, model=judge))


def _judge_unconditional(gan, judge, samples, seed, real_features):
    """Judges `samples` samples of an unconditional generator: confidence, class shares, FID, samples/s."""
    speed = samples_per_second(gan.generate, samples)
    generated = gan.generate(samples, seed=seed)
    judged = metrics.class_confidence((generated + 1) / 2, model=judge)
    shares = judged["class_fractions"]
    low, high = CLASS_SHARE_RANGE
    return {
        "confident": judged["confident_fraction"],
        "shares": shares,
        "quality_passed": judged["confident_fraction"] >= CONFIDENT_TARGET
        and shares.min() >= low
        and shares.max() <= high,
        "samples": samples,
        "samples_per_second": speed,
        "fid": None if real_features is None else _fid(generated, real_features, judge),
    }


def bench_dcgan(images, judge, epochs, budget, seed, samples=SAMPLES, real_features=None):
    """Trains the DCGAN recipe on MNIST and judges `samples` samples of its moving-average generator.

    With `real_features` (reference-classifier features of the MNIST test images) it also measures their FID.
    """
    recipe = dcgan.MNIST_RECIPE
    dataset = data.make_dataset(images, batch_size=recipe["batch_size"], drop_remainder=True)
    gan = dcgan.build_dcgan(seed=seed)
    history, wall, cpu = _train(gan, dataset, epochs or recipe["epochs"], budget)
    trained_epochs = len(history.history["d_loss"])
    judged = _judge_unconditional(gan, judge, samples, seed, real_features)
    passed = judged.pop("quality_passed") and wall <= TIME_LIMIT_SECONDS
    return {
        "model": "DCGAN",
        "epochs": trained_epochs,
        "wall": wall,
        "cpu": cpu,
        "images_per_second": trained_epochs * len(images) / wall,
        "generator_parameters": gan.generator.count_params(),
        "discriminator_parameters": gan.discriminator.count_params(),
        **judged,
        "passed": passed,
        "load": load_average(),
    }


def bench_cluster_gan(images, judge, epochs, budget, seed, samples=SAMPLES, real_features=None):
    """Clusters MNIST with k-means and trains the cluster-conditioned DCGAN (lesson 08), judged like the DCGAN.

    Its training time includes the k-means clustering. No labels are used: the clusters are its conditions.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    gan, info = cluster_gan.train_cluster_gan(
        images, seed=seed, epochs=epochs, callbacks=_budget_callbacks(budget), verbose=2
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    judged = _judge_unconditional(gan, judge, samples, seed, real_features)
    passed = judged.pop("quality_passed") and wall <= TIME_LIMIT_SECONDS
    return {
        "model": "cluster-conditioned DCGAN",
        "epochs": info["epochs"],
        "wall": wall,
        "cpu": cpu,
        "kmeans_seconds": info["kmeans_seconds"],
        "clusters": info["clusters"],
        "images_per_second": info["epochs"] * len(images) / info["fit_seconds"],
        "generator_parameters": gan.generator.count_params(),
        "discriminator_parameters": gan.discriminator.count_params(),
        **judged,
        "passed": passed,
        "load": load_average(),
    }


def bench_conditional(images, labels, judge, epochs, budget, seed, samples=SAMPLES):
    """Trains the conditional GAN on MNIST and measures how often its samples show the requested digit."""
    gan = conditional.build_mnist_conditional_gan(seed=seed)
    recipe = conditional.MNIST_CONDITIONAL_RECIPE
    dataset = data.make_dataset(
        images, labels.astype("int32"), batch_size=recipe["batch_size"], drop_remainder=True
    )
    history, wall, cpu = _train(gan, dataset, epochs or recipe["epochs"], budget)
    trained_epochs = len(history.history["d_loss"])
    requested = np.arange(samples) % 10
    speed = samples_per_second(lambda n: gan.generate(labels=requested[:n]), samples)
    count, samples = samples, gan.generate(labels=requested, seed=seed)
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
        "load": load_average(),
        "samples": count,
        "samples_per_second": speed,
    }


def bench_wgan_gp(images, judge, epochs, budget, seed, samples=SAMPLES, real_features=None):
    """Trains lesson 09's WGAN-GP on Fashion-MNIST; FID of `samples` samples against `real_features`.

    Args:
        images: Fashion-MNIST training images in [-1, 1].
        judge: the Fashion-MNIST reference classifier.
        epochs: epochs (default: the recipe's).
        budget: `(seconds, cpu_seconds)`, either `None`.
        seed: seed of the model's noise.
        samples: how many samples to score.
        real_features: reference-classifier features of the Fashion-MNIST test images.
    """
    recipe = wgan.FASHION_RECIPE
    dataset = data.make_dataset(
        images, batch_size=recipe["batch_size"] * recipe["critic_steps"], drop_remainder=True
    )
    model = wgan.build_wgan_gp(seed=seed)
    history, wall, cpu = _train(model, dataset, epochs or recipe["epochs"], budget)
    trained_epochs = len(history.epoch)
    speed = samples_per_second(model.generate, samples)
    count, samples = samples, model.generate(samples, seed=seed)
    judged = metrics.class_confidence((samples + 1) / 2, model=judge)
    return {
        "model": "WGAN-GP (Fashion-MNIST)",
        "epochs": trained_epochs,
        "wall": wall,
        "cpu": cpu,
        "images_per_second": trained_epochs * len(images) / wall,
        "generator_parameters": model.generator.count_params(),
        "discriminator_parameters": model.critic.count_params(),
        "confident": judged["confident_fraction"],
        "shares": judged["class_fractions"],
        "passed": None,  # lesson 09 sets no target: its FID is reported for comparison between runs
        "load": load_average(),
        "samples": count,
        "samples_per_second": speed,
        "fid": _fid(samples, real_features, judge),
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
    if row.get("fid") is not None:
        text += f"; FID {row['fid']:.2f} ({row['samples']:,} samples)"
    verdict = {True: "PASS", False: "FAIL", None: "not judged (no target, or a smoke run)"}[
        row["passed"]
    ]
    return f"{text}\n  class shares {shares}\n  -> {verdict}; load after: {row['load']}"


def _quality(row):
    if "conditional_accuracy" in row:
        return f"conditional accuracy {row['conditional_accuracy']:.2%}"
    text = f"FID {row['fid']:.2f}"
    if "DCGAN" in row["model"]:
        text = (
            f"confident ≥ 0.9: {row['confident']:.1%}, class shares {row['shares'].min():.1%}–"
            f"{row['shares'].max():.1%}; {text}"
        )
    return text


TARGET_TEXT = {
    "dcgan": f"≤ {TIME_LIMIT_SECONDS} s, confident ≥ {CONFIDENT_TARGET:.0%}, shares 5–15 %",
    "cluster": f"≤ {TIME_LIMIT_SECONDS} s, confident ≥ {CONFIDENT_TARGET:.0%}, shares 5–15 %",
    "conditional": f"conditional accuracy ≥ {CONDITIONAL_TARGET:.0%}",
    "wgan_gp": "— (FID for comparison)",
}
MODEL_NAMES = {
    "dcgan": "DCGAN (lesson 07)",
    "cluster": "cluster-conditioned DCGAN (lesson 08)",
    "conditional": "conditional GAN (lesson 08)",
    "wgan_gp": "WGAN-GP (lesson 09), Fashion-MNIST",
}


def benchmark_rows(
    smoke=False,
    models=("dcgan", "cluster", "conditional"),
    epochs=None,
    budget=(None, None),
    seed=0,
):
    """Trains the GANs and returns run_all's rows, one per model.

    Args:
        smoke: smoke mode: 2,000 training images, one epoch, 500 samples against 1,000 test images.
        models: any of `"dcgan"`, `"cluster"` (the cluster-conditioned DCGAN), `"conditional"` and `"wgan_gp"`.
        epochs: epochs per model (default: each recipe's own; 1 in smoke mode).
        budget: `(seconds, cpu_seconds)`: stop after the epoch that passes either (`None`: no limit).
        seed: seed for initial weights, data order and noise.

    Returns:
        A list of `benchlib.Row`; each row's `details` holds the measurements.
    """
    os.environ["COURSE_SMOKE"] = "1" if smoke else "0"
    samples = SMOKE_SAMPLES if smoke else SAMPLES
    epochs = 1 if smoke else epochs
    rows = []
    for name in models:
        dataset_name = "fashion_mnist" if name == "wgan_gp" else "mnist"
        judge = classifier.load_reference_classifier(dataset_name, verbose=not smoke)
        (x_train, y_train), (x_test, y_test) = data.load_dataset(dataset_name)
        if smoke:
            x_train, y_train = data.take_subset(x_train, y_train, size=SMOKE_TRAIN_SIZE, seed=seed)
            x_test, y_test = data.take_subset(x_test, y_test, size=SMOKE_TEST_SIZE, seed=seed)
        images = data.scale_images(x_train, value_range=(-1, 1))
        course_lib.set_seed(seed)
        if name == "conditional":
            result = bench_conditional(images, y_train, judge, epochs, budget, seed, samples)
        else:
            real_features = metrics.reference_features(data.scale_images(x_test), model=judge)
            bench = {"dcgan": bench_dcgan, "cluster": bench_cluster_gan, "wgan_gp": bench_wgan_gp}[
                name
            ]
            result = bench(images, judge, epochs, budget, seed, samples, real_features)
        if smoke:
            result["passed"] = None  # smoke numbers are not judged
        print(_describe(result), flush=True)
        rows.append(
            Row(
                name,
                MODEL_NAMES[name],
                result["wall"],
                result["samples_per_second"],
                "generated",
                _quality(result),
                TARGET_TEXT[name],
                None if smoke else result["passed"],
                details=result,
            )
        )
    return rows


def main(argv=None):
    os.environ["COURSE_SMOKE"] = (
        "0"  # full mode, whatever the shell says: this measures what learners get
    )
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--models",
        nargs="+",
        default=["dcgan", "cluster", "conditional"],
        choices=["dcgan", "cluster", "conditional", "wgan_gp"],
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
        f"CPU: {cpu_model()} ({os.cpu_count()} cores); Python {platform.python_version()}, "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}; {datetime.date.today()}"
    )
    print(f"load average (1, 5, 15 min) before: {load_average()}", flush=True)
    results = [
        row.details
        for row in benchmark_rows(
            models=args.models,
            epochs=args.epochs,
            budget=(args.seconds, args.cpu_seconds),
            seed=args.seed,
        )
    ]
    print()
    print(
        "| model | epochs | training (wall) | CPU seconds | images/s | confident ≥ 0.9 | smallest / largest class share | conditional accuracy | FID | samples/s | result | load average after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in results:
        conditional_accuracy = (
            f"{row['conditional_accuracy']:.2%}" if "conditional_accuracy" in row else "—"
        )
        fid = "—" if row.get("fid") is None else f"{row['fid']:.2f}"
        verdict = {True: "pass", False: "FAIL", None: "—"}[row["passed"]]
        print(
            f"| {row['model']} | {row['epochs']} | {row['wall']:.0f} s | {row['cpu']:.0f} s | "
            f"{row['images_per_second']:.0f} | {row['confident']:.1%} | {row['shares'].min():.1%} / "
            f"{row['shares'].max():.1%} | {conditional_accuracy} | {fid} | {row['samples_per_second']:.0f} | "
            f"{verdict} | {row['load']} |"
        )
    return 0 if all(row["passed"] is not False for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())

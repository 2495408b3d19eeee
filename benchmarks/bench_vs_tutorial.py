"""Benchmark: the course's DCGANs against the TensorFlow tutorial's DCGAN, for the same wall-clock time.

All train in one process, one after the other, on the same machine and the same MNIST training images (scaled to
[-1, 1]), each until its wall-clock budget is spent (default 300 s: the budget is checked after every call of the
compiled training step, so neither gets more than one step's worth of extra time). Then each draws 10,000 samples,
and their FIDs against the 10,000 MNIST test images are computed in the reference classifier's feature space
(lesson 10), with their ratio. Issue 7's target, on 2 CPU cores: the course's FID is at most one tenth of the
tutorial's.

- The course side ("course"): lesson 08's cluster-conditioned DCGAN (`course_lib.models.cluster_gan`): k-means
  splits the training images into 60 clusters (no labels used; its seconds count against the budget), then the
  DCGAN networks of lesson 07 with a cluster embedding train with `MNIST_CLUSTER_RECIPE` (batch 64, 3×3 kernels,
  Adam 5e-4 with β1 = 0.5, 10 steps per execution); samples draw a cluster by its share of the training images,
  from the moving-average (EMA) generator, which is part of the course's recipe. It trains its recipe's 8 epochs,
  which take about half the budget on 2 cores: at a constant learning rate, training on to fill the budget makes
  its FID worse (RESULTS.md), so the recipe stops there and the tutorial gets the extra time.
- The plain course DCGAN ("plain"): `course_lib.models.dcgan.build_dcgan()` with lesson 07's `MNIST_RECIPE`, the
  same networks without clusters, also from its EMA generator.
- The tutorial side: https://www.tensorflow.org/tutorials/generative/dcgan, rebuilt layer for layer in
  `course_lib.models.tutorial_dcgan` (Dense 7·7·256 → ConvTranspose 128/64/1 with 5×5 kernels, batch norm,
  LeakyReLU; Conv 64/128 5×5 stride 2 with dropout 0.3; noise 100; Adam 1e-4 for both; batch 256; shuffle buffer
  60,000). It is trained with the course's `GAN` class, whose `train_step` computes exactly the tutorial's
  `train_step` (one forward pass, the plain cross-entropy losses, each network stepped on its own loss), with no
  label smoothing, no moving average and one step per call, as in the tutorial's loop; samples come from the
  generator in inference mode, as the tutorial draws them.

    COURSE_DATA_DIR=../shared/data python benchmarks/bench_vs_tutorial.py [--seconds 300] [--samples 10000] \
        [--sides course tutorial plain]
    COURSE_DATA_DIR=../shared/data python benchmarks/bench_vs_tutorial.py --smoke   # proves the code runs

On TensorFlow 2.21 (CPU) the tutorial's training step logs one "remapper failed ... LeakyReluGrad" line: the graph
optimiser's remapping pass gives up on its discriminator (convolutions with biases before LeakyReLU) and the step
runs without that pass, as it does for anyone who runs the tutorial on this TensorFlow. The course's discriminator
has bias-free convolutions, which the pass handles (see `course_lib.models.dcgan.discriminator_body`).

The target compares "course" with "tutorial"; "plain" is reported beside them. `--smoke` trains each for 5 s on 2,000 images and scores 500 samples against 1,000 test images: its numbers only
show that the code runs. The reference classifier is loaded from the course cache (trained there when absent).
"""

import argparse
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from benchlib import Row, load_average, machine_lines  # noqa: E402

import course_lib  # noqa: E402  (sets the Keras backend before TensorFlow loads)

DEFAULT_SECONDS = 300.0
DEFAULT_SAMPLES = 10_000
SMOKE_SECONDS = 5.0
SMOKE_SAMPLES = 500
SMOKE_TRAIN_SIZE = 2_000
SMOKE_TEST_SIZE = 1_000
TARGET_RATIO = 0.1


def wall_clock_budget(seconds, label="", report_every=None):
    """A Keras callback that stops `fit` after the first training call that ends past `seconds` of wall clock.

    It checks after every call of the compiled training step (`on_train_batch_end`: one step, or one group of
    `steps_per_execution` steps), not only at the end of an epoch. After training, `elapsed` holds the
    training seconds, from the start of `fit`'s first batch loop to the last step.

    Args:
        seconds: the budget.
        label: a name for progress lines.
        report_every: print a progress line every this many seconds (`None`: silent).

    Returns:
        The callback.
    """
    import keras

    class WallClockBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = self.last_report = time.perf_counter()
            self.elapsed = 0.0

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            self.elapsed = now - self.start
            if report_every and now - self.last_report >= report_every:
                self.last_report = now
                steps = int(self.model.generator_optimizer.iterations)
                print(
                    f"  {label}: {self.elapsed:5.0f} s, {steps} steps, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            if self.elapsed >= seconds:
                self.model.stop_training = True

    return WallClockBudget()


def images_seen(steps, train_size, batch_size, drop_remainder):
    """How many training images `steps` batches hold, epochs ending in a smaller batch unless it is dropped."""
    steps_per_epoch = (
        train_size // batch_size if drop_remainder else math.ceil(train_size / batch_size)
    )
    per_epoch = steps_per_epoch * batch_size if drop_remainder else train_size
    epochs, rest = divmod(steps, steps_per_epoch)
    return epochs * per_epoch + rest * batch_size


def train_for(
    name,
    gan,
    images,
    batch_size,
    drop_remainder,
    seconds,
    seed,
    verbose=True,
    labels=None,
    epochs=None,
):
    """Trains a GAN on `images` (with `labels`, for a conditional GAN) until `seconds` of wall clock are spent,
    or until it has trained `epochs` epochs (`None`: as many as the budget allows), whichever comes first.

    Returns:
        A dict: `steps`, `images` (training images seen), `epochs` (passes over the data), `train_seconds`,
        `images_per_second`, `cpu_seconds`, `load_before`, `load_after`.
    """
    from course_lib import data

    dataset = data.make_dataset(
        images, labels, batch_size=batch_size, seed=seed, drop_remainder=drop_remainder
    )
    budget = wall_clock_budget(
        seconds, name, report_every=60 if verbose and seconds >= 120 else None
    )
    load_before, cpu = load_average(), time.process_time()
    # Without `epochs`, as many epochs as the budget allows: the callback ends training.
    gan.fit(dataset, epochs=epochs or 1_000_000, shuffle=False, verbose=0, callbacks=[budget])
    steps = int(gan.generator_optimizer.iterations)
    seen = images_seen(steps, len(images), batch_size, drop_remainder)
    return {
        "steps": steps,
        "batch_size": batch_size,
        "images": seen,
        "epochs": seen / len(images),
        "train_seconds": budget.elapsed,
        "images_per_second": seen / budget.elapsed,
        "cpu_seconds": time.process_time() - cpu,
        "load_before": load_before,
        "load_after": load_average(),
    }


def score(gan, count, real_features, judge, seed):
    """Draws `count` samples, times the drawing, and measures their FID and KID against `real_features`."""
    from course_lib import metrics

    gan.generate(min(count, 500), seed=seed)  # warm-up, not timed
    start = time.perf_counter()
    samples = gan.generate(count, seed=seed)
    seconds = time.perf_counter() - start
    features = metrics.reference_features((samples + 1) / 2, model=judge)
    kid, kid_error = metrics.kid(real_features, features, subset_size=min(1000, count))
    return {
        "fid": metrics.fid(real_features, features),
        "kid": kid,
        "kid_error": kid_error,
        "samples": count,
        "samples_per_second": count / seconds,
    }


SIDES = ("course", "tutorial", "plain")
LABELS = {
    "course": "course cluster-conditioned DCGAN (lesson 08, EMA)",
    "tutorial": "TensorFlow tutorial DCGAN",
    "plain": "course plain DCGAN (lesson 07, EMA)",
}


def _build(name, images, seed):
    """Builds one side: `(gan, labels or None, batch size, drop_remainder, seconds spent before training, epochs)`.

    The course's cluster-conditioned GAN trains its recipe's epochs (inside the budget: about half of it on 2
    cores); the plain DCGAN and the tutorial's train until the budget is spent.
    """
    from course_lib import clustering, config
    from course_lib.models import cluster_gan, dcgan, tutorial_dcgan

    if name == "course":
        recipe = cluster_gan.MNIST_CLUSTER_RECIPE
        start = time.perf_counter()
        _, clusters = clustering.kmeans(images, recipe["clusters"], seed=seed)
        gan = cluster_gan.build_cluster_gan(
            np.bincount(clusters, minlength=recipe["clusters"]), seed=seed
        )
        epochs = recipe["epochs"] if not config.is_smoke() else None
        return gan, clusters, recipe["batch_size"], True, time.perf_counter() - start, epochs
    if name == "plain":
        return dcgan.build_dcgan(seed=seed), None, dcgan.MNIST_RECIPE["batch_size"], True, 0.0, None
    batch_size = tutorial_dcgan.TUTORIAL_RECIPE["batch_size"]
    return tutorial_dcgan.build_tutorial_dcgan(seed=seed), None, batch_size, False, 0.0, None


def compare(seconds, samples, seed=0, verbose=True, sides=SIDES):
    """Trains each side for `seconds` of wall clock, then scores `samples` of each.

    Args:
        seconds: the budget of each side (the cluster-conditioned GAN's k-means counts against it).
        samples: samples scored per side.
        seed: seed of data order, initial weights and noise.
        verbose: print progress.
        sides: which of `"course"`, `"tutorial"` and `"plain"` to train; the ratio needs the first two.

    Returns:
        A dict with one entry per side (training and scoring numbers, see `train_for` and `score`),
        `ratio` (course FID / tutorial FID, when both ran), `train_size`, `test_size`, `seconds` and `samples`.
    """
    from course_lib import config, data, metrics
    from course_lib.models import classifier

    (x_train, y_train), (x_test, y_test) = data.load_dataset("mnist")
    if config.is_smoke():
        x_train, y_train = data.take_subset(x_train, y_train, size=SMOKE_TRAIN_SIZE, seed=seed)
        x_test, y_test = data.take_subset(x_test, y_test, size=SMOKE_TEST_SIZE, seed=seed)
    images = data.scale_images(x_train, value_range=(-1, 1))
    judge = classifier.load_reference_classifier("mnist", verbose=verbose)
    real_features = metrics.reference_features(data.scale_images(x_test), model=judge)

    report = {
        "train_size": len(images),
        "test_size": len(x_test),
        "seconds": seconds,
        "samples": samples,
    }
    for name in sides:
        course_lib.set_seed(seed)
        gan, labels, batch_size, drop_remainder, setup_seconds, epochs = _build(name, images, seed)
        if verbose:
            print(
                f"{name}: training for {seconds:.0f} s (batch {batch_size}; generator "
                f"{gan.generator.count_params():,} weights) ...",
                flush=True,
            )
        result = train_for(
            name,
            gan,
            images,
            batch_size,
            drop_remainder,
            max(seconds - setup_seconds, 0.0),
            seed,
            verbose,
            labels=labels,
            epochs=epochs,
        )
        result["setup_seconds"] = setup_seconds
        result["train_seconds"] += setup_seconds
        result["images_per_second"] = result["images"] / result["train_seconds"]
        result.update(score(gan, samples, real_features, judge, seed))
        result["generator_parameters"] = gan.generator.count_params()
        result["discriminator_parameters"] = gan.discriminator.count_params()
        report[name] = result
        if verbose:
            print(describe(name, result), flush=True)
    if "course" in report and "tutorial" in report:
        report["ratio"] = report["course"]["fid"] / report["tutorial"]["fid"]
    return report


def describe(name, result):
    """One line about one side's training and samples."""
    return (
        f"{name}: {result['steps']} steps of {result['batch_size']} in {result['train_seconds']:.1f} s "
        f"(k-means {result.get('setup_seconds', 0.0):.1f} s of them) "
        f"({result['images_per_second']:.0f} training images/s, {result['epochs']:.2f} epochs, "
        f"{result['cpu_seconds']:.0f} s CPU); FID {result['fid']:.2f}, KID {result['kid'] * 1000:.2f} "
        f"± {result['kid_error'] * 1000:.2f} ×10⁻³; {result['samples_per_second']:.0f} samples/s; "
        f"load {result['load_before']} → {result['load_after']}"
    )


def summary_line(report, smoke=False):
    """The comparison in one line: both FIDs, their ratio and the verdict (none for a smoke run)."""
    verdict = (
        "not judged (smoke run)" if smoke else "pass" if report["ratio"] <= TARGET_RATIO else "FAIL"
    )
    return (
        f"FID after {report['seconds']:.0f} s each ({report['samples']:,} samples vs {report['test_size']:,} test "
        f"images): course {report['course']['fid']:.2f}, tutorial {report['tutorial']['fid']:.2f}, "
        f"ratio course/tutorial {report['ratio']:.3f} (target ≤ {TARGET_RATIO}): {verdict}"
    )


def markdown_table(report):
    """Both sides as a Markdown table."""
    lines = [
        "| model | generator / discriminator weights | steps × batch | training | training images/s | epochs | "
        "FID | KID ×10⁻³ | samples/s | load before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in [side for side in SIDES if side in report]:
        label, r = LABELS[name], report[name]
        lines.append(
            f"| {label} | {r['generator_parameters']:,} / {r['discriminator_parameters']:,} | "
            f"{r['steps']} × {r['batch_size']} | {r['train_seconds']:.1f} s | {r['images_per_second']:.0f} | "
            f"{r['epochs']:.2f} | {r['fid']:.2f} | {r['kid'] * 1000:.2f} ± {r['kid_error'] * 1000:.2f} | "
            f"{r['samples_per_second']:.0f} | {r['load_before']} → {r['load_after']} |"
        )
    return "\n".join(lines)


def benchmark_rows(smoke=False, seconds=None, samples=None, seed=0, sides=SIDES):
    """Runs the comparison and returns run_all's rows (the course's model, the tutorial's, the plain DCGAN).

    Args:
        smoke: smoke mode (5 s each, 500 samples, 2,000 training images): proves the code runs.
        seconds: wall-clock budget of each model (default 300, smoke 5).
        samples: samples scored per model (default 10,000, smoke 500).
        seed: seed for data order, initial weights and noise.
        sides: the sides to train (at least `"course"` and `"tutorial"`).

    Returns:
        One `benchlib.Row` per side; the full report is in the first row's `details`.
    """
    os.environ["COURSE_SMOKE"] = "1" if smoke else "0"
    seconds = seconds or (SMOKE_SECONDS if smoke else DEFAULT_SECONDS)
    samples = samples or (SMOKE_SAMPLES if smoke else DEFAULT_SAMPLES)
    report = compare(seconds, samples, seed, sides=sides)
    print(summary_line(report, smoke), flush=True)
    course, tutorial = report["course"], report["tutorial"]
    rows = [
        Row(
            "vs_tutorial",
            "course cluster-conditioned DCGAN (lesson 08) vs tutorial, equal time",
            course["train_seconds"],
            course["samples_per_second"],
            "generated",
            f"FID {course['fid']:.2f}; ratio to tutorial {report['ratio']:.3f}",
            f"ratio ≤ {TARGET_RATIO} after {seconds:.0f} s each",
            None if smoke else report["ratio"] <= TARGET_RATIO,
            details=report,
        ),
        Row(
            "vs_tutorial",
            "TensorFlow tutorial DCGAN, equal time",
            tutorial["train_seconds"],
            tutorial["samples_per_second"],
            "generated",
            f"FID {tutorial['fid']:.2f}",
        ),
    ]
    if "plain" in report:
        plain = report["plain"]
        rows.append(
            Row(
                "vs_tutorial",
                "course plain DCGAN (lesson 07), equal time",
                plain["train_seconds"],
                plain["samples_per_second"],
                "generated",
                f"FID {plain['fid']:.2f}",
            )
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help=f"wall-clock training budget of each model (default {DEFAULT_SECONDS:.0f}, smoke "
        f"{SMOKE_SECONDS:.0f})",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=None,
        help=f"samples per model for FID (default {DEFAULT_SAMPLES}, smoke {SMOKE_SAMPLES})",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sides",
        nargs="+",
        default=list(SIDES),
        choices=SIDES,
        help="models to train: the course's (cluster-conditioned), the tutorial's, the plain DCGAN",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a tiny run that proves the code works (its numbers mean nothing)",
    )
    args = parser.parse_args(argv)
    os.environ["COURSE_SMOKE"] = "1" if args.smoke else "0"
    course_lib.setup(verbose=False)
    print("\n".join(machine_lines()), flush=True)
    if not {"course", "tutorial"} <= set(args.sides):
        parser.error("--sides needs at least course and tutorial (their FID ratio is the result)")
    rows = benchmark_rows(args.smoke, args.seconds, args.samples, args.seed, tuple(args.sides))
    report = rows[0].details
    print(f"\nload average after: {load_average()}\n")
    print(markdown_table(report))
    if args.smoke:
        print("(smoke run: the numbers only show that the code runs)")
        return 0
    return 0 if report["ratio"] <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())

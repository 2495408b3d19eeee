"""Benchmark: the course's MNIST VAEs (lessons 04-05) trained from scratch in full mode, as learners train them.

Trains the larger-latent VAE and the 2-D VAE with their course recipes (`course_lib.models.vae.mnist_vae_recipe`)
and prints, per epoch, the wall-clock and CPU seconds of training and the test negative ELBO; then the totals, and
for the 2-D VAE how well its latent space separates the digits (10-nearest-neighbour accuracy of test codes).

Test negative ELBO: the mean over the 10,000 MNIST test images of BCE(grey-level pixels, decoder logits) summed
over the 784 pixels, plus the closed-form KL term, with one latent sample per image (a single-sample estimate);
the final figure is also given averaged over 10 samples. Per-epoch evaluations are not counted as training time.

Run from the repository root (full mode, no cache involved):

    COURSE_SMOKE=0 COURSE_DATA_DIR=/path/to/data python benchmarks/bench_vae.py [--only large|2d]
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from benchlib import Row, cpu_model, samples_per_second  # noqa: E402

from course_lib import config, data  # noqa: E402
from course_lib.models import vae as vae_module  # noqa: E402

LARGE_LATENT_DIM = vae_module.LARGE_LATENT_DIM
TARGET_NATS = 95.0
TARGET_SECONDS = 300.0


def _cpu_seconds():
    times = os.times()
    return times.user + times.system


class EpochTimer(keras.callbacks.Callback):
    """Records training seconds (wall and CPU) per epoch and the test negative ELBO after each epoch."""

    def __init__(self, test_images):
        super().__init__()
        self.test_images = test_images
        self.rows = []

    def on_epoch_begin(self, epoch, logs=None):
        self._wall, self._cpu = time.perf_counter(), _cpu_seconds()

    def on_epoch_end(self, epoch, logs=None):
        wall, cpu = time.perf_counter() - self._wall, _cpu_seconds() - self._cpu
        test = self.model.evaluate_negative_elbo(self.test_images, batch_size=1000)
        previous = self.rows[-1] if self.rows else {"train_seconds": 0.0, "train_cpu_seconds": 0.0}
        row = {
            "epoch": epoch + 1,
            "epoch_seconds": round(wall, 1),
            "train_seconds": round(previous["train_seconds"] + wall, 1),
            "train_cpu_seconds": round(previous["train_cpu_seconds"] + cpu, 1),
            "train_loss": round(float(logs["loss"]), 2),
            "test_negative_elbo": round(test["negative_elbo"], 2),
            "load": round(os.getloadavg()[0], 2),
        }
        self.rows.append(row)
        print(
            f"  epoch {row['epoch']:2d}: {wall:5.1f} s (cpu {cpu:5.1f} s), total {row['train_seconds']:6.1f} s | "
            f"train loss {row['train_loss']:.2f} | test negative ELBO {row['test_negative_elbo']:.2f} | "
            f"load {row['load']}",
            flush=True,
        )


def nearest_neighbour_accuracy(train_codes, train_labels, test_codes, test_labels, k=10, chunk=500):
    """Accuracy of a k-nearest-neighbour vote in latent space: how well the digit classes separate."""
    votes = []
    for begin in range(0, len(test_codes), chunk):
        block = test_codes[begin : begin + chunk]
        distances = ((block[:, None, :] - train_codes[None, :, :]) ** 2).sum(axis=-1)
        nearest = np.argpartition(distances, k, axis=1)[:, :k]
        votes += [np.bincount(row, minlength=10).argmax() for row in train_labels[nearest]]
    return float(np.mean(np.array(votes) == test_labels))


def run(latent_dim, x_test, y_test):
    recipe = vae_module.mnist_vae_recipe(latent_dim)
    print(f"\nVAE with latent_dim={latent_dim}, recipe {recipe}", flush=True)
    timer = EpochTimer(x_test)
    start_wall, start_cpu = time.perf_counter(), _cpu_seconds()
    callbacks = [timer]
    if vae_module.mnist_vae_recipe(latent_dim)["ema_momentum"]:
        # Judge each epoch with the moving-average weights, which is what the finished model keeps.
        callbacks = [keras.callbacks.SwapEMAWeights(swap_on_epoch=True), timer]
    vae, info = vae_module.train_mnist_vae(latent_dim, verbose=0, callbacks=callbacks)
    total_wall, total_cpu = time.perf_counter() - start_wall, _cpu_seconds() - start_cpu
    ten_samples = vae.evaluate_negative_elbo(x_test, samples=10)
    result = {
        "latent_dim": latent_dim,
        "recipe": recipe,
        "epochs": info["epochs"],
        "train_seconds": timer.rows[-1]["train_seconds"],
        "train_cpu_seconds": timer.rows[-1]["train_cpu_seconds"],
        "seconds_with_evaluations": round(total_wall, 1),
        "cpu_seconds_with_evaluations": round(total_cpu, 1),
        "test_negative_elbo": info["test_negative_elbo"],
        "test_negative_elbo_10_samples": round(ten_samples["negative_elbo"], 2),
        "test_reconstruction_loss": round(ten_samples["reconstruction_loss"], 2),
        "test_kl_loss": round(ten_samples["kl_loss"], 2),
        "per_epoch": timer.rows,
        "decoded_per_second": round(
            samples_per_second(vae.sample, config.pick(full=10_000, smoke=500)), 1
        ),
    }
    if latent_dim == 2:
        (x_train, y_train), _ = data.load_dataset("mnist")
        train_codes = vae.encode(data.scale_images(x_train[:10_000]))[0]
        test_codes = vae.encode(x_test)[0]
        result["knn10_accuracy_2d_codes"] = round(
            nearest_neighbour_accuracy(
                np.asarray(train_codes), y_train[:10_000], np.asarray(test_codes), y_test
            ),
            4,
        )
    else:
        within = [row for row in timer.rows if row["train_seconds"] <= TARGET_SECONDS]
        result["best_within_5_minutes"] = (
            min(row["test_negative_elbo"] for row in within) if within else None
        )
    print(json.dumps({k: v for k, v in result.items() if k != "per_epoch"}, indent=2), flush=True)
    return result


def benchmark_rows(smoke=False, only=None):
    """Trains the course's VAEs from scratch and returns run_all's rows (the larger-latent VAE, then the 2-D one).

    Args:
        smoke: smoke mode (2,000 training images, one epoch, 1,000 test images): proves the code runs.
        only: `"large"` or `"2d"` to train one of them.

    Returns:
        A list of `benchlib.Row`: training seconds, images decoded per second, test negative ELBO.
    """
    os.environ["COURSE_SMOKE"] = "1" if smoke else "0"
    _, (x_test, y_test) = data.load_dataset("mnist")
    if smoke:
        x_test, y_test = data.take_subset(x_test, y_test, size=1_000)
    x_test = data.scale_images(x_test)
    rows = []
    for name, latent_dim in [("large", LARGE_LATENT_DIM), ("2d", 2)]:
        if only not in (None, name):
            continue
        result = run(latent_dim, x_test, y_test)
        quality = f"test negative ELBO {result['test_negative_elbo']:.2f} nats"
        if latent_dim == 2:
            quality += f"; 10-NN accuracy of the 2-D codes {result['knn10_accuracy_2d_codes']:.1%}"
            target, passed = "—", None
        else:
            best = result["best_within_5_minutes"]
            target = f"≤ {TARGET_NATS:.0f} nats within {TARGET_SECONDS:.0f} s"
            passed = None if smoke else best is not None and best <= TARGET_NATS
        rows.append(
            Row(
                "vae",
                f"VAE (lesson 05), latent {latent_dim}",
                result["train_seconds"],
                result["decoded_per_second"],
                "decoded",
                quality,
                target,
                passed,
                details=result,
            )
        )
    return rows


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["large", "2d"], help="train only one of the two VAEs")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    if config.is_smoke():
        raise SystemExit(
            "bench_vae.py measures full mode: unset COURSE_SMOKE (or set COURSE_SMOKE=0)."
        )
    header = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "load_before": [round(value, 2) for value in os.getloadavg()],
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
    }
    print(json.dumps(header, indent=2), flush=True)
    _, (x_test, y_test) = data.load_dataset("mnist")
    x_test = data.scale_images(x_test)
    results = {"header": header}
    if args.only in (None, "large"):
        results["large"] = run(LARGE_LATENT_DIM, x_test, y_test)
    if args.only in (None, "2d"):
        results["2d"] = run(2, x_test, y_test)
    header["load_after"] = [round(value, 2) for value in os.getloadavg()]
    print(f"\nload average after: {header['load_after']}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()

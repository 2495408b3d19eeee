"""Benchmark: runs lesson 13 (synthetic training data) in full mode and reports its accuracy table.

The lesson trains the reference classifier on 100 labelled MNIST digits under five recipes (real only, with
augmentation, with conditional-GAN images, both, and with images from a GAN trained on the same 100 digits) over
5 seeds. Like bench_enhancement.py, this script executes the lesson notebook itself in full mode in a fresh kernel
and reads the numbers it computed, so benchmarks/RESULTS.md records exactly what learners get:

    COURSE_DATA_DIR=../shared/data python benchmarks/bench_synthetic.py --executed /tmp/13_full.ipynb

The conditional GAN comes from the course cache when it is there (`COURSE_RETRAIN=1` trains it again); its training
time is reported either way.
"""

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_enhancement import ROOT, cpu_model, load_average, run_notebook  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "13_synthetic_training_data.ipynb"
DUMP = (
    "{'summary': summary, 'labels_used': labels_used, 'gan': gan_info, 'judged': judged, "
    "'small_judged': small_judged, 'seeds': list(SEEDS), 'steps': STEPS, 'test_size': len(x_test), "
    "'versions': {'tensorflow': __import__('tensorflow').__version__, 'keras': __import__('keras').__version__}}"
)


def markdown_table(report):
    """The accuracies as a Markdown table."""
    lines = [
        "| condition | labels used | test accuracy (mean ± std) | per seed |",
        "|---|---|---:|---|",
    ]
    for name, row in report["summary"].items():
        seeds = ", ".join(f"{value:.2%}" for value in row["per_seed"])
        lines.append(
            f"| {name} | {report['labels_used'][name]} | {row['mean']:.2%} ± {row['std']:.2%} | {seeds} |"
        )
    return "\n".join(lines)


def benchmark_rows(smoke=False, executed=None, timeout=7200):
    """Runs lesson 13 in a fresh kernel and returns run_all's rows: the conditional GAN, then one per recipe.

    Args:
        smoke: run the notebook in smoke mode (one seed, 20 steps per classifier): proves the code runs.
        executed: where to write the executed notebook (default: a temporary folder).
        timeout: seconds allowed per cell.

    Returns:
        A list of `benchlib.Row`. The lesson sets no pass mark: it measures the gain of each recipe.
    """
    from benchlib import Row

    executed = executed or Path(tempfile.mkdtemp()) / NOTEBOOK.name
    report = run_notebook(NOTEBOOK, executed, timeout, DUMP, smoke=smoke)
    gan = report["gan"]
    rows = [
        Row(
            "synthetic",
            f"conditional GAN for lesson 13 ({'cached' if gan.get('loaded') else 'trained'})",
            gan["train_seconds"],
            None,
            "",
            f"conditional accuracy {report['judged']:.1%}",
        )
    ]
    seeds = len(report["seeds"])
    for name, row in report["summary"].items():
        spread = f" ± {row['std']:.2%}" if seeds > 1 else ""
        rows.append(
            Row(
                "synthetic",
                f"lesson 13 classifier {name}; labels: {report['labels_used'][name]}",
                None,
                None,
                "",
                f"test accuracy {row['mean']:.2%}{spread} ({seeds} seed{'s' if seeds > 1 else ''})",
                details=row,
            )
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--executed",
        type=Path,
        default=None,
        help="where to write the executed notebook (default: a temporary folder)",
    )
    parser.add_argument("--timeout", type=int, default=7200, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    executed = args.executed or Path(tempfile.mkdtemp()) / NOTEBOOK.name

    print(
        f"CPU: {cpu_model()} ({os.cpu_count()} cores); Python {platform.python_version()}; "
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
    )
    print(f"load average (1, 5, 15 min) before: {load_average()}", flush=True)
    start = time.perf_counter()
    report = run_notebook(NOTEBOOK, executed, args.timeout, DUMP)
    total = time.perf_counter() - start
    gan = report["gan"]
    print(
        f"TensorFlow {report['versions']['tensorflow']}, Keras {report['versions']['keras']}; "
        f"seeds {report['seeds']}, {report['steps']} steps per classifier, {report['test_size']} test images"
    )
    print(
        f"conditional GAN: {gan['train_size']} images, {gan.get('epochs')} epochs, {gan['train_seconds']:.0f} s "
        f"({'loaded from the cache' if gan.get('loaded') else 'trained in this run'}); conditional accuracy "
        f"{report['judged']:.1%}; the GAN trained on 100 images: {report['small_judged']:.1%}"
    )
    print(
        f"whole notebook: {total:.0f} s; load average after: {load_average()}; executed copy: {executed}"
    )
    print()
    print(markdown_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

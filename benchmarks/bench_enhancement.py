"""Benchmark: runs lesson 12 (image enhancement) in full mode and reports its PSNR/SSIM table.

The lesson's promise: each learned model (Gaussian and salt-and-pepper denoisers, 2× super-resolver,
inpainter) trains in at most 5 minutes on 2 CPU cores and beats its tuned classical baseline by at least 2 dB
PSNR on the MNIST test set. Rather than copying the lesson's recipe, this script executes the lesson notebook
itself in full mode (a fresh kernel, `COURSE_SMOKE=0`) and reads the `results` it computed, so the numbers in
benchmarks/RESULTS.md are exactly what learners get:

    COURSE_DATA_DIR=../shared/data python benchmarks/bench_enhancement.py --executed /tmp/12_full.ipynb

It prints the machine, versions, load average and a Markdown table for benchmarks/RESULTS.md.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from benchlib import cpu_model, load_average  # noqa: F401  (bench_synthetic imports them from here)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "12_image_enhancement.ipynb"
MARGIN_TARGET_DB = 2.0
TIME_LIMIT_SECONDS = 300
RESULTS_MARKER = "BENCHMARK-RESULTS:"


def run_notebook(path, executed_path, timeout, dump_expression, smoke=False, prelude=""):
    """Executes a notebook in full mode with one extra cell that prints `dump_expression` as JSON; returns it.

    Args:
        path: the notebook.
        executed_path: where to write the executed copy (outputs included), to look at its figures.
        timeout: seconds allowed per cell.
        dump_expression: Python source of a JSON-friendly value, evaluated in the notebook's namespace at the end.
        smoke: run it in smoke mode instead (the same code path on little data: proves the benchmark runs).
        prelude: Python source run in the notebook's namespace before `dump_expression` (e.g. extra timings).
    """
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    dump = f"{prelude}\nimport json as _json\nprint({RESULTS_MARKER!r} + _json.dumps({dump_expression}))"
    notebook.cells.append(nbformat.v4.new_code_cell(dump))
    os.environ["COURSE_SMOKE"] = "1" if smoke else "0"
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    client.execute()
    nbformat.write(notebook, executed_path)
    for output in notebook.cells[-1].outputs:
        for line in output.get("text", "").splitlines():
            if line.startswith(RESULTS_MARKER):
                return json.loads(line[len(RESULTS_MARKER) :])
    raise RuntimeError("the notebook ran but printed no results")


# What lesson 12 leaves in its namespace that the report needs.
DUMP = (
    "{'results': results, 'versions': {'tensorflow': __import__('tensorflow').__version__, "
    "'keras': __import__('keras').__version__}, "
    "'sizes': {'train': len(x_train), 'test': len(x_test), 'epochs': EPOCHS}, 'baselines': baseline_name, "
    "'enhanced_per_second': _enhanced_per_second}"
)
# How fast each trained model enhances the test images (after a warm-up batch), for run_all's table.
PRELUDE = """
def _rate(model, inputs):  # inputs: an array, or a list of arrays (the inpainter's images and masks)
    first = [part[:500] for part in inputs] if isinstance(inputs, list) else inputs[:500]
    model.predict(first, batch_size=500, verbose=0)
    start = time.perf_counter()
    model.predict(inputs, batch_size=500, verbose=0)
    count = len(inputs[0]) if isinstance(inputs, list) else len(inputs)
    return count / (time.perf_counter() - start)


_enhanced_per_second = {task: _rate(model, model_input[task]) for task, model in models.items()}
"""


def markdown_table(report):
    """The results as a Markdown table."""
    lines = [
        "| task | damaged input PSNR / SSIM | baseline | baseline PSNR / SSIM | learned PSNR / SSIM | margin | "
        "images where learned wins | training | target (≥ 2 dB, ≤ 300 s) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for task, r in report["results"].items():
        passed = r["margin_db"] >= MARGIN_TARGET_DB and r["train_seconds"] <= TIME_LIMIT_SECONDS
        lines.append(
            f"| {task} | {r['input']['psnr']:.2f} dB / {r['input']['ssim']:.3f} | {report['baselines'][task]} | "
            f"{r['baseline']['psnr']:.2f} dB / {r['baseline']['ssim']:.3f} | "
            f"{r['learned']['psnr']:.2f} dB / {r['learned']['ssim']:.3f} | {r['margin_db']:+.2f} dB | "
            f"{r['wins']:.1%} | {r['train_seconds']:.0f} s | {'pass' if passed else 'FAIL'} |"
        )
    return "\n".join(lines)


def benchmark_rows(smoke=False, executed=None, timeout=3600):
    """Runs lesson 12 in a fresh kernel and returns run_all's rows, one per enhancement task.

    Args:
        smoke: run the notebook in smoke mode (1,000 training images, one epoch): proves the code runs.
        executed: where to write the executed notebook (default: a temporary folder).
        timeout: seconds allowed per cell.

    Returns:
        A list of `benchlib.Row`: training seconds, test images enhanced per second, PSNR margin over the
        tuned classical baseline.
    """
    from benchlib import Row

    executed = executed or Path(tempfile.mkdtemp()) / NOTEBOOK.name
    report = run_notebook(NOTEBOOK, executed, timeout, DUMP, smoke=smoke, prelude=PRELUDE)
    rows = []
    for task, r in report["results"].items():
        passed = r["margin_db"] >= MARGIN_TARGET_DB and r["train_seconds"] <= TIME_LIMIT_SECONDS
        rows.append(
            Row(
                "enhancement",
                f"{task} (lesson 12)",
                r["train_seconds"],
                report["enhanced_per_second"][task],
                "enhanced",
                f"PSNR {r['learned']['psnr']:.2f} dB, {r['margin_db']:+.2f} dB over "
                f"{report['baselines'][task]}",
                f"margin ≥ {MARGIN_TARGET_DB:.0f} dB, ≤ {TIME_LIMIT_SECONDS} s",
                None if smoke else passed,
                details=r,
            )
        )
    print(
        f"lesson 12 ({'smoke' if smoke else 'full'} mode): {report['sizes']['train']} training images, "
        f"{report['sizes']['epochs']} epoch(s) per model, {report['sizes']['test']} test images",
        flush=True,
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
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    executed = args.executed or Path(tempfile.mkdtemp()) / NOTEBOOK.name

    print(
        f"CPU: {cpu_model()} ({os.cpu_count()} cores); Python {platform.python_version()}; "
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
    )
    print(f"load average (1, 5, 15 min) before: {load_average()}", flush=True)
    start = time.perf_counter()
    report = run_notebook(NOTEBOOK, executed, args.timeout, DUMP, prelude=PRELUDE)
    total = time.perf_counter() - start
    sizes = report["sizes"]
    print(
        f"TensorFlow {report['versions']['tensorflow']}, Keras {report['versions']['keras']}; "
        f"{sizes['train']} training images, {sizes['epochs']} epochs per model, {sizes['test']} test images"
    )
    print(
        f"whole notebook: {total:.0f} s; load average after: {load_average()}; executed copy: {executed}"
    )
    print()
    print(markdown_table(report))
    ok = all(
        r["margin_db"] >= MARGIN_TARGET_DB and r["train_seconds"] <= TIME_LIMIT_SECONDS
        for r in report["results"].values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

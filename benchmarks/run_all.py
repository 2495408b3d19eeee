"""Runs every benchmark of the course in one go and prints one Markdown table of all the models.

For each model: its training seconds (wall clock), how many images per second the trained model produces
(generated, decoded, classified, enhanced; slider updates for the widgets), its quality figure (test accuracy,
negative ELBO, FID, conditional accuracy, PSNR margin, update latency), the target it is held to, and pass/FAIL.
A header gives the machine, the versions, the date and the load average.

    COURSE_DATA_DIR=../shared/data python benchmarks/run_all.py                  # full mode: an hour or more
    COURSE_DATA_DIR=../shared/data python benchmarks/run_all.py --smoke          # code paths, ~2 minutes
    COURSE_DATA_DIR=../shared/data python benchmarks/run_all.py --smoke --notebooks   # and the notebook ones
    COURSE_DATA_DIR=../shared/data python benchmarks/run_all.py --only gan vs_tutorial
    COURSE_DATA_DIR=../shared/data python benchmarks/run_all.py --write-results  # also record it in RESULTS.md

Full mode measures what learners get: models trained from scratch with their lessons' recipes (the course cache
serves only the reference classifiers that judge the generators, and lesson 13's conditional GAN when it is there,
as in bench_synthetic.py). `--smoke` runs the benchmarks' code paths on little data in a
couple of minutes (CI runs it to prove the scripts work), leaving out the two that execute a lesson notebook unless
`--notebooks` is given (see `SMOKE_SKIPPED`); its numbers mean nothing, so it never writes RESULTS.md.
`--write-results` replaces the section between the run_all markers in benchmarks/RESULTS.md (appending it the
first time) and leaves the rest of the file alone. Each benchmark runs in this process, one after the other;
the two lesson-notebook benchmarks (enhancement, synthetic) run their notebook in a fresh kernel.
"""

import argparse
import datetime
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchlib import Row, load_average, machine_lines, markdown_table  # noqa: E402

RESULTS_PATH = HERE / "RESULTS.md"
BEGIN_MARKER = "<!-- run_all:begin (written by benchmarks/run_all.py --write-results; edit outside the markers) -->"
END_MARKER = "<!-- run_all:end -->"

# name: (script module, keyword arguments of its benchmark_rows, what it measures)
BENCHMARKS = {
    "classifier": ("bench_classifier", {}, "reference CNN on MNIST and Fashion-MNIST (lesson 03)"),
    "vae": ("bench_vae", {}, "VAEs with latent 32 and 2 (lesson 05)"),
    "gan": (
        "bench_gan",
        {"models": ("dcgan", "cluster", "conditional")},
        "DCGAN, cluster-conditioned DCGAN and conditional GAN (lessons 07-08)",
    ),
    "wgan_gp": ("bench_gan", {"models": ("wgan_gp",)}, "WGAN-GP on Fashion-MNIST (lesson 09)"),
    "enhancement": (
        "bench_enhancement",
        {},
        "lesson 12's notebook: denoising, super-resolution, inpainting",
    ),
    "synthetic": (
        "bench_synthetic",
        {},
        "lesson 13's notebook: classifiers on 100 labels + synthetic data",
    ),
    "widgets": ("bench_widgets", {}, "latent explorers' slider latency (lesson 11)"),
    "vs_tutorial": (
        "bench_vs_tutorial",
        {},
        "course DCGANs (cluster-conditioned, plain) vs the TensorFlow tutorial's, equal wall clock",
    ),
}

# Benchmarks left out of `--smoke` runs unless `--notebooks` is given, with the reason (printed with every smoke
# run). Each executes a whole lesson notebook in a fresh kernel: 80-90 s apiece in smoke mode on a loaded 2-core
# machine, more than the rest of the smoke run together, and CI already executes both notebooks under nbval.
# tests/test_benchmarks.py proves their own code (the notebook runner, and that the names they read exist in the
# lessons) in seconds.
SMOKE_SKIPPED = {
    "enhancement": "executes lesson 12's notebook, which CI runs under nbval; --notebooks includes it",
    "synthetic": "executes lesson 13's notebook, which CI runs under nbval; --notebooks includes it",
}

LEGEND = (
    "samples/s: images per second from the trained model (generated: GAN samples; decoded: VAE samples from the "
    "prior; classified / enhanced: test images), or slider updates per second for the widgets. Training s: "
    "wall-clock seconds of training (— where nothing is trained, or a model comes from the cache). Result: pass "
    "or FAIL against the target; — where there is no target, or in a smoke run."
)


def run_benchmark(name, smoke):
    """Runs one benchmark; returns its rows (an `ERROR` row if it raised) and its wall-clock seconds."""
    module_name, options, _ = BENCHMARKS[name]
    start = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
        rows = module.benchmark_rows(smoke=smoke, **options)
    except Exception as error:  # one broken benchmark must not hide the others' numbers
        traceback.print_exc()
        rows = [
            Row(
                name,
                f"ERROR: {type(error).__name__}: {error}".replace("|", "/")[:200],
                None,
                None,
                "",
                "—",
                "—",
                False,
                details={"error": True},
            )
        ]
    for row in rows:
        row.benchmark = name
    return rows, time.perf_counter() - start


def report_text(rows, header, smoke, seconds, skipped):
    """The whole report as Markdown: heading, machine header, table, legend, timings and what was skipped."""
    mode = "smoke run, not meaningful: it only proves the code runs" if smoke else "full mode"
    lines = [
        "## All benchmarks (run_all)",
        "",
        *header,
        f"- mode: {mode}",
        f"- load average (1, 5, 15 min) at the end: {load_average()}",
        "- wall clock per benchmark: "
        + ", ".join(f"{name} {value:.0f} s" for name, value in seconds.items()),
        "",
        markdown_table(rows),
        "",
        LEGEND,
    ]
    if skipped:
        lines += [
            "",
            "Skipped: " + "; ".join(f"{name} ({reason})" for name, reason in skipped.items()),
        ]
    return "\n".join(lines)


def write_results(text, path=RESULTS_PATH):
    """Puts `text` between the run_all markers in RESULTS.md, replacing what was there or appending it."""
    content = path.read_text() if path.exists() else "# Benchmark results\n"
    block = f"{BEGIN_MARKER}\n{text}\n{END_MARKER}"
    if BEGIN_MARKER in content and END_MARKER in content:
        before, rest = content.split(BEGIN_MARKER, 1)
        _, after = rest.split(END_MARKER, 1)
        content = before + block + after
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(content)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke", action="store_true", help="every code path on little data (numbers mean nothing)"
    )
    parser.add_argument(
        "--notebooks",
        action="store_true",
        help="with --smoke: also run the benchmarks that execute a lesson notebook",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(BENCHMARKS),
        metavar="NAME",
        help=f"run only these benchmarks: {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--write-results",
        action="store_true",
        help="record the report in benchmarks/RESULTS.md (full mode only)",
    )
    args = parser.parse_args(argv)
    if args.smoke and args.write_results:
        parser.error(
            "--write-results records full-mode numbers only; a --smoke run's numbers mean nothing."
        )

    os.environ["COURSE_SMOKE"] = "1" if args.smoke else "0"
    import course_lib

    course_lib.setup(verbose=False)
    header = machine_lines()
    print("\n".join(header), flush=True)
    names = args.only or list(BENCHMARKS)
    skipped = {
        name: reason
        for name, reason in SMOKE_SKIPPED.items()
        if args.smoke and not args.notebooks and name in names
    }
    rows, seconds = [], {}
    for name in names:
        if name in skipped:
            print(f"\n=== {name}: skipped in smoke runs ({skipped[name]})", flush=True)
            continue
        print(
            f"\n=== {name}: {BENCHMARKS[name][2]} ({datetime.datetime.now():%H:%M:%S}, "
            f"load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        benchmark_rows, seconds[name] = run_benchmark(name, args.smoke)
        rows += benchmark_rows
        print(f"=== {name}: {seconds[name]:.0f} s", flush=True)
    text = report_text(rows, header, args.smoke, seconds, skipped)
    print("\n" + text)
    if args.write_results:
        write_results(text)
        print(f"\nwritten to {RESULTS_PATH}")
    if any(row.details.get("error") for row in rows):
        return 2
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

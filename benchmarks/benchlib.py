"""What the benchmark scripts share: the machine's description, timing helpers and the rows of run_all's table.

Every `bench_*.py` script has a `benchmark_rows(smoke=False)` function that returns a list of `Row`s;
`run_all.py` collects them into one Markdown table (`markdown_table`).
"""

import datetime
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field


@dataclass
class Row:
    """One line of run_all's table: a model, its training time, its speed and its quality figure.

    Args:
        benchmark: the benchmark's name in run_all (`"gan"`, `"vae"`, ...).
        model: what was measured, e.g. `"DCGAN (lesson 07)"`.
        train_seconds: wall-clock seconds of training, or `None` where nothing is trained.
        samples_per_second: images produced per second once trained (generated, decoded, classified, ...),
            or `None` where not measured.
        samples_kind: what `samples_per_second` counts, e.g. `"generated"`.
        quality: the quality figure as text, e.g. `"FID 3.21"`.
        target: the promise it is judged against, or `"—"` where there is none.
        passed: whether the target is met; `None` where there is no target (or in smoke mode).
        details: any other numbers, for the script's own report.
    """

    benchmark: str
    model: str
    train_seconds: float | None
    samples_per_second: float | None
    samples_kind: str
    quality: str
    target: str = "—"
    passed: bool | None = None
    details: dict = field(default_factory=dict)


def cpu_model():
    """The processor's model name from `lscpu`."""
    try:
        output = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"
    for line in output.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def load_average():
    """The 1, 5 and 15 minute load averages as text."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def machine_lines():
    """The machine, versions, date and load, as lines of Markdown for a report's header."""
    import keras
    import numpy as np
    import tensorflow as tf

    return [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}",
        f"- versions: Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}, "
        f"NumPy {np.__version__}",
        f"- TF_ENABLE_ONEDNN_OPTS: {os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'unset (TensorFlow default)')}",
        f"- load average (1, 5, 15 min) at the start: {load_average()}",
    ]


def samples_per_second(produce, count, batch_size=500):
    """Times how many images per second a trained model produces, after one warm-up batch.

    Args:
        produce: a function `n -> images` (generate, decode or classify `n` images).
        count: how many images to time in all.
        batch_size: images per call.

    Returns:
        Images per second (wall clock).
    """
    import numpy as np

    np.asarray(
        produce(min(batch_size, count))
    )  # warm-up: tracing and first allocations are not counted
    done, start = 0, time.perf_counter()
    while done < count:
        size = min(batch_size, count - done)
        np.asarray(produce(size))
        done += size
    return count / (time.perf_counter() - start)


def _number(value, digits=1):
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if value < 100 else f"{value:.0f}"


def result_word(passed):
    """`pass`, `FAIL` or `—` (no target, or not judged)."""
    return "—" if passed is None else ("pass" if passed else "FAIL")


TABLE_HEADER = (
    "| benchmark | model | training s | samples/s | quality | target | result |\n"
    "|---|---|---:|---:|---|---|---|"
)


def markdown_table(rows):
    """The rows as a Markdown table (see `TABLE_HEADER`); samples/s names what it counts in brackets."""
    lines = [TABLE_HEADER]
    for row in rows:
        speed = _number(row.samples_per_second, 0)
        if row.samples_per_second is not None:
            speed = f"{speed} ({row.samples_kind})"
        lines.append(
            f"| {row.benchmark} | {row.model} | {_number(row.train_seconds)} | {speed} | {row.quality} | "
            f"{row.target} | {result_word(row.passed)} |"
        )
    return "\n".join(lines)

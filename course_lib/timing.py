"""Measuring speed honestly (lesson 14): repeat a call, drop the warm-up, report the median.

The first call of a `tf.function` or a Keras `fit` traces and compiles a graph, so it is excluded (the
*warm-up*); the median of the remaining repeats is robust to the odd slow run on a shared machine.

    result = time_call(lambda: model.fit(dataset, epochs=1, verbose=0), repeats=3)
    print(result)                       # 2.31 s (median of 3; 2.28 s-2.45 s)
    timings = compare_calls({"eager": run_eagerly, "graph": run_graph}, repeats=3)
    print(timing_table(timings))        # a Markdown table with speed-ups
    with Timer() as timer:
        do_something()
    print(timer.seconds)
"""

import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """The durations of repeated runs of one call, in seconds (warm-up runs not included)."""

    times: tuple

    @property
    def median(self):
        """The median duration in seconds: the number to report."""
        return statistics.median(self.times)

    @property
    def best(self):
        """The shortest duration in seconds: what the code can do when nothing else disturbs it."""
        return min(self.times)

    @property
    def worst(self):
        """The longest duration in seconds."""
        return max(self.times)

    @property
    def repeats(self):
        """How many runs were timed."""
        return len(self.times)

    def __float__(self):
        return float(self.median)

    def __str__(self):
        return f"{format_seconds(self.median)} (median of {self.repeats}; {format_seconds(self.best)}-{format_seconds(self.worst)})"


def format_seconds(seconds):
    """Formats a duration readably: `"412 µs"`, `"3.1 ms"`, `"2.31 s"`."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def time_call(function, *args, repeats=5, warmup=1, clock=time.perf_counter, **kwargs):
    """Calls `function(*args, **kwargs)` `warmup + repeats` times and times the last `repeats` calls.

    Args:
        function: what to time.
        *args: its positional arguments.
        repeats: how many calls are timed (at least 1).
        warmup: how many calls run first, untimed (graph tracing, caches filling, memory allocation).
        clock: the clock, `time.perf_counter` by default.
        **kwargs: its keyword arguments.

    Returns:
        A `Timing`; `timing.median` is the median duration in seconds.
    """
    repeats, warmup = int(repeats), int(warmup)
    if repeats < 1 or warmup < 0:
        raise ValueError(
            f"need repeats >= 1 and warmup >= 0, got repeats={repeats}, warmup={warmup}."
        )
    for _ in range(warmup):
        function(*args, **kwargs)
    times = []
    for _ in range(repeats):
        start = clock()
        function(*args, **kwargs)
        times.append(clock() - start)
    return Timing(tuple(times))


def compare_calls(functions, repeats=5, warmup=1, clock=time.perf_counter):
    """Times several functions *interleaved* (A, B, C, A, B, C, ...), so that a change in the machine's load
    during the measurement affects them all alike instead of favouring whichever ran in a quiet moment.

    Args:
        functions: a dict from a name to a function of no arguments.
        repeats: timed calls of each function.
        warmup: untimed calls of each function first (all warm-ups run before any timed call).
        clock: the clock, `time.perf_counter` by default.

    Returns:
        A dict from each name to its `Timing`, in the order given.
    """
    repeats, warmup = int(repeats), int(warmup)
    if repeats < 1 or warmup < 0:
        raise ValueError(
            f"need repeats >= 1 and warmup >= 0, got repeats={repeats}, warmup={warmup}."
        )
    for function in functions.values():
        for _ in range(warmup):
            function()
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = clock()
            function()
            times[name].append(clock() - start)
    return {name: Timing(tuple(values)) for name, values in times.items()}


class Timer:
    """A stopwatch for a `with` block: `with Timer() as timer: ...`, then `timer.seconds`.

    Args:
        clock: the clock, `time.perf_counter` by default.
    """

    def __init__(self, clock=time.perf_counter):
        self.clock = clock
        self.seconds = None
        self._start = None

    def __enter__(self):
        self._start = self.clock()
        return self

    def __exit__(self, *exc_info):
        self.seconds = self.clock() - self._start
        return False


def timing_table(timings, reference=None, items=None, item_name="images"):
    """Formats timings as a Markdown table with the speed-up of each row over a reference row.

    Args:
        timings: a dict from a row name to a `Timing` (or to a number of seconds). A `Timing`'s fastest and
            slowest runs are shown too: when two rows' ranges overlap, their difference may be noise.
        reference: the row that the others are compared with (default: the first).
        items: the number of items each timed call processes (one number for every row, or a dict with one
            per row), to add a throughput column. With it, speed-ups compare throughputs, so rows that timed
            different amounts of work are still compared fairly.
        item_name: what the items are called, e.g. `"images"`.

    Returns:
        The table as a string (print it, or show it with `IPython.display.Markdown`).
    """
    if not timings:
        raise ValueError("timing_table got no timings.")
    seconds = {name: float(value) for name, value in timings.items()}
    reference = next(iter(seconds)) if reference is None else reference
    if reference not in seconds:
        raise ValueError(f"reference {reference!r} is not one of the rows {list(seconds)}.")
    counts = None
    if items:
        counts = dict(items) if isinstance(items, dict) else dict.fromkeys(seconds, items)
        missing = [name for name in seconds if name not in counts]
        if missing:
            raise ValueError(f"items gives no count for the rows {missing}.")
    header = "| setting | time (median) | fastest-slowest run | speed-up vs " + reference + " |"
    rule = "|---|---:|---:|---:|"
    if counts:
        header += f" {item_name} timed | {item_name} per second |"
        rule += "---:|---:|"
    lines = [header, rule]
    for name, value in seconds.items():
        if counts:
            speed_up = (counts[name] / value) / (counts[reference] / seconds[reference])
        else:
            speed_up = seconds[reference] / value
        timing = timings[name]
        spread = (
            f"{format_seconds(timing.best)}-{format_seconds(timing.worst)}"
            if isinstance(timing, Timing)
            else ""
        )
        row = f"| {name} | {format_seconds(value)} | {spread} | {speed_up:.2f}× |"
        if counts:
            row += f" {counts[name]:,} | {counts[name] / value:,.0f} |"
        lines.append(row)
    return "\n".join(lines)

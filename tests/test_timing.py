"""The timing helper times the right calls, reports the median, and formats a readable table."""

import itertools

import pytest

from course_lib import timing


class FakeClock:
    """A clock that only moves when the timed function says so: deterministic timings."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_time_call_skips_the_warm_up_and_reports_the_median_of_the_repeats():
    clock = FakeClock()
    durations = iter([10.0, 1.0, 3.0, 2.0, 100.0, 4.0])  # the first call is the slow warm-up
    calls = []

    def work(value, scale=1):
        calls.append((value, scale))
        clock.now += next(durations)

    result = timing.time_call(work, "x", repeats=5, warmup=1, clock=clock, scale=2)

    assert calls == [("x", 2)] * 6
    assert result.times == (1.0, 3.0, 2.0, 100.0, 4.0)
    assert result.median == 3.0 and float(result) == 3.0
    assert result.best == 1.0 and result.worst == 100.0 and result.repeats == 5


def test_time_call_with_the_real_clock_measures_something_positive():
    result = timing.time_call(sum, range(1000), repeats=3)
    assert result.repeats == 3 and all(t > 0 for t in result.times)


def test_time_call_needs_at_least_one_timed_repeat():
    with pytest.raises(ValueError, match="repeats >= 1"):
        timing.time_call(print, repeats=0)


def test_compare_calls_interleaves_the_functions_after_all_warm_ups():
    clock = FakeClock()
    order = []

    def make(name, seconds):
        def function():
            order.append(name)
            clock.now += seconds

        return function

    result = timing.compare_calls(
        {"a": make("a", 1.0), "b": make("b", 3.0)}, repeats=2, warmup=1, clock=clock
    )

    assert order == ["a", "b", "a", "b", "a", "b"]
    assert result["a"].times == (1.0, 1.0) and result["b"].median == 3.0
    assert list(result) == ["a", "b"]


def test_timer_measures_a_with_block():
    ticks = itertools.count(start=5.0, step=2.5)
    with timing.Timer(clock=lambda: next(ticks)) as timer:
        pass
    assert timer.seconds == 2.5


def test_format_seconds_picks_a_readable_unit():
    assert timing.format_seconds(0.000412) == "412 µs"
    assert timing.format_seconds(0.0031) == "3.1 ms"
    assert timing.format_seconds(2.314) == "2.31 s"


def test_timing_table_shows_speed_ups_against_the_reference_row_and_throughput():
    table = timing.timing_table(
        {"eager": timing.Timing((2.0, 2.0)), "graph": timing.Timing((0.5,))}, items=1000
    )
    lines = table.splitlines()
    assert lines[0].startswith(
        "| setting | time (median) | fastest-slowest run | speed-up vs eager |"
    )
    assert lines[2] == "| eager | 2.00 s | 2.00 s-2.00 s | 1.00× | 1,000 | 500 |"
    assert lines[3] == "| graph | 500.0 ms | 500.0 ms-500.0 ms | 4.00× | 1,000 | 2,000 |"


def test_timing_table_compares_throughputs_when_rows_timed_different_amounts_of_work():
    table = timing.timing_table(
        {"epoch": 10.0, "one batch": 0.5}, items={"epoch": 1000, "one batch": 32}
    )
    lines = table.splitlines()
    assert (
        lines[3] == "| one batch | 500.0 ms |  | 0.64× | 32 | 64 |"
    )  # 64 vs 100 images per second


def test_timing_table_without_items_compares_times():
    lines = timing.timing_table({"slow": 3.0, "fast": 1.5}).splitlines()
    assert lines[0] == "| setting | time (median) | fastest-slowest run | speed-up vs slow |"
    assert lines[3] == "| fast | 1.50 s |  | 2.00× |"


def test_timing_table_refuses_an_unknown_reference():
    with pytest.raises(ValueError, match="not one of the rows"):
        timing.timing_table({"a": 1.0}, reference="b")

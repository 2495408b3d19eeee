"""The grading machinery on a toy lesson: verdicts, time limits, partial credit, diagnostics, score record."""

import sys
import threading
import time

import numpy as np
import pytest

from course_lib import grading
from course_lib.grading import compare, core, scores
from course_lib.grading.core import Lesson, Part, call_learner


def _check_double(double):
    values = np.array([1.0, -2.0, 3.5])
    expect = 2 * values  # closed form
    grading.expect_close(call_learner(double, values), expect, what="the doubled values")


def _check_double_of_a_matrix(double):
    values = np.arange(6.0).reshape(2, 3) - 2.5
    grading.expect_close(call_learner(double, values), 2 * values, what="the doubled values")


def _make_lesson(time_limit=5.0):
    lesson = Lesson("toy", "Toy lesson")
    lesson.exercise(
        "double",
        parts=[Part("a vector", _check_double), Part("a matrix", _check_double_of_a_matrix)],
        time_limit=time_limit,
    )
    lesson.exercise(
        "double_again", parts=[Part("a vector", _check_double, points=2)], time_limit=time_limit
    )
    return lesson


@pytest.fixture
def lesson():
    scores.clear()
    yield _make_lesson()
    scores.clear()


def _right(values):
    return 2 * values


def _stub(values):
    raise NotImplementedError


def test_right_answer_passes_with_full_points(lesson):
    result = lesson.exercises[0].grade(_right)

    assert result.status == core.PASSED
    assert (result.score, result.max_score) == (2, 2)
    assert all(part.status == core.PASSED for part in result.parts)


def test_stub_is_not_attempted_and_scores_zero(lesson):
    result = lesson.exercises[0].grade(_stub)

    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0
    assert "not attempted yet" in result.report()
    assert "raise NotImplementedError" in result.report()


def test_not_implemented_error_with_a_message_is_an_error_not_a_stub(lesson):
    def unsupported(values):
        raise NotImplementedError("complex numbers are not supported")

    result = lesson.exercises[0].grade(unsupported)

    assert result.status == core.WRONG
    assert "NotImplementedError: complex numbers are not supported" in result.parts[0].message


def test_partial_credit_when_only_some_parts_pass(lesson):
    def vectors_only(values):
        return 2 * values if values.ndim == 1 else values

    result = lesson.exercises[0].grade(vectors_only)

    assert result.status == core.PARTLY_RIGHT
    assert result.score == 1
    assert [part.status for part in result.parts] == [core.PASSED, core.WRONG]


def test_exception_in_learner_code_is_reported_with_its_type_message_and_line(lesson):
    def broken(values):
        total = 0
        return values / total.missing_attribute

    result = lesson.exercises[0].grade(broken)

    assert result.status == core.WRONG
    message = result.parts[0].message
    assert "AttributeError" in message
    assert "missing_attribute" in message
    assert f"line {broken.__code__.co_firstlineno + 2}" in message


def test_endless_loop_is_stopped_by_the_time_limit_and_later_parts_are_skipped():
    scores.clear()
    lesson = _make_lesson(time_limit=0.3)

    def endless(values):
        while True:
            pass

    started = time.monotonic()
    result = lesson.exercises[0].grade(endless)
    elapsed = time.monotonic() - started

    assert elapsed < 3
    assert result.status == core.WRONG
    assert result.parts[0].message.startswith("time limit")
    assert result.parts[1].status == core.SKIPPED
    time.sleep(0.2)
    assert not any(
        thread.name == "course-check" and thread.is_alive() for thread in threading.enumerate()
    )


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        (None, "forget the `return`"),
        ("doubled", "should be a tensor or an array of numbers, got a str"),
        ({"values": 1}, "got a dict"),
        ([[1.0, 2.0], [3.0]], "could not be read as an array of numbers"),
    ],
)
def test_garbage_returned_by_the_learner_is_reported_not_raised(lesson, returned, words):
    result = lesson.exercises[0].grade(lambda values: returned)

    assert result.status == core.WRONG
    assert words in result.parts[0].message


def test_learner_calling_sys_exit_does_not_stop_the_check(lesson):
    result = lesson.exercises[0].grade(lambda values: sys.exit(3))

    assert result.status == core.WRONG
    assert "SystemExit" in result.parts[0].message


def test_answer_that_is_not_a_function_is_reported(lesson):
    result = lesson.exercises[0].grade(np.array([2.0, -4.0, 7.0]))

    assert result.status == core.WRONG
    assert "expected a function, got a NumPy array of shape (3,)" in result.parts[0].message


def test_bug_in_a_check_is_reported_as_check_error_without_raising():
    scores.clear()
    lesson = Lesson("buggy", "Buggy checks")

    def buggy_part(answer):
        return {}["missing"]

    check = lesson.exercise("anything", parts=[Part("a part", buggy_part)])

    result = check.grade(_right)

    assert result.status == core.CHECK_ERROR
    assert "problem in the course" in result.parts[0].message


def test_calling_a_check_prints_the_verdict_and_returns_nothing(lesson, capsys):
    returned = lesson.exercises[0](_right)

    assert returned is None
    assert "double: passed (2/2 points)" in capsys.readouterr().out


def test_summary_lists_every_exercise_with_status_points_and_total(lesson, capsys):
    lesson.exercises[0].grade(_right)
    lesson.summary()

    text = capsys.readouterr().out
    assert "Exercise toy · Toy lesson" in text
    assert "double        passed           2 / 2" in text
    assert "double_again  not checked yet  0 / 2" in text
    assert "total" in text and "2 / 4" in text
    assert lesson.score() == (2, 4)


def test_passed_is_true_only_for_exercises_that_passed(lesson):
    lesson.exercises[0].grade(_right)
    lesson.exercises[1].grade(_stub)

    assert lesson.passed("double")
    assert not lesson.passed("double_again")
    assert not lesson.passed()
    with pytest.raises(ValueError, match="no exercise named 'tripple'"):
        lesson.passed("tripple")


def test_a_later_check_replaces_the_earlier_result(lesson):
    lesson.exercises[0].grade(_right)
    lesson.exercises[0].grade(_stub)

    assert lesson.results()["double"].status == core.NOT_ATTEMPTED


def test_record_file_is_rewritten_after_each_check_when_its_variable_is_set(
    lesson, tmp_path, monkeypatch
):
    record = tmp_path / "scores.json"
    monkeypatch.setenv(scores.RECORD_VARIABLE, str(record))

    lesson.exercises[0].grade(_right)
    first = scores.read_record(record)
    lesson.exercises[1].grade(lambda values: 4 * values)
    second = scores.read_record(record)

    assert first[("toy", "double")]["score"] == 2
    assert ("toy", "double_again") not in first
    assert second[("toy", "double_again")]["status"] == core.WRONG
    assert "factor of 2" in second[("toy", "double_again")]["reason"]


def test_regrade_grades_from_a_namespace_and_reports_missing_names(lesson, capsys):
    lesson.regrade({"double": _right})

    results = lesson.results()
    assert results["double"].status == core.PASSED
    assert results["double_again"].status == core.NOT_ATTEMPTED
    assert "defines no `double_again`" in results["double_again"].message
    assert "2 / 4" in capsys.readouterr().out


def test_exercise_names_are_unique_within_a_lesson(lesson):
    with pytest.raises(ValueError, match="already has an exercise named 'double'"):
        lesson.exercise("double", parts=[Part("again", _check_double)])


def test_load_lesson_finds_lesson_01_and_rejects_unknown_numbers():
    assert grading.load_lesson("01").title == "Tensors and gradients"
    with pytest.raises(LookupError, match="lesson 97 has no checks"):
        grading.load_lesson("97")
    with pytest.raises(LookupError, match="not a lesson number"):
        grading.load_lesson("1")


# Diagnostics of wrong numbers.


def _message(got, expected, **options):
    with pytest.raises(core.WrongAnswer) as caught:
        compare.expect_close(got, expected, **options)
    return str(caught.value)


def test_wrong_shape_is_named_with_both_shapes():
    message = _message(np.zeros(128), np.zeros((128, 2)), what="the output")

    assert message == "expected the output to have shape (128, 2), got (128,)."


def test_a_vector_where_one_number_is_expected_is_a_shape_error_with_the_hint():
    message = _message(np.ones(128), 1.0, what="the loss", shape_hint="Average over every value.")

    assert (
        message
        == "expected the loss to be a single number (shape ()), got shape (128,). Average over every value."
    )


def test_transposed_result_is_recognised():
    assert "transposed" in _message(np.ones((2, 128)), np.ones((128, 2)))


def test_factor_of_two_is_recognised_with_its_hint():
    message = _message(4.0, 2.0, what="the loss", factor_hints={2: "summed instead of averaged?"})

    assert message == "the loss is off by a factor of 2: summed instead of averaged?"


def test_factor_of_two_without_a_hint_still_says_so():
    assert "off by a factor of 2 (half the expected value)" in _message(
        np.arange(1.0, 4.0) / 2, np.arange(1.0, 4.0)
    )


def test_flipped_sign_is_recognised():
    assert "wrong sign" in _message(-np.arange(1.0, 5.0), np.arange(1.0, 5.0))


def test_nan_in_the_output_is_counted():
    got = np.array([1.0, np.nan, 3.0, np.nan])

    assert "NaN in your result (2 of 4 values)" in _message(got, np.ones(4))


def test_integer_dtype_where_floats_are_expected_is_reported():
    assert "wrong dtype" in _message(np.array([1, 2], dtype=np.int32), np.array([1.0, 2.0]))


def test_known_mistake_gets_its_own_message():
    message = _message(3.0, 9.0, known_mistakes=[(3.0, "that is the square root")])

    assert message == "that is the square root"


def test_nearly_right_values_are_called_close_but_not_accurate():
    assert "close, but not accurate enough" in _message(1.003, 1.0)


def test_other_wrong_values_show_where_they_differ():
    message = _message(np.array([1.0, 5.0, 3.0]), np.array([1.0, 2.0, 3.0]))

    assert message == "1 of 3 values of your result are wrong; at index (1,) expected 2, got 5."


def test_expect_close_accepts_lists_numbers_and_float32_within_tolerance():
    compare.expect_close([1.0, 2.0], np.array([1.0, 2.0]))
    compare.expect_close(np.float32(1 / 3), 1 / 3)


def test_list_results_are_checked_for_type_length_and_each_element():
    expected = [np.ones(2), np.zeros(3)]

    with pytest.raises(core.WrongAnswer, match="a list of 2 parameter"):
        compare.expect_list_close(np.ones(2), expected, item_name="parameter")
    with pytest.raises(core.WrongAnswer, match="got a list of 1"):
        compare.expect_list_close([np.ones(2)], expected, item_name="parameter")
    with pytest.raises(core.WrongAnswer, match="parameter 1 to have shape"):
        compare.expect_list_close([np.ones(2), np.zeros(4)], expected, item_name="parameter")
    compare.expect_list_close((np.ones(2), np.zeros(3)), expected)

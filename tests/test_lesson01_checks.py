"""Lesson 01's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from course_lib.grading import core
from course_lib.grading import lesson01 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "01_tensors_and_gradients.ipynb"
EXERCISES = ["mean_squared_error", "gradient", "gradient_descent_step"]


pytestmark = pytest.mark.usefixtures("fresh_scores")


def _check(name):
    return getattr(checks, f"check_{name}")


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_gets_full_marks(name):
    solution = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(solution)

    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score == 2


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_of_the_exercise_notebook_scores_zero_and_is_not_attempted(name):
    stub = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(stub)

    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0


# Typical wrong answers, each with the words its message must contain.


def _mse_summed(y_true, y_pred):
    return ops.sum(ops.square(y_true - y_pred))


def _mse_over_last_axis(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def _mse_summed_over_last_axis(y_true, y_pred):
    return ops.mean(ops.sum(ops.square(y_true - y_pred), axis=-1))


def _mse_root(y_true, y_pred):
    return ops.sqrt(ops.mean(ops.square(y_true - y_pred)))


def _mse_absolute(y_true, y_pred):
    return ops.mean(ops.abs(y_true - y_pred))


def _mse_halved(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred)) / 2


def _mse_as_integer(y_true, y_pred):
    return tf.cast(tf.reduce_mean(tf.square(y_true - y_pred)) * 100, tf.int32)


def _mse_of_log(y_true, y_pred):
    return ops.mean(ops.log(y_true - y_pred))


def _gradient_without_watch(function, x):
    with tf.GradientTape() as tape:
        y = function(x)
    return tape.gradient(y, x)


def _gradient_returns_value(function, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = function(x)
    return y


def _gradient_by_rough_finite_difference(function, x):
    step = 1e-2
    return (function(x + step) - function(x)) / step


def _step_uphill(params, grads, learning_rate):
    return [p + learning_rate * g for p, g in zip(params, grads, strict=True)]


def _step_without_learning_rate(params, grads, learning_rate):
    return [p - g for p, g in zip(params, grads, strict=True)]


def _step_on_first_parameter_only(params, grads, learning_rate):
    return [params[0] - learning_rate * grads[0]]


def _step_returning_a_tensor(params, grads, learning_rate):
    return params[0] - learning_rate * grads[0]


WRONG_ANSWERS = [
    (
        "mean_squared_error",
        _mse_summed,
        "off by a factor of 128: did you sum instead of averaging?",
    ),
    ("mean_squared_error", _mse_over_last_axis, "a single number (shape ()), got shape (128,)"),
    (
        "mean_squared_error",
        _mse_summed_over_last_axis,
        "off by a factor of 2: did you sum over the last axis",
    ),
    ("mean_squared_error", _mse_root, "square root of the mean squared error"),
    ("mean_squared_error", _mse_absolute, "mean absolute error"),
    ("mean_squared_error", _mse_halved, "no 1/2 in front"),
    ("mean_squared_error", _mse_as_integer, "wrong dtype"),
    ("mean_squared_error", _mse_of_log, "NaN in the mean squared error"),
    ("gradient", _gradient_without_watch, "call `tape.watch(x)`"),
    ("gradient", _gradient_returns_value, "that is f(x), the function's value"),
    ("gradient", _gradient_by_rough_finite_difference, "close, but not accurate enough"),
    ("gradient_descent_step", _step_uphill, "the step went uphill"),
    ("gradient_descent_step", _step_without_learning_rate, "ignores `learning_rate`"),
    (
        "gradient_descent_step",
        _step_on_first_parameter_only,
        "list of 2 parameter(s), got a list of 1",
    ),
    ("gradient_descent_step", _step_returning_a_tensor, "Return a Python list"),
]


@pytest.mark.parametrize(
    ("name", "answer", "words"),
    WRONG_ANSWERS,
    ids=[answer.__name__ for _, answer, _ in WRONG_ANSWERS],
)
def test_typical_wrong_answer_is_rejected_with_its_specific_message(name, answer, words):
    result = _check(name).grade(answer)

    assert result.status in (core.WRONG, core.PARTLY_RIGHT)
    assert result.score < result.max_score
    assert any(words in part.message for part in result.parts), result.report()


# Other correct ways of writing each answer.


def _mse_with_numpy(y_true, y_pred):
    return np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2)


def _mse_with_tensorflow(y_true, y_pred):
    return tf.reduce_mean(tf.math.squared_difference(y_true, y_pred))


def _mse_with_keras_loss_object(y_true, y_pred):
    import keras

    return keras.losses.MeanSquaredError()(y_true, y_pred)


def _gradient_with_a_variable(function, x):
    variable = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = function(variable)
    return tape.gradient(y, variable)


def _gradient_with_a_list_of_sources(function, x):
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = function(x)
    (grad,) = tape.gradient(y, [x])
    return grad.numpy()


def _step_with_numpy(params, grads, learning_rate):
    return [
        np.asarray(p) - learning_rate * np.asarray(g) for p, g in zip(params, grads, strict=True)
    ]


def _step_with_map_structure(params, grads, learning_rate):
    return tf.nest.map_structure(
        lambda p, g: ops.subtract(p, ops.multiply(learning_rate, g)), params, grads
    )


def _step_as_a_tuple(params, grads, learning_rate):
    return tuple(tf.subtract(p, learning_rate * g) for p, g in zip(params, grads, strict=True))


OTHER_CORRECT_ANSWERS = [
    ("mean_squared_error", _mse_with_numpy),
    ("mean_squared_error", _mse_with_tensorflow),
    ("mean_squared_error", _mse_with_keras_loss_object),
    ("gradient", _gradient_with_a_variable),
    ("gradient", _gradient_with_a_list_of_sources),
    ("gradient_descent_step", _step_with_numpy),
    ("gradient_descent_step", _step_with_map_structure),
    ("gradient_descent_step", _step_as_a_tuple),
]


@pytest.mark.parametrize(
    ("name", "answer"),
    OTHER_CORRECT_ANSWERS,
    ids=[answer.__name__ for _, answer in OTHER_CORRECT_ANSWERS],
)
def test_other_correct_way_of_writing_it_is_accepted(name, answer):
    result = _check(name).grade(answer)

    assert result.status == core.PASSED, result.report()


def test_every_exercise_has_at_least_two_graded_parts():
    assert [exercise.name for exercise in checks.LESSON.exercises] == EXERCISES
    assert all(len(exercise.parts) >= 2 for exercise in checks.LESSON.exercises)


def test_later_cells_can_ask_whether_the_answers_passed():
    solutions = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)
    stubs = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)
    checks.check_mean_squared_error.grade(solutions["mean_squared_error"])
    checks.check_gradient.grade(stubs["gradient"])

    assert checks.passed("mean_squared_error")
    assert not checks.passed("mean_squared_error", "gradient")

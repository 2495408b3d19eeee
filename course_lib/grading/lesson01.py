"""Checks for exercise notebook 01 · Tensors and gradients.

In the notebook:

    from course_lib.grading import lesson01 as checks

    checks.check_mean_squared_error(mean_squared_error)
    checks.check_gradient(gradient)
    checks.check_gradient_descent_step(gradient_descent_step)
    checks.summary()

Every expected value is computed here from a closed form or with NumPy, never with the solution code.
"""

import numpy as np
import tensorflow as tf
from keras import ops

from course_lib.grading.compare import expect_close, expect_list_close
from course_lib.grading.core import Lesson, Part, call_learner

LESSON = Lesson("01", "Tensors and gradients")


# Exercise 1: mean_squared_error(y_true, y_pred) -> one number, the mean of the squared differences.


def _predictions(shape, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=shape).astype(np.float32)
    y_pred = (y_true + rng.normal(scale=0.5, size=shape)).astype(np.float32)
    return y_true, y_pred


def _check_mean_squared_error_on(mean_squared_error, shape, seed):
    y_true, y_pred = _predictions(shape, seed)
    errors = y_true.astype(np.float64) - y_pred.astype(np.float64)
    expected = np.mean(errors**2)
    factor_hints = {
        errors.size: "did you sum instead of averaging?",
        0.5: "the course's mean squared error has no 1/2 in front.",
    }
    if errors.ndim == 2:
        factor_hints[errors.shape[1]] = (
            "did you sum over the last axis and average over the rest? Average over every value."
        )
    got = call_learner(mean_squared_error, tf.constant(y_true), tf.constant(y_pred))
    expect_close(
        got,
        expected,
        what="the mean squared error",
        factor_hints=factor_hints,
        known_mistakes=[
            (
                np.sqrt(expected),
                "that is the square root of the mean squared error (the RMSE): leave out the root.",
            ),
            (
                np.mean(np.abs(errors)),
                "that is the mean absolute error: square the differences instead of taking their absolute value.",
            ),
            (
                np.mean(errors),
                "that is the mean of the differences: square each difference before averaging.",
            ),
        ],
        shape_hint="Average over every value, e.g. `ops.mean(...)` with no `axis` argument.",
    )


def _mean_squared_error_of_a_vector(mean_squared_error):
    _check_mean_squared_error_on(mean_squared_error, shape=(128,), seed=101)


def _mean_squared_error_of_a_matrix(mean_squared_error):
    _check_mean_squared_error_on(mean_squared_error, shape=(128, 2), seed=102)


check_mean_squared_error = LESSON.exercise(
    "mean_squared_error",
    parts=[
        Part("128 predictions of one number each, shape (128,)", _mean_squared_error_of_a_vector),
        Part(
            "128 predictions of two numbers each, shape (128, 2)", _mean_squared_error_of_a_matrix
        ),
    ],
)


# Exercise 2: gradient(function, x) -> d function / d x at x, computed with tf.GradientTape.

_NOT_WATCHED = (
    "{what} is None: `tape.gradient` returns None when the tape did not watch `x`. A constant tensor is "
    "not watched automatically: call `tape.watch(x)` inside the `with` block, before computing `function(x)`."
)


def _cubic(x):
    return x * x * x - 2.0 * x


def _gradient_of_a_cubic(gradient):
    x = 2.0
    expected = 3 * x**2 - 2  # d/dx (x^3 - 2x) = 3x^2 - 2
    got = call_learner(gradient, _cubic, tf.constant(x))
    expect_close(
        got,
        expected,
        what="the gradient",
        none_message=_NOT_WATCHED,
        known_mistakes=[
            (
                x**3 - 2 * x,
                "that is f(x), the function's value: return its gradient, `tape.gradient(y, x)`.",
            )
        ],
    )


def _sine_plus_half_square(x):
    return ops.sum(ops.sin(x) + 0.5 * x * x)


def _gradient_of_a_sum_over_a_vector(gradient):
    x = np.array([-1.5, -0.5, 0.0, 1.0, 2.5], dtype=np.float32)
    x64 = x.astype(np.float64)
    expected = np.cos(x64) + x64  # d/dx_i sum_j (sin x_j + x_j^2 / 2) = cos x_i + x_i
    got = call_learner(gradient, _sine_plus_half_square, tf.constant(x))
    expect_close(
        got,
        expected,
        what="the gradient",
        none_message=_NOT_WATCHED,
        known_mistakes=[
            (
                np.sum(np.sin(x64) + 0.5 * x64**2),
                "that is f(x), the function's value: return its gradient, `tape.gradient(y, x)`.",
            ),
            (
                np.sum(expected),
                "that is the sum of the gradient: return the whole gradient, one number per element of x.",
            ),
        ],
        shape_hint="The gradient has one number per element of x, so it has the shape of x.",
    )


check_gradient = LESSON.exercise(
    "gradient",
    parts=[
        Part("f(x) = x³ - 2x at x = 2", _gradient_of_a_cubic),
        Part(
            "f(x) = Σ sin(xᵢ) + xᵢ²/2 for a vector x of 5 numbers", _gradient_of_a_sum_over_a_vector
        ),
    ],
)


# Exercise 3: gradient_descent_step(params, grads, learning_rate) -> [p - learning_rate * g, ...].


def _check_step(gradient_descent_step, shapes, learning_rate, seed):
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=shape).astype(np.float32) for shape in shapes]
    grads = [rng.normal(size=shape).astype(np.float32) for shape in shapes]
    params64 = [p.astype(np.float64) for p in params]
    grads64 = [g.astype(np.float64) for g in grads]
    expected = [p - learning_rate * g for p, g in zip(params64, grads64, strict=True)]
    got = call_learner(
        gradient_descent_step,
        [tf.constant(p) for p in params],
        [tf.constant(g) for g in grads],
        learning_rate,
    )
    expect_list_close(
        got,
        expected,
        what="the new parameters",
        item_name="parameter",
        known_mistakes=[
            (
                [p + learning_rate * g for p, g in zip(params64, grads64, strict=True)],
                "the step went uphill: gradient descent subtracts the gradient (params - learning_rate * grads).",
            ),
            (
                [p - g for p, g in zip(params64, grads64, strict=True)],
                "the step ignores `learning_rate`: multiply each gradient by it before subtracting.",
            ),
            (
                [learning_rate * g for g in grads64],
                "that is only the step, learning_rate * grads: subtract it from the parameters.",
            ),
        ],
    )


def _step_on_one_weight_matrix(gradient_descent_step):
    _check_step(gradient_descent_step, shapes=[(128, 2)], learning_rate=0.1, seed=301)


def _step_on_weights_and_bias(gradient_descent_step):
    _check_step(gradient_descent_step, shapes=[(3, 2), (2,)], learning_rate=0.05, seed=302)


check_gradient_descent_step = LESSON.exercise(
    "gradient_descent_step",
    parts=[
        Part("one weight matrix of shape (128, 2)", _step_on_one_weight_matrix),
        Part("a weight matrix (3, 2) and a bias (2,)", _step_on_weights_and_bias),
    ],
)


summary = LESSON.summary
passed = LESSON.passed

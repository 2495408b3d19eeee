"""Lesson 02's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from course_lib.grading import core
from course_lib.grading import lesson02 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "02_neural_networks.ipynb"
EXERCISES = ["mlp_forward", "softmax_cross_entropy"]


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


def _forward_without_relu(x, parameters):
    for kernel, bias in parameters:
        x = ops.matmul(x, kernel) + bias
    return x


def _forward_with_relu_after_every_layer(x, parameters):
    for kernel, bias in parameters:
        x = ops.relu(ops.matmul(x, kernel) + bias)
    return x


def _forward_without_bias(x, parameters):
    for index, (kernel, _) in enumerate(parameters):
        x = ops.matmul(x, kernel)
        if index < len(parameters) - 1:
            x = ops.relu(x)
    return x


def _forward_with_sigmoid(x, parameters):
    for index, (kernel, bias) in enumerate(parameters):
        x = ops.matmul(x, kernel) + bias
        if index < len(parameters) - 1:
            x = ops.sigmoid(x)
    return x


def _forward_returning_probabilities(x, parameters):
    for index, (kernel, bias) in enumerate(parameters):
        x = ops.matmul(x, kernel) + bias
        if index < len(parameters) - 1:
            x = ops.relu(x)
    return ops.softmax(x)


def _forward_through_the_first_layer_only(x, parameters):
    kernel, bias = parameters[0]
    return ops.matmul(x, kernel) + bias


def _cross_entropy_naive(labels, logits):
    probabilities = ops.exp(logits) / ops.sum(ops.exp(logits), axis=-1, keepdims=True)
    return -ops.mean(ops.log(ops.take_along_axis(probabilities, labels[:, None], axis=1)))


def _cross_entropy_log_of_softmax(labels, logits):
    probabilities = ops.softmax(logits)
    return -ops.mean(ops.sum(ops.one_hot(labels, 10) * ops.log(probabilities), axis=-1))


def _cross_entropy_shifted_by_the_batch_maximum(labels, logits):
    shifted = logits - ops.max(logits)
    log_probabilities = shifted - ops.log(ops.sum(ops.exp(shifted), axis=-1, keepdims=True))
    return -ops.mean(ops.sum(ops.one_hot(labels, 10) * log_probabilities, axis=-1))


def _cross_entropy_summed(labels, logits):
    log_probabilities = ops.log_softmax(logits)
    return -ops.sum(ops.sum(ops.one_hot(labels, 10) * log_probabilities, axis=-1))


def _cross_entropy_over_every_class(labels, logits):
    return -ops.mean(ops.log_softmax(logits))


def _cross_entropy_with_log10(labels, logits):
    log_probabilities = ops.log_softmax(logits) / np.log(10.0)
    return -ops.mean(ops.sum(ops.one_hot(labels, 10) * log_probabilities, axis=-1))


def _cross_entropy_of_probabilities(labels, logits):
    return -ops.mean(ops.sum(ops.one_hot(labels, 10) * ops.softmax(logits), axis=-1))


def _cross_entropy_per_example(labels, logits):
    return -ops.sum(ops.one_hot(labels, 10) * ops.log_softmax(logits), axis=-1)


WRONG_ANSWERS = [
    ("mlp_forward", _forward_without_relu, "no activation between the layers"),
    (
        "mlp_forward",
        _forward_with_relu_after_every_layer,
        "ReLU was applied after the last layer too",
    ),
    ("mlp_forward", _forward_without_bias, "the biases are missing"),
    ("mlp_forward", _forward_with_sigmoid, "that is a sigmoid between the layers"),
    ("mlp_forward", _forward_returning_probabilities, "return the logits themselves"),
    (
        "mlp_forward",
        _forward_through_the_first_layer_only,
        "expected the logits to have shape (8, 4), got (8, 16)",
    ),
    ("softmax_cross_entropy", _cross_entropy_naive, "the loss is not finite"),
    ("softmax_cross_entropy", _cross_entropy_log_of_softmax, "the loss is not finite"),
    (
        "softmax_cross_entropy",
        _cross_entropy_shifted_by_the_batch_maximum,
        "Subtract each row's own maximum",
    ),
    (
        "softmax_cross_entropy",
        _cross_entropy_summed,
        "did you sum over the batch instead of averaging?",
    ),
    ("softmax_cross_entropy", _cross_entropy_over_every_class, "averages -log p over every class"),
    ("softmax_cross_entropy", _cross_entropy_with_log10, "not log10"),
    ("softmax_cross_entropy", _cross_entropy_of_probabilities, "the loss is minus its *logarithm*"),
    (
        "softmax_cross_entropy",
        _cross_entropy_per_example,
        "a single number (shape ()), got shape (6,)",
    ),
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


def test_the_naive_softmax_passes_ordinary_logits_but_fails_huge_ones():
    result = checks.check_softmax_cross_entropy.grade(_cross_entropy_naive)

    assert [part.status for part in result.parts] == [core.PASSED, core.WRONG]
    assert result.status == core.PARTLY_RIGHT and result.score == 1


# Other correct ways of writing each answer.


def _forward_with_numpy(x, parameters):
    h = np.asarray(x)
    for index, (kernel, bias) in enumerate(parameters):
        h = h @ np.asarray(kernel) + np.asarray(bias)
        if index < len(parameters) - 1:
            h = np.maximum(h, 0)
    return h


def _forward_with_tensorflow(x, parameters):
    *hidden, (last_kernel, last_bias) = parameters
    for kernel, bias in hidden:
        x = tf.nn.relu(tf.matmul(x, kernel) + bias)
    return tf.matmul(x, last_kernel) + last_bias


def _forward_with_keras_dense_layers(x, parameters):
    for index, (kernel, bias) in enumerate(parameters):
        activation = "relu" if index < len(parameters) - 1 else None
        layer = keras.layers.Dense(kernel.shape[1], activation=activation)
        layer.build(x.shape)
        layer.set_weights([np.asarray(kernel), np.asarray(bias)])
        x = layer(x)
    return x


def _cross_entropy_with_log_softmax(labels, logits):
    log_probabilities = ops.log_softmax(logits, axis=-1)
    return -ops.mean(ops.take_along_axis(log_probabilities, ops.expand_dims(labels, 1), axis=1))


def _cross_entropy_with_tensorflow(labels, logits):
    return tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    )


def _cross_entropy_with_keras_loss(labels, logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)


def _cross_entropy_with_numpy(labels, logits):
    logits, labels = np.asarray(logits, dtype=np.float64), np.asarray(labels)
    largest = logits.max(axis=1)
    log_sum = largest + np.log(np.exp(logits - largest[:, None]).sum(axis=1))
    return np.mean(log_sum - logits[np.arange(len(labels)), labels])


OTHER_CORRECT_ANSWERS = [
    ("mlp_forward", _forward_with_numpy),
    ("mlp_forward", _forward_with_tensorflow),
    ("mlp_forward", _forward_with_keras_dense_layers),
    ("softmax_cross_entropy", _cross_entropy_with_log_softmax),
    ("softmax_cross_entropy", _cross_entropy_with_tensorflow),
    ("softmax_cross_entropy", _cross_entropy_with_keras_loss),
    ("softmax_cross_entropy", _cross_entropy_with_numpy),
]


@pytest.mark.parametrize(
    ("name", "answer"),
    OTHER_CORRECT_ANSWERS,
    ids=[answer.__name__ for _, answer in OTHER_CORRECT_ANSWERS],
)
def test_other_correct_way_of_writing_it_is_accepted(name, answer):
    result = _check(name).grade(answer)

    assert result.status == core.PASSED, result.report()


def test_expected_values_agree_with_keras_which_the_checks_never_call():
    # The checks compute in NumPy; here the same cases go through Keras, as an independent witness.
    x, parameters = checks._mlp_case((6, 16, 8, 4), seed=202)
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(16, "relu"),
            keras.layers.Dense(8, "relu"),
            keras.layers.Dense(4),
        ]
    )
    model.set_weights([array for pair in parameters for array in pair])
    expected = checks._forward(
        x.astype(np.float64), [(k.astype(np.float64), b.astype(np.float64)) for k, b in parameters]
    )
    np.testing.assert_allclose(model(x), expected, rtol=1e-5, atol=1e-5)


def test_every_exercise_has_at_least_two_graded_parts():
    assert [exercise.name for exercise in checks.LESSON.exercises] == EXERCISES
    assert all(len(exercise.parts) >= 2 for exercise in checks.LESSON.exercises)

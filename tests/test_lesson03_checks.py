"""Lesson 03's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, other correct ways of writing each answer pass too, and the closed-form
sizes the checks expect are the ones Keras' own layers produce."""

import math
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import layers

from course_lib.grading import core
from course_lib.grading import lesson03 as checks
from tests.conftest import notebook_functions, requires_local_data

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "03_convolutional_networks.ipynb"
EXERCISES = ["conv_output_size", "stack_output_shape", "build_small_cnn"]


pytestmark = pytest.mark.usefixtures("fresh_scores")


def _check(name):
    return getattr(checks, f"check_{name}")


# The reference solution and the stub.


@pytest.mark.parametrize("name", ["conv_output_size", "stack_output_shape"])
def test_reference_solution_gets_full_marks(name):
    solution = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(solution)

    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score == 2


@requires_local_data
def test_reference_small_cnn_gets_full_marks():
    solution = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)[
        "build_small_cnn"
    ]

    result = checks.check_build_small_cnn.grade(solution)

    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score == 2


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_of_the_exercise_notebook_scores_zero_and_is_not_attempted(name):
    stub = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(stub)

    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0


# The closed forms the checks use agree with Keras (an independent witness: the checks never build layers).


def test_expected_sizes_are_what_keras_conv2d_produces():
    cases = [
        (28, 3, 1),
        (28, 5, 1),
        (28, 3, 2),
        (27, 4, 3),
        (7, 7, 1),
        (27, 3, 2),
        (7, 5, 3),
        (14, 1, 1),
    ]
    for size, kernel_size, stride in cases:
        for padding in ("valid", "same"):
            layer = layers.Conv2D(1, kernel_size, strides=stride, padding=padding)
            keras_size = layer.compute_output_shape((None, size, size, 1))[1]
            if padding == "valid":
                expected = checks._valid_size(size, kernel_size, stride)
            else:
                expected = checks._same_size(size, stride)
            assert keras_size == expected, (size, kernel_size, stride, padding)


@pytest.mark.parametrize(
    ("input_shape", "stack"),
    [((28, 28, 1), checks.REFERENCE_STACK), ((36, 28, 3), checks.MIXED_STACK)],
)
def test_expected_stack_shapes_are_what_a_keras_model_produces(input_shape, stack):
    model = _keras_model_of(input_shape, stack)
    assert model.output_shape[1:] == checks._stack_shape(input_shape, stack)


def _keras_model_of(input_shape, stack):
    model = keras.Sequential([keras.Input(shape=input_shape)])
    for layer in stack:
        if layer[0] == "conv":
            _, filters, kernel_size, stride, padding = layer
            model.add(layers.Conv2D(filters, kernel_size, strides=stride, padding=padding))
        else:
            model.add(layers.MaxPooling2D(layer[1]))
    return model


# Typical wrong answers, each with the words its message must contain.


def _size_without_plus_one(size, kernel_size, stride=1, padding="valid"):
    return (size - kernel_size) // stride if padding == "valid" else math.ceil(size / stride)


def _size_ignoring_stride(size, kernel_size, stride=1, padding="valid"):
    return size - kernel_size + 1 if padding == "valid" else size


def _size_rounded_up(size, kernel_size, stride=1, padding="valid"):
    return (
        math.ceil((size - kernel_size) / stride) + 1
        if padding == "valid"
        else math.ceil(size / stride)
    )


def _size_with_true_division(size, kernel_size, stride=1, padding="valid"):
    return (size - kernel_size) / stride + 1 if padding == "valid" else math.ceil(size / stride)


def _size_same_rounded_down(size, kernel_size, stride=1, padding="valid"):
    return (size - kernel_size) // stride + 1 if padding == "valid" else size // stride


def _size_same_like_valid(size, kernel_size, stride=1, padding="valid"):
    return (size - kernel_size) // stride + 1


def _size_as_text(size, kernel_size, stride=1, padding="valid"):
    return str((size - kernel_size) // stride + 1)


def _conv(size, kernel_size, stride, padding):
    return (size - kernel_size) // stride + 1 if padding == "valid" else math.ceil(size / stride)


def _shape_keeping_channels(input_shape, stack):
    height, width, channels = input_shape
    for layer in stack:
        if layer[0] == "conv":
            height, width = (_conv(n, layer[2], layer[3], layer[4]) for n in (height, width))
        else:
            height, width = height // layer[1], width // layer[1]
    return (height, width, channels)


def _shape_skipping_pools(input_shape, stack):
    height, width, channels = input_shape
    for layer in stack:
        if layer[0] == "conv":
            height, width = (_conv(n, layer[2], layer[3], layer[4]) for n in (height, width))
            channels = layer[1]
    return (height, width, channels)


def _shape_pooling_by_one(input_shape, stack):
    height, width, channels = input_shape
    for layer in stack:
        if layer[0] == "conv":
            height, width = (_conv(n, layer[2], layer[3], layer[4]) for n in (height, width))
            channels = layer[1]
        else:
            height, width = height - layer[1] + 1, width - layer[1] + 1
    return (height, width, channels)


def _shape_without_channels(input_shape, stack):
    return _shape_skipping_pools(input_shape, stack)[:2]


def _shape_width_first(input_shape, stack):
    height, width, channels = _reference_shape(input_shape, stack)
    return (width, height, channels)


def _reference_shape(input_shape, stack):
    return tuple(_keras_model_of(input_shape, stack).output_shape[1:])


def _cnn_without_softmax():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10),
        ]
    )


def _cnn_with_five_outputs():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(5, activation="softmax"),
        ]
    )


def _mlp_instead_of_cnn():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _cnn_far_too_big():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _cnn_without_return():
    keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(8, 3),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _cnn_for_flat_inputs():
    return keras.Sequential(
        [
            keras.Input((784,)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(8, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )


WRONG_ANSWERS = [
    ("conv_output_size", _size_without_plus_one, "you forgot the + 1"),
    ("conv_output_size", _size_ignoring_stride, "that ignores the stride"),
    ("conv_output_size", _size_rounded_up, "you rounded up"),
    ("conv_output_size", _size_with_true_division, "not a whole number"),
    ("conv_output_size", _size_same_rounded_down, "you rounded down"),
    ("conv_output_size", _size_same_like_valid, "that is the size for padding 'valid'"),
    ("conv_output_size", _size_as_text, "should be a whole number"),
    ("stack_output_shape", _shape_keeping_channels, "the channels did not change"),
    ("stack_output_shape", _shape_skipping_pools, "the pooling layers were skipped"),
    ("stack_output_shape", _shape_pooling_by_one, "the pooling moved by 1"),
    ("stack_output_shape", _shape_without_channels, "Keep track of the channels too"),
    ("stack_output_shape", _shape_width_first, "height and width are swapped"),
    ("build_small_cnn", _cnn_without_softmax, 'activation="softmax"'),
    ("build_small_cnn", _cnn_with_five_outputs, "expected (4, 10)"),
    ("build_small_cnn", _mlp_instead_of_cnn, "no Conv2D layer"),
    ("build_small_cnn", _cnn_far_too_big, "more than the 250,000 allowed"),
    ("build_small_cnn", _cnn_without_return, "did you forget `return model`"),
    ("build_small_cnn", _cnn_for_flat_inputs, "Start it with keras.Input(shape=(28, 28, 1))"),
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


def _cnn_too_weak_to_learn():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(1, 3),
            layers.GlobalAveragePooling2D(),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _cnn_with_slow_batch_norm():
    model = keras.Sequential([keras.Input((28, 28, 1))])
    for filters in (16, 32):
        model.add(layers.Conv2D(filters, 3, padding="same"))
        model.add(layers.BatchNormalization())  # momentum 0.99: still far off after 188 steps
        model.add(layers.ReLU())
        model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dense(10, activation="softmax"))
    return model


@requires_local_data
@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (_cnn_too_weak_to_learn, "it needs 90%"),
        (_cnn_with_slow_batch_norm, "Use BatchNormalization(momentum=0.9)"),
    ],
    ids=["too_weak", "slow_batch_norm"],
)
def test_a_cnn_that_does_not_learn_enough_gets_the_structure_point_only(answer, words):
    result = checks.check_build_small_cnn.grade(answer)

    assert [part.status for part in result.parts] == [core.PASSED, core.WRONG], result.report()
    assert words in result.parts[1].message


# Other correct ways of writing each answer.


def _size_with_numpy_floor(size, kernel_size, stride=1, padding="valid"):
    if padding == "same":
        return np.ceil(size / stride)
    return np.floor((size - kernel_size) / stride) + 1


def _size_with_explicit_padding(size, kernel_size, stride=1, padding="valid"):
    pad = (kernel_size - 1) // 2 if padding == "same" else 0
    return math.floor((size + 2 * pad - kernel_size) / stride) + 1


def _shape_as_a_numpy_array(input_shape, stack):
    return np.array(_reference_shape(input_shape, stack))


def _shape_by_asking_keras(input_shape, stack):
    return list(_reference_shape(input_shape, stack))


def _functional_cnn_with_batch_norm():
    # (A global-average-pooling head learns too slowly for the check's three short epochs: 74 %.)
    inputs = keras.Input(shape=(28, 28, 1))
    x = inputs
    for filters in (16, 32):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)
        x = layers.ReLU()(x)
    x = layers.Dense(64, activation="relu")(layers.Flatten()(x))
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


OTHER_CORRECT_ANSWERS = [
    ("conv_output_size", _size_with_numpy_floor),
    ("conv_output_size", _size_with_explicit_padding),
    ("stack_output_shape", _shape_as_a_numpy_array),
    ("stack_output_shape", _shape_by_asking_keras),
]


@pytest.mark.parametrize(
    ("name", "answer"),
    OTHER_CORRECT_ANSWERS,
    ids=[answer.__name__ for _, answer in OTHER_CORRECT_ANSWERS],
)
def test_other_correct_way_of_writing_it_is_accepted(name, answer):
    result = _check(name).grade(answer)

    assert result.status == core.PASSED, result.report()


@requires_local_data
def test_a_functional_cnn_with_batch_norm_is_accepted():
    result = checks.check_build_small_cnn.grade(_functional_cnn_with_batch_norm)

    assert result.status == core.PASSED, result.report()


def test_every_exercise_has_at_least_two_graded_parts():
    assert [exercise.name for exercise in checks.LESSON.exercises] == EXERCISES
    assert all(len(exercise.parts) >= 2 for exercise in checks.LESSON.exercises)

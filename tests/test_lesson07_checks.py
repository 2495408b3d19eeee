"""Lesson 07's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import keras
import pytest
from keras import layers

from course_lib.grading import core
from course_lib.grading import lesson07 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "07_dcgan.ipynb"
EXERCISES = ["transposed_output_size", "build_generator"]


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


@pytest.mark.parametrize(
    ("size", "kernel_size", "stride", "padding"),
    [
        (7, 3, 2, "same"),
        (14, 4, 2, "same"),
        (4, 3, 3, "same"),
        (7, 3, 2, "valid"),
        (4, 5, 1, "valid"),
        (6, 1, 2, "valid"),
        (5, 3, 3, "valid"),
    ],
)
def test_the_checks_size_rule_agrees_with_keras(size, kernel_size, stride, padding):
    layer = layers.Conv2DTranspose(1, kernel_size, strides=stride, padding=padding)
    keras_size = layer.compute_output_shape((None, size, size, 1))[1]
    rule = checks._same_size if padding == "same" else checks._valid_size
    assert rule(size, kernel_size, stride) == keras_size


# Typical wrong answers, each with the words its message must contain.


def _size_of_a_convolution(size, kernel_size, stride, padding):
    if padding == "same":
        return -(-size // stride)
    return (size - kernel_size) // stride + 1


def _size_without_cropping(size, kernel_size, stride, padding):
    return (size - 1) * stride + kernel_size


def _size_same_everywhere(size, kernel_size, stride, padding):
    return size * stride


def _size_without_max(size, kernel_size, stride, padding):
    return size * stride if padding == "same" else (size - 1) * stride + kernel_size


def _size_as_float(size, kernel_size, stride, padding):
    return size * stride + 0.5


def _generator_with_valid_padding(latent_dim):
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(7 * 7 * 16),
            layers.Reshape((7, 7, 16)),
            layers.Conv2DTranspose(8, 4, strides=2, padding="valid"),
            layers.Conv2DTranspose(1, 4, strides=2, padding="valid", activation="tanh"),
        ]
    )


def _generator_from_8_by_8(latent_dim):
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(8 * 8 * 16),
            layers.Reshape((8, 8, 16)),
            layers.Conv2DTranspose(8, 4, strides=2, padding="same"),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        ]
    )


def _generator_with_sigmoid(latent_dim):
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(7 * 7 * 16),
            layers.Reshape((7, 7, 16)),
            layers.Conv2DTranspose(8, 4, strides=2, padding="same"),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
        ]
    )


def _generator_dense_only(latent_dim):
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(784, activation="tanh"),
            layers.Reshape((28, 28, 1)),
        ]
    )


def _generator_too_big(latent_dim):
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(7 * 7 * 512),
            layers.Reshape((7, 7, 512)),
            layers.Conv2DTranspose(256, 4, strides=2, padding="same"),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        ]
    )


WRONG_ANSWERS = [
    ("transposed_output_size", _size_of_a_convolution, "a transposed convolution grows"),
    ("transposed_output_size", _size_without_cropping, "Keras crops the output"),
    ("transposed_output_size", _size_same_everywhere, "that is the 'same' rule"),
    ("transposed_output_size", _size_without_max, "use max(kernel_size, stride)"),
    ("transposed_output_size", _size_as_float, "should be a whole number"),
    ("build_generator", _generator_with_valid_padding, "Use padding='same'"),
    ("build_generator", _generator_from_8_by_8, "7 -> 14 -> 28"),
    ("build_generator", _generator_with_sigmoid, "end with tanh"),
    ("build_generator", _generator_dense_only, "has no Conv2DTranspose layer"),
    ("build_generator", _generator_too_big, "more than the 1,000,000"),
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


def _size_from_keras(size, kernel_size, stride, padding):
    layer = layers.Conv2DTranspose(1, kernel_size, strides=stride, padding=padding)
    return layer.compute_output_shape((None, size, size, 1))[1]


def _size_as_numpy_integer(size, kernel_size, stride, padding):
    import numpy as np

    if padding == "same":
        return np.int64(size * stride)
    return np.int64(size * stride + max(kernel_size - stride, 0))


def _generator_functional_with_upsampling_stride_one(latent_dim):
    noise = keras.Input((latent_dim,))
    x = layers.Dense(7 * 7 * 32, activation="relu")(noise)
    x = layers.Reshape((7, 7, 32))(x)
    x = layers.Conv2DTranspose(32, 3, strides=1, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(16, 5, strides=2, padding="same", activation="relu")(x)
    images = layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(noise, images)


OTHER_CORRECT_ANSWERS = [
    ("transposed_output_size", _size_from_keras),
    ("transposed_output_size", _size_as_numpy_integer),
    ("build_generator", _generator_functional_with_upsampling_stride_one),
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

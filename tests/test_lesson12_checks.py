"""Lesson 12's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from course_lib.grading import core
from course_lib.grading import lesson12 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "12_image_enhancement.ipynb"
EXERCISES = ["psnr", "downsample", "mean_fill"]


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


def _mse(images, references, axis=(1, 2, 3)):
    return ops.mean(ops.square(images - references), axis=axis)


def _psnr_of_the_whole_batch(images, references, max_value=1.0):
    return (
        10.0
        * ops.log(max_value**2 / _mse(images, references, axis=None))
        / np.log(10.0)
        * ops.ones((images.shape[0],))
    )


def _psnr_single_number(images, references, max_value=1.0):
    return 10.0 * ops.log(max_value**2 / _mse(images, references, axis=None)) / np.log(10.0)


def _psnr_natural_log(images, references, max_value=1.0):
    return 10.0 * ops.log(max_value**2 / _mse(images, references))


def _psnr_peak_not_squared(images, references, max_value=1.0):
    return 10.0 * ops.log(max_value / _mse(images, references)) / np.log(10.0)


def _psnr_of_the_rmse(images, references, max_value=1.0):
    return 10.0 * ops.log(max_value**2 / ops.sqrt(_mse(images, references))) / np.log(10.0)


def _psnr_upside_down(images, references, max_value=1.0):
    return 10.0 * ops.log(_mse(images, references) / max_value**2) / np.log(10.0)


def _downsample_by_skipping(images):
    return images[:, ::2, ::2]


def _downsample_summed(images):
    return 4.0 * ops.average_pool(images, pool_size=2, strides=2)


def _downsample_max_pool(images):
    return ops.max_pool(images, pool_size=2, strides=2)


def _downsample_hard_coded_size(images):
    return tf.image.resize(images, (14, 14), method="area")


def _fill_everywhere(images, masks, mean_image):
    return ops.ones_like(images) * mean_image


def _fill_nothing(images, masks, mean_image):
    return images


def _fill_inverted_mask(images, masks, mean_image):
    return masks * images + (1.0 - masks) * mean_image


def _fill_by_adding(images, masks, mean_image):
    return images + mean_image


WRONG_ANSWERS = [
    ("psnr", _psnr_of_the_whole_batch, "every image got the same value"),
    ("psnr", _psnr_single_number, "one number per image"),
    ("psnr", _psnr_natural_log, "base-10 logarithm"),
    ("psnr", _psnr_peak_not_squared, "peak value must be squared"),
    ("psnr", _psnr_of_the_rmse, "root mean squared error"),
    ("psnr", _psnr_upside_down, "upside down"),
    ("downsample", _downsample_by_skipping, "keeps one pixel of each 2×2 block"),
    ("downsample", _downsample_summed, "sum of each 2×2 block"),
    ("downsample", _downsample_max_pool, "max-pooling"),
    (
        "downsample",
        _downsample_hard_coded_size,
        "expected the downsampled images to have shape (3, 3, 5, 1)",
    ),
    ("mean_fill", _fill_everywhere, "mean image everywhere"),
    ("mean_fill", _fill_nothing, "holes are still empty"),
    ("mean_fill", _fill_inverted_mask, "wrong way round"),
    ("mean_fill", _fill_by_adding, "added to every pixel"),
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


def _psnr_with_numpy(images, references, max_value=1.0):
    error = np.asarray(images, np.float64) - np.asarray(references, np.float64)
    return 20 * np.log10(max_value) - 10 * np.log10(np.mean(error**2, axis=(1, 2, 3)))


def _psnr_with_tf_image(images, references, max_value=1.0):
    return tf.image.psnr(images, references, max_val=max_value)


def _downsample_with_average_pool(images):
    return ops.average_pool(images, pool_size=2, strides=2)


def _downsample_with_numpy_slices(images):
    images = np.asarray(images)
    return (
        images[:, ::2, ::2] + images[:, 1::2, ::2] + images[:, ::2, 1::2] + images[:, 1::2, 1::2]
    ) / 4


def _fill_with_where(images, masks, mean_image):
    return tf.where(masks == 1, tf.broadcast_to(mean_image, tf.shape(images)), images)


def _fill_with_numpy(images, masks, mean_image):
    return np.where(np.asarray(masks) > 0.5, np.asarray(mean_image)[np.newaxis], np.asarray(images))


OTHER_CORRECT_ANSWERS = [
    ("psnr", _psnr_with_numpy),
    ("psnr", _psnr_with_tf_image),
    ("downsample", _downsample_with_average_pool),
    ("downsample", _downsample_with_numpy_slices),
    ("mean_fill", _fill_with_where),
    ("mean_fill", _fill_with_numpy),
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

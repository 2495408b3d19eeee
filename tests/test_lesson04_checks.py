"""Lesson 04's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib.grading import core
from course_lib.grading import lesson04 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "04_autoencoders.ipynb"
EXERCISES = ["add_gaussian_noise", "add_salt_and_pepper"]


pytestmark = pytest.mark.usefixtures("fresh_scores")


def _check(name):
    return getattr(checks, f"check_{name}")


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_gets_full_marks(name):
    solution = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(solution)

    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_of_the_exercise_notebook_scores_zero_and_is_not_attempted(name):
    stub = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(stub)

    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0


# Typical wrong answers, each with the words its message must contain.


def _noise_without_stddev(images, stddev, seed):
    rng = np.random.default_rng(seed)
    return np.clip(images + rng.standard_normal(images.shape), 0, 1)


def _noise_with_variance(images, stddev, seed):
    rng = np.random.default_rng(seed)
    return np.clip(images + stddev**2 * rng.standard_normal(images.shape), 0, 1)


def _noise_uniform(images, stddev, seed):
    rng = np.random.default_rng(seed)
    return np.clip(images + stddev * rng.random(images.shape), 0, 1)


def _noise_not_clipped(images, stddev, seed):
    rng = np.random.default_rng(seed)
    return images + stddev * rng.standard_normal(images.shape)


def _noise_rescaled_instead_of_clipped(images, stddev, seed):
    rng = np.random.default_rng(seed)
    noisy = images + stddev * rng.standard_normal(images.shape)
    return (noisy - noisy.min()) / (noisy.max() - noisy.min())


def _noise_same_for_every_image(images, stddev, seed):
    rng = np.random.default_rng(seed)
    return np.clip(images + stddev * rng.standard_normal(images.shape[1:]), 0, 1)


def _noise_ignoring_the_seed(images, stddev, seed):
    return np.clip(images + stddev * np.random.standard_normal(images.shape), 0, 1)


def _noise_in_place(images, stddev, seed):
    rng = np.random.default_rng(seed)
    images += stddev * rng.standard_normal(images.shape).astype(images.dtype)
    np.clip(images, 0, 1, out=images)
    return images


def _noise_as_integers(images, stddev, seed):
    rng = np.random.default_rng(seed)
    return (np.clip(images + stddev * rng.standard_normal(images.shape), 0, 1) * 255).astype(
        np.uint8
    )


def _salt_and_pepper_doubled(images, amount, seed):
    rng = np.random.default_rng(seed)
    pepper = rng.random(images.shape) < amount
    salt = ~pepper & (rng.random(images.shape) < amount / (1 - amount))
    return np.where(salt, 1.0, np.where(pepper, 0.0, images))


def _salt_only(images, amount, seed):
    rng = np.random.default_rng(seed)
    return np.where(rng.random(images.shape) < amount, 1.0, images)


def _salt_and_pepper_to_half_grey(images, amount, seed):
    rng = np.random.default_rng(seed)
    replace = rng.random(images.shape) < amount
    return np.where(replace, rng.integers(0, 2, images.shape) * 0.9 + 0.05, images)


def _salt_and_pepper_noising_the_rest(images, amount, seed):
    rng = np.random.default_rng(seed)
    replace = rng.random(images.shape) < amount
    salt = rng.random(images.shape) < 0.5
    return np.where(replace, np.where(salt, 1.0, 0.0), np.clip(images * 0.9, 0, 1))


WRONG_ANSWERS = [
    (
        "add_gaussian_noise",
        _noise_without_stddev,
        "forget to multiply the standard normal noise by `stddev`",
    ),
    ("add_gaussian_noise", _noise_with_variance, "not by its square"),
    ("add_gaussian_noise", _noise_uniform, "Uniform noise"),
    ("add_gaussian_noise", _noise_not_clipped, "clip them back into [0, 1]"),
    ("add_gaussian_noise", _noise_rescaled_instead_of_clipped, "rather than by rescaling"),
    ("add_gaussian_noise", _noise_same_for_every_image, "every image got the same noise"),
    ("add_gaussian_noise", _noise_ignoring_the_seed, "the same seed gave different noise"),
    ("add_gaussian_noise", _noise_in_place, "changed the images it was given"),
    ("add_gaussian_noise", _noise_as_integers, "wrong dtype"),
    ("add_salt_and_pepper", _salt_and_pepper_doubled, "twice the requested 20 %"),
    ("add_salt_and_pepper", _salt_only, "every replaced pixel became salt (1)"),
    ("add_salt_and_pepper", _salt_and_pepper_to_half_grey, "values other than 0 and 1"),
    (
        "add_salt_and_pepper",
        _salt_and_pepper_noising_the_rest,
        "pixels that were not replaced changed too",
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


# Other correct ways of writing each answer.


def _noise_with_keras_random(images, stddev, seed):
    noise = keras.random.normal(images.shape, stddev=stddev, seed=seed)
    return keras.ops.clip(keras.ops.convert_to_tensor(images) + noise, 0.0, 1.0)


def _noise_with_stateless_tensorflow(images, stddev, seed):
    noise = tf.random.stateless_normal(images.shape, seed=[seed, 0], stddev=stddev)
    return tf.clip_by_value(images + noise, 0.0, 1.0)


def _noise_with_rng_normal_and_minimum(images, stddev, seed):
    noisy = images + np.random.default_rng(seed).normal(0.0, stddev, size=images.shape)
    return np.minimum(np.maximum(noisy, 0.0), 1.0)


def _salt_and_pepper_with_a_copy(images, amount, seed):
    rng = np.random.RandomState(seed)
    noisy = images.copy()
    chosen = rng.uniform(size=images.shape) < amount
    noisy[chosen] = rng.randint(0, 2, size=int(chosen.sum())).astype(images.dtype)
    return noisy


def _salt_and_pepper_with_tensorflow(images, amount, seed):
    draws = tf.random.stateless_uniform((2, *images.shape), seed=[seed, 1])
    salt_or_pepper = tf.cast(draws[1] < 0.5, tf.float32)
    return tf.where(draws[0] < amount, salt_or_pepper, images)


OTHER_CORRECT_ANSWERS = [
    ("add_gaussian_noise", _noise_with_keras_random),
    ("add_gaussian_noise", _noise_with_stateless_tensorflow),
    ("add_gaussian_noise", _noise_with_rng_normal_and_minimum),
    ("add_salt_and_pepper", _salt_and_pepper_with_a_copy),
    ("add_salt_and_pepper", _salt_and_pepper_with_tensorflow),
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

"""Lesson 05's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message (averaging the ELBO over pixels above all), and other correct ways of
writing each answer pass too."""

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from course_lib.grading import core
from course_lib.grading import lesson05 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "05_variational_autoencoders.ipynb"
EXERCISES = ["sample_latent", "gaussian_kl", "negative_elbo"]


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


def _sample_with_variance_as_scale(z_mean, z_log_var, seed):
    return z_mean + ops.exp(z_log_var) * keras.random.normal(ops.shape(z_mean), seed=seed)


def _sample_without_mean(z_mean, z_log_var, seed):
    return ops.exp(0.5 * z_log_var) * keras.random.normal(ops.shape(z_mean), seed=seed)


def _sample_with_log_var_as_scale(z_mean, z_log_var, seed):
    return z_mean + z_log_var * keras.random.normal(ops.shape(z_mean), seed=seed)


def _sample_in_numpy(z_mean, z_log_var, seed):
    epsilon = np.random.default_rng(seed).standard_normal(np.shape(z_mean))
    return np.asarray(z_mean) + np.exp(0.5 * np.asarray(z_log_var)) * epsilon


def _sample_one_epsilon_for_the_batch(z_mean, z_log_var, seed):
    epsilon = keras.random.normal((ops.shape(z_mean)[-1],), seed=seed)
    return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def _sample_ignoring_the_seed(z_mean, z_log_var, seed):
    return z_mean + ops.exp(0.5 * z_log_var) * tf.random.normal(tf.shape(z_mean))


def _sample_the_mean_only(z_mean, z_log_var, seed):
    return z_mean


def _kl_averaged_over_dimensions(z_mean, z_log_var):
    return 0.5 * ops.mean(ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var, axis=-1)


def _kl_without_half(z_mean, z_log_var):
    return ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var, axis=-1)


def _kl_averaged_over_the_batch(z_mean, z_log_var):
    return ops.mean(
        0.5 * ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var, axis=-1)
    )


def _kl_with_log_sigma(z_mean, z_log_var):
    return 0.5 * ops.sum(
        ops.square(z_mean) + ops.exp(0.5 * z_log_var) - 1.0 - 0.5 * z_log_var, axis=-1
    )


def _kl_with_wrong_sign(z_mean, z_log_var):
    return 0.5 * ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - 1.0 + z_log_var, axis=-1)


def _kl_per_dimension(z_mean, z_log_var):
    return 0.5 * (ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var)


def _kl(z_mean, z_log_var):
    return 0.5 * ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var, axis=-1)


def _elbo_averaged_over_pixels(images, logits, z_mean, z_log_var):
    reconstruction = ops.mean(
        ops.binary_crossentropy(images, logits, from_logits=True), axis=(1, 2, 3)
    )
    return ops.mean(reconstruction + _kl(z_mean, z_log_var))


def _elbo_with_keras_default_reduction(images, logits, z_mean, z_log_var):
    # keras.losses.BinaryCrossentropy averages over pixels and batch: the classic mistake in one call.
    reconstruction = keras.losses.BinaryCrossentropy(from_logits=True)(images, logits)
    return reconstruction + ops.mean(_kl(z_mean, z_log_var))


def _elbo_summed_over_the_batch(images, logits, z_mean, z_log_var):
    reconstruction = ops.sum(
        ops.binary_crossentropy(images, logits, from_logits=True), axis=(1, 2, 3)
    )
    return ops.sum(reconstruction + _kl(z_mean, z_log_var))


def _elbo_without_kl(images, logits, z_mean, z_log_var):
    return ops.mean(
        ops.sum(ops.binary_crossentropy(images, logits, from_logits=True), axis=(1, 2, 3))
    )


def _elbo_minus_kl(images, logits, z_mean, z_log_var):
    reconstruction = ops.sum(
        ops.binary_crossentropy(images, logits, from_logits=True), axis=(1, 2, 3)
    )
    return ops.mean(reconstruction - _kl(z_mean, z_log_var))


def _elbo_per_image(images, logits, z_mean, z_log_var):
    reconstruction = ops.sum(
        ops.binary_crossentropy(images, logits, from_logits=True), axis=(1, 2, 3)
    )
    return reconstruction + _kl(z_mean, z_log_var)


def _elbo_treating_logits_as_probabilities(images, logits, z_mean, z_log_var):
    reconstruction = ops.sum(ops.binary_crossentropy(images, logits), axis=(1, 2, 3))
    return ops.mean(reconstruction + _kl(z_mean, z_log_var))


WRONG_ANSWERS = [
    ("sample_latent", _sample_with_variance_as_scale, "you used exp(z_log_var), the variance"),
    ("sample_latent", _sample_without_mean, "add z_mean"),
    ("sample_latent", _sample_with_log_var_as_scale, "multiplied epsilon by z_log_var itself"),
    ("sample_latent", _sample_in_numpy, "compute them with `keras.ops`"),
    ("sample_latent", _sample_one_epsilon_for_the_batch, "every row got the same noise"),
    ("sample_latent", _sample_ignoring_the_seed, "the same seed gave different samples"),
    ("sample_latent", _sample_the_mean_only, "do not vary at all"),
    ("gaussian_kl", _kl_averaged_over_dimensions, "did you average over the latent dimensions?"),
    ("gaussian_kl", _kl_without_half, "factor 1/2 in front"),
    ("gaussian_kl", _kl_averaged_over_the_batch, "one KL per example"),
    ("gaussian_kl", _kl_with_log_sigma, "it is log sigma²"),
    ("gaussian_kl", _kl_with_wrong_sign, "check the sign of the log-variance term"),
    ("gaussian_kl", _kl_per_dimension, "sum over the latent dimensions only"),
    (
        "negative_elbo",
        _elbo_averaged_over_pixels,
        "averaged the reconstruction loss over the pixels instead of summing",
    ),
    (
        "negative_elbo",
        _elbo_with_keras_default_reduction,
        "averaged the reconstruction loss over the pixels",
    ),
    ("negative_elbo", _elbo_summed_over_the_batch, "sum over the batch instead of averaging"),
    ("negative_elbo", _elbo_without_kl, "add the KL divergence"),
    ("negative_elbo", _elbo_minus_kl, "you subtracted the KL term"),
    ("negative_elbo", _elbo_per_image, "not one value per image"),
    ("negative_elbo", _elbo_treating_logits_as_probabilities, "the negative ELBO"),
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


def test_averaging_the_elbo_over_pixels_is_named_as_mean_versus_sum():
    result = checks.check_negative_elbo.grade(_elbo_averaged_over_pixels)

    assert result.score == 0
    assert all("mean vs sum" in part.message and "784" in part.message for part in result.parts)


# Other correct ways of writing each answer.


def _sample_with_tensorflow(z_mean, z_log_var, seed):
    epsilon = tf.random.stateless_normal(tf.shape(z_mean), seed=[seed, 0])
    return z_mean + tf.sqrt(tf.exp(z_log_var)) * epsilon


def _sample_with_keras_random_mean_and_stddev(z_mean, z_log_var, seed):
    epsilon = keras.random.normal(ops.shape(z_mean), mean=0.0, stddev=1.0, seed=seed)
    return ops.add(z_mean, ops.multiply(ops.exp(z_log_var / 2), epsilon))


def _sample_with_numpy_noise_and_tensor_maths(z_mean, z_log_var, seed):
    epsilon = np.random.default_rng(seed).standard_normal(tuple(z_mean.shape)).astype("float32")
    return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def _kl_with_numpy(z_mean, z_log_var):
    mean, log_var = np.asarray(z_mean, np.float64), np.asarray(z_log_var, np.float64)
    return -0.5 * np.sum(1 + log_var - mean**2 - np.exp(log_var), axis=1)


def _kl_with_tensorflow(z_mean, z_log_var):
    variance = tf.exp(z_log_var)
    return tf.reduce_sum(0.5 * (tf.square(z_mean) + variance - tf.math.log(variance) - 1.0), axis=1)


def _elbo_with_tensorflow(images, logits, z_mean, z_log_var):
    pixel_losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=images, logits=logits)
    reconstruction = tf.reduce_sum(tf.reshape(pixel_losses, (tf.shape(images)[0], -1)), axis=1)
    kl = -0.5 * tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=1)
    return tf.reduce_mean(reconstruction + kl)


def _elbo_with_keras_loss_on_probabilities(images, logits, z_mean, z_log_var):
    pixel_losses = keras.losses.binary_crossentropy(
        images, ops.sigmoid(logits)
    )  # mean over the channel axis (1)
    return ops.mean(ops.sum(pixel_losses, axis=(1, 2)) + _kl(z_mean, z_log_var))


def _elbo_with_numpy(images, logits, z_mean, z_log_var):
    x, logit = np.asarray(images, np.float64), np.asarray(logits, np.float64)
    probability = 1 / (1 + np.exp(-logit))
    pixels = -(x * np.log(probability) + (1 - x) * np.log(1 - probability))
    return np.mean(pixels.reshape(len(x), -1).sum(axis=1) + _kl_with_numpy(z_mean, z_log_var))


OTHER_CORRECT_ANSWERS = [
    ("sample_latent", _sample_with_tensorflow),
    ("sample_latent", _sample_with_keras_random_mean_and_stddev),
    ("sample_latent", _sample_with_numpy_noise_and_tensor_maths),
    ("gaussian_kl", _kl_with_numpy),
    ("gaussian_kl", _kl_with_tensorflow),
    ("negative_elbo", _elbo_with_tensorflow),
    ("negative_elbo", _elbo_with_keras_loss_on_probabilities),
    ("negative_elbo", _elbo_with_numpy),
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

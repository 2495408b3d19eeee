"""Lesson 09's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from course_lib.grading import core
from course_lib.grading import lesson09 as checks
from course_lib.models import wgan
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "09_wasserstein_gan.ipynb"
EXERCISES = ["wasserstein_losses", "gradient_penalty"]
POINTS = {"wasserstein_losses": 2, "gradient_penalty": 3}


pytestmark = pytest.mark.usefixtures("fresh_scores")


def _check(name):
    return getattr(checks, f"check_{name}")


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_gets_full_marks(name):
    solution = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(solution)

    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score == POINTS[name]


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_of_the_exercise_notebook_scores_zero_and_is_not_attempted(name):
    stub = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(stub)

    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0


def test_the_hand_computed_tanh_gradient_agrees_with_a_tape():
    critic, weights = checks._tanh_critic(5)
    points = np.random.default_rng(0).uniform(-1, 1, (3, *checks.SHAPE)).astype("float32")
    tensor = tf.constant(points)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        scores_ = critic(tensor)
    by_tape = tape.gradient(scores_, tensor).numpy().reshape(3, -1)
    by_hand = checks._tanh_gradients(points.reshape(3, -1).astype("float64"), weights)
    np.testing.assert_allclose(by_tape, by_hand, rtol=1e-4, atol=1e-6)


# Typical wrong answers, each with the words its message must contain.


def _losses_with_cross_entropy(real_scores, fake_scores):
    critic = -ops.mean(ops.softplus(-real_scores)) - ops.mean(ops.softplus(fake_scores))
    return critic, ops.mean(ops.softplus(-fake_scores))


def _losses_swapped(real_scores, fake_scores):
    return -ops.mean(fake_scores), ops.mean(fake_scores) - ops.mean(real_scores)


def _losses_with_wrong_generator_sign(real_scores, fake_scores):
    return ops.mean(fake_scores) - ops.mean(real_scores), ops.mean(fake_scores)


def _losses_summed(real_scores, fake_scores):
    return ops.sum(fake_scores) - ops.sum(real_scores), -ops.sum(fake_scores)


def _penalty_of_squared_norm(critic, real_images, fake_images, alpha):
    interpolated = real_images + alpha * (fake_images - real_images)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        scores_ = critic(interpolated)
    gradients = tape.gradient(scores_, interpolated)
    return ops.mean(ops.square(ops.sum(ops.square(gradients), axis=[1, 2, 3]) - 1.0))


def _penalty_with_one_norm_for_the_batch(critic, real_images, fake_images, alpha):
    interpolated = real_images + alpha * (fake_images - real_images)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        scores_ = critic(interpolated)
    return ops.square(ops.norm(ops.reshape(tape.gradient(scores_, interpolated), (-1,))) - 1.0)


def _penalty_at_the_real_images(critic, real_images, fake_images, alpha):
    with tf.GradientTape() as tape:
        tape.watch(real_images)
        scores_ = critic(real_images)
    gradients = tape.gradient(scores_, real_images)
    return ops.mean(ops.square(ops.sqrt(ops.sum(ops.square(gradients), axis=[1, 2, 3])) - 1.0))


def _penalty_without_square(critic, real_images, fake_images, alpha):
    interpolated = real_images + alpha * (fake_images - real_images)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        scores_ = critic(interpolated)
    gradients = tape.gradient(scores_, interpolated)
    return ops.mean(ops.sqrt(ops.sum(ops.square(gradients), axis=[1, 2, 3])) - 1.0)


def _penalty_in_numpy(critic, real_images, fake_images, alpha):
    interpolated = real_images + alpha * (fake_images - real_images)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        scores_ = critic(interpolated)
    gradients = tape.gradient(scores_, interpolated).numpy().reshape(len(interpolated), -1)
    return float(np.mean((np.linalg.norm(gradients, axis=1) - 1.0) ** 2))


WRONG_ANSWERS = [
    ("wasserstein_losses", _losses_with_cross_entropy, "a critic's loss has no sigmoid and no log"),
    ("wasserstein_losses", _losses_swapped, "return (critic_loss, generator_loss) in that order"),
    ("wasserstein_losses", _losses_with_wrong_generator_sign, "the sign is wrong"),
    ("wasserstein_losses", _losses_summed, "did you sum over the batch"),
    ("gradient_penalty", _penalty_of_squared_norm, "take its square root"),
    ("gradient_penalty", _penalty_with_one_norm_for_the_batch, "one gradient norm per image"),
    ("gradient_penalty", _penalty_at_the_real_images, "the gradient at the real images"),
    ("gradient_penalty", _penalty_without_square, "must be squared"),
    ("gradient_penalty", _penalty_in_numpy, "keep it a tensor"),
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


def _losses_with_tensorflow(real_scores, fake_scores):
    return [tf.reduce_mean(fake_scores - real_scores), -tf.reduce_mean(fake_scores)]


def _losses_with_numpy(real_scores, fake_scores):
    real, fake = np.asarray(real_scores), np.asarray(fake_scores)
    return fake.mean() - real.mean(), -fake.mean()


def _penalty_from_course_lib(critic, real_images, fake_images, alpha):
    return wgan.gradient_penalty(critic, real_images, fake_images, alpha=alpha)


def _penalty_with_tf_norm(critic, real_images, fake_images, alpha):
    interpolated = alpha * fake_images + (1.0 - alpha) * real_images
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        scores_ = critic(interpolated, training=True)
    gradients = tf.reshape(tape.gradient(scores_, interpolated), (tf.shape(interpolated)[0], -1))
    return tf.reduce_mean((tf.norm(gradients, axis=1) - 1.0) ** 2)


def _penalty_with_a_variable(critic, real_images, fake_images, alpha):
    interpolated = tf.Variable(real_images + alpha * (fake_images - real_images))
    with tf.GradientTape() as tape:
        scores_ = critic(interpolated)
    gradients = tape.gradient(scores_, interpolated)
    return ops.mean((ops.sqrt(ops.sum(gradients**2, axis=(1, 2, 3))) - 1) ** 2)


OTHER_CORRECT_ANSWERS = [
    ("wasserstein_losses", _losses_with_tensorflow),
    ("wasserstein_losses", _losses_with_numpy),
    ("gradient_penalty", _penalty_from_course_lib),
    ("gradient_penalty", _penalty_with_tf_norm),
    ("gradient_penalty", _penalty_with_a_variable),
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

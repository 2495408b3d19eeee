"""Lesson 13's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

import statistics
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from course_lib.grading import core
from course_lib.grading import lesson13 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "13_synthetic_training_data.ipynb"
EXERCISES = ["mixed_batch", "mean_and_std"]


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


def _counts(fraction, batch_size):
    synthetic = int(round(fraction * batch_size))
    return batch_size - synthetic, synthetic


def _batch_with_fraction_reversed(real_x, real_y, syn_x, syn_y, fraction, batch_size, rng):
    synthetic, real = _counts(fraction, batch_size)
    r, s = (
        rng.choice(len(real_x), real, replace=False),
        rng.choice(len(syn_x), synthetic, replace=False),
    )
    return np.concatenate([real_x[r], syn_x[s]]), np.concatenate([real_y[r], syn_y[s]])


def _batch_with_the_wrong_indices_for_synthetic_labels(
    real_x, real_y, syn_x, syn_y, fraction, batch_size, rng
):
    real, synthetic = _counts(fraction, batch_size)
    r, s = (
        rng.choice(len(real_x), real, replace=False),
        rng.choice(len(syn_x), synthetic, replace=False),
    )
    return np.concatenate([real_x[r], syn_x[s]]), np.concatenate([real_y[r], syn_y[r[:synthetic]]])


def _batch_with_images_shuffled_but_not_labels(
    real_x, real_y, syn_x, syn_y, fraction, batch_size, rng
):
    real, synthetic = _counts(fraction, batch_size)
    r, s = (
        rng.choice(len(real_x), real, replace=False),
        rng.choice(len(syn_x), synthetic, replace=False),
    )
    images, labels = np.concatenate([real_x[r], syn_x[s]]), np.concatenate([real_y[r], syn_y[s]])
    return images[rng.permutation(batch_size)], labels


def _batch_of_the_first_images(real_x, real_y, syn_x, syn_y, fraction, batch_size, rng):
    real, synthetic = _counts(fraction, batch_size)
    return (
        np.concatenate([real_x[:real], syn_x[:synthetic]]),
        np.concatenate([real_y[:real], syn_y[:synthetic]]),
    )


def _batch_with_repeats(real_x, real_y, syn_x, syn_y, fraction, batch_size, rng):
    real, synthetic = _counts(fraction, batch_size)
    r, s = rng.integers(0, len(real_x), real), rng.integers(0, len(syn_x), synthetic)
    return np.concatenate([real_x[r], syn_x[s]]), np.concatenate([real_y[r], syn_y[s]])


def _batch_with_the_global_rng(real_x, real_y, syn_x, syn_y, fraction, batch_size, rng):
    real, synthetic = _counts(fraction, batch_size)
    fixed = np.random.default_rng(123)
    r, s = (
        fixed.choice(len(real_x), real, replace=False),
        fixed.choice(len(syn_x), synthetic, replace=False),
    )
    return np.concatenate([real_x[r], syn_x[s]]), np.concatenate([real_y[r], syn_y[s]])


def _std_over_n(accuracies):
    return np.mean(accuracies), np.std(accuracies)


def _variance(accuracies):
    return np.mean(accuracies), np.var(accuracies, ddof=1)


def _standard_error(accuracies):
    return np.mean(accuracies), np.std(accuracies, ddof=1) / np.sqrt(len(accuracies))


def _only_the_mean(accuracies):
    return np.mean(accuracies)


WRONG_ANSWERS = [
    ("mixed_batch", _batch_with_fraction_reversed, "share of *synthetic* examples"),
    (
        "mixed_batch",
        _batch_with_the_wrong_indices_for_synthetic_labels,
        "labels do not belong to their images",
    ),
    (
        "mixed_batch",
        _batch_with_images_shuffled_but_not_labels,
        "labels do not belong to their images",
    ),
    ("mixed_batch", _batch_of_the_first_images, "always takes the first 10 real images"),
    ("mixed_batch", _batch_with_repeats, "draw without replacement"),
    ("mixed_batch", _batch_with_the_global_rng, "draw the indices with `rng`"),
    ("mean_and_std", _std_over_n, "divides by n - 1"),
    ("mean_and_std", _variance, "that is the variance"),
    ("mean_and_std", _standard_error, "standard error of the mean"),
    ("mean_and_std", _only_the_mean, "a list of 2 number(s)"),
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


def _batch_with_tensorflow_and_a_permutation(
    real_x, real_y, syn_x, syn_y, fraction, batch_size, rng
):
    real, synthetic = _counts(fraction, batch_size)
    r, s = rng.permutation(len(real_x))[:real], rng.permutation(len(syn_x))[:synthetic]
    images = tf.concat([tf.gather(real_x, r), tf.gather(syn_x, s)], axis=0)
    labels = tf.concat([tf.gather(real_y, r), tf.gather(syn_y, s)], axis=0)
    order = rng.permutation(
        batch_size
    )  # shuffling the whole batch, images and labels together, is fine too
    return tf.gather(images, order), tf.gather(labels, order)


def _batch_as_a_list(real_x, real_y, syn_x, syn_y, fraction, batch_size, rng):
    real, synthetic = _counts(fraction, batch_size)
    r = rng.choice(len(real_x), real, replace=False)
    s = rng.choice(len(syn_x), synthetic, replace=False)
    return [np.vstack([real_x[r], syn_x[s]]), np.hstack([real_y[r], syn_y[s]])]


def _mean_and_std_with_statistics(accuracies):
    return statistics.mean(accuracies), statistics.stdev(accuracies)


def _mean_and_std_with_tensorflow(accuracies):
    values = tf.constant(accuracies, tf.float64)
    n = tf.cast(tf.size(values), tf.float64)
    return tf.reduce_mean(values), tf.math.reduce_std(values) * tf.sqrt(n / (n - 1))


OTHER_CORRECT_ANSWERS = [
    ("mixed_batch", _batch_with_tensorflow_and_a_permutation),
    ("mixed_batch", _batch_as_a_list),
    ("mean_and_std", _mean_and_std_with_statistics),
    ("mean_and_std", _mean_and_std_with_tensorflow),
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

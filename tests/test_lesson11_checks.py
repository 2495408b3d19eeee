"""Lesson 11's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from course_lib.grading import core
from course_lib.grading import lesson11 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "11_exploring_latent_spaces.ipynb"
EXERCISES = {"slerp": 3, "traversal_latents": 2, "attribute_direction": 2}


pytestmark = pytest.mark.usefixtures("fresh_scores")


def _grade(name, answer):
    return getattr(checks, f"check_{name}").grade(answer)


def _assert_rejected(result, *words):
    assert result.status != core.PASSED, result.report()
    report = result.report()
    for word in words:
        assert word in report, report


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_gets_full_marks(name):
    solution = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)[name]
    result = _grade(name, solution)
    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score == EXERCISES[name]


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_of_the_exercise_notebook_scores_zero_and_is_not_attempted(name):
    stub = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)[name]
    result = _grade(name, stub)
    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0


# slerp


def _slerp_with_tensorflow(start, end, t):
    start, end = tf.constant(start, tf.float64), tf.constant(end, tf.float64)
    cosine = tf.reduce_sum(start * end) / (tf.norm(start) * tf.norm(end))
    omega = tf.acos(tf.clip_by_value(cosine, -1.0, 1.0))
    if omega < 1e-6:
        return start + t * (end - start)
    return (tf.sin((1 - t) * omega) * start + tf.sin(t * omega) * end) / tf.sin(omega)


def _lerp(start, end, t):
    return (1 - t) * np.asarray(start) + t * np.asarray(end)


def _slerp_swapped(start, end, t):
    return _slerp_with_tensorflow(end, start, t)


def _slerp_without_parallel_case(start, end, t):
    start, end = np.asarray(start, "float64"), np.asarray(end, "float64")
    omega = np.arccos(np.clip(start @ end / np.linalg.norm(start) / np.linalg.norm(end), -1, 1))
    return (np.sin((1 - t) * omega) * start + np.sin(t * omega) * end) / np.sin(omega)


def test_slerp_written_with_tensorflow_is_accepted():
    assert _grade("slerp", _slerp_with_tensorflow).status == core.PASSED


def test_slerp_rejects_linear_interpolation():
    _assert_rejected(_grade("slerp", _lerp), "linear interpolation")


def test_slerp_rejects_swapped_weights():
    _assert_rejected(_grade("slerp", _slerp_swapped), "swapped")


def test_slerp_without_the_parallel_case_loses_only_that_part():
    result = _grade("slerp", _slerp_without_parallel_case)
    assert result.score == 2
    _assert_rejected(result, "NaN")


# traversal_latents


def _traversal_with_tile(base, dimension, values):
    latents = np.tile(np.asarray(base), (len(values), 1))
    latents[:, dimension] = values
    return latents


def _traversal_adding_values(base, dimension, values):
    latents = np.tile(np.asarray(base), (len(values), 1))
    latents[:, dimension] += values
    return latents


def _traversal_changing_base(base, dimension, values):
    rows = []
    for value in values:
        base[dimension] = value
        rows.append(base.copy())
    return np.stack(rows)


def _traversal_transposed(base, dimension, values):
    return _traversal_with_tile(base, dimension, values).T


def test_traversal_with_tile_is_accepted():
    assert _grade("traversal_latents", _traversal_with_tile).status == core.PASSED


def test_traversal_rejects_adding_instead_of_setting():
    _assert_rejected(_grade("traversal_latents", _traversal_adding_values), "sets")


def test_traversal_rejects_changing_the_callers_base():
    _assert_rejected(_grade("traversal_latents", _traversal_changing_base), "changed `base` itself")


def test_traversal_rejects_a_transposed_result():
    _assert_rejected(_grade("traversal_latents", _traversal_transposed), "shape")


# attribute_direction


def _direction_with_tensorflow(latents, has_attribute):
    latents = tf.constant(latents)
    mask = tf.constant(has_attribute, tf.bool)
    return tf.reduce_mean(tf.boolean_mask(latents, mask), 0) - tf.reduce_mean(
        tf.boolean_mask(latents, ~mask), 0
    )


def _direction_reversed(latents, has_attribute):
    return -_direction_with_tensorflow(latents, has_attribute)


def _direction_against_everything(latents, has_attribute):
    latents = np.asarray(latents)
    return latents[has_attribute].mean(0) - latents.mean(0)


def _direction_summed(latents, has_attribute):
    latents = np.asarray(latents)
    return latents[has_attribute].sum(0) - latents[~has_attribute].sum(0)


def test_direction_written_with_tensorflow_is_accepted():
    assert _grade("attribute_direction", _direction_with_tensorflow).status == core.PASSED


def test_direction_rejects_the_reversed_difference():
    _assert_rejected(_grade("attribute_direction", _direction_reversed), "sign")


def test_direction_rejects_subtracting_the_mean_of_all():
    _assert_rejected(_grade("attribute_direction", _direction_against_everything), "mean of *all*")


def test_direction_rejects_sums():
    _assert_rejected(
        _grade("attribute_direction", _direction_summed), "summed instead of averaging"
    )

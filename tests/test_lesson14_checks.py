"""Lesson 14's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

import statistics
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from course_lib.grading import core
from course_lib.grading import lesson14 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "14_scaling_up.ipynb"
EXERCISES = ["amdahl_speedup", "median_seconds", "input_pipeline"]


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


def _amdahl_factor_only(fraction, factor):
    return factor + 0 * fraction


def _amdahl_new_time(fraction, factor):
    return (1 - fraction) + fraction / factor


def _amdahl_multiplied(fraction, factor):
    return 1 / ((1 - fraction) + fraction * factor)


def _amdahl_added_speedups(fraction, factor):
    return (1 - fraction) + fraction * factor


def _median_as_mean(function, repeats=5, warmup=1, clock=time.perf_counter):
    for _ in range(warmup):
        function()
    durations = []
    for _ in range(repeats):
        start = clock()
        function()
        durations.append(clock() - start)
    return sum(durations) / len(durations)


def _median_without_warmup(function, repeats=5, warmup=1, clock=time.perf_counter):
    durations = []
    for _ in range(repeats):
        start = clock()
        function()
        durations.append(clock() - start)
    return statistics.median(durations)


def _median_timing_the_warmup(function, repeats=5, warmup=1, clock=time.perf_counter):
    durations = []
    for _ in range(warmup + repeats):
        start = clock()
        function()
        durations.append(clock() - start)
    return statistics.median(durations)


def _median_with_the_real_clock(function, repeats=5, warmup=1, clock=time.perf_counter):
    for _ in range(warmup):
        function()
    durations = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def _scale(image, label):
    return tf.cast(image, "float32")[..., tf.newaxis] / 255.0, label


def _pipeline_shuffle_before_cache(images, labels, batch_size, seed):
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale)
    return (
        dataset.shuffle(len(images), seed=seed).cache().batch(batch_size).prefetch(tf.data.AUTOTUNE)
    )


def _pipeline_not_scaled(images, labels, batch_size, seed):
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    dataset = dataset.map(
        lambda image, label: (tf.cast(image, "float32")[..., tf.newaxis], label)
    ).cache()
    return dataset.shuffle(len(images), seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _pipeline_without_prefetch(images, labels, batch_size, seed):
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale).cache()
    return dataset.shuffle(len(images), seed=seed).batch(batch_size)


def _pipeline_labels_shuffled_apart(images, labels, batch_size, seed):
    image_set = (
        tf.data.Dataset.from_tensor_slices(images).map(lambda image: _scale(image, 0)[0]).cache()
    )
    image_set = image_set.shuffle(len(images), seed=seed)
    label_set = tf.data.Dataset.from_tensor_slices(labels).shuffle(len(labels), seed=seed + 1)
    return tf.data.Dataset.zip((image_set, label_set)).batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _pipeline_dropping_the_last_batch(images, labels, batch_size, seed):
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale).cache()
    return (
        dataset.shuffle(len(images), seed=seed).batch(batch_size, drop_remainder=True).prefetch(2)
    )


def _pipeline_cache_before_map(images, labels, batch_size, seed):
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).cache().map(_scale)
    return dataset.shuffle(len(images), seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE)


WRONG_ANSWERS = [
    ("amdahl_speedup", _amdahl_factor_only, "speed-up of the part alone"),
    ("amdahl_speedup", _amdahl_new_time, "the speed-up is its inverse"),
    ("amdahl_speedup", _amdahl_multiplied, "the part got slower"),
    ("amdahl_speedup", _amdahl_added_speedups, "that adds up speed-ups"),
    ("median_seconds", _median_as_mean, "one slow run moves a mean"),
    ("median_seconds", _median_without_warmup, "expected 1 untimed warm-up call(s)"),
    ("median_seconds", _median_timing_the_warmup, "the warm-up run(s) were timed too"),
    ("median_seconds", _median_with_the_real_clock, "time with the `clock` argument"),
    ("input_pipeline", _pipeline_shuffle_before_cache, "put `cache()` before `shuffle()`"),
    ("input_pipeline", _pipeline_not_scaled, "dividing by 255"),
    ("input_pipeline", _pipeline_without_prefetch, "end with `.prefetch(tf.data.AUTOTUNE)`"),
    ("input_pipeline", _pipeline_labels_shuffled_apart, "labels do not belong to their images"),
    ("input_pipeline", _pipeline_dropping_the_last_batch, "drop_remainder=True"),
    ("input_pipeline", _pipeline_cache_before_map, "map first, then cache"),
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


def test_timing_the_warmup_too_is_named_even_when_the_call_count_is_right():
    def timing_first_call_instead_of_last(function, repeats=5, warmup=1, clock=time.perf_counter):
        durations = []
        for index in range(warmup + repeats):
            start = clock()
            function()
            if index < repeats:  # times the first `repeats` calls, the warm-up among them
                durations.append(clock() - start)
        return statistics.median(durations)

    result = checks.check_median_seconds.grade(timing_first_call_instead_of_last)

    assert result.status in (core.WRONG, core.PARTLY_RIGHT)
    assert any("warm-up run(s) were timed" in part.message for part in result.parts), (
        result.report()
    )


# Other correct ways of writing each answer.


def _amdahl_with_numpy(fraction, factor):
    fraction = np.asarray(fraction, np.float64)
    return np.reciprocal(1 - fraction * (1 - 1 / factor))


def _amdahl_with_tensorflow(fraction, factor):
    fraction = tf.constant(fraction, tf.float64)
    return 1.0 / ((1.0 - fraction) + fraction / factor)


def _median_with_numpy_and_a_list_comprehension(
    function, repeats=5, warmup=1, clock=time.perf_counter
):
    [function() for _ in range(warmup)]

    def one_run():
        start = clock()
        function()
        return clock() - start

    return float(np.median([one_run() for _ in range(repeats)]))


def _pipeline_scaled_in_numpy_first(images, labels, batch_size, seed):
    scaled = (np.asarray(images, np.float32) / 255.0)[..., np.newaxis]
    dataset = tf.data.Dataset.from_tensor_slices((scaled, labels)).cache()
    return (
        dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .prefetch(1)
    )


def _pipeline_with_keras_rescaling(images, labels, batch_size, seed):
    import keras

    rescale = keras.layers.Rescaling(1 / 255.0)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    dataset = dataset.map(
        lambda image, label: (rescale(tf.expand_dims(tf.cast(image, tf.float32), -1)), label),
        num_parallel_calls=tf.data.AUTOTUNE,
    ).cache()
    return dataset.shuffle(1000, seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE)


OTHER_CORRECT_ANSWERS = [
    ("amdahl_speedup", _amdahl_with_numpy),
    ("amdahl_speedup", _amdahl_with_tensorflow),
    ("median_seconds", _median_with_numpy_and_a_list_comprehension),
    ("input_pipeline", _pipeline_scaled_in_numpy_first),
    ("input_pipeline", _pipeline_with_keras_rescaling),
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

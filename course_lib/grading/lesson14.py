"""Checks for exercise notebook 14 · Scaling up.

In the notebook:

    from course_lib.grading import lesson14 as checks

    checks.check_amdahl_speedup(amdahl_speedup)
    checks.check_median_seconds(median_seconds)
    checks.check_input_pipeline(input_pipeline)
    checks.summary()

Amdahl's law is checked against its closed form; the timing function against a fake clock that advances only when
the timed function runs, so every expected duration is known exactly; the pipeline by what it yields, epoch after
epoch, on images that carry their own index. Nothing here calls the solution or `course_lib.timing`.
"""

import numpy as np
import tensorflow as tf

from course_lib.grading.compare import as_array, expect_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner, describe_value

LESSON = Lesson("14", "Scaling up")


# Exercise 1: amdahl_speedup(fraction, factor) -> 1 / ((1 - fraction) + fraction / factor).


def _check_amdahl_on(amdahl_speedup, fraction, factor):
    p = np.asarray(fraction, np.float64)
    expected = 1.0 / ((1.0 - p) + p / factor)
    got = call_learner(amdahl_speedup, fraction, factor)
    expect_close(
        got,
        expected,
        what="the speed-up",
        known_mistakes=[
            (
                np.broadcast_to(float(factor), np.shape(expected)),
                "that is the speed-up of the part alone: the rest of the time, (1 - fraction), is not made "
                "faster, so the whole gains less.",
            ),
            (
                (1.0 - p) + p / factor,
                "that is the new time as a share of the old one: the speed-up is its inverse, 1 / (...).",
            ),
            (
                1.0 / ((1.0 - p) + p * factor),
                "the part got slower: made `factor` times faster, it takes fraction / factor of the time, "
                "not fraction * factor.",
            ),
            (
                (1.0 - p) + p * factor,
                "that adds up speed-ups: add up the *times* instead, (1 - fraction) + fraction / factor, and "
                "invert the sum.",
            ),
        ],
    )


def _amdahl_one_number(amdahl_speedup):
    _check_amdahl_on(amdahl_speedup, 0.3, 2.0)


def _amdahl_many_fractions(amdahl_speedup):
    _check_amdahl_on(amdahl_speedup, np.array([0.0, 0.5, 0.9, 1.0]), 4.0)


check_amdahl_speedup = LESSON.exercise(
    "amdahl_speedup",
    parts=[
        Part("30 % of the time made 2× faster", _amdahl_one_number),
        Part("fractions 0, 0.5, 0.9 and 1 (a NumPy array) made 4× faster", _amdahl_many_fractions),
    ],
)


# Exercise 2: median_seconds(function, repeats=5, warmup=1, clock=time.perf_counter) -> median of the timed runs.


class _FakeClock:
    """A clock that only moves when the timed function runs, by durations given in advance."""

    def __init__(self, durations):
        self.now = 1000.0
        self.durations = list(durations)
        self.calls = 0

    def __call__(self):
        return self.now

    def work(self):
        if self.calls < len(self.durations):
            self.now += self.durations[self.calls]
        else:
            self.now += 1000.0  # calls beyond the planned ones are very slow, to be noticed
        self.calls += 1


def _check_median_on(median_seconds, durations, warmup, repeats):
    clock = _FakeClock(durations)
    got = call_learner(median_seconds, clock.work, repeats=repeats, warmup=warmup, clock=clock)
    if clock.calls != warmup + repeats:
        raise WrongAnswer(
            f"your function called `function` {clock.calls} time(s); expected {warmup} untimed warm-up call(s) "
            f"followed by {repeats} timed ones, {warmup + repeats} in all."
        )
    try:
        value = (
            float(np.asarray(got, dtype=np.float64).reshape(-1)[0]) if np.size(got) == 1 else None
        )
    except (TypeError, ValueError):
        value = None  # not a number: expect_close below says what it is
    if value is not None and 0 <= value < 0.5:
        raise WrongAnswer(
            f"got {value:.3g} s, far below every duration of the test: time with the `clock` argument "
            "(`start = clock()`), not with `time.perf_counter()` directly."
        )
    timed = np.array(durations[warmup:], np.float64)
    everything = np.array(durations, np.float64)
    expect_close(
        got,
        np.median(timed),
        what="the median time",
        known_mistakes=[
            (
                np.mean(timed),
                "that is the mean of the timed runs: one slow run moves a mean; take the median.",
            ),
            (
                np.median(everything),
                "the warm-up run(s) were timed too: time only the runs after the warm-up.",
            ),
            (
                np.median(everything[:repeats]),
                "the warm-up run(s) were timed too (the first calls were timed, the last ones not): time only "
                "the runs after the warm-up.",
            ),
            (np.min(timed), "that is the fastest run: return the median of the timed runs."),
            (np.sum(timed), "that is the total of the timed runs: return their median."),
        ],
        shape_hint="Return one number: the median, in seconds.",
    )


def _median_with_one_warmup(median_seconds):
    _check_median_on(median_seconds, [9.0, 1.0, 2.0, 8.0, 7.0, 3.0], warmup=1, repeats=5)


def _median_with_two_warmups(median_seconds):
    _check_median_on(median_seconds, [20.0, 30.0, 5.0, 1.0, 6.0], warmup=2, repeats=3)


check_median_seconds = LESSON.exercise(
    "median_seconds",
    parts=[
        Part("1 warm-up and 5 timed runs of 9, 1, 2, 8, 7 and 3 s", _median_with_one_warmup),
        Part("2 warm-ups and 3 timed runs of 20, 30, 5, 1 and 6 s", _median_with_two_warmups),
    ],
)


# Exercise 3: input_pipeline(images, labels, batch_size, seed) -> scale, cache, shuffle, batch, prefetch.

_COUNT = 50


def _indexed_images():
    """Image i is filled with the value i, so every image says which one it is; label i is (3 i) mod 10."""
    images = np.broadcast_to(
        np.arange(_COUNT, dtype=np.uint8)[:, None, None], (_COUNT, 28, 28)
    ).copy()
    return images, (np.arange(_COUNT) * 3 % 10).astype(np.int64)


def _epoch(dataset):
    """Reads one epoch: the image indices in order, and checks every batch on the way."""
    images, labels = _indexed_images()
    indices, sizes = [], []
    try:
        batches = list(dataset)
    except Exception as error:  # a broken pipeline fails when it is read
        raise WrongAnswer(f"reading the data set failed: {type(error).__name__}: {error}") from None
    for batch in batches:
        if not isinstance(batch, tuple | list) or len(batch) != 2:
            raise WrongAnswer(
                f"each element should be a pair (images, labels), got {describe_value(batch)}."
            )
        batch_images = as_array(batch[0], "a batch of images")
        batch_labels = as_array(batch[1], "a batch of labels").reshape(-1)
        if batch_images.dtype != np.float32:
            raise WrongAnswer(
                f"the images should be float32, got {batch_images.dtype}: cast them with "
                "`tf.cast(images, 'float32')`."
            )
        if batch_images.ndim != 4 or batch_images.shape[1:] != (28, 28, 1):
            raise WrongAnswer(
                f"expected batches of images of shape (batch, 28, 28, 1), got {batch_images.shape}: add the "
                "channel axis with `image[..., tf.newaxis]` (or `tf.expand_dims(image, -1)`)."
            )
        if batch_images.max() > 1.0:
            raise WrongAnswer(
                f"pixel values go up to {batch_images.max():g}: scale the uint8 images to [0, 1] by dividing "
                "by 255."
            )
        batch_indices = np.rint(batch_images[:, 0, 0, 0] * 255).astype(int)
        if not np.allclose(batch_images[:, 0, 0, 0] * 255, batch_indices, atol=1e-3):
            raise WrongAnswer("the pixel values are not the images' values divided by 255.")
        if not np.array_equal(batch_labels, labels[batch_indices]):
            raise WrongAnswer(
                "some labels do not belong to their images: keep each image with its label, e.g. by making "
                "one data set of (images, labels) pairs and shuffling that."
            )
        indices.extend(batch_indices.tolist())
        sizes.append(len(batch_indices))
    if sorted(indices) != list(range(_COUNT)):
        missing = sorted(set(range(_COUNT)) - set(indices))
        raise WrongAnswer(
            f"one epoch should yield each of the {_COUNT} images exactly once; got {len(indices)} images"
            + (f", missing {missing[:5]}" if missing else "")
            + ". (Did you use `drop_remainder=True` or `repeat()`?)"
        )
    expected_sizes = [16] * (_COUNT // 16) + ([_COUNT % 16] if _COUNT % 16 else [])
    if sizes != expected_sizes:
        raise WrongAnswer(
            f"expected batches of 16 (the last one smaller), {expected_sizes}, got {sizes}."
        )
    return indices


def _call_pipeline(input_pipeline):
    images, labels = _indexed_images()
    dataset = call_learner(input_pipeline, images, labels, 16, 0)
    if not isinstance(dataset, tf.data.Dataset):
        raise WrongAnswer(f"expected a `tf.data.Dataset`, got {describe_value(dataset)}.")
    return dataset


def _pipeline_yields_every_image_once(input_pipeline):
    indices = _epoch(_call_pipeline(input_pipeline))
    if indices == list(range(_COUNT)):
        raise WrongAnswer(
            "the images come in their original order: shuffle them (after the cache)."
        )


def _stages(dataset):
    """The names of the pipeline's stages, from the last (outermost) to the first; empty if not readable."""
    names = []
    while dataset is not None and len(names) < 50:
        names.append(type(dataset).__name__.lstrip("_").lower())
        dataset = getattr(dataset, "_input_dataset", None)
    return names


def _pipeline_is_reshuffled_cached_and_prefetched(input_pipeline):
    dataset = _call_pipeline(input_pipeline)
    first, second = _epoch(dataset), _epoch(dataset)
    stages = _stages(dataset)
    if first == second:
        raise WrongAnswer(
            "two epochs came in the same order. If `cache()` comes after `shuffle()`, the cache stores one "
            "shuffled order and replays it: put `cache()` before `shuffle()`, and leave "
            "`reshuffle_each_iteration` at its default, True."
        )
    if len(stages) > 1:  # the stages are readable (TensorFlow 2.x)
        if not stages[0].startswith("prefetch"):
            raise WrongAnswer(
                "the pipeline should end with `.prefetch(tf.data.AUTOTUNE)`, so the next batches are prepared "
                f"while the model trains; its last stage is `{stages[0]}`."
            )
        if not any(stage.startswith("cache") for stage in stages):
            raise WrongAnswer(
                "the pipeline has no `.cache()`: add it after the scaling, before the shuffle."
            )
        cache_position = next(i for i, stage in enumerate(stages) if stage.startswith("cache"))
        if any("map" in stage for stage in stages[:cache_position]):
            raise WrongAnswer(
                "the scaling `map` comes after the `cache()`, so it runs again every epoch: map first, then cache."
            )


check_input_pipeline = LESSON.exercise(
    "input_pipeline",
    parts=[
        Part(
            "one epoch of 50 images in batches of 16: scaled, with their labels, shuffled",
            _pipeline_yields_every_image_once,
        ),
        Part(
            "two epochs: reshuffled each epoch, cached after the scaling, prefetched at the end",
            _pipeline_is_reshuffled_cached_and_prefetched,
        ),
    ],
)


summary = LESSON.summary
passed = LESSON.passed

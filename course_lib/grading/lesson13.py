"""Checks for exercise notebook 13 · Synthetic training data.

In the notebook:

    from course_lib.grading import lesson13 as checks

    checks.check_mixed_batch(mixed_batch)
    checks.check_mean_and_std(mean_and_std)
    checks.summary()

The mixed batch is checked on images that carry their own identity (real image i is filled with i + 1, synthetic
image j with -(j + 1)), so the check can tell for every image where it came from and whether its label is its own;
the summary statistics against NumPy in float64. Nothing here calls the solution or `course_lib.data`.
"""

import numpy as np

from course_lib.grading.compare import as_array, expect_list_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner, describe_value

LESSON = Lesson("13", "Synthetic training data")


# Exercise 1: mixed_batch(...) -> one batch with round(fraction * batch_size) synthetic examples, labels attached.


def _sources(real_count, synthetic_count):
    real = np.arange(1, real_count + 1, dtype=np.float32)[:, None, None, None] * np.ones(
        (1, 4, 4, 1), np.float32
    )
    synthetic = -np.arange(1, synthetic_count + 1, dtype=np.float32)[:, None, None, None] * np.ones(
        (1, 4, 4, 1), np.float32
    )
    return real, np.arange(real_count) * 3 % 10, synthetic, np.arange(synthetic_count) * 7 % 10


def _one_batch(mixed_batch, fraction, batch_size, seed, real_count=40, synthetic_count=500):
    """Calls the learner's function and returns the real and synthetic indices it picked, after checking them."""
    real, real_labels, synthetic, synthetic_labels = _sources(real_count, synthetic_count)
    result = call_learner(
        mixed_batch,
        real,
        real_labels,
        synthetic,
        synthetic_labels,
        fraction,
        batch_size,
        np.random.default_rng(seed),
    )
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise WrongAnswer(f"expected a pair (images, labels), got {describe_value(result)}.")
    images = as_array(result[0], "the batch of images")
    labels = as_array(result[1], "the batch of labels").reshape(-1)
    if images.shape != (batch_size, 4, 4, 1):
        raise WrongAnswer(
            f"expected the batch of images to have shape {(batch_size, 4, 4, 1)}, got {images.shape}: join the "
            "real and the synthetic images along the first axis (`np.concatenate([...], axis=0)`)."
        )
    if labels.shape != (batch_size,):
        raise WrongAnswer(f"expected {batch_size} labels, one per image, got {labels.shape[0]}.")
    identity = np.rint(images[:, 0, 0, 0]).astype(int)
    known = (identity >= 1) & (identity <= real_count) | (identity <= -1) & (
        identity >= -synthetic_count
    )
    if not known.all() or not np.allclose(images, identity[:, None, None, None]):
        raise WrongAnswer(
            "the batch holds images that are not copies of the given real or synthetic images: pick images "
            "with indices (`real_images[indices]`), and change nothing else about them."
        )
    is_synthetic = identity < 0
    real_picked, synthetic_picked = identity[~is_synthetic] - 1, -identity[is_synthetic] - 1
    wanted_synthetic = int(round(fraction * batch_size))
    if len(synthetic_picked) != wanted_synthetic:
        hint = (
            " It looks reversed: synthetic_fraction is the share of *synthetic* examples."
            if len(synthetic_picked) == batch_size - wanted_synthetic
            else ""
        )
        raise WrongAnswer(
            f"with synthetic_fraction={fraction} and batch_size={batch_size} the batch should hold {wanted_synthetic} "
            f"synthetic and {batch_size - wanted_synthetic} real images; it holds {len(synthetic_picked)} synthetic "
            f"and {len(real_picked)} real.{hint}"
        )
    expected_labels = np.where(
        is_synthetic,
        synthetic_labels[np.clip(-identity - 1, 0, synthetic_count - 1)],
        real_labels[np.clip(identity - 1, 0, real_count - 1)],
    )
    if not np.array_equal(labels, expected_labels):
        wrong = int((labels != expected_labels).sum())
        raise WrongAnswer(
            f"{wrong} of the {batch_size} labels do not belong to their images: pick each label with the same "
            "indices as its image, from the same source (real labels for real images, synthetic labels for "
            "synthetic ones), and join images and labels in the same order."
        )
    for name, picked in (("real", real_picked), ("synthetic", synthetic_picked)):
        if len(set(picked.tolist())) != len(picked):
            raise WrongAnswer(
                f"the batch holds the same {name} image more than once: draw without replacement "
                "(`rng.choice(count, size=..., replace=False)`)."
            )
    return real_picked, synthetic_picked


def _quarter_synthetic(mixed_batch):
    _one_batch(mixed_batch, fraction=0.25, batch_size=32, seed=0)


def _half_synthetic_drawn_at_random(mixed_batch):
    first = _one_batch(mixed_batch, fraction=0.5, batch_size=20, seed=1)
    second = _one_batch(mixed_batch, fraction=0.5, batch_size=20, seed=2)
    for name, picked, count in (("real", first[0], 10), ("synthetic", first[1], 10)):
        if sorted(picked.tolist()) == list(range(count)):
            raise WrongAnswer(
                f"the batch always takes the first {count} {name} images: draw them at random with `rng` "
                "(e.g. `rng.choice(len(real_images), size=..., replace=False)`)."
            )
    if np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1]):
        raise WrongAnswer(
            "two different random generators gave the same batch: draw the indices with `rng`."
        )


check_mixed_batch = LESSON.exercise(
    "mixed_batch",
    parts=[
        Part(
            "a batch of 32 with synthetic_fraction=0.25 (8 synthetic, 24 real)", _quarter_synthetic
        ),
        Part(
            "a batch of 20 with synthetic_fraction=0.5, drawn at random",
            _half_synthetic_drawn_at_random,
        ),
    ],
)


# Exercise 2: mean_and_std(accuracies) -> (mean, sample standard deviation with n - 1).


def _check_mean_and_std_on(mean_and_std, values):
    values64 = np.asarray(values, np.float64)
    expected = [values64.mean(), values64.std(ddof=1)]
    got = call_learner(mean_and_std, list(values))
    expect_list_close(
        got,
        expected,
        what="the mean and the standard deviation",
        item_name="number",
        known_mistakes=[
            (
                [values64.mean(), values64.std(ddof=0)],
                "the standard deviation divides by n: over a few seeds use the sample standard deviation, "
                "which divides by n - 1 (`np.std(values, ddof=1)`).",
            ),
            (
                [values64.mean(), values64.var(ddof=1)],
                "that is the variance: take its square root for the standard deviation.",
            ),
            (
                [values64.mean(), values64.var(ddof=0)],
                "that is the variance, divided by n: the standard deviation is the square root of the sum of "
                "squared deviations divided by n - 1.",
            ),
            (
                [values64.mean(), values64.std(ddof=1) / np.sqrt(len(values64))],
                "that is the standard error of the mean (std / √n): report the standard deviation itself.",
            ),
        ],
    )


def _five_seeds(mean_and_std):
    _check_mean_and_std_on(mean_and_std, [0.712, 0.745, 0.698, 0.731, 0.760])


def _three_seeds(mean_and_std):
    _check_mean_and_std_on(mean_and_std, [0.91, 0.88, 0.93])


check_mean_and_std = LESSON.exercise(
    "mean_and_std",
    parts=[
        Part("test accuracies of 5 seeds", _five_seeds),
        Part("test accuracies of 3 seeds", _three_seeds),
    ],
)


summary = LESSON.summary
passed = LESSON.passed

"""Checks for exercise notebook 11 · Exploring latent spaces.

In the notebook:

    from course_lib.grading import lesson11 as checks

    checks.check_slerp(slerp)
    checks.check_traversal_latents(traversal_latents)
    checks.check_attribute_direction(attribute_direction)
    checks.summary()

Every expected value is computed here from a closed form or with NumPy, never with the solution code.
"""

import numpy as np

from course_lib.grading.compare import expect_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner

LESSON = Lesson("11", "Exploring latent spaces")


# Exercise 1: slerp(start, end, t) -> the point a fraction t along the great-circle arc from start to end.


def _expected_slerp(start, end, t):
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    omega = np.arccos(np.clip(start @ end / np.linalg.norm(start) / np.linalg.norm(end), -1.0, 1.0))
    return (np.sin((1 - t) * omega) * start + np.sin(t * omega) * end) / np.sin(omega)


def _slerp_mistakes(start, end, t):
    """Typical wrong answers, leaving out those that happen to equal the right one (e.g. lerp at t = 0)."""
    start64, end64 = np.asarray(start, np.float64), np.asarray(end, np.float64)
    expected = _expected_slerp(start, end, t)
    mistakes = [
        (
            (1 - t) * start64 + t * end64,
            "that is linear interpolation (lerp): use the sines of the angle Ω.",
        ),
        (
            _expected_slerp(start, end, 1 - t),
            "the weights are swapped: at t = 0 slerp must return `start`.",
        ),
    ]
    return [
        (values, message)
        for values, message in mistakes
        if not np.allclose(values, expected, atol=1e-3)
    ]


def _slerp_of_perpendicular_unit_vectors(slerp):
    start, end = np.array([1.0, 0.0], np.float32), np.array([0.0, 1.0], np.float32)
    got = call_learner(slerp, start, end, 0.5)
    expect_close(
        got,
        [np.sqrt(0.5), np.sqrt(0.5)],  # half-way along a quarter circle: 45 degrees
        what="slerp([1, 0], [0, 1], 0.5)",
        known_mistakes=_slerp_mistakes(start, end, 0.5),
        shape_hint="slerp returns one vector, with the shape of `start`.",
    )


def _slerp_of_64_dimensional_noise(slerp):
    rng = np.random.default_rng(1101)
    start, end = rng.standard_normal((2, 64)).astype(np.float32)
    for t in (0.0, 0.3, 1.0):
        got = call_learner(slerp, start, end, t)
        expect_close(
            got,
            _expected_slerp(start, end, t),
            what=f"slerp(start, end, {t}) for 64-dimensional noise",
            known_mistakes=_slerp_mistakes(start, end, t),
            shape_hint="slerp returns one vector, with the shape of `start`.",
        )


def _slerp_of_parallel_vectors(slerp):
    start, end = np.array([1.0, 2.0, 2.0], np.float32), np.array([2.0, 4.0, 4.0], np.float32)
    got = call_learner(slerp, start, end, 0.5)
    expect_close(
        got,
        [1.5, 3.0, 3.0],  # the angle is 0: slerp and lerp agree
        what="slerp of two parallel vectors",
        shape_hint="slerp returns one vector, with the shape of `start`.",
    )


check_slerp = LESSON.exercise(
    "slerp",
    parts=[
        Part("two perpendicular unit vectors, t = 0.5", _slerp_of_perpendicular_unit_vectors),
        Part("64-dimensional Gaussian noise at t = 0, 0.3 and 1", _slerp_of_64_dimensional_noise),
        Part("parallel vectors (angle 0: no division by zero)", _slerp_of_parallel_vectors),
    ],
)


# Exercise 2: traversal_latents(base, dimension, values) -> one latent per value, base with base[dimension] = value.


def _check_traversal(traversal_latents, latent_dim, dimension, values, seed):
    base = np.random.default_rng(seed).standard_normal(latent_dim).astype(np.float32)
    untouched = base.copy()
    values = np.asarray(values, np.float32)
    expected = np.repeat(base[np.newaxis].astype(np.float64), len(values), axis=0)
    expected[:, dimension] = values
    added = np.repeat(base[np.newaxis].astype(np.float64), len(values), axis=0)
    added[:, dimension] += values
    everywhere = base[np.newaxis].astype(np.float64) * 0 + values[:, np.newaxis]
    got = call_learner(traversal_latents, base, dimension, values)
    if not np.array_equal(base, untouched):
        raise WrongAnswer(
            "your function changed `base` itself: work on a copy (e.g. `np.repeat(base[None], len(values), axis=0)` "
            "or `np.tile`), so the caller's latent stays as it was."
        )
    expect_close(
        got,
        expected,
        what="the traversal latents",
        known_mistakes=[
            (
                added,
                "you added each value to z[dimension]; a traversal *sets* z[dimension] to the value.",
            ),
            (everywhere, "every dimension was set to the value; only `dimension` should change."),
        ],
        shape_hint=f"Return one latent per value: shape (len(values), latent_dim) = ({len(values)}, {latent_dim}).",
    )


def _traversal_in_two_dimensions(traversal_latents):
    _check_traversal(
        traversal_latents, latent_dim=2, dimension=1, values=[-2.0, 0.0, 2.0], seed=1102
    )


def _traversal_in_32_dimensions(traversal_latents):
    _check_traversal(
        traversal_latents, latent_dim=32, dimension=17, values=np.linspace(-3, 3, 9), seed=1103
    )


check_traversal_latents = LESSON.exercise(
    "traversal_latents",
    parts=[
        Part("a 2-D latent, dimension 1, three values", _traversal_in_two_dimensions),
        Part("a 32-D latent, dimension 17, nine values from -3 to 3", _traversal_in_32_dimensions),
    ],
)


# Exercise 3: attribute_direction(latents, has_attribute) -> mean(with) - mean(without).


def _check_direction(attribute_direction, count, latent_dim, seed):
    rng = np.random.default_rng(seed)
    latents = rng.standard_normal((count, latent_dim)).astype(np.float32)
    has_attribute = rng.random(count) < 0.3
    with_mean = latents[has_attribute].astype(np.float64).mean(axis=0)
    without_mean = latents[~has_attribute].astype(np.float64).mean(axis=0)
    got = call_learner(attribute_direction, latents, has_attribute)
    expect_close(
        got,
        with_mean - without_mean,
        what="the attribute direction",
        known_mistakes=[
            (
                with_mean - latents.astype(np.float64).mean(axis=0),
                "you subtracted the mean of *all* latents; subtract the mean of those *without* the attribute.",
            ),
            (
                with_mean,
                "that is the mean of the latents with the attribute: subtract the mean of those without it.",
            ),
            (
                latents[has_attribute].sum(axis=0) - latents[~has_attribute].sum(axis=0),
                "you summed instead of averaging: the two groups have different sizes, so take their means.",
            ),
        ],
        shape_hint=f"The direction is one latent vector: shape ({latent_dim},).",
    )


def _direction_in_four_dimensions(attribute_direction):
    _check_direction(attribute_direction, count=50, latent_dim=4, seed=1104)


def _direction_in_32_dimensions(attribute_direction):
    _check_direction(attribute_direction, count=400, latent_dim=32, seed=1105)


check_attribute_direction = LESSON.exercise(
    "attribute_direction",
    parts=[
        Part("50 latents of 4 dimensions, 30 % with the attribute", _direction_in_four_dimensions),
        Part("400 latents of 32 dimensions", _direction_in_32_dimensions),
    ],
)


summary = LESSON.summary
passed = LESSON.passed

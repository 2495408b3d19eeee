"""Checks for exercise notebook 04 · Autoencoders.

In the notebook:

    from course_lib.grading import lesson04 as checks

    checks.check_add_gaussian_noise(add_gaussian_noise)
    checks.check_add_salt_and_pepper(add_salt_and_pepper)
    checks.summary()

Noise is random, so the checks test what any correct answer must satisfy, measured on many pixels: the
statistics of the corruption (mean, spread, the share of pixels changed), the value range, that a seed
repeats the noise, and that the input is left alone. Nothing here calls the course's own corruption functions.
"""

import numpy as np

from course_lib.grading.compare import as_array, expect_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner

LESSON = Lesson("04", "Autoencoders")

_SHAPE = (400, 28, 28, 1)  # 313,600 pixels: statistics good to a fraction of a percent


def _grey_images(value=0.5):
    return np.full(_SHAPE, value, dtype=np.float32)


def _digit_like_images(seed=404):
    rng = np.random.default_rng(seed)
    return (rng.random(_SHAPE) ** 3).astype(np.float32)


def _call_and_read(function, images, *args):
    """Calls the learner's function on a copy of `images` and checks shape, dtype and that the input survived."""
    original = images.copy()
    got = as_array(call_learner(function, images, *args), "your result")
    if not np.array_equal(images, original):
        raise WrongAnswer(
            "your function changed the images it was given: build and return a new array "
            "(e.g. `noisy = images + ...`, not `images += ...`)."
        )
    if got.shape != images.shape:
        raise WrongAnswer(
            f"expected the corrupted images to have the shape of the input, {images.shape}, got {got.shape}."
        )
    if got.dtype.kind not in "f":
        raise WrongAnswer(
            f"wrong dtype: the corrupted images should hold floating-point numbers, got {got.dtype}."
        )
    return got.astype(np.float64)


def _check_seed(function, images, *args):
    first = _call_and_read(function, images, *args, 7)
    again = _call_and_read(function, images, *args, 7)
    other = _call_and_read(function, images, *args, 8)
    if not np.array_equal(first, again):
        raise WrongAnswer(
            "the same seed gave different noise: make the random generator from `seed`, "
            "e.g. `rng = np.random.default_rng(seed)`, and draw every random number from it."
        )
    if np.array_equal(first, other):
        raise WrongAnswer(
            "seeds 7 and 8 gave the same noise: the seed should change the random numbers."
        )


# Exercise 1: add_gaussian_noise(images, stddev, seed) -> clip(images + stddev * N(0, 1), 0, 1).


def _gaussian_noise_statistics(add_gaussian_noise):
    images = _grey_images()
    noise = _call_and_read(add_gaussian_noise, images, 0.1, 0) - 0.5
    if np.allclose(noise, 0):
        raise WrongAnswer("the images came back unchanged: add the noise to them.")
    if np.allclose(noise[0], noise[1]):
        raise WrongAnswer(
            "every image got the same noise: draw one random number per pixel of the whole batch, "
            "with shape `images.shape`."
        )
    mean, spread = float(noise.mean()), float(noise.std())
    if abs(mean) > 0.005:
        raise WrongAnswer(
            f"the noise should have mean 0, but it averages {mean:+.4f}. Uniform noise "
            "(`rng.random`) has mean 0.5: draw from a normal distribution (`rng.standard_normal` or `rng.normal`)."
        )
    if abs(spread - 0.01) < 0.001:
        raise WrongAnswer(
            "the noise has standard deviation 0.01 = 0.1²: `stddev` is the standard deviation, "
            "multiply the standard normal noise by it, not by its square."
        )
    if abs(spread - 0.5) < 0.1:
        raise WrongAnswer(
            "the noise is far too strong (standard deviation about 0.5 before clipping): "
            "did you forget to multiply the standard normal noise by `stddev`?"
        )
    expect_close(
        spread,
        0.1,
        what="the standard deviation of the noise (stddev=0.1, on grey images)",
        rtol=0.03,
        atol=0.0,
    )


def _gaussian_noise_is_clipped(add_gaussian_noise):
    images = _grey_images()
    noisy = _call_and_read(add_gaussian_noise, images, 0.8, 1)
    low, high = noisy.min(), noisy.max()
    if low < 0 or high > 1:
        raise WrongAnswer(
            f"the noisy pixels range over [{low:.3g}, {high:.3g}]: clip them back into [0, 1], "
            "e.g. with `np.clip(noisy, 0.0, 1.0)`."
        )
    # With stddev 0.8 around 0.5, P(0.5 + 0.8 z < 0) = P(z < -0.625) = 0.266 of the pixels clip to 0.
    expected_share = 0.26599
    share_at_zero = float(np.mean(noisy == 0.0))
    if share_at_zero < 0.1:
        raise WrongAnswer(
            "the values are in [0, 1], but too few pixels sit at exactly 0 for clipping: bring values back "
            "into range with `np.clip` rather than by rescaling the whole image."
        )
    expect_close(
        share_at_zero,
        expected_share,
        what="the share of pixels clipped to 0 (stddev=0.8 on grey 0.5 images)",
        rtol=0.05,
        atol=0.0,
    )


def _gaussian_noise_seed(add_gaussian_noise):
    _check_seed(add_gaussian_noise, _digit_like_images(), 0.3)


check_add_gaussian_noise = LESSON.exercise(
    "add_gaussian_noise",
    parts=[
        Part(
            "noise of mean 0 and standard deviation `stddev`, one draw per pixel",
            _gaussian_noise_statistics,
        ),
        Part("pixels clipped back into [0, 1]", _gaussian_noise_is_clipped),
        Part("the same seed repeats the noise, another seed changes it", _gaussian_noise_seed),
    ],
)


# Exercise 2: add_salt_and_pepper(images, amount, seed) -> a share `amount` of pixels set to 0 or 1, half each.


def _salt_and_pepper_shares(add_salt_and_pepper):
    images = _grey_images()
    noisy = _call_and_read(add_salt_and_pepper, images, 0.2, 0)
    changed = noisy != 0.5
    if not changed.any():
        raise WrongAnswer("the images came back unchanged: replace a share `amount` of the pixels.")
    strange = noisy[changed & (noisy != 0.0) & (noisy != 1.0)]
    if strange.size:
        raise WrongAnswer(
            f"some pixels changed to values other than 0 and 1 (e.g. {strange[0]:.3g}): "
            "salt-and-pepper noise sets pixels to exactly 0 (pepper) or 1 (salt)."
        )
    share = float(changed.mean())
    if abs(share - 0.4) < 0.01:
        raise WrongAnswer(
            "40 % of the pixels changed, twice the requested 20 %: did you pick `amount` of the pixels for salt "
            "and another `amount` for pepper? Pick `amount` in all, then make each of them salt or pepper."
        )
    expect_close(share, 0.2, what="the share of replaced pixels (amount=0.2)", rtol=0.03, atol=0.0)
    salt = float(np.mean(noisy[changed] == 1.0))
    if salt in (0.0, 1.0):
        kind = "salt (1)" if salt == 1.0 else "pepper (0)"
        raise WrongAnswer(
            f"every replaced pixel became {kind}: make half of them 0 and half 1, at random."
        )
    expect_close(
        salt, 0.5, what="the share of salt (1) among the replaced pixels", rtol=0.05, atol=0.0
    )


def _salt_and_pepper_keeps_the_rest(add_salt_and_pepper):
    images = _digit_like_images()
    noisy = _call_and_read(add_salt_and_pepper, images, 0.1, 3)
    replaced = (noisy == 0.0) | (noisy == 1.0)
    kept = ~replaced
    if not np.array_equal(noisy[kept], images[kept].astype(np.float64)):
        raise WrongAnswer(
            "pixels that were not replaced changed too: leave every other pixel exactly as it was "
            "(e.g. `np.where(replace, salt_or_pepper, images)`)."
        )
    _check_seed(add_salt_and_pepper, images, 0.1)


check_add_salt_and_pepper = LESSON.exercise(
    "add_salt_and_pepper",
    parts=[
        Part(
            "a share `amount` of the pixels replaced, half by 0 and half by 1",
            _salt_and_pepper_shares,
        ),
        Part("other pixels untouched; the seed repeats the noise", _salt_and_pepper_keeps_the_rest),
    ],
)

summary = LESSON.summary
passed = LESSON.passed

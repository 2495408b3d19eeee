"""Checks for exercise notebook 12 · Image enhancement.

In the notebook:

    from course_lib.grading import lesson12 as checks

    checks.check_psnr(psnr)
    checks.check_downsample(downsample)
    checks.check_mean_fill(mean_fill)
    checks.summary()

Every expected value is computed here with NumPy in float64, from the formulas, never with the solution code
or the course's own `metrics`, `corruption` or `baselines` modules.
"""

import numpy as np
import tensorflow as tf

from course_lib.grading.compare import expect_close
from course_lib.grading.core import Lesson, Part, call_learner

LESSON = Lesson("12", "Image enhancement")


def _clean_and_restored(shape, max_value, seed):
    rng = np.random.default_rng(seed)
    clean = (rng.random(shape) ** 2 * max_value).astype(np.float32)
    # Each image gets its own amount of error, so per-image values differ from the batch average.
    scales = np.linspace(0.02, 0.2, shape[0]).reshape(-1, *([1] * (len(shape) - 1))) * max_value
    restored = np.clip(clean + rng.normal(size=shape) * scales, 0, max_value).astype(np.float32)
    return clean, restored


# Exercise 1: psnr(images, references, max_value=1.0) -> (N,) PSNR of each image in dB.


def _check_psnr_on(psnr, shape, max_value, seed):
    clean, restored = _clean_and_restored(shape, max_value, seed)
    axes = tuple(range(1, len(shape)))
    mse = np.mean((restored.astype(np.float64) - clean) ** 2, axis=axes)
    expected = 10 * np.log10(max_value**2 / mse)
    batch_mse = np.mean((restored.astype(np.float64) - clean) ** 2)
    if max_value == 1.0:
        got = call_learner(psnr, tf.constant(restored), tf.constant(clean))
    else:
        got = call_learner(psnr, tf.constant(restored), tf.constant(clean), max_value=max_value)
    known_mistakes = [
        (
            np.full(shape[0], 10 * np.log10(max_value**2 / batch_mse)),
            "every image got the same value: the mean squared error of the whole batch. Average over "
            "each image's own pixels only (`axis=(1, 2, 3)`).",
        ),
        (
            10 * np.log10(max_value**2 / np.sqrt(mse)),
            "that divides by the root mean squared error: divide max_value² by the mean squared error "
            "itself (or use 20 log10(max_value / RMSE)).",
        ),
        (
            10 * np.log10(mse / max_value**2),
            "the fraction is upside down: PSNR = 10 log10(max_value² / MSE), which grows as the error "
            "shrinks.",
        ),
    ]
    if max_value != 1.0:  # with max_value = 1, squaring it changes nothing
        known_mistakes.append(
            (
                10 * np.log10(max_value / mse),
                "the peak value must be squared: PSNR = 10 log10(max_value² / MSE).",
            )
        )
    expect_close(
        got,
        expected,
        what="the PSNR of each image",
        factor_hints={np.log(10): "use the base-10 logarithm (`np.log10`), not the natural log."},
        known_mistakes=known_mistakes,
        shape_hint="Return one number per image: average the squared error over each image's pixels "
        "(axes 1, 2 and 3), not over the batch.",
    )


def _psnr_of_unit_images(psnr):
    _check_psnr_on(psnr, shape=(8, 28, 28, 1), max_value=1.0, seed=1201)


def _psnr_of_8_bit_images(psnr):
    _check_psnr_on(psnr, shape=(5, 12, 10, 1), max_value=255.0, seed=1202)


check_psnr = LESSON.exercise(
    "psnr",
    parts=[
        Part("8 images in [0, 1], shape (8, 28, 28, 1)", _psnr_of_unit_images),
        Part(
            "5 images in [0, 255] with max_value=255, shape (5, 12, 10, 1)", _psnr_of_8_bit_images
        ),
    ],
)


# Exercise 2: downsample(images) -> (N, H/2, W/2, C), the mean of each 2x2 block.


def _check_downsample_on(downsample, shape, seed):
    images = np.random.default_rng(seed).random(shape).astype(np.float32)
    n, height, width, channels = shape
    blocks = images.astype(np.float64).reshape(n, height // 2, 2, width // 2, 2, channels)
    expected = blocks.mean(axis=(2, 4))
    got = call_learner(downsample, tf.constant(images))
    expect_close(
        got,
        expected,
        what="the downsampled images",
        factor_hints={4: "that is the sum of each 2×2 block: divide by 4 for the mean."},
        known_mistakes=[
            (
                images[:, ::2, ::2].astype(np.float64),
                "that keeps one pixel of each 2×2 block and throws the other three away: average all four.",
            ),
            (
                blocks.max(axis=(2, 4)),
                "that is the largest pixel of each block (max-pooling): take the mean of the four.",
            ),
        ],
        shape_hint=f"Each 2×2 block becomes one pixel: {shape} -> {(n, height // 2, width // 2, channels)}.",
    )


def _downsample_mnist_sized(downsample):
    _check_downsample_on(downsample, shape=(4, 28, 28, 1), seed=1211)


def _downsample_other_size(downsample):
    _check_downsample_on(downsample, shape=(3, 6, 10, 1), seed=1212)


check_downsample = LESSON.exercise(
    "downsample",
    parts=[
        Part("4 MNIST-sized images, (4, 28, 28, 1) -> (4, 14, 14, 1)", _downsample_mnist_sized),
        Part("3 images of another size, (3, 6, 10, 1) -> (3, 3, 5, 1)", _downsample_other_size),
    ],
)


# Exercise 3: mean_fill(images, masks, mean_image) -> known pixels kept, masked pixels from the mean image.


def _check_mean_fill_on(mean_fill, shape, seed):
    rng = np.random.default_rng(seed)
    images = rng.random(shape).astype(np.float32)
    masks = np.zeros(shape, np.float32)
    for index in range(shape[0]):
        row, col = rng.integers(0, shape[1] - 4), rng.integers(0, shape[2] - 4)
        masks[index, row : row + 4, col : col + 4] = 1.0
    masked = images * (1 - masks)
    mean_image = (0.2 + 0.6 * rng.random(shape[1:])).astype(np.float32)
    known = 1.0 - masks.astype(np.float64)
    expected = masked * known + mean_image * masks.astype(np.float64)
    got = call_learner(mean_fill, tf.constant(masked), tf.constant(masks), tf.constant(mean_image))
    expect_close(
        got,
        expected,
        what="the filled images",
        known_mistakes=[
            (
                np.broadcast_to(mean_image, shape).astype(np.float64),
                "that is the mean image everywhere: keep the known pixels and fill only where the mask is 1.",
            ),
            (
                masked.astype(np.float64),
                "the holes are still empty: put the mean image's pixels where the mask is 1.",
            ),
            (
                masked * masks + mean_image * known,
                "the mask is read the wrong way round: 1 marks a *missing* pixel, to be filled from the mean "
                "image; 0 marks a known pixel, to be kept.",
            ),
            (
                masked + mean_image.astype(np.float64),
                "the mean image was added to every pixel: replace only the masked pixels.",
            ),
        ],
        shape_hint="The result has the shape of the images.",
    )


def _mean_fill_mnist_sized(mean_fill):
    _check_mean_fill_on(mean_fill, shape=(6, 28, 28, 1), seed=1221)


def _mean_fill_other_size(mean_fill):
    _check_mean_fill_on(mean_fill, shape=(3, 9, 7, 1), seed=1222)


check_mean_fill = LESSON.exercise(
    "mean_fill",
    parts=[
        Part("6 images of 28×28 with 4×4 holes", _mean_fill_mnist_sized),
        Part("3 images of 9×7 with 4×4 holes", _mean_fill_other_size),
    ],
)


summary = LESSON.summary
passed = LESSON.passed

"""Corrupting images on purpose: the noisy inputs of denoising autoencoders (lesson 04) and image enhancement
(lesson 12).

Every function takes a batch of images in `value_range` (by default [0, 1]), returns a new float32 NumPy
array of the same shape with values still in that range, and never changes its input. A `seed` makes
the corruption repeatable.
"""

import numpy as np


def _as_float_images(images, value_range):
    images = np.asarray(images)
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"expected float images in {tuple(value_range)}, got dtype {images.dtype}: "
            "scale them first with course_lib.data.scale_images."
        )
    low, high = value_range
    if not low < high:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range}.")
    if images.size and (images.min() < low - 1e-6 or images.max() > high + 1e-6):
        raise ValueError(
            f"expected images in {tuple(value_range)}, got values in [{images.min():.3g}, {images.max():.3g}]; "
            "pass value_range=(-1, 1) for images scaled to [-1, 1]."
        )
    return images.astype(np.float32)


def add_gaussian_noise(images, stddev=0.5, seed=None, value_range=(0.0, 1.0)):
    """Adds independent Gaussian noise to every pixel, then clips back into the pixel range.

    Args:
        images: float images of any shape, values in `value_range`.
        stddev: standard deviation of the noise, in pixel units (0.5 is heavy noise on [0, 1] images).
        seed: an int (or a `numpy.random.Generator`) for repeatable noise.
        value_range: the pixel range `(low, high)`.

    Returns:
        float32 array of the same shape: `clip(images + stddev * noise, low, high)`.
    """
    images = _as_float_images(images, value_range)
    if stddev < 0:
        raise ValueError(f"stddev must be zero or positive, got {stddev}.")
    rng = np.random.default_rng(seed)
    noisy = images + stddev * rng.standard_normal(images.shape, dtype=np.float32)
    return np.clip(noisy, *value_range).astype(np.float32)


def add_salt_and_pepper(images, amount=0.1, seed=None, value_range=(0.0, 1.0)):
    """Sets a random fraction of the pixels to the lowest or highest value, half each ("pepper" and "salt").

    Args:
        images: float images of any shape, values in `value_range`.
        amount: the fraction of pixels replaced, between 0 and 1.
        seed: an int (or a `numpy.random.Generator`) for repeatable noise.
        value_range: the pixel range `(low, high)`.

    Returns:
        float32 array of the same shape.
    """
    images = _as_float_images(images, value_range)
    if not 0 <= amount <= 1:
        raise ValueError(f"amount is a fraction of the pixels, between 0 and 1; got {amount}.")
    rng = np.random.default_rng(seed)
    replaced = rng.random(images.shape) < amount
    salt = rng.random(images.shape) < 0.5
    low, high = value_range
    return np.where(replaced, np.where(salt, high, low), images).astype(np.float32)


def erase_random_squares(images, size=10, seed=None, value_range=(0.0, 1.0)):
    """Erases one square of `size` x `size` pixels at a random place in each image (sets it to the lowest value).

    Args:
        images: float images `(N, height, width)` or `(N, height, width, channels)`, values in `value_range`.
        size: side of the square, in pixels.
        seed: an int (or a `numpy.random.Generator`) for repeatable squares.
        value_range: the pixel range `(low, high)`.

    Returns:
        float32 array of the same shape.
    """
    images = _as_float_images(images, value_range)
    if images.ndim not in (3, 4):
        raise ValueError(
            f"expected a batch of images (N, height, width[, channels]), got shape {images.shape}."
        )
    height, width = images.shape[1:3]
    if not 1 <= size <= min(height, width):
        raise ValueError(f"size must be between 1 and {min(height, width)} pixels, got {size}.")
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, height - size + 1, size=len(images))
    cols = rng.integers(0, width - size + 1, size=len(images))
    erased = images.copy()
    for index, (row, col) in enumerate(zip(rows, cols, strict=True)):
        erased[index, row : row + size, col : col + size] = value_range[0]
    return erased

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


# Added for lesson 12 (image enhancement): low-resolution inputs and masked squares.


def downsample(images, factor=2, value_range=(0.0, 1.0)):
    """Shrinks images by averaging each `factor` x `factor` block of pixels (what a coarser camera sensor sees).

    Args:
        images: float images `(N, height, width)` or `(N, height, width, channels)`, values in `value_range`,
            with height and width divisible by `factor`.
        factor: the shrink factor; 2 turns 28×28 into 14×14.
        value_range: the pixel range `(low, high)`.

    Returns:
        float32 array `(N, height // factor, width // factor[, channels])`.
    """
    images = _as_float_images(images, value_range)
    if images.ndim not in (3, 4):
        raise ValueError(
            f"expected a batch of images (N, height, width[, channels]), got shape {images.shape}."
        )
    factor = int(factor)
    height, width = images.shape[1:3]
    if factor < 1 or height % factor or width % factor:
        raise ValueError(
            f"factor must be a positive whole number dividing both height {height} and width {width}, got {factor}."
        )
    blocks = images.reshape(
        len(images), height // factor, factor, width // factor, factor, *images.shape[3:]
    )
    return blocks.mean(axis=(2, 4)).astype(np.float32)


def random_square_masks(count, size=10, image_shape=(28, 28, 1), margin=0, seed=None):
    """Draws one square hole per image, at a random place: 1 inside the hole, 0 elsewhere.

    Args:
        count: number of masks.
        size: side of the square, in pixels.
        image_shape: `(height, width)` or `(height, width, channels)` of one image.
        margin: keep the squares at least this many pixels from the border (MNIST digits fill the central
            20×20 pixels, so `margin=4` puts every hole where the ink is).
        seed: an int (or a `numpy.random.Generator`) for repeatable squares.

    Returns:
        float32 array `(count, *image_shape)` of 0s and 1s, each mask holding exactly `size * size` ones
        per channel.
    """
    height, width = image_shape[:2]
    room = min(height, width) - 2 * int(margin)
    if margin < 0 or not 1 <= size <= room:
        raise ValueError(
            f"size must be between 1 and {room} pixels (the image less twice the margin {margin}), got {size}."
        )
    rng = np.random.default_rng(seed)
    rows = rng.integers(margin, height - margin - size + 1, size=count)
    cols = rng.integers(margin, width - margin - size + 1, size=count)
    masks = np.zeros((count, *image_shape), np.float32)
    for index, (row, col) in enumerate(zip(rows, cols, strict=True)):
        masks[index, row : row + size, col : col + size] = 1.0
    return masks


def apply_masks(images, masks, fill_value=0.0, value_range=(0.0, 1.0)):
    """Hides the masked pixels: sets every pixel where `masks` is 1 to `fill_value`.

    Args:
        images: float images, values in `value_range`.
        masks: 0/1 array of the same shape (1 marks a missing pixel), e.g. from `random_square_masks`.
        fill_value: what the hidden pixels become (the lowest value by default).
        value_range: the pixel range `(low, high)`.

    Returns:
        float32 array of the same shape: `images * (1 - masks) + fill_value * masks`.
    """
    images = _as_float_images(images, value_range)
    masks = np.asarray(masks, np.float32)
    if masks.shape != images.shape:
        raise ValueError(
            f"expected one mask per image of shape {images.shape}, got masks of shape {masks.shape}."
        )
    return (images * (1.0 - masks) + np.float32(fill_value) * masks).astype(np.float32)

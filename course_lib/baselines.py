"""Classical image-enhancement baselines (lesson 12): the filters a learnt model has to beat.

No training: a median filter and a Gaussian filter for denoising (via `scipy.ndimage`), bicubic upsampling for
super-resolution (via `tf.image.resize`) and mean fill for inpainting. Images are float batches
`(N, height, width[, channels])` in [0, 1]; every function returns a new float32 array in [0, 1].
A fair comparison tunes a baseline's one parameter too: `best_parameter` picks it on held-out images.
"""

import numpy as np
import scipy.ndimage


def _image_batch(images, what="images"):
    images = np.asarray(images, np.float32)
    if images.ndim not in (3, 4):
        raise ValueError(
            f"expected {what} as a batch (N, height, width[, channels]), got shape {images.shape}: "
            "for one image, add a batch axis with image[np.newaxis]."
        )
    return images


def _per_image(images, size):
    """A filter size or sigma per axis that acts on height and width only, never across images or channels."""
    return (0, size, size, 0) if images.ndim == 4 else (0, size, size)


def median_filter(images, size=3):
    """Replaces each pixel by the median of the `size` x `size` window around it: the classic cure for
    salt-and-pepper noise, because a few extreme pixels cannot move a median.

    Args:
        images: `(N, height, width[, channels])` floats.
        size: window side in pixels (odd: 3, 5, ...).

    Returns:
        float32 array of the same shape. Borders are handled by reflecting the image.
    """
    images = _image_batch(images)
    size = int(size)
    if size < 1:
        raise ValueError(f"size must be a positive number of pixels, got {size}.")
    window = (1, size, size, 1) if images.ndim == 4 else (1, size, size)
    return scipy.ndimage.median_filter(images, size=window, mode="reflect").astype(np.float32)


def gaussian_filter(images, sigma=1.0):
    """Blurs each image with a Gaussian of standard deviation `sigma` pixels: averages the noise away,
    and the edges with it.

    Args:
        images: `(N, height, width[, channels])` floats.
        sigma: the blur's standard deviation, in pixels (0 leaves the images unchanged).

    Returns:
        float32 array of the same shape. Borders are handled by reflecting the image.
    """
    images = _image_batch(images)
    if sigma < 0:
        raise ValueError(f"sigma must be zero or positive, got {sigma}.")
    return scipy.ndimage.gaussian_filter(
        images, sigma=_per_image(images, float(sigma)), mode="reflect"
    ).astype(np.float32)


def bicubic_upsample(images, factor=2):
    """Enlarges images `factor` times with bicubic interpolation (`tf.image.resize`), clipped to [0, 1].

    Args:
        images: `(N, height, width, channels)` floats in [0, 1] (a channel axis is added to `(N, h, w)`).
        factor: the enlargement; 2 turns 14×14 into 28×28.

    Returns:
        float32 array `(N, factor * height, factor * width, channels)`.
    """
    import tensorflow as tf

    images = _image_batch(images)
    squeeze = images.ndim == 3
    if squeeze:
        images = images[..., np.newaxis]
    factor = int(factor)
    if factor < 1:
        raise ValueError(f"factor must be a positive whole number, got {factor}.")
    height, width = images.shape[1:3]
    resized = tf.image.resize(images, (factor * height, factor * width), method="bicubic").numpy()
    resized = np.clip(resized, 0.0, 1.0).astype(np.float32)
    return resized[..., 0] if squeeze else resized


def mean_fill(images, masks, fill=None):
    """Fills the masked pixels with a mean: the simplest guess for what is missing.

    Args:
        images: `(N, height, width[, channels])` floats with holes.
        masks: 0/1 array of the same shape, 1 where a pixel is missing.
        fill: what to put in the holes: an image of shape `images.shape[1:]` (the training set's mean image:
            the best guess knowing nothing about this image), a number, or `None` for the mean of each
            image's own known pixels.

    Returns:
        float32 array of the same shape: known pixels kept, missing pixels replaced.
    """
    images = _image_batch(images)
    masks = np.asarray(masks, np.float32)
    if masks.shape != images.shape:
        raise ValueError(
            f"expected one mask per image of shape {images.shape}, got masks of shape {masks.shape}."
        )
    if fill is None:
        axes = tuple(range(1, images.ndim))
        known = 1.0 - masks
        counts = np.maximum(known.sum(axis=axes, keepdims=True), 1.0)
        fill = (images * known).sum(axis=axes, keepdims=True) / counts
    else:
        fill = np.asarray(fill, np.float32)
        if fill.ndim and fill.shape != images.shape[1:]:
            raise ValueError(
                f"fill must be a number or one image of shape {images.shape[1:]}, got shape {fill.shape}."
            )
    return (images * (1.0 - masks) + fill * masks).astype(np.float32)


def best_parameter(baseline, candidates, corrupted, clean, score=None):
    """Tunes a baseline's one parameter on held-out images: tries each candidate, keeps the best.

    Args:
        baseline: a function `(corrupted, parameter) -> restored`, e.g. `median_filter`.
        candidates: the parameter values to try, e.g. `(3, 5)` or `(0.5, 1.0, 1.5)`.
        corrupted: `(N, ...)` corrupted images (not the test set: tuning on it would flatter the baseline).
        clean: the matching clean images.
        score: a function `(restored, clean) -> per-image scores`, higher is better; default: PSNR.

    Returns:
        `(best, scores)`: the best candidate and a dict from each candidate to its mean score.
    """
    if score is None:
        from course_lib.metrics import psnr as score
    candidates = list(candidates)
    if not candidates:
        raise ValueError("best_parameter needs at least one candidate to try.")
    scores = {
        candidate: float(np.mean(score(baseline(corrupted, candidate), clean)))
        for candidate in candidates
    }
    best = max(scores, key=scores.get)
    return best, scores


# The rounding error of 8-bit pixels: a restoration closer than this is as exact as an image file can be.
PERFECT_MSE = (1.0 / 255.0) ** 2 / 12.0


def score_restorations(restored, clean):
    """PSNR and SSIM of each restored image against its clean original: lesson 12's yardsticks.

    PSNR comes from each image's mean squared error, floored at `PERFECT_MSE` (the error of rounding to 8-bit
    pixels, which caps PSNR at about 58.9 dB): otherwise one perfectly restored image, such as a hole that fell
    on blank paper, would have an infinite PSNR and make the average infinite. SSIM is
    `course_lib.metrics.ssim` (7×7 windows).

    Args:
        restored: `(N, height, width, channels)` images in [0, 1].
        clean: the originals, same shape.

    Returns:
        A dict of per-image arrays: `"psnr"` in dB and `"ssim"` in [-1, 1] (higher is better for both).
    """
    from course_lib import metrics

    restored, clean = _image_batch(restored, "restored images"), _image_batch(clean, "clean images")
    if restored.shape != clean.shape:
        raise ValueError(
            f"restored and clean images differ in shape: {restored.shape} vs {clean.shape}."
        )
    axes = tuple(range(1, restored.ndim))
    mse = np.mean((restored.astype(np.float64) - clean) ** 2, axis=axes)
    psnr = 10.0 * np.log10(1.0 / np.maximum(mse, PERFECT_MSE))
    return {"psnr": psnr, "ssim": np.asarray(metrics.ssim(restored, clean), np.float64)}

"""Image enhancement (lesson 12): small convolutional models that denoise, upscale 2× and inpaint 28×28 images.

All three share one small U-Net body and one idea, *residual learning*: the network starts from a cheap guess
(the noisy image, the bicubic upsampling, the image with its hole) and learns only the correction, whose last
layer starts at zero. An untrained model therefore returns exactly its starting guess, and training can only
improve on it. Images are floats in [0, 1]; outputs are clipped to [0, 1].

    denoiser = build_denoiser()                  # (N, 28, 28, 1) noisy      -> (N, 28, 28, 1)
    upscaler = build_super_resolver()            # (N, 14, 14, 1) small      -> (N, 28, 28, 1)
    inpainter = build_inpainter()                # [(N, 28, 28, 1) masked, (N, 28, 28, 1) mask] -> (N, 28, 28, 1)
"""

import keras
from keras import layers, ops

IMAGE_SHAPE = (28, 28, 1)
SMALL_SHAPE = (14, 14, 1)
DEFAULT_FILTERS = (16, 32, 64)


def _check_filters(filters):
    filters = tuple(int(count) for count in filters)
    if len(filters) not in (2, 3) or min(filters) < 1:
        raise ValueError(
            f"filters gives the channels of each U-Net level: 2 or 3 positive numbers such as (16, 32, 64), "
            f"got {filters}. 28×28 images can be halved at most twice (28 -> 14 -> 7)."
        )
    return filters


def _conv_pair(x, filters, name):
    """Two 3×3 convolutions with ReLU: the U-Net's basic block (no batch norm: small and fast on a CPU)."""
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv1")(x)
    return layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv2")(x)


def unet_body(x, filters=DEFAULT_FILTERS):
    """The layers of a small U-Net, from `(N, 28, 28, C)` to `(N, 28, 28, filters[0])` features.

    Each level halves height and width with max-pooling and doubles the channels; the way back up uses ×2
    transposed convolutions, and joins (concatenates) the features of the same size from the way down,
    the *skip connections* that carry fine detail past the bottleneck. With `(16, 32, 64)`:
    28×28×16 → 14×14×32 → 7×7×64 → 14×14×32 → 28×28×16. With three levels each output pixel depends on a
    window wider than the whole 28×28 image, so a 10×10 hole can be filled from everything around it.

    Args:
        x: a `(N, 28, 28, C)` symbolic tensor.
        filters: channels of each level, from full size down to the bottleneck.

    Returns:
        The `(N, 28, 28, filters[0])` symbolic features.
    """
    filters = _check_filters(filters)
    height, width = x.shape[1:3]
    skips = []
    for level, count in enumerate(filters[:-1], start=1):
        x = _conv_pair(x, count, name=f"down{level}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"down{level}_pool")(x)
    x = _conv_pair(x, filters[-1], name="bottleneck")
    shrink = 2 ** (len(filters) - 1)
    assert tuple(x.shape[1:]) == (height // shrink, width // shrink, filters[-1]), x.shape
    for level in range(len(filters) - 1, 0, -1):
        count, skip = filters[level - 1], skips[level - 1]
        x = layers.Conv2DTranspose(count, 2, strides=2, padding="same", name=f"up{level}_upsample")(
            x
        )
        x = layers.Concatenate(name=f"up{level}_skip")([x, skip])
        x = _conv_pair(x, count, name=f"up{level}")
    assert tuple(x.shape[1:]) == (height, width, filters[0]), x.shape
    return x


@keras.saving.register_keras_serializable(package="course_lib")
class ClipToUnitRange(layers.Layer):
    """Clips to [0, 1] on the way forward, but lets gradients through unchanged (a *straight-through* clip).

    A plain clip has zero gradient wherever its input lies outside [0, 1] or exactly on its edges. Salt and
    pepper pixels sit exactly at 0 and 1, so with a plain clip the network would never learn to correct them.
    """

    def call(self, inputs):
        return inputs + ops.stop_gradient(ops.clip(inputs, 0.0, 1.0) - inputs)


def _residual_output(start, features, name="correction"):
    """`clip(start + correction, 0, 1)`, with a correction layer that starts at zero."""
    correction = layers.Conv2D(1, 1, kernel_initializer="zeros", name=name)(features)
    improved = layers.Add(name="start_plus_correction")([start, correction])
    return ClipToUnitRange(name="clip_to_unit_range")(improved)


def build_denoiser(filters=DEFAULT_FILTERS, name="denoiser"):
    """Builds a denoiser: a U-Net that predicts the correction to add to a noisy image.

    Shapes: `(N, 28, 28, 1)` noisy images in [0, 1] → U-Net → `(N, 28, 28, 1)` correction (starts at zero)
    → noisy + correction, clipped → `(N, 28, 28, 1)` clean estimate in [0, 1].

    Args:
        filters: channels of the U-Net levels.
        name: the model's name.

    Returns:
        An uncompiled functional `keras.Model`; untrained, it returns its input unchanged.
    """
    noisy = keras.Input(shape=IMAGE_SHAPE, name="noisy_images")
    output = _residual_output(noisy, unet_body(noisy, filters))
    model = keras.Model(noisy, output, name=name)
    assert model.output_shape == (None, *IMAGE_SHAPE), model.output_shape
    return model


def build_super_resolver(filters=DEFAULT_FILTERS, name="super_resolver"):
    """Builds a 2× super-resolution model: bicubic upsampling plus a learnt correction (as in VDSR).

    Shapes: `(N, 14, 14, 1)` small images in [0, 1] → bicubic resize → `(N, 28, 28, 1)` → U-Net →
    correction (starts at zero) → upsampled + correction, clipped → `(N, 28, 28, 1)` in [0, 1].
    Untrained, it is exactly the bicubic baseline (clipped); training teaches it what bicubic misses.

    Args:
        filters: channels of the U-Net levels.
        name: the model's name.

    Returns:
        An uncompiled functional `keras.Model`.
    """
    small = keras.Input(shape=SMALL_SHAPE, name="small_images")
    upsampled = layers.Resizing(*IMAGE_SHAPE[:2], interpolation="bicubic", name="bicubic_upsample")(
        small
    )
    assert tuple(upsampled.shape[1:]) == IMAGE_SHAPE, upsampled.shape
    output = _residual_output(upsampled, unet_body(upsampled, filters))
    model = keras.Model(small, output, name=name)
    assert model.output_shape == (None, *IMAGE_SHAPE), model.output_shape
    return model


def build_inpainter(filters=DEFAULT_FILTERS, name="inpainter"):
    """Builds an inpainter: fills the masked pixels of an image and keeps every known pixel as it is.

    Shapes: masked images `(N, 28, 28, 1)` (hole set to 0) and masks `(N, 28, 28, 1)` (1 in the hole, 0
    elsewhere) → joined `(N, 28, 28, 2)`, so the network knows *where* the hole is (a black hole pixel and a
    black background pixel look the same) → U-Net → masked + correction, clipped → known pixels copied
    back: `output = masked + mask * (estimate - masked)` → `(N, 28, 28, 1)` in [0, 1].

    Args:
        filters: channels of the U-Net levels.
        name: the model's name.

    Returns:
        An uncompiled functional `keras.Model` from `[masked_images, masks]` to `(N, 28, 28, 1)` images.
    """
    masked = keras.Input(shape=IMAGE_SHAPE, name="masked_images")
    mask = keras.Input(shape=IMAGE_SHAPE, name="masks")
    joined = layers.Concatenate(name="image_and_mask")([masked, mask])
    assert tuple(joined.shape[1:]) == (*IMAGE_SHAPE[:2], 2), joined.shape
    estimate = _residual_output(masked, unet_body(joined, filters))
    change = layers.Subtract(name="estimate_minus_masked")([estimate, masked])
    hole_change = layers.Multiply(name="only_in_the_hole")([mask, change])
    output = layers.Add(name="known_pixels_kept")([masked, hole_change])
    model = keras.Model([masked, mask], output, name=name)
    assert model.output_shape == (None, *IMAGE_SHAPE), model.output_shape
    return model


def compile_enhancer(model, learning_rate=2e-3):
    """Compiles an enhancement model with Adam and the mean squared error, the loss that PSNR measures.

    Minimising the mean squared error is maximising PSNR: $\\mathrm{PSNR} = 10 \\log_{10}(1 / \\mathrm{MSE})$
    for images in [0, 1].

    Args:
        model: a model from `build_denoiser`, `build_super_resolver` or `build_inpainter`.
        learning_rate: Adam's learning rate.

    Returns:
        The same model, compiled with loss `"mean_squared_error"` and mean absolute error as a metric.
    """
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="mean_squared_error",
        metrics=["mean_absolute_error"],
    )
    return model

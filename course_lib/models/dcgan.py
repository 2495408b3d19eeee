"""DCGAN builders (lesson 07): a transposed-convolution generator and a strided-convolution discriminator.

Sized for a CPU: 28×28×1 images, 3×3 or 4×4 kernels and a few hundred thousand weights per network.
Both plug into `course_lib.models.gan.GAN`:

    generator = build_dcgan_generator(latent_dim=64)
    discriminator = build_dcgan_discriminator()
    gan = GAN(generator, discriminator, ema_decay=0.999)
"""

import keras
from keras import layers

IMAGE_SHAPE = (28, 28, 1)


def transposed_convolution_size(size, kernel_size, strides, padding="same", output_padding=None):
    """The output length of a transposed convolution along one axis (what Keras computes).

    Args:
        size: input length.
        kernel_size: kernel length.
        strides: stride.
        padding: `"same"` or `"valid"`.
        output_padding: extra length added on one side, or `None` for Keras' default.

    Returns:
        The output length: `size * strides` for `"same"` padding,
        `(size - 1) * strides + kernel_size` for `"valid"`.
    """
    if output_padding is None:
        if padding == "same":
            return size * strides
        return size * strides + max(kernel_size - strides, 0)
    pad = kernel_size // 2 if padding == "same" else 0
    return (size - 1) * strides + kernel_size - 2 * pad + output_padding


def build_dcgan_generator(latent_dim=64, filters=(128, 64), kernel_size=4, name="dcgan_generator"):
    """Builds a DCGAN generator: noise -> 7×7 feature maps -> two ×2 transposed convolutions -> 28×28×1.

    Shapes (default arguments): `(N, 64)` → Dense → `(N, 7, 7, 128)` → ConvTranspose(64, stride 2)
    → `(N, 14, 14, 64)` → ConvTranspose(1, stride 2) + tanh → `(N, 28, 28, 1)`. Every layer but the
    last is followed by batch normalisation and ReLU, as in the DCGAN paper.

    Args:
        latent_dim: length of the noise vector.
        filters: channels at 7×7 and at 14×14.
        kernel_size: kernel size of the transposed convolutions (4 divides the stride 2 evenly,
            which avoids checkerboard artefacts).
        name: the model's name.

    Returns:
        A functional `keras.Model` from `(N, latent_dim)` noise to `(N, 28, 28, 1)` images in [-1, 1].
    """
    noise = keras.Input(shape=(latent_dim,), name="noise")
    images = generator_body(noise, filters, kernel_size)
    model = keras.Model(noise, images, name=name)
    assert model.output_shape == (None, *IMAGE_SHAPE), model.output_shape
    return model


def generator_body(x, filters=(128, 64), kernel_size=4):
    """The layers of a DCGAN generator from a flat input to `(N, 28, 28, 1)` tanh images.

    Args:
        x: a `(N, features)` symbolic tensor (noise, or noise joined to a label embedding).
        filters: channels at 7×7 and at 14×14.
        kernel_size: kernel size of the transposed convolutions.

    Returns:
        The `(N, 28, 28, 1)` symbolic output.
    """
    first, second = filters
    x = layers.Dense(7 * 7 * first, use_bias=False, name="project")(x)
    x = layers.BatchNormalization(name="project_norm")(x)
    x = layers.ReLU(name="project_relu")(x)
    x = layers.Reshape((7, 7, first), name="to_feature_maps")(x)
    x = layers.Conv2DTranspose(
        second, kernel_size, strides=2, padding="same", use_bias=False, name="up1"
    )(x)
    x = layers.BatchNormalization(name="up1_norm")(x)
    x = layers.ReLU(name="up1_relu")(x)
    assert tuple(x.shape[1:]) == (14, 14, second), x.shape
    images = layers.Conv2DTranspose(
        1, kernel_size, strides=2, padding="same", activation="tanh", name="up2"
    )(x)
    assert tuple(images.shape[1:]) == IMAGE_SHAPE, images.shape
    return images


def build_dcgan_discriminator(
    filters=(64, 128), kernel_size=4, dropout=0.0, name="dcgan_discriminator"
):
    """Builds a DCGAN discriminator: two stride-2 convolutions with LeakyReLU(0.2), then one logit.

    Shapes (default arguments): `(N, 28, 28, 1)` → Conv(64, stride 2) → `(N, 14, 14, 64)`
    → Conv(128, stride 2) → `(N, 7, 7, 128)` → flatten → Dense(1) → `(N, 1)` logits.
    It has no batch normalisation: the generator's and the real images' batch statistics would
    otherwise leak into the decision, and a plain discriminator is faster on a CPU.

    Args:
        filters: channels of the two convolutions.
        kernel_size: kernel size of the convolutions.
        dropout: dropout rate after each convolution (0 turns it off).
        name: the model's name.

    Returns:
        A functional `keras.Model` from `(N, 28, 28, 1)` images in [-1, 1] to `(N, 1)` logits.
    """
    images = keras.Input(shape=IMAGE_SHAPE, name="images")
    features = discriminator_body(images, filters, kernel_size, dropout)
    logits = layers.Dense(1, name="logit")(features)
    model = keras.Model(images, logits, name=name)
    assert model.output_shape == (None, 1), model.output_shape
    return model


def discriminator_body(x, filters=(64, 128), kernel_size=4, dropout=0.0):
    """The layers of a DCGAN discriminator from `(N, 28, 28, C)` images to flat features.

    Args:
        x: a `(N, 28, 28, C)` symbolic tensor (images, or images joined to a label channel).
        filters: channels of the two stride-2 convolutions.
        kernel_size: kernel size of the convolutions.
        dropout: dropout rate after each convolution (0 turns it off).

    Returns:
        The `(N, 7 * 7 * filters[-1])` symbolic features.
    """
    for index, count in enumerate(filters, start=1):
        # No bias, as in the PyTorch DCGAN example: it adds little before a LeakyReLU, and TensorFlow's graph
        # optimiser fuses Conv2D + LeakyReLU gradients only without one.
        x = layers.Conv2D(
            count, kernel_size, strides=2, padding="same", use_bias=False, name=f"conv{index}"
        )(x)
        x = layers.LeakyReLU(0.2, name=f"conv{index}_leaky_relu")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"conv{index}_dropout")(x)
    assert tuple(x.shape[1:]) == (7, 7, filters[-1]), x.shape
    return layers.Flatten(name="flatten")(x)


# The DCGAN recipe of lesson 07, tuned for MNIST on 2 CPU cores (see benchmarks/bench_gan.py and RESULTS.md).
MNIST_RECIPE = {
    "latent_dim": 64,
    "generator_filters": (64, 32),
    "discriminator_filters": (32, 64),
    "kernel_size": 3,
    "dropout": 0.0,
    "batch_size": 64,
    "generator_learning_rate": 5e-4,
    "discriminator_learning_rate": 5e-4,
    "beta_1": 0.5,
    "real_label": 1.0,
    "ema_decay": 0.999,
    "steps_per_execution": 10,
    "epochs": 25,
}


def build_dcgan(recipe=None, seed=None, **changes):
    """Builds and compiles the DCGAN of a recipe: generator, discriminator, optimisers and moving average.

    Args:
        recipe: a dict like `MNIST_RECIPE` (the default).
        seed: seed of the GAN's noise generator.
        **changes: recipe entries to override, e.g. `discriminator_learning_rate=2e-3`.

    Returns:
        A compiled `course_lib.models.gan.GAN`, ready for `fit` on batches of `recipe["batch_size"]` images.
    """
    from course_lib.models.gan import GAN, compile_from_recipe

    recipe = {**(MNIST_RECIPE if recipe is None else recipe), **changes}
    unknown = sorted(set(recipe) - set(MNIST_RECIPE))
    if unknown:
        raise ValueError(f"unknown recipe entries {unknown}; a recipe has {sorted(MNIST_RECIPE)}.")
    generator = build_dcgan_generator(
        recipe["latent_dim"], recipe["generator_filters"], recipe["kernel_size"]
    )
    discriminator = build_dcgan_discriminator(
        recipe["discriminator_filters"], recipe["kernel_size"], recipe["dropout"]
    )
    gan = GAN(
        generator,
        discriminator,
        real_label=recipe["real_label"],
        ema_decay=recipe["ema_decay"],
        seed=seed,
    )
    return compile_from_recipe(gan, recipe)

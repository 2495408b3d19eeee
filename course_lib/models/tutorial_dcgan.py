"""The DCGAN of the TensorFlow tutorial, rebuilt in Keras 3, to compare the course's DCGAN against it.

https://www.tensorflow.org/tutorials/generative/dcgan trains this model on MNIST: a 2.3 M-parameter generator
with 5×5 transposed convolutions and a 0.2 M-parameter discriminator, Adam(1e-4) for both, batches of 256,
noise of length 100, the plain cross-entropy GAN losses and no moving average of the generator. This module
reproduces its `make_generator_model` and `make_discriminator_model` layer for layer; `build_tutorial_dcgan`
wraps them in the course's `GAN` class, whose training step is the tutorial's `train_step` (one forward pass,
each network's gradient from its own loss; see `course_lib.models.gan`):

    gan = build_tutorial_dcgan(seed=0)
    gan.fit(data.make_dataset(images, batch_size=TUTORIAL_RECIPE["batch_size"]), epochs=50)

`benchmarks/bench_vs_tutorial.py` trains it and the course's DCGAN for the same wall-clock time.
"""

import keras
from keras import layers

# The tutorial's settings. LeakyReLU's slope is the Keras default the tutorial relies on (0.3).
TUTORIAL_RECIPE = {
    "noise_dim": 100,
    "batch_size": 256,
    "buffer_size": 60_000,
    "learning_rate": 1e-4,
    "leaky_relu_slope": 0.3,
    "dropout": 0.3,
    "epochs": 50,
}


def build_tutorial_generator(noise_dim=100, slope=0.3):
    """Builds the tutorial's generator (`make_generator_model`).

    Shapes: `(N, 100)` → Dense 7·7·256 (no bias), BN, LeakyReLU → `(N, 7, 7, 256)` → ConvTranspose 128 5×5
    stride 1 → `(N, 7, 7, 128)` → ConvTranspose 64 5×5 stride 2 → `(N, 14, 14, 64)` → ConvTranspose 1 5×5
    stride 2 + tanh → `(N, 28, 28, 1)`. Every transposed convolution is bias-free; the first two are followed
    by batch normalisation and LeakyReLU. 2,330,944 weights.

    Args:
        noise_dim: length of the noise vector.
        slope: LeakyReLU's negative slope.

    Returns:
        A `keras.Model` from `(N, noise_dim)` noise to `(N, 28, 28, 1)` images in [-1, 1].
    """
    noise = keras.Input(shape=(noise_dim,), name="noise")
    x = layers.Dense(7 * 7 * 256, use_bias=False, name="project")(noise)
    x = layers.BatchNormalization(name="project_norm")(x)
    x = layers.LeakyReLU(slope, name="project_leaky_relu")(x)
    x = layers.Reshape((7, 7, 256), name="to_feature_maps")(x)
    for index, (filters, strides) in enumerate([(128, 1), (64, 2)], start=1):
        x = layers.Conv2DTranspose(
            filters, 5, strides=strides, padding="same", use_bias=False, name=f"up{index}"
        )(x)
        x = layers.BatchNormalization(name=f"up{index}_norm")(x)
        x = layers.LeakyReLU(slope, name=f"up{index}_leaky_relu")(x)
    images = layers.Conv2DTranspose(
        1, 5, strides=2, padding="same", use_bias=False, activation="tanh", name="up3"
    )(x)
    model = keras.Model(noise, images, name="tutorial_generator")
    assert model.output_shape == (None, 28, 28, 1), model.output_shape
    return model


def build_tutorial_discriminator(slope=0.3, dropout=0.3):
    """Builds the tutorial's discriminator (`make_discriminator_model`).

    Shapes: `(N, 28, 28, 1)` → Conv 64 5×5 stride 2, LeakyReLU, dropout → `(N, 14, 14, 64)` → Conv 128 5×5
    stride 2, LeakyReLU, dropout → `(N, 7, 7, 128)` → flatten → Dense 1 → `(N, 1)` logits. 212,865 weights.

    Args:
        slope: LeakyReLU's negative slope.
        dropout: dropout rate after each convolution.

    Returns:
        A `keras.Model` from `(N, 28, 28, 1)` images in [-1, 1] to `(N, 1)` logits.
    """
    images = keras.Input(shape=(28, 28, 1), name="images")
    x = images
    for index, filters in enumerate([64, 128], start=1):
        x = layers.Conv2D(filters, 5, strides=2, padding="same", name=f"conv{index}")(x)
        x = layers.LeakyReLU(slope, name=f"conv{index}_leaky_relu")(x)
        x = layers.Dropout(dropout, name=f"conv{index}_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    logits = layers.Dense(1, name="logit")(x)
    return keras.Model(images, logits, name="tutorial_discriminator")


def build_tutorial_dcgan(seed=None, recipe=None):
    """Builds and compiles the tutorial's DCGAN as a course `GAN`: plain losses, no moving average.

    The course's `GAN.train_step` computes what the tutorial's `train_step` computes: noise from N(0, I), one
    forward pass, the discriminator's cross-entropy (real → 1, fake → 0) and the non-saturating generator loss,
    each network updated with the gradient of its own loss. Labels are not smoothed (`real_label=1`), no
    moving-average generator is kept (`ema_decay=None`), and each `fit` step is one call of the compiled step,
    as in the tutorial's loop (`steps_per_execution=1`).

    Args:
        seed: seed of the GAN's noise generator.
        recipe: a dict like `TUTORIAL_RECIPE` (the default).

    Returns:
        A compiled `course_lib.models.gan.GAN`; train it on batches of `recipe["batch_size"]` images in [-1, 1].
    """
    from course_lib.models.gan import GAN

    recipe = {**TUTORIAL_RECIPE, **(recipe or {})}
    gan = GAN(
        build_tutorial_generator(recipe["noise_dim"], recipe["leaky_relu_slope"]),
        build_tutorial_discriminator(recipe["leaky_relu_slope"], recipe["dropout"]),
        real_label=1.0,
        ema_decay=None,
        seed=seed,
    )
    gan.compile(
        discriminator_optimizer=keras.optimizers.Adam(recipe["learning_rate"]),
        generator_optimizer=keras.optimizers.Adam(recipe["learning_rate"]),
        steps_per_execution=1,
    )
    return gan

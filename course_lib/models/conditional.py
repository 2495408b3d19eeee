"""Class-conditional generation (lesson 08): a conditional GAN and a conditional VAE.

Both learn `p(image | label)`. The label enters each network through a learnt embedding:
the generator (or decoder) gets it joined to its noise (or latent code), the discriminator (or encoder)
gets it as an extra image channel. Ask for a label and the model draws that class:

    gan.generate(labels=[7] * 10)          # ten different 7s
"""

import keras
import numpy as np
from keras import layers, ops

from course_lib.models.dcgan import IMAGE_SHAPE, discriminator_body, generator_body
from course_lib.models.gan import (
    GAN,
    _in_batches,
    compile_from_recipe,
    discriminator_loss,
    generator_loss,
)
from course_lib.models.vae import (
    VAE,
    bernoulli_reconstruction_loss,
    gaussian_kl_divergence,
    reparameterize,
)

NUM_CLASSES = 10


def label_as_channel(labels, num_classes=NUM_CLASSES, embedding_dim=16, name="label"):
    """Turns integer labels into one extra 28×28 image channel: embedding -> Dense(784) -> reshape.

    Args:
        labels: a `(N,)` symbolic integer tensor.
        num_classes: number of classes.
        embedding_dim: length of the learnt label embedding.
        name: prefix of the layer names.

    Returns:
        A `(N, 28, 28, 1)` symbolic tensor, to be concatenated with the images.
    """
    x = layers.Embedding(num_classes, embedding_dim, name=f"{name}_embedding")(labels)
    x = layers.Dense(IMAGE_SHAPE[0] * IMAGE_SHAPE[1], name=f"{name}_to_pixels")(x)
    return layers.Reshape((IMAGE_SHAPE[0], IMAGE_SHAPE[1], 1), name=f"{name}_channel")(x)


def build_conditional_generator(
    latent_dim=64,
    num_classes=NUM_CLASSES,
    embedding_dim=16,
    filters=(128, 64),
    kernel_size=4,
    name="conditional_generator",
):
    """Builds a class-conditional DCGAN generator: `[noise, label]` -> image.

    Shapes: noise `(N, latent_dim)` and labels `(N,)` → the label's embedding `(N, embedding_dim)` is
    joined to the noise → `(N, latent_dim + embedding_dim)` → the DCGAN generator body → `(N, 28, 28, 1)`.

    Args:
        latent_dim: length of the noise vector (the "style").
        num_classes: number of classes.
        embedding_dim: length of the learnt label embedding.
        filters: channels at 7×7 and at 14×14.
        kernel_size: kernel size of the transposed convolutions.
        name: the model's name.

    Returns:
        A functional `keras.Model` from `[(N, latent_dim) noise, (N,) int labels]` to `(N, 28, 28, 1)`
        images in [-1, 1].
    """
    noise = keras.Input(shape=(latent_dim,), name="noise")
    labels = keras.Input(shape=(), dtype="int32", name="labels")
    embedding = layers.Embedding(num_classes, embedding_dim, name="label_embedding")(labels)
    x = layers.Concatenate(name="noise_and_label")([noise, embedding])
    assert tuple(x.shape[1:]) == (latent_dim + embedding_dim,), x.shape
    images = generator_body(x, filters, kernel_size)
    model = keras.Model([noise, labels], images, name=name)
    assert model.output_shape == (None, *IMAGE_SHAPE), model.output_shape
    return model


def build_conditional_discriminator(
    num_classes=NUM_CLASSES,
    embedding_dim=16,
    filters=(64, 128),
    kernel_size=4,
    dropout=0.0,
    name="conditional_discriminator",
):
    """Builds a class-conditional DCGAN discriminator: `[image, label]` -> logit.

    Shapes: images `(N, 28, 28, 1)` and labels `(N,)` → the label becomes a `(N, 28, 28, 1)` channel
    (`label_as_channel`) → joined to the image `(N, 28, 28, 2)` → the DCGAN discriminator body → `(N, 1)`.
    It answers "is this a real image *of this class*?", so a good-looking image of the wrong class is fake.

    Args:
        num_classes: number of classes.
        embedding_dim: length of the learnt label embedding.
        filters: channels of the two stride-2 convolutions.
        kernel_size: kernel size of the convolutions.
        dropout: dropout rate after each convolution.
        name: the model's name.

    Returns:
        A functional `keras.Model` from `[(N, 28, 28, 1) images, (N,) int labels]` to `(N, 1)` logits.
    """
    images = keras.Input(shape=IMAGE_SHAPE, name="images")
    labels = keras.Input(shape=(), dtype="int32", name="labels")
    channel = label_as_channel(labels, num_classes, embedding_dim)
    x = layers.Concatenate(name="image_and_label")([images, channel])
    assert tuple(x.shape[1:]) == (*IMAGE_SHAPE[:2], IMAGE_SHAPE[2] + 1), x.shape
    features = discriminator_body(x, filters, kernel_size, dropout)
    logits = layers.Dense(1, name="logit")(features)
    model = keras.Model([images, labels], logits, name=name)
    assert model.output_shape == (None, 1), model.output_shape
    return model


@keras.saving.register_keras_serializable(package="course_lib")
class ConditionalGAN(GAN):
    """A GAN whose generator and discriminator both see the class label.

    `fit` takes a data set of `(images, labels)`; each batch's generated images are given the same labels
    as its real ones, so the generator learns every class as often as the data holds it.

    Args:
        generator: a model from `[(N, latent_dim) noise, (N,) labels]` to `(N, 28, 28, 1)` images.
        discriminator: a model from `[(N, 28, 28, 1) images, (N,) labels]` to `(N, 1)` logits.
        num_classes: number of classes.
        **kwargs: `real_label`, `ema_decay`, `seed` and the rest, as for `GAN`.
    """

    def __init__(self, generator, discriminator, num_classes=NUM_CLASSES, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.num_classes = int(num_classes)

    def call(self, inputs, training=False):
        noise, labels = inputs
        return self.sampling_generator([noise, labels], training=training)

    def train_step(self, data):
        import tensorflow as tf

        if not isinstance(data, tuple) or len(data) < 2:
            raise ValueError(
                "a ConditionalGAN trains on (images, labels) batches: pass both to fit."
            )
        real_images, labels = data[0], ops.cast(data[1], "int32")
        noise = self.sample_noise(ops.shape(real_images)[0])
        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            fake_images = self.generator([noise, labels], training=True)
            real_logits = self.discriminator([real_images, labels], training=True)
            fake_logits = self.discriminator([fake_images, labels], training=True)
            d_loss = discriminator_loss(real_logits, fake_logits, real_label=self.real_label)
            g_loss = generator_loss(fake_logits)
        self._apply(discriminator_tape, d_loss, self.discriminator, self.discriminator_optimizer)
        self._apply(generator_tape, g_loss, self.generator, self.generator_optimizer)
        self.update_ema()
        return self._update_metrics(d_loss, g_loss, real_logits, fake_logits)

    def generate(self, count=None, noise=None, labels=None, seed=None, batch_size=500):
        """Generates images of the requested classes as a NumPy array in [-1, 1].

        Args:
            count: how many images per label when `labels` is a single int; otherwise ignored.
            noise: `(N, latent_dim)` noise (the styles); drawn from the seed generator when not given.
            labels: an int (that class, `count` times) or `N` ints, one per image.
            seed: an int for repeatable noise.
            batch_size: images generated per call.

        Returns:
            `(N, 28, 28, 1)` float32 images in [-1, 1].
        """
        if labels is None:
            raise ValueError(
                "a ConditionalGAN needs labels=: which class to draw, e.g. labels=[7] * 10."
            )
        labels = np.asarray(labels, dtype="int32")
        if labels.ndim == 0:
            count = len(noise) if noise is not None else (1 if count is None else int(count))
            labels = np.full((count,), int(labels), dtype="int32")
        if labels.size and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(
                f"labels must lie in 0..{self.num_classes - 1}, got {labels.min()}..{labels.max()}."
            )
        noise = self._noise(len(labels), noise, seed)
        if len(noise) != len(labels):
            raise ValueError(
                f"got {len(noise)} noise vectors but {len(labels)} labels; give one label per image."
            )
        return _in_batches(
            lambda start, stop: self([noise[start:stop], labels[start:stop]], training=False),
            len(labels),
            batch_size,
        )

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


def build_conditional_encoder(
    latent_dim=2,
    num_classes=NUM_CLASSES,
    embedding_dim=16,
    filters=(32, 64),
    name="conditional_encoder",
):
    """Builds a conditional VAE encoder: `[image, label]` -> `[z_mean, z_log_var]`.

    Lesson 05's encoder with the label as a second image channel. Shapes: images `(N, 28, 28, 1)` in [0, 1]
    and labels `(N,)` → label channel joined to the image `(N, 28, 28, 2)` → two stride-2 convolutions →
    `(N, 7, 7, filters[-1])` → flatten → two dense heads of `(N, latent_dim)`.

    Args:
        latent_dim: size of the latent code (the "style": the class is given separately).
        num_classes: number of classes.
        embedding_dim: length of the learnt label embedding.
        filters: channels of the two convolutions.
        name: the model's name.

    Returns:
        A functional `keras.Model` from `[images, labels]` to `[z_mean, z_log_var]`.
    """
    images = keras.Input(shape=IMAGE_SHAPE, name="images")
    labels = keras.Input(shape=(), dtype="int32", name="labels")
    x = layers.Concatenate(name="image_and_label")(
        [images, label_as_channel(labels, num_classes, embedding_dim)]
    )
    for index, count in enumerate(filters, start=1):
        x = layers.Conv2D(
            count, 3, strides=2, padding="same", activation="relu", name=f"conv{index}"
        )(x)
    assert tuple(x.shape[1:]) == (7, 7, filters[-1]), x.shape
    x = layers.Flatten(name="flatten")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    return keras.Model([images, labels], [z_mean, z_log_var], name=name)


def build_conditional_decoder(
    latent_dim=2,
    num_classes=NUM_CLASSES,
    embedding_dim=16,
    filters=(64, 32),
    name="conditional_decoder",
):
    """Builds a conditional VAE decoder: `[z, label]` -> pixel logits.

    Lesson 05's decoder with the label's embedding joined to the latent code. Shapes: codes `(N, latent_dim)` and labels `(N,)` → the label's embedding joined to the code →
    Dense → `(N, 7, 7, filters[0])` → two ×2 transposed convolutions → `(N, 28, 28, 1)` logits.

    Args:
        latent_dim: size of the latent code.
        num_classes: number of classes.
        embedding_dim: length of the learnt label embedding.
        filters: channels at 7×7 and at 14×14.
        name: the model's name.

    Returns:
        A functional `keras.Model` from `[(N, latent_dim) codes, (N,) labels]` to `(N, 28, 28, 1)` logits
        (apply a sigmoid for pixel probabilities).
    """
    codes = keras.Input(shape=(latent_dim,), name="codes")
    labels = keras.Input(shape=(), dtype="int32", name="labels")
    embedding = layers.Embedding(num_classes, embedding_dim, name="label_embedding")(labels)
    x = layers.Concatenate(name="code_and_label")([codes, embedding])
    x = layers.Dense(7 * 7 * filters[0], activation="relu", name="project")(x)
    x = layers.Reshape((7, 7, filters[0]), name="to_feature_maps")(x)
    x = layers.Conv2DTranspose(
        filters[1], 3, strides=2, padding="same", activation="relu", name="up1"
    )(x)
    x = layers.Conv2DTranspose(
        filters[1], 3, strides=2, padding="same", activation="relu", name="up2"
    )(x)
    logits = layers.Conv2D(1, 3, padding="same", name="logits")(x)
    model = keras.Model([codes, labels], logits, name=name)
    assert model.output_shape == (None, *IMAGE_SHAPE), model.output_shape
    return model


@keras.saving.register_keras_serializable(package="course_lib")
class ConditionalVAE(VAE):
    """A VAE whose encoder and decoder both see the class label: it learns `p(image | label)`.

    `fit` takes `(images, labels)` batches with images in [0, 1]; the loss is lesson 05's negative ELBO,
    now conditioned on the label. Because the label carries the class, the latent code is free to hold
    the *style* (slant, thickness), and `generate(labels=...)` draws any class in any style.

    Args:
        encoder: a model from `[images, labels]` to `[z_mean, z_log_var]`.
        decoder: a model from `[codes, labels]` to pixel logits.
        num_classes: number of classes.
        **kwargs: `beta`, `seed` and the rest, as for `VAE`.
    """

    def __init__(self, encoder, decoder, num_classes=NUM_CLASSES, beta=1.0, seed=None, **kwargs):
        # VAE.__init__ reads the latent size from a one-input decoder; this decoder has two inputs,
        # so the same attributes are set here.
        keras.Model.__init__(self, **kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.num_classes = int(num_classes)
        self.beta = float(beta)
        self.seed = seed
        self.latent_dim = int(decoder.input_shape[0][-1])
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.kl_weight = keras.Variable(self.beta, trainable=False, name="kl_weight")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        self.total_loss_tracker = keras.metrics.Mean(name="loss")
        self.built = True  # the encoder and decoder arrive built

    def call(self, inputs, training=False):
        images, labels = inputs
        z_mean, _ = self.encoder([images, labels], training=training)
        return ops.sigmoid(self.decoder([z_mean, labels], training=training))

    def compute_losses(self, images, labels=None, training=False):
        """Returns the batch means of the reconstruction loss, the KL term and the training objective."""
        labels = ops.cast(labels, "int32")
        z_mean, z_log_var = self.encoder([images, labels], training=training)
        codes = reparameterize(z_mean, z_log_var, seed=self.seed_generator)
        logits = self.decoder([codes, labels], training=training)
        reconstruction_loss = ops.mean(bernoulli_reconstruction_loss(images, logits))
        kl_loss = ops.mean(gaussian_kl_divergence(z_mean, z_log_var))
        total_loss = reconstruction_loss + ops.cast(self.kl_weight, kl_loss.dtype) * kl_loss
        return reconstruction_loss, kl_loss, total_loss

    def train_step(self, data):
        import tensorflow as tf

        images, labels = _images_and_labels(data)
        with tf.GradientTape() as tape:
            reconstruction_loss, kl_loss, total_loss = self.compute_losses(
                images, labels, training=True
            )
        gradients = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights, strict=True))
        return self._update_metrics(images, reconstruction_loss, kl_loss, total_loss)

    def test_step(self, data):
        images, labels = _images_and_labels(data)
        reconstruction_loss, kl_loss, total_loss = self.compute_losses(
            images, labels, training=False
        )
        return self._update_metrics(images, reconstruction_loss, kl_loss, total_loss)

    def decode(self, latent_points, labels, training=False):
        """Returns pixel probabilities `(N, 28, 28, 1)` for latent points `(N, latent_dim)` and labels `(N,)`."""
        latent_points = ops.convert_to_tensor(latent_points, "float32")
        labels = ops.convert_to_tensor(labels, "int32")
        return ops.sigmoid(self.decoder([latent_points, labels], training=training))

    def generate(self, count=None, noise=None, labels=None, seed=None):
        """Generates images of the requested classes: latent codes from the prior, decoded with each label.

        Args:
            count: how many images when `labels` is a single int.
            noise: `(N, latent_dim)` latent codes (the styles); drawn from N(0, I) when not given.
            labels: an int or `N` ints.
            seed: an int for repeatable codes.

        Returns:
            `(N, 28, 28, 1)` float32 pixel probabilities in [0, 1].
        """
        if labels is None:
            raise ValueError(
                "a ConditionalVAE needs labels=: which class to draw, e.g. labels=[7] * 10."
            )
        labels = np.asarray(labels, dtype="int32")
        if labels.ndim == 0:
            count = len(noise) if noise is not None else (1 if count is None else int(count))
            labels = np.full((count,), int(labels), dtype="int32")
        if noise is None:
            noise = keras.random.normal(
                (len(labels), self.latent_dim), seed=self.seed_generator if seed is None else seed
            )
        return ops.convert_to_numpy(self.decode(noise, labels)).astype("float32")

    def sample(self, count, seed=None, labels=None):
        """Draws `count` images of class `labels` (an int or `count` ints); see `generate`."""
        return self.generate(count=count, labels=labels, seed=seed)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


def _images_and_labels(data):
    if not isinstance(data, tuple) or len(data) < 2:
        raise ValueError("a ConditionalVAE trains on (images, labels) batches: pass both to fit.")
    return data[0], data[1]


# The conditional GAN recipe of lesson 08: the DCGAN recipe of lesson 07 plus a 16-number label embedding.
MNIST_CONDITIONAL_RECIPE = {
    "latent_dim": 64,
    "embedding_dim": 16,
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
    "epochs": 10,
}


def build_conditional_networks(recipe, num_classes=NUM_CLASSES):
    """Builds the conditional generator and discriminator of a recipe like `MNIST_CONDITIONAL_RECIPE`.

    Args:
        recipe: a dict with `latent_dim`, `embedding_dim`, `generator_filters`, `discriminator_filters`,
            `kernel_size` and `dropout`.
        num_classes: number of classes (rows of both label embeddings).

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s.
    """
    generator = build_conditional_generator(
        recipe["latent_dim"],
        num_classes=num_classes,
        embedding_dim=recipe["embedding_dim"],
        filters=recipe["generator_filters"],
        kernel_size=recipe["kernel_size"],
    )
    discriminator = build_conditional_discriminator(
        num_classes=num_classes,
        embedding_dim=recipe["embedding_dim"],
        filters=recipe["discriminator_filters"],
        kernel_size=recipe["kernel_size"],
        dropout=recipe["dropout"],
    )
    return generator, discriminator


def build_mnist_conditional_gan(recipe=None, seed=None, **changes):
    """Builds and compiles the conditional GAN of a recipe (default `MNIST_CONDITIONAL_RECIPE`).

    Args:
        recipe: a dict like `MNIST_CONDITIONAL_RECIPE`.
        seed: seed of the GAN's noise generator.
        **changes: recipe entries to override.

    Returns:
        A compiled `ConditionalGAN`, ready for `fit` on `(images, labels)` batches.
    """
    recipe = {**(MNIST_CONDITIONAL_RECIPE if recipe is None else recipe), **changes}
    unknown = sorted(set(recipe) - set(MNIST_CONDITIONAL_RECIPE))
    if unknown:
        raise ValueError(
            f"unknown recipe entries {unknown}; a recipe has {sorted(MNIST_CONDITIONAL_RECIPE)}."
        )
    generator, discriminator = build_conditional_networks(recipe)
    gan = ConditionalGAN(
        generator,
        discriminator,
        real_label=recipe["real_label"],
        ema_decay=recipe["ema_decay"],
        seed=seed,
    )
    return compile_from_recipe(gan, recipe)

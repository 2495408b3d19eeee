"""The variational autoencoder of lesson 05: a `Sampling` layer, the `VAE` model and its builders.

The encoder maps an image to the mean and log-variance of a Gaussian over the latent space; the decoder
maps a latent point to one Bernoulli logit per pixel. Training maximises the evidence lower bound (ELBO):

    ELBO(x) = E_q(z|x)[log p(x|z)] - KL(q(z|x) || N(0, I))

The model minimises `reconstruction_loss + beta * kl_loss`, both in nats per image (summed over the
784 pixels and the latent dimensions, averaged over the batch).
"""

import math

import keras
from keras import layers, ops

IMAGE_SHAPE = (28, 28, 1)


def reparameterize(z_mean, z_log_var, seed=None):
    """Draws `z = mean + sigma * epsilon` with `epsilon ~ N(0, I)`: the reparameterisation trick.

    Args:
        z_mean: `(batch, latent_dim)` means.
        z_log_var: `(batch, latent_dim)` log-variances, `log sigma^2`.
        seed: a `keras.random.SeedGenerator` (or an int) for the noise.

    Returns:
        `(batch, latent_dim)` samples, differentiable with respect to `z_mean` and `z_log_var`.
    """
    epsilon = keras.random.normal(ops.shape(z_mean), dtype=z_mean.dtype, seed=seed)
    return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def gaussian_kl_divergence(z_mean, z_log_var):
    """KL(N(mean, sigma^2) || N(0, 1)) in closed form, summed over the latent dimensions.

    Args:
        z_mean: `(batch, latent_dim)` means.
        z_log_var: `(batch, latent_dim)` log-variances.

    Returns:
        `(batch,)` KL divergences in nats.
    """
    return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)


def bernoulli_reconstruction_loss(images, logits):
    """Negative Bernoulli log-likelihood of the pixels, summed over each image.

    The pixels may be grey levels in [0, 1] (the convention of the PyTorch and keras.io VAE examples)
    or binarised 0/1 values.

    Args:
        images: `(batch, 28, 28, 1)` pixels in [0, 1].
        logits: `(batch, 28, 28, 1)` decoder outputs before the sigmoid.

    Returns:
        `(batch,)` reconstruction losses in nats.
    """
    per_pixel = ops.binary_crossentropy(images, logits, from_logits=True)
    return ops.sum(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)


@keras.saving.register_keras_serializable(package="course_lib")
class Sampling(layers.Layer):
    """Samples `z ~ N(z_mean, exp(z_log_var))` with the reparameterisation trick.

    Call it on `[z_mean, z_log_var]`, both `(batch, latent_dim)`; it returns `(batch, latent_dim)`.

    Args:
        seed: seed of the layer's own `keras.random.SeedGenerator`, so a seed reproduces the noise.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        return reparameterize(z_mean, z_log_var, seed=self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="course_lib")
class VAE(keras.Model):
    """A variational autoencoder with its own training step.

    `fit` minimises `reconstruction_loss + beta * kl_loss` and reports the three as metrics; `evaluate`
    reports them on held-out data, and `evaluate_negative_elbo` turns them into the negative ELBO.
    Calling the model reconstructs images through the latent mean (no noise), so its output is repeatable.

    Args:
        encoder: a model from `(batch, 28, 28, 1)` images to `[z_mean, z_log_var]`, each `(batch, latent_dim)`.
        decoder: a model from `(batch, latent_dim)` latent points to `(batch, 28, 28, 1)` pixel logits.
        beta: weight of the KL term; 1 gives the ELBO, more than 1 a smoother, blurrier latent space.
        seed: seed of the model's `keras.random.SeedGenerator`, the source of the sampling noise.
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.seed = seed
        self.latent_dim = int(decoder.input_shape[-1])
        self.seed_generator = keras.random.SeedGenerator(seed)
        # The KL weight lives in a variable so a warm-up callback can change it during training.
        self.kl_weight = keras.Variable(self.beta, trainable=False, name="kl_weight")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        self.total_loss_tracker = keras.metrics.Mean(name="loss")
        self.built = True  # the encoder and decoder arrive built

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, images, training=False):
        z_mean, _ = self.encoder(images, training=training)
        return ops.sigmoid(self.decoder(z_mean, training=training))

    def encode(self, images, training=False):
        """Returns `(z_mean, z_log_var)` for `(batch, 28, 28, 1)` images."""
        z_mean, z_log_var = self.encoder(images, training=training)
        return z_mean, z_log_var

    def decode(self, latent_points, training=False):
        """Returns the pixel probabilities `(batch, 28, 28, 1)` for `(batch, latent_dim)` latent points."""
        return ops.sigmoid(self.decoder(latent_points, training=training))

    def sample(self, count, seed=None):
        """Decodes `count` latent points drawn from the prior N(0, I): brand-new images.

        Args:
            count: how many images.
            seed: an int for repeatable samples; defaults to the model's own seed generator.

        Returns:
            `(count, 28, 28, 1)` pixel probabilities.
        """
        seed = self.seed_generator if seed is None else seed
        return self.decode(keras.random.normal((count, self.latent_dim), seed=seed))

    def compute_losses(self, images, training=False):
        """Returns the batch means of the reconstruction loss, the KL term and the training objective.

        Args:
            images: `(batch, 28, 28, 1)` pixels in [0, 1].
            training: passed to the encoder and decoder.

        Returns:
            `(reconstruction_loss, kl_loss, total_loss)` scalars, in nats per image.
        """
        z_mean, z_log_var = self.encoder(images, training=training)
        z = reparameterize(z_mean, z_log_var, seed=self.seed_generator)
        logits = self.decoder(z, training=training)
        reconstruction_loss = ops.mean(bernoulli_reconstruction_loss(images, logits))
        kl_loss = ops.mean(gaussian_kl_divergence(z_mean, z_log_var))
        total_loss = reconstruction_loss + ops.cast(self.kl_weight, kl_loss.dtype) * kl_loss
        return reconstruction_loss, kl_loss, total_loss

    def _update_metrics(self, images, reconstruction_loss, kl_loss, total_loss):
        # Weighting by the batch size makes the epoch means exact even when the last batch is smaller.
        batch_size = ops.cast(ops.shape(images)[0], "float32")
        self.reconstruction_loss_tracker.update_state(reconstruction_loss, sample_weight=batch_size)
        self.kl_loss_tracker.update_state(kl_loss, sample_weight=batch_size)
        self.total_loss_tracker.update_state(total_loss, sample_weight=batch_size)
        return {metric.name: metric.result() for metric in self.metrics}

    def train_step(self, data):
        import tensorflow as tf

        images = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            reconstruction_loss, kl_loss, total_loss = self.compute_losses(images, training=True)
        gradients = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights, strict=True))
        return self._update_metrics(images, reconstruction_loss, kl_loss, total_loss)

    def test_step(self, data):
        images = data[0] if isinstance(data, tuple) else data
        reconstruction_loss, kl_loss, total_loss = self.compute_losses(images, training=False)
        return self._update_metrics(images, reconstruction_loss, kl_loss, total_loss)

    def evaluate_negative_elbo(self, images, batch_size=500, samples=1):
        """Estimates the negative ELBO on held-out images, in nats per image (lower is better).

        Each estimate draws one latent sample per image (the usual single-sample estimate); `samples`
        greater than 1 averages several such estimates, which lowers the noise but not the bound.
        The KL weight `beta` is ignored: the ELBO always weighs the KL term by 1.

        Args:
            images: `(N, 28, 28, 1)` pixels in [0, 1], or a `tf.data.Dataset` of such batches.
            batch_size: images per evaluation batch (ignored for a data set).
            samples: how many single-sample estimates to average.

        Returns:
            A dict with `negative_elbo`, `reconstruction_loss` and `kl_loss`, floats in nats per image.
        """
        if not self.compiled:
            self.compile(optimizer=keras.optimizers.Adam())
        options = {} if hasattr(images, "element_spec") else {"batch_size": batch_size}
        totals = {"reconstruction_loss": 0.0, "kl_loss": 0.0}
        for _ in range(samples):
            results = self.evaluate(images, verbose=0, return_dict=True, **options)
            for name in totals:
                totals[name] += float(results[name]) / samples
        totals["negative_elbo"] = totals["reconstruction_loss"] + totals["kl_loss"]
        return totals

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        return cls(**config)


def _as_widths(hidden_units):
    """`0` or `None` -> no layer, `256` -> one layer, `(512, 256)` -> several (encoder order)."""
    if not hidden_units:
        return []
    return (
        [int(hidden_units)]
        if isinstance(hidden_units, int)
        else [int(units) for units in hidden_units]
    )


def build_vae_encoder(latent_dim=2, filters=(32, 64), hidden_units=0, dense_activation="relu"):
    """Builds the VAE encoder: two strided convolutions (28 -> 14 -> 7), an optional dense layer, two dense heads.

    Args:
        latent_dim: size of the latent space.
        filters: channels of the two convolutions.
        hidden_units: width of a dense layer before the heads, or a list of widths for several
            (0 for none). Dense layers next to the latent space help a lot: squeezing a digit into a few
            numbers, and unfolding it again, takes a strongly non-linear map.
        dense_activation: the dense layers' activation, `"relu"` or a smooth one such as `"swish"`
            (`x * sigmoid(x)`); the convolutions use ReLU.

    Returns:
        A `keras.Model` from `(batch, 28, 28, 1)` images to `[z_mean, z_log_var]`, each `(batch, latent_dim)`.
    """
    images = keras.Input(IMAGE_SHAPE, name="images")
    x = layers.Conv2D(filters[0], 3, strides=2, padding="same", activation="relu")(images)
    x = layers.Conv2D(filters[1], 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    for units in _as_widths(hidden_units):
        x = layers.Dense(units, activation=dense_activation)(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    encoder = keras.Model(images, [z_mean, z_log_var], name="vae_encoder")
    assert encoder.output_shape == [(None, latent_dim), (None, latent_dim)], encoder.output_shape
    return encoder


def build_vae_decoder(latent_dim=2, filters=(32, 64), hidden_units=0, dense_activation="relu"):
    """Builds the VAE decoder: dense layers to 7x7 feature maps, then two transposed convolutions up to 28x28.

    Args:
        latent_dim: size of the latent space.
        filters: channels of the encoder's convolutions: the 7x7 maps get `filters[1]` channels, the two
            transposed convolutions `filters[0]` each.
        hidden_units: width of a dense layer before the one that makes the 7x7 maps, or a list of
            widths in the encoder's order (the decoder uses them in reverse); 0 for none.
        dense_activation: the dense layers' activation, `"relu"` or `"swish"`; the transposed
            convolutions use ReLU.

    Returns:
        A `keras.Model` from `(batch, latent_dim)` latent points to `(batch, 28, 28, 1)` pixel logits
        (apply a sigmoid for probabilities, as `VAE.decode` does).
    """
    latent_points = keras.Input((latent_dim,), name="latent_points")
    x = latent_points
    for units in reversed(_as_widths(hidden_units)):
        x = layers.Dense(units, activation=dense_activation)(x)
    x = layers.Dense(7 * 7 * filters[1], activation=dense_activation)(x)
    x = layers.Reshape((7, 7, filters[1]))(x)
    x = layers.Conv2DTranspose(filters[0], 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(filters[0], 3, strides=2, padding="same", activation="relu")(x)
    logits = layers.Conv2D(1, 3, padding="same", name="logits")(x)
    decoder = keras.Model(latent_points, logits, name="vae_decoder")
    assert decoder.output_shape == (None, *IMAGE_SHAPE), decoder.output_shape
    return decoder


def build_vae(
    latent_dim=2, filters=(32, 64), hidden_units=0, beta=1.0, seed=None, dense_activation="relu"
):
    """Builds an (uncompiled) `VAE` from `build_vae_encoder` and `build_vae_decoder`.

    Args:
        latent_dim: size of the latent space (2 to draw it, 16 to 32 for better images).
        filters: channels of the encoder's convolutions, mirrored in the decoder.
        hidden_units: width of the dense layer next to the latent space in both networks (0 for none).
        beta: weight of the KL term.
        seed: seed of the model's noise.
        dense_activation: the activation of the dense layers in both networks, `"relu"` or `"swish"`.

    Returns:
        A `VAE` mapping `(batch, 28, 28, 1)` images in [0, 1] to reconstructions of the same shape.
    """
    encoder = build_vae_encoder(latent_dim, filters, hidden_units, dense_activation)
    decoder = build_vae_decoder(latent_dim, filters, hidden_units, dense_activation)
    return VAE(encoder, decoder, beta=beta, seed=seed, name=f"vae_latent{latent_dim}")


class KLWarmup(keras.callbacks.Callback):
    """Raises a VAE's KL weight linearly from 0 to its `beta` over the first epochs (KL annealing).

    Early in training the KL term can pull every code onto the prior before the decoder has learnt
    to use it; starting with a small weight lets the reconstruction term shape the latent space first.

    Args:
        epochs: how many epochs the warm-up lasts.
    """

    def __init__(self, epochs):
        super().__init__()
        self.epochs = int(epochs)

    def on_epoch_begin(self, epoch, logs=None):
        fraction = min(1.0, (epoch + 1) / (self.epochs + 1)) if self.epochs > 0 else 1.0
        self.model.kl_weight.assign(self.model.beta * fraction)

    def on_train_end(self, logs=None):
        self.model.kl_weight.assign(self.model.beta)


# The MNIST VAEs that later lessons reuse: lesson 10 measures them, lesson 11 explores their latent spaces.
# 2: dense layers of 512 units; 3: batch 64, 16 epochs, EMA; 4: swish dense layers, 14 epochs.
CACHE_VERSION = 4
LARGE_LATENT_DIM = 32  # the latent size of the VAE with better images


def mnist_vae_recipe(latent_dim):
    """Returns the training recipe of the course's MNIST VAE with `latent_dim` latent dimensions, in this mode.

    Full mode trains on all 60,000 training images; smoke mode on 2,000 for one epoch. The 2-D VAE: batch 128,
    Adam with a one-epoch warm-up to 3e-3, then cosine decay to 5 % of it, for 10 epochs, with dense layers of
    256 units (two latent dimensions need little capacity). The larger VAE was tuned for a 2-core laptop CPU
    (see `benchmarks/bench_vae.py` and RESULTS.md): batch 64, a one-epoch warm-up to 2e-3, then cosine decay,
    for 14 epochs, dense layers of 512 units with the smooth swish activation (about 0.7 nats better than ReLU
    at equal epochs, at the same cost), and a moving average of the weights (`ema_momentum` 0.999: Keras'
    optimizer keeps it and writes it into the model when `fit` ends), worth about 0.7 nats more.

    Returns:
        A dict with `epochs`, `train_size`, `batch_size`, `learning_rate`, `schedule` (`"constant"` or
        `"cosine"`), `warmup_epochs` (learning-rate warm-up), `kl_warmup_epochs`, `ema_momentum`, `filters`,
        `hidden_units`, `dense_activation` and `steps_per_execution`.
    """
    from course_lib.config import pick

    if latent_dim <= 2:
        return {
            "epochs": pick(full=10, smoke=1),
            "train_size": pick(full=60_000, smoke=2_000),
            "batch_size": 128,
            "learning_rate": 3e-3,
            "schedule": "cosine",
            "warmup_epochs": 1,
            "kl_warmup_epochs": 0,
            "ema_momentum": 0,
            "filters": [16, 32],
            "hidden_units": 256,
            "dense_activation": "relu",
            "steps_per_execution": 10,
        }
    return {
        "epochs": pick(full=14, smoke=1),
        "train_size": pick(full=60_000, smoke=2_000),
        "batch_size": 64,
        "learning_rate": 2e-3,
        "schedule": "cosine",
        "warmup_epochs": 1,
        "kl_warmup_epochs": 0,
        "ema_momentum": 0.999,
        "filters": [16, 32],
        "hidden_units": 512,
        "dense_activation": "swish",
        "steps_per_execution": 10,
    }


def train_mnist_vae(latent_dim=2, verbose=0, callbacks=(), **overrides):
    """Builds and trains a VAE on MNIST from scratch (no cache), then measures it on the 10,000 test images.

    Args:
        latent_dim: size of the latent space.
        verbose: Keras' `fit` verbosity (0 silent, 2 one line per epoch).
        callbacks: extra Keras callbacks for `fit` (the benchmark times epochs with one).
        **overrides: recipe entries to change (see `mnist_vae_recipe`), e.g. `epochs=3`.

    Returns:
        `(vae, info)`: the trained, compiled `VAE` and a JSON-friendly dict with the recipe, `fit_seconds`,
        the per-epoch `history` and the test-set `test_negative_elbo`, `test_reconstruction_loss` and
        `test_kl_loss` (single-sample estimates, nats per image).
    """
    import time

    from course_lib import config, data

    recipe = dict(mnist_vae_recipe(latent_dim))
    unknown = set(overrides) - set(recipe)
    if unknown:
        raise ValueError(
            f"unknown recipe entries {sorted(unknown)}; the recipe has {sorted(recipe)}."
        )
    recipe.update(overrides)
    (x_train, y_train), (x_test, y_test) = data.load_dataset("mnist")
    if recipe["train_size"] < len(x_train):
        x_train, y_train = data.take_subset(x_train, y_train, size=recipe["train_size"])
    if config.is_smoke():
        x_test, y_test = data.take_subset(x_test, y_test, size=1_000)
    train_images = data.make_dataset(data.scale_images(x_train), batch_size=recipe["batch_size"])
    x_test = data.scale_images(x_test)

    config.set_seed()
    vae = build_vae(
        latent_dim,
        filters=recipe["filters"],
        hidden_units=recipe["hidden_units"],
        seed=config.seed(),
        dense_activation=recipe["dense_activation"],
    )
    steps_per_epoch = int(math.ceil(len(x_train) / recipe["batch_size"]))
    optimizer = keras.optimizers.Adam(
        _learning_rate_schedule(recipe, steps_per_epoch),
        use_ema=bool(recipe["ema_momentum"]),
        ema_momentum=recipe["ema_momentum"] or 0.99,
    )
    # Several training steps per call into TensorFlow: less Python overhead per step (see lesson 07).
    vae.compile(optimizer=optimizer, steps_per_execution=recipe["steps_per_execution"])
    if recipe["kl_warmup_epochs"]:
        callbacks = [*callbacks, KLWarmup(recipe["kl_warmup_epochs"])]
    start = time.perf_counter()
    # shuffle=False only tells Keras not to warn: the pipeline itself reshuffles every epoch.
    history = vae.fit(
        train_images, epochs=recipe["epochs"], shuffle=False, verbose=verbose, callbacks=callbacks
    )
    fit_seconds = time.perf_counter() - start
    test = vae.evaluate_negative_elbo(x_test)
    info = {
        "latent_dim": latent_dim,
        **recipe,
        "train_size": len(x_train),
        "test_size": len(x_test),
        "fit_seconds": round(fit_seconds, 1),
        "test_negative_elbo": round(test["negative_elbo"], 2),
        "test_reconstruction_loss": round(test["reconstruction_loss"], 2),
        "test_kl_loss": round(test["kl_loss"], 2),
        "history": {
            name: [round(float(v), 3) for v in values] for name, values in history.history.items()
        },
    }
    return vae, info


def _learning_rate_schedule(recipe, steps_per_epoch):
    """A constant learning rate, or a linear warm-up followed by cosine decay to 5 % of the peak."""
    peak = recipe["learning_rate"]
    if recipe["schedule"] == "constant":
        return peak
    if recipe["schedule"] != "cosine":
        raise ValueError(f"schedule must be 'constant' or 'cosine', got {recipe['schedule']!r}.")
    warmup_steps = recipe["warmup_epochs"] * steps_per_epoch
    decay_steps = max(recipe["epochs"] * steps_per_epoch - warmup_steps, 1)
    if not warmup_steps:
        return keras.optimizers.schedules.CosineDecay(peak, decay_steps, alpha=0.05)
    return keras.optimizers.schedules.CosineDecay(
        peak / 10, decay_steps, alpha=0.05, warmup_target=peak, warmup_steps=warmup_steps
    )


def load_or_train_mnist_vae(latent_dim=2, verbose=True):
    """Returns the course's trained MNIST VAE, training and caching it on first use.

    The first call trains it (`train_mnist_vae`, a few minutes in full mode) and saves it in the course cache
    (`course_lib.training.train_or_load`); later calls, in any lesson, load it in a second.
    Set `COURSE_RETRAIN=1` to train again.

    Args:
        latent_dim: 2 for the VAE whose latent space can be drawn, 32 for the one with better images.
        verbose: print whether the model was trained or loaded, and the training progress.

    Returns:
        `(vae, info)`: the `VAE` and its info dict (recipe, test negative ELBO, training seconds, `loaded`).
    """
    from course_lib import training

    return training.train_or_load(
        f"vae_mnist_latent{latent_dim}",
        lambda: train_mnist_vae(latent_dim, verbose=2 if verbose else 0),
        version=CACHE_VERSION,
        verbose=verbose,
    )

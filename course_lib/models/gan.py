"""The generative adversarial network of lesson 06: its two losses and a `GAN` model with its own training step.

A generator `G` turns noise `z ~ N(0, I)` into images; a discriminator `D` outputs one logit per image, its
belief that the image is real. Training alternates two gradient steps on every batch:

    discriminator: minimise  -log D(x) - log(1 - D(G(z)))     (a cross-entropy: real -> 1, fake -> 0)
    generator:     minimise  -log D(G(z))                      (the non-saturating generator loss)

Every loss works on logits, so it is computed with `softplus` and never takes the log of 0.
"""

import keras
from keras import ops


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    """The discriminator's cross-entropy: real images should score 1, generated images 0.

    `-log sigmoid(l) = softplus(-l)` and `-log(1 - sigmoid(l)) = softplus(l)`, so the loss is computed
    from logits without ever taking the log of 0.

    Args:
        real_logits: `(batch, 1)` discriminator logits of real images.
        fake_logits: `(batch, 1)` discriminator logits of generated images.
        real_label: the target for real images; 0.9 gives one-sided label smoothing.

    Returns:
        A scalar: the mean loss on real images plus the mean loss on generated ones.
    """
    real_loss = real_label * ops.softplus(-real_logits) + (1.0 - real_label) * ops.softplus(
        real_logits
    )
    fake_loss = ops.softplus(fake_logits)
    return ops.mean(real_loss) + ops.mean(fake_loss)


def generator_loss(fake_logits):
    """The non-saturating generator loss, `-log D(G(z))`: generated images should score 1.

    Args:
        fake_logits: `(batch, 1)` discriminator logits of generated images.

    Returns:
        A scalar, the batch mean of `softplus(-logit)`.
    """
    return ops.mean(ops.softplus(-fake_logits))


def saturating_generator_loss(fake_logits):
    """The original minimax generator loss, `log(1 - D(G(z)))`, minimised by the generator.

    Shown in lesson 06 to explain why it is *not* used: when the discriminator confidently rejects the
    fakes (early in training), its gradient vanishes.

    Args:
        fake_logits: `(batch, 1)` discriminator logits of generated images.

    Returns:
        A scalar, the batch mean of `-softplus(logit)`.
    """
    return -ops.mean(ops.softplus(fake_logits))


@keras.saving.register_keras_serializable(package="course_lib")
class GAN(keras.Model):
    """A GAN whose `fit` trains the discriminator and the generator in turn on every batch.

    `fit` takes a data set of real images (or of `(images, labels)`, labels ignored) scaled to [-1, 1] and
    reports `d_loss`, `g_loss`, and the discriminator's mean probability of "real" on real images
    (`real_score`) and on generated ones (`fake_score`). Calling the model on noise generates images.

    Args:
        generator: a model from `(batch, latent_dim)` noise to `(batch, 28, 28, 1)` images in [-1, 1].
        discriminator: a model from `(batch, 28, 28, 1)` images to `(batch, 1)` logits.
        real_label: target for real images in the discriminator loss (0.9: one-sided label smoothing).
        ema_decay: if given (e.g. 0.999), keeps `ema_generator`, an exponential moving average of the
            generator's weights, which gives smoother, better samples than the generator itself.
        seed: seed of the model's `keras.random.SeedGenerator`, the source of the training noise.
    """

    def __init__(
        self,
        generator,
        discriminator,
        real_label=1.0,
        ema_decay=None,
        seed=None,
        r1_weight=0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.r1_weight = float(r1_weight)
        self.generator = generator
        self.discriminator = discriminator
        self.real_label = float(real_label)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        self.seed = seed
        self.latent_dim = _latent_dim(generator)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.ema_generator = None
        if self.ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_generator.trainable = False
            self.ema_updates = keras.Variable(0.0, trainable=False, name="ema_updates")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_score_tracker = keras.metrics.Mean(name="real_score")
        self.fake_score_tracker = keras.metrics.Mean(name="fake_score")
        self.built = True  # the generator and discriminator arrive built

    @property
    def metrics(self):
        return [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.real_score_tracker,
            self.fake_score_tracker,
        ]

    def compile(self, discriminator_optimizer=None, generator_optimizer=None, **kwargs):
        """Sets the two optimisers; the default is Adam(2e-4, beta_1=0.5) for both, as in the DCGAN paper.

        Args:
            discriminator_optimizer: optimiser (or its name) for the discriminator's weights.
            generator_optimizer: optimiser (or its name) for the generator's weights.
            **kwargs: passed on to `keras.Model.compile` (e.g. `jit_compile`).
        """
        kwargs.pop("optimizer", None)  # what `compile_from_config` of the base class would pass
        super().compile(**kwargs)
        default = {"learning_rate": 2e-4, "beta_1": 0.5}
        self.discriminator_optimizer = _optimizer(discriminator_optimizer, default)
        self.generator_optimizer = _optimizer(generator_optimizer, default)

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {
            "discriminator_optimizer": keras.optimizers.serialize(self.discriminator_optimizer),
            "generator_optimizer": keras.optimizers.serialize(self.generator_optimizer),
        }

    def compile_from_config(self, config):
        self.compile(
            discriminator_optimizer=keras.optimizers.deserialize(config["discriminator_optimizer"]),
            generator_optimizer=keras.optimizers.deserialize(config["generator_optimizer"]),
        )
        # Create the optimisers' variables now, so a saved model's optimiser state loads into them.
        self.discriminator_optimizer.build(self.discriminator.trainable_variables)
        self.generator_optimizer.build(self.generator.trainable_variables)

    def call(self, noise, training=False):
        return self.sampling_generator(noise, training=training)

    @property
    def sampling_generator(self):
        """The generator used to draw samples: the moving average when there is one."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def sample_noise(self, count):
        """Draws `(count, latent_dim)` standard-normal noise from the model's seed generator."""
        return keras.random.normal((count, self.latent_dim), seed=self.seed_generator)

    def generate(self, count=None, noise=None, labels=None, seed=None, batch_size=500):
        """Generates images as a NumPy array in [-1, 1].

        Args:
            count: how many images (when `noise` is not given).
            noise: `(N, latent_dim)` noise to decode, e.g. a fixed batch to watch training progress.
            labels: not used by an unconditional GAN; must be `None`.
            seed: an int for repeatable noise; default: the model's own seed generator.
            batch_size: images generated per call.

        Returns:
            `(N, 28, 28, 1)` float32 images in [-1, 1].
        """
        if labels is not None:
            raise ValueError(
                "this GAN is unconditional: it takes no labels. Use ConditionalGAN for labels."
            )
        noise = self._noise(count, noise, seed)
        return _in_batches(
            lambda start, stop: self(noise[start:stop], training=False), len(noise), batch_size
        )

    def _noise(self, count, noise, seed):
        if noise is not None:
            return ops.convert_to_numpy(noise).astype("float32")
        if count is None:
            raise ValueError(
                "give either count= (how many images) or noise= (a (N, latent_dim) array)."
            )
        shape = (int(count), self.latent_dim)
        noise = keras.random.normal(shape, seed=self.seed_generator if seed is None else seed)
        return ops.convert_to_numpy(noise)

    def train_step(self, data):
        import tensorflow as tf

        real_images = data[0] if isinstance(data, tuple) else data
        noise = self.sample_noise(ops.shape(real_images)[0])
        # Both losses come from one forward pass; each tape then differentiates its own network's loss.
        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            fake_images = self.generator(noise, training=True)
            with tf.GradientTape() as penalty_tape:
                penalty_tape.watch(real_images)
                real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            d_loss = discriminator_loss(real_logits, fake_logits, real_label=self.real_label)
            g_loss = generator_loss(fake_logits)
            d_objective = d_loss
            if self.r1_weight:
                # R1: the squared gradient norm of the real images' logits, one gradient image per image.
                gradients = penalty_tape.gradient(real_logits, real_images)
                penalty = ops.mean(ops.sum(ops.square(gradients), axis=[1, 2, 3]))
                d_objective = d_loss + 0.5 * self.r1_weight * penalty
        self._apply(
            discriminator_tape, d_objective, self.discriminator, self.discriminator_optimizer
        )
        self._apply(generator_tape, g_loss, self.generator, self.generator_optimizer)
        self.update_ema()
        return self._update_metrics(d_loss, g_loss, real_logits, fake_logits)

    def _apply(self, tape, loss, network, optimizer):
        weights = network.trainable_weights
        gradients = tape.gradient(loss, weights)
        optimizer.apply_gradients(zip(gradients, weights, strict=True))

    def update_ema(self):
        """Moves every weight of `ema_generator` a step `1 - decay` towards the generator's.

        The decay warms up as `min(ema_decay, (1 + n) / (10 + n))` after `n` updates, so the average
        forgets the random initial weights quickly and follows the generator closely later.
        """
        if self.ema_generator is None:
            return
        self.ema_updates.assign_add(1.0)
        decay = ops.minimum(self.ema_decay, (1.0 + self.ema_updates) / (10.0 + self.ema_updates))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights, strict=True):
            average.assign(decay * average + (1.0 - decay) * weight)

    def _update_metrics(self, d_loss, g_loss, real_logits, fake_logits):
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.real_score_tracker.update_state(ops.mean(ops.sigmoid(real_logits)))
        self.fake_score_tracker.update_state(ops.mean(ops.sigmoid(fake_logits)))
        return {metric.name: metric.result() for metric in self.metrics}

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "real_label": self.real_label,
            "ema_decay": self.ema_decay,
            "seed": self.seed,
            "r1_weight": self.r1_weight,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in ("generator", "discriminator"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


def compile_from_recipe(gan, recipe):
    """Compiles a GAN with a course recipe's two Adam optimisers and its steps per execution.

    Args:
        gan: a `GAN` (or subclass) to compile.
        recipe: a dict with `discriminator_learning_rate`, `generator_learning_rate`, `beta_1` and
            `steps_per_execution`, like `course_lib.models.dcgan.MNIST_RECIPE`.

    Returns:
        The same `gan`, compiled.
    """
    gan.compile(
        discriminator_optimizer=keras.optimizers.Adam(
            recipe["discriminator_learning_rate"], beta_1=recipe["beta_1"]
        ),
        generator_optimizer=keras.optimizers.Adam(
            recipe["generator_learning_rate"], beta_1=recipe["beta_1"]
        ),
        steps_per_execution=recipe["steps_per_execution"],
    )
    return gan


def _latent_dim(generator):
    shapes = generator.input_shape
    noise_shape = shapes[0] if isinstance(shapes, list) else shapes
    return int(noise_shape[-1])


def _optimizer(value, default):
    if value is None:
        return keras.optimizers.Adam(**default)
    return keras.optimizers.get(value)


def _in_batches(generate, count, batch_size):
    import numpy as np

    parts = [
        ops.convert_to_numpy(generate(start, min(start + batch_size, count)))
        for start in range(0, count, batch_size)
    ]
    return np.concatenate(parts, axis=0) if parts else np.zeros((0, 28, 28, 1), "float32")

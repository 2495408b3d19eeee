"""The Wasserstein GAN with gradient penalty, WGAN-GP (lesson 09): its losses, the penalty and the model.

A *critic* `f` replaces the discriminator: it outputs an unbounded score, not a probability. Among
1-Lipschitz functions, `max_f E[f(real)] - E[f(fake)]` is the Wasserstein-1 (earth mover's) distance
between the two image distributions. The gradient penalty keeps the critic close to 1-Lipschitz by pushing
the norm of its gradient towards 1 on points between real and generated images:

    critic:    minimise  E[f(fake)] - E[f(real)] + lambda * E[(||grad f(x_hat)||_2 - 1)^2]
    generator: minimise -E[f(fake)]
"""

import keras
from keras import ops

from course_lib.models.gan import GAN


def critic_loss(real_scores, fake_scores):
    """The critic's loss, `mean(fake_scores) - mean(real_scores)`: the negative Wasserstein estimate."""
    return ops.mean(fake_scores) - ops.mean(real_scores)


def wasserstein_generator_loss(fake_scores):
    """The generator's loss, `-mean(fake_scores)`: raise the critic's score of generated images."""
    return -ops.mean(fake_scores)


def gradient_penalty(critic, real_images, fake_images, alpha=None, seed=None):
    """WGAN-GP's gradient penalty: the mean of `(||grad critic(x_hat)||_2 - 1)^2` over interpolated images.

    Each `x_hat = real + alpha * (fake - real)` lies on the straight line between a real and a generated
    image, with one `alpha ~ U(0, 1)` per image. The critic must give each image a score that depends on that
    image alone (no batch normalisation), so the gradient of the summed scores holds each image's own gradient.

    Args:
        critic: a model from `(N, ...)` images to `(N, 1)` scores.
        real_images: `(N, ...)` real images.
        fake_images: `(N, ...)` generated images, the same shape.
        alpha: optional `(N, 1, 1, 1)` (broadcastable) interpolation weights; drawn uniformly when `None`.
        seed: a `keras.random.SeedGenerator` or int for drawing `alpha`.

    Returns:
        A scalar, differentiable with respect to the critic's weights.
    """
    import tensorflow as tf

    real_images = ops.convert_to_tensor(real_images)
    fake_images = ops.cast(fake_images, real_images.dtype)
    batch_size = ops.shape(real_images)[0]
    if alpha is None:
        alpha_shape = (batch_size,) + (1,) * (len(real_images.shape) - 1)
        alpha = keras.random.uniform(alpha_shape, dtype=real_images.dtype, seed=seed)
    interpolated = real_images + ops.cast(alpha, real_images.dtype) * (fake_images - real_images)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        scores = critic(interpolated, training=True)
    gradients = tape.gradient(scores, interpolated)
    gradients = ops.reshape(gradients, (batch_size, -1))
    # The tiny constant keeps the square root differentiable where a gradient is exactly zero.
    norms = ops.sqrt(ops.sum(ops.square(gradients), axis=1) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))


@keras.saving.register_keras_serializable(package="course_lib")
class WGANGP(GAN):
    """A Wasserstein GAN with gradient penalty: `critic_steps` critic updates per generator update.

    Each batch of `fit` is shared out among the critic steps (step `i` takes every `critic_steps`-th image
    from `i`), so every real image is seen once per epoch, as in the paper's algorithm. `fit` reports
    `critic_loss` (including the penalty), `g_loss`, `wasserstein` (the critic's estimate of the distance,
    `mean(real scores) - mean(fake scores)`, which should fall as the samples improve) and `gradient_penalty`.

    Args:
        generator: a model from `(N, latent_dim)` noise to `(N, 28, 28, 1)` images in [-1, 1].
        critic: a model from `(N, 28, 28, 1)` images to `(N, 1)` unbounded scores, without batch normalisation.
        critic_steps: critic updates per generator update (5 in the paper).
        gradient_penalty_weight: `lambda`, the weight of the penalty (10 in the paper).
        **kwargs: `ema_decay`, `seed` and the rest, as for `GAN`.
    """

    def __init__(self, generator, critic, critic_steps=5, gradient_penalty_weight=10.0, **kwargs):
        kwargs.pop("discriminator", None)
        super().__init__(generator, critic, **kwargs)
        self.critic_steps = int(critic_steps)
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.critic_loss_tracker = keras.metrics.Mean(name="critic_loss")
        self.wasserstein_tracker = keras.metrics.Mean(name="wasserstein")
        self.gradient_penalty_tracker = keras.metrics.Mean(name="gradient_penalty")

    @property
    def critic(self):
        """The critic (stored as `discriminator`, the attribute `GAN` trains)."""
        return self.discriminator

    @property
    def metrics(self):
        return [
            self.critic_loss_tracker,
            self.g_loss_tracker,
            self.wasserstein_tracker,
            self.gradient_penalty_tracker,
        ]

    def compile(
        self,
        critic_optimizer=None,
        generator_optimizer=None,
        discriminator_optimizer=None,
        **kwargs,
    ):
        """Sets the two optimisers; the default is Adam(1e-4, beta_1=0.5, beta_2=0.9) for both.

        Args:
            critic_optimizer: optimiser for the critic (`discriminator_optimizer` is accepted as its alias).
            generator_optimizer: optimiser for the generator.
            **kwargs: passed on to `keras.Model.compile`.
        """
        default = {"learning_rate": 1e-4, "beta_1": 0.5, "beta_2": 0.9}
        critic_optimizer = (
            critic_optimizer if critic_optimizer is not None else discriminator_optimizer
        )
        super().compile(
            discriminator_optimizer=keras.optimizers.Adam(**default)
            if critic_optimizer is None
            else critic_optimizer,
            generator_optimizer=keras.optimizers.Adam(**default)
            if generator_optimizer is None
            else generator_optimizer,
            **kwargs,
        )

    def train_step(self, data):
        import tensorflow as tf

        real_images = data[0] if isinstance(data, tuple) else data
        for step in range(self.critic_steps):
            real_part = real_images[step :: self.critic_steps]
            noise = self.sample_noise(ops.shape(real_part)[0])
            with tf.GradientTape() as tape:
                fake_images = self.generator(noise, training=True)
                real_scores = self.critic(real_part, training=True)
                fake_scores = self.critic(fake_images, training=True)
                penalty = gradient_penalty(
                    self.critic, real_part, fake_images, seed=self.seed_generator
                )
                loss = (
                    critic_loss(real_scores, fake_scores) + self.gradient_penalty_weight * penalty
                )
            self._apply(tape, loss, self.critic, self.discriminator_optimizer)
        wasserstein = ops.mean(real_scores) - ops.mean(fake_scores)
        noise = self.sample_noise(ops.shape(real_part)[0])
        with tf.GradientTape() as tape:
            fake_scores = self.critic(self.generator(noise, training=True), training=True)
            g_loss = wasserstein_generator_loss(fake_scores)
        self._apply(tape, g_loss, self.generator, self.generator_optimizer)
        self.update_ema()
        self.critic_loss_tracker.update_state(loss)
        self.g_loss_tracker.update_state(g_loss)
        self.wasserstein_tracker.update_state(wasserstein)
        self.gradient_penalty_tracker.update_state(penalty)
        return {metric.name: metric.result() for metric in self.metrics}

    def get_config(self):
        config = super().get_config()
        config["critic"] = config.pop("discriminator")
        config.pop("real_label", None)
        return {
            **config,
            "critic_steps": self.critic_steps,
            "gradient_penalty_weight": self.gradient_penalty_weight,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in ("generator", "critic"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


# The WGAN-GP recipe of lesson 09: lesson 07's networks (the discriminator becomes the critic) on Fashion-MNIST.
FASHION_RECIPE = {
    "latent_dim": 64,
    "generator_filters": (64, 32),
    "critic_filters": (32, 64),
    "kernel_size": 3,
    "batch_size": 64,  # images per critic step; `fit` takes batches of batch_size * critic_steps
    "critic_steps": 3,
    "gradient_penalty_weight": 10.0,
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "beta_2": 0.9,
    "ema_decay": 0.999,
    "epochs": 8,
}


def build_wgan_gp(recipe=None, seed=None, **changes):
    """Builds and compiles a WGAN-GP from a recipe (default `FASHION_RECIPE`).

    Args:
        recipe: a dict like `FASHION_RECIPE`.
        seed: seed of the model's noise generator.
        **changes: recipe entries to override, e.g. `critic_steps=5`.

    Returns:
        A compiled `WGANGP`; train it on batches of `recipe["batch_size"] * recipe["critic_steps"]` images.
    """
    from course_lib.models.dcgan import build_dcgan_discriminator, build_dcgan_generator

    recipe = {**(FASHION_RECIPE if recipe is None else recipe), **changes}
    unknown = sorted(set(recipe) - set(FASHION_RECIPE))
    if unknown:
        raise ValueError(
            f"unknown recipe entries {unknown}; a recipe has {sorted(FASHION_RECIPE)}."
        )
    generator = build_dcgan_generator(
        recipe["latent_dim"], recipe["generator_filters"], recipe["kernel_size"]
    )
    critic = build_dcgan_discriminator(
        recipe["critic_filters"], recipe["kernel_size"], name="critic"
    )
    model = WGANGP(
        generator,
        critic,
        critic_steps=recipe["critic_steps"],
        gradient_penalty_weight=recipe["gradient_penalty_weight"],
        ema_decay=recipe["ema_decay"],
        seed=seed,
    )

    def adam():
        return keras.optimizers.Adam(
            recipe["learning_rate"], beta_1=recipe["beta_1"], beta_2=recipe["beta_2"]
        )

    model.compile(critic_optimizer=adam(), generator_optimizer=adam())
    return model

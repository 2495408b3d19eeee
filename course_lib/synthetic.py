"""Synthetic training data (lesson 13): a conditional GAN trained once and cached, and labelled images drawn from it.

Lesson 08 teaches the conditional GAN; this module trains one with the same recipe on a whole data set, keeps it in
the course cache (`course_lib.training.train_or_load`), and turns it into labelled training images:

    gan = load_conditional_gan("mnist")                         # trains once (minutes), then loads in a second
    images, labels = generate_labelled_images(gan, per_class=1000)   # (10000, 28, 28, 1) in [0, 1], (10000,)
"""

import numpy as np

from course_lib import config, data, training

# Lesson 08's recipe for MNIST (lesson 07's small DCGAN plus a 16-number label embedding).
RECIPE = {
    "latent_dim": 64,
    "embedding_dim": 16,
    "generator_filters": (64, 32),
    "discriminator_filters": (32, 64),
    "kernel_size": 3,
    "batch_size": 64,
    "learning_rate": 5e-4,
    "beta_1": 0.5,
    "ema_decay": 0.999,
}
FULL_EPOCHS = 10
SMOKE_EPOCHS = 1
SMOKE_TRAIN_SIZE = 2_000

# Bump when the recipe changes, so stale cached generators are retrained.
CACHE_VERSION = 1


def build_conditional_gan(recipe=None, seed=None):
    """Builds and compiles a conditional GAN (lesson 08's builders) with a recipe like `RECIPE`.

    Args:
        recipe: a dict with the keys of `RECIPE` (default: `RECIPE`).
        seed: seed of the GAN's noise generator.

    Returns:
        A compiled `course_lib.models.conditional.ConditionalGAN` whose `generate(labels=...)` returns
        `(N, 28, 28, 1)` images in [-1, 1].
    """
    import keras

    from course_lib.models import conditional

    recipe = {**RECIPE, **(recipe or {})}
    generator = conditional.build_conditional_generator(
        recipe["latent_dim"],
        embedding_dim=recipe["embedding_dim"],
        filters=recipe["generator_filters"],
        kernel_size=recipe["kernel_size"],
    )
    discriminator = conditional.build_conditional_discriminator(
        embedding_dim=recipe["embedding_dim"],
        filters=recipe["discriminator_filters"],
        kernel_size=recipe["kernel_size"],
    )
    gan = conditional.ConditionalGAN(generator, discriminator, ema_decay=recipe["ema_decay"], seed=seed)
    gan.compile(
        discriminator_optimizer=keras.optimizers.Adam(recipe["learning_rate"], beta_1=recipe["beta_1"]),
        generator_optimizer=keras.optimizers.Adam(recipe["learning_rate"], beta_1=recipe["beta_1"]),
    )
    return gan


def train_conditional_gan(images, labels, epochs=None, steps=None, recipe=None, seed=None, verbose=0):
    """Trains a conditional GAN from scratch on labelled images.

    Args:
        images: `(N, 28, 28)` uint8 images in 0..255 (scaled to [-1, 1] here).
        labels: `(N,)` integer labels.
        epochs: passes over the images (default: `FULL_EPOCHS`, or `SMOKE_EPOCHS` in smoke mode).
        steps: train for exactly this many batches instead (for tiny data sets, where an epoch is one batch).
        recipe: changes to `RECIPE`.
        seed: seed for the GAN's noise and the shuffling.
        verbose: Keras' `fit` verbosity.

    Returns:
        `(gan, info)`: the trained `ConditionalGAN` and a dict with `train_size`, `epochs` or `steps`,
        and the last `d_loss` and `g_loss`.
    """
    recipe = {**RECIPE, **(recipe or {})}
    scaled = data.scale_images(images, value_range=(-1.0, 1.0))
    labels = np.asarray(labels).astype("int32")
    gan = build_conditional_gan(recipe, seed=seed)
    batch_size = min(recipe["batch_size"], len(scaled))
    dataset = data.make_dataset(scaled, labels, batch_size=batch_size, seed=seed, drop_remainder=True)
    if steps is not None:
        history = gan.fit(dataset.repeat(), steps_per_epoch=int(steps), epochs=1, verbose=verbose)
        amount = {"steps": int(steps)}
    else:
        epochs = config.pick(full=FULL_EPOCHS, smoke=SMOKE_EPOCHS) if epochs is None else int(epochs)
        history = gan.fit(dataset, epochs=epochs, verbose=verbose)
        amount = {"epochs": epochs}
    last = {name: round(float(values[-1]), 4) for name, values in history.history.items()}
    return gan, {"train_size": len(scaled), **amount, "d_loss": last.get("d_loss"), "g_loss": last.get("g_loss")}


def conditional_gan_name(dataset_name):
    """Returns the cache name of a data set's conditional GAN, e.g. `"conditional_gan_mnist"`."""
    return f"conditional_gan_{data.dataset_info(dataset_name).name}"


def load_conditional_gan(dataset_name="mnist", return_info=False, verbose=True):
    """Returns a conditional GAN trained on a whole data set, training and caching it on first use.

    Full mode trains on all 60,000 training images for `FULL_EPOCHS` epochs (minutes on a CPU, once); smoke mode
    on `SMOKE_TRAIN_SIZE` images for one epoch. Later calls load it from the course cache in a second.
    Set `COURSE_RETRAIN=1` to train again.

    Args:
        dataset_name: `"mnist"` or `"fashion_mnist"`.
        return_info: also return the info dict (training size, epochs, seconds, whether it was loaded).
        verbose: print whether the model was trained or loaded.

    Returns:
        The `ConditionalGAN`; `(gan, info)` when `return_info=True`.
    """
    key = data.dataset_info(dataset_name).name

    def build_and_train():
        (x_train, y_train), _ = data.load_dataset(key)
        if config.is_smoke():
            x_train, y_train = data.take_subset(x_train, y_train, size=SMOKE_TRAIN_SIZE)
        return train_conditional_gan(x_train, y_train, seed=config.seed(), verbose=2 if verbose else 0)

    gan, info = training.train_or_load(
        conditional_gan_name(key), build_and_train, version=CACHE_VERSION, verbose=verbose
    )
    return (gan, info) if return_info else gan


def generate_labelled_images(gan, per_class, num_classes=10, seed=0, batch_size=500):
    """Draws `per_class` images of every class from a conditional generator, with their labels.

    Args:
        gan: a trained `ConditionalGAN` (anything with `generate(labels=..., seed=...)` returning [-1, 1] images).
        per_class: images per class.
        num_classes: number of classes.
        seed: seed of the noise, for repeatable images.
        batch_size: images generated per call.

    Returns:
        `(images, labels)`: `(num_classes * per_class, 28, 28, 1)` float32 images in [0, 1] (the scale of
        `data.scale_images`, so they mix with real images) and `(num_classes * per_class,)` int32 labels, in
        class order.
    """
    per_class = int(per_class)
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, got {per_class}.")
    labels = np.repeat(np.arange(num_classes, dtype="int32"), per_class)
    images = gan.generate(labels=labels, seed=seed, batch_size=batch_size)
    images = np.clip((np.asarray(images, "float32") + 1.0) / 2.0, 0.0, 1.0)
    return images, labels

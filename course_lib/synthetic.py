"""Synthetic training data (lesson 13): a conditional GAN trained once and cached, and labelled images drawn from it.

Lesson 08 teaches the conditional GAN; this module trains one with the same recipe on a whole data set, keeps it in
the course cache (`course_lib.training.train_or_load`), and turns it into labelled training images:

    gan = load_conditional_gan("mnist")                         # trains once (minutes), then loads in a second
    images, labels = generate_labelled_images(gan, per_class=1000)   # (10000, 28, 28, 1) in [0, 1], (10000,)
"""

import math

import numpy as np

from course_lib import config, data
from course_lib.models import pretrained

SMOKE_TRAIN_SIZE = pretrained.SMOKE_TRAIN_SIZE


def build_conditional_gan(recipe=None, seed=None):
    """Builds and compiles lesson 08's conditional GAN, optionally with changes to its recipe.

    Args:
        recipe: changes to `course_lib.models.conditional.MNIST_CONDITIONAL_RECIPE`, e.g. `{"latent_dim": 8}`.
        seed: seed of the GAN's noise generator.

    Returns:
        A compiled `course_lib.models.conditional.ConditionalGAN` whose `generate(labels=...)` returns
        `(N, 28, 28, 1)` images in [-1, 1].
    """
    from course_lib.models import conditional

    return conditional.build_mnist_conditional_gan(seed=seed, **(recipe or {}))


def train_conditional_gan(
    images, labels, epochs=None, steps=None, recipe=None, seed=None, verbose=0
):
    """Trains lesson 08's conditional GAN from scratch on labelled images (e.g. only the few real ones).

    Args:
        images: `(N, 28, 28)` uint8 images in 0..255 (scaled to [-1, 1] here).
        labels: `(N,)` integer labels.
        epochs: passes over the images (default: the recipe's, or 1 in smoke mode).
        steps: train for exactly this many batches instead (for tiny data sets, where an epoch is one batch).
        recipe: changes to the recipe.
        seed: seed for the GAN's noise and the shuffling.
        verbose: Keras' `fit` verbosity.

    Returns:
        `(gan, info)`: the trained `ConditionalGAN` and a dict with `train_size`, `epochs` or `steps`,
        and the last `d_loss` and `g_loss`.
    """
    scaled = data.scale_images(images, value_range=(-1.0, 1.0))
    labels = np.asarray(labels).astype("int32")
    recipe = dict(recipe or {})
    if steps is not None:
        # Keras runs whole groups of `steps_per_execution` steps: keep the groups a divisor of `steps`.
        from course_lib.models import conditional

        group = {**conditional.MNIST_CONDITIONAL_RECIPE, **recipe}["steps_per_execution"]
        recipe["steps_per_execution"] = math.gcd(int(steps), int(group))
    gan = build_conditional_gan(recipe, seed=seed)
    batch_size = min(gan_batch_size(recipe), len(scaled))
    dataset = data.make_dataset(
        scaled, labels, batch_size=batch_size, seed=seed, drop_remainder=True
    )
    if steps is not None:
        history = gan.fit(dataset.repeat(), steps_per_epoch=int(steps), epochs=1, verbose=verbose)
        amount = {"steps": int(steps)}
    else:
        from course_lib.models import conditional

        full_epochs = {**conditional.MNIST_CONDITIONAL_RECIPE, **(recipe or {})}["epochs"]
        epochs = config.pick(full=full_epochs, smoke=1) if epochs is None else int(epochs)
        history = gan.fit(dataset, epochs=epochs, verbose=verbose)
        amount = {"epochs": epochs}
    last = {name: round(float(values[-1]), 4) for name, values in history.history.items()}
    return gan, {
        "train_size": len(scaled),
        **amount,
        "d_loss": last.get("d_loss"),
        "g_loss": last.get("g_loss"),
    }


def gan_batch_size(recipe=None):
    """Returns the batch size of lesson 08's recipe (with `recipe`'s changes)."""
    from course_lib.models import conditional

    return int({**conditional.MNIST_CONDITIONAL_RECIPE, **(recipe or {})}["batch_size"])


def load_conditional_gan(dataset_name="mnist", return_info=False, verbose=True):
    """Returns lesson 08's conditional GAN trained on a whole data set (`pretrained.load_conditional_gan`).

    The first call trains it (minutes in full mode, seconds in smoke mode) and caches it; later calls load it.

    Args:
        dataset_name: `"mnist"` or `"fashion_mnist"`.
        return_info: also return the info dict (training size, epochs, seconds, whether it was loaded).
        verbose: print whether the model was trained or loaded.

    Returns:
        The `ConditionalGAN`; `(gan, info)` when `return_info=True`.
    """
    return pretrained.load_conditional_gan(dataset_name, return_info=return_info, verbose=verbose)


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

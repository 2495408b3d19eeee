"""The course's trained generative models, trained once and kept in the course cache.

Lessons 07-09 teach how these models are built and trained; lessons 10, 11 and 13 use the trained results. Each
function here trains its model with the lesson's recipe the first time it is called (minutes in full mode, seconds
in smoke mode) and saves it with `course_lib.training.train_or_load`; every later call, from any lesson, loads it
in a second. Set `COURSE_RETRAIN=1` to train again.

    gan = pretrained.load_dcgan()                      # lesson 07's DCGAN on MNIST
    cgan = pretrained.load_conditional_gan()           # lesson 08's conditional GAN on MNIST
    cluster = pretrained.load_cluster_gan()            # lesson 08's cluster-conditioned DCGAN (no labels)
    wgan = pretrained.load_wgan_gp()                   # lesson 09's WGAN-GP on Fashion-MNIST
    vae = pretrained.load_vae(latent_dim=32)           # lesson 05's VAE on MNIST
"""

from course_lib import config, data, training

# Smoke mode trains on this many images for one epoch: the same code path, in seconds.
SMOKE_TRAIN_SIZE = 2_000

# Bump one of these when its recipe changes, so stale cached models are trained again.
CACHE_VERSIONS = {"dcgan": 1, "conditional_gan": 1, "cluster_gan": 1, "wgan_gp": 1}


def _training_images(dataset_name, with_labels=False):
    """Returns the training images of a data set scaled to [-1, 1] (and their labels), shrunk in smoke mode."""
    (x_train, y_train), _ = data.load_dataset(dataset_name)
    if config.is_smoke():
        x_train, y_train = data.take_subset(x_train, y_train, size=SMOKE_TRAIN_SIZE)
    images = data.scale_images(x_train, value_range=(-1.0, 1.0))
    return (images, y_train.astype("int32")) if with_labels else images


def _epochs(recipe):
    return config.pick(full=recipe["epochs"], smoke=1)


def _last_losses(history):
    return {name: round(float(values[-1]), 4) for name, values in history.history.items()}


def _load(name, dataset_name, build_and_train, return_info, verbose):
    key = data.dataset_info(dataset_name).name
    model, info = training.train_or_load(
        f"{name}_{key}", build_and_train, version=CACHE_VERSIONS[name], verbose=verbose
    )
    return (model, info) if return_info else model


def load_dcgan(dataset_name="mnist", return_info=False, verbose=True):
    """Returns lesson 07's DCGAN trained on a data set, training and caching it on first use.

    Args:
        dataset_name: `"mnist"` or `"fashion_mnist"`.
        return_info: also return the info dict (training size, epochs, seconds, last losses, whether loaded).
        verbose: print whether the model was trained or loaded, and the training progress.

    Returns:
        The trained `course_lib.models.gan.GAN`; `(gan, info)` when `return_info=True`.
        `gan.generate(count)` returns `(count, 28, 28, 1)` images in [-1, 1].
    """
    from course_lib.models import dcgan

    def build_and_train():
        images = _training_images(dataset_name)
        recipe = dcgan.MNIST_RECIPE
        dataset = data.make_dataset(
            images, batch_size=recipe["batch_size"], seed=config.seed(), drop_remainder=True
        )
        gan = dcgan.build_dcgan(seed=config.seed())
        epochs = _epochs(recipe)
        history = gan.fit(dataset, epochs=epochs, shuffle=False, verbose=2 if verbose else 0)
        return gan, {"train_size": len(images), "epochs": epochs, **_last_losses(history)}

    return _load("dcgan", dataset_name, build_and_train, return_info, verbose)


def load_conditional_gan(dataset_name="mnist", return_info=False, verbose=True):
    """Returns lesson 08's class-conditional GAN trained on a data set, training and caching it on first use.

    Args:
        dataset_name: `"mnist"` or `"fashion_mnist"`.
        return_info: also return the info dict (training size, epochs, seconds, last losses, whether loaded).
        verbose: print whether the model was trained or loaded, and the training progress.

    Returns:
        The trained `course_lib.models.conditional.ConditionalGAN`; `(gan, info)` when `return_info=True`.
        `gan.generate(labels=[7, 7, 3])` returns `(3, 28, 28, 1)` images in [-1, 1].
    """
    from course_lib.models import conditional

    def build_and_train():
        images, labels = _training_images(dataset_name, with_labels=True)
        recipe = conditional.MNIST_CONDITIONAL_RECIPE
        dataset = data.make_dataset(
            images, labels, batch_size=recipe["batch_size"], seed=config.seed(), drop_remainder=True
        )
        gan = conditional.build_mnist_conditional_gan(seed=config.seed())
        epochs = _epochs(recipe)
        history = gan.fit(dataset, epochs=epochs, shuffle=False, verbose=2 if verbose else 0)
        return gan, {"train_size": len(images), "epochs": epochs, **_last_losses(history)}

    return _load("conditional_gan", dataset_name, build_and_train, return_info, verbose)


def load_cluster_gan(dataset_name="mnist", return_info=False, verbose=True):
    """Returns lesson 08's cluster-conditioned DCGAN trained on a data set, training and caching it on first use.

    It clusters the training images with k-means and uses the clusters, not the labels, as its conditions
    (see `course_lib.models.cluster_gan`).

    Args:
        dataset_name: `"mnist"` or `"fashion_mnist"`.
        return_info: also return the info dict (training size, clusters, epochs, seconds, last losses, whether
            loaded).
        verbose: print whether the model was trained or loaded, and the training progress.

    Returns:
        The trained `course_lib.models.cluster_gan.ClusterConditionedGAN`; `(gan, info)` when
        `return_info=True`. `gan.generate(count)` returns `(count, 28, 28, 1)` images in [-1, 1].
    """
    from course_lib.models import cluster_gan

    def build_and_train():
        images = _training_images(dataset_name)
        recipe = cluster_gan.MNIST_CLUSTER_RECIPE
        gan, info = cluster_gan.train_cluster_gan(
            images, seed=config.seed(), epochs=_epochs(recipe), verbose=2 if verbose else 0
        )
        history = info.pop("history")
        info.pop("assignments")
        losses = {name: values[-1] for name, values in history.items()}
        return gan, {"train_size": len(images), **info, **losses}

    return _load("cluster_gan", dataset_name, build_and_train, return_info, verbose)


def load_wgan_gp(dataset_name="fashion_mnist", return_info=False, verbose=True):
    """Returns lesson 09's WGAN-GP trained on a data set, training and caching it on first use.

    Args:
        dataset_name: `"fashion_mnist"` (lesson 09's choice) or `"mnist"`.
        return_info: also return the info dict (training size, epochs, seconds, last losses, whether loaded).
        verbose: print whether the model was trained or loaded, and the training progress.

    Returns:
        The trained `course_lib.models.wgan.WGANGP`; `(model, info)` when `return_info=True`.
        `model.generate(count)` returns `(count, 28, 28, 1)` images in [-1, 1].
    """
    from course_lib.models import wgan

    def build_and_train():
        images = _training_images(dataset_name)
        recipe = wgan.FASHION_RECIPE
        # Each training step takes one batch per critic step.
        dataset = data.make_dataset(
            images,
            batch_size=recipe["batch_size"] * recipe["critic_steps"],
            seed=config.seed(),
            drop_remainder=True,
        )
        model = wgan.build_wgan_gp(seed=config.seed())
        epochs = _epochs(recipe)
        history = model.fit(dataset, epochs=epochs, shuffle=False, verbose=2 if verbose else 0)
        return model, {"train_size": len(images), "epochs": epochs, **_last_losses(history)}

    return _load("wgan_gp", dataset_name, build_and_train, return_info, verbose)


def load_vae(latent_dim=2, return_info=False, verbose=True):
    """Returns lesson 05's VAE trained on MNIST (see `course_lib.models.vae.load_or_train_mnist_vae`).

    Args:
        latent_dim: 2 (the explorable map) or `course_lib.models.vae.LARGE_LATENT_DIM` (sharper images).
        return_info: also return the info dict.
        verbose: print whether the model was trained or loaded.

    Returns:
        The trained `course_lib.models.vae.VAE`; `(vae, info)` when `return_info=True`.
    """
    from course_lib.models import vae

    model, info = vae.load_or_train_mnist_vae(latent_dim=latent_dim, verbose=verbose)
    return (model, info) if return_info else model

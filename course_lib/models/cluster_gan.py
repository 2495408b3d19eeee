"""The cluster-conditioned GAN of lesson 08: a conditional GAN whose labels are k-means clusters, not classes.

An unconditional DCGAN must split one continuous noise space into ten separate digits, so some of its samples fall
between two digits and look like neither. A conditional GAN does not have that problem, but it needs labels.
The cluster-conditioned GAN gets the best of both without a single label (the idea of Sage et al., 2018, "Logo
synthesis and manipulation with clustered generative adversarial networks", and of Liu et al., 2020,
"Diverse image generation via self-conditioned GANs"):

1. cluster the training images with k-means (`course_lib.clustering.kmeans`), about 60 clusters for MNIST;
2. train lesson 08's conditional GAN with the cluster indices as its labels;
3. to sample, draw a cluster with the probability of its share of the training images, then a noise vector.

It is still an unconditional generative model, `p(x) = sum_c p(c) p(x | c)`: the clusters are found in the
data, and the class shares of its samples follow the training set's.

    gan, info = cluster_gan.train_cluster_gan(images)   # images in [-1, 1]
    samples = gan.generate(100)                          # no labels needed
"""

import time

import keras
import numpy as np
from keras import ops

from course_lib import clustering
from course_lib.models import conditional
from course_lib.models.gan import compile_from_recipe

# Lesson 08's conditional GAN recipe with 60 k-means clusters as its labels (see benchmarks/bench_gan.py).
MNIST_CLUSTER_RECIPE = {**conditional.MNIST_CONDITIONAL_RECIPE, "clusters": 60, "epochs": 8}


@keras.saving.register_keras_serializable(package="course_lib")
class ClusterConditionedGAN(conditional.ConditionalGAN):
    """A `ConditionalGAN` trained on cluster indices, which draws its own clusters when asked for samples.

    Args:
        generator: a model from `[(N, latent_dim) noise, (N,) cluster indices]` to `(N, 28, 28, 1)` images.
        discriminator: a model from `[(N, 28, 28, 1) images, (N,) cluster indices]` to `(N, 1)` logits.
        cluster_frequencies: the share of the training images in each cluster (sums to 1); its length is
            the number of clusters.
        **kwargs: `real_label`, `ema_decay`, `seed` and the rest, as for `GAN`.
    """

    def __init__(self, generator, discriminator, cluster_frequencies, **kwargs):
        kwargs.pop("num_classes", None)  # set from the frequencies (a saved config holds both)
        frequencies = np.asarray(cluster_frequencies, dtype="float64")
        if frequencies.ndim != 1 or len(frequencies) < 1 or np.any(frequencies < 0):
            raise ValueError(
                "cluster_frequencies must be a list of non-negative shares, one per cluster."
            )
        super().__init__(generator, discriminator, num_classes=len(frequencies), **kwargs)
        self.cluster_frequencies = (frequencies / frequencies.sum()).tolist()

    def sample_clusters(self, count, seed=None):
        """Draws `count` cluster indices, each with the probability of its share of the training images.

        Args:
            count: how many.
            seed: an int for repeatable draws; default: the model's own seed generator.

        Returns:
            `(count,)` int32 NumPy array.
        """
        log_shares = ops.log(ops.convert_to_tensor([self.cluster_frequencies], dtype="float32"))
        seed = self.seed_generator if seed is None else seed
        clusters = keras.random.categorical(log_shares, int(count), seed=seed)
        return ops.convert_to_numpy(clusters[0]).astype("int32")

    def generate(self, count=None, noise=None, labels=None, seed=None, batch_size=500):
        """Generates images as a NumPy array in [-1, 1], drawing a cluster for each unless `labels` are given.

        Args:
            count: how many images (when neither `noise` nor `labels` is given).
            noise: `(N, latent_dim)` noise; drawn from the seed generator when not given.
            labels: cluster indices to draw from (an int or `N` ints); drawn by cluster share when not given.
            seed: an int for repeatable noise and clusters.
            batch_size: images generated per call.

        Returns:
            `(N, 28, 28, 1)` float32 images in [-1, 1].
        """
        if labels is None:
            if noise is not None:
                count = len(noise)
            if count is None:
                raise ValueError(
                    "give count= (how many images), noise= or labels= (cluster indices)."
                )
            labels = self.sample_clusters(count, seed=seed)
        return super().generate(
            count=count, noise=noise, labels=labels, seed=seed, batch_size=batch_size
        )

    def get_config(self):
        return {**super().get_config(), "cluster_frequencies": self.cluster_frequencies}


def build_cluster_gan(cluster_frequencies, recipe=None, seed=None, **changes):
    """Builds and compiles a cluster-conditioned GAN with lesson 08's conditional networks.

    Args:
        cluster_frequencies: the share (or count) of training images in each cluster.
        recipe: a dict like `MNIST_CLUSTER_RECIPE` (the default).
        seed: seed of the GAN's noise generator.
        **changes: recipe entries to override.

    Returns:
        A compiled `ClusterConditionedGAN`, ready for `fit` on `(images, cluster indices)` batches.
    """
    recipe = {**(MNIST_CLUSTER_RECIPE if recipe is None else recipe), **changes}
    unknown = sorted(set(recipe) - set(MNIST_CLUSTER_RECIPE))
    if unknown:
        raise ValueError(
            f"unknown recipe entries {unknown}; a recipe has {sorted(MNIST_CLUSTER_RECIPE)}."
        )
    generator, discriminator = conditional.build_conditional_networks(
        recipe, num_classes=len(cluster_frequencies)
    )
    gan = ClusterConditionedGAN(
        generator,
        discriminator,
        cluster_frequencies=cluster_frequencies,
        real_label=recipe["real_label"],
        ema_decay=recipe["ema_decay"],
        seed=seed,
    )
    return compile_from_recipe(gan, recipe)


def train_cluster_gan(images, recipe=None, seed=0, epochs=None, callbacks=(), verbose=0, **changes):
    """Clusters the images with k-means, then trains a cluster-conditioned GAN on them.

    Args:
        images: `(N, 28, 28, 1)` training images in [-1, 1].
        recipe: a dict like `MNIST_CLUSTER_RECIPE` (the default).
        seed: seed of the clustering, the data order and the GAN's noise.
        epochs: epochs of GAN training (default: the recipe's).
        callbacks: Keras callbacks for `fit`.
        verbose: Keras' `fit` verbosity.
        **changes: recipe entries to override, e.g. `clusters=20`.

    Returns:
        `(gan, info)`: the trained `ClusterConditionedGAN` and a dict with `clusters`, `epochs`,
        `kmeans_seconds`, `fit_seconds`, `history` and the k-means `assignments` of the images.
    """
    from course_lib import data

    recipe = {**(MNIST_CLUSTER_RECIPE if recipe is None else recipe), **changes}
    start = time.perf_counter()
    _, assignments = clustering.kmeans(images, recipe["clusters"], seed=seed)
    kmeans_seconds = time.perf_counter() - start
    counts = np.bincount(assignments, minlength=recipe["clusters"])
    gan = build_cluster_gan(counts, recipe=recipe, seed=seed)
    dataset = data.make_dataset(
        images, assignments, batch_size=recipe["batch_size"], seed=seed, drop_remainder=True
    )
    start = time.perf_counter()
    history = gan.fit(
        dataset,
        epochs=recipe["epochs"] if epochs is None else epochs,
        shuffle=False,
        verbose=verbose,
        callbacks=list(callbacks),
    )
    info = {
        "clusters": recipe["clusters"],
        "epochs": len(history.history["d_loss"]),
        "kmeans_seconds": round(kmeans_seconds, 1),
        "fit_seconds": round(time.perf_counter() - start, 1),
        "history": {
            name: [round(float(v), 4) for v in values] for name, values in history.history.items()
        },
        "assignments": assignments,
    }
    return gan, info

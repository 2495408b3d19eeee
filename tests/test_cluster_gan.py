"""Tests for the cluster-conditioned GAN of lesson 08 (course_lib.models.cluster_gan)."""

import keras
import numpy as np
import pytest

from course_lib.models import cluster_gan, conditional


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    # Two kinds of image (dark and bright), so k-means has real groups to find.
    dark = rng.uniform(-1.0, -0.6, (96, 28, 28, 1))
    bright = rng.uniform(0.6, 1.0, (32, 28, 28, 1))
    images = np.concatenate([dark, bright]).astype("float32")
    gan, info = cluster_gan.train_cluster_gan(
        images, epochs=1, clusters=2, batch_size=32, steps_per_execution=1, seed=0
    )
    return gan, info, images


def test_training_clusters_the_images_and_keeps_the_cluster_shares(trained):
    gan, info, _ = trained
    assert info["clusters"] == 2 and info["epochs"] == 1
    assert sorted(np.bincount(info["assignments"])) == [32, 96]
    assert sorted(gan.cluster_frequencies) == pytest.approx([0.25, 0.75])
    assert gan.num_classes == 2
    assert set(info["history"]) >= {"d_loss", "g_loss"}


def test_generate_needs_no_labels_and_draws_clusters_by_their_share(trained):
    gan, _, _ = trained
    images = gan.generate(10, seed=1)
    assert images.shape == (10, 28, 28, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0
    clusters = gan.sample_clusters(4000, seed=2)
    shares = np.bincount(clusters, minlength=2) / 4000
    np.testing.assert_allclose(shares, gan.cluster_frequencies, atol=0.03)
    np.testing.assert_array_equal(gan.sample_clusters(50, seed=5), gan.sample_clusters(50, seed=5))


def test_generate_with_given_clusters_uses_them(trained):
    gan, _, _ = trained
    noise = np.random.default_rng(4).standard_normal((3, gan.latent_dim)).astype("float32")
    by_cluster = gan.generate(noise=noise, labels=[1, 1, 1])
    direct = keras.ops.convert_to_numpy(gan([noise, np.ones(3, "int32")]))
    np.testing.assert_allclose(by_cluster, direct, atol=1e-6)
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        gan.generate(labels=[2])
    with pytest.raises(ValueError, match="give count="):
        gan.generate()


def test_save_and_load_keeps_the_clusters_and_the_samples(trained, tmp_path):
    gan, _, _ = trained
    path = tmp_path / "cluster_gan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, cluster_gan.ClusterConditionedGAN)
    assert loaded.cluster_frequencies == gan.cluster_frequencies
    noise = np.random.default_rng(6).standard_normal((4, gan.latent_dim)).astype("float32")
    labels = [0, 1, 0, 1]
    np.testing.assert_allclose(
        loaded.generate(noise=noise, labels=labels),
        gan.generate(noise=noise, labels=labels),
        atol=1e-6,
    )


def test_the_recipe_is_lesson_08s_conditional_recipe_with_clusters():
    recipe = cluster_gan.MNIST_CLUSTER_RECIPE
    for name, value in conditional.MNIST_CONDITIONAL_RECIPE.items():
        if name != "epochs":
            assert recipe[name] == value
    assert recipe["clusters"] > 10  # more clusters than digits: each cluster holds mostly one digit
    with pytest.raises(ValueError, match="unknown recipe entries"):
        cluster_gan.build_cluster_gan([1, 1], not_a_setting=1)


def test_bad_cluster_frequencies_are_refused():
    gan = cluster_gan.build_cluster_gan([1, 1])
    with pytest.raises(ValueError, match="non-negative shares"):
        cluster_gan.ClusterConditionedGAN(
            gan.generator, gan.discriminator, cluster_frequencies=[-1, 2]
        )

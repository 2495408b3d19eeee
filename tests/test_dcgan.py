"""The DCGAN builders of lesson 07: the shapes they promise, and the transposed-convolution size rule."""

import keras
import numpy as np
import pytest

from course_lib.models.dcgan import (
    MNIST_RECIPE,
    build_dcgan,
    build_dcgan_discriminator,
    build_dcgan_generator,
    transposed_convolution_size,
)


@pytest.mark.parametrize(
    "latent_dim, filters, kernel_size", [(64, (128, 64), 4), (32, (64, 32), 3), (100, (16, 8), 5)]
)
def test_generator_maps_noise_to_28_by_28_images_in_the_tanh_range(
    latent_dim, filters, kernel_size
):
    generator = build_dcgan_generator(latent_dim, filters=filters, kernel_size=kernel_size)
    assert generator.input_shape == (None, latent_dim)
    assert generator.output_shape == (None, 28, 28, 1)
    images = np.asarray(
        generator(np.random.default_rng(0).normal(size=(3, latent_dim)).astype("float32"))
    )
    assert images.shape == (3, 28, 28, 1)
    assert np.all(np.abs(images) <= 1.0)
    assert generator.get_layer("to_feature_maps").output.shape[1:] == (7, 7, filters[0])


@pytest.mark.parametrize("filters, kernel_size, dropout", [((64, 128), 4, 0.0), ((32, 64), 3, 0.3)])
def test_discriminator_maps_images_to_one_unbounded_logit(filters, kernel_size, dropout):
    discriminator = build_dcgan_discriminator(
        filters=filters, kernel_size=kernel_size, dropout=dropout
    )
    assert discriminator.input_shape == (None, 28, 28, 1)
    assert discriminator.output_shape == (None, 1)
    assert discriminator.get_layer("logit").activation is keras.activations.linear
    assert not any(
        isinstance(layer, keras.layers.BatchNormalization) for layer in discriminator.layers
    )


def test_the_default_networks_are_small_enough_for_a_cpu():
    assert build_dcgan_generator().count_params() < 1_000_000
    assert build_dcgan_discriminator().count_params() < 300_000


@pytest.mark.parametrize("size", [3, 7, 14])
@pytest.mark.parametrize("kernel_size", [2, 3, 4, 5])
@pytest.mark.parametrize("strides", [1, 2, 3])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_transposed_convolution_size_matches_keras(size, kernel_size, strides, padding):
    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=strides, padding=padding)
    keras_size = layer.compute_output_shape((None, size, size, 1))[1]
    assert transposed_convolution_size(size, kernel_size, strides, padding) == keras_size


def test_transposed_convolution_size_with_output_padding_matches_keras():
    layer = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", output_padding=0)
    assert (
        transposed_convolution_size(7, 3, 2, "same", output_padding=0)
        == layer.compute_output_shape((None, 7, 7, 1))[1]
    )


def test_build_dcgan_follows_the_recipe_and_refuses_unknown_entries():
    gan = build_dcgan(seed=0, discriminator_learning_rate=1e-3)
    assert gan.latent_dim == MNIST_RECIPE["latent_dim"]
    assert gan.ema_decay == MNIST_RECIPE["ema_decay"]
    assert float(gan.discriminator_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(gan.generator_optimizer.learning_rate) == pytest.approx(
        MNIST_RECIPE["generator_learning_rate"]
    )
    assert gan.generator.get_layer("to_feature_maps").output.shape[1:] == (
        7,
        7,
        MNIST_RECIPE["generator_filters"][0],
    )
    with pytest.raises(ValueError, match="unknown recipe entries"):
        build_dcgan(learning_rate=1e-3)

"""Conditional generation (lesson 08): builder shapes, the conditional GAN and VAE training and saving."""

import keras
import numpy as np
import pytest

from course_lib.models.conditional import (
    MNIST_CONDITIONAL_RECIPE,
    ConditionalGAN,
    ConditionalVAE,
    build_conditional_decoder,
    build_conditional_discriminator,
    build_conditional_encoder,
    build_conditional_generator,
    build_mnist_conditional_gan,
)


def _batch(count=16, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (count, 28, 28, 1)).astype("float32")
    labels = (np.arange(count) % 10).astype("uint8")
    return images, labels


def test_conditional_builders_take_a_label_beside_noise_or_images():
    generator = build_conditional_generator(latent_dim=16, filters=(16, 8))
    discriminator = build_conditional_discriminator(filters=(8, 16))
    assert generator.output_shape == (None, 28, 28, 1)
    assert discriminator.output_shape == (None, 1)
    assert generator.get_layer("noise_and_label").output.shape[1:] == (16 + 16,)
    assert discriminator.get_layer("image_and_label").output.shape[1:] == (28, 28, 2)
    noise = np.zeros((2, 16), "float32")
    one, seven = (np.asarray(generator([noise, np.array([k, k], "int32")])) for k in (1, 7))
    assert not np.allclose(one, seven), "the label must change the image"


def _tiny_conditional_gan():
    keras.utils.set_random_seed(0)
    model = ConditionalGAN(
        build_conditional_generator(latent_dim=8, filters=(8, 4)),
        build_conditional_discriminator(filters=(4, 8)),
        seed=0,
        ema_decay=0.99,
    )
    model.compile()
    return model


def test_conditional_gan_step_changes_both_networks():
    model = _tiny_conditional_gan()
    before = [
        w.numpy() for w in model.generator.trainable_weights + model.discriminator.trainable_weights
    ]
    model.fit(*_batch(), batch_size=16, epochs=1, verbose=0, shuffle=False)
    after = model.generator.trainable_weights + model.discriminator.trainable_weights
    moved = [not np.allclose(b, a.numpy()) for b, a in zip(before, after, strict=True)]
    assert all(moved)


def test_conditional_gan_needs_labels_to_train_and_to_generate():
    model = _tiny_conditional_gan()
    with pytest.raises(ValueError, match="labels"):
        model.fit(_batch()[0], batch_size=16, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="labels="):
        model.generate(4)
    with pytest.raises(ValueError, match="0..9"):
        model.generate(labels=[3, 10])
    assert model.generate(count=5, labels=7).shape == (5, 28, 28, 1)
    assert model.generate(labels=np.arange(10)).shape == (10, 28, 28, 1)


def test_conditional_gan_save_and_load_round_trip(tmp_path):
    model = _tiny_conditional_gan()
    model.fit(*_batch(), batch_size=16, epochs=1, verbose=0, shuffle=False)
    model.save(tmp_path / "cgan.keras")
    loaded = keras.saving.load_model(tmp_path / "cgan.keras")
    assert type(loaded) is ConditionalGAN and loaded.num_classes == 10
    noise = np.random.default_rng(0).normal(size=(10, 8)).astype("float32")
    labels = np.arange(10)
    np.testing.assert_allclose(
        loaded.generate(noise=noise, labels=labels),
        model.generate(noise=noise, labels=labels),
        atol=1e-6,
    )


def _tiny_conditional_vae():
    keras.utils.set_random_seed(0)
    model = ConditionalVAE(
        build_conditional_encoder(latent_dim=2, filters=(4, 8)),
        build_conditional_decoder(latent_dim=2, filters=(8, 4)),
        seed=0,
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    return model


def test_conditional_vae_trains_and_generates_the_requested_classes():
    model = _tiny_conditional_vae()
    images, labels = _batch(32)
    images = (images + 1) / 2
    history = model.fit(images, labels, batch_size=16, epochs=2, verbose=0, shuffle=False)
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(history.history)
    samples = model.generate(count=4, labels=3)
    assert samples.shape == (4, 28, 28, 1) and samples.min() >= 0.0 and samples.max() <= 1.0
    reconstructions = np.asarray(model([images[:2], labels[:2]]))
    assert reconstructions.shape == (2, 28, 28, 1)


def test_conditional_vae_save_and_load_round_trip(tmp_path):
    model = _tiny_conditional_vae()
    images, labels = _batch(16)
    model.fit((images + 1) / 2, labels, batch_size=16, epochs=1, verbose=0, shuffle=False)
    model.save(tmp_path / "cvae.keras")
    loaded = keras.saving.load_model(tmp_path / "cvae.keras")
    assert type(loaded) is ConditionalVAE and loaded.latent_dim == 2
    codes = np.zeros((3, 2), "float32")
    np.testing.assert_allclose(
        loaded.generate(noise=codes, labels=[0, 4, 9]),
        model.generate(noise=codes, labels=[0, 4, 9]),
        atol=1e-6,
    )


def test_build_mnist_conditional_gan_follows_the_recipe():
    gan = build_mnist_conditional_gan(seed=0)
    assert gan.latent_dim == MNIST_CONDITIONAL_RECIPE["latent_dim"] and gan.num_classes == 10
    embedding = gan.generator.get_layer("label_embedding")
    assert embedding.output_dim == MNIST_CONDITIONAL_RECIPE["embedding_dim"]

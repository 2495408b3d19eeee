import keras
import numpy as np
import pytest

from course_lib.models.autoencoder import (
    build_conv_autoencoder,
    build_dense_autoencoder,
    split_autoencoder,
)

BUILDERS = [build_dense_autoencoder, build_conv_autoencoder]


def _batch(count=32):
    return np.random.default_rng(0).random((count, 28, 28, 1)).astype(np.float32)


@pytest.mark.parametrize("build", BUILDERS)
def test_autoencoder_maps_images_to_codes_and_back(build):
    autoencoder, encoder, decoder = build(latent_dim=5)
    images = _batch(4)
    codes = encoder.predict(images, verbose=0)
    outputs = autoencoder.predict(images, verbose=0)
    assert codes.shape == (4, 5)
    assert outputs.shape == (4, 28, 28, 1)
    assert outputs.min() >= 0.0 and outputs.max() <= 1.0
    np.testing.assert_allclose(decoder.predict(codes, verbose=0), outputs, atol=1e-5)


@pytest.mark.parametrize("build", BUILDERS)
def test_one_training_step_lowers_the_reconstruction_loss_on_a_fixed_batch(build):
    keras.utils.set_random_seed(0)
    autoencoder, _, _ = build(latent_dim=8)
    autoencoder.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    images = _batch()
    before = autoencoder.evaluate(images, images, verbose=0)
    autoencoder.train_on_batch(images, images)
    after = autoencoder.evaluate(images, images, verbose=0)
    assert after < before


@pytest.mark.parametrize("build", BUILDERS)
def test_saved_autoencoder_loads_back_with_the_same_outputs_and_parts(build, tmp_path):
    autoencoder, _, _ = build(latent_dim=3)
    images = _batch(4)
    path = tmp_path / "autoencoder.keras"
    autoencoder.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(images, verbose=0), autoencoder.predict(images, verbose=0), atol=1e-6
    )
    encoder, decoder = split_autoencoder(loaded)
    assert encoder.output_shape == (None, 3) and decoder.output_shape == (None, 28, 28, 1)


def test_builders_reject_a_bottleneck_that_is_not_a_positive_whole_number():
    with pytest.raises(ValueError, match="latent_dim"):
        build_dense_autoencoder(latent_dim=0)
    with pytest.raises(ValueError, match="latent_dim"):
        build_conv_autoencoder(latent_dim=2.5)

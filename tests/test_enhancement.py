"""The enhancement models build with the shapes they promise, start from their cheap guess, learn, and save."""

import keras
import numpy as np
import pytest

from course_lib import baselines
from course_lib.models import enhancement


def _digits(count=16, seed=0):
    """Blobby stand-ins for digits: smooth random images in [0, 1]."""
    rng = np.random.default_rng(seed)
    images = np.zeros((count, 28, 28, 1), np.float32)
    rows, cols = np.mgrid[:28, :28]
    for index in range(count):
        for _ in range(3):
            centre = rng.uniform(8, 20, size=2)
            images[index, ..., 0] += np.exp(
                -((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2) / 18.0
            )
    return np.clip(images, 0, 1)


def test_denoiser_maps_images_to_images_and_starts_as_the_identity():
    model = enhancement.build_denoiser()
    noisy = np.random.default_rng(1).random((4, 28, 28, 1)).astype(np.float32)

    output = model.predict(noisy, verbose=0)

    assert model.input_shape == (None, 28, 28, 1)
    assert output.shape == (4, 28, 28, 1)
    np.testing.assert_allclose(output, noisy, atol=1e-6)


def test_super_resolver_doubles_the_size_and_starts_as_clipped_bicubic():
    model = enhancement.build_super_resolver()
    small = np.random.default_rng(2).random((4, 14, 14, 1)).astype(np.float32)

    output = model.predict(small, verbose=0)

    assert model.input_shape == (None, 14, 14, 1)
    assert output.shape == (4, 28, 28, 1)
    np.testing.assert_allclose(output, baselines.bicubic_upsample(small), atol=1e-5)


def test_inpainter_keeps_every_known_pixel_and_changes_only_the_hole():
    model = enhancement.build_inpainter(filters=(8, 16, 32))
    images = _digits(4)
    masks = np.zeros_like(images)
    masks[:, 5:15, 9:19] = 1.0
    masked = images * (1 - masks)
    # Random weights in the correction layer, so the untrained network does change the hole.
    correction = model.get_layer("correction")
    correction.set_weights([np.full_like(w, 0.3) for w in correction.get_weights()])

    output = model.predict([masked, masks], verbose=0)

    assert output.shape == (4, 28, 28, 1)
    np.testing.assert_allclose(output[masks == 0], masked[masks == 0], atol=1e-6)
    assert not np.allclose(output[masks == 1], masked[masks == 1])
    assert output.min() >= 0.0 and output.max() <= 1.0


@pytest.mark.parametrize("filters", [(8, 16), (4, 8, 16)])
def test_unet_body_returns_full_size_features_for_two_and_three_levels(filters):
    inputs = keras.Input((28, 28, 3))
    features = enhancement.unet_body(inputs, filters)
    assert tuple(features.shape) == (None, 28, 28, filters[0])


def test_unet_rejects_more_levels_than_a_28_pixel_image_can_halve():
    with pytest.raises(ValueError, match="2 or 3 positive numbers"):
        enhancement.build_denoiser(filters=(8, 16, 32, 64))


def test_a_few_training_steps_lower_the_denoising_loss():
    keras.utils.set_random_seed(0)
    clean = _digits(32)
    noisy = np.clip(clean + np.random.default_rng(3).normal(0, 0.3, clean.shape), 0, 1).astype(
        np.float32
    )
    model = enhancement.compile_enhancer(
        enhancement.build_denoiser(filters=(8, 16)), learning_rate=3e-3
    )
    before = model.evaluate(noisy, clean, verbose=0)[0]

    model.fit(noisy, clean, batch_size=32, epochs=15, verbose=0)

    after = model.evaluate(noisy, clean, verbose=0)[0]
    assert after < 0.8 * before, (before, after)


def test_enhancement_models_survive_a_save_and_load_round_trip(tmp_path):
    model = enhancement.build_super_resolver(filters=(4, 8))
    small = np.random.default_rng(4).random((2, 14, 14, 1)).astype(np.float32)
    path = tmp_path / "upscaler.keras"

    model.save(path)
    loaded = keras.saving.load_model(path)

    np.testing.assert_allclose(
        loaded.predict(small, verbose=0), model.predict(small, verbose=0), atol=1e-6
    )


def test_clip_to_unit_range_clips_forward_but_passes_gradients_even_at_the_edges():
    import tensorflow as tf

    values = tf.constant([-0.2, 0.0, 0.5, 1.0, 1.3])
    with tf.GradientTape() as tape:
        tape.watch(values)
        clipped = enhancement.ClipToUnitRange()(values)
    np.testing.assert_allclose(clipped.numpy(), [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(tape.gradient(clipped, values).numpy(), np.ones(5))

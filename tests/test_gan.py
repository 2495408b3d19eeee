"""The GAN of lesson 06: its losses against NumPy, one training step, seeded noise, EMA and saving."""

import keras
import numpy as np
import pytest

from course_lib.models import gan as gan_module
from course_lib.models.gan import GAN, discriminator_loss, generator_loss, saturating_generator_loss

LATENT_DIM = 8


def _tiny_generator():
    noise = keras.Input((LATENT_DIM,))
    x = keras.layers.Dense(28 * 28, activation="tanh")(noise)
    return keras.Model(noise, keras.layers.Reshape((28, 28, 1))(x), name="tiny_generator")


def _tiny_discriminator():
    images = keras.Input((28, 28, 1))
    x = keras.layers.Flatten()(images)
    return keras.Model(images, keras.layers.Dense(1)(x), name="tiny_discriminator")


def _tiny_gan(**options):
    keras.utils.set_random_seed(0)
    model = GAN(_tiny_generator(), _tiny_discriminator(), seed=1, **options)
    model.compile()
    return model


def _real_images(count=32):
    return np.random.default_rng(0).uniform(-1, 1, (count, 28, 28, 1)).astype("float32")


def _log_sigmoid(x):
    return -np.log1p(np.exp(-x))


def test_discriminator_loss_is_the_cross_entropy_of_real_as_1_and_fake_as_0():
    real = np.array([[2.0], [-1.0], [0.5]], "float32")
    fake = np.array([[-3.0], [0.2], [1.0]], "float32")
    expected = -np.mean(_log_sigmoid(real)) - np.mean(_log_sigmoid(-fake))
    np.testing.assert_allclose(float(discriminator_loss(real, fake)), expected, rtol=1e-5)


def test_label_smoothing_mixes_the_real_targets():
    real = np.array([[2.0], [-1.0]], "float32")
    fake = np.array([[0.0], [0.0]], "float32")
    expected = -np.mean(0.9 * _log_sigmoid(real) + 0.1 * _log_sigmoid(-real)) + np.log(2)
    np.testing.assert_allclose(
        float(discriminator_loss(real, fake, real_label=0.9)), expected, rtol=1e-5
    )


def test_generator_losses_match_their_formulas_and_stay_finite_for_huge_logits():
    fake = np.array([[-3.0], [0.0], [4.0]], "float32")
    np.testing.assert_allclose(float(generator_loss(fake)), -np.mean(_log_sigmoid(fake)), rtol=1e-5)
    np.testing.assert_allclose(
        float(saturating_generator_loss(fake)), np.mean(_log_sigmoid(-fake)), rtol=1e-5
    )
    huge = np.array([[-200.0], [200.0]], "float32")
    for loss in (
        generator_loss(huge),
        saturating_generator_loss(huge),
        discriminator_loss(huge, huge),
    ):
        assert np.isfinite(float(loss))
    np.testing.assert_allclose(float(generator_loss(huge)), 100.0, rtol=1e-5)


def test_one_training_step_changes_both_networks_and_reports_the_losses():
    model = _tiny_gan()
    generator_before = [w.copy() for w in model.generator.get_weights()]
    discriminator_before = [w.copy() for w in model.discriminator.get_weights()]
    history = model.fit(_real_images(), batch_size=32, epochs=1, verbose=0, shuffle=False)
    assert set(history.history) == {"d_loss", "g_loss", "real_score", "fake_score"}
    for before, network in (
        (generator_before, model.generator),
        (discriminator_before, model.discriminator),
    ):
        changed = [
            not np.allclose(b, a) for b, a in zip(before, network.get_weights(), strict=True)
        ]
        assert all(changed), f"{network.name}: every weight should move in one step"
    assert 0.0 < history.history["real_score"][0] < 1.0


def test_the_discriminator_learns_to_separate_fixed_real_images_from_fakes():
    model = _tiny_gan(ema_decay=None)
    images = _real_images(64)
    history = model.fit(images, batch_size=64, epochs=5, verbose=0, shuffle=False)
    assert history.history["real_score"][-1] > history.history["real_score"][0]


def test_the_same_seed_gives_the_same_noise_and_samples():
    first, second = _tiny_gan(), _tiny_gan()
    np.testing.assert_allclose(first.sample_noise(4), second.sample_noise(4))
    np.testing.assert_allclose(first.generate(5, seed=3), second.generate(5, seed=3))


def test_generate_returns_images_in_the_tanh_range_and_refuses_labels():
    model = _tiny_gan()
    images = model.generate(7)
    assert images.shape == (7, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    noise = np.zeros((3, LATENT_DIM), "float32")
    assert model.generate(noise=noise).shape == (3, 28, 28, 1)
    with pytest.raises(ValueError, match="unconditional"):
        model.generate(3, labels=[1, 2, 3])
    with pytest.raises(ValueError, match="count="):
        model.generate()


def test_the_moving_average_generator_follows_the_generator():
    model = _tiny_gan(ema_decay=0.9)
    before = [w.copy() for w in model.ema_generator.get_weights()]
    np.testing.assert_allclose(before[0], model.generator.get_weights()[0])
    model.fit(_real_images(), batch_size=32, epochs=1, verbose=0, shuffle=False)
    # After one update the warm-up decay is min(0.9, 2 / 11): the average moves most of the way.
    decay = 2.0 / 11.0
    expected = decay * before[0] + (1 - decay) * model.generator.get_weights()[0]
    np.testing.assert_allclose(model.ema_generator.get_weights()[0], expected, rtol=1e-5, atol=1e-6)
    assert model.sampling_generator is model.ema_generator


def test_save_and_load_round_trip_keeps_class_weights_settings_and_optimisers(tmp_path):
    model = _tiny_gan(ema_decay=0.99, real_label=0.9)
    model.fit(_real_images(), batch_size=16, epochs=1, verbose=0, shuffle=False)
    path = tmp_path / "gan.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is GAN
    assert (loaded.ema_decay, loaded.real_label, loaded.latent_dim) == (0.99, 0.9, LATENT_DIM)
    noise = np.random.default_rng(1).normal(size=(4, LATENT_DIM)).astype("float32")
    np.testing.assert_allclose(loaded.generate(noise=noise), model.generate(noise=noise), atol=1e-6)
    np.testing.assert_allclose(loaded.generator(noise), model.generator(noise), atol=1e-6)
    assert (
        int(loaded.generator_optimizer.iterations) == int(model.generator_optimizer.iterations) == 2
    )
    loaded.fit(
        _real_images(), batch_size=16, epochs=1, verbose=0, shuffle=False
    )  # can keep training


def test_latent_dim_is_read_from_the_generator_input():
    assert gan_module._latent_dim(_tiny_generator()) == LATENT_DIM


def test_the_r1_penalty_changes_the_discriminator_step_only():
    images = _real_images(16)
    plain, penalised = _tiny_gan(), _tiny_gan(r1_weight=10.0)
    plain.fit(images, batch_size=16, epochs=1, verbose=0, shuffle=False)
    penalised.fit(images, batch_size=16, epochs=1, verbose=0, shuffle=False)
    # Same start, same noise: the generators take the same step, the discriminators do not.
    np.testing.assert_allclose(
        plain.generator.get_weights()[0], penalised.generator.get_weights()[0], atol=1e-6
    )
    assert not np.allclose(
        plain.discriminator.get_weights()[0], penalised.discriminator.get_weights()[0]
    )
    # A linear discriminator's input gradient is its kernel: R1 pulls the kernel towards zero.
    assert np.linalg.norm(penalised.discriminator.get_weights()[0]) < np.linalg.norm(
        plain.discriminator.get_weights()[0]
    )

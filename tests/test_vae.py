import keras
import numpy as np
import pytest
from keras import ops

from course_lib.models.vae import (
    VAE,
    KLWarmup,
    Sampling,
    bernoulli_reconstruction_loss,
    build_vae,
    build_vae_decoder,
    build_vae_encoder,
    gaussian_kl_divergence,
    load_or_train_mnist_vae,
)
from tests.conftest import requires_local_data


def _images(count=32, seed=0):
    # Mostly dark pixels, like MNIST: a model has something to learn, unlike from uniform noise.
    return (np.random.default_rng(seed).random((count, 28, 28, 1)) ** 4).astype(np.float32)


def _numpy_bernoulli_nll(images, logits):
    # -[x log sigmoid(l) + (1 - x) log(1 - sigmoid(l))], written with log1p for stability.
    per_pixel = np.maximum(logits, 0) - logits * images + np.log1p(np.exp(-np.abs(logits)))
    return per_pixel.reshape(len(images), -1).sum(axis=1)


@pytest.mark.parametrize(("latent_dim", "hidden_units"), [(2, 64), (16, 0)])
def test_encoder_decoder_and_vae_have_the_promised_shapes(latent_dim, hidden_units):
    encoder = build_vae_encoder(latent_dim, hidden_units=hidden_units)
    decoder = build_vae_decoder(latent_dim, hidden_units=hidden_units)
    z_mean, z_log_var = encoder(_images(4))
    assert z_mean.shape == (4, latent_dim) and z_log_var.shape == (4, latent_dim)
    assert decoder(z_mean).shape == (4, 28, 28, 1)
    vae = build_vae(latent_dim=latent_dim, hidden_units=hidden_units, seed=0)
    reconstructions = ops.convert_to_numpy(vae(_images(4)))
    assert reconstructions.shape == (4, 28, 28, 1)
    assert reconstructions.min() >= 0.0 and reconstructions.max() <= 1.0
    assert vae.sample(5).shape == (5, 28, 28, 1)
    assert vae.latent_dim == latent_dim


def test_dense_activation_changes_only_the_dense_layers():
    vae = build_vae(latent_dim=3, hidden_units=16, seed=0, dense_activation="swish")
    layers = [layer for network in (vae.encoder, vae.decoder) for layer in network.layers]
    heads = ("z_mean", "z_log_var", "logits")  # linear outputs, whatever the activation
    dense = [
        layer
        for layer in layers
        if isinstance(layer, keras.layers.Dense) and layer.name not in heads
    ]
    convolutions = [
        layer
        for layer in layers
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose))
        and layer.name not in heads
    ]
    assert len(dense) == 3 and len(convolutions) == 4
    swish = keras.activations.get("swish")
    assert all(layer.activation is swish for layer in dense), [layer.activation for layer in dense]
    assert all(layer.activation is keras.activations.relu for layer in convolutions)


def test_sampling_layer_draws_from_the_requested_gaussian_and_its_seed_repeats_it():
    count = 20_000
    z_mean = np.tile(np.array([[1.5, -2.0]], np.float32), (count, 1))
    z_log_var = np.tile(np.log(np.array([[0.25, 4.0]], np.float32)), (count, 1))
    samples = ops.convert_to_numpy(Sampling(seed=1)([z_mean, z_log_var]))
    assert samples.shape == (count, 2)
    np.testing.assert_allclose(samples.mean(axis=0), [1.5, -2.0], atol=0.05)
    np.testing.assert_allclose(samples.std(axis=0), [0.5, 2.0], rtol=0.03)
    again = ops.convert_to_numpy(Sampling(seed=1)([z_mean, z_log_var]))
    np.testing.assert_array_equal(samples, again)


def test_closed_form_kl_matches_a_monte_carlo_estimate():
    rng = np.random.default_rng(0)
    z_mean = rng.normal(size=(3, 4)).astype(np.float32)
    z_log_var = rng.normal(scale=0.7, size=(3, 4)).astype(np.float32)
    closed_form = ops.convert_to_numpy(gaussian_kl_divergence(z_mean, z_log_var))
    # KL(q || p) = E_q[log q(z) - log p(z)], estimated with 400 000 draws from q per row.
    sigma = np.exp(0.5 * z_log_var)
    epsilon = rng.standard_normal((400_000, 3, 4))
    z = z_mean + sigma * epsilon
    log_q = -0.5 * (epsilon**2 + np.log(2 * np.pi) + z_log_var)
    log_p = -0.5 * (z**2 + np.log(2 * np.pi))
    monte_carlo = (log_q - log_p).sum(axis=-1).mean(axis=0)
    assert closed_form.shape == (3,)
    np.testing.assert_allclose(closed_form, monte_carlo, rtol=0.01, atol=0.01)


def test_reconstruction_loss_sums_the_bernoulli_log_likelihood_over_all_pixels():
    images = _images(3)
    logits = np.random.default_rng(1).normal(size=(3, 28, 28, 1)).astype(np.float32)
    got = ops.convert_to_numpy(bernoulli_reconstruction_loss(images, logits))
    np.testing.assert_allclose(got, _numpy_bernoulli_nll(images, logits), rtol=1e-5)


def test_one_training_step_lowers_the_loss_on_a_fixed_batch():
    keras.utils.set_random_seed(0)
    vae = build_vae(latent_dim=4, seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    images = _images(64)
    before = vae.evaluate_negative_elbo(images, batch_size=64, samples=4)["negative_elbo"]
    logs = vae.train_on_batch(images, return_dict=True)
    after = vae.evaluate_negative_elbo(images, batch_size=64, samples=4)["negative_elbo"]
    assert set(logs) == {"loss", "reconstruction_loss", "kl_loss"}
    assert after < before - 1.0


def _nearly_deterministic_vae():
    """A VAE whose posterior variance is ~e^-30, so its ELBO can be computed without noise."""
    vae = build_vae(latent_dim=3, seed=0)
    log_var_layer = vae.encoder.get_layer("z_log_var")
    kernel, bias = log_var_layer.get_weights()
    log_var_layer.set_weights([np.zeros_like(kernel), np.full_like(bias, -30.0)])
    return vae


def test_negative_elbo_on_held_out_images_matches_a_numpy_computation():
    vae = _nearly_deterministic_vae()
    images = _images(
        50
    )  # 50 is not a multiple of the batch size: the last batch must count as 2 images
    z_mean, z_log_var = (ops.convert_to_numpy(t) for t in vae.encoder(images))
    logits = ops.convert_to_numpy(vae.decoder(z_mean))
    kl = 0.5 * (z_mean**2 + np.exp(z_log_var) - 1 - z_log_var).sum(axis=1)
    expected_reconstruction = _numpy_bernoulli_nll(images, logits).mean()
    result = vae.evaluate_negative_elbo(images, batch_size=16)
    assert result["reconstruction_loss"] == pytest.approx(expected_reconstruction, rel=1e-4)
    assert result["kl_loss"] == pytest.approx(kl.mean(), rel=1e-3)
    assert result["negative_elbo"] == pytest.approx(expected_reconstruction + kl.mean(), rel=1e-4)


def test_negative_elbo_ignores_beta_but_the_training_loss_weighs_the_kl_term_by_it():
    vae = _nearly_deterministic_vae()
    heavy = VAE(vae.encoder, vae.decoder, beta=4.0, seed=0)
    images = _images(16)
    light_result = vae.evaluate_negative_elbo(images)
    heavy_result = heavy.evaluate_negative_elbo(images)
    assert heavy_result["negative_elbo"] == pytest.approx(light_result["negative_elbo"], rel=1e-5)
    reconstruction, kl, total = (float(t) for t in heavy.compute_losses(images))
    assert total == pytest.approx(reconstruction + 4.0 * kl, rel=1e-5)


@pytest.mark.parametrize("dense_activation", ["relu", "swish"])
def test_saved_vae_loads_back_as_a_vae_with_the_same_outputs(tmp_path, dense_activation):
    vae = build_vae(
        latent_dim=2, hidden_units=16, beta=2.0, seed=3, dense_activation=dense_activation
    )
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    images = _images(8)
    vae.train_on_batch(images)
    path = tmp_path / "vae.keras"
    vae.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, VAE)
    assert loaded.beta == 2.0 and loaded.latent_dim == 2
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded(images)), ops.convert_to_numpy(vae(images)), atol=1e-6
    )
    points = np.array([[0.0, 0.0], [1.0, -1.0]], np.float32)
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded.decode(points)),
        ops.convert_to_numpy(vae.decode(points)),
        atol=1e-6,
    )


def test_kl_warmup_raises_the_kl_weight_to_beta():
    vae = build_vae(latent_dim=2, beta=1.0, seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    weights = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            weights.append(float(ops.convert_to_numpy(self.model.kl_weight)))

    vae.fit(_images(8), epochs=3, batch_size=8, verbose=0, callbacks=[KLWarmup(epochs=3), Record()])
    assert weights == pytest.approx([0.25, 0.5, 0.75])
    assert float(ops.convert_to_numpy(vae.kl_weight)) == 1.0


@requires_local_data
def test_mnist_vae_is_trained_once_then_loaded_from_the_cache(course_cache, smoke_mode):
    first, first_info = load_or_train_mnist_vae(latent_dim=2, verbose=False)
    second, second_info = load_or_train_mnist_vae(latent_dim=2, verbose=False)
    assert first_info["loaded"] is False and second_info["loaded"] is True
    assert isinstance(second, VAE) and second.latent_dim == 2
    assert second_info["test_negative_elbo"] == first_info["test_negative_elbo"]
    assert (
        0 < first_info["test_negative_elbo"] < 784 * np.log(2)
    )  # better than predicting 0.5 everywhere
    assert first_info["epochs"] == 1 and first_info["train_size"] == 2_000
    points = np.zeros((3, 2), np.float32)
    np.testing.assert_allclose(
        ops.convert_to_numpy(second.decode(points)),
        ops.convert_to_numpy(first.decode(points)),
        atol=1e-6,
    )

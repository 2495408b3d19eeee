"""WGAN-GP (lesson 09): the gradient penalty against hand computations, the losses, training and saving."""

import keras
import numpy as np

from course_lib.models.wgan import (
    FASHION_RECIPE,
    WGANGP,
    build_wgan_gp,
    critic_loss,
    gradient_penalty,
    wasserstein_generator_loss,
)

SHAPE = (2, 2, 1)
LATENT_DIM = 4


def _linear_critic(weights, bias=0.5):
    images = keras.Input(SHAPE)
    dense = keras.layers.Dense(1)
    model = keras.Model(images, dense(keras.layers.Flatten()(images)))
    dense.set_weights([np.asarray(weights, "float32").reshape(4, 1), np.array([bias], "float32")])
    return model


def _images(seed, count=3):
    return np.random.default_rng(seed).uniform(-1, 1, (count, *SHAPE)).astype("float32")


def test_gradient_penalty_of_a_linear_critic_is_the_squared_distance_of_its_weight_norm_from_one():
    weights = np.array([0.5, -1.0, 2.0, 0.25])
    critic = _linear_critic(weights)
    expected = (np.linalg.norm(weights) - 1.0) ** 2  # the gradient is the weight vector everywhere
    got = float(gradient_penalty(critic, _images(0), _images(1), seed=3))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_gradient_penalty_of_a_tanh_critic_equals_a_hand_computation():
    rng = np.random.default_rng(7)
    first = rng.normal(size=(4, 3)).astype("float32")
    first_bias = rng.normal(size=3).astype("float32")
    second = rng.normal(size=(3, 1)).astype("float32")
    images = keras.Input(SHAPE)
    hidden = keras.layers.Dense(3, activation="tanh")
    output = keras.layers.Dense(1)
    critic = keras.Model(images, output(hidden(keras.layers.Flatten()(images))))
    hidden.set_weights([first, first_bias])
    output.set_weights([second, np.zeros(1, "float32")])

    real, fake = _images(0), _images(1)
    alpha = np.array([0.0, 0.3, 1.0], "float32").reshape(3, 1, 1, 1)
    points = (real + alpha * (fake - real)).reshape(3, 4).astype(np.float64)
    # f(x) = v . tanh(W^T x + b)  =>  grad f(x) = W (v * (1 - tanh(W^T x + b)^2))
    activations = np.tanh(points @ first + first_bias)
    gradients = (second[:, 0] * (1 - activations**2)) @ first.T
    expected = np.mean((np.linalg.norm(gradients, axis=1) - 1.0) ** 2)
    got = float(gradient_penalty(critic, real, fake, alpha=alpha))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_wasserstein_losses_are_differences_of_means():
    real = np.array([[1.0], [3.0]], "float32")
    fake = np.array([[-2.0], [0.0]], "float32")
    np.testing.assert_allclose(float(critic_loss(real, fake)), -1.0 - 2.0)
    np.testing.assert_allclose(float(wasserstein_generator_loss(fake)), 1.0)


def _tiny_wgan():
    keras.utils.set_random_seed(0)
    noise = keras.Input((LATENT_DIM,))
    x = keras.layers.Dense(28 * 28, activation="tanh")(noise)
    generator = keras.Model(noise, keras.layers.Reshape((28, 28, 1))(x))
    images = keras.Input((28, 28, 1))
    critic = keras.Model(images, keras.layers.Dense(1)(keras.layers.Flatten()(images)))
    model = WGANGP(generator, critic, critic_steps=3, seed=2, ema_decay=0.99)
    model.compile()
    return model


def test_one_training_step_changes_generator_and_critic_and_reports_the_estimates():
    model = _tiny_wgan()
    before = [w.copy() for w in model.generator.get_weights() + model.critic.get_weights()]
    real = np.random.default_rng(0).uniform(-1, 1, (30, 28, 28, 1)).astype("float32")
    history = model.fit(real, batch_size=30, epochs=1, verbose=0, shuffle=False)
    after = model.generator.get_weights() + model.critic.get_weights()
    moved = [not np.allclose(b, a) for b, a in zip(before, after, strict=True)]
    # Every weight moves except the critic's output bias: a constant added to every score cancels in
    # mean(fake) - mean(real) and does not change the gradient, so its gradient is exactly zero.
    assert moved == [True, True, True, False]
    assert set(history.history) == {"critic_loss", "g_loss", "wasserstein", "gradient_penalty"}
    assert int(model.discriminator_optimizer.iterations) == 3  # three critic steps
    assert int(model.generator_optimizer.iterations) == 1


def test_save_and_load_round_trip_keeps_the_critic_settings(tmp_path):
    model = _tiny_wgan()
    real = np.random.default_rng(0).uniform(-1, 1, (12, 28, 28, 1)).astype("float32")
    model.fit(real, batch_size=12, epochs=1, verbose=0, shuffle=False)
    model.save(tmp_path / "wgan.keras")
    loaded = keras.saving.load_model(tmp_path / "wgan.keras")
    assert type(loaded) is WGANGP
    assert (loaded.critic_steps, loaded.gradient_penalty_weight) == (3, 10.0)
    noise = np.ones((2, LATENT_DIM), "float32")
    np.testing.assert_allclose(loaded.generate(noise=noise), model.generate(noise=noise), atol=1e-6)
    np.testing.assert_allclose(loaded.critic(real[:2]), model.critic(real[:2]), atol=1e-6)


def test_build_wgan_gp_follows_the_recipe():
    model = build_wgan_gp(seed=0, critic_steps=2)
    assert (
        model.critic_steps == 2
        and model.gradient_penalty_weight == FASHION_RECIPE["gradient_penalty_weight"]
    )
    assert model.critic.name == "critic" and model.critic.output_shape == (None, 1)
    assert float(model.generator_optimizer.beta_2) == FASHION_RECIPE["beta_2"]

"""Checks for exercise notebook 09 · Wasserstein GAN.

In the notebook:

    from course_lib.grading import lesson09 as checks

    checks.check_wasserstein_losses(wasserstein_losses)
    checks.check_gradient_penalty(gradient_penalty)
    checks.summary()

Expected values come from closed forms computed here with NumPy (a linear critic's gradient is its weight
vector; a one-hidden-layer tanh critic's gradient follows from the chain rule), never from the solution code.
"""

import numpy as np

from course_lib.grading.compare import as_array, expect_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner, describe_value

LESSON = Lesson("09", "Wasserstein GAN")


# Exercise 1: wasserstein_losses(real_scores, fake_scores) -> (critic_loss, generator_loss).


def _scores(seed, count=12):
    rng = np.random.default_rng(seed)
    real = rng.normal(loc=1.5, scale=2.0, size=(count, 1)).astype(np.float32)
    fake = rng.normal(loc=-0.5, scale=3.0, size=(count, 1)).astype(np.float32)
    return real, fake


def _check_losses(wasserstein_losses, real, fake):
    import tensorflow as tf

    result = call_learner(wasserstein_losses, tf.constant(real), tf.constant(fake))
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise WrongAnswer(
            f"wasserstein_losses should return (critic_loss, generator_loss), got {describe_value(result)}."
        )
    real64, fake64 = real.astype(np.float64), fake.astype(np.float64)
    critic = np.mean(fake64) - np.mean(real64)
    generator = -np.mean(fake64)
    expect_close(
        result[0],
        critic,
        what="the critic loss",
        factor_hints={len(real): "did you sum over the batch instead of averaging?"},
        known_mistakes=[
            (
                -np.mean(np.logaddexp(0, -real64)) - np.mean(np.logaddexp(0, fake64)),
                "that is a cross-entropy: a critic's loss has no sigmoid and no log, mean(fake) - mean(real).",
            ),
            (
                generator,
                "that is the generator's loss: return (critic_loss, generator_loss) in that order.",
            ),
        ],
        shape_hint="Average over the batch: each loss is a single number.",
    )
    expect_close(
        result[1],
        generator,
        what="the generator loss",
        factor_hints={len(fake): "did you sum over the batch instead of averaging?"},
        known_mistakes=[
            (
                np.mean(np.logaddexp(0, -fake64)),
                "that is the non-saturating GAN loss: the WGAN generator minimises -mean(fake_scores).",
            ),
            (
                np.mean(fake64),
                "the sign is wrong: the generator wants its scores *high*, so it minimises -mean(fake).",
            ),
        ],
        shape_hint="Average over the batch: each loss is a single number.",
    )


def _losses_on_random_scores(wasserstein_losses):
    _check_losses(wasserstein_losses, *_scores(901))


def _losses_on_unbounded_scores(wasserstein_losses):
    real = np.array([[250.0], [-40.0], [3.0], [90.0]], np.float32)
    fake = np.array([[-300.0], [10.0], [-7.5], [0.0]], np.float32)
    _check_losses(wasserstein_losses, real, fake)


check_wasserstein_losses = LESSON.exercise(
    "wasserstein_losses",
    parts=[
        Part("12 real and 12 fake scores", _losses_on_random_scores),
        Part("unbounded scores up to ±300 (no sigmoid anywhere)", _losses_on_unbounded_scores),
    ],
)


# Exercise 2: gradient_penalty(critic, real_images, fake_images, alpha) -> mean((||grad f(x_hat)|| - 1)^2).

SHAPE = (3, 3, 1)
PIXELS = 9


def _images(seed, count=4):
    return np.random.default_rng(seed).uniform(-1, 1, (count, *SHAPE)).astype(np.float32)


def _alpha(count=4):
    return np.linspace(0.1, 0.9, count).reshape(count, 1, 1, 1).astype(np.float32)


def _linear_critic(weights):
    import keras

    images = keras.Input(SHAPE)
    dense = keras.layers.Dense(1)
    critic = keras.Model(images, dense(keras.layers.Flatten()(images)))
    dense.set_weights(
        [np.asarray(weights, np.float32).reshape(PIXELS, 1), np.array([0.3], np.float32)]
    )
    return critic


def _tanh_critic(seed):
    import keras

    rng = np.random.default_rng(seed)
    first = rng.normal(scale=0.8, size=(PIXELS, 5)).astype(np.float32)
    first_bias = rng.normal(size=5).astype(np.float32)
    second = rng.normal(size=(5, 1)).astype(np.float32)
    images = keras.Input(SHAPE)
    hidden = keras.layers.Dense(5, activation="tanh")
    output = keras.layers.Dense(1)
    critic = keras.Model(images, output(hidden(keras.layers.Flatten()(images))))
    hidden.set_weights([first, first_bias])
    output.set_weights([second, np.zeros(1, np.float32)])
    return critic, (
        first.astype(np.float64),
        first_bias.astype(np.float64),
        second.astype(np.float64),
    )


def _tanh_gradients(points, weights):
    first, first_bias, second = weights
    activations = np.tanh(points @ first + first_bias)  # f(x) = v . tanh(W^T x + b)
    return (second[:, 0] * (1 - activations**2)) @ first.T  # grad f(x) = W (v * (1 - tanh^2))


def _penalty_mistakes(gradients):
    norms = np.linalg.norm(gradients, axis=1)
    squared = np.sum(gradients**2, axis=1)
    return [
        (
            np.mean((squared - 1) ** 2),
            "that uses the squared norm ||g||^2: take its square root before subtracting 1.",
        ),
        (
            (np.linalg.norm(gradients) - 1) ** 2,
            "that is one norm over the whole batch: compute one gradient norm per image (sum over the pixel axes "
            "only), then average the squared distances from 1.",
        ),
        (np.mean(norms - 1), "the distance from 1 must be squared: mean((norm - 1)^2)."),
        (np.mean(norms**2), "the penalty is mean((norm - 1)^2), not the mean squared norm."),
    ]


def _check_penalty(gradient_penalty, critic, real, fake, alpha, gradient_function):
    import tensorflow as tf

    points = (real + alpha * (fake - real)).reshape(len(real), -1).astype(np.float64)
    gradients = gradient_function(points)
    expected = np.mean((np.linalg.norm(gradients, axis=1) - 1.0) ** 2)
    got = call_learner(
        gradient_penalty, critic, tf.constant(real), tf.constant(fake), tf.constant(alpha)
    )
    at_real = gradient_function(real.reshape(len(real), -1).astype(np.float64))
    at_fake = gradient_function(fake.reshape(len(fake), -1).astype(np.float64))
    mistakes = _penalty_mistakes(gradients)
    if not np.allclose(at_real, gradients):  # a linear critic has the same gradient everywhere
        mistakes += [
            (
                np.mean((np.linalg.norm(at_real, axis=1) - 1) ** 2),
                "that penalises the gradient at the real images: take it at the interpolated images "
                "x_hat = real + alpha * (fake - real).",
            ),
            (
                np.mean((np.linalg.norm(at_fake, axis=1) - 1) ** 2),
                "that penalises the gradient at the generated images: take it at the interpolated images "
                "x_hat = real + alpha * (fake - real).",
            ),
        ]
    expect_close(got, expected, what="the gradient penalty", rtol=1e-3, known_mistakes=mistakes)


def _penalty_of_a_linear_critic(gradient_penalty):
    weights = np.random.default_rng(911).normal(scale=0.5, size=PIXELS)
    critic = _linear_critic(weights)
    _check_penalty(
        gradient_penalty,
        critic,
        _images(912),
        _images(913),
        _alpha(),
        lambda points: np.tile(weights, (len(points), 1)),
    )


def _penalty_of_a_tanh_critic(gradient_penalty):
    critic, weights = _tanh_critic(921)
    _check_penalty(
        gradient_penalty,
        critic,
        _images(922),
        _images(923),
        _alpha(),
        lambda points: _tanh_gradients(points, weights),
    )


def _penalty_trains_the_critic(gradient_penalty):
    import tensorflow as tf

    critic, _ = _tanh_critic(931)
    with tf.GradientTape() as tape:
        penalty = call_learner(
            gradient_penalty,
            critic,
            tf.constant(_images(932)),
            tf.constant(_images(933)),
            tf.constant(_alpha()),
        )
        if not tf.is_tensor(penalty):
            raise WrongAnswer(
                f"the penalty is {describe_value(penalty)}, not a tensor: the critic's weights are trained on it, so "
                "keep it a tensor (use keras.ops or tf, not NumPy or float())."
            )
    gradients = tape.gradient(penalty, critic.trainable_weights)
    if any(gradient is None for gradient in gradients[:2]):
        raise WrongAnswer(
            "the penalty does not depend on the critic's weights as far as an outer tape can tell: compute the "
            "input gradient with a GradientTape (inner tape) and keep everything in tensors, so the outer tape "
            "can differentiate the penalty with respect to the critic."
        )
    as_array(gradients[0].numpy(), "the gradient of the penalty")


check_gradient_penalty = LESSON.exercise(
    "gradient_penalty",
    parts=[
        Part("a linear critic: the penalty is (||w|| - 1)^2", _penalty_of_a_linear_critic),
        Part(
            "a one-hidden-layer tanh critic, against a hand computation", _penalty_of_a_tanh_critic
        ),
        Part(
            "the penalty can be differentiated with respect to the critic's weights",
            _penalty_trains_the_critic,
        ),
    ],
)


summary = LESSON.summary
passed = LESSON.passed

"""Checks for exercise notebook 05 · Variational autoencoders.

In the notebook:

    from course_lib.grading import lesson05 as checks

    checks.check_sample_latent(sample_latent)
    checks.check_gaussian_kl(gaussian_kl)
    checks.check_negative_elbo(negative_elbo)
    checks.summary()

Every expected value is computed here in NumPy (float64) from the closed forms, never with the solution code
or the course's `VAE`. Sampling is random, so its check measures the statistics of many samples, and the
exact relation between each sample, its mean and its standard deviation through the gradients.
"""

import numpy as np
import tensorflow as tf

from course_lib.grading.compare import as_array, expect_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner

LESSON = Lesson("05", "Variational autoencoders")


# Exercise 1: sample_latent(z_mean, z_log_var, seed) -> z = mean + exp(log_var / 2) * epsilon.

_COUNT = 40_000
_MEANS = np.array([1.5, -2.0, 0.0], dtype=np.float32)
_STDDEVS = np.array([0.5, 2.0, 1.0], dtype=np.float32)


def _latent_batch():
    z_mean = np.tile(_MEANS, (_COUNT, 1))
    z_log_var = np.tile(np.log(_STDDEVS**2), (_COUNT, 1)).astype(np.float32)
    return z_mean, z_log_var


def _samples(sample_latent, z_mean, z_log_var, seed):
    got = as_array(
        call_learner(sample_latent, tf.constant(z_mean), tf.constant(z_log_var), seed),
        "your samples",
    )
    if got.shape != z_mean.shape:
        raise WrongAnswer(
            f"expected one sample per row of z_mean, shape {z_mean.shape}, got {got.shape}. "
            "Draw epsilon with the shape of z_mean."
        )
    return got.astype(np.float64)


def _sampling_statistics(sample_latent):
    z_mean, z_log_var = _latent_batch()
    z = _samples(sample_latent, z_mean, z_log_var, 1)
    means, spreads = z.mean(axis=0), z.std(axis=0)
    if np.allclose(z, z_mean, atol=1e-6):
        raise WrongAnswer(
            "your samples are the means themselves and do not vary at all: add sigma * epsilon, "
            "with epsilon ~ N(0, I)."
        )
    if np.allclose(z[0], z[1]) and np.allclose(z[1], z[2]):
        raise WrongAnswer(
            "every row got the same noise: draw epsilon with the shape of the whole batch, `ops.shape(z_mean)`."
        )
    stddevs = _STDDEVS.astype(np.float64)
    wrong_spreads = [
        (
            stddevs**2,
            "the standard deviation is sigma = exp(z_log_var / 2); you used exp(z_log_var), the variance.",
        ),
        (
            np.sqrt(stddevs),
            "you used exp(z_log_var / 4): sigma = exp(z_log_var / 2) = exp(0.5 * z_log_var).",
        ),
        (
            np.abs(np.log(stddevs**2)),
            "you multiplied epsilon by z_log_var itself: sigma = exp(0.5 * z_log_var).",
        ),
    ]
    for wrong, message in wrong_spreads:
        if np.allclose(spreads, wrong, rtol=0.03, atol=0.02) and not np.allclose(
            wrong, stddevs, rtol=0.03
        ):
            raise WrongAnswer(message)
    if np.allclose(means, 0.0, atol=0.05):
        raise WrongAnswer("your samples have mean 0: add z_mean, z = z_mean + sigma * epsilon.")
    expect_close(means, _MEANS, what="the mean of 40,000 samples", rtol=0.0, atol=0.05)
    expect_close(
        spreads, stddevs, what="the standard deviation of 40,000 samples", rtol=0.03, atol=0.0
    )


def _sampling_seed_and_gradients(sample_latent):
    z_mean = tf.Variable(np.tile(_MEANS, (500, 1)))
    z_log_var = tf.Variable(np.tile(np.log(_STDDEVS**2), (500, 1)).astype(np.float32))
    with tf.GradientTape(persistent=True) as tape:
        z = call_learner(sample_latent, z_mean, z_log_var, 5)
        total = tf.reduce_sum(tf.cast(z, tf.float32)) if tf.is_tensor(z) else None
    if total is None:
        raise WrongAnswer(
            "your samples are not a tensor, so no gradient can flow back to z_mean and z_log_var: "
            "compute them with `keras.ops` (or TensorFlow), not NumPy. That is the point of the trick."
        )
    grad_mean, grad_log_var = tape.gradient(total, [z_mean, z_log_var])
    if grad_mean is None or grad_log_var is None:
        missing = "z_mean" if grad_mean is None else "z_log_var"
        raise WrongAnswer(
            f"no gradient reaches {missing}: the sample must be computed from it, z = z_mean + "
            "exp(0.5 * z_log_var) * epsilon, with keras.ops or TensorFlow."
        )
    z = np.asarray(z, dtype=np.float64)
    # dz/dmean = 1; dz/dlog_var = 0.5 * sigma * epsilon = 0.5 * (z - mean): exact for every sample.
    expect_close(grad_mean, np.ones((500, 3)), what="d z / d z_mean (should be 1 everywhere)")
    expect_close(
        grad_log_var,
        0.5 * (z - np.asarray(z_mean, dtype=np.float64)),
        what="d z / d z_log_var (should be 0.5 * sigma * epsilon = 0.5 * (z - z_mean))",
        rtol=1e-3,
        atol=1e-4,
    )
    again = np.asarray(call_learner(sample_latent, z_mean, z_log_var, 5), dtype=np.float64)
    other = np.asarray(call_learner(sample_latent, z_mean, z_log_var, 6), dtype=np.float64)
    if not np.array_equal(z, again):
        raise WrongAnswer(
            "the same seed gave different samples: pass `seed` to the random function, "
            "e.g. `keras.random.normal(ops.shape(z_mean), seed=seed)`."
        )
    if np.array_equal(z, other):
        raise WrongAnswer("seeds 5 and 6 gave the same samples: the seed should change epsilon.")


check_sample_latent = LESSON.exercise(
    "sample_latent",
    parts=[
        Part(
            "40,000 samples have the requested means and standard deviations", _sampling_statistics
        ),
        Part(
            "gradients flow to z_mean and z_log_var, and the seed repeats the samples",
            _sampling_seed_and_gradients,
        ),
    ],
)


# Exercise 2: gaussian_kl(z_mean, z_log_var) -> (batch,) KL(N(mean, sigma^2) || N(0, I)), summed over dimensions.


def _kl_terms(z_mean, z_log_var):
    mean, log_var = z_mean.astype(np.float64), z_log_var.astype(np.float64)
    return 0.5 * (mean**2 + np.exp(log_var) - 1.0 - log_var)


def _check_kl(gaussian_kl, z_mean, z_log_var, extra_mistakes=()):
    terms = _kl_terms(z_mean, z_log_var)
    expected = terms.sum(axis=1)
    latent_dim = z_mean.shape[1]
    got = call_learner(gaussian_kl, tf.constant(z_mean), tf.constant(z_log_var))
    log_var = z_log_var.astype(np.float64)
    sigma = np.exp(0.5 * log_var)
    expect_close(
        got,
        expected,
        what="the KL divergence",
        factor_hints={
            1 / latent_dim: "did you average over the latent dimensions? Sum over them (axis=-1).",
            2.0: "the closed form has a factor 1/2 in front: 0.5 * sum(mean² + sigma² - 1 - log sigma²).",
        },
        known_mistakes=[
            (
                np.array(expected.mean()),
                "that is one number for the whole batch: return one KL per example, shape (batch,), "
                "summing over the latent axis only (axis=-1).",
            ),
            (
                np.array(expected.sum()),
                "that is one number for the whole batch: return one KL per example, shape (batch,), "
                "summing over the latent axis only (axis=-1).",
            ),
            (
                (0.5 * (z_mean.astype(np.float64) ** 2 + sigma - 1.0 - 0.5 * log_var)).sum(axis=1),
                "you treated z_log_var as log sigma: it is log sigma², so sigma² = exp(z_log_var).",
            ),
            (
                (0.5 * (z_mean.astype(np.float64) ** 2 + np.exp(log_var) - 1.0 + log_var)).sum(
                    axis=1
                ),
                "check the sign of the log-variance term: KL = 0.5 * sum(mean² + exp(log_var) - 1 - log_var).",
            ),
            *extra_mistakes,
        ],
        shape_hint="One KL per example: sum over the latent dimensions only, `ops.sum(..., axis=-1)`.",
    )


def _kl_of_a_random_batch(gaussian_kl):
    rng = np.random.default_rng(505)
    z_mean = rng.normal(size=(64, 8)).astype(np.float32)
    z_log_var = rng.normal(scale=0.8, size=(64, 8)).astype(np.float32)
    _check_kl(gaussian_kl, z_mean, z_log_var)


def _kl_special_cases(gaussian_kl):
    # Row 0 is the prior itself (KL 0); row 1 a shifted unit Gaussian (KL = mean² / 2 per dimension);
    # row 2 a narrow one, row 3 a wide one.
    z_mean = np.array([[0.0, 0.0], [3.0, -1.0], [0.0, 0.0], [1.0, 0.5]], dtype=np.float32)
    z_log_var = np.array([[0.0, 0.0], [0.0, 0.0], [-4.0, -4.0], [2.0, 1.0]], dtype=np.float32)
    _check_kl(gaussian_kl, z_mean, z_log_var)


check_gaussian_kl = LESSON.exercise(
    "gaussian_kl",
    parts=[
        Part("a batch of 64 Gaussians in 8 dimensions", _kl_of_a_random_batch),
        Part("the prior itself (KL 0), shifted, narrow and wide Gaussians", _kl_special_cases),
    ],
)


# Exercise 3: negative_elbo(images, logits, z_mean, z_log_var) -> one number, the batch mean of
# [sum over pixels of BCE(images, sigmoid(logits))] + [sum over latent dimensions of the KL].


def _bce_per_pixel(images, logits):
    x, logit = images.astype(np.float64), logits.astype(np.float64)
    return np.maximum(logit, 0) - logit * x + np.log1p(np.exp(-np.abs(logit)))


def _elbo_inputs(batch, latent_dim, binary, seed):
    rng = np.random.default_rng(seed)
    images = rng.random((batch, 28, 28, 1)) ** 3
    if binary:
        images = (images > 0.5).astype(np.float64)
    logits = rng.normal(scale=3.0, size=(batch, 28, 28, 1))
    z_mean = rng.normal(size=(batch, latent_dim))
    z_log_var = rng.normal(scale=0.5, size=(batch, latent_dim))
    return [array.astype(np.float32) for array in (images, logits, z_mean, z_log_var)]


def _check_elbo(negative_elbo, batch, latent_dim, binary, seed):
    images, logits, z_mean, z_log_var = _elbo_inputs(batch, latent_dim, binary, seed)
    pixels = _bce_per_pixel(images, logits).reshape(batch, -1)
    reconstruction = pixels.sum(axis=1)
    kl = _kl_terms(z_mean, z_log_var).sum(axis=1)
    expected = np.mean(reconstruction + kl)
    averaged_over_pixels = np.mean(pixels.mean(axis=1) + kl)
    both_averaged = np.mean(pixels.mean(axis=1) + _kl_terms(z_mean, z_log_var).mean(axis=1))
    pixel_mistake = (
        "you averaged the reconstruction loss over the pixels instead of summing it (mean vs sum, the classic "
        "mistake). The ELBO's log p(x|z) is a sum over all 784 pixels; averaging divides it by 784, which "
        "makes the KL term 784 times too strong and the VAE's images blurry. Sum over the pixel axes "
        "(axis=(1, 2, 3)), then average over the batch."
    )
    got = call_learner(
        negative_elbo,
        tf.constant(images),
        tf.constant(logits),
        tf.constant(z_mean),
        tf.constant(z_log_var),
    )
    expect_close(
        got,
        expected,
        what="the negative ELBO",
        rtol=1e-4,
        factor_hints={batch: "did you sum over the batch instead of averaging over it?"},
        known_mistakes=[
            (np.array(averaged_over_pixels), pixel_mistake),
            (
                np.array(both_averaged),
                pixel_mistake + " The KL term, too, is a sum over the latent dimensions.",
            ),
            (
                np.array(np.mean(reconstruction + kl / latent_dim)),
                "the KL term is a sum over the latent dimensions, not a mean.",
            ),
            (
                np.array(np.mean(reconstruction)),
                "that is the reconstruction term alone: add the KL divergence.",
            ),
            (np.array(np.mean(kl)), "that is the KL term alone: add the reconstruction loss."),
            (
                np.array(np.mean(reconstruction - kl)),
                "you subtracted the KL term: the negative ELBO is reconstruction loss PLUS KL.",
            ),
            (
                np.array(-expected),
                "that is the ELBO itself; the loss to minimise is the negative ELBO, -ELBO = reconstruction + KL.",
            ),
            (
                reconstruction + kl,
                "return one number, the mean over the batch, not one value per image.",
            ),
        ],
        shape_hint="Return one number: the mean over the batch of (reconstruction loss + KL) per image.",
    )


def _elbo_of_grey_images(negative_elbo):
    _check_elbo(negative_elbo, batch=16, latent_dim=4, binary=False, seed=5051)


def _elbo_of_binary_images(negative_elbo):
    _check_elbo(negative_elbo, batch=10, latent_dim=2, binary=True, seed=5052)


check_negative_elbo = LESSON.exercise(
    "negative_elbo",
    parts=[
        Part("16 grey-level images, latent size 4", _elbo_of_grey_images),
        Part("10 binary images, latent size 2", _elbo_of_binary_images),
    ],
)

summary = LESSON.summary
passed = LESSON.passed

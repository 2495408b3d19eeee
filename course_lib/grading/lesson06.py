"""Checks for exercise notebook 06 · GANs from scratch.

In the notebook:

    from course_lib.grading import lesson06 as checks

    checks.check_discriminator_loss(discriminator_loss)
    checks.check_generator_loss(generator_loss)
    checks.check_build_generator(build_generator)
    checks.check_real_batches(real_batches)
    checks.check_train_step(train_step)
    checks.summary()

Every expected value is computed here with NumPy (losses in float64 with `np.logaddexp`) or measured on small
networks built here, never with the solution code.
"""

import numpy as np

from course_lib.grading.compare import as_array, expect_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner, describe_value

LESSON = Lesson("06", "GANs from scratch")


def _softplus(x):
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def _logits(seed, count, scale=2.0):
    rng = np.random.default_rng(seed)
    return (rng.normal(scale=scale, size=(count, 1))).astype(np.float32)


def _call_with_tensors(function, *arrays):
    import tensorflow as tf

    return call_learner(function, *(tf.constant(array) for array in arrays))


def _probability_first_hint(what):
    return (
        f"{what} is wrong for confident logits: computing the sigmoid first and then its log loses everything "
        "float32 cannot hold (it rounds sigmoid(40) to exactly 1). Work from the logits: "
        "-log sigmoid(l) = softplus(-l) and -log(1 - sigmoid(l)) = softplus(l), or a loss with from_logits=True."
    )


def _require_finite(value, what):
    array = as_array(value, what)
    if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        raise WrongAnswer(
            f"{what} is {array.ravel()[0] if array.size == 1 else 'not finite'} for confident logits: the log of a "
            "sigmoid that rounded to 0 or 1. Compute it from the logits with softplus (or from_logits=True)."
        )
    return array


# Exercise 1: discriminator_loss(real_logits, fake_logits) -> mean softplus(-real) + mean softplus(fake).


def _expected_discriminator_loss(real, fake):
    return np.mean(_softplus(-real)) + np.mean(_softplus(fake))


def _discriminator_mistakes(real, fake):
    return [
        (
            np.mean(_softplus(real)) + np.mean(_softplus(-fake)),
            "the targets are swapped: real images should be called real (target 1, loss softplus(-logit)) and "
            "generated ones fake (target 0, loss softplus(logit)).",
        ),
        (
            np.mean(_softplus(-real)),
            "that is only the real half: add the loss on the generated images, mean(softplus(fake_logits)).",
        ),
        (
            np.mean(_softplus(fake)),
            "that is only the fake half: add the loss on the real images, mean(softplus(-real_logits)).",
        ),
        (
            np.mean(_sigmoid(real)) - np.mean(_sigmoid(fake)),
            "that uses the discriminator's probabilities directly (the broken listing's mistake): the loss is a "
            "cross-entropy, -log D(x) - log(1 - D(G(z))).",
        ),
    ]


def _check_discriminator_loss(discriminator_loss, real, fake, stability=False):
    expected = _expected_discriminator_loss(real, fake)
    got = _call_with_tensors(discriminator_loss, real, fake)
    what = "the discriminator loss"
    if stability:
        array = _require_finite(got, what)
        if array.shape == () and not np.isclose(float(array), expected, rtol=1e-3):
            raise WrongAnswer(
                _probability_first_hint(what) + f" Expected {expected:.6g}, got {float(array):.6g}."
            )
    expect_close(
        got,
        expected,
        what=what,
        factor_hints={
            len(real): "did you sum over the batch instead of averaging?",
            0.5: "add the real and the fake halves; do not average them.",
        },
        known_mistakes=_discriminator_mistakes(real, fake),
        shape_hint="Average over the batch: the loss is a single number.",
    )


def _discriminator_loss_values(discriminator_loss):
    _check_discriminator_loss(discriminator_loss, _logits(601, 16), _logits(602, 16))


def _discriminator_loss_is_stable(discriminator_loss):
    real = np.array([[-60.0], [-30.0], [0.5], [40.0]], np.float32)
    fake = np.array([[50.0], [-45.0], [25.0], [-0.5]], np.float32)
    _check_discriminator_loss(discriminator_loss, real, fake, stability=True)


check_discriminator_loss = LESSON.exercise(
    "discriminator_loss",
    parts=[
        Part("16 real and 16 fake logits of moderate size", _discriminator_loss_values),
        Part("confident logits up to ±60 (numerically stable)", _discriminator_loss_is_stable),
    ],
)


# Exercise 2: generator_loss(fake_logits) -> mean softplus(-fake), the non-saturating loss.


def _generator_mistakes(fake):
    return [
        (
            -np.mean(_softplus(fake)),
            "that is the saturating loss log(1 - D(G(z))): its gradient vanishes when the discriminator rejects "
            "the fakes. Use the non-saturating -log D(G(z)) = softplus(-logit).",
        ),
        (
            np.mean(_softplus(fake)),
            "that is the discriminator's loss on fakes (target 0): the generator wants its fakes called real "
            "(target 1), -log D(G(z)) = softplus(-logit).",
        ),
        (
            np.mean(_sigmoid(fake)),
            "that is the mean probability D(G(z)) (the broken listing's fault 3): minimising it makes the fakes "
            "less convincing. Use the cross-entropy -log D(G(z)).",
        ),
        (
            -np.mean(_sigmoid(fake)),
            "that uses the probability D(G(z)) itself, not a cross-entropy: use -log D(G(z)) = softplus(-logit).",
        ),
    ]


def _check_generator_loss(generator_loss, fake, stability=False):
    expected = np.mean(_softplus(-fake))
    got = _call_with_tensors(generator_loss, fake)
    what = "the generator loss"
    if stability:
        array = _require_finite(got, what)
        if array.shape == () and not np.isclose(float(array), expected, rtol=1e-3):
            known = [value for value, _ in _generator_mistakes(fake)]
            if not any(np.isclose(float(array), value, rtol=1e-3) for value in known):
                raise WrongAnswer(
                    _probability_first_hint(what)
                    + f" Expected {expected:.6g}, got {float(array):.6g}."
                )
    expect_close(
        got,
        expected,
        what=what,
        factor_hints={len(fake): "did you sum over the batch instead of averaging?"},
        known_mistakes=_generator_mistakes(fake),
        shape_hint="Average over the batch: the loss is a single number.",
    )


def _generator_loss_values(generator_loss):
    _check_generator_loss(generator_loss, _logits(611, 16))


def _generator_loss_is_stable(generator_loss):
    _check_generator_loss(
        generator_loss, np.array([[-120.0], [-20.0], [0.0], [35.0]], np.float32), stability=True
    )


check_generator_loss = LESSON.exercise(
    "generator_loss",
    parts=[
        Part("16 fake logits of moderate size", _generator_loss_values),
        Part("confident logits from -120 to 35 (numerically stable)", _generator_loss_is_stable),
    ],
)


# Exercise 3: build_generator(noise_dim) -> a keras.Model from (N, noise_dim) noise to (N, 28, 28, 1) in [-1, 1].


def _built_generator(build_generator, noise_dim):
    import keras

    model = call_learner(build_generator, noise_dim)
    if model is None:
        raise WrongAnswer("build_generator returned None: did you forget `return model`?")
    if not isinstance(model, keras.Model):
        raise WrongAnswer(
            f"expected a keras.Model, got {describe_value(model)}. Return the model you built."
        )
    return model


def _generate(model, noise):
    import keras

    try:
        images = model(noise, training=False)
    except Exception as error:
        raise WrongAnswer(
            f"the generator cannot take noise of shape {noise.shape} ({type(error).__name__}: "
            f"{str(error).splitlines()[0][:120]}). Start it with keras.Input(shape=(noise_dim,))."
        ) from None
    return as_array(keras.ops.convert_to_numpy(images), "the generator's output")


def _check_generator_shape(build_generator, noise_dim):
    model = _built_generator(build_generator, noise_dim)
    noise = np.random.default_rng(noise_dim).normal(size=(5, noise_dim)).astype(np.float32)
    images = _generate(model, noise)
    if images.shape == (5, noise_dim):
        raise WrongAnswer(
            f"the generator outputs vectors of shape (5, {noise_dim}), the size of its *input* (the broken listing's "
            "fault 2). End with Dense(28 * 28, activation='tanh') and Reshape((28, 28, 1))."
        )
    if images.shape == (5, 784):
        raise WrongAnswer(
            "the output has shape (5, 784): 784 pixels, but flat. Add Reshape((28, 28, 1)) at the end."
        )
    if images.shape == (5, 28, 28):
        raise WrongAnswer(
            "the output has shape (5, 28, 28): the channel axis is missing. Reshape to (28, 28, 1)."
        )
    if images.shape != (5, 28, 28, 1):
        raise WrongAnswer(
            f"for noise of shape (5, {noise_dim}) expected images of shape (5, 28, 28, 1), got {images.shape}."
        )
    return model, images


def _generator_shapes(build_generator):
    for noise_dim in (64, 16):
        _check_generator_shape(build_generator, noise_dim)


def _generator_range_and_variety(build_generator):
    import keras

    keras.utils.set_random_seed(606)
    model, images = _check_generator_shape(build_generator, 32)
    if images.min() < -1.0001 or images.max() > 1.0001:
        raise WrongAnswer(
            f"the pixels range from {images.min():.3g} to {images.max():.3g}: real images are scaled to [-1, 1], so "
            "end with activation='tanh'."
        )
    if images.min() >= 0 and images.max() <= 1:
        last_activation = getattr(model.layers[-1], "activation", None) or getattr(
            model.layers[-2], "activation", None
        )
        if getattr(last_activation, "__name__", "") == "sigmoid":
            raise WrongAnswer(
                "the output uses a sigmoid, (0, 1): real images are in [-1, 1], so use tanh."
            )
    if np.allclose(images[0], images[1:], atol=1e-6):
        raise WrongAnswer(
            "different noise vectors give the same image: the output must depend on the noise."
        )
    if not model.trainable_weights:
        raise WrongAnswer("the generator has no trainable weights: build it from Dense layers.")


check_build_generator = LESSON.exercise(
    "build_generator",
    parts=[
        Part("noise of 64 and of 16 numbers -> images (N, 28, 28, 1)", _generator_shapes),
        Part(
            "pixels in [-1, 1] (tanh), different noise -> different images",
            _generator_range_and_variety,
        ),
    ],
    time_limit=60,
)


# Exercise 4: real_batches(images, batch_size) -> a tf.data.Dataset of shuffled batches of real images in [-1, 1].


def _digit_images(count=100, seed=620):
    from course_lib import data

    (x_train, y_train), _ = data.load_dataset("mnist")
    images, _ = data.take_subset(x_train, y_train, size=count, seed=seed)
    return images


def _batches(real_batches, images, batch_size):
    import tensorflow as tf

    dataset = call_learner(real_batches, images.copy(), batch_size)
    if dataset is None:
        raise WrongAnswer("real_batches returned None: did you forget `return dataset`?")
    if not isinstance(dataset, tf.data.Dataset):
        raise WrongAnswer(
            f"expected a tf.data.Dataset, got {describe_value(dataset)}: build one with "
            "tf.data.Dataset.from_tensor_slices (or course_lib.data.make_dataset)."
        )
    batches = []
    for element in dataset.take(1000):
        if isinstance(element, tuple | list):
            raise WrongAnswer(
                "each element should be a batch of images alone, not a tuple (no labels needed)."
            )
        batches.append(as_array(element.numpy(), "a batch"))
    if not batches:
        raise WrongAnswer("the data set is empty.")
    return batches


def _check_batches(real_batches, batch_size):
    images = _digit_images()
    batches = _batches(real_batches, images, batch_size)
    first = batches[0]
    if first.ndim == 3:
        raise WrongAnswer(
            f"a batch has shape {first.shape}: add the channel axis, (batch, 28, 28, 1)."
        )
    if first.shape[1:] != (28, 28, 1):
        raise WrongAnswer(f"a batch has shape {first.shape}, expected (batch, 28, 28, 1).")
    if first.shape[0] != batch_size:
        raise WrongAnswer(
            f"the first batch holds {first.shape[0]} images, expected batch_size = {batch_size}."
        )
    everything = np.concatenate(batches)
    if len(everything) != len(images):
        raise WrongAnswer(
            f"one pass over the data set gives {len(everything)} images, expected each of the {len(images)} once."
        )
    expected = images.astype(np.float64) / 127.5 - 1.0
    if everything.max() <= 1.0 and everything.min() >= 0.0 and everything.max() > 0.5:
        raise WrongAnswer(
            "the pixels are in [0, 1]: a tanh generator's images are in [-1, 1], so scale to [-1, 1]."
        )
    if everything.max() > 1.5:
        raise WrongAnswer(
            f"the pixels go up to {everything.max():g}: scale the 0..255 pixels to [-1, 1]."
        )
    got_sorted = np.sort(everything.reshape(len(everything), -1).sum(axis=1))
    expected_sorted = np.sort(expected.reshape(len(expected), -1).sum(axis=1))
    if not np.allclose(got_sorted, expected_sorted, atol=1e-2):
        raise WrongAnswer(
            "the batches do not hold the given images (scaled to [-1, 1]): use the `images` argument, not random "
            "noise (the broken listing's fault 4) or another data set."
        )
    return images, everything


def _batches_shapes_and_contents(real_batches):
    _check_batches(real_batches, 32)


def _batches_are_shuffled(real_batches):
    images, everything = _check_batches(real_batches, 25)
    expected = images.astype(np.float64) / 127.5 - 1.0
    if np.allclose(everything.reshape(expected.shape), expected, atol=1e-2):
        raise WrongAnswer(
            "the images come in the order they were given: shuffle them (dataset.shuffle(len(images))) so "
            "every batch is a fresh random mix."
        )


check_real_batches = LESSON.exercise(
    "real_batches",
    parts=[
        Part(
            "batches of (batch_size, 28, 28, 1) holding every given image once, in [-1, 1]",
            _batches_shapes_and_contents,
        ),
        Part("the images are shuffled", _batches_are_shuffled),
    ],
    time_limit=60,
)


# Exercise 5: train_step(real_images, generator, discriminator, generator_optimizer, discriminator_optimizer)
# -> (d_loss, g_loss), with fresh noise, both halves of the discriminator loss in its tape, the non-saturating
# generator loss, and one update of each network.

STEP_BATCH = 8
STEP_LATENT_DIM = 6
STEP_LEARNING_RATE = 1e-2


def _step_networks(seed):
    """A small generator that remembers its last noise batch (in `generator.last_noise`) and a linear discriminator."""
    import keras
    import tensorflow as tf

    class RecordNoise(keras.layers.Layer):
        """Passes its input through unchanged and keeps a copy of it."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.last = tf.Variable(tf.zeros((0, 0)), shape=tf.TensorShape(None), trainable=False)

        def call(self, noise):
            self.last.assign(tf.cast(noise, tf.float32))
            return noise

        def compute_output_shape(self, input_shape):
            return input_shape

    keras.utils.set_random_seed(seed)
    keras.random.normal(
        (1,)
    )  # creates Keras' global seed generator here, not inside a learner's @tf.function
    noise = keras.Input((STEP_LATENT_DIM,))
    recorder = RecordNoise()
    x = keras.layers.Dense(28 * 28, activation="tanh")(recorder(noise))
    generator = keras.Model(noise, keras.layers.Reshape((28, 28, 1))(x), name="recording_generator")
    generator.last_noise = recorder.last
    images = keras.Input((28, 28, 1))
    discriminator = keras.Model(
        images, keras.layers.Dense(1)(keras.layers.Flatten()(images)), name="linear_discriminator"
    )
    return generator, discriminator


def _optimizers(generator, discriminator, learning_rate):
    """Two SGD optimisers with their variables already created (a @tf.function step may not create any)."""
    import keras

    generator_optimizer = keras.optimizers.SGD(learning_rate)
    discriminator_optimizer = keras.optimizers.SGD(learning_rate)
    generator_optimizer.build(generator.trainable_variables)
    discriminator_optimizer.build(discriminator.trainable_variables)
    return generator_optimizer, discriminator_optimizer


def _step(train_step, real_images, seed=630):
    generator, discriminator = _step_networks(seed)
    before = (
        [np.array(w) for w in generator.trainable_weights],
        [np.array(w) for w in discriminator.trainable_weights],
    )
    generator_optimizer, discriminator_optimizer = _optimizers(
        generator, discriminator, STEP_LEARNING_RATE
    )
    result = call_learner(
        train_step,
        real_images,
        generator,
        discriminator,
        generator_optimizer,
        discriminator_optimizer,
    )
    return generator, discriminator, before, result


def _recorded_noise(generator):
    noise = np.array(generator.last_noise)
    if noise.shape != (STEP_BATCH, STEP_LATENT_DIM):
        if noise.size == 0:
            raise WrongAnswer(
                "train_step never called the generator: generate fakes from noise, generator(noise)."
            )
        raise WrongAnswer(
            f"the noise batch has shape {noise.shape}, expected ({STEP_BATCH}, {STEP_LATENT_DIM}): one noise vector "
            "per real image, each of length generator.input_shape[-1]."
        )
    return noise


def _real_digits():
    from course_lib import data

    return data.scale_images(_digit_images(STEP_BATCH, seed=631), value_range=(-1, 1))


def _fresh_noise(train_step):
    real = _real_digits()
    generator, discriminator = _step_networks(632)
    generator_optimizer, discriminator_optimizer = _optimizers(generator, discriminator, 1e-3)
    recorded = []
    for _ in range(2):
        call_learner(
            train_step, real, generator, discriminator, generator_optimizer, discriminator_optimizer
        )
        recorded.append(_recorded_noise(generator))
    if np.allclose(recorded[0], recorded[1]):
        raise WrongAnswer(
            "two steps used the same noise (the broken listing's fault 6): draw new noise inside train_step, "
            "e.g. tf.random.normal((batch_size, latent_dim)), at every call."
        )
    both = np.concatenate(recorded).ravel()
    if abs(both.mean()) > 0.6 or not 0.5 < both.std() < 1.6:
        raise WrongAnswer(
            f"the noise has mean {both.mean():.2f} and standard deviation {both.std():.2f}: draw it from the "
            "standard normal distribution N(0, 1), tf.random.normal."
        )


def _discriminator_learns_from_fakes(train_step):
    # Real images of zeros give the linear discriminator's kernel no gradient from the real half:
    # only the fake half of the loss can move it.
    zeros = np.zeros((STEP_BATCH, 28, 28, 1), np.float32)
    _, discriminator, before, _ = _step(train_step, zeros)
    kernel_before = before[1][0]
    kernel_after = np.array(discriminator.trainable_weights[0])
    if np.allclose(kernel_before, kernel_after, atol=1e-9):
        raise WrongAnswer(
            "the discriminator's step ignores the generated images: the fake half of its loss got no gradient. "
            "Compute both halves inside the discriminator's tape, from the discriminator's own forward pass on the "
            "fakes (the broken listing's fault 5)."
        )
    if not np.any(np.abs(np.array(discriminator.trainable_weights[1]) - before[1][1]) > 0):
        raise WrongAnswer(
            "the discriminator's bias did not change: apply the discriminator's gradients to all its weights."
        )


def _generator_moves_towards_real(train_step):
    generator, discriminator, before, _ = _step(train_step, _real_digits())
    noise = _recorded_noise(generator)
    after_weights = [np.array(w) for w in generator.trainable_weights]
    if all(np.allclose(b, a) for b, a in zip(before[0], after_weights, strict=True)):
        raise WrongAnswer(
            "the generator's weights did not change: apply the generator's gradients with its optimizer."
        )
    scores_after = np.array(discriminator(generator(noise)))
    for weight, value in zip(generator.trainable_weights, before[0], strict=True):
        weight.assign(value)
    scores_before = np.array(discriminator(generator(noise)))
    for weight, value in zip(generator.trainable_weights, after_weights, strict=True):
        weight.assign(value)
    if np.mean(scores_after) <= np.mean(scores_before):
        raise WrongAnswer(
            "after the generator's step the discriminator finds the fakes *less* convincing (mean logit "
            f"{np.mean(scores_before):.4f} -> {np.mean(scores_after):.4f}): the generator loss points the wrong way. "
            "Use the non-saturating loss -log D(G(z)) = mean(softplus(-fake_logits)), not the probability itself."
        )


def _returned_losses(train_step):
    generator, discriminator, before, result = _step(train_step, _real_digits())
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise WrongAnswer(
            f"train_step should return (d_loss, g_loss), got {describe_value(result)}."
        )
    noise = _recorded_noise(generator)
    real = _real_digits()
    # The losses of this step's forward pass, from the weights before the updates, in float64.
    kernel_g, bias_g = (w.astype(np.float64) for w in before[0])
    kernel_d, bias_d = (w.astype(np.float64) for w in before[1])
    fakes = np.tanh(noise.astype(np.float64) @ kernel_g + bias_g)
    real_logits = real.reshape(STEP_BATCH, -1).astype(np.float64) @ kernel_d + bias_d
    fake_logits = fakes @ kernel_d + bias_d
    expected_d = np.mean(_softplus(-real_logits)) + np.mean(_softplus(fake_logits))
    expected_g = np.mean(_softplus(-fake_logits))
    expect_close(
        result[0],
        expected_d,
        what="the returned d_loss",
        rtol=1e-3,
        known_mistakes=[
            (expected_g, "d_loss and g_loss are swapped: return (d_loss, g_loss) in that order.")
        ],
    )
    expect_close(result[1], expected_g, what="the returned g_loss", rtol=1e-3)
    del discriminator


check_train_step = LESSON.exercise(
    "train_step",
    parts=[
        Part("fresh standard-normal noise at every step", _fresh_noise),
        Part(
            "the discriminator learns from the generated images too",
            _discriminator_learns_from_fakes,
        ),
        Part("the generator's step makes its fakes more convincing", _generator_moves_towards_real),
        Part("returns (d_loss, g_loss) of the step's forward pass", _returned_losses),
    ],
    time_limit=60,
)


summary = LESSON.summary
passed = LESSON.passed

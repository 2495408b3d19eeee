"""Lesson 06's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes (many of them the broken listing's faults) get their own message, and other correct ways pass too."""

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers, ops

from course_lib.grading import core
from course_lib.grading import lesson06 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "06_gans_from_scratch.ipynb"
EXERCISES = [
    "discriminator_loss",
    "generator_loss",
    "build_generator",
    "real_batches",
    "train_step",
]
POINTS = {
    "discriminator_loss": 2,
    "generator_loss": 2,
    "build_generator": 2,
    "real_batches": 2,
    "train_step": 4,
}


pytestmark = pytest.mark.usefixtures("fresh_scores")


def _check(name):
    return getattr(checks, f"check_{name}")


@pytest.fixture(scope="module")
def solutions():
    return notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_gets_full_marks(name, solutions):
    result = _check(name).grade(solutions[name])

    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score == POINTS[name]


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_of_the_exercise_notebook_scores_zero_and_is_not_attempted(name):
    stub = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(stub)

    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0


# Typical wrong answers, each with the words its message must contain.


def _d_loss_swapped(real_logits, fake_logits):
    return ops.mean(ops.softplus(real_logits)) + ops.mean(ops.softplus(-fake_logits))


def _d_loss_real_half_only(real_logits, fake_logits):
    return ops.mean(ops.softplus(-real_logits))


def _d_loss_averaged_halves(real_logits, fake_logits):
    return (ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))) / 2


def _d_loss_summed(real_logits, fake_logits):
    return ops.sum(ops.softplus(-real_logits)) + ops.sum(ops.softplus(fake_logits))


def _d_loss_from_probabilities(real_logits, fake_logits):
    return -ops.mean(ops.log(ops.sigmoid(real_logits))) - ops.mean(
        ops.log(1.0 - ops.sigmoid(fake_logits))
    )


def _d_loss_probabilities_directly(real_logits, fake_logits):
    return ops.mean(ops.sigmoid(real_logits)) - ops.mean(ops.sigmoid(fake_logits))


def _g_loss_saturating(fake_logits):
    return -ops.mean(ops.softplus(fake_logits))


def _g_loss_fake_target(fake_logits):
    return ops.mean(ops.softplus(fake_logits))


def _g_loss_probability(fake_logits):
    return ops.mean(ops.sigmoid(fake_logits))


def _g_loss_from_probabilities(fake_logits):
    return -ops.mean(ops.log(ops.sigmoid(fake_logits)))


def _generator_of_the_listing(noise_dim):
    model = keras.Sequential([keras.Input((noise_dim,))])
    for _ in range(3):
        model.add(layers.Dense(128))
        model.add(layers.LeakyReLU(0.2))
        model.add(layers.BatchNormalization())
    model.add(layers.Dense(noise_dim, activation="tanh"))
    return model


def _generator_without_reshape(noise_dim):
    return keras.Sequential([keras.Input((noise_dim,)), layers.Dense(784, activation="tanh")])


def _generator_with_sigmoid(noise_dim):
    return keras.Sequential(
        [
            keras.Input((noise_dim,)),
            layers.Dense(784, activation="sigmoid"),
            layers.Reshape((28, 28, 1)),
        ]
    )


def _generator_with_fixed_size(noise_dim):
    return keras.Sequential(
        [keras.Input((64,)), layers.Dense(784, activation="tanh"), layers.Reshape((28, 28, 1))]
    )


def _batches_of_noise(images, batch_size):
    return tf.data.Dataset.from_tensor_slices(
        tf.random.uniform((len(images), 28, 28, 1), -1, 1)
    ).batch(batch_size)


def _batches_in_unit_range(images, batch_size):
    scaled = images[..., None].astype("float32") / 255.0
    return tf.data.Dataset.from_tensor_slices(scaled).shuffle(len(scaled)).batch(batch_size)


def _batches_unshuffled(images, batch_size):
    scaled = images[..., None].astype("float32") / 127.5 - 1.0
    return tf.data.Dataset.from_tensor_slices(scaled).batch(batch_size)


def _batches_without_channel(images, batch_size):
    scaled = images.astype("float32") / 127.5 - 1.0
    return tf.data.Dataset.from_tensor_slices(scaled).shuffle(len(scaled)).batch(batch_size)


def _listing_step(
    real_images, generator, discriminator, generator_optimizer, discriminator_optimizer
):
    """The broken listing's step, with logits: fixed noise, probability as generator loss, fake half outside."""
    noise = tf.ones((tf.shape(real_images)[0], generator.input_shape[-1]))
    with tf.GradientTape() as g_tape:
        gen_loss = ops.mean(
            ops.sigmoid(discriminator(generator(noise, training=True), training=True))
        )
    g_grads = g_tape.gradient(gen_loss, generator.trainable_variables)
    generator_optimizer.apply_gradients(zip(g_grads, generator.trainable_variables, strict=True))
    with tf.GradientTape() as d_tape:
        real_loss = ops.mean(ops.softplus(-discriminator(real_images, training=True)))
        combined_loss = real_loss - gen_loss
    d_grads = d_tape.gradient(combined_loss, discriminator.trainable_variables)
    discriminator_optimizer.apply_gradients(
        zip(d_grads, discriminator.trainable_variables, strict=True)
    )
    return combined_loss, gen_loss


def _step_with(noise_function=None, fake_half_outside=False, probability_loss=False, swap=False):
    def train_step(
        real_images, generator, discriminator, generator_optimizer, discriminator_optimizer
    ):
        batch = tf.shape(real_images)[0]
        latent = generator.input_shape[-1]
        noise = (
            noise_function(batch, latent) if noise_function else tf.random.normal((batch, latent))
        )
        outside = ops.mean(ops.softplus(discriminator(generator(noise))))
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake_logits = discriminator(generator(noise, training=True), training=True)
            real_logits = discriminator(real_images, training=True)
            fake_half = outside if fake_half_outside else ops.mean(ops.softplus(fake_logits))
            d_loss = ops.mean(ops.softplus(-real_logits)) + fake_half
            g_loss = (
                ops.mean(ops.sigmoid(fake_logits))
                if probability_loss
                else ops.mean(ops.softplus(-fake_logits))
            )
        for tape, loss, model, optimizer in (
            (d_tape, d_loss, discriminator, discriminator_optimizer),
            (g_tape, g_loss, generator, generator_optimizer),
        ):
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return (g_loss, d_loss) if swap else (d_loss, g_loss)

    return train_step


WRONG_ANSWERS = [
    ("discriminator_loss", _d_loss_swapped, "the targets are swapped"),
    ("discriminator_loss", _d_loss_real_half_only, "that is only the real half"),
    ("discriminator_loss", _d_loss_averaged_halves, "do not average them"),
    ("discriminator_loss", _d_loss_summed, "did you sum over the batch"),
    ("discriminator_loss", _d_loss_from_probabilities, "Compute it from the logits with softplus"),
    (
        "discriminator_loss",
        _d_loss_probabilities_directly,
        "uses the discriminator's probabilities directly",
    ),
    ("generator_loss", _g_loss_saturating, "that is the saturating loss"),
    ("generator_loss", _g_loss_fake_target, "the generator wants its fakes called real"),
    ("generator_loss", _g_loss_probability, "the broken listing's fault 3"),
    ("generator_loss", _g_loss_from_probabilities, "Compute it from the logits with softplus"),
    ("build_generator", _generator_of_the_listing, "the size of its *input*"),
    ("build_generator", _generator_without_reshape, "Add Reshape((28, 28, 1))"),
    ("build_generator", _generator_with_sigmoid, "so use tanh"),
    ("build_generator", _generator_with_fixed_size, "cannot take noise of shape (5, 16)"),
    ("real_batches", _batches_of_noise, "not random noise"),
    ("real_batches", _batches_in_unit_range, "the pixels are in [0, 1]"),
    ("real_batches", _batches_unshuffled, "shuffle them"),
    ("real_batches", _batches_without_channel, "add the channel axis"),
    ("train_step", _listing_step, "two steps used the same noise"),
    ("train_step", _listing_step, "the fake half of its loss got no gradient"),
    ("train_step", _listing_step, "less* convincing"),
    (
        "train_step",
        _step_with(noise_function=lambda b, n: tf.random.uniform((b, n))),
        "standard normal",
    ),
    ("train_step", _step_with(fake_half_outside=True), "the fake half of its loss got no gradient"),
    ("train_step", _step_with(probability_loss=True), "the generator loss points the wrong way"),
    ("train_step", _step_with(swap=True), "d_loss and g_loss are swapped"),
]


@pytest.mark.parametrize(
    ("name", "answer", "words"),
    WRONG_ANSWERS,
    ids=[
        f"{name}-{getattr(answer, '__name__', 'step')}-{index}"
        for index, (name, answer, _) in enumerate(WRONG_ANSWERS)
    ],
)
def test_typical_wrong_answer_is_rejected_with_its_specific_message(name, answer, words):
    result = _check(name).grade(answer)

    assert result.status in (core.WRONG, core.PARTLY_RIGHT)
    assert result.score < result.max_score
    assert any(words in part.message for part in result.parts), result.report()


# Other correct ways of writing each answer.


def _d_loss_with_keras_loss_object(real_logits, fake_logits):
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    return cross_entropy(tf.ones_like(real_logits), real_logits) + cross_entropy(
        tf.zeros_like(fake_logits), fake_logits
    )


def _d_loss_with_tensorflow(real_logits, fake_logits):
    real = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.ones_like(real_logits), logits=real_logits
    )
    fake = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.zeros_like(fake_logits), logits=fake_logits
    )
    return tf.reduce_mean(real) + tf.reduce_mean(fake)


def _d_loss_with_numpy(real_logits, fake_logits):
    return np.mean(np.logaddexp(0, -np.asarray(real_logits))) + np.mean(
        np.logaddexp(0, np.asarray(fake_logits))
    )


def _g_loss_with_keras_loss_object(fake_logits):
    return keras.losses.BinaryCrossentropy(from_logits=True)(tf.ones_like(fake_logits), fake_logits)


def _g_loss_with_numpy(fake_logits):
    return float(np.mean(np.logaddexp(0, -np.asarray(fake_logits))))


def _generator_functional(noise_dim):
    noise = keras.Input((noise_dim,))
    x = layers.Dense(256, activation="relu")(noise)
    x = layers.Dense(28 * 28, activation="tanh")(x)
    return keras.Model(noise, layers.Reshape((28, 28, 1))(x))


def _batches_with_course_lib(images, batch_size):
    from course_lib import data

    return data.make_dataset(data.scale_images(images, value_range=(-1, 1)), batch_size=batch_size)


def _step_with_two_forward_passes_compiled():
    @tf.function
    def train_step(
        real_images, generator, discriminator, generator_optimizer, discriminator_optimizer
    ):
        noise = keras.random.normal((tf.shape(real_images)[0], generator.input_shape[-1]))
        cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        with tf.GradientTape(persistent=True) as tape:
            fake_images = generator(noise, training=True)
            real_logits = discriminator(real_images, training=True)
            fake_logits = discriminator(fake_images, training=True)
            d_loss = cross_entropy(tf.ones_like(real_logits), real_logits) + cross_entropy(
                tf.zeros_like(fake_logits), fake_logits
            )
            g_loss = cross_entropy(tf.ones_like(fake_logits), fake_logits)
        discriminator_optimizer.apply_gradients(
            zip(
                tape.gradient(d_loss, discriminator.trainable_variables),
                discriminator.trainable_variables,
                strict=True,
            )
        )
        generator_optimizer.apply_gradients(
            zip(
                tape.gradient(g_loss, generator.trainable_variables),
                generator.trainable_variables,
                strict=True,
            )
        )
        return d_loss, g_loss

    return train_step


OTHER_CORRECT_ANSWERS = [
    ("discriminator_loss", _d_loss_with_keras_loss_object),
    ("discriminator_loss", _d_loss_with_tensorflow),
    ("discriminator_loss", _d_loss_with_numpy),
    ("generator_loss", _g_loss_with_keras_loss_object),
    ("generator_loss", _g_loss_with_numpy),
    ("build_generator", _generator_functional),
    ("real_batches", _batches_with_course_lib),
    ("train_step", _step_with_two_forward_passes_compiled()),
    ("train_step", _step_with()),
]


@pytest.mark.parametrize(
    ("name", "answer"),
    OTHER_CORRECT_ANSWERS,
    ids=[f"{name}-{index}" for index, (name, _) in enumerate(OTHER_CORRECT_ANSWERS)],
)
def test_other_correct_way_of_writing_it_is_accepted(name, answer):
    result = _check(name).grade(answer)

    assert result.status == core.PASSED, result.report()


def test_every_exercise_has_at_least_two_graded_parts():
    assert [exercise.name for exercise in checks.LESSON.exercises] == EXERCISES
    assert all(len(exercise.parts) >= 2 for exercise in checks.LESSON.exercises)

"""Lesson 08's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from course_lib.grading import core
from course_lib.grading import lesson08 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "08_conditional_generation.ipynb"
EXERCISES = ["join_noise_and_label", "label_channels", "build_conditional_generator"]


pytestmark = pytest.mark.usefixtures("fresh_scores")


def _check(name):
    return getattr(checks, f"check_{name}")


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_gets_full_marks(name):
    solution = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(solution)

    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score == 2


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_of_the_exercise_notebook_scores_zero_and_is_not_attempted(name):
    stub = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(stub)

    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0


# Typical wrong answers, each with the words its message must contain.


def _join_label_first(noise, labels, embedding_table):
    return tf.concat([tf.gather(embedding_table, tf.cast(labels, tf.int32)), noise], axis=-1)


def _join_one_hot(noise, labels, embedding_table):
    return tf.concat(
        [noise, tf.one_hot(tf.cast(labels, tf.int32), embedding_table.shape[0])], axis=-1
    )


def _join_label_number(noise, labels, embedding_table):
    return tf.concat([noise, tf.cast(labels, tf.float32)[:, None]], axis=-1)


def _join_along_rows(noise, labels, embedding_table):
    return tf.concat([noise, noise], axis=0)


def _channels_without_image(images, labels, num_classes):
    one_hot = tf.reshape(tf.one_hot(labels, num_classes), (-1, 1, 1, num_classes))
    return one_hot * tf.ones_like(images)


def _channels_single_plane(images, labels, num_classes):
    plane = tf.cast(tf.reshape(labels, (-1, 1, 1, 1)), tf.float32) * tf.ones_like(images)
    return tf.concat([images, plane], axis=-1)


def _channels_planes_first(images, labels, num_classes):
    one_hot = tf.reshape(tf.one_hot(labels, num_classes), (-1, 1, 1, num_classes))
    return tf.concat([one_hot * tf.ones_like(images), images], axis=-1)


def _channels_ten_classes_always(images, labels, num_classes):
    one_hot = tf.reshape(tf.one_hot(labels, 10), (-1, 1, 1, 10))
    return tf.concat([images, one_hot * tf.ones_like(images)], axis=-1)


def _generator_ignoring_the_label(latent_dim, num_classes):
    noise = keras.Input((latent_dim,))
    labels = keras.Input((), dtype="int32")
    x = layers.Dense(784, activation="tanh")(noise)
    return keras.Model([noise, labels], layers.Reshape((28, 28, 1))(x))


def _generator_with_one_input(latent_dim, num_classes):
    noise = keras.Input((latent_dim,))
    return keras.Model(
        noise, layers.Reshape((28, 28, 1))(layers.Dense(784, activation="tanh")(noise))
    )


def _generator_ignoring_the_noise(latent_dim, num_classes):
    noise = keras.Input((latent_dim,))
    labels = keras.Input((), dtype="int32")
    x = layers.Dense(784, activation="tanh")(layers.Embedding(num_classes, 16)(labels))
    return keras.Model([noise, labels], layers.Reshape((28, 28, 1))(x))


WRONG_ANSWERS = [
    ("join_noise_and_label", _join_label_first, "put the noise first"),
    ("join_noise_and_label", _join_one_hot, "joins the one-hot vectors"),
    ("join_noise_and_label", _join_label_number, "joins the label numbers themselves"),
    ("join_noise_and_label", _join_along_rows, "stacked along axis 0"),
    ("label_channels", _channels_without_image, "the image channel is missing"),
    ("label_channels", _channels_single_plane, "only one extra channel"),
    ("label_channels", _channels_planes_first, "the image first, then the label planes"),
    ("label_channels", _channels_ten_classes_always, "Expected (N, H, W, 1 + num_classes)"),
    (
        "build_conditional_generator",
        _generator_ignoring_the_label,
        "the label never reaches the output",
    ),
    ("build_conditional_generator", _generator_with_one_input, "Give it two inputs"),
    ("build_conditional_generator", _generator_ignoring_the_noise, "the noise must matter too"),
]


@pytest.mark.parametrize(
    ("name", "answer", "words"),
    WRONG_ANSWERS,
    ids=[answer.__name__ for _, answer, _ in WRONG_ANSWERS],
)
def test_typical_wrong_answer_is_rejected_with_its_specific_message(name, answer, words):
    result = _check(name).grade(answer)

    assert result.status in (core.WRONG, core.PARTLY_RIGHT)
    assert result.score < result.max_score
    assert any(words in part.message for part in result.parts), result.report()


# Other correct ways of writing each answer.


def _join_with_one_hot_product(noise, labels, embedding_table):
    one_hot = tf.one_hot(tf.cast(labels, tf.int32), embedding_table.shape[0])
    return tf.concat([noise, one_hot @ embedding_table], axis=1)


def _join_with_numpy(noise, labels, embedding_table):
    return np.hstack([np.asarray(noise), np.asarray(embedding_table)[np.asarray(labels)]])


def _channels_with_numpy(images, labels, num_classes):
    images = np.asarray(images)
    planes = np.eye(num_classes, dtype=images.dtype)[np.asarray(labels)][:, None, None, :]
    return np.concatenate(
        [images, np.broadcast_to(planes, (*images.shape[:3], num_classes))], axis=-1
    )


def _channels_with_tile(images, labels, num_classes):
    height, width = images.shape[1], images.shape[2]
    one_hot = tf.one_hot(labels, num_classes)[:, None, None, :]
    return tf.concat([images, tf.tile(one_hot, [1, height, width, 1])], axis=3)


def _dcgan_conditional_generator(latent_dim, num_classes):
    from course_lib.models.conditional import build_conditional_generator

    return build_conditional_generator(latent_dim, num_classes, filters=(16, 8))


def _one_hot_conditional_generator(latent_dim, num_classes):
    noise = keras.Input((latent_dim,))
    labels = keras.Input((), dtype="int32")
    one_hot = layers.Lambda(lambda y: keras.ops.one_hot(y, num_classes))(labels)
    x = layers.Dense(128, activation="relu")(layers.Concatenate()([noise, one_hot]))
    x = layers.Dense(784, activation="tanh")(x)
    return keras.Model([noise, labels], layers.Reshape((28, 28, 1))(x))


OTHER_CORRECT_ANSWERS = [
    ("join_noise_and_label", _join_with_one_hot_product),
    ("join_noise_and_label", _join_with_numpy),
    ("label_channels", _channels_with_numpy),
    ("label_channels", _channels_with_tile),
    ("build_conditional_generator", _dcgan_conditional_generator),
    ("build_conditional_generator", _one_hot_conditional_generator),
]


@pytest.mark.parametrize(
    ("name", "answer"),
    OTHER_CORRECT_ANSWERS,
    ids=[answer.__name__ for _, answer in OTHER_CORRECT_ANSWERS],
)
def test_other_correct_way_of_writing_it_is_accepted(name, answer):
    result = _check(name).grade(answer)

    assert result.status == core.PASSED, result.report()


def test_every_exercise_has_at_least_two_graded_parts():
    assert [exercise.name for exercise in checks.LESSON.exercises] == EXERCISES
    assert all(len(exercise.parts) >= 2 for exercise in checks.LESSON.exercises)

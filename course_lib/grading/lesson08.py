"""Checks for exercise notebook 08 · Conditional generation.

In the notebook:

    from course_lib.grading import lesson08 as checks

    checks.check_join_noise_and_label(join_noise_and_label)
    checks.check_label_channels(label_channels)
    checks.check_build_conditional_generator(build_conditional_generator)
    checks.summary()

Expected arrays are built here with NumPy indexing and `np.eye`, never with the solution code; the generator is
judged by calling it on fixed noise and labels.
"""

import numpy as np

from course_lib.grading.compare import as_array, expect_close
from course_lib.grading.core import (
    LearnerError,
    Lesson,
    Part,
    WrongAnswer,
    call_learner,
    describe_value,
)

LESSON = Lesson("08", "Conditional generation")


# Exercise 1: join_noise_and_label(noise, labels, embedding_table) -> (N, latent_dim + embedding_dim).


def _join_case(seed, count=6, latent_dim=5, embedding_dim=3, num_classes=10):
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(count, latent_dim)).astype(np.float32)
    labels = rng.integers(0, num_classes, size=count)
    table = rng.normal(size=(num_classes, embedding_dim)).astype(np.float32)
    return noise, labels, table


def _check_join(join_noise_and_label, noise, labels, table, label_dtype):
    import tensorflow as tf

    expected = np.concatenate([noise, table[labels]], axis=1).astype(np.float64)
    got = call_learner(
        join_noise_and_label,
        tf.constant(noise),
        tf.constant(labels.astype(label_dtype)),
        tf.constant(table),
    )
    count, latent_dim = noise.shape
    embedding_dim = table.shape[1]
    known = [
        (
            np.concatenate([table[labels], noise], axis=1),
            "the parts are in the other order: put the noise first, then the label's embedding.",
        ),
        (
            np.concatenate([noise, np.eye(len(table))[labels]], axis=1),
            "that joins the one-hot vectors of the labels: look up each label's row of the embedding table instead "
            "(table[label], or one-hot @ table).",
        ),
        (
            np.concatenate([noise, labels[:, None].astype(np.float64)], axis=1),
            "that joins the label numbers themselves: a class number has no meaning as a size; join its embedding.",
        ),
    ]
    array = as_array(got, "the joined vectors")
    if array.shape == (2 * count, latent_dim) or array.shape == (count + len(labels), latent_dim):
        raise WrongAnswer(
            "the parts were stacked along axis 0 (more rows): join them along the last axis, axis=-1."
        )
    expect_close(
        got,
        expected,
        what="the joined vectors",
        known_mistakes=known,
        shape_hint=f"Each row joins {latent_dim} noise numbers and {embedding_dim} embedding numbers.",
    )


def _join_values(join_noise_and_label):
    _check_join(join_noise_and_label, *_join_case(801), label_dtype=np.int32)


def _join_with_byte_labels(join_noise_and_label):
    noise, labels, table = _join_case(802, count=10, latent_dim=8, embedding_dim=4)
    _check_join(join_noise_and_label, noise, labels, table, label_dtype=np.uint8)


check_join_noise_and_label = LESSON.exercise(
    "join_noise_and_label",
    parts=[
        Part("6 noise vectors of 5 numbers with a (10, 3) embedding table", _join_values),
        Part("uint8 labels, as MNIST stores them, and a (10, 4) table", _join_with_byte_labels),
    ],
)


# Exercise 2: label_channels(images, labels, num_classes) -> (N, H, W, 1 + num_classes) with one-hot planes.


def _channels_case(seed, count=4, size=6):
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, size=(count, size, size, 1)).astype(np.float32)
    labels = rng.integers(0, 10, size=count)
    return images, labels


def _check_channels(label_channels, images, labels, num_classes):
    import tensorflow as tf

    count, height, width, _ = images.shape
    planes = np.broadcast_to(
        np.eye(num_classes)[labels][:, None, None, :], (count, height, width, num_classes)
    )
    expected = np.concatenate([images, planes], axis=-1)
    got = call_learner(
        label_channels, tf.constant(images), tf.constant(labels.astype(np.int32)), num_classes
    )
    array = as_array(got, "the images with label channels")
    if array.shape == (count, height, width, num_classes):
        raise WrongAnswer(
            "the image channel is missing: join the label planes *to* the images, (N, H, W, 1 + classes)."
        )
    if array.shape == (count, height, width, 2):
        raise WrongAnswer(
            "only one extra channel: give each class its own plane, all ones for the image's class and zeros for the "
            f"others ({num_classes} planes)."
        )
    expect_close(
        got,
        expected,
        what="the images with label channels",
        known_mistakes=[
            (
                np.concatenate([planes, images], axis=-1),
                "the channels are in the other order: the image first, then the label planes.",
            )
        ],
        shape_hint=f"Expected (N, H, W, 1 + num_classes) = {expected.shape}.",
    )


def _channels_for_ten_classes(label_channels):
    _check_channels(label_channels, *_channels_case(811), num_classes=10)


def _channels_for_three_classes(label_channels):
    images, labels = _channels_case(812, count=5, size=4)
    _check_channels(label_channels, images, labels % 3, num_classes=3)


check_label_channels = LESSON.exercise(
    "label_channels",
    parts=[
        Part("4 images of 6x6 with labels among 10 classes", _channels_for_ten_classes),
        Part("5 images of 4x4 with 3 classes (num_classes is used)", _channels_for_three_classes),
    ],
)


# Exercise 3: build_conditional_generator(latent_dim, num_classes) -> a keras.Model [noise, labels] -> images.


def _conditional_images(build_conditional_generator, latent_dim=16):
    import keras

    keras.utils.set_random_seed(820)
    try:
        model = call_learner(build_conditional_generator, latent_dim, 10)
    except LearnerError as error:
        # Older Keras (3.13, Colab's) refuses to build a model with an unused input; newer Keras builds it.
        if "not connected to" not in str(error):
            raise
        raise WrongAnswer(
            "Keras could not build your model: one of its two inputs is not connected to the output, so either "
            "the label never reaches the output or the noise does not (the noise must matter too). Join the "
            "label's embedding to the noise and feed the result to the first Dense layer."
        ) from None
    if model is None:
        raise WrongAnswer(
            "build_conditional_generator returned None: did you forget `return model`?"
        )
    if not isinstance(model, keras.Model):
        raise WrongAnswer(
            f"expected a keras.Model, got {describe_value(model)}. Return the model you built."
        )
    noise = np.random.default_rng(821).normal(size=(10, latent_dim)).astype(np.float32)
    labels = np.arange(10, dtype=np.int32)

    def generate(noise_batch, label_batch):
        try:
            images = model([noise_batch, label_batch], training=False)
        except Exception as error:
            raise WrongAnswer(
                f"the generator cannot take [noise of shape {noise_batch.shape}, labels of shape "
                f"{label_batch.shape}] ({type(error).__name__}: {str(error).splitlines()[0][:120]}). Give it two "
                "inputs: keras.Input(shape=(latent_dim,)) and keras.Input(shape=(), dtype='int32')."
            ) from None
        return as_array(keras.ops.convert_to_numpy(images), "the generator's output")

    return generate, noise, labels


def _conditional_shapes(build_conditional_generator):
    generate, noise, labels = _conditional_images(build_conditional_generator)
    images = generate(noise, labels)
    if images.shape != (10, 28, 28, 1):
        raise WrongAnswer(
            f"for 10 noise vectors and 10 labels expected images (10, 28, 28, 1), got {images.shape}."
        )
    if images.min() < -1.0001 or images.max() > 1.0001:
        raise WrongAnswer(
            f"the pixels range from {images.min():.3g} to {images.max():.3g}: end with tanh."
        )


def _label_and_noise_both_matter(build_conditional_generator):
    generate, noise, labels = _conditional_images(build_conditional_generator)
    same_noise = np.repeat(noise[:1], 10, axis=0)
    by_label = generate(same_noise, labels)
    if np.allclose(by_label[0], by_label[1:], atol=1e-6):
        raise WrongAnswer(
            "with the same noise, every label gives the same image: the label never reaches the output. Join its "
            "embedding to the noise before the first Dense layer."
        )
    by_noise = generate(noise, np.full(10, 7, np.int32))
    if np.allclose(by_noise[0], by_noise[1:], atol=1e-6):
        raise WrongAnswer(
            "with the same label, every noise vector gives the same image: the noise must matter too."
        )


check_build_conditional_generator = LESSON.exercise(
    "build_conditional_generator",
    parts=[
        Part(
            "[noise (N, 16), labels (N,)] -> images (N, 28, 28, 1) in [-1, 1]", _conditional_shapes
        ),
        Part(
            "changing the label changes the image, and so does changing the noise",
            _label_and_noise_both_matter,
        ),
    ],
    time_limit=60,
)


summary = LESSON.summary
passed = LESSON.passed

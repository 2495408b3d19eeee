"""Checks for exercise notebook 07 · DCGAN.

In the notebook:

    from course_lib.grading import lesson07 as checks

    checks.check_transposed_output_size(transposed_output_size)
    checks.check_build_generator(build_generator)
    checks.summary()

Expected sizes come from the closed-form rule (the tests confirm it against Keras layers), never from the
solution code; the generator is judged by calling it on fixed noise.
"""

import numpy as np

from course_lib.grading.compare import as_array
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner, describe_value

LESSON = Lesson("07", "DCGAN")


# Exercise 1: transposed_output_size(size, kernel_size, stride, padding) -> output length along one axis.


def _same_size(size, kernel_size, stride):
    return size * stride


def _valid_size(size, kernel_size, stride):
    return (size - 1) * stride + max(kernel_size, stride)


# Typical mistakes, as functions of (size, kernel_size, stride), with what to tell the learner.
_MISTAKES = {
    "same": [
        (
            lambda n, k, s: -(-n // s),
            "that is the size after a stride-s *convolution* (it shrinks); a transposed convolution grows: "
            "with padding 'same' the output is size * stride.",
        ),
        (
            lambda n, k, s: (n - 1) * s + k,
            "that is the size before cropping, the 'valid' rule: with padding 'same' Keras crops the output to "
            "exactly size * stride.",
        ),
    ],
    "valid": [
        (
            lambda n, k, s: (n - k) // s + 1,
            "that is the size after a *convolution* with padding 'valid' (it shrinks); a transposed convolution "
            "grows: (size - 1) * stride + kernel_size.",
        ),
        (
            lambda n, k, s: n * s,
            "that is the 'same' rule: with padding 'valid' nothing is cropped.",
        ),
        (
            lambda n, k, s: (n - 1) * s + k if k < s else None,
            "almost: when the kernel is smaller than the stride the stamps leave gaps, and Keras still makes the "
            "output (size - 1) * stride + stride long: use max(kernel_size, stride).",
        ),
        (
            lambda n, k, s: n * s + k,
            "one stride too many: the last stamp starts at (size - 1) * stride.",
        ),
    ],
}


def _as_whole_number(value, what):
    if value is None:
        raise WrongAnswer(f"{what} is None: did you forget the `return` statement?")
    try:
        array = as_array(value, what)
    except WrongAnswer:
        raise WrongAnswer(
            f"{what} should be a whole number, got {describe_value(value)}."
        ) from None
    if array.size != 1:
        raise WrongAnswer(
            f"{what} should be one whole number, got {array.size} values of shape {array.shape}."
        )
    number = array.reshape(()).item()
    if isinstance(number, complex) or not np.isfinite(number) or number != round(number):
        raise WrongAnswer(f"{what} should be a whole number, got {number!r}.")
    return int(round(number))


def _check_sizes(transposed_output_size, cases, padding):
    rule = _same_size if padding == "same" else _valid_size
    for size, kernel_size, stride in cases:
        expected = rule(size, kernel_size, stride)
        what = f"the output size for size={size}, kernel_size={kernel_size}, stride={stride}, padding={padding!r}"
        got = _as_whole_number(
            call_learner(transposed_output_size, size, kernel_size, stride, padding), what
        )
        if got == expected:
            continue
        for mistake, message in _MISTAKES[padding]:
            if mistake(size, kernel_size, stride) == got:
                raise WrongAnswer(f"{what}: expected {expected}, got {got}; {message}")
        raise WrongAnswer(f"{what}: expected {expected}, got {got}.")


def _sizes_with_same_padding(transposed_output_size):
    _check_sizes(
        transposed_output_size, [(7, 3, 2), (14, 4, 2), (7, 5, 2), (4, 3, 3), (10, 3, 1)], "same"
    )


def _sizes_with_valid_padding(transposed_output_size):
    _check_sizes(
        transposed_output_size, [(7, 3, 2), (7, 4, 2), (4, 5, 1), (5, 3, 3), (6, 1, 2)], "valid"
    )


check_transposed_output_size = LESSON.exercise(
    "transposed_output_size",
    parts=[
        Part("padding 'same': 5 settings of size, kernel and stride", _sizes_with_same_padding),
        Part(
            "padding 'valid': 5 settings, one with a kernel smaller than the stride",
            _sizes_with_valid_padding,
        ),
    ],
)


# Exercise 2: build_generator(latent_dim) -> a DCGAN generator emitting (N, 28, 28, 1) images in [-1, 1].

MAX_PARAMETERS = 1_000_000


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def _generator_output(build_generator, latent_dim):
    import keras

    keras.utils.set_random_seed(700 + latent_dim)
    model = call_learner(build_generator, latent_dim)
    if model is None:
        raise WrongAnswer("build_generator returned None: did you forget `return model`?")
    if not isinstance(model, keras.Model):
        raise WrongAnswer(
            f"expected a keras.Model, got {describe_value(model)}. Return the model you built."
        )
    noise = np.random.default_rng(latent_dim).normal(size=(4, latent_dim)).astype(np.float32)
    try:
        images = model(noise, training=False)
    except Exception as error:
        raise WrongAnswer(
            f"the generator cannot take noise of shape (4, {latent_dim}) ({type(error).__name__}: "
            f"{str(error).splitlines()[0][:120]}). Start it with keras.Input(shape=(latent_dim,))."
        ) from None
    images = as_array(keras.ops.convert_to_numpy(images), "the generator's output")
    return model, images


def _shape_message(shape):
    height = shape[1] if len(shape) > 1 else None
    if height in (15, 16, 29, 30, 31, 32, 33, 34):
        return (
            f"the images are {shape[1:]}: with padding='valid' each transposed convolution adds "
            "(kernel_size - stride) to its size. Use padding='same', so each stride-2 layer exactly doubles it: "
            "7 -> 14 -> 28."
        )
    if height in (8, 16, 32, 64):
        return f"the images are {shape[1:]}: from a 7x7 grid, two stride-2 layers give 28x28 (7 -> 14 -> 28)."
    if height in (7, 14):
        return f"the images are {shape[1:]}: add stride-2 transposed convolutions until the size reaches 28."
    return f"expected images of shape (4, 28, 28, 1), got {shape}."


def _generator_shapes(build_generator):
    import keras

    for latent_dim in (64, 100):
        model, images = _generator_output(build_generator, latent_dim)
        if images.shape != (4, 28, 28, 1):
            raise WrongAnswer(_shape_message(images.shape))
        if not any(isinstance(layer, keras.layers.Conv2DTranspose) for layer in _all_layers(model)):
            raise WrongAnswer(
                "the generator has no Conv2DTranspose layer: grow the image from a 7x7 grid with stride-2 "
                "transposed convolutions, as in the lesson."
            )


def _generator_range_and_size(build_generator):
    model, images = _generator_output(build_generator, 32)
    if images.shape != (4, 28, 28, 1):
        raise WrongAnswer(_shape_message(images.shape))
    if images.min() < -1.0001 or images.max() > 1.0001:
        raise WrongAnswer(
            f"the pixels range from {images.min():.3g} to {images.max():.3g}: end with activation='tanh' so they "
            "lie in [-1, 1], like the real images."
        )
    if images.min() >= 0.0:
        raise WrongAnswer(
            "no pixel is negative: the output looks like a sigmoid or ReLU; real images are in [-1, 1], so end with tanh."
        )
    if np.allclose(images[0], images[1:], atol=1e-6):
        raise WrongAnswer(
            "different noise vectors give the same image: the output must depend on the noise."
        )
    if model.count_params() > MAX_PARAMETERS:
        raise WrongAnswer(
            f"the generator has {model.count_params():,} parameters, more than the {MAX_PARAMETERS:,} a CPU can "
            "train in minutes: use fewer filters (e.g. 128 at 7x7 and 64 at 14x14)."
        )


check_build_generator = LESSON.exercise(
    "build_generator",
    parts=[
        Part(
            "noise of 64 and of 100 numbers -> (N, 28, 28, 1), with Conv2DTranspose",
            _generator_shapes,
        ),
        Part(
            f"pixels in [-1, 1] (tanh), noise matters, at most {MAX_PARAMETERS:,} parameters",
            _generator_range_and_size,
        ),
    ],
    time_limit=60,
)


summary = LESSON.summary
passed = LESSON.passed

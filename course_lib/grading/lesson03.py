"""Checks for exercise notebook 03 · Convolutional networks.

In the notebook:

    from course_lib.grading import lesson03 as checks

    checks.check_conv_output_size(conv_output_size)
    checks.check_stack_output_shape(stack_output_shape)
    checks.check_build_small_cnn(build_small_cnn)
    checks.summary()

Every expected size is computed here from the closed-form formulas, never with the solution code (the tests
confirm the formulas against real Keras layers); the CNN is trained here, on fixed data from a fixed seed.
"""

import numpy as np

from course_lib.grading.compare import as_array
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner, describe_value

LESSON = Lesson("03", "Convolutional networks")


# Exercise 1: conv_output_size(size, kernel_size, stride, padding) -> the output length along one axis.


def _valid_size(size, kernel_size, stride):
    return (size - kernel_size) // stride + 1


def _same_size(size, stride):
    return -(-size // stride)  # ceil(size / stride) in integers


def _as_whole_number(value, what):
    """Returns the learner's value as an int, or raises `WrongAnswer` saying why it is not one."""
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
    if isinstance(number, complex) or not np.isfinite(number):
        raise WrongAnswer(f"{what} should be a whole number, got {number!r}.")
    if number != round(number):
        raise WrongAnswer(
            f"{what} is {number:g}, not a whole number: a layer has a whole number of positions. "
            "Round down with integer division `//` (the formula has a floor)."
        )
    return int(round(number))


# Typical mistakes, as functions of (size, kernel_size, stride), with what to tell the learner.
_VALID_MISTAKES = [
    (
        lambda n, k, s: (n - k) // s,
        "you forgot the + 1: a kernel as large as the input still fits once.",
    ),
    (
        lambda n, k, s: n - k + 1,
        "that ignores the stride: divide (size - kernel_size) by it before adding 1.",
    ),
    (lambda n, k, s: -(-(n - k) // s) + 1, "you rounded up: the formula rounds down (`//`)."),
    (
        lambda n, k, s: _same_size(n, s),
        "that is the size for padding 'same'; 'valid' adds no zeros.",
    ),
]
_SAME_MISTAKES = [
    (
        lambda n, k, s: n,
        "that ignores the stride: with padding 'same' the output has ceil(size / stride) positions.",
    ),
    (
        lambda n, k, s: n // s,
        "you rounded down: with padding 'same' the output has ceil(size / stride) positions.",
    ),
    (
        _valid_size,
        "that is the size for padding 'valid'; 'same' pads with zeros so that only the stride shrinks the output: "
        "ceil(size / stride).",
    ),
]


def _check_sizes(conv_output_size, cases, padding):
    expected_size = _valid_size if padding == "valid" else (lambda n, k, s: _same_size(n, s))
    answers = []
    for size, kernel_size, stride in cases:
        got = call_learner(conv_output_size, size, kernel_size, stride, padding)
        answers.append(((size, kernel_size, stride), _as_whole_number(got, "the size")))
    wrong = [(case, got) for case, got in answers if got != expected_size(*case)]
    if not wrong:
        return
    # Name the mistake that explains every answer, not just the first wrong one.
    hint = "check the formula in the lesson, section 2."
    for mistake, message in _VALID_MISTAKES if padding == "valid" else _SAME_MISTAKES:
        if all(mistake(*case) == got for case, got in answers):
            hint = message
            break
    (size, kernel_size, stride), got = wrong[0]
    raise WrongAnswer(
        f"for size={size}, kernel_size={kernel_size}, stride={stride}, padding={padding!r} expected "
        f"{expected_size(size, kernel_size, stride)}, got {got}: {hint}"
    )


def _sizes_with_valid_padding(conv_output_size):
    _check_sizes(
        conv_output_size, [(28, 3, 1), (28, 5, 1), (28, 3, 2), (27, 4, 3), (7, 7, 1)], "valid"
    )


def _sizes_with_same_padding(conv_output_size):
    _check_sizes(
        conv_output_size, [(28, 3, 1), (28, 3, 2), (27, 3, 2), (7, 5, 3), (14, 1, 1)], "same"
    )


check_conv_output_size = LESSON.exercise(
    "conv_output_size",
    parts=[
        Part("padding 'valid': 5 settings of size, kernel and stride", _sizes_with_valid_padding),
        Part("padding 'same': 5 settings of size, kernel and stride", _sizes_with_same_padding),
    ],
)


# Exercise 2: stack_output_shape(input_shape, stack) -> (height, width, channels) after every layer.

# The stack of the reference classifier (lesson 03), and a stack with every kind of step, on a non-square input.
REFERENCE_STACK = [("conv", 32, 3, 1, "same"), ("pool", 2), ("conv", 64, 3, 1, "same"), ("pool", 2)]
MIXED_STACK = [
    ("conv", 16, 5, 1, "valid"),
    ("pool", 2),
    ("conv", 32, 3, 2, "same"),
    ("conv", 8, 3, 1, "valid"),
]


def _stack_shape(input_shape, stack, pool=True, channels=True, pool_stride_one=False):
    """The closed-form shape after a stack; the keyword arguments switch on typical mistakes."""
    height, width, depth = input_shape
    for layer in stack:
        if layer[0] == "conv":
            _, filters, kernel_size, stride, padding = layer
            if padding == "valid":
                height, width = (_valid_size(n, kernel_size, stride) for n in (height, width))
            else:
                height, width = (_same_size(n, stride) for n in (height, width))
            depth = filters if channels else depth
        elif pool:
            pool_size = layer[1]
            step = 1 if pool_stride_one else pool_size
            height, width = (_valid_size(n, pool_size, step) for n in (height, width))
    return (height, width, depth)


def _check_stack(stack_output_shape, input_shape, stack):
    expected = _stack_shape(input_shape, stack)
    mistakes = [
        (
            _stack_shape(input_shape, stack, channels=False),
            "the channels did not change: after a convolution there are as many channels as it has filters.",
        ),
        (
            _stack_shape(input_shape, stack, pool=False),
            "the pooling layers were skipped: each ('pool', p) layer divides height and width by p (rounding down).",
        ),
        (
            _stack_shape(input_shape, stack, pool_stride_one=True),
            "the pooling moved by 1: a ('pool', p) layer moves by p, so it divides height and width by p.",
        ),
        (
            (expected[1], expected[0], expected[2]),
            "height and width are swapped: return (height, width, channels).",
        ),
    ]
    got = call_learner(stack_output_shape, tuple(input_shape), [tuple(layer) for layer in stack])
    if got is None:
        raise WrongAnswer("the shape is None: did you forget the `return` statement?")
    if not isinstance(got, list | tuple | np.ndarray):
        raise WrongAnswer(
            f"expected a tuple (height, width, channels), got {describe_value(got)}. Return a tuple of 3 numbers."
        )
    if len(got) != 3:
        raise WrongAnswer(
            f"expected a tuple of 3 numbers (height, width, channels), got {len(got)}: {tuple(got)}. "
            "Keep track of the channels too."
        )
    got = tuple(_as_whole_number(value, "each size") for value in got)
    if got != expected:
        hint = next(
            (message for shape, message in mistakes if shape == got),
            "go through the layers one by one, as in the lesson's section 2.",
        )
        raise WrongAnswer(f"for input {tuple(input_shape)} expected {expected}, got {got}: {hint}")


def _reference_stack(stack_output_shape):
    _check_stack(stack_output_shape, (28, 28, 1), REFERENCE_STACK)


def _mixed_stack(stack_output_shape):
    _check_stack(stack_output_shape, (36, 28, 3), MIXED_STACK)


check_stack_output_shape = LESSON.exercise(
    "stack_output_shape",
    parts=[
        Part("the reference classifier's two blocks on (28, 28, 1)", _reference_stack),
        Part("valid and same padding, strides and pooling on (36, 28, 3)", _mixed_stack),
    ],
)


# Exercise 3: build_small_cnn() -> a keras.Model mapping (N, 28, 28, 1) images to (N, 10) probabilities.

MAX_PARAMETERS = 250_000
CHECK_TRAIN_SIZE = 2_000
CHECK_TEST_SIZE = 1_000
CHECK_EPOCHS = 3
CHECK_BATCH_SIZE = 32
CHECK_LEARNING_RATE = 1e-3
TARGET_ACCURACY = 0.90


def _all_layers(model):
    """Every layer of a model, including those inside nested models."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def _built_model(build_small_cnn):
    import keras

    model = call_learner(build_small_cnn)
    if model is None:
        raise WrongAnswer("build_small_cnn returned None: did you forget `return model`?")
    if not isinstance(model, keras.Model):
        raise WrongAnswer(
            f"expected a keras.Model, got {describe_value(model)}. Return the model you built."
        )
    return model


def _check_structure(model):
    import keras

    images = np.random.default_rng(301).random((4, 28, 28, 1), dtype=np.float32)
    try:
        outputs = model(images, training=False)
    except Exception as error:
        raise WrongAnswer(
            f"the model cannot take a batch of shape (4, 28, 28, 1) ({type(error).__name__}: {error}). "
            "Start it with keras.Input(shape=(28, 28, 1))."
        ) from None
    outputs = as_array(keras.ops.convert_to_numpy(outputs), "the model's output")
    if outputs.shape != (4, 10):
        raise WrongAnswer(
            f"for 4 images the model's output has shape {outputs.shape}, expected (4, 10): end with a Dense(10) "
            "layer (and a Flatten or global pooling before the dense layers)."
        )
    if outputs.min() < 0 or not np.allclose(outputs.sum(axis=1), 1.0, atol=1e-3):
        raise WrongAnswer(
            "the outputs are not probabilities (each row should be non-negative and sum to 1): give the last "
            'layer activation="softmax".'
        )
    if not any(isinstance(layer, keras.layers.Conv2D) for layer in _all_layers(model)):
        raise WrongAnswer(
            "the model has no Conv2D layer: this is the lesson on convolutional networks, use one."
        )
    if model.count_params() > MAX_PARAMETERS:
        raise WrongAnswer(
            f"the model has {model.count_params():,} parameters, more than the {MAX_PARAMETERS:,} allowed here: "
            "use fewer filters or dense units, or pool more before Flatten."
        )


def _shapes_probabilities_and_size(build_small_cnn):
    _check_structure(_built_model(build_small_cnn))


def _slow_batch_norm_layers(model):
    import keras

    return [
        layer.name
        for layer in _all_layers(model)
        if isinstance(layer, keras.layers.BatchNormalization) and layer.momentum > 0.95
    ]


def _accuracy_after_short_training(build_small_cnn):
    import keras

    from course_lib import data

    keras.utils.set_random_seed(0)
    model = _built_model(build_small_cnn)
    _check_structure(model)
    (x_train, y_train), (x_test, y_test) = data.load_dataset("mnist")
    x_train, y_train = data.take_subset(x_train, y_train, size=CHECK_TRAIN_SIZE, seed=303)
    x_test, y_test = data.take_subset(x_test, y_test, size=CHECK_TEST_SIZE, seed=304)
    model.compile(
        optimizer=keras.optimizers.Adam(CHECK_LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(
        data.scale_images(x_train),
        y_train,
        epochs=CHECK_EPOCHS,
        batch_size=CHECK_BATCH_SIZE,
        verbose=0,
    )
    _, accuracy = model.evaluate(data.scale_images(x_test), y_test, verbose=0)
    if accuracy < TARGET_ACCURACY:
        message = (
            f"after training, the model classifies {accuracy:.1%} of the test digits correctly; it needs "
            f"{TARGET_ACCURACY:.0%}. Give it more capacity: two Conv2D + MaxPooling2D blocks with ReLU and a "
            "Dense layer of some 64 units before the output usually suffice."
        )
        slow = _slow_batch_norm_layers(model)
        if slow:
            message += (
                f" Your BatchNormalization layers ({', '.join(slow)}) use momentum above 0.95: after only "
                f"{CHECK_EPOCHS * CHECK_TRAIN_SIZE // CHECK_BATCH_SIZE} training steps their test-time statistics "
                "are still far off. Use BatchNormalization(momentum=0.9)."
            )
        raise WrongAnswer(message)


check_build_small_cnn = LESSON.exercise(
    "build_small_cnn",
    parts=[
        Part(
            f"(N, 28, 28, 1) images -> (N, 10) probabilities, with a Conv2D, at most {MAX_PARAMETERS:,} parameters",
            _shapes_probabilities_and_size,
        ),
        Part(
            f"trained {CHECK_EPOCHS} epochs on {CHECK_TRAIN_SIZE:,} digits: at least {TARGET_ACCURACY:.0%} "
            f"on {CHECK_TEST_SIZE:,} test digits",
            _accuracy_after_short_training,
        ),
    ],
    time_limit=180,
)


summary = LESSON.summary
passed = LESSON.passed

"""Checks for exercise notebook 02 · Neural networks.

In the notebook:

    from course_lib.grading import lesson02 as checks

    checks.check_mlp_forward(mlp_forward)
    checks.check_softmax_cross_entropy(softmax_cross_entropy)
    checks.summary()

Every expected value is computed here with NumPy in float64, never with the solution code.
"""

import numpy as np
import tensorflow as tf

from course_lib.grading.compare import as_array, expect_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner

LESSON = Lesson("02", "Neural networks")


# Exercise 1: mlp_forward(x, parameters) -> logits; ReLU after every layer except the last.


def _relu(z):
    return np.maximum(z, 0.0)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)


def _forward(x, parameters, hidden=_relu, last=None, use_bias=True):
    """The MLP forward pass in NumPy: `hidden` between layers, `last` (if any) after the last one."""
    for index, (kernel, bias) in enumerate(parameters):
        x = x @ kernel + (bias if use_bias else 0.0)
        if index < len(parameters) - 1:
            x = hidden(x)
        elif last is not None:
            x = last(x)
    return x


def _mlp_case(sizes, seed, batch=8):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, sizes[0])).astype(np.float32)
    parameters = [
        (
            rng.normal(scale=1.0 / np.sqrt(n_in), size=(n_in, n_out)).astype(np.float32),
            rng.normal(scale=0.5, size=n_out).astype(np.float32),
        )
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    return x, parameters


def _check_mlp_forward_on(mlp_forward, sizes, seed):
    x, parameters = _mlp_case(sizes, seed)
    x64 = x.astype(np.float64)
    parameters64 = [(k.astype(np.float64), b.astype(np.float64)) for k, b in parameters]
    expected = _forward(x64, parameters64)
    candidates = [
        (
            _forward(x64, parameters64, hidden=lambda z: z),
            "there is no activation between the layers: apply ReLU (`ops.relu`) to the output of every layer "
            "except the last. Without it, the layers collapse into a single linear layer.",
        ),
        (
            _forward(x64, parameters64, last=_relu),
            "ReLU was applied after the last layer too: the last layer returns logits, which may be negative. "
            "Apply ReLU only after the hidden layers.",
        ),
        (
            _forward(x64, parameters64, hidden=_sigmoid),
            "that is a sigmoid between the layers; this network uses ReLU (`ops.relu`).",
        ),
        (
            _forward(x64, parameters64, use_bias=False),
            "the biases are missing: each layer computes `x @ kernel + bias`.",
        ),
        (
            _forward(x64, parameters64, last=_softmax),
            "that is the softmax of the logits: return the logits themselves (the loss applies the softmax).",
        ),
    ]
    # A mistake that happens to give the right numbers (e.g. no hidden layer to forget ReLU on) is no mistake.
    known_mistakes = [
        (values, message) for values, message in candidates if not np.allclose(values, expected)
    ]
    got = call_learner(
        mlp_forward,
        tf.constant(x),
        [(tf.constant(kernel), tf.constant(bias)) for kernel, bias in parameters],
    )
    expect_close(
        got,
        expected,
        what="the logits",
        known_mistakes=known_mistakes,
        shape_hint="One row per input and one column per unit of the last layer: compute `x @ kernel`, "
        "not `kernel @ x`, and go through every (kernel, bias) pair of the list.",
    )


def _forward_through_one_layer(mlp_forward):
    _check_mlp_forward_on(mlp_forward, sizes=(5, 3), seed=201)


def _forward_through_three_layers(mlp_forward):
    _check_mlp_forward_on(mlp_forward, sizes=(6, 16, 8, 4), seed=202)


check_mlp_forward = LESSON.exercise(
    "mlp_forward",
    parts=[
        Part("one layer: 8 inputs of 5 numbers -> 3 logits", _forward_through_one_layer),
        Part("three layers: 6 -> 16 -> 8 -> 4, ReLU in between", _forward_through_three_layers),
    ],
)


# Exercise 2: softmax_cross_entropy(labels, logits) -> the mean of -log softmax(logits)[label], computed stably.


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _check_cross_entropy_on(softmax_cross_entropy, labels, logits, extreme):
    logits64 = logits.astype(np.float64)
    rows = np.arange(len(labels))
    log_probabilities = _log_softmax(logits64)
    expected = -np.mean(log_probabilities[rows, labels])
    probabilities = np.exp(log_probabilities)
    got = call_learner(softmax_cross_entropy, tf.constant(labels), tf.constant(logits))
    if extreme:
        values = as_array(got, "the loss")
        if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
            raise WrongAnswer(
                "the loss is not finite (inf or NaN) for large logits: exp(1000) overflows float32, and "
                "exp(-1000) underflows to 0. Subtract each row's own maximum first "
                "(`ops.max(logits, axis=-1, keepdims=True)`) and compute log-probabilities as "
                "`shifted - log(sum(exp(shifted)))`, without ever dividing or taking the log of a probability."
            )
    expect_close(
        got,
        expected,
        what="the cross-entropy",
        rtol=1e-4,
        atol=1e-5,
        factor_hints={
            len(labels): "did you sum over the batch instead of averaging?",
            1 / np.log(10): "use the natural logarithm (`ops.log`), not log10.",
        },
        known_mistakes=[
            (
                -np.mean(log_probabilities),
                "that averages -log p over every class: take only each example's true class, "
                "`log_probabilities[n, labels[n]]` (e.g. with `ops.one_hot(labels, num_classes)`).",
            ),
            (
                -np.mean(probabilities[rows, labels]),
                "that is minus the probability of the true class: the loss is minus its *logarithm*.",
            ),
            (
                -np.mean(logits64[rows, labels]),
                "that is minus the logit of the true class: turn logits into log-probabilities first "
                "(subtract the log of the sum of the exponentials).",
            ),
        ],
        shape_hint="The loss is one number, the mean over the batch.",
    )


def _cross_entropy_of_ordinary_logits(softmax_cross_entropy):
    rng = np.random.default_rng(211)
    logits = rng.normal(scale=3.0, size=(6, 10)).astype(np.float32)
    labels = np.array([3, 1, 4, 1, 5, 9], dtype=np.int32)
    _check_cross_entropy_on(softmax_cross_entropy, labels, logits, extreme=False)


def _cross_entropy_of_huge_logits(softmax_cross_entropy):
    rng = np.random.default_rng(212)
    logits = rng.normal(scale=3.0, size=(4, 10))
    logits[0] += 1000.0  # an over-confident network: every logit of a row is huge...
    logits[1] -= 1000.0  # ... or hugely negative,
    logits[2] *= 100.0  # or they are far apart.
    labels = np.array([2, 7, 0, int(np.argmax(logits[3]))], dtype=np.int32)
    _check_cross_entropy_on(softmax_cross_entropy, labels, logits.astype(np.float32), extreme=True)


check_softmax_cross_entropy = LESSON.exercise(
    "softmax_cross_entropy",
    parts=[
        Part("6 examples, 10 classes, ordinary logits", _cross_entropy_of_ordinary_logits),
        Part("logits as large as ±1000 (an over-confident network)", _cross_entropy_of_huge_logits),
    ],
)


summary = LESSON.summary
passed = LESSON.passed

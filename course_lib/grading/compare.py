"""Comparing a learner's result with the expected one, and saying what is wrong in words they can act on.

`expect_close` raises `WrongAnswer` with the most specific diagnosis it can find: nothing returned,
not numbers, wrong dtype, a known mistake the check names, wrong shape, NaN or infinity, the right
values times a constant factor (2, the number of elements, -1), or plainly different values.
"""

import numpy as np

from course_lib.grading.core import WrongAnswer, describe_value

DEFAULT_RTOL = 1e-4
DEFAULT_ATOL = 1e-6

NONE_MESSAGE = "{what} is None: did you forget the `return` statement?"


def as_array(value, what="your result", none_message=None):
    """Converts a learner's output (tensor, array, number, list) to a NumPy array of numbers.

    Args:
        value: the learner's output.
        what: how messages name it, e.g. "your result".
        none_message: the message when it is `None` (default: did you forget `return`?).

    Returns:
        A NumPy array.

    Raises:
        WrongAnswer: it is `None` or cannot be read as numbers.
    """
    if value is None:
        raise WrongAnswer((none_message or NONE_MESSAGE).format(what=what))
    if isinstance(value, str | bytes | dict | set) or callable(value):
        raise WrongAnswer(
            f"{what} should be a tensor or an array of numbers, got {describe_value(value)}."
        )
    try:
        array = np.asarray(value)
    except Exception:
        raise WrongAnswer(
            f"{what} could not be read as an array of numbers: got {describe_value(value)}."
        ) from None
    if array.dtype.kind not in "biufc":
        raise WrongAnswer(
            f"{what} should be a tensor or an array of numbers, got {describe_value(value)}."
        )
    return array


def _shape_message(got_shape, expected_shape, what):
    if expected_shape == ():
        return f"expected {what} to be a single number (shape ()), got shape {got_shape}."
    message = f"expected {what} to have shape {expected_shape}, got {got_shape}."
    if got_shape == expected_shape[::-1]:
        message += " Is it transposed?"
    elif int(np.prod(got_shape)) == int(np.prod(expected_shape)):
        message += " The number of values is right, only the shape differs: reshape it."
    return message


def _format_number(value):
    return f"{value:.6g}"


def _constant_factor(got, expected, atol):
    """Returns c when `got` is `c * expected` for one constant c (not close to 1), else `None`."""
    large = np.abs(expected) > max(atol * 100, 1e-12)
    if not large.any():
        return None
    ratios = got[large] / expected[large]
    factor = float(np.median(ratios))
    if not np.isfinite(factor) or abs(factor) < 1e-12 or np.isclose(factor, 1.0, rtol=1e-3):
        return None
    if not np.allclose(got, factor * expected, rtol=1e-3, atol=atol):
        return None
    return factor


def _factor_message(factor, what, factor_hints, size):
    for known, hint in (factor_hints or {}).items():
        if np.isclose(factor, known, rtol=1e-3):
            shown = f"{known:g}" if known >= 1 else f"1/{1 / known:g}"
            return f"{what} is off by a factor of {shown}: {hint}"
    if np.isclose(factor, -1.0, rtol=1e-3):
        return f"{what} has the wrong sign: it is the negative of the expected value."
    if np.isclose(factor, 2.0, rtol=1e-3):
        return f"{what} is off by a factor of 2 (twice the expected value)."
    if np.isclose(factor, 0.5, rtol=1e-3):
        return f"{what} is off by a factor of 2 (half the expected value)."
    if size > 1:
        return f"every value of {what} is {factor:.4g} times the expected one: a scaling factor is wrong."
    return None


def expect_close(
    got,
    expected,
    what="your result",
    rtol=DEFAULT_RTOL,
    atol=DEFAULT_ATOL,
    factor_hints=None,
    known_mistakes=(),
    none_message=None,
    shape_hint="",
):
    """Checks that a learner's result equals the expected values, or raises `WrongAnswer` saying why.

    Args:
        got: the learner's result (tensor, array, number).
        expected: the expected values, computed independently (closed form, NumPy).
        what: how messages name the result, e.g. "the gradient".
        rtol: relative tolerance.
        atol: absolute tolerance.
        factor_hints: `{factor: hint}` for constant factors that point at a known mistake, e.g.
            `{128: "did you sum instead of averaging?"}`.
        known_mistakes: `(values, message)` pairs: when the result equals `values`, say `message`.
        none_message: the message when the result is `None` (`{what}` is filled in).
        shape_hint: a sentence added to a wrong-shape message.

    Raises:
        WrongAnswer: the result is not close to `expected`.
    """
    array = as_array(got, what, none_message)
    expected = np.asarray(expected, dtype=np.float64)
    if array.dtype.kind in "biu":
        raise WrongAnswer(
            f"wrong dtype: {what} should hold floating-point numbers, got {array.dtype}. "
            "Did you cast to an integer type or use integer division (`//`)?"
        )
    if array.dtype.kind == "c":
        raise WrongAnswer(
            f"wrong dtype: {what} should hold real numbers, got complex numbers ({array.dtype})."
        )
    array = array.astype(np.float64)
    for mistake, message in known_mistakes:
        mistake = np.asarray(mistake, dtype=np.float64)
        if mistake.shape == array.shape and np.allclose(array, mistake, rtol=rtol, atol=atol):
            raise WrongAnswer(message)
    if array.shape != expected.shape:
        raise WrongAnswer(
            f"{_shape_message(array.shape, expected.shape, what)} {shape_hint}".strip()
        )
    for bad, name in ((np.isnan, "NaN"), (np.isinf, "infinity")):
        count = int(bad(array).sum())
        if count and not bad(expected).any():
            raise WrongAnswer(
                f"{name} in {what} ({count} of {array.size} values). Look for a division by zero, the log or "
                "square root of zero or of a negative number, or numbers that grow too large."
            )
    if np.allclose(array, expected, rtol=rtol, atol=atol):
        return
    factor = _constant_factor(array, expected, atol)
    if factor is not None:
        message = _factor_message(factor, what, factor_hints, array.size)
        if message:
            raise WrongAnswer(message)
    difference = np.abs(array - expected)
    relative = float(np.max(difference / np.maximum(np.abs(expected), atol)))
    if relative < 0.02:
        raise WrongAnswer(
            f"{what} is close, but not accurate enough: the largest relative difference is {relative:.2%}. "
            "An approximation (a finite difference, float16) instead of the exact computation?"
        )
    if array.ndim == 0:
        raise WrongAnswer(
            f"expected {what} to be {_format_number(expected)}, got {_format_number(array)}."
        )
    wrong = ~np.isclose(array, expected, rtol=rtol, atol=atol)
    index = tuple(int(i) for i in np.unravel_index(np.argmax(difference), array.shape))
    raise WrongAnswer(
        f"{int(wrong.sum())} of {array.size} values of {what} are wrong; at index {index} "
        f"expected {_format_number(expected[index])}, got {_format_number(array[index])}."
    )


def expect_list_close(
    got, expected, what="your result", item_name="tensor", known_mistakes=(), **options
):
    """Checks a list of results (e.g. one tensor per parameter) element by element.

    Args:
        got: the learner's list or tuple.
        expected: the list of expected arrays.
        what: how messages name the whole result.
        item_name: how messages name one element, e.g. "parameter".
        known_mistakes: `(list of arrays, message)` pairs: when the result equals that list, say `message`.
        **options: passed on to `expect_close` for each element.

    Raises:
        WrongAnswer: the list is not there, has the wrong length, or an element is wrong.
    """
    count = len(expected)
    if got is None:
        raise WrongAnswer(NONE_MESSAGE.format(what=what))
    if not isinstance(got, list | tuple):
        raise WrongAnswer(
            f"expected {what} to be a list of {count} {item_name}(s), got {describe_value(got)}. "
            "Return a Python list, even when it holds a single tensor."
        )
    if len(got) != count:
        raise WrongAnswer(
            f"expected {what} to be a list of {count} {item_name}(s), got a list of {len(got)}."
        )
    arrays = [as_array(item, f"{item_name} {index}") for index, item in enumerate(got)]
    for mistake, message in known_mistakes:
        if all(
            np.shape(wrong) == array.shape
            and np.allclose(array, wrong, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL)
            for array, wrong in zip(arrays, mistake, strict=True)
        ):
            raise WrongAnswer(message)
    for index, (item, wanted) in enumerate(zip(got, expected, strict=True)):
        expect_close(item, wanted, what=f"{item_name} {index}", **options)

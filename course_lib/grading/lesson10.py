"""Checks for exercise notebook 10 · Evaluating generative models.

In the notebook:

    from course_lib.grading import lesson10 as checks

    checks.check_frechet_distance(frechet_distance)
    checks.check_kid(kid)
    checks.summary()

Every expected value is computed here from a closed form, with explicit loops or with SciPy's matrix square root,
never with the solution code or `course_lib.metrics`.
"""

import numpy as np
import scipy.linalg

from course_lib.grading.compare import expect_close
from course_lib.grading.core import Lesson, Part, WrongAnswer, call_learner

LESSON = Lesson("10", "Evaluating generative models")

# A distance below this is round-off, not a negative result.
NEGATIVE_TOLERANCE = 1e-6

COMPLEX_MESSAGE = (
    "your result is a complex number. `scipy.linalg.sqrtm` returns complex numbers when round-off leaves tiny "
    "imaginary parts (it happens with nearly singular covariances, e.g. fewer samples than dimensions); they mean "
    "nothing here. Keep the real part of the square root with `np.real(...)` before taking the trace."
)


def _as_array_or_none(value):
    """The learner's result as a NumPy array, or `None` when it cannot be read as one (expect_close explains)."""
    if value is None or isinstance(value, str | bytes | dict | set) or callable(value):
        return None
    try:
        return np.asarray(value)
    except Exception:
        return None


# Exercise 1: frechet_distance(mean_1, covariance_1, mean_2, covariance_2) -> the squared 2-Wasserstein distance.


def _real_root_trace(covariance_1, covariance_2):
    """Tr((Σ1 Σ2)^(1/2)) with SciPy's matrix square root, keeping the real part."""
    return float(np.trace(np.real(scipy.linalg.sqrtm(covariance_1 @ covariance_2))))


def _frechet_mistakes(mean_1, covariance_1, mean_2, covariance_2, expected):
    """(value, message) pairs for the typical wrong formulas, keeping only those that differ from the answer."""
    difference = mean_1 - mean_2
    squared = float(difference @ difference)
    traces = float(np.trace(covariance_1) + np.trace(covariance_2))
    root = _real_root_trace(covariance_1, covariance_2)
    product_diagonal = np.diag(covariance_1 @ covariance_2)
    root_1, root_2 = (np.real(scipy.linalg.sqrtm(c)) for c in (covariance_1, covariance_2))
    mistakes = [
        (
            squared + traces,
            "the cross term is missing: subtract 2·Tr(√(Σ₁Σ₂)) from Tr(Σ₁ + Σ₂). Without it, two identical "
            "Gaussians would be a distance 2·Tr(Σ) apart instead of 0.",
        ),
        (
            squared + traces - root,
            "the cross term needs its factor 2: Tr(Σ₁ + Σ₂ − 2·√(Σ₁Σ₂)).",
        ),
        (
            squared + traces + 2 * root,
            "the cross term has the wrong sign: it is subtracted, Tr(Σ₁ + Σ₂ − 2·√(Σ₁Σ₂)).",
        ),
        (
            np.sqrt(squared) + traces - 2 * root,
            "the distance between the means must be squared: ‖μ₁ − μ₂‖² is the sum of the squared differences "
            "(`np.sum((mean_1 - mean_2) ** 2)`), not the length ‖μ₁ − μ₂‖.",
        ),
        (
            float(difference.sum()) ** 2 + traces - 2 * root,
            "that squares the sum of the differences between the means: square each difference first, then sum.",
        ),
        (
            squared - traces + 2 * root,
            "the trace term has the wrong sign: it is added, ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2·√(Σ₁Σ₂)).",
        ),
        (
            squared
            + traces
            - 2 * float(np.sum(np.real(scipy.linalg.sqrtm(covariance_1 @ covariance_2)))),
            "that sums every entry of the square root √(Σ₁Σ₂): the formula takes its trace, the sum of the "
            "diagonal only (`np.trace`).",
        ),
        (
            squared,
            "that is only the distance between the means: add the trace term Tr(Σ₁ + Σ₂ − 2·√(Σ₁Σ₂)), which "
            "compares the spreads.",
        ),
        (
            traces - 2 * root,
            "the means are missing: add ‖μ₁ − μ₂‖², the squared distance between the means.",
        ),
        (
            squared + traces - 2 * float(np.trace(root_1 @ root_2)),
            "that takes the square root of each covariance separately: √Σ₁·√Σ₂ is not √(Σ₁Σ₂) unless the two "
            "matrices commute. Take the matrix square root of the product, `scipy.linalg.sqrtm(covariance_1 @ "
            "covariance_2)`.",
        ),
        (
            squared
            + traces
            - 2 * float(np.sum(np.sqrt(np.diag(covariance_1) * np.diag(covariance_2)))),
            "that multiplies the covariances element by element (`*`) and takes element-wise square roots: "
            "multiply them as matrices (`@`) and take the matrix square root, `scipy.linalg.sqrtm`.",
        ),
    ]
    if (product_diagonal > 0).all():
        mistakes.append(
            (
                squared + traces - 2 * float(np.sum(np.sqrt(product_diagonal))),
                "that is an element-wise square root (`np.sqrt`) of the product Σ₁Σ₂: the formula needs the "
                "*matrix* square root, the matrix R with R·R = Σ₁Σ₂ (`scipy.linalg.sqrtm`).",
            )
        )
    tolerance = 1e-3 * max(abs(expected), 1.0)
    return [(value, message) for value, message in mistakes if abs(value - expected) > tolerance]


def _expect_frechet(frechet_distance, mean_1, covariance_1, mean_2, covariance_2, expected, what):
    # Copies: an answer that changes its arguments in place must not change the check's own arrays.
    got = call_learner(
        frechet_distance, mean_1.copy(), covariance_1.copy(), mean_2.copy(), covariance_2.copy()
    )
    mistakes = _frechet_mistakes(mean_1, covariance_1, mean_2, covariance_2, expected)
    array = _as_array_or_none(got)
    if array is not None and array.dtype.kind == "c":
        raise WrongAnswer(COMPLEX_MESSAGE)
    if array is not None and array.dtype.kind == "f" and array.size == 1:
        value = float(array.reshape(()))
        if np.isnan(value):
            raise WrongAnswer(
                f"{what} is NaN. An element-wise square root (`np.sqrt`) of a matrix with negative entries gives "
                "NaN: the formula needs the matrix square root, `scipy.linalg.sqrtm`."
            )
        known = any(np.isclose(value, mistake, rtol=1e-4, atol=1e-6) for mistake, _ in mistakes)
        if value < -NEGATIVE_TOLERANCE and not known:
            raise WrongAnswer(
                f"{what} came out negative ({value:.4g}). The Fréchet distance is a squared distance and is never "
                "negative: check the signs, ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2·√(Σ₁Σ₂))."
            )
    expect_close(
        got,
        expected,
        what=what,
        known_mistakes=mistakes,
        shape_hint="Return one number: the squared distance between the means plus the trace term.",
    )


def _frechet_one_and_three_dimensions(frechet_distance):
    # One dimension: the distance is (μ1 − μ2)² + (σ1 − σ2)².
    mean_1, variance_1 = np.array([1.0]), np.array([[4.0]])
    mean_2, variance_2 = np.array([-0.5]), np.array([[1.0]])
    expected = (1.0 - -0.5) ** 2 + (2.0 - 1.0) ** 2
    _expect_frechet(
        frechet_distance,
        mean_1,
        variance_1,
        mean_2,
        variance_2,
        expected,
        "the distance between N(1, 4) and N(-0.5, 1)",
    )
    # Independent coordinates (diagonal covariances): the one-dimensional distances add up.
    mean_1, deviations_1 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    mean_2, deviations_2 = np.array([1.0, 1.0, 0.0]), np.array([2.0, 1.0, 0.5])
    expected = float(np.sum((mean_1 - mean_2) ** 2) + np.sum((deviations_1 - deviations_2) ** 2))
    _expect_frechet(
        frechet_distance,
        mean_1,
        np.diag(deviations_1**2),
        mean_2,
        np.diag(deviations_2**2),
        expected,
        "the distance between two 3-D Gaussians with diagonal covariances",
    )


def _correlated_covariances():
    """Two fixed 4×4 covariances that do not commute, with a positive diagonal of their product."""
    rng = np.random.default_rng(1001)
    mixing_1, mixing_2 = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    covariance_1 = mixing_1 @ mixing_1.T + 0.5 * np.eye(4)
    covariance_2 = mixing_2 @ mixing_2.T + 0.5 * np.eye(4)
    return (
        np.array([0.5, -1.0, 2.0, 0.0]),
        covariance_1,
        np.array([0.0, 0.5, 1.0, 1.0]),
        covariance_2,
    )


def _frechet_full_covariances(frechet_distance):
    mean_1, covariance_1, mean_2, covariance_2 = _correlated_covariances()
    difference = mean_1 - mean_2
    expected = float(
        difference @ difference + np.trace(covariance_1 + covariance_2)
    ) - 2 * _real_root_trace(covariance_1, covariance_2)
    _expect_frechet(
        frechet_distance,
        mean_1,
        covariance_1,
        mean_2,
        covariance_2,
        expected,
        "the distance between two 4-D Gaussians with correlated covariances",
    )
    _expect_frechet(
        frechet_distance,
        mean_1,
        covariance_1,
        mean_1,
        covariance_1,
        0.0,
        "the distance between a Gaussian and itself",
    )


def _feature_statistics_with_few_samples():
    """Means and covariances of 40 feature vectors in 48 dimensions: singular covariances, as in a small FID."""
    rng = np.random.default_rng(1002)
    mixing = rng.normal(size=(48, 48)) / 7
    real = rng.normal(size=(40, 48)) @ mixing + 1.0
    generated = (rng.normal(size=(40, 48)) * 1.3) @ mixing + 0.8
    return (
        real.mean(axis=0),
        np.cov(real, rowvar=False),
        generated.mean(axis=0),
        np.cov(generated, rowvar=False),
    )


def _frechet_feature_statistics(frechet_distance):
    mean_1, covariance_1, mean_2, covariance_2 = _feature_statistics_with_few_samples()
    difference = mean_1 - mean_2
    expected = float(
        difference @ difference + np.trace(covariance_1 + covariance_2)
    ) - 2 * _real_root_trace(covariance_1, covariance_2)
    _expect_frechet(
        frechet_distance,
        mean_1,
        covariance_1,
        mean_2,
        covariance_2,
        expected,
        "the distance between the statistics of two sets of 40 feature vectors in 48-D",
    )


check_frechet_distance = LESSON.exercise(
    "frechet_distance",
    parts=[
        Part(
            "N(1, 4) vs N(-0.5, 1), and two 3-D Gaussians with diagonal covariances",
            _frechet_one_and_three_dimensions,
        ),
        Part(
            "two 4-D Gaussians with correlated covariances; a Gaussian against itself",
            _frechet_full_covariances,
        ),
        Part(
            "statistics of 40 feature vectors in 48-D (singular covariances)",
            _frechet_feature_statistics,
        ),
    ],
)


# Exercise 2: kid(real_features, generated_features) -> the unbiased MMD² with k(x, y) = (x·y / d + 1)³.


def _kernel_sums(x, y, degree=3, scale=None, offset=1.0):
    """Sums of k over all pairs and over the diagonal, computed with plain loops (small inputs only)."""
    scale = x.shape[1] if scale is None else scale
    total, diagonal = 0.0, 0.0
    for i in range(len(x)):
        for j in range(len(y)):
            value = (float(np.dot(x[i], y[j])) / scale + offset) ** degree
            total += value
            if i == j:
                diagonal += value
    return total, diagonal


def _mmd_variants(x, y, loops):
    """The unbiased estimate and the typical wrong ones, as (expected, [(value, message), ...])."""
    m, n, d = len(x), len(y), x.shape[1]

    def sums(a, b, **kernel):
        if loops:
            return _kernel_sums(a, b, **kernel)
        scale = kernel.get("scale", d)
        values = (a @ b.T / scale + kernel.get("offset", 1.0)) ** kernel.get("degree", 3)
        return float(values.sum()), float(np.trace(values))

    def unbiased(**kernel):
        (xx, xx_diagonal), (yy, yy_diagonal) = sums(x, x, **kernel), sums(y, y, **kernel)
        xy, _ = sums(x, y, **kernel)
        return (
            (xx - xx_diagonal) / (m * (m - 1))
            + (yy - yy_diagonal) / (n * (n - 1))
            - 2 * xy / (m * n)
        )

    (xx, xx_diagonal), (yy, yy_diagonal), (xy, _) = sums(x, x), sums(y, y), sums(x, y)
    expected = unbiased()
    mistakes = [
        (
            xx / m**2 + yy / n**2 - 2 * xy / (m * n),
            "that is the biased estimate: it includes k(xᵢ, xᵢ), each vector paired with itself. Leave out the "
            "diagonal (i = j) of the real–real and generated–generated kernel matrices and divide by m(m − 1) and "
            "n(n − 1), the number of pairs i ≠ j.",
        ),
        (
            (xx - xx_diagonal) / m**2 + (yy - yy_diagonal) / n**2 - 2 * xy / (m * n),
            "the diagonal is left out, but then divide by the number of pairs i ≠ j: m(m − 1) and n(n − 1), "
            "not m² and n².",
        ),
        (
            xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n),
            "the sums over the real–real and generated–generated pairs must leave out i = j (each vector with "
            "itself): subtract the diagonal of each kernel matrix.",
        ),
        (
            (xx - xx_diagonal) / (m * (m - 1)) + (yy - yy_diagonal) / (n * (n - 1)) - xy / (m * n),
            "the cross term needs its factor 2: MMD² = E k(x, x′) + E k(y, y′) − 2 E k(x, y).",
        ),
        (
            unbiased(degree=2),
            "the kernel has the wrong degree: it is a cube, k(x, y) = (x·y / d + 1)³.",
        ),
        (
            unbiased(degree=1),
            "the kernel has the wrong degree: it is a cube, k(x, y) = (x·y / d + 1)³.",
        ),
        (
            unbiased(scale=1.0),
            "the dot product must be divided by d, the number of features (columns): (x·y / d + 1)³.",
        ),
        (
            unbiased(offset=0.0),
            "the kernel is missing its + 1: k(x, y) = (x·y / d + 1)³.",
        ),
    ]
    if m != d:
        mistakes.append(
            (
                unbiased(scale=float(m)),
                "d is the number of features (the columns, `x.shape[1]`), not the number of vectors.",
            )
        )
    if m != n:
        mistakes.append(
            (
                (xx - xx_diagonal) / (m * (m - 1))
                + (yy - yy_diagonal) / (n * (n - 1))
                - 2 * xy / m**2,
                "the real and generated sets may differ in size: average the cross term over all m·n pairs.",
            )
        )
    tolerance = 1e-3 * max(abs(expected), 1e-3)
    return expected, [
        (value, message) for value, message in mistakes if abs(value - expected) > tolerance
    ]


def _check_kid_on(kid, real, generated, loops, what):
    got = call_learner(kid, real.copy(), generated.copy())
    expected, mistakes = _mmd_variants(real, generated, loops)
    array = _as_array_or_none(got)
    if array is not None and array.dtype.kind == "c":
        raise WrongAnswer(f"{what} is a complex number: it should be a real number.")
    expect_close(
        got,
        expected,
        what=what,
        known_mistakes=mistakes,
        shape_hint="Return one number: the three averages combined.",
    )


def _kid_small_sets(kid):
    rng = np.random.default_rng(1011)
    real = rng.normal(size=(5, 3))
    generated = rng.normal(loc=0.5, scale=1.5, size=(7, 3))
    _check_kid_on(
        kid, real, generated, loops=True, what="the KID of 5 real and 7 generated vectors in 3-D"
    )


def _kid_feature_sets(kid):
    rng = np.random.default_rng(1012)
    mixing = rng.normal(size=(64, 64)) / 8
    real = np.maximum(rng.normal(size=(300, 64)) @ mixing, 0.0)  # non-negative, like ReLU features
    generated = np.maximum(rng.normal(loc=0.3, scale=1.2, size=(200, 64)) @ mixing, 0.0)
    _check_kid_on(
        kid,
        real,
        generated,
        loops=False,
        what="the KID of 300 real and 200 generated vectors in 64-D",
    )


check_kid = LESSON.exercise(
    "kid",
    parts=[
        Part("5 real and 7 generated vectors in 3-D", _kid_small_sets),
        Part("300 real and 200 generated feature vectors in 64-D", _kid_feature_sets),
    ],
)


summary = LESSON.summary
passed = LESSON.passed

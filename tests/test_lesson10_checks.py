"""Lesson 10's checks are honest: the reference solution passes, the stub is not attempted, typical
mistakes get their own message, and other correct ways of writing each answer pass too."""

from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
import tensorflow as tf

from course_lib.grading import core
from course_lib.grading import lesson10 as checks
from tests.conftest import notebook_functions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "10_evaluating_generative_models.ipynb"
EXERCISES = ["frechet_distance", "kid"]
POINTS = {"frechet_distance": 3, "kid": 2}


pytestmark = pytest.mark.usefixtures("fresh_scores")


def _check(name):
    return getattr(checks, f"check_{name}")


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_gets_full_marks(name):
    solution = notebook_functions(ROOT / "exercise_sources" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(solution)

    assert result.status == core.PASSED, result.report()
    assert result.score == result.max_score == POINTS[name]


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_of_the_exercise_notebook_scores_zero_and_is_not_attempted(name):
    stub = notebook_functions(ROOT / "exercises" / NOTEBOOK, EXERCISES)[name]

    result = _check(name).grade(stub)

    assert result.status == core.NOT_ATTEMPTED
    assert result.score == 0


def test_the_checks_expected_values_agree_with_scipy_and_with_the_closed_form():
    # The 1-D closed form (μ1 − μ2)² + (σ1 − σ2)² against SciPy's matrix square root on a 1×1 matrix.
    root = np.real(scipy.linalg.sqrtm(np.array([[4.0]]) @ np.array([[1.0]])))
    assert (1.0 + 0.5) ** 2 + np.trace(np.array([[5.0]]) - 2 * root) == pytest.approx(3.25)
    # The feature case really has singular covariances, where sqrtm returns round-off imaginary parts.
    _, covariance_1, _, covariance_2 = checks._feature_statistics_with_few_samples()
    assert np.linalg.matrix_rank(covariance_1) < len(covariance_1)
    # The loop-based and the vectorised KID expectations agree.
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 4)), rng.normal(size=(5, 4))
    assert checks._mmd_variants(x, y, loops=True)[0] == pytest.approx(
        checks._mmd_variants(x, y, loops=False)[0]
    )


# Typical wrong answers, each with the words its message must contain.


def _frechet_without_cross_term(mean_1, covariance_1, mean_2, covariance_2):
    return float(np.sum((mean_1 - mean_2) ** 2) + np.trace(covariance_1 + covariance_2))


def _frechet_cross_term_without_factor_2(mean_1, covariance_1, mean_2, covariance_2):
    root = np.real(scipy.linalg.sqrtm(covariance_1 @ covariance_2))
    return float(np.sum((mean_1 - mean_2) ** 2) + np.trace(covariance_1 + covariance_2 - root))


def _frechet_elementwise_sqrt_of_product(mean_1, covariance_1, mean_2, covariance_2):
    root = np.sqrt(covariance_1 @ covariance_2)
    return float(np.sum((mean_1 - mean_2) ** 2) + np.trace(covariance_1 + covariance_2 - 2 * root))


def _frechet_elementwise_product(mean_1, covariance_1, mean_2, covariance_2):
    root = np.sqrt(covariance_1 * covariance_2)
    return float(np.sum((mean_1 - mean_2) ** 2) + np.trace(covariance_1 + covariance_2 - 2 * root))


def _frechet_product_of_roots(mean_1, covariance_1, mean_2, covariance_2):
    root = np.real(scipy.linalg.sqrtm(covariance_1) @ scipy.linalg.sqrtm(covariance_2))
    return float(np.sum((mean_1 - mean_2) ** 2) + np.trace(covariance_1 + covariance_2 - 2 * root))


def _frechet_means_not_squared(mean_1, covariance_1, mean_2, covariance_2):
    root = np.real(scipy.linalg.sqrtm(covariance_1 @ covariance_2))
    return float(np.linalg.norm(mean_1 - mean_2) + np.trace(covariance_1 + covariance_2 - 2 * root))


def _frechet_complex(mean_1, covariance_1, mean_2, covariance_2):
    # Forgets np.real: complex wherever sqrtm is (here: always, to show the message on every part).
    root = scipy.linalg.sqrtm(covariance_1 @ covariance_2).astype(complex)
    return np.sum((mean_1 - mean_2) ** 2) + np.trace(covariance_1 + covariance_2 - 2 * root)


def _frechet_signs_flipped(mean_1, covariance_1, mean_2, covariance_2):
    root = np.real(scipy.linalg.sqrtm(covariance_1 @ covariance_2))
    return float(np.sum((mean_1 - mean_2) ** 2) - np.trace(covariance_1 + covariance_2 - 2 * root))


def _frechet_sum_instead_of_trace(mean_1, covariance_1, mean_2, covariance_2):
    root = np.real(scipy.linalg.sqrtm(covariance_1 @ covariance_2))
    return float(
        np.sum((mean_1 - mean_2) ** 2) + np.trace(covariance_1 + covariance_2) - 2 * np.sum(root)
    )


def _frechet_negated(mean_1, covariance_1, mean_2, covariance_2):
    root = np.real(scipy.linalg.sqrtm(covariance_1 @ covariance_2))
    return float(np.trace(2 * root - covariance_1 - covariance_2) - np.sum((mean_1 - mean_2) ** 2))


def _frechet_means_only(mean_1, covariance_1, mean_2, covariance_2):
    return float(np.sum((mean_1 - mean_2) ** 2))


def _kid_biased(real_features, generated_features):
    d = real_features.shape[1]
    kernel = lambda a, b: (a @ b.T / d + 1.0) ** 3  # noqa: E731
    return float(
        kernel(real_features, real_features).mean()
        + kernel(generated_features, generated_features).mean()
        - 2 * kernel(real_features, generated_features).mean()
    )


def _kid_diagonal_removed_but_divided_by_m_squared(real_features, generated_features):
    d = real_features.shape[1]
    kernel = lambda a, b: (a @ b.T / d + 1.0) ** 3  # noqa: E731
    k_xx, k_yy = (
        kernel(real_features, real_features),
        kernel(generated_features, generated_features),
    )
    return float(
        (k_xx.sum() - np.trace(k_xx)) / k_xx.size
        + (k_yy.sum() - np.trace(k_yy)) / k_yy.size
        - 2 * kernel(real_features, generated_features).mean()
    )


def _kid_with_kernel(name, degree=3, scale=None, offset=1.0, cross_factor=2.0):
    def kid(real_features, generated_features):
        m, n = len(real_features), len(generated_features)
        d = real_features.shape[1] if scale is None else scale(real_features)
        kernel = lambda a, b: (a @ b.T / d + offset) ** degree  # noqa: E731
        k_xx, k_yy = (
            kernel(real_features, real_features),
            kernel(generated_features, generated_features),
        )
        return float(
            (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
            + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
            - cross_factor * kernel(real_features, generated_features).mean()
        )

    kid.__name__ = name
    return kid


_kid_squared_kernel = _kid_with_kernel("_kid_squared_kernel", degree=2)
_kid_unscaled_kernel = _kid_with_kernel("_kid_unscaled_kernel", scale=lambda features: 1.0)
_kid_scaled_by_count = _kid_with_kernel("_kid_scaled_by_count", scale=len)
_kid_without_plus_one = _kid_with_kernel("_kid_without_plus_one", offset=0.0)
_kid_cross_term_once = _kid_with_kernel("_kid_cross_term_once", cross_factor=1.0)


def _kid_cross_term_over_m_squared(real_features, generated_features):
    m, d = len(real_features), real_features.shape[1]
    n = len(generated_features)
    kernel = lambda a, b: (a @ b.T / d + 1.0) ** 3  # noqa: E731
    k_xx, k_yy = (
        kernel(real_features, real_features),
        kernel(generated_features, generated_features),
    )
    return float(
        (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
        + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
        - 2 * kernel(real_features, generated_features).sum() / m**2
    )


WRONG_ANSWERS = [
    ("frechet_distance", _frechet_without_cross_term, "cross term is missing"),
    ("frechet_distance", _frechet_cross_term_without_factor_2, "needs its factor 2"),
    ("frechet_distance", _frechet_elementwise_sqrt_of_product, "element-wise square root"),
    ("frechet_distance", _frechet_elementwise_product, "element by element"),
    ("frechet_distance", _frechet_product_of_roots, "square root of each covariance separately"),
    ("frechet_distance", _frechet_means_not_squared, "must be squared"),
    ("frechet_distance", _frechet_complex, "np.real"),
    ("frechet_distance", _frechet_signs_flipped, "trace term has the wrong sign"),
    ("frechet_distance", _frechet_sum_instead_of_trace, "sums every entry"),
    ("frechet_distance", _frechet_negated, "never negative"),
    ("frechet_distance", _frechet_means_only, "only the distance between the means"),
    ("kid", _kid_biased, "biased estimate"),
    ("kid", _kid_diagonal_removed_but_divided_by_m_squared, "m(m − 1)"),
    ("kid", _kid_squared_kernel, "wrong degree"),
    ("kid", _kid_unscaled_kernel, "divided by d"),
    ("kid", _kid_scaled_by_count, "not the number of vectors"),
    ("kid", _kid_without_plus_one, "missing its + 1"),
    ("kid", _kid_cross_term_once, "needs its factor 2"),
    ("kid", _kid_cross_term_over_m_squared, "all m·n pairs"),
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


def test_elementwise_square_roots_pass_only_where_they_coincide_with_the_matrix_root():
    # np.sqrt on the product equals sqrtm for 1-D and diagonal covariances: partial credit, no more.
    result = checks.check_frechet_distance.grade(_frechet_elementwise_sqrt_of_product)

    assert [part.status for part in result.parts] == [core.PASSED, core.WRONG, core.WRONG]


# Other correct ways of writing each answer.


def _frechet_with_eigenvalues(mean_1, covariance_1, mean_2, covariance_2):
    # Tr √(Σ1 Σ2) is the sum of the square roots of the eigenvalues of Σ1 Σ2 (real and non-negative).
    eigenvalues = np.linalg.eigvals(covariance_1 @ covariance_2).real
    difference = mean_1 - mean_2
    return (
        difference @ difference
        + np.trace(covariance_1)
        + np.trace(covariance_2)
        - 2 * np.sum(np.sqrt(np.clip(eigenvalues, 0, None)))
    )


def _frechet_symmetric_form(mean_1, covariance_1, mean_2, covariance_2):
    # Tr √(Σ1 Σ2) = Tr √(√Σ1 Σ2 √Σ1), a symmetric matrix: eigh is enough.
    values, vectors = np.linalg.eigh(covariance_1)
    root_1 = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    inner = np.linalg.eigvalsh(root_1 @ covariance_2 @ root_1)
    return float(
        np.sum((mean_1 - mean_2) ** 2)
        + np.trace(covariance_1 + covariance_2)
        - 2 * np.sum(np.sqrt(np.clip(inner, 0, None)))
    )


def _frechet_with_tensorflow(mean_1, covariance_1, mean_2, covariance_2):
    root = tf.math.real(
        tf.linalg.sqrtm(tf.cast(tf.constant(covariance_1 @ covariance_2), tf.complex128))
    )
    means = tf.reduce_sum(tf.square(tf.constant(mean_1 - mean_2)))
    return means + tf.linalg.trace(tf.constant(covariance_1 + covariance_2) - 2 * root)


def _kid_with_loops_over_rows(real_features, generated_features):
    m, n, d = len(real_features), len(generated_features), real_features.shape[1]
    kernel = lambda a, b: (a @ b.T / d + 1) ** 3  # noqa: E731
    real_sum = sum(
        kernel(real_features[i : i + 1], np.delete(real_features, i, axis=0)).sum()
        for i in range(m)
    )
    generated_sum = sum(
        kernel(generated_features[i : i + 1], np.delete(generated_features, i, axis=0)).sum()
        for i in range(n)
    )
    cross = kernel(real_features, generated_features).sum()
    return real_sum / (m * (m - 1)) + generated_sum / (n * (n - 1)) - 2 * cross / (m * n)


def _kid_with_tensorflow(real_features, generated_features):
    x, y = tf.constant(real_features), tf.constant(generated_features)
    d = tf.cast(tf.shape(x)[1], x.dtype)
    m, n = tf.cast(tf.shape(x)[0], x.dtype), tf.cast(tf.shape(y)[0], x.dtype)

    def off_diagonal_mean(a, count):
        k = (tf.matmul(a, a, transpose_b=True) / d + 1) ** 3
        return (tf.reduce_sum(k) - tf.linalg.trace(k)) / (count * (count - 1))

    cross = tf.reduce_mean((tf.matmul(x, y, transpose_b=True) / d + 1) ** 3)
    return off_diagonal_mean(x, m) + off_diagonal_mean(y, n) - 2 * cross


OTHER_CORRECT_ANSWERS = [
    ("frechet_distance", _frechet_with_eigenvalues),
    ("frechet_distance", _frechet_symmetric_form),
    ("frechet_distance", _frechet_with_tensorflow),
    ("kid", _kid_with_loops_over_rows),
    ("kid", _kid_with_tensorflow),
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

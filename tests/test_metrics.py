"""Metrics against values computed another way: closed forms, constructed cases, NumPy."""

import numpy as np
import pytest

from course_lib import metrics


def _gaussian_samples(mean, std, count, seed):
    rng = np.random.default_rng(seed)
    return mean + std * rng.standard_normal((count, len(mean)))


def test_fid_of_a_set_with_itself_is_zero():
    features = _gaussian_samples(np.zeros(8), np.ones(8), 500, seed=0)
    assert metrics.fid(features, features) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_matches_the_closed_form_for_diagonal_gaussians():
    mean_1, mean_2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    variance_1, variance_2 = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((mean_1 - mean_2) ** 2) + np.sum(
        (np.sqrt(variance_1) - np.sqrt(variance_2)) ** 2
    )
    value = metrics.frechet_distance(mean_1, np.diag(variance_1), mean_2, np.diag(variance_2))
    assert value == pytest.approx(expected, rel=1e-9)  # 5 + 4 + 1 = 10


def test_frechet_distance_handles_correlated_covariances():
    rotation = np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])
    covariance = rotation @ np.diag([4.0, 1.0]) @ rotation.T
    # Same covariance, shifted mean: the distance is the squared shift alone.
    assert metrics.frechet_distance([0, 0], covariance, [3, 4], covariance) == pytest.approx(
        25.0, rel=1e-9
    )
    # Scaled covariance c * S: Tr(S + c^2 S - 2 c S) = (1 - c)^2 Tr(S).
    assert metrics.frechet_distance([0, 0], covariance, [0, 0], 9 * covariance) == pytest.approx(
        4 * 5.0, rel=1e-9
    )


def test_fid_between_two_gaussian_sets_approaches_the_closed_form():
    real = _gaussian_samples(np.zeros(4), np.ones(4), 20_000, seed=1)
    generated = _gaussian_samples(np.full(4, 0.5), np.full(4, 2.0), 20_000, seed=2)
    expected = 4 * 0.5**2 + 4 * (1.0 - 2.0) ** 2  # 1 + 4 = 5
    assert metrics.fid(real, generated) == pytest.approx(expected, rel=0.03)


def test_kid_is_near_zero_for_one_distribution_and_positive_for_two():
    first = _gaussian_samples(np.zeros(16), np.ones(16), 2000, seed=3)
    second = _gaussian_samples(np.zeros(16), np.ones(16), 2000, seed=4)
    shifted = _gaussian_samples(np.full(16, 0.7), np.ones(16), 2000, seed=5)
    same, same_error = metrics.kid(first, second, subsets=20, subset_size=500)
    different, different_error = metrics.kid(first, shifted, subsets=20, subset_size=500)
    assert abs(same) < 4 * same_error + 1e-3
    assert different > 10 * different_error and different > 0.05
    assert same_error > 0 and different_error > 0


def test_kid_equals_a_direct_unbiased_mmd_on_the_full_sets():
    x = _gaussian_samples(np.zeros(3), np.ones(3), 40, seed=6)
    y = _gaussian_samples(np.ones(3), np.ones(3), 40, seed=7)

    def kernel(a, b):
        return (np.dot(a, b) / 3 + 1) ** 3

    n = len(x)
    xx = sum(kernel(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    yy = sum(kernel(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(kernel(x[i], y[j]) for i in range(n) for j in range(n)) / (n * n)
    value, _ = metrics.kid(x, y, subsets=1, subset_size=n)
    assert value == pytest.approx(xx + yy - 2 * xy, rel=1e-9)


def test_kid_gives_no_standard_error_when_every_subset_is_the_whole_of_both_sets():
    x = _gaussian_samples(np.zeros(3), np.ones(3), 30, seed=6)
    y = _gaussian_samples(np.ones(3), np.ones(3), 30, seed=7)

    with pytest.warns(UserWarning, match="smaller subset_size"):
        value, error = metrics.kid(x, y, subsets=5, subset_size=1000)

    assert np.isnan(error)
    assert value == pytest.approx(metrics.kid(x, y, subsets=1, subset_size=30)[0])


def test_precision_and_recall_on_constructed_cases():
    rng = np.random.default_rng(8)
    two_clusters = np.concatenate([rng.normal(0, 0.1, (200, 2)), rng.normal(5, 0.1, (200, 2))])
    one_cluster = rng.normal(0, 0.1, (200, 2))
    far_away = rng.normal(50, 0.1, (200, 2))
    precision, recall = metrics.precision_recall(two_clusters, one_cluster)
    assert (
        precision > 0.95 and 0.4 < recall < 0.6
    )  # good samples, but only half of the data's modes
    precision, recall = metrics.precision_recall(two_clusters, far_away)
    assert precision == 0.0 and recall == 0.0
    precision, recall = metrics.precision_recall(two_clusters, two_clusters)
    assert precision == 1.0 and recall == 1.0


def test_nearest_training_images_finds_copies_at_distance_zero():
    rng = np.random.default_rng(9)
    training = rng.random((50, 28, 28, 1)).astype("float32")
    samples = np.stack([training[7], training[31], rng.random((28, 28, 1)).astype("float32")])
    indices, distances = metrics.nearest_training_images(samples, training)
    assert indices[:2].tolist() == [7, 31]
    assert distances[0] == pytest.approx(0.0, abs=1e-4) and distances[2] > 1.0
    brute = np.sqrt(((training.reshape(50, -1) - samples[2].reshape(1, -1)) ** 2).sum(1))
    assert indices[2] == brute.argmin() and distances[2] == pytest.approx(brute.min(), rel=1e-5)


def test_tanh_images_must_be_rescaled_first():
    with pytest.raises(ValueError, match=r"\(images \+ 1\) / 2"):
        metrics.nearest_training_images(np.full((1, 28, 28, 1), -1.0), np.zeros((2, 28, 28, 1)))


def test_psnr_and_ssim_match_hand_computations():
    clean = np.zeros((1, 28, 28, 1), "float32")
    noisy = clean + 0.1
    assert metrics.psnr(noisy, clean)[0] == pytest.approx(20.0, rel=1e-4)  # 10 log10(1 / 0.01)
    assert metrics.ssim(clean + 0.5, clean + 0.5)[0] == pytest.approx(1.0, abs=1e-6)
    assert metrics.ssim(noisy, clean)[0] < 1.0


def test_reference_metrics_use_the_classifiers_features(monkeypatch):
    import keras

    inputs = keras.Input((28, 28, 1))
    features = keras.layers.Dense(3, name="features")(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(features))
    images = np.random.default_rng(0).random((5, 28, 28, 1)).astype("float32")
    embedded = metrics.reference_features(images, model=model)
    expected = (
        images.reshape(5, -1) @ model.get_layer("features").kernel.numpy()
        + model.get_layer("features").bias.numpy()
    )
    np.testing.assert_allclose(embedded, expected, rtol=1e-4, atol=1e-5)
    summary = metrics.class_confidence(images, model=model)
    assert summary["class_fractions"].sum() == pytest.approx(1.0)
    accuracy = metrics.conditional_accuracy(images, summary["predicted"], model=model)
    assert accuracy == 1.0

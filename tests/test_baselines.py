"""The classical baselines agree with hand computations."""

import numpy as np
import pytest

from course_lib import baselines


def test_median_filter_removes_an_isolated_salt_pixel_and_keeps_a_flat_image():
    images = np.full((1, 9, 9, 1), 0.4, np.float32)
    images[0, 4, 4, 0] = 1.0

    filtered = baselines.median_filter(images, size=3)

    np.testing.assert_allclose(filtered, 0.4)


def test_median_filter_matches_a_hand_computed_window_and_never_mixes_images():
    rng = np.random.default_rng(0)
    images = rng.random((3, 7, 7, 1)).astype(np.float32)

    filtered = baselines.median_filter(images, size=3)

    for index in range(3):
        window = images[index, 2:5, 3:6, 0]  # the 3x3 window around pixel (3, 4)
        assert filtered[index, 3, 4, 0] == pytest.approx(np.median(window))


def test_gaussian_filter_keeps_the_total_and_spreads_a_point_with_the_right_variance():
    images = np.zeros((2, 41, 41, 1), np.float32)
    images[0, 20, 20, 0] = 1.0

    blurred = baselines.gaussian_filter(images, sigma=2.0)

    rows = np.arange(41) - 20
    profile = blurred[0, :, :, 0].sum(axis=1)
    assert blurred[0].sum() == pytest.approx(1.0, rel=1e-4)
    assert (profile * rows**2).sum() == pytest.approx(4.0, rel=0.02)  # variance sigma^2
    np.testing.assert_array_equal(blurred[1], 0.0)  # no blur leaks across images


def test_gaussian_filter_with_sigma_zero_changes_nothing():
    images = np.random.default_rng(1).random((2, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(baselines.gaussian_filter(images, sigma=0.0), images)


def test_bicubic_upsample_doubles_the_size_keeps_constants_and_stays_in_range():
    constant = np.full((2, 14, 14, 1), 0.25, np.float32)
    checker = (np.indices((14, 14)).sum(axis=0) % 2).astype(np.float32)[np.newaxis, ..., np.newaxis]

    up_constant = baselines.bicubic_upsample(constant)
    up_checker = baselines.bicubic_upsample(checker)

    assert up_constant.shape == (2, 28, 28, 1)
    np.testing.assert_allclose(up_constant, 0.25, atol=1e-6)
    assert (
        up_checker.min() >= 0.0 and up_checker.max() <= 1.0
    )  # bicubic overshoots; the baseline clips


def test_bicubic_upsample_reproduces_a_linear_ramp_away_from_the_borders():
    ramp = np.tile(np.linspace(0.1, 0.9, 14, dtype=np.float32), (14, 1))[
        np.newaxis, ..., np.newaxis
    ]

    up = baselines.bicubic_upsample(ramp)[0, :, :, 0]

    # Half-pixel centres: output column j sits at input coordinate (j + 0.5) / 2 - 0.5.
    coordinates = (np.arange(28) + 0.5) / 2 - 0.5
    expected = 0.1 + 0.8 * coordinates / 13
    np.testing.assert_allclose(up[10, 4:24], expected[4:24], atol=1e-4)


def test_mean_fill_with_a_mean_image_a_number_and_each_image_own_mean():
    images = np.array([[[0.2, 0.4], [0.6, 0.0]]], np.float32)[..., np.newaxis]
    masks = np.array([[[0, 0], [0, 1]]], np.float32)[..., np.newaxis]
    mean_image = np.full((2, 2, 1), 0.9, np.float32)

    assert baselines.mean_fill(images, masks, mean_image)[0, 1, 1, 0] == pytest.approx(0.9)
    assert baselines.mean_fill(images, masks, 0.5)[0, 1, 1, 0] == pytest.approx(0.5)
    assert baselines.mean_fill(images, masks)[0, 1, 1, 0] == pytest.approx(
        0.4
    )  # (0.2 + 0.4 + 0.6) / 3
    np.testing.assert_allclose(baselines.mean_fill(images, masks)[masks == 0], images[masks == 0])


def test_best_parameter_picks_the_candidate_with_the_highest_mean_psnr():
    clean = np.full((4, 8, 8, 1), 0.5, np.float32)

    def shift(images, amount):
        return images + amount

    best, scores = baselines.best_parameter(shift, [0.3, -0.1, 0.05], clean - 0.1, clean)

    assert best == 0.05
    assert scores[0.05] == pytest.approx(
        10 * np.log10(1 / 0.05**2), abs=1e-3
    )  # error 0.05 everywhere
    assert scores[0.3] == pytest.approx(10 * np.log10(1 / 0.2**2), abs=1e-3)  # error 0.2 everywhere


def test_baselines_reject_a_single_image_without_a_batch_axis():
    with pytest.raises(ValueError, match="batch axis"):
        baselines.median_filter(np.zeros((28,), np.float32))


def test_score_restorations_matches_the_psnr_formula_and_caps_perfect_images():
    clean = np.full((3, 28, 28, 1), 0.5, np.float32)
    restored = clean.copy()
    restored[0] += 0.1  # MSE 0.01 -> 20 dB
    restored[1, :14] += 0.2  # MSE 0.02 -> 16.99 dB

    scores = baselines.score_restorations(restored, clean)

    np.testing.assert_allclose(scores["psnr"][:2], [20.0, 10 * np.log10(1 / 0.02)], atol=1e-4)
    assert scores["psnr"][2] == pytest.approx(
        10 * np.log10(255**2 * 12)
    )  # perfect: capped near 58.9 dB
    assert scores["ssim"][2] == pytest.approx(1.0) and scores["ssim"][1] < 1.0

import numpy as np
import pytest

from course_lib import corruption


def _images(count=64, seed=0):
    return np.random.default_rng(seed).random((count, 28, 28, 1)).astype(np.float32)


def test_gaussian_noise_has_the_requested_spread_before_clipping():
    images = np.full((200, 28, 28, 1), 0.5, np.float32)
    noisy = corruption.add_gaussian_noise(images, stddev=0.1, seed=1)
    difference = noisy - images
    assert noisy.dtype == np.float32 and noisy.shape == images.shape
    assert abs(difference.mean()) < 0.002
    assert difference.std() == pytest.approx(0.1, rel=0.02)


def test_gaussian_noise_stays_in_range_is_repeatable_and_leaves_the_input_alone():
    images = _images()
    before = images.copy()
    first = corruption.add_gaussian_noise(images, stddev=0.8, seed=3)
    second = corruption.add_gaussian_noise(images, stddev=0.8, seed=3)
    assert first.min() >= 0.0 and first.max() <= 1.0
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(images, before)
    assert not np.array_equal(first, corruption.add_gaussian_noise(images, stddev=0.8, seed=4))


def test_gaussian_noise_respects_a_minus_one_to_one_range():
    images = _images() * 2 - 1
    noisy = corruption.add_gaussian_noise(images, stddev=1.0, seed=0, value_range=(-1, 1))
    assert noisy.min() == -1.0 and noisy.max() == 1.0


def test_salt_and_pepper_replaces_the_requested_fraction_with_black_and_white():
    images = np.full((100, 28, 28, 1), 0.5, np.float32)
    noisy = corruption.add_salt_and_pepper(images, amount=0.2, seed=0)
    replaced = noisy != 0.5
    assert replaced.mean() == pytest.approx(0.2, abs=0.005)
    assert set(np.unique(noisy[replaced])) == {0.0, 1.0}
    assert (noisy[replaced] == 1.0).mean() == pytest.approx(0.5, abs=0.01)


def test_erase_random_squares_blanks_one_square_per_image():
    images = np.ones((20, 28, 28, 1), np.float32)
    erased = corruption.erase_random_squares(images, size=6, seed=0)
    assert ((erased == 0).reshape(20, -1).sum(axis=1) == 36).all()


def test_corruption_explains_unscaled_or_out_of_range_images():
    with pytest.raises(ValueError, match="scale_images"):
        corruption.add_gaussian_noise(np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="value_range"):
        corruption.add_salt_and_pepper(np.full((2, 28, 28), 3.0, np.float32))
    with pytest.raises(ValueError, match="between 0 and 1"):
        corruption.add_salt_and_pepper(_images(), amount=1.5)

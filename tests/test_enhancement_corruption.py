"""The corruption helpers added for lesson 12: downsampling, square masks and masking."""

import numpy as np
import pytest

from course_lib import corruption


def test_downsample_averages_each_two_by_two_block():
    image = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1) / 15

    small = corruption.downsample(image, factor=2)

    expected = (
        np.array([[0 + 1 + 4 + 5, 2 + 3 + 6 + 7], [8 + 9 + 12 + 13, 10 + 11 + 14 + 15]]) / 4 / 15
    )
    assert small.shape == (1, 2, 2, 1) and small.dtype == np.float32
    np.testing.assert_allclose(small[0, :, :, 0], expected, rtol=1e-6)


def test_downsample_turns_mnist_sized_images_into_14_by_14_and_keeps_the_mean():
    images = np.random.default_rng(0).random((5, 28, 28)).astype(np.float32)

    small = corruption.downsample(images)

    assert small.shape == (5, 14, 14)
    np.testing.assert_allclose(small.mean(axis=(1, 2)), images.mean(axis=(1, 2)), rtol=1e-5)


def test_downsample_refuses_a_factor_that_does_not_divide_the_size():
    with pytest.raises(ValueError, match="dividing both"):
        corruption.downsample(np.zeros((1, 28, 28, 1), np.float32), factor=3)


def test_random_square_masks_hold_one_square_of_the_requested_size_per_image():
    masks = corruption.random_square_masks(50, size=10, seed=0)

    assert masks.shape == (50, 28, 28, 1) and masks.dtype == np.float32
    assert set(np.unique(masks)) == {0.0, 1.0}
    assert (masks.sum(axis=(1, 2, 3)) == 100).all()
    for mask in masks[..., 0]:
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        assert len(rows) == len(cols) == 10 and np.ptp(rows) == np.ptp(cols) == 9
    np.testing.assert_array_equal(masks, corruption.random_square_masks(50, size=10, seed=0))


def test_apply_masks_hides_exactly_the_masked_pixels():
    images = np.full((2, 28, 28, 1), 0.7, np.float32)
    masks = corruption.random_square_masks(2, size=6, seed=1)

    masked = corruption.apply_masks(images, masks, fill_value=0.0)

    np.testing.assert_array_equal(masked[masks == 1], 0.0)
    np.testing.assert_array_equal(masked[masks == 0], np.float32(0.7))
    np.testing.assert_array_equal(images, np.float32(0.7))  # the input is left alone


def test_apply_masks_refuses_masks_of_another_shape():
    with pytest.raises(ValueError, match="one mask per image"):
        corruption.apply_masks(
            np.zeros((2, 28, 28, 1), np.float32), np.zeros((2, 28, 28), np.float32)
        )


def test_random_square_masks_respect_the_margin():
    masks = corruption.random_square_masks(200, size=10, margin=4, seed=2)

    covered = masks.any(axis=0)[..., 0]
    assert not covered[:4].any() and not covered[24:].any()
    assert not covered[:, :4].any() and not covered[:, 24:].any()
    assert covered[4:24, 4:24].all()  # 200 squares reach every place they may

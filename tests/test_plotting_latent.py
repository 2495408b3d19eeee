import matplotlib
import numpy as np
import pytest

from course_lib import plotting

matplotlib.use("Agg")


def test_latent_scatter_draws_one_coloured_group_per_label():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(300, 2))
    labels = rng.integers(0, 10, size=300)
    fig = plotting.plot_latent_scatter(codes, labels, show=False)
    groups = fig.axes[0].collections
    assert len(groups) == len(np.unique(labels))
    assert sum(len(group.get_offsets()) for group in groups) == 300


def test_latent_scatter_subsamples_and_explains_codes_that_are_not_two_dimensional():
    codes, labels = np.zeros((50, 2)), np.zeros(50, int)
    fig = plotting.plot_latent_scatter(codes, labels, max_points=20, show=False)
    assert len(fig.axes[0].collections[0].get_offsets()) == 20
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plotting.plot_latent_scatter(np.zeros((5, 3)), np.zeros(5))


def test_latent_grid_is_row_major_from_the_top_and_follows_the_prior_quantiles():
    points = plotting.latent_grid(grid_size=3, spacing="quantile")
    assert points.shape == (9, 2)
    np.testing.assert_allclose(points[:3, 0], [-1.6449, 0.0, 1.6449], atol=1e-3)
    np.testing.assert_allclose(points[::3, 1], [1.6449, 0.0, -1.6449], atol=1e-3)
    linear = plotting.latent_grid(grid_size=5, limit=2.0, spacing="linear")
    np.testing.assert_allclose(linear[:5, 0], [-2, -1, 0, 1, 2])


def test_latent_manifold_tiles_the_decoded_images_at_their_grid_positions():
    def decode(points):
        # Each image is filled with its point's first coordinate: the canvas must rise left to right.
        return np.broadcast_to(points[:, 0, None, None], (len(points), 28, 28)) / 4 + 0.5

    fig = plotting.plot_latent_manifold(decode, grid_size=4, spacing="linear", show=False)
    canvas = fig.axes[0].get_images()[0].get_array()
    assert canvas.shape == (4 * 28, 4 * 28)
    assert canvas[0, 0] < canvas[0, -1] and canvas[0, 0] == canvas[-1, 0]


def test_interpolation_strip_labels_its_ends():
    fig = plotting.plot_interpolation(
        np.zeros((6, 28, 28, 1)), start_label="a 3", end_label="a 8", show=False
    )
    titles = [axis.get_title() for axis in fig.axes]
    assert titles[0] == "a 3" and titles[-1] == "a 8" and titles[1] == ""
    with pytest.raises(ValueError, match="at least 2"):
        plotting.plot_interpolation(np.zeros((1, 28, 28)))

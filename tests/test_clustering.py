"""Tests for course_lib.clustering: k-means on points whose groups are known."""

import numpy as np
import pytest

from course_lib import clustering


def _three_blobs(per_blob=40, spread=0.2, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    points = np.concatenate([rng.normal(centre, spread, (per_blob, 2)) for centre in centres])
    return points, np.repeat(np.arange(3), per_blob), centres


def test_kmeans_finds_well_separated_groups_and_their_means():
    points, labels, true_centres = _three_blobs()
    centres, assignments = clustering.kmeans(points, k=3, seed=1)
    assert assignments.shape == (len(points),) and assignments.dtype == np.int32
    assert clustering.cluster_purity(assignments, labels) == 1.0
    for cluster in range(3):
        members = points[assignments == cluster]
        np.testing.assert_allclose(centres[cluster], members.mean(axis=0), atol=1e-5)
    # Each true centre has a found centre within the blob's spread.
    distances = np.linalg.norm(true_centres[:, None] - centres[None], axis=-1)
    assert distances.min(axis=1).max() < 0.2


def test_kmeans_flattens_images_and_every_point_goes_to_its_nearest_centre():
    rng = np.random.default_rng(3)
    images = rng.uniform(size=(60, 4, 4, 1)).astype("float32")
    centres, assignments = clustering.kmeans(images, k=5, seed=0)
    assert centres.shape == (5, 16)
    flat = images.reshape(60, -1)
    brute_force = np.argmin(((flat[:, None] - centres[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_array_equal(assignments, brute_force)


def test_nearest_centre_gives_the_same_answer_in_chunks():
    points, _, _ = _three_blobs(per_blob=25)
    centres, _ = clustering.kmeans(points, k=3)
    np.testing.assert_array_equal(
        clustering.nearest_centre(points, centres, chunk_size=7),
        clustering.nearest_centre(points, centres, chunk_size=1000),
    )


def test_purity_of_mixed_clusters_counts_the_majority_label():
    assignments = np.array([0, 0, 0, 0, 1, 1])
    labels = np.array([7, 7, 7, 1, 2, 3])
    assert clustering.cluster_purity(assignments, labels) == pytest.approx(4 / 6)


def test_bad_k_and_mismatched_centres_are_refused_with_a_reason():
    points = np.zeros((4, 2))
    with pytest.raises(ValueError, match="k must be between 1 and the number of points"):
        clustering.kmeans(points, k=5)
    with pytest.raises(ValueError, match="2 values each but the centres have 3"):
        clustering.nearest_centre(points, np.zeros((2, 3)))

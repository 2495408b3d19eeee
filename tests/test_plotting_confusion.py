"""The confusion matrix counts like a hand count, and its plot draws without a display."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import plotting


def test_confusion_matrix_matches_a_hand_count():
    labels = [0, 0, 1, 1, 1, 2]
    predictions = [0, 1, 1, 1, 2, 2]
    expected = np.array([[1, 1, 0], [0, 2, 1], [0, 0, 1]])
    np.testing.assert_array_equal(plotting.confusion_matrix(labels, predictions), expected)


def test_confusion_matrix_agrees_with_a_loop_on_random_labels():
    rng = np.random.default_rng(0)
    labels, predictions = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    matrix = plotting.confusion_matrix(labels, predictions, num_classes=10)
    counted = np.zeros((10, 10), int)
    for true, guess in zip(labels, predictions, strict=True):
        counted[true, guess] += 1
    np.testing.assert_array_equal(matrix, counted)
    assert matrix.sum() == 500


def test_confusion_matrix_explains_probabilities_and_length_mismatch():
    with pytest.raises(ValueError, match="argmax"):
        plotting.confusion_matrix([0, 1], np.eye(2))
    with pytest.raises(ValueError, match="2 labels but 3 predictions"):
        plotting.confusion_matrix([0, 1], [0, 1, 1])


@pytest.mark.parametrize("normalize", [False, True])
def test_plot_confusion_matrix_returns_a_figure_with_named_classes(normalize):
    names = ["cat", "dog", "bird"]
    fig = plotting.plot_confusion_matrix(
        [0, 1, 2, 2], [0, 2, 2, 2], class_names=names, normalize=normalize, show=False
    )
    axis = fig.axes[0]
    assert [tick.get_text() for tick in axis.get_yticklabels()] == names
    assert "75.00%" in axis.get_title()
    image = axis.get_images()[0].get_array()
    if normalize:
        np.testing.assert_allclose(np.asarray(image).sum(axis=1), 1.0)
    plt.close(fig)

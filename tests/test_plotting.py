import matplotlib.colors as mcolors
import numpy as np
import pytest

from course_lib import plotting


def _visible_image_axes(figure):
    return [axis for axis in figure.axes if axis.images]


def test_image_grid_draws_one_panel_per_image_and_hides_the_rest():
    figure = plotting.plot_image_grid(np.random.rand(7, 28, 28), ncols=4, show=False)
    assert len(figure.axes) == 8
    assert len(_visible_image_axes(figure)) == 7


def test_image_grid_shows_labels_and_marks_highlighted_images_red():
    images = np.random.rand(3, 28, 28, 1)
    figure = plotting.plot_image_grid(
        images, labels=["a", "b", "c"], highlight=[False, True, False], show=False
    )
    titles = [axis.get_title() for axis in _visible_image_axes(figure)]
    colors = [mcolors.to_hex(axis.title.get_color()) for axis in _visible_image_axes(figure)]
    assert titles == ["a", "b", "c"]
    assert colors == ["#000000", "#ff0000", "#000000"]


@pytest.mark.parametrize(
    "images, expected",
    [
        (np.linspace(-1, 1, 784).reshape(1, 28, 28), (-1.0, 1.0)),
        (np.linspace(0, 1, 784).reshape(1, 28, 28), (0.0, 1.0)),
        (np.arange(784).reshape(1, 28, 28) % 256, (0.0, 255.0)),
    ],
)
def test_value_range_is_guessed_from_the_pixels(images, expected):
    assert plotting.guess_value_range(images) == expected
    figure = plotting.plot_image_grid(images, show=False)
    assert _visible_image_axes(figure)[0].images[0].get_clim() == expected


def test_image_grid_explains_how_to_fix_flat_images():
    with pytest.raises(ValueError, match=r"reshape with images.reshape\(-1, 28, 28\)"):
        plotting.plot_image_grid(np.zeros((4, 784)), show=False)


def test_image_grid_wants_one_label_per_image():
    with pytest.raises(ValueError, match="got 2 images but 3 labels"):
        plotting.plot_image_grid(np.zeros((2, 28, 28)), labels=[1, 2, 3], show=False)


def test_history_plot_draws_training_and_validation_curves():
    history = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.8, 0.9]}
    figure = plotting.plot_history(history, show=False)
    loss_axis, accuracy_axis = figure.axes
    assert len(loss_axis.lines) == 2 and len(accuracy_axis.lines) == 1
    np.testing.assert_array_equal(loss_axis.lines[1].get_ydata(), [1.1, 0.7, 0.6])
    assert loss_axis.get_ylabel() == "loss"


def test_history_plot_accepts_a_keras_history_object():
    class FakeHistory:
        history = {"loss": [2.0, 1.0]}

    figure = plotting.plot_history(FakeHistory(), show=False)
    np.testing.assert_array_equal(figure.axes[0].lines[0].get_xdata(), [1, 2])


def test_history_plot_names_a_missing_curve():
    with pytest.raises(ValueError, match=r"no curve named \['accuracy'\]"):
        plotting.plot_history({"loss": [1.0]}, metrics=["accuracy"], show=False)

"""Headless tests of the latent explorers: drive the controls as a learner would, check the pictures."""

import io
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from course_lib import widgets

LATENT_DIM = 4
_WEIGHTS = np.random.default_rng(0).standard_normal((LATENT_DIM, 28 * 28)).astype("float32")


def decode(latents):
    """A stand-in decoder: every latent dimension changes the picture."""
    latents = np.asarray(latents, "float32")
    return (1 / (1 + np.exp(-latents @ _WEIGHTS))).reshape(-1, 28, 28, 1)


def decode_conditional(latents, labels):
    images = decode(latents)
    return images * (1 + np.asarray(labels).reshape(-1, 1, 1, 1)) / 10


def _open_png(png):
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    return picture


def test_to_png_encodes_an_enlarged_valid_png():
    picture = _open_png(widgets.to_png(np.zeros((28, 28, 1))))
    assert picture.size == (168, 168)


def test_to_png_maps_the_value_range_to_ink_on_paper():
    image = np.full((2, 2), -1.0)
    image[0, 0] = 1.0
    pixels = np.asarray(_open_png(widgets.to_png(image, scale=1)))
    assert pixels[0, 0] == 0 and pixels[1, 1] == 255  # full ink is black, no ink is white


def test_to_png_rejects_a_batch():
    with pytest.raises(ValueError, match=r"one image \(H, W\)"):
        widgets.to_png(np.zeros((5, 28, 28, 1)))


def test_slerp_keeps_the_norm_where_lerp_shrinks_it():
    start, end = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    np.testing.assert_allclose(widgets.slerp(start, end, 0.0), start, atol=1e-6)
    np.testing.assert_allclose(widgets.slerp(start, end, 1.0), end, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(widgets.slerp(start, end, 0.5)), 1.0, rtol=1e-6)
    np.testing.assert_allclose(
        np.linalg.norm(widgets.lerp(start, end, 0.5)), np.sqrt(0.5), rtol=1e-6
    )
    np.testing.assert_allclose(widgets.slerp(start, end, 0.5), [np.sqrt(0.5)] * 2, rtol=1e-6)


def test_slerp_of_parallel_vectors_falls_back_to_lerp():
    np.testing.assert_allclose(widgets.slerp([1.0, 1.0], [2.0, 2.0], 0.5), [1.5, 1.5], rtol=1e-6)


def test_interpolation_path_runs_from_start_to_end_on_the_chosen_path():
    start, end = np.array([3.0, 0.0, 0.0]), np.array([0.0, 3.0, 0.0])
    for method, interpolate in (("spherical", widgets.slerp), ("linear", widgets.lerp)):
        path = widgets.interpolation_path(start, end, 5, method=method)
        assert path.shape == (5, 3) and path.dtype == np.float32
        np.testing.assert_allclose(path[0], start, atol=1e-6)
        np.testing.assert_allclose(path[-1], end, atol=1e-6)
        np.testing.assert_allclose(path[2], interpolate(start, end, 0.5), rtol=1e-6)
    norms = np.linalg.norm(widgets.interpolation_path(start, end, 5), axis=1)
    np.testing.assert_allclose(norms, 3.0, rtol=1e-6)  # the spherical path keeps the length
    with pytest.raises(ValueError, match="method must be one of"):
        widgets.interpolation_path(start, end, 5, method="straight")
    with pytest.raises(ValueError, match="at least 2 steps"):
        widgets.interpolation_path(start, end, 1)


def test_vae_explorer_slider_changes_the_image_and_the_map_marker():
    points = np.random.default_rng(1).standard_normal((200, LATENT_DIM))
    explorer = widgets.VAEExplorer(
        decode, LATENT_DIM, latent_points=points, labels=np.arange(200) % 10
    )
    box = explorer.widget
    assert box is explorer.widget  # built once
    image_before = explorer.image_widgets[0].value
    map_before = explorer.extra_widgets[0].value
    explorer.sliders[0].value = 2.0
    assert explorer.image_widgets[0].value != image_before
    assert explorer.extra_widgets[0].value != map_before
    _open_png(explorer.image_widgets[0].value)
    _open_png(explorer.extra_widgets[0].value)
    np.testing.assert_allclose(explorer.latent[:2], [2.0, 0.0])
    assert len(explorer.update_seconds) == 2


def test_vae_explorer_set_point_moves_every_chosen_dimension():
    explorer = widgets.VAEExplorer(decode, LATENT_DIM, dimensions=[1, 3])
    explorer.set_point([0.5, -1.5])
    np.testing.assert_allclose(explorer.latent, [0.0, 0.5, 0.0, -1.5])
    expected = widgets.to_png(decode(explorer.latent[np.newaxis])[0], (0.0, 1.0))
    assert explorer.image_widgets[0].value == expected


def test_interpolation_explorer_buttons_draw_new_endpoints():
    explorer = widgets.InterpolationExplorer(decode, LATENT_DIM, seed=3, value_range=(0.0, 1.0))
    explorer.widget  # noqa: B018
    start_before = explorer.start.copy()
    first_image = explorer.image_widgets[0].value
    explorer.new_start_button.click()
    assert not np.allclose(explorer.start, start_before)
    assert explorer.image_widgets[0].value != first_image
    end_before = explorer.image_widgets[2].value
    explorer.new_end_button.click()
    assert explorer.image_widgets[2].value != end_before


def test_interpolation_explorer_new_endpoint_before_display_changes_the_static_picture(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # the fallback path: no widget at all
    explorer = widgets.InterpolationExplorer(decode, LATENT_DIM, seed=3, value_range=(0.0, 1.0))
    before = explorer._repr_mimebundle_()["image/png"]
    explorer.new_endpoint("end")
    after = explorer._repr_mimebundle_()["image/png"]
    assert after != before
    _open_png(after)
    with pytest.raises(ValueError, match="'start' or 'end'"):
        explorer.new_endpoint("middle")


def test_interpolation_explorer_starts_on_the_requested_path():
    explorer = widgets.InterpolationExplorer(decode, LATENT_DIM, seed=3, method="linear")
    assert explorer.widget is not None and explorer.method_picker.value == "linear"
    np.testing.assert_allclose(
        explorer.current_latents()[1], (explorer.start + explorer.end) / 2, rtol=1e-6
    )
    with pytest.raises(ValueError, match="method must be one of"):
        widgets.InterpolationExplorer(decode, LATENT_DIM, method="straight")


def test_interpolation_explorer_follows_the_slider_and_the_path_choice():
    explorer = widgets.InterpolationExplorer(decode, LATENT_DIM, seed=3, value_range=(0.0, 1.0))
    explorer.widget  # noqa: B018
    explorer.position_slider.value = 0.0
    np.testing.assert_allclose(explorer.current_latents()[1], explorer.start, atol=1e-6)
    explorer.position_slider.value = 0.5
    spherical = explorer.image_widgets[1].value
    explorer.method_picker.value = "linear"
    assert explorer.image_widgets[1].value != spherical
    np.testing.assert_allclose(
        explorer.current_latents()[1], (explorer.start + explorer.end) / 2, rtol=1e-6
    )


def test_conditional_explorer_passes_the_chosen_class():
    explorer = widgets.ConditionalExplorer(
        decode_conditional, LATENT_DIM, class_names=list("0123456789"), value_range=(0.0, 1.0)
    )
    explorer.widget  # noqa: B018
    before = explorer.image_widgets[0].value
    explorer.class_picker.value = 7
    assert explorer.label == 7 and explorer.image_widgets[0].value != before
    styled = explorer.image_widgets[0].value
    explorer.style_sliders[0].value = -2.5
    assert explorer.image_widgets[0].value != styled


def test_explorer_box_shows_png_image_widgets_at_their_own_size():
    import ipywidgets

    explorer = widgets.VAEExplorer(decode, LATENT_DIM, latent_points=np.zeros((10, LATENT_DIM)))
    box = explorer.widget
    assert isinstance(box, ipywidgets.VBox)
    pictures = [child for child in box.children if isinstance(child, ipywidgets.HBox)][-1]
    assert list(pictures.children) == explorer.image_widgets + explorer.extra_widgets
    for image_widget in pictures.children:
        assert isinstance(image_widget, ipywidgets.Image) and image_widget.format == "png"
        png = bytes(image_widget.value)  # ipywidgets 7.x holds bytes, 8.x a memoryview of them
        width, height = _open_png(png).size
        assert (image_widget.layout.width, image_widget.layout.height) == (
            f"{width}px",
            f"{height}px",
        )
    assert "updated in" in explorer.status.value


def test_explorer_offers_a_static_picture_beside_the_live_widget():
    explorer = widgets.VAEExplorer(decode, LATENT_DIM)
    bundle = explorer._repr_mimebundle_()
    assert (
        bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id
    )
    # the same view spec ipywidgets itself sends (its protocol version, on 7.x as on 8.x)
    assert bundle["application/vnd.jupyter.widget-view+json"] == explorer.widget.get_view_spec()
    _open_png(bundle["image/png"])
    assert "live widget" in bundle["text/plain"]


def test_explorer_without_ipywidgets_still_shows_its_picture(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # importing it now raises ImportError
    explorer = widgets.InterpolationExplorer(decode, LATENT_DIM, value_range=(0.0, 1.0))
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert _open_png(bundle["image/png"]).size[0] >= 3 * 168


def test_latent_traversal_moves_one_dimension_per_row():
    base = np.zeros(LATENT_DIM, "float32")
    images = widgets.latent_traversal(decode, base, dimensions=[0, 2], values=[-2.0, 0.0, 2.0])
    assert images.shape == (2, 3, 28, 28, 1)
    np.testing.assert_allclose(images[0, 1], images[1, 1])  # value 0 leaves the base unchanged
    expected = decode(np.array([[0.0, 0.0, 2.0, 0.0]]))[0]
    np.testing.assert_allclose(images[1, 2], expected, rtol=1e-6)


def test_attribute_vector_and_latent_arithmetic():
    latents = np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 1.0], [0.0, 3.0]], "float32")
    direction = widgets.attribute_vector(latents, [True, True, False, False])
    np.testing.assert_allclose(direction, [2.0, -2.0])

    def identity_decoder(z):
        return np.asarray(z).reshape(-1, 2, 1, 1)

    moved = widgets.latent_arithmetic(
        identity_decoder, latents[:1], direction, strengths=[0.0, 0.5]
    )
    assert moved.shape == (1, 2, 2, 1, 1)
    np.testing.assert_allclose(moved[0, 1, :, 0, 0], [2.0, -1.0])
    with pytest.raises(ValueError, match="some latents with the attribute and some without"):
        widgets.attribute_vector(latents, [True] * 4)


def test_fast_decoder_calls_keras_models_with_one_or_two_inputs():
    single = keras.Sequential(
        [keras.Input((LATENT_DIM,)), keras.layers.Dense(784), keras.layers.Reshape((28, 28, 1))]
    )
    images = widgets.fast_decoder(single)(np.zeros((2, LATENT_DIM), "float32"))
    assert isinstance(images, np.ndarray) and images.shape == (2, 28, 28, 1)
    noise, label = keras.Input((LATENT_DIM,)), keras.Input((1,), dtype="int32")
    joined = keras.layers.Concatenate()(
        [noise, keras.layers.Flatten()(keras.layers.Embedding(10, 2)(label))]
    )
    two_inputs = keras.Model(
        [noise, label], keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784)(joined))
    )
    images = widgets.fast_decoder(two_inputs)(
        np.zeros((3, LATENT_DIM), "float32"), np.array([[1], [2], [3]])
    )
    assert images.shape == (3, 28, 28, 1)


def test_explorers_drive_the_course_generators():
    from course_lib.models import conditional, dcgan

    keras.utils.set_random_seed(0)
    generator = dcgan.build_dcgan_generator(latent_dim=8, filters=(8, 4))
    explorer = widgets.InterpolationExplorer(generator, 8, seed=1)
    explorer.widget  # noqa: B018
    before = explorer.image_widgets[1].value
    explorer.position_slider.value = 0.9
    assert explorer.image_widgets[1].value != before
    conditional_generator = conditional.build_conditional_generator(latent_dim=8, filters=(8, 4))
    conditional_explorer = widgets.ConditionalExplorer(
        conditional_generator, 8, class_names=list("0123456789")
    )
    conditional_explorer.widget  # noqa: B018
    before = conditional_explorer.image_widgets[0].value
    conditional_explorer.class_picker.value = 3
    assert conditional_explorer.image_widgets[0].value != before
    _open_png(conditional_explorer.image_widgets[0].value)

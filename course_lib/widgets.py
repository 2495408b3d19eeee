"""Live latent-space explorers built on ipywidgets: sliders in, decoded image out.

Each explorer takes any decoder or generator of the course (a callable from a latent batch to an image batch),
shows the image as PNG bytes in an `ipywidgets.Image` updated through `observe`, and falls back to a static
picture where no widget frontend is present (nbval, exported HTML, a plain console).
"""

import contextlib
import io
import time

import numpy as np
from PIL import Image, ImageDraw

PNG_SCALE = 6  # a 28x28 digit is shown at 168x168 pixels


def to_png(image, value_range=None, scale=PNG_SCALE):
    """Encodes one image as PNG bytes, enlarged without blurring.

    Args:
        image: `(H, W)`, `(H, W, 1)` or `(H, W, 3)` array.
        value_range: pixel range `(low, high)`; `(-1, 1)` is assumed when the image has negative values,
            otherwise `(0, 1)`.
        scale: enlargement factor (nearest neighbour).

    Returns:
        The PNG file's bytes.
    """
    image = np.asarray(image, dtype="float32")
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3):
        raise ValueError(f"to_png expects one image (H, W) or (H, W, C), got shape {image.shape}.")
    if value_range is None:
        value_range = (-1.0, 1.0) if image.min() < -0.01 else (0.0, 1.0)
    low, high = value_range
    pixels = np.clip((image - low) / (high - low), 0.0, 1.0)
    if pixels.ndim == 2:
        pixels = 1.0 - pixels  # ink dark on white paper, as in the lessons' plots
    picture = Image.fromarray((pixels * 255).round().astype("uint8"))
    if scale != 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def lerp(start, end, t):
    """Linear interpolation `(1 - t) * start + t * end` between two latent vectors."""
    start, end = np.asarray(start, "float32"), np.asarray(end, "float32")
    return (1.0 - t) * start + t * end


def slerp(start, end, t):
    """Spherical interpolation between two latent vectors.

    Gaussian latents concentrate near a sphere; slerp stays near it where `lerp` cuts through the middle,
    whose points are shorter than any noise the generator was trained on (lesson 11 measures what that does).

    Args:
        start: latent vector `(D,)`.
        end: latent vector `(D,)`.
        t: position in [0, 1].

    Returns:
        The interpolated vector `(D,)`.
    """
    start, end = np.asarray(start, "float64"), np.asarray(end, "float64")
    cosine = np.dot(start, end) / (np.linalg.norm(start) * np.linalg.norm(end))
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    if angle < 1e-6:  # (almost) the same direction: slerp and lerp agree
        return lerp(start, end, t)
    result = (np.sin((1.0 - t) * angle) * start + np.sin(t * angle) * end) / np.sin(angle)
    return result.astype("float32")


INTERPOLATIONS = {"spherical": slerp, "linear": lerp}


def interpolation_path(start, end, steps, method="spherical"):
    """The latents of a walk from `start` to `end` in equal steps of `t`, both ends included.

    Args:
        start: latent vector `(D,)`.
        end: latent vector `(D,)`.
        steps: how many points, at least 2.
        method: `"spherical"` (slerp) or `"linear"` (lerp).

    Returns:
        A `(steps, D)` float32 array whose first row is `start` and last row is `end`.
    """
    if method not in INTERPOLATIONS:
        raise ValueError(f"method must be one of {sorted(INTERPOLATIONS)}, got {method!r}.")
    if int(steps) < 2:
        raise ValueError(f"a path needs at least 2 steps (its two ends), got {steps}.")
    interpolate = INTERPOLATIONS[method]
    return np.stack([interpolate(start, end, t) for t in np.linspace(0.0, 1.0, int(steps))]).astype(
        "float32"
    )


def fast_decoder(model):
    """Wraps a Keras decoder or generator so one call costs milliseconds (no `predict` overhead).

    Args:
        model: a Keras model (or any callable) from a latent batch (and optionally labels) to images.

    Returns:
        A function taking NumPy arrays and returning a NumPy image batch.
    """

    keras_model = _is_keras(model)

    def decode(*inputs):
        if keras_model:
            arrays = [np.asarray(x) for x in inputs]
            outputs = model(arrays[0] if len(arrays) == 1 else arrays, training=False)
        else:
            outputs = model(*inputs)
        return np.asarray(outputs)

    return decode


def _is_keras(model):
    try:
        import keras
    except ImportError:  # pragma: no cover - keras is a course dependency
        return False
    return isinstance(model, keras.Model)


def latent_traversal(decode, base_latent, dimensions, values):
    """Decodes the images met when one latent dimension at a time is moved through `values`.

    A traversal explains a model: if moving dimension 3 makes the stroke thicker and nothing else, the model has
    learned "thickness" there.

    Args:
        decode: callable from a latent batch `(N, D)` to images `(N, H, W, C)`.
        base_latent: the starting latent vector `(D,)`.
        dimensions: the dimensions to move.
        values: the values each dimension takes.

    Returns:
        Images of shape `(len(dimensions), len(values), H, W, C)`.
    """
    base_latent = np.asarray(base_latent, "float32")
    latents = np.repeat(base_latent[np.newaxis], len(dimensions) * len(values), axis=0)
    for row, dimension in enumerate(dimensions):
        latents[row * len(values) : (row + 1) * len(values), dimension] = values
    images = np.asarray(decode(latents))
    return images.reshape(len(dimensions), len(values), *images.shape[1:])


def attribute_vector(latents, has_attribute):
    """The direction from latents without an attribute to those with it: mean(with) - mean(without).

    Args:
        latents: `(N, D)` latent codes of real images (e.g. the VAE encoder's means).
        has_attribute: `(N,)` booleans, e.g. "stroke is thick".

    Returns:
        The attribute vector `(D,)`.
    """
    latents = np.asarray(latents, "float32")
    has_attribute = np.asarray(has_attribute, bool)
    if has_attribute.all() or not has_attribute.any():
        raise ValueError("attribute_vector needs some latents with the attribute and some without.")
    return latents[has_attribute].mean(axis=0) - latents[~has_attribute].mean(axis=0)


def latent_arithmetic(decode, latents, direction, strengths):
    """Adds `strength * direction` to each latent and decodes: "this digit, but thicker".

    Args:
        decode: callable from a latent batch to images.
        latents: `(N, D)` starting latents.
        direction: `(D,)`, e.g. from `attribute_vector`.
        strengths: the multiples of `direction` to add.

    Returns:
        Images of shape `(N, len(strengths), H, W, C)`.
    """
    latents = np.asarray(latents, "float32")
    moved = (
        latents[:, np.newaxis, :]
        + np.asarray(strengths, "float32")[np.newaxis, :, np.newaxis] * direction
    )
    images = np.asarray(decode(moved.reshape(-1, latents.shape[1])))
    return images.reshape(len(latents), len(strengths), *images.shape[1:])


class LatentMap:
    """A scatter plot of encoded images, rendered once, on which a marker is drawn quickly.

    Args:
        points: `(N, 2)` latent coordinates.
        labels: optional `(N,)` integer labels for the colours.
        limit: the plot shows `[-limit, limit]` on both axes.
        size: picture size in pixels.
    """

    def __init__(self, points, labels=None, limit=3.0, size=280):
        self.limit = float(limit)
        self.size = int(size)
        self.background = self._render(np.asarray(points, "float32"), labels)

    def _render(self, points, labels):
        picture = Image.new("RGB", (self.size, self.size), "white")
        draw = ImageDraw.Draw(picture)
        palette = [
            (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
            (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
        ]  # fmt: skip
        centre = self.size / 2
        draw.line([(centre, 0), (centre, self.size)], fill=(220, 220, 220))
        draw.line([(0, centre), (self.size, centre)], fill=(220, 220, 220))
        for index, (x, y) in enumerate(self.to_pixels(points)):
            colour = palette[int(labels[index]) % 10] if labels is not None else (90, 90, 90)
            draw.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=colour)
        return picture

    def to_pixels(self, points):
        """Maps latent coordinates to pixel coordinates of the picture."""
        points = np.atleast_2d(np.asarray(points, "float32"))
        margin = 8  # room for the marker at the edges
        scale = (self.size - 1 - 2 * margin) / (2 * self.limit)
        x = margin + (points[:, 0] + self.limit) * scale
        y = margin + (self.limit - points[:, 1]) * scale  # latent "up" is picture "up"
        return np.stack([x, y], axis=1)

    def png(self, point):
        """Returns the map as PNG bytes with a red marker at `point` (a 2-D latent)."""
        picture = self.background.copy()
        draw = ImageDraw.Draw(picture)
        x, y = self.to_pixels(point[:2])[0]
        draw.ellipse([x - 6, y - 6, x + 6, y + 6], outline=(220, 0, 0), width=3)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


class Explorer:
    """Base class: holds the widgets, redraws on every change, and shows a static picture without a frontend.

    Subclasses build `self.controls` (a list of widgets), implement `current_images()` and may add extra
    images (e.g. a latent map) through `extra_pngs()`.
    """

    def __init__(self, value_range=None, title=""):
        self.value_range = value_range
        self.title = title
        self.update_seconds = []
        self._widget = None

    # --- to implement -------------------------------------------------------------------------------------
    def current_images(self):
        """Returns the image batch to show now, `(N, H, W, C)`."""
        raise NotImplementedError

    def extra_pngs(self):
        """Returns PNG bytes of extra pictures shown beside the images (default: none)."""
        return []

    def build_controls(self, widgets):
        """Returns the list of control widgets; `widgets` is the ipywidgets module."""
        raise NotImplementedError

    # --- shared machinery ---------------------------------------------------------------------------------
    def image_pngs(self):
        """Returns the current images as a list of PNG bytes."""
        return [to_png(image, self.value_range) for image in np.asarray(self.current_images())]

    @property
    def widget(self):
        """The ipywidgets box (built on first use)."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self):
        import ipywidgets as widgets

        self.controls = self.build_controls(widgets)
        self.image_widgets = [self._image_widget(widgets, png) for png in self.image_pngs()]
        self.extra_widgets = [self._image_widget(widgets, png) for png in self.extra_pngs()]
        self.status = widgets.HTML()
        for control in self.controls:
            if hasattr(control, "value"):
                control.observe(self._on_change, names="value")
        self.refresh()
        pictures = widgets.HBox(
            self.image_widgets + self.extra_widgets, layout=widgets.Layout(align_items="flex-start")
        )
        header = [widgets.HTML(f"<b>{self.title}</b>")] if self.title else []
        return widgets.VBox([*header, *self.controls, pictures, self.status])

    @staticmethod
    def _image_widget(widgets, png):
        width, height = Image.open(io.BytesIO(png)).size  # shown at its own size, never stretched
        return widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", height=f"{height}px")
        )

    def _on_change(self, change=None):
        self.refresh()

    def refresh(self):
        """Decodes and re-encodes the pictures for the current control values, and times it.

        Before the widget is built (or without ipywidgets) there is nothing to update: the static picture is
        drawn from the current state when it is shown.
        """
        if not hasattr(self, "image_widgets"):
            return
        start = time.perf_counter()
        for image_widget, png in zip(self.image_widgets, self.image_pngs(), strict=True):
            image_widget.value = png
        for image_widget, png in zip(self.extra_widgets, self.extra_pngs(), strict=True):
            image_widget.value = png
        elapsed = time.perf_counter() - start
        self.update_seconds.append(elapsed)
        self.status.value = f"<small>updated in {elapsed * 1000:.0f} ms</small>"

    def static_png(self):
        """One PNG of the current pictures side by side: what is shown where widgets cannot run."""
        pictures = [
            Image.open(io.BytesIO(png)).convert("RGB")
            for png in self.image_pngs() + self.extra_pngs()
        ]
        height = max(p.height for p in pictures)
        canvas = Image.new(
            "RGB", (sum(p.width for p in pictures) + 8 * (len(pictures) - 1), height), "white"
        )
        x = 0
        for picture in pictures:
            canvas.paste(picture, (x, 0))
            x += picture.width + 8
        buffer = io.BytesIO()
        canvas.save(buffer, format="PNG")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        # A widget frontend (JupyterLab, Colab, Notebook) renders the live widget; anything else (nbval,
        # exported HTML, GitHub, a console) falls back to the PNG or the text.
        bundle = {
            "text/plain": f"{type(self).__name__}: a live widget; its current picture is shown where widgets cannot run.",
            "image/png": self.static_png(),
        }
        with contextlib.suppress(ImportError):  # no ipywidgets at all: the picture is all there is
            bundle["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self.widget.model_id,
            }
        return bundle


def _float_slider(widgets, description, value, limit, step=0.05):
    return widgets.FloatSlider(
        value=float(value),
        min=-limit,
        max=limit,
        step=step,
        description=description,
        continuous_update=True,
        readout_format=".2f",
    )


class VAEExplorer(Explorer):
    """Sliders over chosen latent dimensions of a decoder, with the current point drawn on the latent map.

    Args:
        decode: callable from a latent batch `(N, D)` to images (e.g. `vae.decoder`).
        latent_dim: D.
        dimensions: which dimensions get a slider (default: the first two, or all if D <= 2).
        latent_points: optional `(N, D)` encoded test images for the map (its first two chosen dimensions).
        labels: optional labels colouring the map.
        limit: slider range `[-limit, limit]`.
        value_range: the decoder's pixel range, e.g. `(0, 1)`.
    """

    def __init__(
        self,
        decode,
        latent_dim,
        dimensions=None,
        latent_points=None,
        labels=None,
        limit=3.0,
        value_range=(0.0, 1.0),
        start=None,
    ):
        super().__init__(value_range=value_range, title="VAE latent explorer")
        self.decode = fast_decoder(decode)
        self.latent_dim = int(latent_dim)
        self.dimensions = (
            list(dimensions) if dimensions is not None else list(range(min(2, self.latent_dim)))
        )
        self.limit = float(limit)
        self.latent = (
            np.zeros(self.latent_dim, "float32")
            if start is None
            else np.asarray(start, "float32").copy()
        )
        self.latent_map = None
        if latent_points is not None and len(self.dimensions) >= 2:
            points = np.asarray(latent_points)[:, self.dimensions[:2]]
            self.latent_map = LatentMap(points, labels, limit=self.limit)

    def build_controls(self, widgets):
        self.sliders = [
            _float_slider(widgets, f"z[{d}]", self.latent[d], self.limit) for d in self.dimensions
        ]
        return self.sliders

    def set_point(self, values):
        """Moves the sliders (and so the image) to `values`, one per chosen dimension."""
        self.widget  # noqa: B018  (builds the sliders on first use)
        for slider, value in zip(self.sliders, values, strict=True):
            slider.value = float(value)

    def current_images(self):
        if hasattr(self, "sliders"):
            for dimension, slider in zip(self.dimensions, self.sliders, strict=True):
                self.latent[dimension] = slider.value
        return self.decode(self.latent[np.newaxis])

    def extra_pngs(self):
        if self.latent_map is None:
            return []
        return [self.latent_map.png(self.latent[self.dimensions[:2]])]


class InterpolationExplorer(Explorer):
    """Walks between two noise vectors of a generator, linearly or spherically, with buttons for new endpoints.

    Args:
        decode: callable from a latent batch `(N, D)` to images (e.g. a GAN's generator).
        latent_dim: D.
        seed: seed for the endpoints.
        value_range: the generator's pixel range, e.g. `(-1, 1)` for a tanh output.
        method: the path shown first, `"spherical"` or `"linear"`.
    """

    def __init__(self, decode, latent_dim, seed=0, value_range=(-1.0, 1.0), method="spherical"):
        if method not in INTERPOLATIONS:
            raise ValueError(f"method must be one of {sorted(INTERPOLATIONS)}, got {method!r}.")
        super().__init__(value_range=value_range, title="Interpolation explorer")
        self.decode = fast_decoder(decode)
        self.latent_dim = int(latent_dim)
        self.rng = np.random.default_rng(seed)
        self.start = self.rng.standard_normal(self.latent_dim).astype("float32")
        self.end = self.rng.standard_normal(self.latent_dim).astype("float32")
        self.position = 0.5
        self.method = method

    def build_controls(self, widgets):
        self.position_slider = widgets.FloatSlider(
            value=self.position,
            min=0.0,
            max=1.0,
            step=0.02,
            description="t",
            continuous_update=True,
        )
        self.method_picker = widgets.ToggleButtons(
            options=list(INTERPOLATIONS), value=self.method, description="path"
        )
        self.new_start_button = widgets.Button(description="new start")
        self.new_end_button = widgets.Button(description="new end")
        self.new_start_button.on_click(lambda _: self.new_endpoint("start"))
        self.new_end_button.on_click(lambda _: self.new_endpoint("end"))
        buttons = widgets.HBox([self.new_start_button, self.new_end_button])
        return [self.position_slider, self.method_picker, buttons]

    def new_endpoint(self, which):
        """Draws a new start or end noise vector and redraws.

        Args:
            which: `"start"` or `"end"`.
        """
        if which not in ("start", "end"):
            raise ValueError(f"which must be 'start' or 'end', got {which!r}.")
        setattr(self, which, self.rng.standard_normal(self.latent_dim).astype("float32"))
        self.refresh()

    def current_latents(self):
        """Returns `[start, current point, end]` as a `(3, D)` batch."""
        if hasattr(self, "position_slider"):
            self.position = self.position_slider.value
            self.method = self.method_picker.value
        middle = INTERPOLATIONS[self.method](self.start, self.end, self.position)
        return np.stack([self.start, middle, self.end])

    def current_images(self):
        return self.decode(self.current_latents())


class ConditionalExplorer(Explorer):
    """A class picker plus style sliders for a class-conditional generator: "draw me a 7, in this style".

    Args:
        decode: callable `(latents (N, D), labels (N,))` to images.
        latent_dim: D.
        class_names: the names of the classes, in label order.
        style_dimensions: how many latent dimensions get a slider (the rest stay fixed).
        seed: seed of the fixed part of the style.
        value_range: the generator's pixel range.
    """

    def __init__(
        self, decode, latent_dim, class_names, style_dimensions=4, seed=0, value_range=(-1.0, 1.0)
    ):
        super().__init__(value_range=value_range, title="Conditional explorer")
        self.decode = fast_decoder(decode)
        self.latent_dim = int(latent_dim)
        self.class_names = list(class_names)
        self.style_dimensions = min(int(style_dimensions), self.latent_dim)
        self.latent = np.random.default_rng(seed).standard_normal(self.latent_dim).astype("float32")
        self.label = 0

    def build_controls(self, widgets):
        self.class_picker = widgets.Dropdown(
            options=[(name, i) for i, name in enumerate(self.class_names)],
            value=self.label,
            description="class",
        )
        self.style_sliders = [
            _float_slider(widgets, f"style {d}", self.latent[d], 3.0)
            for d in range(self.style_dimensions)
        ]
        return [self.class_picker, *self.style_sliders]

    def current_images(self):
        if hasattr(self, "class_picker"):
            self.label = self.class_picker.value
            for dimension, slider in enumerate(self.style_sliders):
                self.latent[dimension] = slider.value
        return self.decode(self.latent[np.newaxis], np.array([self.label], "int32"))

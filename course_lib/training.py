"""Training helpers: a train-or-load cache so later lessons reuse models that earlier lessons trained."""

import json
import os
import time
import warnings

from course_lib import config

RETRAIN_VARIABLE = "COURSE_RETRAIN"


def cached_model_path(name, version=1):
    """Returns where the cache keeps a model: `<cache_dir>/<mode>/<name>-v<version>.keras`.

    Args:
        name: a short identifier such as `"classifier_mnist"`.
        version: bump it when the model's architecture or training recipe changes.
    """
    return config.cache_dir() / f"{name}-v{version}.keras"


def _should_retrain():
    return os.environ.get(RETRAIN_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}


def train_or_load(name, build_and_train, version=1, verbose=True):
    """Loads a trained model from the course cache, or trains it once and saves it there.

    Smoke-mode and full-mode models are cached separately. Set `COURSE_RETRAIN=1` to ignore the cache.

    Args:
        name: a short identifier such as `"classifier_mnist"`.
        build_and_train: a function with no arguments that builds, trains and returns a `keras.Model`.
            It may instead return `(model, info)` where `info` is a JSON-friendly dict (e.g. test accuracy)
            saved beside the model.
        version: bump it when the architecture or recipe changes, so stale models are not reused.
        verbose: print what happened.

    Returns:
        `(model, info)`: the model and its info dict, which always holds `"train_seconds"` and `"loaded"`.
    """
    import keras

    path = cached_model_path(name, version)
    info_path = path.with_suffix(".json")
    if path.exists() and not _should_retrain():
        try:
            model = keras.saving.load_model(path)
        except Exception as error:  # a cache written by another version, or a half-written file
            warnings.warn(
                f"could not load the cached {path.name} ({error}); training it again.", stacklevel=2
            )
        else:
            info = json.loads(info_path.read_text()) if info_path.exists() else {}
            info["loaded"] = True
            if verbose:
                print(f"Loaded {name} from the course cache ({path}).")
            return model, info
    if verbose:
        print(f"Training {name} (it is saved to {path} so later lessons can reuse it)...")
    start = time.perf_counter()
    result = build_and_train()
    model, info = result if isinstance(result, tuple) else (result, {})
    info = dict(info, train_seconds=round(time.perf_counter() - start, 1), mode=config.mode_name())
    # Write to a temporary name first, so a crash or a parallel run never leaves half a file behind.
    temporary = path.with_name(f".{path.stem}-{os.getpid()}.keras")
    model.save(temporary)
    os.replace(temporary, path)
    info_path.write_text(json.dumps(info, indent=2))
    info["loaded"] = False
    return model, info


# Watching a generative model learn: a fixed-noise sample grid after every epoch, saved as a GIF.


def tile_images(images, ncols=10, value_range=(-1.0, 1.0), padding=2, scale=2):
    """Tiles a batch of grey images into one uint8 picture, ink dark on white paper (like `plot_image_grid`).

    Args:
        images: `(N, H, W)` or `(N, H, W, 1)` array.
        ncols: images per row.
        value_range: the pixel range of `images`, e.g. `(-1, 1)` for a tanh generator.
        padding: white pixels between images.
        scale: each pixel becomes a `scale`×`scale` block, so small digits stay crisp when shown.

    Returns:
        A `(rows, columns)` uint8 array.
    """
    import numpy as np

    images = np.asarray(images, dtype="float32")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(
            f"expected grey images of shape (N, H, W) or (N, H, W, 1), got {images.shape}."
        )
    low, high = value_range
    ink = np.clip((images - low) / (high - low), 0.0, 1.0)
    pixels = (255 * (1.0 - ink)).round().astype("uint8")
    count, height, width = pixels.shape
    ncols = max(1, min(ncols, count))
    nrows = -(-count // ncols)
    canvas = np.full(
        (nrows * (height + padding) + padding, ncols * (width + padding) + padding), 255, "uint8"
    )
    for index, image in enumerate(pixels):
        top = padding + (index // ncols) * (height + padding)
        left = padding + (index % ncols) * (width + padding)
        canvas[top : top + height, left : left + width] = image
    return np.kron(canvas, np.ones((scale, scale), "uint8")) if scale > 1 else canvas


def save_gif(frames, path, captions=None, duration=400, last_frame_duration=1500):
    """Writes frames (uint8 grey pictures of one size) as a looping animated GIF, with Pillow.

    Args:
        frames: a list of `(H, W)` uint8 arrays, e.g. from `tile_images`.
        path: where to write the `.gif` file.
        captions: optional text per frame, written in a strip above it (e.g. `"epoch 3"`).
        duration: milliseconds each frame is shown.
        last_frame_duration: milliseconds the last frame is shown, before the loop starts again.

    Returns:
        The path written, as a `pathlib.Path`.
    """
    from pathlib import Path

    import numpy as np
    from PIL import Image, ImageDraw

    if not frames:
        raise ValueError("save_gif got no frames: train for at least one epoch first.")
    if captions is not None and len(captions) != len(frames):
        raise ValueError(
            f"got {len(frames)} frames but {len(captions)} captions; give one caption per frame."
        )
    pictures = []
    for index, frame in enumerate(frames):
        frame = np.asarray(frame, dtype="uint8")
        if captions is not None:
            strip = np.full((14, frame.shape[1]), 255, "uint8")
            frame = np.concatenate([strip, frame], axis=0)
        picture = Image.fromarray(frame, mode="L")
        if captions is not None:
            ImageDraw.Draw(picture).text((4, 1), str(captions[index]), fill=0)
        pictures.append(picture.convert("P"))
    durations = [duration] * (len(pictures) - 1) + [last_frame_duration]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=durations, loop=0)
    return path


def _sample_grid_callback_class():
    import keras

    class SampleGridCallback(keras.callbacks.Callback):
        """Generates images from the same fixed noise after every epoch: shows the grid and keeps it as a frame.

        Fixed noise makes the pictures comparable: each position in the grid follows one noise vector,
        so you watch the *same* sample sharpen from a blur into a digit. After training, `save_gif` writes
        the frames as an animation.

        Args:
            noise: `(N, latent_dim)` fixed noise.
            labels: optional `(N,)` labels for a conditional model.
            every: draw every `every`-th epoch.
            show: display the grid in the notebook each time (turn off for long runs).
            ncols: images per row.
            value_range: the generator's pixel range.
            gif_path: if given, the GIF is written there when training ends.
            generate: optional function `(noise, labels) -> images`; default: the model's own
                `generate(noise=..., labels=...)`.
        """

        def __init__(
            self,
            noise,
            labels=None,
            every=1,
            show=True,
            ncols=10,
            value_range=(-1.0, 1.0),
            gif_path=None,
            generate=None,
        ):
            super().__init__()
            self.noise = noise
            self.labels = labels
            self.every = max(1, int(every))
            self.show = show
            self.ncols = ncols
            self.value_range = value_range
            self.gif_path = gif_path
            self.generate = generate
            self.frames = []
            self.epochs = []

        def sample(self):
            """Returns the images the model makes from the fixed noise now."""
            if self.generate is not None:
                return self.generate(self.noise, self.labels)
            if self.labels is None:
                return self.model.generate(noise=self.noise)
            return self.model.generate(noise=self.noise, labels=self.labels)

        def on_train_begin(self, logs=None):
            if not self.frames:
                self._record(0)

        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % self.every == 0:
                self._record(epoch + 1, draw=self.show)

        def on_train_end(self, logs=None):
            if self.gif_path is not None:
                self.save_gif(self.gif_path)

        def _record(self, epoch, draw=False):
            images = self.sample()
            self.frames.append(tile_images(images, self.ncols, self.value_range))
            self.epochs.append(epoch)
            if draw:
                from course_lib.plotting import plot_image_grid

                plot_image_grid(
                    images,
                    ncols=self.ncols,
                    value_range=self.value_range,
                    image_size=0.55,
                    title=f"after epoch {epoch}",
                )

        def save_gif(self, path, duration=400):
            """Writes the frames so far as an animated GIF, each captioned with its epoch; returns the path."""
            return save_gif(
                self.frames, path, captions=[f"epoch {e}" for e in self.epochs], duration=duration
            )

    return SampleGridCallback


def __getattr__(name):
    # The callback subclasses a Keras class; building it on first use keeps `import course_lib.training` light.
    if name == "SampleGridCallback":
        cls = _sample_grid_callback_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Pictures the lessons share: image grids and training-history curves."""

import math

import matplotlib.pyplot as plt
import numpy as np


def _as_image_batch(images):
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        raise ValueError(
            f"expected images of shape (N, 28, 28) or (N, 28, 28, 1), got {images.shape}: "
            "reshape with images.reshape(-1, 28, 28)."
        )
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4):
        raise ValueError(f"expected a batch of images (N, height, width[, channels]), got shape {images.shape}.")
    return images


def guess_value_range(images):
    """Guesses the pixel range of images: `(-1, 1)`, `(0, 1)` or `(0, 255)`."""
    images = np.asarray(images)
    low, high = float(np.min(images)), float(np.max(images))
    if low < -0.01:
        return (-1.0, 1.0)
    if high > 1.01:
        return (0.0, 255.0)
    return (0.0, 1.0)


def plot_image_grid(
    images,
    labels=None,
    ncols=10,
    title=None,
    value_range=None,
    highlight=None,
    cmap="gray_r",
    image_size=1.1,
    show=True,
):
    """Draws images in a grid, optionally with a label above each and some highlighted in red.

    Args:
        images: `(N, H, W)`, `(N, H, W, 1)` or `(N, H, W, 3)` array.
        labels: optional sequence of N strings or numbers shown above the images.
        ncols: images per row.
        title: optional title above the grid.
        value_range: pixel range `(low, high)`; guessed from the data when `None`.
        highlight: optional sequence of N booleans; `True` draws that image's label and frame in red
            (e.g. the mistakes of a classifier).
        cmap: colour map for grey images; `"gray_r"` shows ink dark on white paper.
        image_size: inches per image.
        show: display the figure now (in a notebook) and return `None`; `False` returns the figure.

    Returns:
        The matplotlib `Figure` when `show=False`, otherwise `None`.
    """
    images = _as_image_batch(images)
    count = len(images)
    if count == 0:
        raise ValueError("plot_image_grid got no images to draw.")
    for name, values in (("labels", labels), ("highlight", highlight)):
        if values is not None and len(values) != count:
            raise ValueError(f"got {count} images but {len(values)} {name}; give one per image.")
    low, high = value_range or guess_value_range(images)
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    label_room = 0.25 if labels is not None else 0.0
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(ncols * image_size, nrows * (image_size + label_room) + (0.4 if title else 0)),
        squeeze=False,
    )
    for index, axis in enumerate(axes.flat):
        axis.set_xticks([])
        axis.set_yticks([])
        if index >= count:
            axis.axis("off")
            continue
        image = images[index]
        if image.ndim == 3:
            axis.imshow(np.clip((image - low) / (high - low), 0, 1))
        else:
            axis.imshow(image, cmap=cmap, vmin=low, vmax=high)
        marked = highlight is not None and bool(highlight[index])
        color = "red" if marked else "black"
        for spine in axis.spines.values():
            spine.set_color(color if marked else "lightgray")
            spine.set_linewidth(2.5 if marked else 0.5)
        if labels is not None:
            axis.set_title(str(labels[index]), fontsize=9, color=color, pad=2)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return _finish(fig, show)


def _history_dict(history):
    values = getattr(history, "history", history)
    if not isinstance(values, dict) or not values:
        raise ValueError("plot_history expects a keras History (what fit returns) or a dict of lists.")
    return values


def plot_history(history, metrics=None, title=None, show=True):
    """Plots training curves, one panel per metric, with the validation curve beside the training one.

    Args:
        history: the `History` returned by `model.fit`, or a dict such as `{"loss": [...], "val_loss": [...]}`.
        metrics: names to plot (e.g. `["loss", "accuracy"]`); defaults to every non-validation key.
        title: optional title above the panels.
        show: display now and return `None`; `False` returns the figure.

    Returns:
        The matplotlib `Figure` when `show=False`, otherwise `None`.
    """
    values = _history_dict(history)
    if metrics is None:
        metrics = [key for key in values if not key.startswith("val_")]
    missing = [name for name in metrics if name not in values]
    if missing:
        raise ValueError(f"no curve named {missing} in the history; it has {sorted(values)}.")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.2), squeeze=False)
    for axis, name in zip(axes.flat, metrics, strict=True):
        epochs = np.arange(1, len(values[name]) + 1)
        axis.plot(epochs, values[name], marker="o", markersize=3, label=f"training {name}")
        if f"val_{name}" in values:
            axis.plot(epochs, values[f"val_{name}"], marker="o", markersize=3, label=f"validation {name}")
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.grid(alpha=0.3)
        axis.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return _finish(fig, show)


def _finish(fig, show):
    if show:
        plt.show()
        plt.close(fig)
        return None
    return fig

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
        raise ValueError(
            f"expected a batch of images (N, height, width[, channels]), got shape {images.shape}."
        )
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
        raise ValueError(
            "plot_history expects a keras History (what fit returns) or a dict of lists."
        )
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
            axis.plot(
                epochs, values[f"val_{name}"], marker="o", markersize=3, label=f"validation {name}"
            )
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


def confusion_matrix(labels, predictions, num_classes=None):
    """Counts how often each true class was predicted as each class.

    Args:
        labels: `(N,)` true class indices.
        predictions: `(N,)` predicted class indices (take `argmax` of probabilities first).
        num_classes: number of classes; defaults to one more than the largest index seen.

    Returns:
        `(num_classes, num_classes)` int array whose entry `[i, j]` counts images of class `i` predicted as `j`.
    """
    labels = np.asarray(labels).astype(int).ravel()
    predictions = np.asarray(predictions)
    if predictions.ndim == 2:
        raise ValueError(
            f"predictions have shape {predictions.shape}: pass class indices, e.g. probabilities.argmax(axis=1)."
        )
    predictions = predictions.astype(int).ravel()
    if len(labels) != len(predictions):
        raise ValueError(
            f"got {len(labels)} labels but {len(predictions)} predictions; give one per image."
        )
    if num_classes is None:
        num_classes = int(max(labels.max(initial=0), predictions.max(initial=0))) + 1
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (labels, predictions), 1)
    return matrix


def plot_confusion_matrix(
    labels, predictions, class_names=None, normalize=False, title=None, show=True
):
    """Draws a confusion matrix: rows are true classes, columns predicted ones, mistakes off the diagonal.

    Args:
        labels: `(N,)` true class indices.
        predictions: `(N,)` predicted class indices.
        class_names: optional names of the classes, indexed by label.
        normalize: show each row as fractions of that class (so rows sum to 1) instead of counts.
        title: optional title; defaults to the overall accuracy.
        show: display now and return `None`; `False` returns the figure.

    Returns:
        The matplotlib `Figure` when `show=False`, otherwise `None`.
    """
    num_classes = len(class_names) if class_names is not None else None
    matrix = confusion_matrix(labels, predictions, num_classes=num_classes)
    num_classes = len(matrix)
    names = (
        [str(name) for name in class_names]
        if class_names is not None
        else [str(i) for i in range(num_classes)]
    )
    values = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) if normalize else matrix
    size = 0.45 * num_classes + 2.0
    fig, axis = plt.subplots(figsize=(size + 1.0, size))
    image = axis.imshow(values, cmap="Blues")
    fig.colorbar(image, ax=axis, fraction=0.046, pad=0.04)
    threshold = values.max() / 2 if values.size else 0
    for row in range(num_classes):
        for column in range(num_classes):
            if matrix[row, column] == 0:
                continue
            text = f"{values[row, column]:.2f}" if normalize else str(matrix[row, column])
            color = "white" if values[row, column] > threshold else "black"
            axis.text(column, row, text, ha="center", va="center", fontsize=7, color=color)
    named = class_names is not None
    axis.set_xticks(
        range(num_classes), names, rotation=45 if named else 0, ha="right" if named else "center"
    )
    axis.set_yticks(range(num_classes), names)
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    axis.set_title(title or f"Confusion matrix (accuracy {accuracy:.2%})")
    fig.tight_layout()
    return _finish(fig, show)


# Latent spaces (lessons 04, 05 and 11): where the codes lie, what the decoder draws, and paths between codes.


def plot_latent_scatter(
    codes, labels, class_names=None, title=None, max_points=5000, seed=0, show=True
):
    """Draws 2-D latent codes as dots coloured by class: do the digits form separate clusters?

    Args:
        codes: `(N, 2)` latent codes (e.g. a VAE's `z_mean`).
        labels: `(N,)` integer class labels.
        class_names: optional names indexed by label, shown in the legend.
        title: optional title.
        max_points: draw at most this many codes (a random subset), so the plot stays readable.
        seed: seed of that subset.
        show: display now and return `None`; `False` returns the figure.

    Returns:
        The matplotlib `Figure` when `show=False`, otherwise `None`.
    """
    codes = np.asarray(codes)
    labels = np.asarray(labels).reshape(-1)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(
            f"expected 2-D codes of shape (N, 2), got {codes.shape}; for a larger latent space, project the "
            "codes to two dimensions first (e.g. with PCA)."
        )
    if len(labels) != len(codes):
        raise ValueError(
            f"got {len(codes)} codes but {len(labels)} labels; give one label per code."
        )
    if len(codes) > max_points:
        chosen = np.random.default_rng(seed).choice(len(codes), size=max_points, replace=False)
        codes, labels = codes[chosen], labels[chosen]
    fig, axis = plt.subplots(figsize=(6.4, 5.6))
    colours = plt.get_cmap("tab10")
    for label in np.unique(labels):
        members = labels == label
        name = class_names[int(label)] if class_names is not None else str(label)
        axis.scatter(
            codes[members, 0],
            codes[members, 1],
            s=4,
            alpha=0.6,
            color=colours(int(label) % 10),
            label=name,
        )
    axis.set_xlabel("$z_1$")
    axis.set_ylabel("$z_2$")
    axis.legend(
        markerscale=4, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False
    )
    axis.set_title(title or "latent codes, coloured by label")
    axis.grid(alpha=0.3)
    fig.tight_layout()
    return _finish(fig, show)


def latent_grid(grid_size=15, limit=2.0, spacing="quantile"):
    """Returns the `(grid_size**2, 2)` points of a square grid over a 2-D latent space, row by row, top row first.

    Args:
        grid_size: points per side.
        limit: the grid spans `[-limit, limit]` on both axes (`spacing="linear"`), or, with
            `spacing="quantile"`, the standard normal's quantiles from 5 % to 95 % (`limit` is then ignored):
            equal steps in probability under the prior N(0, I), as in Kingma and Welling's figure.
        spacing: `"quantile"` or `"linear"`.
    """
    if spacing == "quantile":
        from scipy.stats import norm

        values = norm.ppf(np.linspace(0.05, 0.95, grid_size))
    elif spacing == "linear":
        values = np.linspace(-limit, limit, grid_size)
    else:
        raise ValueError(f"spacing must be 'quantile' or 'linear', got {spacing!r}.")
    z1, z2 = np.meshgrid(values, values[::-1])
    return np.stack([z1.ravel(), z2.ravel()], axis=1).astype("float32")


def plot_latent_manifold(
    decode, grid_size=15, limit=2.0, spacing="quantile", title=None, image_size=0.5, show=True
):
    """Decodes a grid of points of a 2-D latent space and tiles the images: the map of what the decoder draws.

    Args:
        decode: a function from `(n, 2)` latent points to `(n, 28, 28)` or `(n, 28, 28, 1)` images in [0, 1]
            (e.g. a VAE's `decode`).
        grid_size: images per side.
        limit: extent of a linear grid (see `latent_grid`).
        spacing: `"quantile"` (equal prior probability between neighbours) or `"linear"`.
        title: optional title.
        image_size: inches per tile.
        show: display now and return `None`; `False` returns the figure.

    Returns:
        The matplotlib `Figure` when `show=False`, otherwise `None`.
    """
    points = latent_grid(grid_size, limit, spacing)
    images = _as_image_batch(np.asarray(decode(points)))
    if len(images) != len(points):
        raise ValueError(f"decode returned {len(images)} images for {len(points)} latent points.")
    height, width = images.shape[1:3]
    canvas = images.reshape(grid_size, grid_size, height, width).transpose(0, 2, 1, 3)
    canvas = canvas.reshape(grid_size * height, grid_size * width)
    fig, axis = plt.subplots(figsize=(grid_size * image_size + 1.0, grid_size * image_size + 0.8))
    values = points[:grid_size, 0]
    extent = (values[0], values[-1], values[0], values[-1])
    step = (values[-1] - values[0]) / max(grid_size - 1, 1)
    extent = (
        extent[0] - step / 2,
        extent[1] + step / 2,
        extent[2] - step / 2,
        extent[3] + step / 2,
    )
    axis.imshow(canvas, cmap="gray_r", vmin=0.0, vmax=1.0, extent=extent, aspect="auto")
    axis.set_xlabel("$z_1$")
    axis.set_ylabel("$z_2$")
    axis.set_title(title or "decoded latent grid")
    fig.tight_layout()
    return _finish(fig, show)


def plot_interpolation(
    images, start_label=None, end_label=None, title=None, image_size=1.0, show=True
):
    """Draws a strip of images, e.g. the decoded path from one latent code to another.

    Args:
        images: `(steps, 28, 28)` or `(steps, 28, 28, 1)` images, first to last.
        start_label: optional caption of the first image (e.g. `"a 3"`).
        end_label: optional caption of the last image.
        title: optional title.
        image_size: inches per image.
        show: display now and return `None`; `False` returns the figure.

    Returns:
        The matplotlib `Figure` when `show=False`, otherwise `None`.
    """
    images = _as_image_batch(images)
    steps = len(images)
    if steps < 2:
        raise ValueError(f"an interpolation needs at least 2 images, got {steps}.")
    labels = [""] * steps
    labels[0] = "" if start_label is None else str(start_label)
    labels[-1] = "" if end_label is None else str(end_label)
    has_labels = start_label is not None or end_label is not None
    return plot_image_grid(
        images,
        labels=labels if has_labels else None,
        ncols=steps,
        title=title,
        image_size=image_size,
        show=show,
    )

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
        raise ValueError(f"got {len(labels)} labels but {len(predictions)} predictions; give one per image.")
    if num_classes is None:
        num_classes = int(max(labels.max(initial=0), predictions.max(initial=0))) + 1
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (labels, predictions), 1)
    return matrix


def plot_confusion_matrix(labels, predictions, class_names=None, normalize=False, title=None, show=True):
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
    names = [str(name) for name in class_names] if class_names is not None else [str(i) for i in range(num_classes)]
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
    axis.set_xticks(range(num_classes), names, rotation=45 if named else 0, ha="right" if named else "center")
    axis.set_yticks(range(num_classes), names)
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    axis.set_title(title or f"Confusion matrix (accuracy {accuracy:.2%})")
    fig.tight_layout()
    return _finish(fig, show)

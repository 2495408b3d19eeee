"""MNIST and Fashion-MNIST: loading (local folder first, then `keras.datasets`), checks, scaling and pipelines."""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib import config

ARRAY_NAMES = ("x_train", "y_train", "x_test", "y_test")


@dataclass(frozen=True)
class DatasetInfo:
    """What the course knows about one data set."""

    name: str
    file_name: str
    train_size: int
    test_size: int
    class_names: tuple
    # SHA-256 of known-good `.npz` files (the course's verified copy and, for MNIST, Keras' own).
    file_sha256: tuple
    # SHA-256 of the four arrays' contents, whatever `.npz` container holds them.
    content_sha256: str


DATASETS = {
    "mnist": DatasetInfo(
        name="mnist",
        file_name="mnist.npz",
        train_size=60_000,
        test_size=10_000,
        class_names=tuple(str(digit) for digit in range(10)),
        file_sha256=(
            "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
            "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        ),
        content_sha256="2f6dc9b6c10f51819a845a7b909d9fe67f369d4207aa05ba0be846a5651a00e8",
    ),
    "fashion_mnist": DatasetInfo(
        name="fashion_mnist",
        file_name="fashion_mnist.npz",
        train_size=60_000,
        test_size=10_000,
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        file_sha256=("5b6d2c4c694a91887af8ab7d039c04f80af3c29378d731c93a538d2e831aa469",),
        content_sha256="38d9d5b2bb26872d2d7a56f1fee029b1eb9ff4b25346ffe8fcbcb87e09ab7e83",
    ),
}

_ALIASES = {"fashion": "fashion_mnist", "fashionmnist": "fashion_mnist", "digits": "mnist"}

# Files already verified in this process, keyed by (path, size, modification time).
_VERIFIED = set()


class DataNotFoundError(FileNotFoundError):
    """A data set is neither in the local data folder nor downloadable."""


class DataFileError(ValueError):
    """A data file exists but is truncated, corrupt or holds the wrong arrays."""


def dataset_info(name):
    """Returns the `DatasetInfo` for a data set name such as `"mnist"` or `"fashion_mnist"`.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if not isinstance(name, str):
        raise ValueError(f"a data set name must be a string such as 'mnist', got {name!r}.")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = _ALIASES.get(key, key)
    if key not in DATASETS:
        known = ", ".join(repr(n) for n in DATASETS)
        raise ValueError(f"unknown data set {name!r}; the course knows {known}.")
    return DATASETS[key]


def class_names(name):
    """Returns the ten class names of a data set, indexed by label."""
    return list(dataset_info(name).class_names)


def _sha256_of_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha256_of_arrays(arrays):
    digest = hashlib.sha256()
    for key, array in zip(ARRAY_NAMES, arrays, strict=True):
        array = np.ascontiguousarray(array)
        digest.update(key.encode())
        digest.update(str(array.shape).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _how_to_fix(info):
    return (
        f"To fix it: copy a verified {info.file_name} into that folder (an instructor's data folder, "
        f"or `python -m course_lib.prepare_data FOLDER` on a machine with internet), "
        f"or unset COURSE_DATA_DIR to let keras.datasets download it."
    )


def _read_npz(path, info):
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in ARRAY_NAMES if key not in archive.files]
            if missing:
                raise DataFileError(
                    f"{path} is not a {info.name} file in the Keras layout: it lacks {missing} "
                    f"(it holds {archive.files}). {_how_to_fix(info)}"
                )
            return tuple(archive[key] for key in ARRAY_NAMES)
    except DataFileError:
        raise
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, KeyError) as error:
        raise DataFileError(
            f"{path} could not be read ({type(error).__name__}: {error}); the file is probably "
            f"truncated or corrupt. {_how_to_fix(info)}"
        ) from error


def check_arrays(arrays, info, source):
    """Checks the shapes, dtypes and label range of a loaded data set.

    Args:
        arrays: `(x_train, y_train, x_test, y_test)`.
        info: the data set's `DatasetInfo`.
        source: where the arrays came from, for the error message.

    Raises:
        DataFileError: naming the first array that is wrong.
    """
    expected = {
        "x_train": (info.train_size, 28, 28),
        "y_train": (info.train_size,),
        "x_test": (info.test_size, 28, 28),
        "y_test": (info.test_size,),
    }
    for key, array in zip(ARRAY_NAMES, arrays, strict=True):
        if array.shape != expected[key]:
            raise DataFileError(
                f"{source}: {key} has shape {array.shape}, expected {expected[key]} for {info.name}."
            )
        if array.dtype != np.uint8:
            raise DataFileError(f"{source}: {key} has dtype {array.dtype}, expected uint8.")
    for key, labels in (("y_train", arrays[1]), ("y_test", arrays[3])):
        if labels.max() >= len(info.class_names):
            raise DataFileError(f"{source}: {key} holds label {labels.max()}, expected 0-9.")


def _verify_local_file(path, info):
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    arrays = _read_npz(path, info)
    check_arrays(arrays, info, source=str(path))
    if key in _VERIFIED:
        return arrays
    if (
        _sha256_of_file(path) not in info.file_sha256
        and _sha256_of_arrays(arrays) != info.content_sha256
    ):
        raise DataFileError(
            f"{path} has the right shapes but not the verified {info.name} contents "
            f"(its SHA-256 matches none of {list(info.file_sha256)}). The file may be modified or "
            f"from another source. {_how_to_fix(info)} Pass verify=False to use it anyway."
        )
    _VERIFIED.add(key)
    return arrays


def _download(info):
    import keras

    loader = getattr(keras.datasets, info.name)
    try:
        (x_train, y_train), (x_test, y_test) = loader.load_data()
    except Exception as error:  # network errors take many forms (URLError, HTTPError, OSError, ...)
        folder = config.data_dir()
        looked = f"COURSE_DATA_DIR ({folder}) and " if folder else "COURSE_DATA_DIR (not set) and "
        raise DataNotFoundError(
            f"{info.file_name} was not found and could not be downloaded "
            f"({type(error).__name__}: {error}). Looked in {looked}the keras.datasets download. "
            f"To fix it: connect to the internet, or set COURSE_DATA_DIR to a folder holding "
            f"{info.file_name} in the Keras .npz layout (see the README's 'Data and offline classrooms')."
        ) from error
    arrays = (x_train, y_train, x_test, y_test)
    check_arrays(arrays, info, source=f"keras.datasets.{info.name}")
    return arrays


def download_dataset(name):
    """Downloads a data set through `keras.datasets` (ignoring any local folder) and checks its arrays.

    Returns:
        `(x_train, y_train), (x_test, y_test)` as `load_dataset` returns them.
    """
    x_train, y_train, x_test, y_test = _download(dataset_info(name))
    return (x_train, y_train), (x_test, y_test)


def load_dataset(name, data_dir=None, verify=True):
    """Loads MNIST or Fashion-MNIST as uint8 arrays, in the Keras layout.

    Looks first in the local data folder (`data_dir`, else `COURSE_DATA_DIR`);
    without one, downloads through `keras.datasets`.

    Args:
        name: `"mnist"` or `"fashion_mnist"`.
        data_dir: a folder holding `mnist.npz` / `fashion_mnist.npz`; overrides `COURSE_DATA_DIR`.
        verify: check the file's SHA-256 against the verified copy.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: images `(N, 28, 28)` uint8 in 0..255, labels `(N,)` uint8.

    Raises:
        ValueError: for an unknown data set name.
        DataNotFoundError: when the file is missing locally and cannot be downloaded.
        DataFileError: when the file is truncated, corrupt or holds the wrong arrays.
    """
    info = dataset_info(name)
    folder = Path(data_dir).expanduser() if data_dir is not None else config.data_dir()
    if folder is not None:
        path = folder / info.file_name
        if path.is_file():
            if verify:
                arrays = _verify_local_file(path, info)
            else:
                arrays = _read_npz(path, info)
                check_arrays(arrays, info, source=str(path))
            x_train, y_train, x_test, y_test = arrays
            return (x_train, y_train), (x_test, y_test)
        if data_dir is not None:
            raise DataNotFoundError(
                f"{info.file_name} is not in {folder}. Looked for {path}. {_how_to_fix(info)}"
            )
    x_train, y_train, x_test, y_test = _download(info)
    return (x_train, y_train), (x_test, y_test)


def scale_images(images, value_range=(0.0, 1.0)):
    """Turns uint8 images into float32 images with a channel axis, scaled to `value_range`.

    Args:
        images: `(N, 28, 28)` or `(N, 28, 28, 1)` integers in 0..255.
        value_range: `(0, 1)` for classifiers and VAEs, `(-1, 1)` for GANs with a `tanh` output.

    Returns:
        float32 array of shape `(N, 28, 28, 1)`.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4:
        raise ValueError(
            f"expected images of shape (N, height, width) or (N, height, width, channels), got {images.shape}."
        )
    if np.issubdtype(images.dtype, np.floating) and images.size and 0 < images.max() <= 1.0:
        raise ValueError(
            "these images are already floats in [0, 1]; scale_images expects raw 0..255 pixels. "
            "Scaling twice would make them almost black."
        )
    low, high = value_range
    if not low < high:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range}.")
    return (images.astype("float32") / 255.0 * (high - low) + low).astype("float32")


def binarize(images, threshold=0.5):
    """Turns images in [0, 1] into 0/1 images: pixels above `threshold` become 1.

    Args:
        images: float images in [0, 1].
        threshold: the cut-off.

    Returns:
        float32 array of the same shape holding 0.0 and 1.0.
    """
    images = np.asarray(images)
    if images.size and (images.min() < 0 or images.max() > 1):
        raise ValueError(
            f"binarize expects images in [0, 1], got values in [{images.min()}, {images.max()}]; "
            "call scale_images first."
        )
    return (images > threshold).astype("float32")


def train_validation_split(images, labels, validation_size=5000, seed=None):
    """Splits off a random validation set.

    Args:
        images: array of N images.
        labels: array of N labels.
        validation_size: number of validation examples (an int) or a fraction (a float below 1).
        seed: shuffling seed; defaults to the course seed.

    Returns:
        `(train_images, train_labels), (validation_images, validation_labels)`.
    """
    count = len(images)
    if len(labels) != count:
        raise ValueError(f"images and labels differ in length: {count} vs {len(labels)}.")
    size = (
        int(round(validation_size * count))
        if isinstance(validation_size, float)
        else int(validation_size)
    )
    if not 0 < size < count:
        raise ValueError(
            f"validation_size must leave both parts non-empty; got {validation_size} of {count}."
        )
    order = np.random.default_rng(config.seed() if seed is None else seed).permutation(count)
    valid, train = order[:size], order[size:]
    return (images[train], labels[train]), (images[valid], labels[valid])


def take_subset(images, labels, size=None, per_class=None, seed=None):
    """Takes a random subset, either of `size` examples or of `per_class` examples of each class.

    Args:
        images: array of N images.
        labels: array of N integer labels.
        size: total number to keep (ignored when `per_class` is given).
        per_class: number to keep from each class, for balanced small-data experiments.
        seed: sampling seed; defaults to the course seed.

    Returns:
        `(subset_images, subset_labels)`, in random order.
    """
    if (size is None) == (per_class is None):
        raise ValueError("give exactly one of size= or per_class=.")
    labels = np.asarray(labels)
    rng = np.random.default_rng(config.seed() if seed is None else seed)
    if per_class is None:
        if not 0 < size <= len(images):
            raise ValueError(f"size must be between 1 and {len(images)}, got {size}.")
        chosen = rng.choice(len(images), size=size, replace=False)
    else:
        chosen = []
        for label in np.unique(labels):
            members = np.flatnonzero(labels == label)
            if len(members) < per_class:
                raise ValueError(
                    f"class {label} has only {len(members)} examples, fewer than per_class={per_class}."
                )
            chosen.append(rng.choice(members, size=per_class, replace=False))
        chosen = rng.permutation(np.concatenate(chosen))
    return images[chosen], labels[chosen]


def make_dataset(
    images, labels=None, batch_size=128, shuffle=True, seed=None, drop_remainder=False, cache=True
):
    """Builds a `tf.data` pipeline: cache, shuffle each epoch, batch, prefetch.

    Args:
        images: array of images (already scaled).
        labels: optional array of labels; without it the pipeline yields images alone.
        batch_size: examples per batch.
        shuffle: reshuffle every epoch (use `False` for evaluation).
        seed: shuffling seed; defaults to the course seed.
        drop_remainder: drop the last, smaller batch (GANs like equal batches).
        cache: keep the elements in memory after the first pass.

    Returns:
        A batched, prefetched `tf.data.Dataset`.
    """
    import tensorflow as tf

    elements = images if labels is None else (images, labels)
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if cache:
        dataset = dataset.cache()
    if shuffle:
        seed = config.seed() if seed is None else seed
        dataset = dataset.shuffle(
            min(len(images), 60_000), seed=seed, reshuffle_each_iteration=True
        )
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def mixed_dataset(
    real_images,
    real_labels,
    synthetic_images,
    synthetic_labels,
    synthetic_fraction=0.5,
    batch_size=64,
    seed=None,
    augment=None,
):
    """Builds a `tf.data` pipeline whose every batch mixes real and synthetic examples in a fixed proportion.

    Each batch holds `round(synthetic_fraction * batch_size)` synthetic examples and the rest real ones,
    each image with its own label; both sources are reshuffled every pass. One epoch is one pass over the
    real examples (`ceil(len(real) / real_per_batch)` batches), drawing synthetic examples as needed, so a
    small real set can be paired with a large synthetic one.

    Args:
        real_images: `(N, ...)` real images (already scaled).
        real_labels: `(N,)` integer labels.
        synthetic_images: `(M, ...)` generated images, scaled like the real ones.
        synthetic_labels: `(M,)` the labels they were generated for.
        synthetic_fraction: the share of each batch that is synthetic, in [0, 1); 0 gives real data only.
        batch_size: examples per batch.
        seed: shuffling seed; defaults to the course seed.
        augment: optional function `images -> images` applied to each batch (real and synthetic alike),
            e.g. a `keras.Sequential` of random preprocessing layers.

    Returns:
        A finite, batched, prefetched `tf.data.Dataset` of `(images, labels)`, real examples first in
        each batch (the model does not care about the order within a batch).
    """
    import tensorflow as tf

    real_images, real_labels = np.asarray(real_images), np.asarray(real_labels)
    synthetic_images, synthetic_labels = np.asarray(synthetic_images), np.asarray(synthetic_labels)
    for name, images, labels in (
        ("real", real_images, real_labels),
        ("synthetic", synthetic_images, synthetic_labels),
    ):
        if len(images) != len(labels):
            raise ValueError(
                f"{name} images and labels differ in length: {len(images)} vs {len(labels)}."
            )
    if synthetic_images.shape[1:] != real_images.shape[1:]:
        raise ValueError(
            f"real and synthetic images differ in shape: {real_images.shape[1:]} vs {synthetic_images.shape[1:]}; "
            "scale both the same way (a tanh generator's [-1, 1] output becomes [0, 1] with (x + 1) / 2)."
        )
    if not 0 <= synthetic_fraction < 1:
        raise ValueError(
            f"synthetic_fraction is the synthetic share of each batch, in [0, 1), got {synthetic_fraction}."
        )
    synthetic_per_batch = int(round(synthetic_fraction * batch_size))
    real_per_batch = batch_size - synthetic_per_batch
    if real_per_batch < 1:
        raise ValueError(
            f"a batch of {batch_size} with fraction {synthetic_fraction} leaves no room for real data."
        )
    if synthetic_per_batch and len(synthetic_images) == 0:
        raise ValueError("synthetic_fraction > 0 needs synthetic images; got none.")
    seed = config.seed() if seed is None else int(seed)
    steps = int(np.ceil(len(real_images) / real_per_batch))

    def source(images, labels, per_batch, offset):
        dataset = tf.data.Dataset.from_tensor_slices((images, labels.astype("int32"))).cache()
        dataset = dataset.shuffle(len(images), seed=seed + offset, reshuffle_each_iteration=True)
        return dataset.repeat().batch(per_batch, drop_remainder=True)

    real = source(real_images, real_labels, real_per_batch, 0)
    if synthetic_per_batch:
        synthetic = source(synthetic_images, synthetic_labels, synthetic_per_batch, 1)
        mixed = tf.data.Dataset.zip(real, synthetic).map(
            lambda a, b: (tf.concat([a[0], b[0]], axis=0), tf.concat([a[1], b[1]], axis=0))
        )
    else:
        mixed = real
    mixed = mixed.take(steps)
    if augment is not None:
        mixed = mixed.map(
            lambda images, labels: (augment(images), labels), num_parallel_calls=tf.data.AUTOTUNE
        )
    return mixed.prefetch(tf.data.AUTOTUNE)

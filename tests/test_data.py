import shutil
import urllib.error

import keras
import numpy as np
import pytest

from course_lib import data
from tests.conftest import local_data_dir, requires_local_data


def _write_npz(path, train=60_000, test=10_000, fill=0, **overrides):
    arrays = {
        "x_train": np.full((train, 28, 28), fill, np.uint8),
        "y_train": np.zeros(train, np.uint8),
        "x_test": np.full((test, 28, 28), fill, np.uint8),
        "y_test": np.zeros(test, np.uint8),
    }
    arrays.update(overrides)
    np.savez(path, **arrays)
    return path


@pytest.fixture
def offline(monkeypatch):
    """keras.datasets behaves as on a machine without internet."""

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", refuse)
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", refuse)


@requires_local_data
@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_load_dataset_reads_the_verified_local_copy(name):
    (x_train, y_train), (x_test, y_test) = data.load_dataset(name)
    assert x_train.shape == (60_000, 28, 28) and x_train.dtype == np.uint8
    assert (
        y_train.shape == (60_000,)
        and x_test.shape == (10_000, 28, 28)
        and y_test.shape == (10_000,)
    )
    assert set(np.unique(y_train)) == set(range(10))


@requires_local_data
def test_load_dataset_matches_the_published_label_counts():
    (_, y_train), (_, y_test) = data.load_dataset("mnist")
    assert np.bincount(y_train).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.mark.parametrize("alias", ["MNIST", "fashion-mnist", "Fashion", "fashion_mnist"])
def test_dataset_names_accept_common_spellings(alias):
    assert data.dataset_info(alias).name in {"mnist", "fashion_mnist"}


def test_unknown_dataset_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown data set 'cifar10'.*'mnist'.*'fashion_mnist'"):
        data.load_dataset("cifar10")


def test_class_names_of_fashion_mnist_are_in_label_order():
    names = data.class_names("fashion_mnist")
    assert len(names) == 10 and names[0] == "T-shirt/top" and names[9] == "Ankle boot"


def test_missing_file_offline_names_file_folders_and_fix(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DataNotFoundError) as caught:
        data.load_dataset("mnist")
    message = str(caught.value)
    assert "mnist.npz" in message and str(tmp_path) in message
    assert "keras.datasets" in message and "COURSE_DATA_DIR" in message and "To fix it" in message


def test_missing_file_in_an_explicit_folder_is_reported_without_download(tmp_path, offline):
    with pytest.raises(data.DataNotFoundError, match=r"fashion_mnist.npz is not in .*Looked for"):
        data.load_dataset("fashion_mnist", data_dir=tmp_path)


def test_without_a_data_folder_load_dataset_uses_keras_datasets(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    arrays = (np.zeros((60_000, 28, 28), np.uint8), np.zeros(60_000, np.uint8))
    test_arrays = (np.zeros((10_000, 28, 28), np.uint8), np.zeros(10_000, np.uint8))
    calls = []
    monkeypatch.setattr(
        keras.datasets.mnist, "load_data", lambda: calls.append(1) or (arrays, test_arrays)
    )
    (x_train, _), _ = data.load_dataset("mnist")
    assert calls == [1] and x_train.shape == (60_000, 28, 28)


def test_truncated_file_is_reported_as_corrupt(tmp_path):
    source = local_data_dir()
    if source is None:
        _write_npz(tmp_path / "full.npz")
        source_file = tmp_path / "full.npz"
    else:
        source_file = source / "mnist.npz"
    content = source_file.read_bytes()
    (tmp_path / "mnist.npz").write_bytes(content[: len(content) // 3])
    with pytest.raises(data.DataFileError, match="truncated or corrupt") as caught:
        data.load_dataset("mnist", data_dir=tmp_path)
    assert str(tmp_path / "mnist.npz") in str(caught.value)


def test_file_that_is_not_a_zip_is_reported_as_corrupt(tmp_path):
    (tmp_path / "mnist.npz").write_text("this is not a data file")
    with pytest.raises(data.DataFileError, match="could not be read"):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_wrong_shapes_are_named(tmp_path):
    _write_npz(tmp_path / "mnist.npz", x_train=np.zeros((60_000, 784), np.uint8))
    with pytest.raises(
        data.DataFileError, match=r"x_train has shape \(60000, 784\), expected \(60000, 28, 28\)"
    ):
        data.load_dataset("mnist", data_dir=tmp_path, verify=False)


def test_wrong_dtype_is_named(tmp_path):
    _write_npz(tmp_path / "mnist.npz", y_test=np.zeros(10_000, np.int64))
    with pytest.raises(data.DataFileError, match="y_test has dtype int64, expected uint8"):
        data.load_dataset("mnist", data_dir=tmp_path, verify=False)


def test_missing_arrays_are_listed(tmp_path):
    np.savez(tmp_path / "mnist.npz", images=np.zeros((3, 28, 28), np.uint8))
    with pytest.raises(
        data.DataFileError, match=r"lacks \['x_train', 'y_train', 'x_test', 'y_test'\]"
    ):
        data.load_dataset("mnist", data_dir=tmp_path)


def test_modified_contents_fail_the_checksum_unless_verify_is_off(tmp_path):
    _write_npz(tmp_path / "mnist.npz", fill=7)
    with pytest.raises(data.DataFileError, match="not the verified mnist contents"):
        data.load_dataset("mnist", data_dir=tmp_path)
    (x_train, _), _ = data.load_dataset("mnist", data_dir=tmp_path, verify=False)
    assert x_train[0, 0, 0] == 7


@requires_local_data
def test_same_arrays_in_another_container_pass_the_content_checksum(tmp_path):
    (x_train, y_train), (x_test, y_test) = data.load_dataset("mnist")
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    (reloaded, _), _ = data.load_dataset("mnist", data_dir=tmp_path)
    np.testing.assert_array_equal(reloaded, x_train)


@requires_local_data
def test_a_copied_data_folder_works(tmp_path):
    shutil.copy(local_data_dir() / "fashion_mnist.npz", tmp_path)
    (_, y_train), _ = data.load_dataset("fashion_mnist", data_dir=tmp_path)
    assert np.bincount(y_train).tolist() == [6000] * 10


@pytest.mark.parametrize("value_range", [(0.0, 1.0), (-1.0, 1.0)])
def test_scale_images_maps_0_and_255_to_the_range_ends_and_adds_a_channel(value_range):
    images = np.array([[[0, 255], [51, 255]]], np.uint8)
    scaled = data.scale_images(images, value_range)
    assert scaled.shape == (1, 2, 2, 1) and scaled.dtype == np.float32
    low, high = value_range
    assert scaled[0, 0, 0, 0] == low and scaled[0, 0, 1, 0] == high
    np.testing.assert_allclose(scaled[0, 1, 0, 0], low + 0.2 * (high - low), rtol=1e-6)


def test_scale_images_refuses_images_already_scaled():
    with pytest.raises(ValueError, match="already floats in \\[0, 1\\]"):
        data.scale_images(np.full((2, 28, 28), 0.5, np.float32))


def test_scale_images_rejects_flat_vectors():
    with pytest.raises(ValueError, match=r"got \(5, 784\)"):
        data.scale_images(np.zeros((5, 784), np.uint8))


def test_binarize_thresholds_and_checks_its_input():
    images = np.array([0.0, 0.4, 0.6, 1.0])
    np.testing.assert_array_equal(data.binarize(images), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="call scale_images first"):
        data.binarize(np.array([0, 255]))


def test_train_validation_split_is_disjoint_and_complete():
    images = np.arange(100)
    labels = np.arange(100) % 10
    (train_x, train_y), (valid_x, valid_y) = data.train_validation_split(
        images, labels, validation_size=0.2, seed=0
    )
    assert len(train_x) == 80 and len(valid_x) == 20
    assert sorted(np.concatenate([train_x, valid_x]).tolist()) == list(range(100))
    np.testing.assert_array_equal(train_y, train_x % 10)
    with pytest.raises(ValueError, match="non-empty"):
        data.train_validation_split(images, labels, validation_size=100)


def test_take_subset_per_class_is_balanced_and_seeded():
    labels = np.repeat(np.arange(10), 50)
    images = np.arange(500)
    subset_x, subset_y = data.take_subset(images, labels, per_class=10, seed=1)
    assert np.bincount(subset_y).tolist() == [10] * 10
    np.testing.assert_array_equal(labels[subset_x], subset_y)
    again_x, _ = data.take_subset(images, labels, per_class=10, seed=1)
    np.testing.assert_array_equal(subset_x, again_x)
    sized_x, _ = data.take_subset(images, labels, size=37, seed=1)
    assert len(sized_x) == 37 and len(set(sized_x.tolist())) == 37
    with pytest.raises(ValueError, match="exactly one"):
        data.take_subset(images, labels)


def test_make_dataset_batches_images_and_labels():
    images = np.zeros((10, 28, 28, 1), np.float32)
    labels = np.arange(10)
    batches = list(data.make_dataset(images, labels, batch_size=4, shuffle=True, seed=0))
    assert [len(x) for x, _ in batches] == [4, 4, 2]
    assert sorted(np.concatenate([y.numpy() for _, y in batches]).tolist()) == list(range(10))
    dropped = list(data.make_dataset(images, batch_size=4, shuffle=False, drop_remainder=True))
    assert [tuple(x.shape) for x in dropped] == [(4, 28, 28, 1), (4, 28, 28, 1)]

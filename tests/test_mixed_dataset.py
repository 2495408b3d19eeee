"""The mixed real + synthetic pipeline keeps each image with its label and the proportions it promises."""

import numpy as np
import pytest

from course_lib import data


def _sources(real_count=100, synthetic_count=1000):
    # Real images hold +index, synthetic ones -index - 1: each image says where it came from and which it is.
    real = np.arange(real_count, dtype=np.float32).reshape(-1, 1, 1, 1) * np.ones(
        (1, 2, 2, 1), np.float32
    )
    synthetic = -np.arange(1, synthetic_count + 1, dtype=np.float32).reshape(-1, 1, 1, 1) * np.ones(
        (1, 2, 2, 1), np.float32
    )
    return real, np.arange(real_count) % 10, synthetic, (np.arange(synthetic_count) * 7) % 10


def _batches(dataset):
    return [(images.numpy(), labels.numpy()) for images, labels in dataset]


def test_every_batch_holds_the_requested_share_of_synthetic_examples_with_their_own_labels():
    real, real_labels, synthetic, synthetic_labels = _sources()

    dataset = data.mixed_dataset(
        real,
        real_labels,
        synthetic,
        synthetic_labels,
        synthetic_fraction=0.25,
        batch_size=32,
        seed=0,
    )
    batches = _batches(dataset)

    assert len(batches) == int(np.ceil(100 / 24)) == dataset.cardinality().numpy()
    for images, labels in batches:
        assert images.shape == (32, 2, 2, 1) and labels.shape == (32,)
        ids = images[:, 0, 0, 0]
        assert (ids >= 0).sum() == 24 and (ids < 0).sum() == 8
        for identity, label in zip(ids, labels, strict=True):
            if identity >= 0:
                assert label == real_labels[int(identity)]
            else:
                assert label == synthetic_labels[int(-identity - 1)]


def test_an_epoch_passes_over_the_real_examples_and_is_reshuffled_the_next_time():
    real, real_labels, synthetic, synthetic_labels = _sources(real_count=96)
    dataset = data.mixed_dataset(
        real, real_labels, synthetic, synthetic_labels, 0.5, batch_size=64, seed=1
    )

    first = np.concatenate([images[:32, 0, 0, 0] for images, _ in _batches(dataset)])
    second = np.concatenate([images[:32, 0, 0, 0] for images, _ in _batches(dataset)])

    assert sorted(first) == list(range(96))
    assert sorted(second) == list(range(96))
    assert not np.array_equal(first, second)


def test_fraction_zero_gives_real_data_only():
    real, real_labels, synthetic, synthetic_labels = _sources()

    batches = _batches(
        data.mixed_dataset(real, real_labels, synthetic, synthetic_labels, 0.0, batch_size=50)
    )

    ids = np.concatenate([images[:, 0, 0, 0] for images, _ in batches])
    assert len(batches) == 2 and (ids >= 0).all() and sorted(ids) == list(range(100))


def test_augment_is_applied_to_every_batch():
    real, real_labels, synthetic, synthetic_labels = _sources(real_count=10, synthetic_count=10)

    batches = _batches(
        data.mixed_dataset(
            real,
            real_labels,
            synthetic,
            synthetic_labels,
            0.5,
            batch_size=4,
            augment=lambda x: x * 0 + 7,
        )
    )

    assert all((images == 7).all() for images, _ in batches)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"synthetic_fraction": 1.0}, "in [0, 1)"),
        ({"real_labels": np.zeros(3)}, "differ in length"),
        ({"synthetic_images": np.zeros((1000, 28, 28, 1), np.float32)}, "differ in shape"),
    ],
)
def test_mixed_dataset_explains_what_is_wrong(changes, words):
    real, real_labels, synthetic, synthetic_labels = _sources()
    arguments = dict(
        real_images=real,
        real_labels=real_labels,
        synthetic_images=synthetic,
        synthetic_labels=synthetic_labels,
        synthetic_fraction=0.5,
        batch_size=32,
    )
    arguments.update(changes)
    with pytest.raises(
        ValueError, match=words.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")
    ):
        data.mixed_dataset(**arguments)

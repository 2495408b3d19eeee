"""The reference classifier builds with the promised shapes, learns, saves and loads, and is cached."""

import keras
import numpy as np
import pytest

from course_lib.models import classifier
from tests.conftest import requires_local_data


def _fixed_batch(count=64, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((count, 28, 28, 1), dtype=np.float32)
    labels = rng.integers(0, 10, size=count)
    return images, labels


def test_reference_classifier_has_the_promised_shapes():
    model = classifier.build_reference_classifier()
    assert model.input_shape == (None, 28, 28, 1)
    assert model.output_shape == (None, 10)
    assert model.get_layer(classifier.FEATURES_LAYER).output.shape == (None, 128)
    images, _ = _fixed_batch(4)
    probabilities = keras.ops.convert_to_numpy(model(images))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    features = classifier.feature_extractor(model)(images)
    assert tuple(features.shape) == (4, 128)


def test_builder_options_change_the_shapes_it_promises():
    model = classifier.build_reference_classifier(
        filters=(8, 16, 32), feature_dim=20, num_classes=3
    )
    assert model.get_layer("block3_relu").output.shape == (None, 3, 3, 32)
    assert model.get_layer(classifier.FEATURES_LAYER).output.shape == (None, 20)
    assert model.output_shape == (None, 3)


def test_a_few_training_steps_on_a_fixed_batch_lower_the_loss():
    keras.utils.set_random_seed(0)
    model = classifier.build_reference_classifier()
    classifier.compile_reference_classifier(model, steps_per_epoch=10, epochs=1)
    images, labels = _fixed_batch()
    first = model.train_on_batch(images, labels, return_dict=True)["loss"]
    for _ in range(9):
        last = model.train_on_batch(images, labels, return_dict=True)["loss"]
    assert last < 0.5 * first, (first, last)


def test_save_and_load_give_identical_predictions_and_features(tmp_path):
    model = classifier.build_reference_classifier()
    classifier.compile_reference_classifier(model, steps_per_epoch=2, epochs=1)
    images, labels = _fixed_batch(32)
    model.train_on_batch(
        images, labels
    )  # moves the batch-norm statistics away from their start values
    path = tmp_path / "classifier.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-6
    )
    np.testing.assert_allclose(
        classifier.feature_extractor(loaded).predict(images, verbose=0),
        classifier.feature_extractor(model).predict(images, verbose=0),
        atol=1e-6,
    )


def test_feature_extractor_explains_a_model_without_a_features_layer():
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    with pytest.raises(ValueError, match="no layer named 'features'"):
        classifier.feature_extractor(model)


def test_smoke_mode_trains_one_epoch_on_a_subset(smoke_mode):
    assert classifier.reference_epochs("mnist") == 1
    assert classifier.reference_epochs("fashion") == 1


def test_full_mode_epochs_are_the_benchmarked_ones(full_mode):
    assert classifier.reference_epochs("mnist") == classifier.FULL_EPOCHS["mnist"]
    assert classifier.reference_epochs("fashion_mnist") == classifier.FULL_EPOCHS["fashion_mnist"]


@requires_local_data
def test_load_reference_classifier_trains_once_then_loads_from_the_cache(course_cache, smoke_mode):
    first, first_info = classifier.load_reference_classifier(
        "mnist", return_info=True, verbose=False
    )
    second, second_info = classifier.load_reference_classifier(
        "mnist", return_info=True, verbose=False
    )
    assert first_info["loaded"] is False and second_info["loaded"] is True
    assert second_info["train_size"] == classifier.SMOKE_TRAIN_SIZE and second_info["epochs"] == 1
    # One smoke epoch on 2,000 digits is far from the full model, but far above chance (10 %) too.
    assert second_info["test_accuracy"] > 0.5
    assert (course_cache / "smoke" / "reference_classifier_mnist-v1.keras").exists()
    images, _ = _fixed_batch(8)
    np.testing.assert_allclose(
        second.predict(images, verbose=0), first.predict(images, verbose=0), atol=1e-6
    )

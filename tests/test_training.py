import json

import keras
import numpy as np

from course_lib import training


def _tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_train_or_load_trains_once_then_loads_the_same_weights(course_cache, smoke_mode):
    calls = []

    def build_and_train():
        calls.append(1)
        return _tiny_model(), {"accuracy": 0.5}

    first, first_info = training.train_or_load("tiny", build_and_train, verbose=False)
    second, second_info = training.train_or_load("tiny", build_and_train, verbose=False)
    assert calls == [1]
    assert first_info["loaded"] is False and second_info["loaded"] is True
    assert second_info["accuracy"] == 0.5 and second_info["mode"] == "smoke"
    inputs = np.ones((4, 3), np.float32)
    np.testing.assert_allclose(first.predict(inputs, verbose=0), second.predict(inputs, verbose=0))
    saved = training.cached_model_path("tiny")
    assert saved.parent == course_cache / "smoke" and saved.exists()
    assert json.loads(saved.with_suffix(".json").read_text())["accuracy"] == 0.5


def test_a_new_version_or_course_retrain_trains_again(course_cache, smoke_mode, monkeypatch):
    calls = []

    def build_and_train():
        calls.append(1)
        return _tiny_model()

    training.train_or_load("tiny", build_and_train, verbose=False)
    training.train_or_load("tiny", build_and_train, version=2, verbose=False)
    monkeypatch.setenv("COURSE_RETRAIN", "1")
    training.train_or_load("tiny", build_and_train, version=2, verbose=False)
    assert len(calls) == 3


def test_a_corrupt_cache_file_is_retrained_not_fatal(course_cache, smoke_mode):
    training.cached_model_path("tiny").write_text("half a file")
    model, info = training.train_or_load("tiny", _tiny_model, verbose=False)
    assert info["loaded"] is False and isinstance(model, keras.Model)

import numpy as np
import pytest

from course_lib import config


def test_pick_returns_the_full_value_in_full_mode(full_mode):
    assert config.pick(full=20, smoke=1) == 20
    assert config.is_smoke() is False
    assert config.mode_name() == "full"


def test_pick_returns_the_smoke_value_in_smoke_mode(smoke_mode):
    assert config.pick(full=20, smoke=1) == 1
    assert config.mode_name() == "smoke"


@pytest.mark.parametrize(
    "raw, expected",
    [("1", True), ("true", True), ("YES", True), ("0", False), ("", False), ("off", False)],
)
def test_smoke_flag_accepts_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("COURSE_SMOKE", raw)
    assert config.is_smoke() is expected


def test_unreadable_smoke_flag_says_how_to_set_it(monkeypatch):
    monkeypatch.setenv("COURSE_SMOKE", "maybe")
    with pytest.raises(ValueError, match="COURSE_SMOKE=1"):
        config.is_smoke()


def test_seed_defaults_to_42_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("COURSE_SEED", raising=False)
    assert config.seed() == 42
    monkeypatch.setenv("COURSE_SEED", "7")
    assert config.seed() == 7
    monkeypatch.setenv("COURSE_SEED", "seven")
    with pytest.raises(ValueError, match="whole number"):
        config.seed()


def test_set_seed_makes_numpy_and_keras_reproducible():
    import keras

    config.set_seed(3)
    first = (np.random.rand(3), keras.random.normal((3,)).numpy())
    config.set_seed(3)
    second = (np.random.rand(3), keras.random.normal((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_data_dir_is_none_without_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    assert config.data_dir() is None
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert config.data_dir() == tmp_path


def test_cache_dir_keeps_smoke_and_full_artefacts_apart(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_SMOKE", "1")
    smoke_folder = config.cache_dir()
    monkeypatch.setenv("COURSE_SMOKE", "0")
    full_folder = config.cache_dir()
    assert smoke_folder == tmp_path / "smoke" and smoke_folder.is_dir()
    assert full_folder == tmp_path / "full" and full_folder.is_dir()


def test_cpu_threads_reads_a_positive_count(monkeypatch):
    monkeypatch.delenv("COURSE_CPU_THREADS", raising=False)
    assert config.cpu_threads() is None
    monkeypatch.setenv("COURSE_CPU_THREADS", "2")
    assert config.cpu_threads() == 2
    monkeypatch.setenv("COURSE_CPU_THREADS", "0")
    with pytest.raises(ValueError, match="at least 1"):
        config.cpu_threads()

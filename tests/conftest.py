"""Fixtures shared by the unit tests."""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO_ROOT = Path(__file__).resolve().parent.parent


def local_data_dir():
    """The configured local data folder, or None when the tests have no offline copy of the data."""
    folder = os.environ.get("COURSE_DATA_DIR")
    return Path(folder) if folder and (Path(folder) / "mnist.npz").is_file() else None


requires_local_data = pytest.mark.skipif(
    local_data_dir() is None,
    reason="no local copy of MNIST: set COURSE_DATA_DIR to a folder holding mnist.npz and fashion_mnist.npz",
)


@pytest.fixture
def course_cache(tmp_path, monkeypatch):
    """A fresh, empty course cache folder for one test."""
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def smoke_mode(monkeypatch):
    monkeypatch.setenv("COURSE_SMOKE", "1")


@pytest.fixture
def full_mode(monkeypatch):
    monkeypatch.setenv("COURSE_SMOKE", "0")

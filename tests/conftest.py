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


def notebook_functions(path, names):
    """Runs a notebook's import cells and the cells that define the functions `names`; returns its namespace.

    The lesson check tests use it to take the reference solutions (from `exercise_sources/`) and the stubs
    (from `exercises/`) straight out of the notebooks a learner gets.
    """
    import nbformat

    namespace = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and (
            cell.source.startswith("import ")
            or any(f"def {name}(" in cell.source for name in names)
        ):
            exec(compile(cell.source, path.name, "exec"), namespace)
    return namespace


@pytest.fixture
def fresh_scores():
    """An empty grading score table before and after the test."""
    from course_lib.grading import scores

    scores.clear()
    yield
    scores.clear()

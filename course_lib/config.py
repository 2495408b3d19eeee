"""Course settings read from the environment: smoke or full mode, seeds, and folders.

Every setting has a sensible default, so a learner never has to set anything.
"""

import os
from pathlib import Path

DEFAULT_SEED = 42

SMOKE_VARIABLE = "COURSE_SMOKE"
DATA_DIR_VARIABLE = "COURSE_DATA_DIR"
CACHE_DIR_VARIABLE = "COURSE_CACHE_DIR"
SEED_VARIABLE = "COURSE_SEED"
THREADS_VARIABLE = "COURSE_CPU_THREADS"

_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"", "0", "false", "no", "off"}


def _read_flag(name):
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE_WORDS:
        return True
    if raw in _FALSE_WORDS:
        return False
    raise ValueError(
        f"{name}={raw!r} is not understood: use {name}=1 to turn it on or {name}=0 to turn it off."
    )


def is_smoke():
    """Tells whether the course runs in smoke mode.

    Smoke mode (`COURSE_SMOKE=1`) keeps the real data and code path but shrinks
    data sets, epochs and sample counts so a lesson runs in about a minute.

    Returns:
        `True` in smoke mode, `False` in full mode.
    """
    return _read_flag(SMOKE_VARIABLE)


def mode_name():
    """Returns `"smoke"` or `"full"`, the name of the current mode."""
    return "smoke" if is_smoke() else "full"


def pick(full, smoke):
    """Picks a value by mode: `EPOCHS = pick(full=20, smoke=1)`.

    Args:
        full: the value a learner gets (full mode).
        smoke: the value used in smoke mode (CI and quick checks).

    Returns:
        `smoke` when `COURSE_SMOKE=1`, otherwise `full`.
    """
    return smoke if is_smoke() else full


def seed():
    """Returns the course seed: `COURSE_SEED` if set, otherwise 42."""
    raw = os.environ.get(SEED_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_SEED
    try:
        return int(raw)
    except ValueError:
        raise ValueError(
            f"{SEED_VARIABLE}={raw!r} is not a whole number; set it to e.g. 42."
        ) from None


def set_seed(value=None):
    """Seeds Python, NumPy and the backend so a run can be reproduced.

    Args:
        value: the seed; defaults to `seed()`.

    Returns:
        The seed that was used.
    """
    import keras

    value = seed() if value is None else int(value)
    keras.utils.set_random_seed(value)
    return value


def data_dir():
    """Returns the local data folder from `COURSE_DATA_DIR`, or `None` when it is not set.

    When it is `None`, data sets are downloaded through `keras.datasets`.
    """
    raw = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    return Path(raw).expanduser() if raw else None


def cache_dir():
    """Returns the folder for trained models and other course artefacts, creating it.

    `COURSE_CACHE_DIR` if set, otherwise `~/.cache/synthesis_lab`. Smoke-mode and
    full-mode artefacts live in separate sub-folders so they never mix.
    """
    raw = os.environ.get(CACHE_DIR_VARIABLE, "").strip()
    base = Path(raw).expanduser() if raw else Path.home() / ".cache" / "synthesis_lab"
    folder = base / mode_name()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cpu_threads():
    """Returns the CPU thread count from `COURSE_CPU_THREADS`, or `None` for TensorFlow's default."""
    raw = os.environ.get(THREADS_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{THREADS_VARIABLE}={raw!r} is not a whole number of threads.") from None
    if value < 1:
        raise ValueError(f"{THREADS_VARIABLE} must be at least 1, got {value}.")
    return value

"""The first call of every lesson: `setup()` seeds, sets threads and reports the environment."""

import contextlib
import os
import platform
import re
import sys
import tempfile
import warnings
from dataclasses import dataclass, field

from course_lib import config

# Inclusive lower bound, exclusive upper bound: what the course is tested on,
# from what Google Colab ships up to the newest releases.
SUPPORTED_VERSIONS = {
    "python": ((3, 11), (3, 14)),
    "tensorflow": ((2, 20), (2, 22)),
    "keras": ((3, 13), (3, 16)),
    "ipywidgets": ((7, 7), (9, 0)),
}


# TensorFlow's C++ start-up notices, printed before its logging honours TF_CPP_MIN_LOG_LEVEL.
# They are harmless and confuse learners, so setup() hides them and shows anything else.
_NATIVE_NOISE = re.compile(
    r"All log messages before absl::InitializeLog|oneDNN custom operations are on|"
    r"Could not find cuda drivers|failed call to cuInit|cpu_feature_guard|"
    r"This TensorFlow binary is optimized|rebuild TensorFlow with the appropriate compiler flags|"
    r"Unable to register cu(DNN|FFT|BLAS) factory|computation placer already registered|"
    r"TF-TRT Warning"
)


@contextlib.contextmanager
def quiet_native_startup():
    """Hides TensorFlow's C++ start-up notices while TensorFlow loads; other native messages still show."""
    try:
        original = os.dup(2)
    except OSError:  # no real stderr (some embedded consoles): nothing to hide
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as captured:
        sys.stderr.flush()
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(original, 2)
            os.close(original)
            captured.seek(0)
            text = captured.read().decode("utf-8", errors="replace")
        kept = [
            line for line in text.splitlines() if line.strip() and not _NATIVE_NOISE.search(line)
        ]
        if kept:
            print("\n".join(kept), file=sys.stderr)


class UnsupportedVersionWarning(UserWarning):
    """A package version outside the ranges the course is tested on."""


@dataclass
class EnvironmentReport:
    """What `setup()` found: versions, hardware, where the course runs and where data comes from."""

    versions: dict
    device: str
    runtime: str
    mode: str
    seed: int
    data_source: str
    cpu_threads: str
    problems: list = field(default_factory=list)

    def lines(self):
        """Returns the report as readable lines."""
        rows = [
            ("Python", self.versions["python"]),
            ("TensorFlow", self.versions["tensorflow"]),
            ("Keras", self.versions["keras"]),
            ("ipywidgets", self.versions["ipywidgets"]),
            ("Device", self.device),
            ("Running in", self.runtime),
            ("Mode", self.mode),
            ("Seed", str(self.seed)),
            ("CPU threads", self.cpu_threads),
            ("Data", self.data_source),
        ]
        width = max(len(name) for name, _ in rows)
        lines = ["Synthesis Lab environment"]
        lines += [f"  {name.ljust(width)}  {value}" for name, value in rows]
        lines += [f"  WARNING: {problem}" for problem in self.problems]
        return lines

    def __str__(self):
        return "\n".join(self.lines())


def _version_tuple(text):
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_version(package, version):
    """Says whether a version lies in the course's supported range.

    Args:
        package: one of the keys of `SUPPORTED_VERSIONS`.
        version: the version string, e.g. `"2.20.0"`.

    Returns:
        `None` when supported, otherwise a sentence describing the problem.
    """
    low, high = SUPPORTED_VERSIONS[package]
    if version is None:
        return f"{package} is not installed; run `pip install synthesis-lab` (or the README's first command)."
    if low <= _version_tuple(version) < high:
        return None
    shown_low = ".".join(map(str, low))
    shown_high = ".".join(map(str, high))
    return (
        f"{package} {version} is outside the tested range (>= {shown_low}, < {shown_high}); "
        "lessons may still work, but if something breaks, install a version in that range."
    )


def _installed_version(module_name):
    try:
        module = __import__(module_name)
    except ImportError:
        return None
    return getattr(module, "__version__", "unknown")


def detect_runtime():
    """Returns where the code runs: Google Colab, a Jupyter kernel or plain Python."""
    if "google.colab" in sys.modules:
        return "Google Colab"
    try:
        from IPython import get_ipython
    except ImportError:
        return "plain Python"
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        return "Jupyter kernel (JupyterLab, Notebook or nbval)"
    if shell is not None:
        return "IPython console"
    return "plain Python"


def _describe_devices(tf):
    gpus = tf.config.list_physical_devices("GPU")
    tpus = tf.config.list_physical_devices("TPU")
    if tpus:
        return f"TPU ({len(tpus)} cores)"
    if gpus:
        return f"GPU ({len(gpus)}: {', '.join(gpu.name for gpu in gpus)})"
    return f"CPU only ({os.cpu_count()} cores, {platform.machine()})"


def _describe_data_source():
    folder = config.data_dir()
    if folder is None:
        return "downloaded by keras.datasets (set COURSE_DATA_DIR to use a local folder)"
    if not folder.is_dir():
        return f"COURSE_DATA_DIR={folder} (folder does not exist!)"
    return f"local folder {folder}"


def _set_threads(tf, threads):
    if threads is None:
        return f"TensorFlow default ({os.cpu_count()} cores)"
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(min(threads, 2))
    except RuntimeError:
        return (
            f"{threads} requested, but TensorFlow had already started; restart the kernel to apply"
        )
    return f"{threads} (from {config.THREADS_VARIABLE})"


def environment_report(seed_value=None, threads="not set"):
    """Collects the environment report without changing anything.

    Args:
        seed_value: the seed to show; defaults to the course seed.
        threads: the text for the CPU-thread line.

    Returns:
        An `EnvironmentReport`.
    """
    import tensorflow as tf

    versions = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": _installed_version("keras"),
        "ipywidgets": _installed_version("ipywidgets"),
    }
    problems = [p for p in (check_version(name, v) for name, v in versions.items()) if p]
    mode = config.mode_name()
    mode_text = "smoke (COURSE_SMOKE=1: small data, few epochs)" if mode == "smoke" else "full"
    return EnvironmentReport(
        versions={k: (v or "not installed") for k, v in versions.items()},
        device=_describe_devices(tf),
        runtime=detect_runtime(),
        mode=mode_text,
        seed=config.seed() if seed_value is None else seed_value,
        data_source=_describe_data_source(),
        cpu_threads=threads,
        problems=problems,
    )


def setup(seed=None, verbose=True):
    """Prepares a lesson: sets CPU threads, seeds every random generator and reports the environment.

    Call it once, in the first cell, before building any model. It returns nothing, so the report is not
    shown twice; `environment_report()` gives the same report as a value.

    Args:
        seed: the random seed; defaults to `COURSE_SEED` or 42.
        verbose: print the environment report.
    """
    # Keras 3.15 warns that `fit(..., shuffle=True)` is ignored for a tf.data pipeline, which the course's
    # pipelines already shuffle: a true but confusing message in every lesson.
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed", category=UserWarning)
    with quiet_native_startup():
        import keras  # noqa: F401  (loads TensorFlow)
        import tensorflow as tf

        threads = _set_threads(tf, config.cpu_threads())
        used_seed = config.set_seed(seed)
        report = environment_report(seed_value=used_seed, threads=threads)
    for problem in report.problems:
        warnings.warn(problem, UnsupportedVersionWarning, stacklevel=2)
    if verbose:
        print(report)

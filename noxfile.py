"""The version matrix: the smoke test suite against what Google Colab ships and against the newest releases.

    python -m pip install nox
    nox -s colab     # Python 3.12, TensorFlow 2.20, Keras 3.13, ipywidgets 7.7.1, NumPy 2.x
    nox -s newest    # the newest releases inside pyproject.toml's ranges
    nox -s widgets   # the widget unit tests on ipywidgets 7.7.1 (Colab's) and then on 8.x

CI runs the newest releases through the README's test command; the README records the Colab result.
"""

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = False

COLAB_PINS = ["tensorflow==2.20.*", "keras==3.13.*", "ipywidgets==7.7.1", "numpy>=2,<3"]
PYTEST_ARGS = ["-n", "2", "--dist", "loadscope"]


@nox.session(python="3.12", name="colab")
def colab(session):
    """The smoke suite with Colab's versions pinned."""
    session.install("-e", ".[test]", *COLAB_PINS)
    session.run("python", "-c", "import course_lib; course_lib.setup()")
    session.run("python", "-m", "pytest", *PYTEST_ARGS, *session.posargs)


@nox.session(python="3.13", name="newest")
def newest(session):
    """The smoke suite with the newest releases allowed by pyproject.toml."""
    session.install("--upgrade", "-e", ".[test]")
    session.run("python", "-c", "import course_lib; course_lib.setup()")
    session.run("python", "-m", "pytest", *PYTEST_ARGS, *session.posargs)


@nox.session(python="3.12", name="widgets")
def widgets(session):
    """The widget unit tests with Colab's pins, on ipywidgets 7.7.1 and then on 8.x, in one environment."""
    session.install("-e", ".[test]", *COLAB_PINS)
    for version in ("7.7.1", "8.*"):
        session.install(f"ipywidgets=={version}")
        session.run(
            "python", "-c", "import ipywidgets; print('ipywidgets', ipywidgets.__version__)"
        )
        session.run(
            "python",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "tests/test_widgets.py",
            *session.posargs,
        )

import warnings

import pytest

from course_lib import environment


@pytest.mark.parametrize(
    "package, version",
    [
        ("tensorflow", "2.20.0"),
        ("tensorflow", "2.21.0"),
        ("keras", "3.13.2"),
        ("keras", "3.15.1"),
        ("ipywidgets", "7.7.1"),
        ("ipywidgets", "8.1.9"),
        ("python", "3.12.3"),
    ],
)
def test_check_version_accepts_colab_and_newest_releases(package, version):
    assert environment.check_version(package, version) is None


@pytest.mark.parametrize(
    "package, version",
    [
        ("tensorflow", "2.15.0"),
        ("tensorflow", "2.22.0"),
        ("keras", "2.15.0"),
        ("ipywidgets", "7.6.5"),
    ],
)
def test_check_version_explains_an_unsupported_version(package, version):
    problem = environment.check_version(package, version)
    assert problem is not None and version in problem and "tested range" in problem


def test_check_version_reports_a_missing_package():
    assert "not installed" in environment.check_version("ipywidgets", None)


def test_setup_reports_versions_mode_and_data_source(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_SMOKE", "1")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert (
        environment.setup(seed=5) is None
    )  # a notebook's setup cell shows the report once, not twice
    printed = capsys.readouterr().out
    for line in (
        "TensorFlow",
        "Keras",
        "ipywidgets",
        "Device",
        "Mode  ",
        "Data  ",
        "Seed         5",
    ):
        assert line in printed
    assert "smoke" in printed and str(tmp_path) in printed
    report = environment.environment_report()
    assert "smoke" in report.mode and str(tmp_path) in report.data_source


def test_setup_warns_about_a_version_outside_the_supported_range(monkeypatch):
    monkeypatch.setitem(environment.SUPPORTED_VERSIONS, "keras", ((9, 0), (10, 0)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        environment.setup(verbose=False)
    unsupported = [
        w for w in caught if issubclass(w.category, environment.UnsupportedVersionWarning)
    ]
    assert unsupported and "keras" in str(unsupported[0].message)


def test_runtime_outside_jupyter_is_plain_python():
    assert environment.detect_runtime() in {"plain Python", "IPython console"}

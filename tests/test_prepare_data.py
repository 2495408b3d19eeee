import keras
import numpy as np
import pytest

from course_lib import data, prepare_data
from tests.conftest import local_data_dir, requires_local_data


@requires_local_data
def test_prepare_data_copies_and_verifies_both_data_sets(tmp_path, capsys):
    assert prepare_data.main([str(tmp_path / "classroom"), "--from", str(local_data_dir())]) == 0
    for name in ("mnist", "fashion_mnist"):
        assert (tmp_path / "classroom" / f"{name}.npz").is_file()
    assert "COURSE_DATA_DIR=" in capsys.readouterr().out


@requires_local_data
def test_prepare_data_writes_a_download_as_a_verifiable_npz(tmp_path, monkeypatch):
    (x_train, y_train), (x_test, y_test) = data.load_dataset("mnist")
    monkeypatch.setattr(
        keras.datasets.mnist, "load_data", lambda: ((x_train, y_train), (x_test, y_test))
    )
    message = prepare_data.prepare_dataset("mnist", tmp_path)
    assert "downloaded" in message and "verified" in message
    (again, _), _ = data.load_dataset("mnist", data_dir=tmp_path)
    np.testing.assert_array_equal(again, x_train)


def test_prepare_data_never_overwrites_a_file_that_fails_verification(tmp_path, capsys):
    bad = tmp_path / "mnist.npz"
    bad.write_text("a learner's file")
    assert (
        prepare_data.main(
            [str(tmp_path), "--datasets", "mnist", "--from", str(tmp_path / "nowhere")]
        )
        == 1
    )
    assert bad.read_text() == "a learner's file"
    error = capsys.readouterr().err
    assert "FAILED" in error
    assert f"delete {bad}" in error  # says how to get past the refusal


def test_prepare_data_help_names_the_command_to_type(capsys):
    with pytest.raises(SystemExit):
        prepare_data.main(["--help"])
    assert "usage: python -m course_lib.prepare_data" in capsys.readouterr().out


def test_prepare_data_reports_a_missing_source(tmp_path):
    with pytest.raises(data.DataNotFoundError, match="mnist.npz is not in"):
        prepare_data.prepare_dataset("mnist", tmp_path / "out", source=tmp_path / "empty")

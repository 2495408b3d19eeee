"""The instructor's batch grader: one row per submission, broken ones included, submissions untouched.

These tests start real kernels (a few seconds each), so the broken submissions are graded in one batch
shared by the tests that look at its rows.
"""

import csv
import hashlib
import shutil
import tomllib
from pathlib import Path

import nbformat
import pytest

from course_lib.grading import batch

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "01_tensors_and_gradients.ipynb"

RIGHT_STEP = (
    "def gradient_descent_step(params, grads, learning_rate):\n"
    "    return [p - learning_rate * g for p, g in zip(params, grads, strict=True)]"
)


def _write_notebook(path, *sources, lesson="01"):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources]
    )
    if lesson:
        notebook.metadata["course"] = {"lesson": lesson}
    nbformat.write(notebook, path)


def _fingerprint(folder):
    """Returns {relative path: SHA-256 and modification time} of every file under a folder."""
    fingerprint = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_dir():
            continue
        if not path.exists():
            fingerprint[path.relative_to(folder).as_posix()] = "dangling link"
            continue
        fingerprint[path.relative_to(folder).as_posix()] = (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
    return fingerprint


@pytest.fixture(scope="module")
def broken_batch(tmp_path_factory):
    """Grades a folder of broken submissions; returns (rows by name, folder, before, after)."""
    folder = tmp_path_factory.mktemp("broken_submissions")
    (folder / "invalid_json.ipynb").write_text('{"cells": [', encoding="utf-8")
    _write_notebook(
        folder / "kernel_killed.ipynb",
        RIGHT_STEP,
        "from course_lib.grading import lesson01 as checks\n\nchecks.check_gradient_descent_step(gradient_descent_step)",
        "import os\n\nos._exit(1)",
        "print('never runs')",
    )
    _write_notebook(
        folder / "missing_file.ipynb", "data = open('my_weights.npy').read()", RIGHT_STEP
    )
    _write_notebook(folder / "no_lesson.ipynb", "x = 1", lesson=None)
    (folder / "alice").mkdir()
    (folder / "alice" / "01_gone.ipynb").symlink_to(folder / "alice" / "deleted.ipynb")
    before = _fingerprint(folder)
    output = tmp_path_factory.mktemp("grades") / "grades.csv"

    batch.grade_folder(folder, output, time_limit=60, grading_time_limit=120, out=lambda line: None)

    with open(output, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["submission"]: row for row in rows}, folder, before, _fingerprint(folder), output


def test_every_submission_gets_a_row_even_when_broken(broken_batch):
    rows, *_ = broken_batch

    assert sorted(rows) == [
        "alice/01_gone.ipynb",
        "invalid_json.ipynb",
        "kernel_killed.ipynb",
        "missing_file.ipynb",
        "no_lesson.ipynb",
    ]


def test_csv_has_one_column_per_exercise_a_total_and_status_and_reason(broken_batch):
    *_, output = broken_batch

    with open(output, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == [
        "submission",
        "lesson",
        "01.mean_squared_error",
        "01.gradient",
        "01.gradient_descent_step",
        "total",
        "max_total",
        "status",
        "reason",
    ]


def test_invalid_json_gets_an_unreadable_row(broken_batch):
    row = broken_batch[0]["invalid_json.ipynb"]

    assert row["status"] == batch.UNREADABLE
    assert "not a valid notebook" in row["reason"]
    assert row["total"] == "0"


def test_kernel_killed_by_os_exit_keeps_the_scores_of_checks_run_before(broken_batch):
    row = broken_batch[0]["kernel_killed.ipynb"]

    assert row["status"] == batch.KERNEL_DIED
    assert "the kernel died in cell 3 (`import os`)" in row["reason"]
    assert row["01.gradient_descent_step"] == "2"
    assert row["total"] == "2"
    assert row["max_total"] == "6"


def test_endless_loop_is_stopped_at_the_time_limit_and_answers_before_it_are_graded(tmp_path):
    path = tmp_path / "endless_loop.ipynb"
    _write_notebook(path, RIGHT_STEP, "while True:\n    pass", "print('never runs')")

    result = batch.grade_submission(path, tmp_path, time_limit=3, grading_time_limit=120)

    assert result.status == batch.TIME_LIMIT
    assert "still running after 3 s, in cell 2 (`while True:`)" in result.reason
    assert result.scores["gradient_descent_step"] == 2
    assert "mean_squared_error: not attempted" in result.reason


def test_cell_reading_a_missing_file_is_reported_and_the_rest_still_graded(broken_batch):
    row = broken_batch[0]["missing_file.ipynb"]

    assert row["status"] == batch.CELL_ERRORS
    assert (
        "cell 1 (`data = open('my_weights.npy').read()`) raised FileNotFoundError" in row["reason"]
    )
    assert row["01.gradient_descent_step"] == "2"


def test_submission_whose_file_is_missing_gets_an_unreadable_row_with_its_lesson(broken_batch):
    row = broken_batch[0]["alice/01_gone.ipynb"]

    assert row["status"] == batch.UNREADABLE
    assert "cannot read the file" in row["reason"]
    assert row["lesson"] == "01"
    assert row["max_total"] == "6"


def test_notebook_without_a_lesson_number_gets_an_unknown_lesson_row(broken_batch):
    row = broken_batch[0]["no_lesson.ipynb"]

    assert row["status"] == batch.UNKNOWN_LESSON
    assert "--lesson" in row["reason"]


def test_submissions_are_never_modified(broken_batch):
    _, _, before, after, _ = broken_batch

    assert after == before


def test_solution_gets_full_marks_and_unfilled_exercise_zero_from_the_command_line(
    tmp_path, capsys
):
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(ROOT / "solutions" / NOTEBOOK, folder / "solved.ipynb")
    shutil.copy(ROOT / "exercises" / NOTEBOOK, folder / "unfilled.ipynb")
    output = tmp_path / "grades.csv"
    executed = tmp_path / "executed"

    exit_code = batch.main(
        [str(folder), "--output", str(output), "--time-limit", "120", "--executed", str(executed)]
    )

    with open(output, newline="", encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert exit_code == 0
    assert rows["solved.ipynb"]["total"] == "6"
    assert rows["solved.ipynb"]["status"] == batch.OK
    assert rows["unfilled.ipynb"]["total"] == "0"
    assert rows["unfilled.ipynb"]["status"] == batch.OK
    assert "gradient: not attempted" in rows["unfilled.ipynb"]["reason"]
    feedback = nbformat.read(executed / "solved.ipynb", as_version=4)
    assert "total                          6 / 6" in feedback.cells[-1].outputs[0]["text"]
    assert "wrote" in capsys.readouterr().out


def test_executed_copies_may_not_go_into_the_submissions_folder(tmp_path):
    with pytest.raises(SystemExit):
        batch.main([str(tmp_path), "--executed", str(tmp_path / "executed")])


@pytest.mark.parametrize(
    ("metadata", "file_name", "lesson"),
    [
        ({"course": {"lesson": "05"}}, "whatever.ipynb", "05"),
        ({}, "bob_01_tensors_and_gradients.ipynb", "01"),
        ({}, "homework.ipynb", None),
    ],
)
def test_lesson_comes_from_metadata_then_from_the_file_name(metadata, file_name, lesson):
    notebook = nbformat.v4.new_notebook(metadata=metadata)

    assert batch.detect_lesson(notebook, file_name) == lesson


def test_pyproject_declares_the_grader_and_build_commands():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]

    assert scripts["course-grade"] == "course_lib.grading.batch:main"
    assert scripts["course-build-exercises"] == "course_lib.authoring.build_exercises:main"


def test_csv_in_a_folder_that_does_not_exist_yet_is_written_there(tmp_path, capsys):
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "half_saved_01_tensors_and_gradients.ipynb").write_text(
        '{"cells": [', encoding="utf-8"
    )
    output = tmp_path / "results" / "week1" / "grades.csv"

    assert batch.main([str(folder), "-o", str(output)]) == 0

    with open(output, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["status"] for row in rows] == [batch.UNREADABLE]
    assert rows[0]["lesson"] == "01"


def test_an_output_that_is_a_folder_is_refused_before_anything_is_graded(tmp_path, capsys):
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(ROOT / "exercises" / NOTEBOOK, folder / NOTEBOOK)

    with pytest.raises(SystemExit):
        batch.main([str(folder), "-o", str(tmp_path)])
    assert "is a folder" in capsys.readouterr().err


def test_an_empty_submissions_folder_says_so(tmp_path):
    lines = []

    results = batch.grade_folder(tmp_path, tmp_path.parent / "empty.csv", out=lines.append)

    assert results == []
    assert "no notebooks" in lines[0]

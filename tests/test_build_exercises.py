"""Building exercise and solution notebooks from one source: stubs, stamps, staleness and learners' edits."""

from pathlib import Path

import nbformat
import pytest

from course_lib.authoring import build_exercises as build
from course_lib.authoring import stamp

ROOT = Path(__file__).resolve().parents[1]
NAME = "07_toy_exercise.ipynb"

GRADED_CELL = (
    "def double(values):\n"
    '    """Returns twice the values."""\n'
    "    ### BEGIN SOLUTION\n"
    "    result = 2 * values\n"
    "    return result\n"
    "    ### END SOLUTION"
)


def _write_source(root, graded_cell=GRADED_CELL, extra_cells=()):
    cells = [
        nbformat.v4.new_markdown_cell("# Exercise 07 · Toy\n\nA toy exercise."),
        nbformat.v4.new_code_cell(stamp.setup_cell_source()),
        nbformat.v4.new_code_cell(graded_cell),
        nbformat.v4.new_code_cell("print(double(3))", execution_count=4),
        *extra_cells,
    ]
    cells[3].outputs = [nbformat.v4.new_output("stream", text="6\n")]
    notebook = nbformat.v4.new_notebook(cells=cells)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"toy-{index}"
    path = Path(root) / build.SOURCE_FOLDER / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def _read(root, folder):
    return nbformat.read(Path(root) / folder / NAME, as_version=4)


def _quiet_build(root, **options):
    lines = []
    statuses = build.build(root, out=lines.append, **options)
    return statuses, "\n".join(lines)


def test_committed_exercise_and_solution_notebooks_match_their_sources(capsys):
    exit_code = build.main(["--check", "--root", str(ROOT)])

    assert exit_code == 0, capsys.readouterr().out


def test_exercise_replaces_each_solution_block_with_the_stub_at_its_indentation(tmp_path):
    _write_source(tmp_path)
    _quiet_build(tmp_path)

    source = _read(tmp_path, "exercises").cells[2].source
    assert source == (
        "def double(values):\n"
        '    """Returns twice the values."""\n'
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError"
    )


def test_solution_keeps_the_code_and_drops_the_marker_lines(tmp_path):
    _write_source(tmp_path)
    _quiet_build(tmp_path)

    source = _read(tmp_path, "solutions").cells[2].source
    assert (
        source
        == 'def double(values):\n    """Returns twice the values."""\n    result = 2 * values\n    return result'
    )


def test_markdown_solution_block_becomes_your_answer_here():
    source = "Why?\n\n### BEGIN SOLUTION\nBecause the gradient points uphill.\n### END SOLUTION"

    assert build.exercise_cell_source(source, "markdown") == "Why?\n\nYOUR ANSWER HERE"


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1", "never closed"),
        ("def f():\n    return 1\n    ### END SOLUTION", "without a ### BEGIN SOLUTION"),
        (
            "def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION",
            "inside another block",
        ),
    ],
)
def test_unbalanced_markers_are_a_build_error_naming_the_cell(tmp_path, cell, words):
    _write_source(tmp_path, graded_cell=cell)

    with pytest.raises(build.BuildError, match=words) as caught:
        build.build(tmp_path, out=lambda line: None)
    assert f"exercise_sources/{NAME}, cell 3" in str(caught.value)


def test_solution_block_outside_a_function_is_refused(tmp_path):
    _write_source(tmp_path, graded_cell="### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION")

    with pytest.raises(build.BuildError, match="outside a function"):
        build.build(tmp_path, out=lambda line: None)


def test_built_notebooks_are_clean_stamped_for_their_own_path_and_know_their_lesson(tmp_path):
    _write_source(tmp_path)
    statuses, _ = _quiet_build(tmp_path)

    assert statuses == {f"exercises/{NAME}": build.WRITTEN, f"solutions/{NAME}": build.WRITTEN}
    for folder, kind in (("exercises", "exercise"), ("solutions", "solution")):
        notebook = _read(tmp_path, folder)
        assert stamp.badge_markdown(f"{folder}/{NAME}") in notebook.cells[0].source
        assert notebook.cells[0].source.startswith("# Exercise 07 · Toy\n")
        assert notebook.cells[1].source == stamp.setup_cell_source()
        code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert all(cell.outputs == [] and cell.execution_count is None for cell in code_cells)
        assert notebook.metadata["course"]["lesson"] == "07"
        assert notebook.metadata["course"]["kind"] == kind


def test_build_is_deterministic_and_then_up_to_date(tmp_path):
    _write_source(tmp_path)
    _quiet_build(tmp_path)
    first = (tmp_path / "exercises" / NAME).read_bytes()
    (tmp_path / "exercises" / NAME).unlink()

    _quiet_build(tmp_path)
    statuses, _ = _quiet_build(tmp_path, check=True)

    assert (tmp_path / "exercises" / NAME).read_bytes() == first
    assert set(statuses.values()) == {build.UP_TO_DATE}


def test_check_reports_an_out_of_date_notebook_and_changes_nothing(tmp_path, capsys):
    source = _write_source(tmp_path)
    _quiet_build(tmp_path)
    notebook = nbformat.read(source, as_version=4)
    notebook.cells[0].source += "\n\nOne more sentence."
    nbformat.write(notebook, source)
    before = (tmp_path / "exercises" / NAME).read_bytes()

    exit_code = build.main(["--check", "--root", str(tmp_path)])

    assert exit_code == 1
    assert f"out of date: exercises/{NAME}" in capsys.readouterr().out
    assert (tmp_path / "exercises" / NAME).read_bytes() == before


def _learner_edits_the_exercise(root):
    path = Path(root) / "exercises" / NAME
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[2].source = notebook.cells[2].source.replace(
        "raise NotImplementedError", "return values + values"
    )
    nbformat.write(notebook, path)
    return path.read_bytes()


def _author_changes_the_source(source):
    notebook = nbformat.read(source, as_version=4)
    notebook.cells[0].source += "\n\nA clearer explanation."
    nbformat.write(notebook, source)


def test_build_refuses_to_overwrite_an_exercise_a_learner_edited_and_names_it(tmp_path, capsys):
    source = _write_source(tmp_path)
    _quiet_build(tmp_path)
    edited = _learner_edits_the_exercise(tmp_path)
    _author_changes_the_source(source)

    exit_code = build.main(["--root", str(tmp_path)])

    output = capsys.readouterr().out
    assert exit_code == 1
    assert f"refused: exercises/{NAME} was edited since it was built" in output
    assert "--force 07" in output
    assert (tmp_path / "exercises" / NAME).read_bytes() == edited
    assert "A clearer explanation." in _read(tmp_path, "solutions").cells[0].source


def test_force_overwrites_an_edited_exercise_after_keeping_a_backup(tmp_path, capsys):
    source = _write_source(tmp_path)
    _quiet_build(tmp_path)
    edited = _learner_edits_the_exercise(tmp_path)
    _author_changes_the_source(source)

    exit_code = build.main(["--force", "--root", str(tmp_path)])

    backups = list((tmp_path / "exercises" / ".backups").glob("07_toy_exercise.*.bak.ipynb"))
    assert exit_code == 0
    assert len(backups) == 1
    assert backups[0].read_bytes() == edited
    assert backups[0].name in capsys.readouterr().out
    assert "A clearer explanation." in _read(tmp_path, "exercises").cells[0].source


def test_running_a_notebook_without_editing_it_is_not_an_edit(tmp_path):
    _write_source(tmp_path)
    _quiet_build(tmp_path)
    path = tmp_path / "exercises" / NAME
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[3].outputs = [nbformat.v4.new_output("stream", text="6\n")]
    notebook.cells[3].execution_count = 3
    nbformat.write(notebook, path)

    assert not build.was_edited(path)
    statuses, _ = _quiet_build(tmp_path)
    assert statuses[f"exercises/{NAME}"] == build.WRITTEN


def test_restamping_the_colab_badge_is_not_an_edit(tmp_path):
    _write_source(tmp_path)
    _quiet_build(tmp_path)
    path = tmp_path / "exercises" / NAME
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source = notebook.cells[0].source.replace(
        "synthesis-lab/synthesis-lab", "someone/fork"
    )
    nbformat.write(notebook, path)

    assert not build.was_edited(path)


def test_unreadable_exercise_counts_as_edited(tmp_path):
    path = tmp_path / "exercises" / NAME
    path.parent.mkdir()
    path.write_text("{ half a notebook", encoding="utf-8")

    assert build.was_edited(path)


def test_check_reports_a_built_notebook_that_has_no_source(tmp_path, capsys):
    _write_source(tmp_path)
    _quiet_build(tmp_path)
    (tmp_path / "exercises" / "08_orphan.ipynb").write_text("{}", encoding="utf-8")

    exit_code = build.main(["--check", "--root", str(tmp_path)])

    assert exit_code == 1
    assert "no source: exercises/08_orphan.ipynb" in capsys.readouterr().out


def test_check_names_an_edited_exercise_instead_of_asking_for_a_plain_build(tmp_path, capsys):
    source = _write_source(tmp_path)
    _quiet_build(tmp_path)
    edited = _learner_edits_the_exercise(tmp_path)
    _author_changes_the_source(source)

    exit_code = build.main(["--check", "--root", str(tmp_path)])

    output = capsys.readouterr().out
    assert exit_code == 1
    assert f"edited: exercises/{NAME} was changed since it was built" in output
    assert "--force 07" in output
    assert f"out of date: exercises/{NAME}" not in output
    assert f"out of date: solutions/{NAME}" in output
    assert (tmp_path / "exercises" / NAME).read_bytes() == edited


def test_running_outside_the_repository_is_an_error_not_an_empty_success(tmp_path, capsys):
    assert build.main(["--root", str(tmp_path)]) == 2
    assert "no exercise_sources/ folder" in capsys.readouterr().err
    assert build.main(["--check", "--root", str(tmp_path)]) == 2


def test_a_lesson_without_a_source_is_an_error_and_one_digit_lessons_are_understood(
    tmp_path, capsys
):
    _write_source(tmp_path)

    assert build.main(["99", "--root", str(tmp_path)]) == 2
    assert "no exercise source for 99" in capsys.readouterr().err
    assert build.main(["7", "--root", str(tmp_path)]) == 0
    assert (tmp_path / "exercises" / NAME).exists()
    assert "2 notebook(s) written" in capsys.readouterr().out  # the exercise and its solution
    assert build.main(["07", "--root", str(tmp_path)]) == 0
    assert "0 notebook(s) written, 2 already up to date" in capsys.readouterr().out

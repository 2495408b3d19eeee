"""The instructor's batch grader: runs every submitted notebook in a fresh kernel and writes a CSV of scores.

    python -m course_lib.grading.batch submissions/ --output grades.csv      (or: course-grade ...)

Each notebook is copied to a temporary folder (the submission itself is never touched), executed there
top to bottom with nbclient under a time limit for the whole notebook, and then graded by one extra
cell that runs every check of its lesson again on the functions the notebook defines. The CSV has one
row per submission: one column per exercise, the total, a status and a reason. A broken submission
(not a notebook, a cell that kills the kernel, an endless loop, a missing file) gets a row saying so
and never stops the batch.

Running a learner's notebook runs their code with your permissions: grade inside a container or a
throw-away account when submissions come from people you do not know.
"""

import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from course_lib.grading.lessons import load_lesson
from course_lib.grading.scores import RECORD_VARIABLE, read_record

DEFAULT_TIME_LIMIT = 600
DEFAULT_GRADING_TIME_LIMIT = 300

# Statuses of a submission, in the CSV's status column.
OK = "ok"
CELL_ERRORS = "cell errors"
TIME_LIMIT = "time limit"
KERNEL_DIED = "kernel died"
UNREADABLE = "unreadable"
UNKNOWN_LESSON = "unknown lesson"
GRADER_ERROR = "grader error"

GRADING_CELL = (
    "# Added by the course's batch grader: every exercise is graded again from the answers defined above.\n"
    "from course_lib.grading import regrade as _course_regrade\n"
    "\n"
    '_course_regrade("{lesson}")'
)

_LESSON_IN_NAME = re.compile(r"(?:^|[^0-9])(\d{2})_[A-Za-z]")


@dataclass
class SubmissionResult:
    """One row of the CSV."""

    submission: str
    lesson: str = ""
    scores: dict = field(default_factory=dict)
    max_scores: dict = field(default_factory=dict)
    status: str = OK
    reasons: list = field(default_factory=list)

    @property
    def total(self):
        """The points over all exercises."""
        return sum(self.scores.values())

    @property
    def max_total(self):
        """The points a perfect submission gets."""
        return sum(self.max_scores.values())

    @property
    def reason(self):
        """The reasons as one line."""
        return "; ".join(self.reasons)


def find_submissions(folder):
    """Returns every `.ipynb` file under `folder` (sub-folders too, checkpoints left out), sorted."""
    folder = Path(folder)
    found = [
        path
        for path in folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.relative_to(folder).parts
        and (path.is_file() or path.is_symlink())
    ]
    return sorted(found)


def detect_lesson(notebook, file_name):
    """Returns the lesson number of a submission: from its metadata, else from its file name, else `None`.

    Args:
        notebook: the `nbformat` notebook, or `None` when it could not be read.
        file_name: its file name, e.g. `alice_01_tensors_and_gradients.ipynb`.
    """
    lesson = notebook.metadata.get("course", {}).get("lesson") if notebook is not None else None
    if isinstance(lesson, str) and re.fullmatch(r"\d{2}", lesson):
        return lesson
    match = _LESSON_IN_NAME.search(file_name)
    return match.group(1) if match else None


def _short(text, limit=160):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_line(cell):
    lines = [line for line in cell.source.split("\n") if line.strip()]
    return _short(lines[0], 60) if lines else ""


def _cell_error(cell):
    """Returns `"Name: message"` for the error a cell raised, or `None`."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return _short(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}")
    return None


class _Run:
    """Executes one copied notebook in a fresh kernel and collects what went wrong."""

    def __init__(self, notebook, work, record, time_limit, grading_time_limit, kernel_name):
        self.notebook = notebook
        self.time_limit = time_limit
        self.grading_time_limit = grading_time_limit
        self.client = NotebookClient(
            notebook,
            kernel_name=kernel_name,
            allow_errors=True,
            timeout=max(1, math.ceil(time_limit)),
            resources={"metadata": {"path": str(work)}},
        )
        self.environment = dict(os.environ)
        self.environment[RECORD_VARIABLE] = str(record)
        self.status = OK
        self.reasons = []
        self.current = None

    def where(self):
        """Names the cell running now, e.g. "cell 7 (`x = np.load('data.npy')`)"."""
        if self.current is None:
            return "the kernel's start"
        index, cell = self.current
        return f"cell {index + 1} (`{_first_line(cell)}`)"

    def execute(self):
        """Runs the learner's cells under the time limit, then the grading cell; returns `(status, reasons)`."""
        *learner_cells, grading_cell = list(enumerate(self.notebook.cells))
        try:
            # The kernel's own log lines (TensorFlow's start-up messages) would drown the grader's progress.
            with self.client.setup_kernel(
                env=self.environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            ):
                self._run_learner_cells(learner_cells)
                self._run_grading_cell(grading_cell)
        except DeadKernelError:
            self.status = KERNEL_DIED
            self.reasons.insert(
                0,
                f"the kernel died in {self.where()} (os._exit, a crash or running out of memory); "
                "the scores come from the check cells that ran before",
            )
        return self.status, self.reasons

    def _run_learner_cells(self, cells):
        deadline = time.monotonic() + self.time_limit
        for index, cell in cells:
            if cell.cell_type != "code":
                continue
            self.current = (index, cell)
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise CellTimeoutError("no time left")
                self.client.timeout = max(1, math.ceil(remaining))
                self.client.execute_cell(cell, index)
            except CellTimeoutError:
                self.status = TIME_LIMIT
                self.reasons.insert(
                    0,
                    f"time limit: still running after {self.time_limit:g} s, in {self.where()}; "
                    "the cells after it did not run",
                )
                run_sync(self.client.km.interrupt_kernel)()
                return
            error = _cell_error(cell)
            if error:
                self.status = CELL_ERRORS
                self.reasons.append(f"{self.where()} raised {error}")

    def _run_grading_cell(self, grading_cell):
        index, cell = grading_cell
        self.current = grading_cell
        self.client.timeout = max(1, math.ceil(self.grading_time_limit))
        try:
            self.client.execute_cell(cell, index)
        except CellTimeoutError:
            self.status = TIME_LIMIT
            self.reasons.append(
                f"the grading cell was still running after {self.grading_time_limit:g} s; "
                "the scores come from the check cells that ran before"
            )
            return
        error = _cell_error(cell)
        if error:
            self.status = GRADER_ERROR
            self.reasons.append(f"the grading cell failed: {error}")


def _set_lesson(result, lesson):
    """Sets the row's lesson and its exercises (all at 0 points); returns the exercises, or `None`."""
    if not lesson:
        return None
    try:
        exercises = load_lesson(lesson).exercises
    except LookupError as error:
        result.reasons.append(str(error))
        return None
    result.lesson = lesson
    result.max_scores = {exercise.name: exercise.max_score for exercise in exercises}
    result.scores = {exercise.name: 0 for exercise in exercises}
    return exercises


def _unreadable(result, message, lesson):
    result.status = UNREADABLE
    result.reasons.append(message)
    _set_lesson(result, lesson)
    return result


def grade_submission(
    path,
    root,
    time_limit=DEFAULT_TIME_LIMIT,
    grading_time_limit=DEFAULT_GRADING_TIME_LIMIT,
    kernel_name="python3",
    lesson=None,
    executed_dir=None,
):
    """Grades one submitted notebook, running a copy of it in a fresh kernel.

    Args:
        path: the submitted notebook.
        root: the submissions folder (rows name submissions relative to it).
        time_limit: seconds the notebook's own cells may run, all together.
        grading_time_limit: seconds the added grading cell may run.
        kernel_name: the Jupyter kernel to run it with.
        lesson: the lesson number, when the notebook does not say.
        executed_dir: if given, the executed copy (with outputs) is saved there.

    Returns:
        A `SubmissionResult`; never raises for a broken submission.
    """
    path = Path(path)
    result = SubmissionResult(submission=path.relative_to(root).as_posix())
    with tempfile.TemporaryDirectory(prefix="course-grade-") as work:
        work = Path(work)
        copy = work / "submission.ipynb"
        try:
            shutil.copyfile(path, copy)
        except OSError as error:
            return _unreadable(
                result,
                f"cannot read the file: {_short(error)}",
                lesson or detect_lesson(None, path.name),
            )
        try:
            notebook = nbformat.read(copy, as_version=4)
        except Exception as error:
            return _unreadable(
                result,
                f"not a valid notebook: {_short(error)}",
                lesson or detect_lesson(None, path.name),
            )
        exercises = _set_lesson(result, lesson or detect_lesson(notebook, path.name))
        if exercises is None:
            result.status = UNKNOWN_LESSON
            if not result.reasons:
                result.reasons.append(
                    "no lesson number in the notebook's metadata or file name; use --lesson NN"
                )
            return result
        notebook.cells.append(nbformat.v4.new_code_cell(GRADING_CELL.format(lesson=result.lesson)))
        record = work / "scores.json"
        run = _Run(notebook, work, record, time_limit, grading_time_limit, kernel_name)
        result.status, notebook_reasons = run.execute()
        result.reasons += notebook_reasons
        try:
            recorded = read_record(record)
        except ValueError as error:
            recorded = {}
            result.reasons.append(f"the score record was unreadable ({error})")
        not_graded = []
        for exercise in exercises:
            row = recorded.get((result.lesson, exercise.name))
            if row is None:
                not_graded.append(exercise.name)
                continue
            result.scores[exercise.name] = row["score"]
            if row["status"] != "passed":
                detail = f" ({_short(row['reason'], 120)})" if row.get("reason") else ""
                result.reasons.append(f"{exercise.name}: {row['status']}{detail}")
        if not_graded:
            result.reasons.append(f"never graded: {', '.join(not_graded)}")
        if executed_dir is not None:
            target = Path(executed_dir) / result.submission
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
    return result


def write_csv(results, output):
    """Writes the score table: one row per submission, one column per exercise (`NN.name`).

    Args:
        results: the `SubmissionResult`s.
        output: the CSV file to write.
    """
    columns = []
    for result in results:
        for exercise in result.max_scores:
            column = f"{result.lesson}.{exercise}"
            if column not in columns:
                columns.append(column)
    columns.sort(key=lambda column: column.split(".")[0])
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["submission", "lesson", *columns, "total", "max_total", "status", "reason"]
        )
        for result in results:
            cells = {
                f"{result.lesson}.{name}": _number(score) for name, score in result.scores.items()
            }
            writer.writerow(
                [
                    result.submission,
                    result.lesson,
                    *(cells.get(column, "") for column in columns),
                    _number(result.total),
                    _number(result.max_total),
                    result.status,
                    result.reason,
                ]
            )


def _number(value):
    return f"{value:g}"


def grade_folder(
    folder,
    output,
    time_limit=DEFAULT_TIME_LIMIT,
    grading_time_limit=DEFAULT_GRADING_TIME_LIMIT,
    kernel_name="python3",
    lesson=None,
    executed_dir=None,
    out=print,
):
    """Grades every notebook in a folder and writes the CSV.

    Args:
        folder: the submissions folder.
        output: the CSV file to write.
        time_limit: seconds each notebook's cells may run, all together.
        grading_time_limit: seconds each grading cell may run.
        kernel_name: the Jupyter kernel to use.
        lesson: the lesson number for notebooks that do not say.
        executed_dir: where to save executed copies (for feedback), or `None`.
        out: where progress lines go.

    Returns:
        The list of `SubmissionResult`s.
    """
    folder = Path(folder)
    submissions = find_submissions(folder)
    if not submissions:
        out(f"no notebooks (.ipynb files) found in {folder} or its sub-folders.")
    results = []
    for number, path in enumerate(submissions, start=1):
        started = time.monotonic()
        try:
            result = grade_submission(
                path,
                folder,
                time_limit=time_limit,
                grading_time_limit=grading_time_limit,
                kernel_name=kernel_name,
                lesson=lesson,
                executed_dir=executed_dir,
            )
        except Exception as error:  # one broken submission never stops the batch
            result = SubmissionResult(
                submission=path.relative_to(folder).as_posix(), status=GRADER_ERROR
            )
            result.reasons.append(
                f"the grader failed on it: {type(error).__name__}: {_short(error)}"
            )
        results.append(result)
        seconds = time.monotonic() - started
        out(
            f"[{number}/{len(submissions)}] {result.submission}: {_number(result.total)}/{_number(result.max_total)}"
            f" ({result.status}, {seconds:.0f} s)"
        )
    write_csv(results, output)
    out(f"wrote {output}: {len(results)} submission(s).")
    return results


def main(argv=None):
    """Command line: grade a folder of submitted notebooks into a CSV."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.grading.batch",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "folder", help="the folder of submitted notebooks (searched with its sub-folders)"
    )
    parser.add_argument(
        "--output", "-o", default="grades.csv", help="the CSV to write (default: grades.csv)"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help=f"seconds per notebook (default: {DEFAULT_TIME_LIMIT})",
    )
    parser.add_argument(
        "--grading-time-limit",
        type=float,
        default=DEFAULT_GRADING_TIME_LIMIT,
        help=f"seconds for the grading cell added to each notebook (default: {DEFAULT_GRADING_TIME_LIMIT})",
    )
    parser.add_argument(
        "--lesson", help="lesson number (e.g. 01) for notebooks whose metadata and name do not say"
    )
    parser.add_argument(
        "--kernel",
        default="python3",
        help="the Jupyter kernel to run notebooks with (default: python3)",
    )
    parser.add_argument(
        "--executed", help="save each executed copy, with its outputs, under this folder"
    )
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        parser.error(f"{folder} is not a folder of submissions.")
    if args.executed and Path(args.executed).resolve().is_relative_to(folder.resolve()):
        parser.error(
            "--executed must be outside the submissions folder, which the grader never writes to."
        )
    # Checked before grading, which can take an hour: a CSV that cannot be written would lose it all.
    output = Path(args.output)
    if output.is_dir():
        parser.error(
            f"--output {output} is a folder; give a file name, e.g. {output / 'grades.csv'}."
        )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.touch()
    except OSError as error:
        parser.error(f"cannot write the CSV {output}: {error}")
    grade_folder(
        folder,
        args.output,
        time_limit=args.time_limit,
        grading_time_limit=args.grading_time_limit,
        kernel_name=args.kernel,
        lesson=args.lesson,
        executed_dir=args.executed,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

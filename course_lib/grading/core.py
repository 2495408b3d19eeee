"""The machinery behind every exercise check: run the learner's code safely and turn it into a verdict.

A lesson's check module (e.g. `course_lib.grading.lesson01`) declares a `Lesson` and its exercises.
Each exercise is a list of `Part`s worth points; a part is a plain function that receives the
learner's answer, calls it through `call_learner`, and raises `WrongAnswer` with a message the
learner can act on. Time limits, "not attempted yet", errors in the learner's code, partial credit
and the score table are handled here, and nothing raises into the notebook.
"""

import ctypes
import re
import threading
import traceback
from dataclasses import dataclass, field

from course_lib.grading import scores

# Verdicts, as shown to learners and written to the batch grader's CSV.
PASSED = "passed"
PARTLY_RIGHT = "partly right"
WRONG = "wrong"
NOT_ATTEMPTED = "not attempted"
CHECK_ERROR = "check error"
SKIPPED = "skipped"

# Seconds one part of a check may run before the learner's code is stopped.
DEFAULT_TIME_LIMIT = 20.0

_PART_MARKS = {PASSED: "✓", WRONG: "✗", NOT_ATTEMPTED: "·", SKIPPED: "·", CHECK_ERROR: "!"}

NOT_ATTEMPTED_ADVICE = (
    "Write your code in place of `raise NotImplementedError` in the cell above, "
    "run that cell, then run this check again."
)


class WrongAnswer(Exception):
    """Raised by a check part: the answer is wrong, and the message says what to fix."""


class NotAttempted(Exception):
    """The learner's code still raises the stub's bare `NotImplementedError`."""


class LearnerError(Exception):
    """The learner's code raised an exception; the message describes where and what."""


class TimeLimitExceeded(Exception):
    """The learner's code was still running when its time was up."""

    def __init__(self, seconds, stopped):
        self.seconds = seconds
        self.stopped = stopped
        super().__init__(f"still running after {seconds:g} s")


class _StopLearnerCode(BaseException):
    """Raised inside a runaway learner thread to stop it.

    A `BaseException`, so a learner's `except Exception:` does not swallow it.
    """


def describe_value(value):
    """Describes a value in a few words for a message: `a str ('abc')`, `a Tensor of shape (3,)`.

    Args:
        value: anything.

    Returns:
        A short phrase.
    """
    if value is None:
        return "None"
    type_name = type(value).__name__
    if "Tensor" in type_name or "Variable" in type_name:
        type_name = "tensor"  # EagerTensor, ResourceVariable, ... all read as tensors to a learner
    elif type_name == "ndarray":
        type_name = "NumPy array"
    article = "an" if type_name[:1].lower() in "aeiou" else "a"
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, type):
        try:
            return f"{article} {type_name} of shape {tuple(shape)}"
        except TypeError:
            pass
    if isinstance(value, bool | int | float | complex | str | bytes):
        shown = repr(value)
        if len(shown) > 40:
            shown = shown[:37] + "..."
        return f"{article} {type_name} ({shown})"
    if isinstance(value, list | tuple | dict | set):
        return f"{article} {type_name} of {len(value)} item(s)"
    return f"{article} {type_name}"


def _learner_line(error, function):
    """Returns the line number, in the learner's cell, where `error` was raised, or `None`."""
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == code.co_filename:
            line = frame.lineno
    return line


# TensorFlow wraps its messages in node names and op tags that mean nothing to a learner.
_TENSORFLOW_NOISE = re.compile(r"\{\{[^}]*\}\}\s*|\s*\[Op:[^\]]*\](\s*name:.*)?$")


def _describe_error(error, function):
    name = type(error).__name__
    text = str(error).strip()
    text = _TENSORFLOW_NOISE.sub("", text.splitlines()[0]).strip() if text else ""
    if len(text) > 200:
        text = text[:197] + "..."
    function_name = getattr(function, "__name__", "your function")
    message = f"your code raised {name}" + (f": {text}" if text else "")
    line = _learner_line(error, function)
    if line is not None:
        message += f" (line {line} of the cell that defines `{function_name}`)"
    return message


def call_learner(function, *args, **kwargs):
    """Calls the learner's function, translating what can go wrong into check exceptions.

    Args:
        function: the learner's answer, expected to be callable.
        *args: positional arguments for it.
        **kwargs: keyword arguments for it.

    Returns:
        What the learner's function returned.

    Raises:
        NotAttempted: it still raises the stub's bare `NotImplementedError`.
        LearnerError: it raised any other exception.
        WrongAnswer: it is not a function at all.
    """
    if not callable(function):
        raise WrongAnswer(
            f"expected a function, got {describe_value(function)}. Pass the function itself, "
            "e.g. `check(my_function)`, not the result of calling it."
        )
    try:
        return function(*args, **kwargs)
    except NotImplementedError as error:
        if not error.args:
            raise NotAttempted() from None
        raise LearnerError(_describe_error(error, function)) from error
    except (Exception, SystemExit) as error:
        raise LearnerError(_describe_error(error, function)) from error


def _stop_thread(thread):
    """Asks a thread to stop by raising `_StopLearnerCode` in it (works for pure-Python loops)."""
    if thread.ident is None:
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread.ident), ctypes.py_object(_StopLearnerCode)
    )


def run_with_time_limit(function, seconds, *args):
    """Runs `function(*args)` in a helper thread and waits at most `seconds` for it.

    Code that is still running when the time is up is asked to stop; a pure-Python loop stops
    at once, a long call into compiled code (TensorFlow, NumPy, `time.sleep`) when it returns.

    Args:
        function: what to run.
        seconds: the time limit.
        *args: its arguments.

    Returns:
        What `function` returned.

    Raises:
        TimeLimitExceeded: it did not finish in time.
        Exception: whatever `function` raised.
    """
    outcome = {}

    def target():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed back to the caller below
            outcome["error"] = error

    thread = threading.Thread(target=target, name="course-check", daemon=True)
    thread.start()
    try:
        thread.join(seconds)
    except KeyboardInterrupt:
        _stop_thread(thread)
        raise
    if thread.is_alive():
        _stop_thread(thread)
        thread.join(1.0)
        raise TimeLimitExceeded(seconds, stopped=not thread.is_alive())
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@dataclass
class Part:
    """One graded part of an exercise.

    Attributes:
        description: what this part tries, in words a learner reads, e.g. "targets of shape (128, 2)".
        test: a function of the learner's answer; returns normally when it is right and raises
            `WrongAnswer` (or lets `call_learner`'s exceptions through) when it is not.
        points: what the part is worth.
    """

    description: str
    test: object
    points: float = 1


@dataclass
class PartResult:
    """The verdict on one part."""

    description: str
    status: str
    score: float
    points: float
    message: str = ""
    timed_out: bool = False

    def line(self):
        """Returns the part's line in the learner's report."""
        text = f"  {_PART_MARKS[self.status]} {self.description}"
        if self.message:
            text += f": {self.message}"
        return text


@dataclass
class ExerciseResult:
    """The verdict on one exercise: status, points and the per-part details."""

    lesson_id: str
    exercise: str
    status: str
    score: float
    max_score: float
    parts: list = field(default_factory=list)
    message: str = ""

    def report(self):
        """Returns the text the check cell prints."""
        status = "not attempted yet" if self.status == NOT_ATTEMPTED else self.status
        lines = [
            f"{self.exercise}: {status} ({_points(self.score)}/{_points(self.max_score)} points)"
        ]
        if self.message:
            lines.append(f"  {self.message}")
        elif self.status == NOT_ATTEMPTED:
            lines.append(f"  {NOT_ATTEMPTED_ADVICE}")
        else:
            lines += [part.line() for part in self.parts]
        return "\n".join(lines)

    def reason(self):
        """Returns the first problem in one line (empty when passed), for summaries and the CSV."""
        if self.message:
            return self.message
        for part in self.parts:
            if part.status in (WRONG, CHECK_ERROR):
                return f"{part.description}: {part.message}"
        return ""

    def to_dict(self):
        """Returns the result as plain data, as written to the grading record file."""
        return {
            "lesson": self.lesson_id,
            "exercise": self.exercise,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "reason": self.reason(),
        }


def _points(value):
    return f"{value:g}"


class Exercise:
    """A graded exercise: call it with the learner's answer to print a verdict.

    `check(answer)` prints the report and returns nothing (so a notebook shows it once);
    `check.grade(answer)` returns the `ExerciseResult` without printing. Both record the
    result for the lesson's summary and for the batch grader.
    """

    def __init__(self, lesson, name, parts, time_limit=DEFAULT_TIME_LIMIT, answer_name=None):
        if not parts:
            raise ValueError(f"exercise {name!r} needs at least one Part.")
        self.lesson = lesson
        self.name = name
        self.parts = list(parts)
        self.time_limit = time_limit
        self.answer_name = answer_name or name

    @property
    def max_score(self):
        """The points for a fully correct answer."""
        return sum(part.points for part in self.parts)

    def __repr__(self):
        return f"<check for exercise {self.lesson.id} `{self.name}` ({_points(self.max_score)} points)>"

    def __call__(self, answer):
        """Grades the answer and prints the verdict; never raises."""
        try:
            result = self.grade(answer)
            print(result.report())
        except Exception as error:  # a bug in the course must not stop the learner's notebook
            print(f"{self.name}: the check itself failed ({type(error).__name__}: {error}).")
            print("  This is a problem in the course, not in your answer: please report it.")

    def grade(self, answer):
        """Grades the answer part by part and records the result.

        Args:
            answer: the learner's function (or value).

        Returns:
            An `ExerciseResult`.
        """
        part_results = []
        out_of_time = False
        for part in self.parts:
            if out_of_time:
                part_results.append(
                    PartResult(
                        part.description,
                        SKIPPED,
                        0,
                        part.points,
                        "not run: an earlier part ran out of time",
                    )
                )
                continue
            part_result = self._grade_part(part, answer)
            out_of_time = part_result.timed_out
            part_results.append(part_result)
        result = self._combine(part_results)
        scores.record(result)
        return result

    def missing(self, message):
        """Records and returns a zero-point result for an answer that is not there at all.

        Args:
            message: why, e.g. "the notebook defines no `mean_squared_error`".
        """
        result = ExerciseResult(
            self.lesson.id, self.name, NOT_ATTEMPTED, 0, self.max_score, message=message
        )
        scores.record(result)
        return result

    def _grade_part(self, part, answer):
        def failed(status, message):
            return PartResult(part.description, status, 0, part.points, message)

        try:
            run_with_time_limit(part.test, self.time_limit, answer)
        except NotAttempted:
            return failed(NOT_ATTEMPTED, "")
        except (WrongAnswer, LearnerError) as error:
            return failed(WRONG, str(error))
        except TimeLimitExceeded as error:
            message = (
                f"time limit: your code was still running after {error.seconds:g} s. "
                "Look for a loop that never ends (a `while` whose condition never turns false)."
            )
            if not error.stopped:
                message += " It may still be running in the background: restart the kernel if things get slow."
            return PartResult(part.description, WRONG, 0, part.points, message, timed_out=True)
        except Exception as error:
            return failed(
                CHECK_ERROR,
                f"the check itself failed ({type(error).__name__}: {error}); "
                "this is a problem in the course, not in your answer: please report it",
            )
        return PartResult(part.description, PASSED, part.points, part.points)

    def _combine(self, part_results):
        score = sum(part.score for part in part_results)
        statuses = {part.status for part in part_results}
        if score >= self.max_score:
            status = PASSED
        elif score > 0:
            status = PARTLY_RIGHT
        elif statuses <= {NOT_ATTEMPTED, SKIPPED}:
            status = NOT_ATTEMPTED
        elif WRONG not in statuses and CHECK_ERROR in statuses:
            status = CHECK_ERROR
        else:
            status = WRONG
        return ExerciseResult(
            self.lesson.id, self.name, status, score, self.max_score, part_results
        )


class Lesson:
    """The exercises of one lesson, with the notebook's summary table.

    Args:
        lesson_id: the two-digit lesson number as a string, e.g. `"01"`.
        title: the lesson's title, e.g. `"Tensors and gradients"`.
    """

    def __init__(self, lesson_id, title):
        self.id = lesson_id
        self.title = title
        self.exercises = []

    def __repr__(self):
        return f"<Lesson {self.id} · {self.title}: {len(self.exercises)} exercise(s)>"

    def exercise(self, name, parts, time_limit=DEFAULT_TIME_LIMIT, answer_name=None):
        """Declares an exercise of this lesson and returns its check.

        Args:
            name: the exercise's name, usually the learner's function name.
            parts: the graded `Part`s.
            time_limit: seconds each part may run.
            answer_name: the name the learner's answer has in the notebook (default: `name`),
                which the batch grader looks up.

        Returns:
            The `Exercise`, which the notebook calls with the learner's answer.
        """
        if any(existing.name == name for existing in self.exercises):
            raise ValueError(f"lesson {self.id} already has an exercise named {name!r}.")
        exercise = Exercise(self, name, parts, time_limit=time_limit, answer_name=answer_name)
        self.exercises.append(exercise)
        return exercise

    def results(self):
        """Returns `{exercise name: ExerciseResult or None}`, `None` for exercises not checked yet."""
        return {
            exercise.name: scores.result_for(self.id, exercise.name) for exercise in self.exercises
        }

    def passed(self, *names):
        """Tells whether the named exercises (default: all) have passed their checks in this session.

        Cells that use an earlier answer start with `if checks.passed("name"):` so that an
        unanswered exercise does not break the rest of the notebook.
        """
        unknown = [
            name for name in names if name not in {exercise.name for exercise in self.exercises}
        ]
        if unknown:
            raise ValueError(f"lesson {self.id} has no exercise named {unknown[0]!r}.")
        results = self.results()
        wanted = names or tuple(results)
        return all(results[name] is not None and results[name].status == PASSED for name in wanted)

    def score(self):
        """Returns `(points, max_points)` over all exercises of the lesson."""
        results = self.results()
        points = sum(result.score for result in results.values() if result is not None)
        return points, sum(exercise.max_score for exercise in self.exercises)

    def summary_text(self):
        """Returns the score table as text."""
        results = self.results()
        name_width = max([len("exercise"), *(len(name) for name in results)])
        rows = []
        for exercise in self.exercises:
            result = results[exercise.name]
            status = "not checked yet" if result is None else result.status
            score = 0 if result is None else result.score
            rows.append(
                (exercise.name, status, f"{_points(score)} / {_points(exercise.max_score)}")
            )
        status_width = max(len("status"), *(len(row[1]) for row in rows))
        points, max_points = self.score()
        lines = [f"Exercise {self.id} · {self.title}: your score", ""]
        lines.append(f"  {'exercise'.ljust(name_width)}  {'status'.ljust(status_width)}  points")
        lines += [
            f"  {name.ljust(name_width)}  {status.ljust(status_width)}  {shown}"
            for name, status, shown in rows
        ]
        lines.append("  " + "-" * (name_width + status_width + 12))
        lines.append(
            f"  {'total'.ljust(name_width)}  {''.ljust(status_width)}  {_points(points)} / {_points(max_points)}"
        )
        if any(result is None for result in results.values()):
            lines += [
                "",
                "Exercises 'not checked yet' count 0: run their check cells, then this cell again.",
            ]
        return "\n".join(lines)

    def summary(self):
        """Prints the score table (the last cell of every exercise notebook)."""
        print(self.summary_text())

    def regrade(self, namespace):
        """Grades every exercise again from the answers found in a notebook's namespace.

        The batch grader runs this in the last cell it adds to each submission, so the score does not
        depend on which check cells the learner kept or ran.

        Args:
            namespace: a mapping from names to values, e.g. the notebook's global variables.
        """
        for exercise in self.exercises:
            if exercise.answer_name in namespace:
                exercise.grade(namespace[exercise.answer_name])
            else:
                exercise.missing(
                    f"the notebook defines no `{exercise.answer_name}`: keep the name given in the exercise."
                )
        self.summary()

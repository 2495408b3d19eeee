"""Exercise checks with plain-language feedback, the per-notebook score summary and the instructor's grader.

In an exercise notebook:

    from course_lib.grading import lesson01 as checks

    checks.check_mean_squared_error(mean_squared_error)   # prints a verdict, never raises
    ...
    checks.summary()                                      # the score table

Each lesson's checks live in `course_lib.grading.lessonNN`; the shared machinery in `core` (verdicts,
time limits, partial credit), `compare` (diagnosing wrong numbers) and `scores` (the score record).
The instructor's batch grader is `python -m course_lib.grading.batch` (or `course-grade`).
"""

from course_lib.grading.compare import as_array, expect_close, expect_list_close
from course_lib.grading.core import (
    CHECK_ERROR,
    NOT_ATTEMPTED,
    PARTLY_RIGHT,
    PASSED,
    WRONG,
    Exercise,
    ExerciseResult,
    Lesson,
    Part,
    WrongAnswer,
    call_learner,
)
from course_lib.grading.lessons import load_lesson, regrade

__all__ = [
    "CHECK_ERROR",
    "NOT_ATTEMPTED",
    "PARTLY_RIGHT",
    "PASSED",
    "WRONG",
    "Exercise",
    "ExerciseResult",
    "Lesson",
    "Part",
    "WrongAnswer",
    "as_array",
    "call_learner",
    "expect_close",
    "expect_list_close",
    "load_lesson",
    "regrade",
]

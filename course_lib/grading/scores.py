"""The scores of this session's checks, and the record file the instructor's batch grader reads back.

Every check records its result here. When the environment variable `COURSE_GRADING_RECORD` names a
file, the whole score list is also written there as JSON after every check, so the batch grader gets
the scores even of a notebook whose kernel dies half-way.
"""

import json
import os
from pathlib import Path

RECORD_VARIABLE = "COURSE_GRADING_RECORD"
RECORD_VERSION = 1

# (lesson id, exercise name) -> ExerciseResult; a later check of the same exercise replaces the earlier one.
_RESULTS = {}


def record(result):
    """Stores an `ExerciseResult` and, when `COURSE_GRADING_RECORD` is set, rewrites the record file.

    Args:
        result: the `ExerciseResult` to store.
    """
    _RESULTS[(result.lesson_id, result.exercise)] = result
    path = os.environ.get(RECORD_VARIABLE, "").strip()
    if path:
        write_record(path)


def result_for(lesson_id, exercise):
    """Returns the latest `ExerciseResult` of an exercise in this session, or `None`."""
    return _RESULTS.get((lesson_id, exercise))


def clear(lesson_id=None):
    """Forgets the recorded results, of one lesson or of all.

    Args:
        lesson_id: the lesson to forget, or `None` for every lesson.
    """
    for key in list(_RESULTS):
        if lesson_id is None or key[0] == lesson_id:
            del _RESULTS[key]


def write_record(path):
    """Writes every recorded result to a JSON file, replacing it in one step.

    Args:
        path: the file to write.
    """
    path = Path(path)
    data = {
        "version": RECORD_VERSION,
        "results": [result.to_dict() for result in _RESULTS.values()],
    }
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(temporary, path)


def read_record(path):
    """Reads a record file written by `write_record`.

    Args:
        path: the file.

    Returns:
        `{(lesson id, exercise name): result dict}`; empty when the file does not exist.

    Raises:
        ValueError: the file is not a grading record.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["results"]
        return {(row["lesson"], row["exercise"]): row for row in rows}
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a grading record ({error}).") from error

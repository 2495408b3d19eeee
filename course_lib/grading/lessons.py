"""Finding a lesson's checks by its number, and re-grading a notebook's answers (the batch grader's last cell)."""

import importlib
import re

_LESSON_ID = re.compile(r"^\d{2}$")


def check_module_name(lesson_id):
    """Returns the module that holds a lesson's checks, e.g. `course_lib.grading.lesson01` for `"01"`."""
    return f"course_lib.grading.lesson{lesson_id}"


def load_lesson(lesson_id):
    """Returns the `Lesson` of a lesson number.

    Args:
        lesson_id: the two-digit lesson number, e.g. `"01"`.

    Returns:
        The `Lesson` declared by that lesson's check module.

    Raises:
        LookupError: there are no checks for that lesson.
    """
    lesson_id = str(lesson_id)
    if not _LESSON_ID.match(lesson_id):
        raise LookupError(f"{lesson_id!r} is not a lesson number: use two digits, e.g. '01'.")
    name = check_module_name(lesson_id)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        raise LookupError(f"lesson {lesson_id} has no checks: there is no module {name}.") from None
    return module.LESSON


def _notebook_namespace():
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is not None:
        return shell.user_ns
    import __main__

    return vars(__main__)


def regrade(lesson_id, namespace=None):
    """Grades every exercise of a lesson from the answers a notebook defines, then prints the score table.

    Args:
        lesson_id: the two-digit lesson number.
        namespace: where to look the answers up; default: the notebook's global variables.
    """
    lesson = load_lesson(lesson_id)
    lesson.regrade(_notebook_namespace() if namespace is None else namespace)

"""Builds each exercise notebook and its solution from one source.

    python -m course_lib.authoring.build_exercises            # build every exercise (or: course-build-exercises)
    python -m course_lib.authoring.build_exercises 01         # only lesson 01
    python -m course_lib.authoring.build_exercises --check    # report out-of-date notebooks, change nothing
    python -m course_lib.authoring.build_exercises --force    # overwrite edited notebooks, keeping a backup

A source, `exercise_sources/NN_name.ipynb`, marks its solution blocks the nbgrader way:

    def mean_squared_error(y_true, y_pred):
        ### BEGIN SOLUTION
        return ops.mean(ops.square(y_true - y_pred))
        ### END SOLUTION

`exercises/NN_name.ipynb` gets `# YOUR CODE HERE` and `raise NotImplementedError` in place of each block
(in Markdown cells: `YOUR ANSWER HERE`); `solutions/NN_name.ipynb` keeps the code without the marker
lines. Both are stamped with their own Colab badge, carry no outputs, and record a hash of their content
in `metadata.course.build_hash`, so a later build can tell that someone (a learner) has edited them:
it then refuses to overwrite them unless given --force, which first copies the edited file to
`.backups/NN_name.<time>.bak.ipynb` beside it.
"""

import argparse
import ast
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

import nbformat

from course_lib.authoring import stamp

SOURCE_FOLDER = "exercise_sources"
EXERCISE_FOLDER = "exercises"
BACKUP_FOLDER = ".backups"
SOLUTION_FOLDER = "solutions"

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError")
MARKDOWN_STUB = "YOUR ANSWER HERE"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# What the build did, or would do, to one output notebook.
UP_TO_DATE = "up to date"
WRITTEN = "written"
STALE = "out of date"
REFUSED = "refused"
ORPHAN = "no source"


class BuildError(ValueError):
    """A source notebook cannot be built: unbalanced markers, a solution outside a function, ..."""


def _solution_blocks(lines, where):
    """Returns `(begin, end, indent)` line indices of every solution block of a cell."""
    blocks = []
    begin = None
    for number, line in enumerate(lines):
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if begin is not None:
                raise BuildError(
                    f"{where}, line {number + 1}: {BEGIN_SOLUTION} inside another block (missing {END_SOLUTION}?)."
                )
            begin = number
        elif marker == END_SOLUTION:
            if begin is None:
                raise BuildError(
                    f"{where}, line {number + 1}: {END_SOLUTION} without a {BEGIN_SOLUTION} before it."
                )
            indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
            blocks.append((begin, number, indent))
            begin = None
    if begin is not None:
        raise BuildError(
            f"{where}, line {begin + 1}: {BEGIN_SOLUTION} is never closed by {END_SOLUTION}."
        )
    return blocks


def exercise_cell_source(source, cell_type, where="cell"):
    """Returns a cell's source with every solution block replaced by the stub.

    Args:
        source: the cell's source.
        cell_type: `"code"` or `"markdown"`.
        where: names the cell in error messages.

    Returns:
        The exercise version of the source.
    """
    lines = source.split("\n")
    kept = []
    position = 0
    for begin, end, indent in _solution_blocks(lines, where):
        kept += lines[position:begin]
        if cell_type == "code":
            kept += [indent + line for line in CODE_STUB]
        else:
            kept.append(indent + MARKDOWN_STUB)
        position = end + 1
    kept += lines[position:]
    return "\n".join(kept)


def solution_cell_source(source, where="cell"):
    """Returns a cell's source with the solution code kept and the marker lines removed."""
    lines = source.split("\n")
    markers = set()
    for begin, end, _ in _solution_blocks(lines, where):
        markers.update((begin, end))
    return "\n".join(line for number, line in enumerate(lines) if number not in markers)


def _python_only(source):
    """Replaces IPython magics and shell lines with `pass`, so the source can be parsed as Python."""
    lines = []
    for line in source.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def _check_stubs_inside_functions(source, where):
    """Raises `BuildError` unless the exercise cell parses and each stub `raise` sits inside a function.

    A stub at the top level of a cell would stop the unfilled notebook at that cell.
    """
    if source.lstrip().startswith("%%"):
        return
    try:
        tree = ast.parse(_python_only(source))
    except SyntaxError as error:
        raise BuildError(
            f"{where}: the exercise version is not valid Python ({error.msg}, line {error.lineno})."
        ) from None

    def visit(node, in_function):
        if isinstance(node, ast.Raise) and not in_function:
            exception = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exception, ast.Name) and exception.id == "NotImplementedError":
                raise BuildError(
                    f"{where}, line {node.lineno}: a solution block outside a function would make the unfilled "
                    "exercise notebook fail at this cell; put the block inside the body of a function."
                )
        inside = in_function or isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
        )
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, False)


def _new_cell(cell, index):
    """Returns a clean copy of a source cell: same type, id and source, only its tags, no outputs."""
    cell_id = cell.get("id") or f"cell-{index:02d}"
    metadata = {"tags": list(cell.metadata["tags"])} if cell.get("metadata", {}).get("tags") else {}
    if cell.cell_type == "code":
        new = nbformat.v4.new_code_cell(source=cell.source, metadata=metadata)
    elif cell.cell_type == "markdown":
        new = nbformat.v4.new_markdown_cell(source=cell.source, metadata=metadata)
        if cell.get("attachments"):
            new.attachments = cell.attachments
    else:
        new = nbformat.v4.new_raw_cell(source=cell.source, metadata=metadata)
    new.id = cell_id
    return new


def content_hash(notebook):
    """Returns the SHA-256 of a notebook's cell types and sources, the part a learner edits.

    The Colab badge and the setup cell are left out, so re-stamping them (after a move of the
    course's repository) does not look like a learner's edit. Outputs are left out too.
    """
    cells = []
    for cell in notebook.cells:
        source = cell.source
        if cell.cell_type == "markdown":
            source = stamp.BADGE_PATTERN.sub("", source)
        elif cell.cell_type == "code" and source.startswith(stamp.SETUP_MARKER):
            source = stamp.SETUP_MARKER
        cells.append([cell.cell_type, source])
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


def lesson_of(notebook_name):
    """Returns the two-digit lesson number that starts a notebook's file name, e.g. `"01"`."""
    prefix = notebook_name[:2]
    if not (prefix.isdigit() and notebook_name[2:3] == "_"):
        raise BuildError(
            f"{notebook_name}: exercise file names start with the lesson number, e.g. 01_tensors.ipynb."
        )
    return prefix


def build_notebooks(source_path, root="."):
    """Builds the exercise and solution notebooks of one source.

    Args:
        source_path: the source notebook, `exercise_sources/NN_name.ipynb`.
        root: the repository root.

    Returns:
        `(exercise_notebook, solution_notebook)`, as `nbformat` notebooks.

    Raises:
        BuildError: the source cannot be built.
    """
    source_path = Path(source_path)
    name = source_path.name
    where_file = f"{SOURCE_FOLDER}/{name}"
    lesson = lesson_of(name)
    try:
        source = nbformat.read(source_path, as_version=4)
    except Exception as error:
        raise BuildError(f"{where_file}: cannot read it as a notebook ({error}).") from None
    built = {}
    for kind, folder in (("exercise", EXERCISE_FOLDER), ("solution", SOLUTION_FOLDER)):
        notebook = nbformat.v4.new_notebook()
        notebook.nbformat_minor = 5
        notebook.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
        for index, cell in enumerate(source.cells):
            where = f"{where_file}, cell {index + 1}"
            new = _new_cell(cell, index)
            if kind == "exercise":
                new.source = exercise_cell_source(cell.source, cell.cell_type, where)
                if cell.cell_type == "code":
                    _check_stubs_inside_functions(new.source, where)
            else:
                new.source = solution_cell_source(cell.source, where)
            notebook.cells.append(new)
        try:
            stamp.stamp_notebook(notebook, f"{folder}/{name}")
        except ValueError as error:
            raise BuildError(str(error).replace(f"{folder}/{name}", where_file)) from None
        notebook.metadata["course"] = {
            "lesson": lesson,
            "kind": kind,
            "source": where_file,
            "build_hash": content_hash(notebook),
        }
        nbformat.validate(notebook)
        built[kind] = notebook
    return built["exercise"], built["solution"]


def notebook_text(notebook):
    """Returns a notebook as the exact text the build writes (stable key order, final newline)."""
    return nbformat.writes(notebook, version=4) + "\n"


def was_edited(path):
    """Tells whether a built notebook was changed since the build that wrote it.

    A notebook that cannot be read, or that carries no build hash, counts as edited: it is not
    safe to overwrite.
    """
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:
        return True
    recorded = notebook.metadata.get("course", {}).get("build_hash")
    return recorded is None or recorded != content_hash(notebook)


def backup_path(path):
    """Returns a free backup name for a notebook: `.backups/NN_name.<YYYYmmdd-HHMMSS>.bak.ipynb` beside it.

    The hidden `.backups/` folder keeps backups out of the way of pytest/nbval and of the hygiene tests.
    """
    path = Path(path)
    folder = path.parent / BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    stamp_text = time.strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{path.stem}.{stamp_text}.bak.ipynb"
    counter = 1
    while candidate.exists():
        candidate = folder / f"{path.stem}.{stamp_text}-{counter}.bak.ipynb"
        counter += 1
    return candidate


def _update(path, text, check, force):
    """Brings one output notebook up to date (or, with `check`, only says whether it is).

    Returns:
        `(status, backup)`: one of the status constants, and the backup written, if any.
    """
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return UP_TO_DATE, None
    edited = path.exists() and was_edited(path)
    if check:
        # An edited notebook is not simply stale: a build would refuse it, so say that instead.
        return (REFUSED if edited and not force else STALE), None
    backup = None
    if edited:
        if not force:
            return REFUSED, None
        backup = backup_path(path)
        shutil.copy2(path, backup)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return WRITTEN, backup


def _lesson_key(lesson):
    """Returns a lesson given on the command line as the build matches it: `"1"` becomes `"01"`."""
    lesson = str(lesson).strip()
    return lesson.zfill(2) if lesson.isdigit() and len(lesson) < 2 else lesson


def source_notebooks(root, lessons=()):
    """Returns the exercise sources under `root`, sorted, optionally only those of some lessons.

    Args:
        root: the repository root.
        lessons: lesson numbers (`"01"`, or `"1"`) or source names to keep (default: all).

    Returns:
        The paths of the sources, sorted.

    Raises:
        BuildError: `root` has no source folder (the command was run from another folder), or a
            lesson given matches no source: building nothing and saying "0 written" would hide it.
    """
    folder = Path(root) / SOURCE_FOLDER
    if not folder.is_dir():
        raise BuildError(
            f"there is no {SOURCE_FOLDER}/ folder in {Path(root).resolve()}: run the command from the "
            "course's repository root, or give it with --root."
        )
    sources = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if lessons:
        keys = [_lesson_key(lesson) for lesson in lessons]
        unknown = [
            lesson
            for lesson, key in zip(lessons, keys, strict=True)
            if not any(key in (path.name[:2], path.stem) for path in sources)
        ]
        if unknown:
            known = ", ".join(path.name[:2] for path in sources) or "none"
            raise BuildError(
                f"no exercise source for {', '.join(map(str, unknown))} in {SOURCE_FOLDER}/ "
                f"(lessons with an exercise: {known})."
            )
        sources = [path for path in sources if path.name[:2] in keys or path.stem in keys]
    return sources


def _orphans(root, sources):
    """Returns built notebooks (exercises, solutions) whose source does not exist."""
    names = {path.name for path in sources}
    orphans = []
    for folder in (EXERCISE_FOLDER, SOLUTION_FOLDER):
        for path in sorted((Path(root) / folder).glob("[0-9][0-9]_*.ipynb")):
            if not path.name.endswith(".bak.ipynb") and path.name not in names:
                orphans.append(path)
    return orphans


def build(root=".", lessons=(), check=False, force=False, out=print):
    """Builds (or checks) the exercise and solution notebooks of every source.

    Args:
        root: the repository root.
        lessons: lesson numbers or source names to limit the build to (default: all).
        check: only report what is out of date; write nothing.
        force: overwrite edited notebooks too, after copying each to a backup.
        out: where progress lines go.

    Returns:
        `{relative path: status}` for every output notebook.

    Raises:
        BuildError: a source cannot be built.
    """
    root = Path(root)
    sources = source_notebooks(root, lessons)
    statuses = {}
    for source_path in sources:
        exercise, solution = build_notebooks(source_path, root)
        for folder, notebook in ((EXERCISE_FOLDER, exercise), (SOLUTION_FOLDER, solution)):
            relative = f"{folder}/{source_path.name}"
            status, backup = _update(root / relative, notebook_text(notebook), check, force)
            statuses[relative] = status
            if status == WRITTEN:
                out(
                    f"built: {relative}"
                    + (
                        f" (your edited copy was saved as {backup.relative_to(root).as_posix()})"
                        if backup
                        else ""
                    )
                )
            elif status == STALE:
                out(
                    f"out of date: {relative} (run `python -m course_lib.authoring.build_exercises`)"
                )
            elif status == REFUSED and check:
                out(
                    f"edited: {relative} was changed since it was built (a learner's work?); a build would leave it as it is.\n"
                    f"  `python -m course_lib.authoring.build_exercises --force {source_path.name[:2]}` replaces it, "
                    f"keeping a copy in {folder}/{BACKUP_FOLDER}/."
                )
            elif status == REFUSED:
                out(
                    f"refused: {relative} was edited since it was built (a learner's work?), so it was left as it is.\n"
                    f"  To replace it anyway, run `python -m course_lib.authoring.build_exercises --force {source_path.name[:2]}`;\n"
                    f"  the edited file is first copied to {folder}/{BACKUP_FOLDER}/{source_path.stem}.<date-time>.bak.ipynb."
                )
    if not lessons:
        for path in _orphans(root, sources):
            relative = path.relative_to(root).as_posix()
            statuses[relative] = ORPHAN
            out(f"no source: {relative} has no {SOURCE_FOLDER}/{path.name} to be built from.")
    return statuses


def main(argv=None):
    """Command line: build every exercise, or with --check only report out-of-date ones."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.authoring.build_exercises",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "lessons", nargs="*", help="lesson numbers (e.g. 01) or source names; default: all"
    )
    parser.add_argument("--root", default=".", help="the repository root (default: current folder)")
    parser.add_argument(
        "--check", action="store_true", help="report out-of-date notebooks, change nothing"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite edited notebooks too, keeping a backup of each",
    )
    args = parser.parse_args(argv)
    if args.check and args.force:
        parser.error("--check changes nothing, so it cannot be combined with --force.")
    try:
        statuses = build(args.root, tuple(args.lessons), check=args.check, force=args.force)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    problems = [path for path, status in statuses.items() if status in (STALE, REFUSED, ORPHAN)]
    if args.check:
        print(
            f"{len(statuses) - len(problems)} notebook(s) up to date, {len(problems)} out of date."
        )
    else:
        written = sum(status == WRITTEN for status in statuses.values())
        current = sum(status == UP_TO_DATE for status in statuses.values())
        print(
            f"{written} notebook(s) written, {current} already up to date, {len(problems)} problem(s)."
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Stamps every course notebook with its "Open in Colab" badge and the standard setup cell.

Both are built from `course_lib.course_info`, so moving the course to another repository or branch
means editing that file and running:

    python -m course_lib.authoring.stamp
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

from course_lib import course_info

NOTEBOOK_FOLDERS = ("notebooks", "exercises", "solutions")
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_PATTERN = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\(([^)]*)\)")
SETUP_MARKER = "# Setup:"


def badge_markdown(notebook_path):
    """Returns the Markdown of the Colab badge for a notebook path relative to the repository root."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({course_info.colab_url(notebook_path)})"


def setup_cell_source():
    """Returns the source of the standard first code cell of every notebook."""
    return (
        f"{SETUP_MARKER} on Colab, install the course library first (Colab already has TensorFlow, Keras and ipywidgets).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install -q "{course_info.pip_requirement()}"\n'
        "\n"
        "import course_lib\n"
        "\n"
        "course_lib.setup()"
    )


def stamp_notebook(notebook, notebook_path):
    """Updates the badge and the setup cell of one notebook in place.

    Args:
        notebook: an `nbformat` notebook.
        notebook_path: its path relative to the repository root (posix form).

    Returns:
        `True` when something changed.
    """
    changed = False
    badge = badge_markdown(notebook_path)
    markdown_cells = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    if not markdown_cells:
        raise ValueError(f"{notebook_path}: no Markdown cell to carry the Colab badge.")
    first = markdown_cells[0]
    if BADGE_PATTERN.search(first.source):
        new_source = BADGE_PATTERN.sub(lambda _: badge, first.source, count=1)
    else:
        lines = first.source.split("\n")
        new_source = "\n".join([lines[0], "", badge, *lines[1:]])
    if new_source != first.source:
        first.source = new_source
        changed = True
    setup_cells = [
        c for c in notebook.cells if c.cell_type == "code" and c.source.startswith(SETUP_MARKER)
    ]
    if not setup_cells:
        raise ValueError(f"{notebook_path}: no setup cell starting with {SETUP_MARKER!r}.")
    if setup_cells[0].source != setup_cell_source():
        setup_cells[0].source = setup_cell_source()
        changed = True
    return changed


def course_notebooks(root):
    """Returns every course notebook under `root`, sorted."""
    root = Path(root)
    return sorted(path for folder in NOTEBOOK_FOLDERS for path in (root / folder).glob("*.ipynb"))


def main(argv=None):
    """Command line: re-stamp every notebook, or with --check only report stale ones."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", default=".", help="the repository root (default: current folder)")
    parser.add_argument(
        "--check", action="store_true", help="report stale notebooks, change nothing"
    )
    args = parser.parse_args(argv)
    root = Path(args.root)
    stale = []
    for path in course_notebooks(root):
        relative = path.relative_to(root).as_posix()
        notebook = nbformat.read(path, as_version=4)
        if stamp_notebook(notebook, relative):
            stale.append(relative)
            if not args.check:
                nbformat.write(notebook, path)
    verb = "stale" if args.check else "re-stamped"
    for relative in stale:
        print(f"{verb}: {relative}")
    print(f"{len(stale)} notebook(s) {verb}.")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())

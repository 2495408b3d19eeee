"""Prepares a data folder for offline classrooms: copies or downloads MNIST and Fashion-MNIST, then verifies them.

Run it where there is internet (or a verified copy), then copy the folder to the classroom machines and point
`COURSE_DATA_DIR` at it:

    python -m course_lib.prepare_data ~/course-data
    python -m course_lib.prepare_data ~/course-data --from /media/usb/data
"""

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

import numpy as np

from course_lib import data


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare_dataset(name, folder, source=None):
    """Puts one verified data set file into `folder`.

    A file already there is verified and kept; a file that does not verify is never overwritten.

    Args:
        name: `"mnist"` or `"fashion_mnist"`.
        folder: the data folder to fill.
        source: a folder holding a copy to take it from; `None` downloads through `keras.datasets`.

    Returns:
        A sentence saying what was done.
    """
    info = data.dataset_info(name)
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / info.file_name
    if target.exists():
        try:
            data.load_dataset(name, data_dir=folder)
        except data.DataFileError as error:
            raise data.DataFileError(
                f"{error} This command never overwrites a file that is already there: delete {target} "
                "(or move it away) and run it again."
            ) from None
        return f"{target}: already there, verified."
    temporary = target.with_name(f".{info.file_name}.partial")
    if source is not None:
        origin = Path(source).expanduser() / info.file_name
        data.load_dataset(name, data_dir=origin.parent)  # verify before copying
        shutil.copyfile(origin, temporary)
        action = f"copied from {origin}"
    else:
        (x_train, y_train), (x_test, y_test) = data.download_dataset(name)
        with open(temporary, "wb") as handle:
            np.savez_compressed(
                handle, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test
            )
        action = "downloaded through keras.datasets"
    temporary.replace(target)
    data.load_dataset(name, data_dir=folder)
    return f"{target}: {action}, verified (sha256 {_sha256(target)})."


def main(argv=None):
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.prepare_data",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("folder", help="the data folder to create or complete")
    parser.add_argument(
        "--from", dest="source", help="a folder holding verified copies to take the files from"
    )
    parser.add_argument(
        "--datasets", nargs="+", default=list(data.DATASETS), help="which data sets (default: all)"
    )
    args = parser.parse_args(argv)
    failed = False
    for name in args.datasets:
        try:
            print(prepare_dataset(name, args.folder, args.source))
        except (data.DataNotFoundError, data.DataFileError, ValueError) as error:
            print(f"{name}: FAILED. {error}", file=sys.stderr)
            failed = True
    if not failed:
        folder = Path(args.folder).expanduser().resolve()
        print(
            f"Done. Copy {folder} to each classroom machine and point COURSE_DATA_DIR at the copy there, "
            f"e.g. export COURSE_DATA_DIR={folder} for the same path. To check a copy (no internet "
            "needed), run this command again with the copy's path."
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

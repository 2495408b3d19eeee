"""Test-wide settings, applied before any notebook kernel starts (kernels inherit this environment).

- Smoke mode is on unless COURSE_SMOKE is already set: the test suite runs every notebook quickly.
- The model cache is a fresh folder for each run, so no test depends on models left by an earlier run.
- Where `../shared/data` exists beside the checkout (CI), it is the data folder unless COURSE_DATA_DIR is set.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("COURSE_SMOKE", "1")
os.environ.setdefault("COURSE_CACHE_DIR", tempfile.mkdtemp(prefix="course-cache-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_shared_data = Path(__file__).resolve().parent.parent / "shared" / "data"
if "COURSE_DATA_DIR" not in os.environ and _shared_data.is_dir():
    os.environ["COURSE_DATA_DIR"] = str(_shared_data)

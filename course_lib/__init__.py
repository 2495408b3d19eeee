"""Synthesis Lab's course library: data, models, training helpers, plots, widgets and grading.

Start every lesson with:

    import course_lib
    course_lib.setup()
"""

import os

# Before TensorFlow is imported anywhere: Keras on TensorFlow, and no C++ log noise in the lessons.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from course_lib.config import is_smoke, pick, set_seed  # noqa: E402
from course_lib.environment import setup  # noqa: E402

__version__ = "0.1.0"

__all__ = ["__version__", "is_smoke", "pick", "set_seed", "setup"]

"""A real-browser test: JupyterLab in headless Chromium runs lesson 11, a slider is dragged, the picture changes.

Needs Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it) and the Playwright package (no browser
download: it drives the system Chromium). Skipped with a message only where Chromium is not installed.
"""

import os
from pathlib import Path

import pytest

from tests.browser_driver import find_chromium, run_notebook_and_drag_slider
from tests.conftest import REPO_ROOT

LESSON = REPO_ROOT / "notebooks" / "11_exploring_latent_spaces.ipynb"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"

pytestmark = pytest.mark.browser


def test_dragging_a_slider_in_jupyterlab_changes_the_decoded_image():
    notebook = Path(os.environ.get("COURSE_BROWSER_NOTEBOOK", LESSON))
    chromium = find_chromium()
    if chromium is None:
        pytest.skip(
            "no Chromium found: install it with `apt-get install chromium` (or set COURSE_CHROMIUM)"
        )
    pytest.importorskip(
        "playwright", reason="the browser test needs `pip install playwright` (in the test extra)"
    )
    ipywidgets = pytest.importorskip("ipywidgets")
    if int(ipywidgets.__version__.split(".")[0]) < 8:
        pytest.skip(
            f"ipywidgets {ipywidgets.__version__}: the course runs JupyterLab 4 with ipywidgets 8 (the [lab] extra); "
            "ipywidgets 7.7 is Colab's, whose own widget frontend this test cannot drive (tests/test_widgets.py "
            "covers 7.7 headless)"
        )
    assert notebook.is_file(), f"{notebook} is missing"
    result = run_notebook_and_drag_slider(notebook, ARTIFACTS, chromium, env={"COURSE_SMOKE": "1"})
    assert not result["tracebacks"], (
        f"the notebook printed errors in JupyterLab: {result['tracebacks']}"
    )
    assert result["before"][:8] == b"\x89PNG\r\n\x1a\n"
    assert result["after"] != result["before"], "the image did not change after dragging the slider"
    assert all(path.is_file() for path in result["screenshots"])

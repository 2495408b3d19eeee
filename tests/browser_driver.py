"""Drives a real JupyterLab in headless Chromium: open a notebook, run it, drag a widget slider, compare pictures.

Used by tests/test_browser.py. The notebook is copied to a scratch folder first, so JupyterLab's autosave never
touches the committed file.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium():
    """Returns the path of a system Chromium (or `COURSE_CHROMIUM`), or `None`."""
    configured = os.environ.get("COURSE_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JupyterLabServer:
    """A JupyterLab server on localhost, serving one scratch folder, stopped on exit."""

    def __init__(self, root_dir, log_path, env=None):
        self.root_dir = Path(root_dir)
        self.port = _free_port()
        self.token = "synthesis-lab-browser-test"
        self.log_path = Path(log_path)
        self.env = dict(os.environ, **(env or {}))
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        command = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser",
            f"--port={self.port}", "--ip=127.0.0.1",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--IdentityProvider.token={self.token}",
            f"--LabApp.workspaces_dir={self.root_dir / '.workspaces'}",
            "--ServerApp.disable_check_xsrf=True",
            "--allow-root",  # CI containers run as root
        ]  # fmt: skip
        self.log = open(self.log_path, "w")  # noqa: SIM115  (closed in __exit__)
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, env=self.env
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early; see {self.log_path}")
            try:
                urllib.request.urlopen(f"{self.base_url}/api/status?token={self.token}", timeout=2)
                return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within 90 s; see {self.log_path}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _wait_until(predicate, timeout, interval=0.5, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


def run_notebook_and_drag_slider(notebook, artifacts_dir, chromium, env=None, run_timeout=420):
    """Opens `notebook` in JupyterLab, runs every cell, drags the first slider and reports the pictures.

    Args:
        notebook: path of the notebook to open (copied, never modified).
        artifacts_dir: folder for screenshots and the server log.
        chromium: path of the Chromium executable.
        env: extra environment for the server and its kernels (e.g. smoke mode).
        run_timeout: seconds allowed for running all cells.

    Returns:
        A dict with the image's PNG screenshots `before` and `after` and the screenshot paths.
    """
    from playwright.sync_api import sync_playwright

    artifacts_dir = Path(artifacts_dir)
    artifacts_dir.mkdir(parents=True, exist_ok=True)
    scratch = artifacts_dir / "lab"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    shutil.copy(notebook, scratch / Path(notebook).name)

    with (
        JupyterLabServer(scratch, artifacts_dir / "jupyterlab.log", env=env) as server,
        sync_playwright() as play,
    ):
        browser = play.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{server.base_url}/lab/tree/{Path(notebook).name}?token={server.token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            # The kernel is ready when the status bar says so; only then "Run All Cells" reaches it.
            page.get_by_text("| Idle").first.wait_for(timeout=120_000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            slider = page.locator(
                ".widget-slider .noUi-handle, .widget-slider .ui-slider-handle"
            ).first
            slider.wait_for(state="visible", timeout=run_timeout * 1000)
            _wait_until(
                lambda: page.locator(".jp-InputPrompt", has_text="[*]").count() == 0,
                run_timeout,
                what="every cell to finish",
            )
            errors = page.locator(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
            )
            tracebacks = [
                text for text in errors.all_inner_texts() if "Traceback" in text or "Error" in text
            ]
            slider.scroll_into_view_if_needed()
            box = slider.locator("xpath=ancestor::div[contains(@class,'widget-slider')][1]")
            image = box.locator("xpath=following::img[1]")
            image.wait_for(state="visible", timeout=30_000)
            page.screenshot(path=str(artifacts_dir / "before.png"), full_page=False)
            before = image.screenshot()
            handle_box = slider.bounding_box()
            x, y = (
                handle_box["x"] + handle_box["width"] / 2,
                handle_box["y"] + handle_box["height"] / 2,
            )
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 80, y, steps=8)
            page.mouse.up()
            after = before
            deadline = time.monotonic() + 20
            while after == before and time.monotonic() < deadline:
                time.sleep(0.3)
                after = image.screenshot()
            page.screenshot(path=str(artifacts_dir / "after.png"), full_page=False)
        except Exception:
            page.screenshot(path=str(artifacts_dir / "failure.png"), full_page=False)
            raise
        finally:
            browser.close()
    return {
        "before": before,
        "after": after,
        "tracebacks": tracebacks,
        "screenshots": [artifacts_dir / "before.png", artifacts_dir / "after.png"],
    }

"""The benchmark scripts: run_all's smoke run (every benchmark's code path), its table, and the tutorial DCGAN.

The benchmarks print numbers; they are not timed tests. CI runs `benchmarks/run_all.py --smoke` once, to prove that
the scripts run end to end and that the table it prints holds numbers. The two benchmarks that execute a whole lesson
notebook (enhancement, synthetic) are left out of that run, which says so (CI executes both notebooks under nbval);
their own code is tested here: the notebook runner on a small notebook, and the names they read from the lessons.
"""

import ast
import builtins
import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO_ROOT, requires_local_data

BENCHMARKS_DIR = REPO_ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS_DIR))

import bench_enhancement  # noqa: E402
import bench_synthetic  # noqa: E402
import bench_vs_tutorial  # noqa: E402
import nbformat  # noqa: E402
import run_all  # noqa: E402

NUMBER = r"[-+]?\d+(?:\.\d+)?"
# Rows each benchmark must report at least (one per model it measures).
MINIMUM_ROWS = {
    "classifier": 2,
    "vae": 2,
    "gan": 3,
    "wgan_gp": 1,
    "enhancement": 4,
    "synthetic": 2,
    "widgets": 3,
    "vs_tutorial": 3,
}
# Benchmarks whose every row trains a model, so their training seconds must be a number.
TRAINED = {"classifier", "vae", "gan", "wgan_gp", "enhancement", "vs_tutorial"}


def parse_table(output):
    """The rows of run_all's table as dicts keyed by its column names."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| benchmark | model |"))
    columns = [cell.strip() for cell in lines[start].strip().strip("|").split("|")]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == len(columns), (
            f"a table row with {len(cells)} cells, not {len(columns)}: {line}"
        )
        rows.append(dict(zip(columns, cells, strict=True)))
    return rows


def number_or_dash(cell):
    """The cell's leading number as a float, or None for "—"; fails on anything else."""
    if cell == "—":
        return None
    match = re.fullmatch(rf"({NUMBER})(?: \([a-z ]+\))?", cell)
    assert match, f"not a number: {cell!r}"
    return float(match.group(1))


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    """One `run_all.py --smoke` in a subprocess, with a fresh course cache; its exit code and output."""
    env = dict(os.environ, COURSE_CACHE_DIR=str(tmp_path_factory.mktemp("cache")), COURSE_SMOKE="1")
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS_DIR / "run_all.py"), "--smoke"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    return result.returncode, result.stdout + result.stderr


@requires_local_data
@pytest.mark.notebook
def test_run_all_smoke_prints_a_row_of_numbers_per_model(smoke_run):
    returncode, output = smoke_run
    assert returncode == 0, f"run_all.py --smoke failed (exit {returncode}):\n{output[-6000:]}"
    for key in (
        "- date:",
        "- machine:",
        "- versions: Python",
        "- load average",
        "smoke run, not meaningful",
    ):
        assert key in output, f"the header lacks {key!r}:\n{output[-3000:]}"
    rows = parse_table(output)
    expected = set(run_all.BENCHMARKS) - set(run_all.SMOKE_SKIPPED)
    counts = {name: sum(row["benchmark"] == name for row in rows) for name in run_all.BENCHMARKS}
    for name in expected:
        assert counts[name] >= MINIMUM_ROWS[name], (
            f"{name}: {counts[name]} rows, expected ≥ {MINIMUM_ROWS[name]}"
        )
    for name, reason in run_all.SMOKE_SKIPPED.items():
        assert f"{name} ({reason})" in output, (
            f"{name} is skipped in smoke runs but the output does not say so"
        )
    for row in rows:
        assert not row["model"].startswith("ERROR"), row
        training = number_or_dash(row["training s"])
        speed = number_or_dash(row["samples/s"])
        if row["benchmark"] in TRAINED:
            assert training is not None and training > 0, row
        if row["benchmark"] != "synthetic":
            assert speed is not None and speed > 0, row
        assert re.search(NUMBER, row["quality"]), f"no quality figure: {row}"
        assert row["result"] == "—", f"a smoke run must not judge targets: {row}"


@requires_local_data
@pytest.mark.notebook
def test_vs_tutorial_smoke_reports_two_fids_and_their_ratio(smoke_run):
    _, output = smoke_run
    match = re.search(
        rf"course ({NUMBER}), tutorial ({NUMBER}), ratio course/tutorial ({NUMBER})", output
    )
    assert match, f"no FID comparison line in the output:\n{output[-3000:]}"
    course, tutorial, ratio = map(float, match.groups())
    assert course > 0 and tutorial > 0 and math.isfinite(course) and math.isfinite(tutorial)
    assert ratio == pytest.approx(course / tutorial, rel=0.02, abs=2e-3)
    for side in ("course", "tutorial", "plain"):
        steps = re.search(rf"^{side}: (\d+) steps of (\d+) in ({NUMBER}) s", output, re.MULTILINE)
        assert steps and int(steps.group(1)) > 0, f"{side}: no training line"
    assert re.search(r"^course: \d+ steps of 64 ", output, re.MULTILINE)
    assert re.search(r"^tutorial: \d+ steps of 256 ", output, re.MULTILINE)
    # The course's side is the cluster-conditioned DCGAN: its k-means seconds count against its budget.
    assert re.search(rf"^course: .*\(k-means ({NUMBER}) s of them\)", output, re.MULTILINE)


def test_write_results_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\n## Lesson 12\n\nkept text\n")
    run_all.write_results("## All benchmarks (run_all)\n\nfirst", path)
    run_all.write_results("## All benchmarks (run_all)\n\nsecond", path)
    text = path.read_text()
    assert text.startswith("# Benchmark results\n\n## Lesson 12\n\nkept text\n")
    assert text.count(run_all.BEGIN_MARKER) == 1 and text.count(run_all.END_MARKER) == 1
    assert "second" in text and "first" not in text
    path.write_text(text + "\n## Added later\n\nalso kept\n")
    run_all.write_results("## All benchmarks (run_all)\n\nthird", path)
    assert path.read_text().endswith(
        "third\n" + run_all.END_MARKER + "\n\n## Added later\n\nalso kept\n"
    )


def test_smoke_runs_refuse_to_write_results():
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS_DIR / "run_all.py"), "--smoke", "--write-results"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "--write-results" in result.stderr


def test_markdown_table_writes_dashes_for_missing_numbers():
    rows = [
        run_all.Row("gan", "DCGAN", 12.34, 5678.9, "generated", "FID 3.21", "—", None),
        run_all.Row(
            "widgets", "explorer", None, None, "", "median update 17.0 ms", "≤ 30 ms", True
        ),
    ]
    table = parse_table(run_all.markdown_table(rows))
    assert [number_or_dash(row["training s"]) for row in table] == [12.3, None]
    assert table[0]["samples/s"] == "5679 (generated)" and table[1]["samples/s"] == "—"
    assert [row["result"] for row in table] == ["—", "pass"]


def test_images_seen_counts_dropped_and_kept_remainders():
    # 1,000 images in batches of 256: 4 steps an epoch, the last with 232 images unless it is dropped.
    assert bench_vs_tutorial.images_seen(4, 1000, 256, drop_remainder=False) == 1000
    assert bench_vs_tutorial.images_seen(6, 1000, 256, drop_remainder=False) == 1000 + 2 * 256
    assert bench_vs_tutorial.images_seen(3, 1000, 256, drop_remainder=True) == 768
    assert bench_vs_tutorial.images_seen(5, 1000, 256, drop_remainder=True) == 768 + 2 * 256


def test_tutorial_dcgan_has_the_tutorials_architecture_and_settings():
    from course_lib.models import tutorial_dcgan

    gan = tutorial_dcgan.build_tutorial_dcgan(seed=0)
    # The tutorial's model.summary() totals.
    assert gan.generator.count_params() == 2_330_944
    assert gan.discriminator.count_params() == 212_865
    assert gan.latent_dim == 100 and gan.ema_generator is None and gan.real_label == 1.0
    kernels = [
        layer.kernel_size
        for layer in gan.generator.layers + gan.discriminator.layers
        if hasattr(layer, "kernel_size")
    ]
    assert kernels == [(5, 5)] * 5
    for optimizer in (gan.generator_optimizer, gan.discriminator_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(1e-4)
        assert float(optimizer.beta_1) == pytest.approx(0.9)
    images = np.asarray(gan.generate(3, seed=0))
    assert images.shape == (3, 28, 28, 1) and np.abs(images).max() <= 1.0


@requires_local_data
def test_wall_clock_budget_stops_within_an_epoch():
    from course_lib import data
    from course_lib.models import dcgan

    (x_train, _), _ = data.load_dataset("mnist")
    images = data.scale_images(
        x_train[:2000], value_range=(-1, 1)
    )  # 31 batches of 64: 3 groups of 10 and 1
    gan = dcgan.build_dcgan(seed=0)
    result = bench_vs_tutorial.train_for(
        "course", gan, images, 64, True, seconds=0.0, seed=0, verbose=False
    )
    # A zero budget ends training after the first call of the compiled step: 10 steps, not a whole epoch.
    assert result["steps"] == dcgan.MNIST_RECIPE["steps_per_execution"]
    assert result["images"] == 640 and result["train_seconds"] > 0


def _names(source, context):
    """Names a piece of Python source reads (`ast.Load`) or binds (`ast.Store`, functions, imports)."""
    # IPython magics (`%pip ...`, `!ls`) become `pass`, keeping their indentation.
    source = "\n".join(
        line[: len(line) - len(line.lstrip())] + "pass"
        if line.lstrip().startswith(("%", "!"))
        else line
        for line in source.splitlines()
    )
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, context):
            found.add(node.id)
        if context is ast.Store:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                found.add(node.name)
            elif isinstance(node, ast.arg):
                found.add(node.arg)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                found.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return found


@pytest.mark.parametrize(
    "module, prelude",
    [(bench_enhancement, bench_enhancement.PRELUDE), (bench_synthetic, "")],
    ids=["enhancement", "synthetic"],
)
def test_notebook_benchmarks_read_only_names_their_lesson_defines(module, prelude):
    # run_all --smoke leaves these two benchmarks out (CI runs their notebooks under nbval): this checks, without
    # running them, that what they read at the end of the lesson still exists there.
    notebook = nbformat.read(module.NOTEBOOK, as_version=4)
    defined = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            defined |= _names(cell.source, ast.Store)
    wanted = (_names(prelude, ast.Load) | _names(module.DUMP, ast.Load)) - _names(
        prelude, ast.Store
    )
    missing = sorted(wanted - defined - set(dir(builtins)) - {"__import__"})
    assert not missing, (
        f"{module.__name__} reads {missing}, which {module.NOTEBOOK.name} no longer defines"
    )


def test_notebook_runner_runs_in_the_chosen_mode_and_reads_the_dump(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SMOKE", "0")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import os\nmode = os.environ['COURSE_SMOKE']\nvalues = [1, 2, 3]"
        )
    ]
    path, executed = tmp_path / "lesson.ipynb", tmp_path / "executed.ipynb"
    nbformat.write(notebook, path)
    report = bench_enhancement.run_notebook(
        path,
        executed,
        timeout=120,
        dump_expression="{'mode': mode, 'total': _total}",
        smoke=True,
        prelude="_total = sum(values)",
    )
    assert report == {"mode": "1", "total": 6}
    assert len(nbformat.read(executed, as_version=4).cells) == 2

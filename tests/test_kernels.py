"""Warm kernels (``cscp_analysis.kernels``): a notebook run in a kernel that ran another before it gets
exactly what a kernel of its own would give it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import psutil
import pytest

from cscp_analysis import pipeline
from cscp_analysis.kernels import KernelPool
from cscp_analysis.run_safety import RunError

# The first notebook leaves behind everything a kernel can carry over: a variable, an open figure, a
# changed chart style, a warning already shown, and execution counts that have moved on.
FIRST = [
    "x = 41\nimport matplotlib.pyplot as plt\nfig = plt.figure()\nimport matplotlib\nmatplotlib.rcParams['lines.linewidth'] = 9",
    "import warnings\ndef warn():\n    warnings.warn('check the returns', UserWarning)\nwarn()",
    "x + 1",
]
# The second looks for each of them; a fresh kernel answers False, 0, the house style, the warning again.
SECOND = [
    "'x' in globals()",
    "import matplotlib.pyplot as plt, matplotlib\nimport cscp_analysis.charts\n"
    "(len(plt.get_fignums()), matplotlib.rcParams['lines.linewidth'] == cscp_analysis.charts._STYLE.get("
    "'lines.linewidth', matplotlib.rcParamsDefault['lines.linewidth']))",
    "import warnings\nwarnings.warn('check the returns', UserWarning)",
    "1 + 1",
]


def _notebook(folder: Path, name: str, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("period = ''")
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {"name": pipeline.KERNEL_NAME, "display_name": "Python (cscp-analysis)",
                                 "language": "python"}
    nbformat.write(nb, folder / f"{name}.ipynb")


def _cells(path: Path) -> list[tuple]:
    """What a reader or a diff sees of an executed notebook: sources, counts and outputs (a warning names
    its kernel's process, which differs between any two kernels)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"]), c.get("execution_count"),
             re.sub(r"ipykernel_[0-9]+", "ipykernel_N", json.dumps(c.get("outputs"), sort_keys=True)))
            for c in nb["cells"] if "injected-parameters" not in c["metadata"].get("tags", [])]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("kernels")
    nbdir = root / "nb"
    nbdir.mkdir()
    _notebook(nbdir, "first", FIRST)
    _notebook(nbdir, "second", SECOND)
    _notebook(nbdir, "dies", ["import os\nos._exit(3)"])
    return root, nbdir


def _run(names, root: Path, nbdir: Path, pool, out: str) -> Path:
    staging = root / out
    kernel = pipeline.ensure_kernel()
    for name in names:
        try:
            pipeline._execute(name, {}, staging, root / "failed", kernel, nbdir, pool)
        except RunError:
            pass
    return staging / "notebooks"


def test_a_notebook_in_a_lent_kernel_is_the_same_as_in_a_kernel_of_its_own(folders):
    root, nbdir = folders
    fresh = _run(["second"], root, nbdir, None, "fresh")
    with KernelPool(pipeline.ensure_kernel(), 1, nbdir) as pool:
        warm = _run(["first", "second"], root, nbdir, pool, "warm")
    assert _cells(warm / "second.ipynb") == _cells(fresh / "second.ipynb")
    outputs = [json.loads(c[3]) for c in _cells(warm / "second.ipynb")]
    assert outputs[1][0]["data"]["text/plain"] == ["False"]  # the first notebook's variable is gone
    assert outputs[2][0]["data"]["text/plain"] == ["(0, True)"]  # its figure closed, the house style back
    assert "check the returns" in "".join(outputs[3][0]["text"])  # a warning the first notebook saw is shown again
    assert [c[2] for c in _cells(warm / "second.ipynb")] == [1, 3, 4, 5, 6]  # 2: the run's parameters


def test_a_kernel_that_died_is_replaced_and_the_pool_leaves_no_kernel_running(folders):
    root, nbdir = folders
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with KernelPool(pipeline.ensure_kernel(), 1, nbdir) as pool:
        out = _run(["dies", "second"], root, nbdir, pool, "after-death")
        assert len({p.pid for p in psutil.Process().children(recursive=True)} - before) >= 1
    assert json.loads(_cells(out / "second.ipynb")[1][3])[0]["data"]["text/plain"] == ["False"]
    left = {p.pid for p in psutil.Process().children(recursive=True) if p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE} - before
    assert not left


def test_no_kernel_becoming_free_is_a_clear_error_not_a_hang(monkeypatch, tmp_path):
    from cscp_analysis import kernels

    monkeypatch.setattr(kernels, "STARTUP_TIMEOUT", 0.05)
    pool = KernelPool(pipeline.ensure_kernel(), 1, tmp_path)  # never started: nothing is ever free
    with pytest.raises(kernels.KernelError, match="no notebook kernel became free"):
        with pool.lend():
            pass

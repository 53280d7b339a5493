"""Wall time of `cscp run` on the demo quarter, against the floor of the same number of empty notebooks.

    .venv/bin/python benchmarks/bench_pipeline.py [--period 2026-27-Q2] [--repeat 1]

The floor executes as many notebooks as the quarter has, each holding only a parameters cell and an
import of the library, through the same papermill + nbconvert path (the same warm kernels, started and
importing the library as in a run, the same two-at-a-time scheduling), so the difference is the time our
analysis itself takes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from cscp_analysis import pipeline  # noqa: E402
from cscp_analysis.kernels import KernelPool  # noqa: E402


def empty_notebooks(folder: Path, names: list[str]) -> None:
    for name in names:
        nb = nbformat.v4.new_notebook()
        p = nbformat.v4.new_code_cell('period = ""\nnotebook = ""')
        p.metadata["tags"] = ["parameters"]
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), p, nbformat.v4.new_code_cell("import cscp_analysis")]
        nb.metadata["kernelspec"] = {"name": pipeline.KERNEL_NAME, "display_name": "Python (cscp-analysis)", "language": "python"}
        nbformat.write(nb, folder / f"{name}.ipynb")


def floor(names: list[tuple[int, str]], jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nbdir, out = tmp / "nb", tmp / "out"
        nbdir.mkdir()
        (out / "notebooks").mkdir(parents=True)
        empty_notebooks(nbdir, [n for _, n in names])
        kernel = pipeline.ensure_kernel()
        t0 = time.perf_counter()
        with KernelPool(kernel, pipeline.kernels_needed(names, jobs), nbdir) as kernels:  # as a run: warm kernels, library imported
            pipeline._run_notebooks(names, {}, out, tmp / "failed", kernel, jobs, None, nbdir, kernels=kernels)
        return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--period", default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    names = pipeline._available(pipeline.QUARTERLY_NOTEBOOKS, pipeline.NOTEBOOK_DIR)
    runs, floors, timings = [], [], []
    for _ in range(a.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            result = pipeline.run_quarter(a.period, out_dir=tmp, jobs=a.jobs, progress=None)
            runs.append(time.perf_counter() - t0)
            timings.append(result.timings)
        floors.append(floor(names, a.jobs))
    print(f"notebooks: {len(names)} ({', '.join(n for _, n in names)}), jobs={a.jobs}")
    print(f"cscp run (demo quarter):            {min(runs):6.1f} s  (best of {a.repeat})")
    print(f"floor, {len(names)} empty notebooks:          {min(floors):6.1f} s")
    print(f"our analysis on top of the floor:   {min(runs) - min(floors):6.1f} s")
    best = timings[runs.index(min(runs))]
    print("each notebook in the best run (seconds, executed and rendered; two at a time): "
          + ", ".join(f"{n} {t:.1f}" for n, t in best.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Wall time of `cscp validate` (the command, in a fresh process) on the demo and on a large extract.

    .venv/bin/python benchmarks/bench_validate.py                    # demo, then 1,000,000 children
    .venv/bin/python benchmarks/bench_validate.py --children 200000  # a smaller synthetic extract
    .venv/bin/python benchmarks/bench_validate.py --keep /tmp/big     # keep (or reuse) the large extract

Each timing is the whole command as an analyst runs it (interpreter start, imports, reading every
return, every validation rule, the report), best of ``--repeat`` runs. The large extract is written
by ``cscp_analysis.synthetic.generate(dir, children=N)``, the same generator as
``cscp demo-data --children N``; its generation time is reported separately. Issue 4's goal: under
10 seconds for 1,000,000 children.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def time_validate(data_dir: Path, period: str, repeat: int) -> tuple[float, int, str]:
    best, rc, last = float("inf"), 0, ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "cscp_analysis.cli", "validate", "--period", period,
                            "--data", str(data_dir)], capture_output=True, text=True)
        best = min(best, time.perf_counter() - t0)
        rc, last = r.returncode, (r.stdout.strip().splitlines() or [""])[-1]
    return best, rc, last


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--period", default="2026-27-Q2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", default=None, help="write the large extract here (reused if already there)")
    ap.add_argument("--skip-large", action="store_true")
    a = ap.parse_args(argv)

    rows = [("demo partnership", *time_validate(ROOT / "data_raw" / "demo", a.period, a.repeat))]
    if not a.skip_large:
        from cscp_analysis.synthetic import generate

        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(a.keep) if a.keep else Path(tmp) / "large"
            label = f"{a.children:,} children"
            if (folder / "csc").exists():
                label = f"extract in {folder}"  # reused: its size is whatever it was written with
                print(f"reusing the extract already in {folder}")
            else:
                t0 = time.perf_counter()
                generate(folder, children=a.children)
                print(f"generated {a.children:,} children into {folder} in {time.perf_counter() - t0:.1f} s")
            rows.append((label, *time_validate(folder, a.period, a.repeat)))
    print(f"\n{'data':<24}{'cscp validate (s)':>18}{'exit':>6}  last line of the report")
    for label, secs, rc, last in rows:
        print(f"{label:<24}{secs:>18.2f}{rc:>6}  {last[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

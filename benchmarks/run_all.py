"""Run every benchmark script in this folder, one after another, and print their reports.

    .venv/bin/python benchmarks/run_all.py            # all of them
    .venv/bin/python benchmarks/run_all.py pipeline   # only those whose name contains 'pipeline'
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(a in s.stem for a in argv)]
    status = 0
    for s in scripts:
        print(f"\n=== {s.name} ===", flush=True)
        status |= subprocess.call([sys.executable, str(s)])
    return status


if __name__ == "__main__":
    sys.exit(main())

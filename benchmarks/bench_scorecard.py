"""Time computing every scorecard indicator: on the demo quarter, then on a 1,000,000-child extract.

    .venv/bin/python benchmarks/bench_scorecard.py                    # demo, then 1,000,000 children
    .venv/bin/python benchmarks/bench_scorecard.py --children 200000  # a smaller synthetic extract
    .venv/bin/python benchmarks/bench_scorecard.py --skip-large       # the demo only

For each data set it reports the time to load and validate the returns (``load_returns``, not part of
the scorecard but what a run pays first), then ``scorecard.compute`` for every indicator of
``config/indicators.yaml``: the first call (which also reads the published benchmark files once) and
the best of ``--repeat`` further calls, the slowest indicators, and the extract's size. The large
extract is generated into a temporary folder with ``cscp_analysis.synthetic.generate(dir,
children=N)`` and deleted afterwards (``--keep DIR`` keeps it in DIR instead).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cscp_analysis import scorecard  # noqa: E402
from cscp_analysis.config import load_partnership  # noqa: E402
from cscp_analysis.returns import load_returns  # noqa: E402


def _rows(returns) -> str:
    t = returns.tables
    keys = ("children", "referrals", "assessments", "section47", "cp_plans", "cla_periods", "missing_episodes")
    return ", ".join(f"{k} {len(t[k]):,}" for k in keys if k in t)


def measure(data_dir: Path, period: str, repeat: int, label: str) -> dict:
    config = load_partnership()
    t0 = time.perf_counter()
    returns = load_returns(data_dir, period, config)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sc = scorecard.compute(returns, period, config)
    first_s = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        sc = scorecard.compute(returns, period, config)
        runs.append(time.perf_counter() - t0)
    slow = sorted(sc, key=lambda r: r.seconds, reverse=True)[:5]
    print(f"\n{label}: {data_dir} ({period})")
    print(f"  extract: {_rows(returns)}")
    print(f"  indicators computed: {len(sc)} ({sum(r.status == 'ok' for r in sc)} published)")
    print(f"  load and validate the returns: {load_s:8.2f} s")
    print(f"  compute every indicator, first call: {first_s:8.2f} s")
    if runs:
        print(f"  compute every indicator, best of {repeat}: {min(runs):8.2f} s (median {statistics.median(runs):.2f} s)")
    print("  slowest indicators (last call): " + "; ".join(f"{r.indicator.id} {r.seconds:.2f} s" for r in slow))
    return {"label": label, "indicators": len(sc), "load": load_s, "first": first_s,
            "best": min(runs) if runs else first_s}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--children", type=int, default=1_000_000, help="children in the large synthetic extract")
    ap.add_argument("--period", default="2026-27-Q2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--keep", default=None, help="generate the large extract into this folder and keep it")
    a = ap.parse_args(argv)
    results = [measure(ROOT / "data_raw" / "demo", a.period, a.repeat, "demo partnership")]
    if not a.skip_large:
        from cscp_analysis.synthetic import generate

        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(a.keep) if a.keep else Path(tmp) / "large"
            t0 = time.perf_counter()
            generate(folder, children=a.children)
            gen_s = time.perf_counter() - t0
            print(f"\ngenerated {a.children:,} children into {folder} in {gen_s:.1f} s")
            results.append(measure(folder, a.period, max(1, a.repeat - 2), f"{a.children:,} children"))
    print("\nsummary")
    print(f"  {'data':<28}{'indicators':>11}{'load (s)':>10}{'first (s)':>11}{'best (s)':>10}")
    for r in results:
        print(f"  {r['label']:<28}{r['indicators']:>11}{r['load']:>10.2f}{r['first']:>11.2f}{r['best']:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

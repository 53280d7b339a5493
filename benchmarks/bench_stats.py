"""Speed of cscp_analysis.stats.proportion and .rate, and agreement with PHStatsMethods.

Run from the repository root:

    .venv/bin/python benchmarks/bench_stats.py            # 100,000 rows against PHStatsMethods, then 1,000,000 rows
    .venv/bin/python benchmarks/bench_stats.py --rows 20000 --big 200000

It installs nothing. PHStatsMethods (PyPI ``phstatsmethods``, the Python port of
PHEindicatormethods) is optional: without it the comparison is skipped with a note on how to
install it. Goals (issue 3): identical numbers (agreement to 1e-9) and at least 100 times faster
than PHStatsMethods; 1,000,000 rows of intervals in under a second on two cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np
import pandas as pd

from cscp_analysis.stats import (
    clustered_proportion,
    fdr_by_family,
    minimum_detectable_ratio,
    proportion,
    proportion_change,
    rate,
    two_proportion_test,
)

CONFIDENCE = [0.95, 0.998]
TOLERANCE = 1e-9


def make_data(rows: int, seed: int = 2024) -> pd.DataFrame:
    """Synthetic counts like a partnership's: denominators 50 to 100,000, some small numerators."""
    rng = np.random.default_rng(seed)
    den = rng.integers(50, 100_000, rows)
    num = np.minimum(rng.poisson(den * rng.uniform(0.0002, 0.2, rows)), den)
    num = np.maximum(num, 1)  # PHStatsMethods' byars_upper refuses a count of 0
    return pd.DataFrame({"num": num, "den": den})


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def max_difference(ours: pd.DataFrame, theirs: pd.DataFrame) -> tuple[float, float]:
    """Largest absolute and relative difference over the value and every interval column."""
    pairs = [("value", "Value")] + [(f"{side}{s}_ci", f"{side}_{s}_ci") for s in ("95", "99_8")
                                    for side in ("lower", "upper")]
    worst_abs = worst_rel = 0.0
    for mine, ref in pairs:
        a = ours[mine].to_numpy(dtype=float)
        b = theirs[ref].to_numpy(dtype=float)
        diff = np.abs(a - b)
        worst_abs = max(worst_abs, float(np.nanmax(diff)))
        worst_rel = max(worst_rel, float(np.nanmax(diff / np.maximum(np.abs(b), 1e-300))))
    return worst_abs, worst_rel


def compare_with_phstatsmethods(df: pd.DataFrame) -> bool:
    try:
        import PHStatsMethods as phs
    except ImportError:
        print("PHStatsMethods is not installed: comparison skipped.")
        print("  To measure it:  .venv/bin/python -m pip install phstatsmethods   (not a project dependency)")
        return True
    print(f"PHStatsMethods {getattr(phs, '__version__', '(version unknown)')} on the same {len(df):,} rows")
    ok = True
    for name, ours_fn, theirs_fn in (
        ("proportion", lambda: proportion(df, "num", "den", confidence=CONFIDENCE),
         lambda: phs.ph_proportion(df, "num", "den", confidence=CONFIDENCE)),
        ("rate", lambda: rate(df, "num", "den", multiplier=100_000, confidence=CONFIDENCE),
         lambda: phs.ph_rate(df, "num", "den", confidence=CONFIDENCE, multiplier=100_000)),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            theirs = theirs_fn()
            t_theirs = time.perf_counter() - start
        t_ours = best_of(ours_fn, 5)
        ours = ours_fn()
        worst_abs, worst_rel = max_difference(ours, theirs)
        agree = worst_rel <= TOLERANCE
        ok &= agree
        print(f"  {name:<10} ours {t_ours * 1000:8.1f} ms   PHStatsMethods {t_theirs:8.2f} s   "
              f"{t_theirs / t_ours:8.0f}x faster   max difference {worst_abs:.2e} (relative {worst_rel:.2e}) "
              f"{'agree' if agree else 'DISAGREE'} to {TOLERANCE:g}")
    return ok


def time_big(rows: int) -> None:
    df = make_data(rows, seed=7)
    print(f"\n{rows:,} rows, 95% and 99.8% intervals (best of 3)")
    for name, fn in (("proportion", lambda: proportion(df, "num", "den", confidence=CONFIDENCE)),
                     ("rate", lambda: rate(df, "num", "den", confidence=CONFIDENCE))):
        t = best_of(fn, 3)
        print(f"  {name:<10} {t:6.3f} s   {'under' if t < 1 else 'OVER'} the 1 s goal")


def time_honest_statistics(rows: int) -> None:
    """The issue-15 functions on ``rows`` comparisons (or answers), best of 3."""
    rng = np.random.default_rng(11)
    n1, n2 = rng.integers(20, 2_000, rows), rng.integers(20, 2_000, rows)
    x1 = rng.binomial(n1, rng.uniform(0.05, 0.95, rows))
    x2 = rng.binomial(n2, rng.uniform(0.05, 0.95, rows))
    waves = pd.DataFrame({"x1": x1, "n1": n1, "x2": x2, "n2": n2})
    a0, n0 = rng.integers(1, 500, rows), rng.integers(1_000, 50_000, rows)
    p_values = pd.DataFrame({"p_value": rng.uniform(0, 1, rows), "family": rng.integers(0, 50, rows)})
    answers = pd.DataFrame({"question": rng.integers(0, 20, rows), "child": rng.integers(0, 50_000, rows),
                            "yes": rng.integers(0, 2, rows), "one": 1})
    print(f"\n{rows:,} rows: tests of change, detectable ratios, false-discovery families (best of 3)")
    for name, fn in (
        ("two_proportion_test", lambda: two_proportion_test(x1, n1, x2, n2)),
        ("proportion_change", lambda: proportion_change(waves, "x1", "n1", "x2", "n2")),
        ("minimum_detectable_ratio", lambda: minimum_detectable_ratio(n1, a0, n0)),
        ("fdr_by_family (50 families)", lambda: fdr_by_family(p_values)),
        ("clustered_proportion (20 questions, 50,000 children)",
         lambda: clustered_proportion(answers, "yes", "one", "child", group_by="question")),
    ):
        t = best_of(fn, 3)
        print(f"  {name:<55} {t:6.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows compared with PHStatsMethods")
    parser.add_argument("--big", type=int, default=1_000_000, help="rows for the timing of our functions alone")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} CPUs visible, {platform.machine()}")
    ok = compare_with_phstatsmethods(make_data(args.rows))
    time_big(args.big)
    time_honest_statistics(args.big)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

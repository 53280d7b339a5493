"""``cscp benchmark``: the benchmark table of any English authority as a CSV, and a summary."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .. import reference as ref
from ..config import PROJECT_ROOT
from .areas import Authority, BenchmarkError
from .lookup import parse_years, resolve_la
from .table import build_benchmark_table

DEFAULT_OUT_DIR = PROJECT_ROOT / "outputs"

def _summary(table: pd.DataFrame, auth: Authority, last: int) -> str:
    rows = []
    for mid, g in table.groupby("measure", sort=False):
        y = g["year"].max()
        g = g[g["year"] == y].set_index("area_type")
        sn = g.loc["sn_median"]
        rows.append(
            (mid, str(y), g.loc["la", "value"] or "-", g.loc["region", "value"] or "-", g.loc["england", "value"] or "-",
             f"{sn['value'] or '-'} ({sn['n_neighbours']})")
        )  # fmt: skip
    head = ("measure", "year", auth.name, auth.region_name, "England", "SN median (n)")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(r):
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    title = f"{auth.name} ({auth.new_code}, {auth.old_code}), {auth.region_name}: latest year up to {last}"
    return "\n".join([title, line(head), *(line(r) for r in rows)])


def run_benchmark(
    la: str | int, year: str | int, out: str | Path | None = None, reference_dir: str | Path | None = None
) -> int:
    """``cscp benchmark``: write the benchmark CSV and print a summary; returns the exit code
    (0 written, 2 for a request we cannot answer, with the reason on stderr)."""
    try:
        auth = resolve_la(la, reference_dir)
        first, last = parse_years(year, reference_dir)
        table = build_benchmark_table(auth.old_code, year, reference_dir)
    except (BenchmarkError, ref.ReferenceDataError) as exc:
        print(f"cscp benchmark: {exc}", file=sys.stderr)
        return 2
    path = Path(out) if out else DEFAULT_OUT_DIR / f"benchmark_{auth.new_code}_{last}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n")
    print(_summary(table, auth, last))
    print(f"\n{len(table)} rows ({first}-{last}) written to {path}")
    return 0


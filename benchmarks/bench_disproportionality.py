"""Every disproportionality table for a record-level extract at England's scale: wall time and peak memory.

    .venv/bin/python benchmarks/bench_disproportionality.py                 # generate 12 million children, then time
    .venv/bin/python benchmarks/bench_disproportionality.py --data DIR      # reuse an extract written by cscp demo-data
    .venv/bin/python benchmarks/bench_disproportionality.py --children 400000 --keep /tmp/demo400k

Without ``--data`` it runs ``cscp demo-data --children N`` once into a temporary folder (the generator
writes records only for children who reach children's social care; England has about 12 million
children and 650,000 referrals a year). Generation is not timed.

The timed part runs in a fresh Python process, so that its peak memory (``ru_maxrss``) is the
analysis's own: read the extract with plain ``pd.read_csv`` (only the columns needed, codes as
categoricals), run ``disproportionality.analyse`` for the period (every window of the trend, every stage,
every characteristic and intersection, the partners' breakdowns, the missing-ethnicity check and the
disclosure masks), publish every table through ``cscp_analysis.disclosure`` and draft the findings. The
goal (issue 6): under 60 seconds and 4 GB on 2 cores.

Measured (2 cores, Python 3.11, pandas 3.1, numpy 2.4; a shared machine, load average about 2.5):

    12,000,000 children: 2,643,487 in the extract, 3,621,830 referrals (642,870 children referred in
    the latest twelve months), 8 windows
    read 10.4 s, analyse 17.0 s, publish + findings 0.2 s: 27.7 s in all; peak memory 1.76 GB
    (generating the extract, not timed: 2 min 5 s, 2.5 GB)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EXTRACT = {  # table -> columns read (everything the analysis uses, nothing else)
    "children": ["child_id", "date_of_birth", "sex", "ethnicity", "disability"],
    "referrals": ["child_id", "referral_date"],
    "assessments": ["child_id", "assessment_start"],
    "section47": ["child_id", "s47_start"],
    "icpc": ["child_id", "icpc_date"],
    "cp_plans": ["child_id", "plan_start"],
    "cla_periods": ["child_id", "cla_start"],
    "missing_episodes": ["child_id", "missing_start"],
}


def _read(data: Path):
    import pandas as pd

    from cscp_analysis.returns.schemas import SCHEMAS

    tables = {}
    for name, cols in EXTRACT.items():
        dates = [c for c in cols if c.endswith(("_date", "_start", "date_of_birth"))]
        # identifiers and codes as plain Python strings (object): faster to read than pandas' string dtype,
        # and categoricals of millions of identifiers are far slower still
        dtype = {c: object for c in cols if c not in dates}
        tables[name] = pd.read_csv(data / SCHEMAS[name].file, usecols=cols, dtype=dtype, engine="c",
                                   parse_dates=dates, date_format="%Y-%m-%d")
    pop = pd.read_csv(data / SCHEMAS["population"].file)
    partner = pd.concat([pd.read_csv(p, dtype={"group": "str"}) for p in sorted(data.glob("20*-Q*/*.csv"))
                         if p.name in ("education.csv", "youth_justice.csv", "police.csv")], ignore_index=True)
    return tables, pop, partner


def timed_run(data: Path, period: str) -> dict:
    """The timed part (run in a child process)."""
    from datetime import date

    t0 = time.perf_counter()
    tables, pop, partner = _read(data)
    t_read = time.perf_counter()
    from cscp_analysis.config import load_partnership
    from cscp_analysis.disproportionality import analyse
    from cscp_analysis.disproportionality import publish as pb
    from cscp_analysis.disproportionality.findings import findings
    from cscp_analysis.periods import parse_period

    cfg = load_partnership()
    res = analyse(tables, pop, period, reference=cfg.reference_group, min_children=cfg.min_children_for_group,
                  missing_warning_pct=cfg.missing_ethnicity_warning_pct, threshold=cfg.suppression_threshold,
                  partner=partner, partner_indicators=cfg.partner_indicators,
                  data_start=parse_period(cfg.first_period).start if cfg.first_period else date(2023, 4, 1))
    t_analyse = time.perf_counter()
    published = {
        "rates": pb.publish_rates(res.latest_rates(), res.threshold),
        "decision_points": pb.publish_decisions(res.latest_decisions(), res.threshold),
        "data_quality": pb.publish_quality(res.data_quality, res.threshold),
        "trend": pb.publish_trend(res.trend_series, res.rates, res.threshold),
        "age_standardised": pb.publish_age_standardised(res.age_standardised, res.latest_rates(), res.threshold),
        "sensitivity": pb.publish_sensitivity(res.sensitivity, res.latest_rates(), res.threshold),
        "partner": pb.publish_partner(res.partner, res.threshold),
    }
    found = findings(res)
    t_end = time.perf_counter()
    audited = audit_sections(res)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "children_in_extract": int(len(tables["children"])),
        "referrals": int(len(tables["referrals"])),
        "referred_latest_twelve_months": int(res.latest_quality().set_index("stage").loc["referral", "children"]),
        "windows": len(res.windows),
        "rows": {k: int(len(v)) for k, v in published.items()},
        "findings": len(found),
        "seconds": {"read": round(t_read - t0, 2), "analyse": round(t_analyse - t_read, 2),
                    "publish_and_findings": round(t_end - t_analyse, 2), "total": round(t_end - t0, 2)},
        "peak_memory_gb": round(rss_kib / 1024**2, 2),
        "audit": audited,
    }


def audit_sections(res) -> dict:
    """The intruder audit of the disproportionality page as the pack publishes it: every section the notebook
    shows (the page and its appendix), their tables with the declarations and true counts they carry, audited
    together (``disclosure_audit.audit_tables``, as the run does). Building the sections (charts are not drawn)
    is timed apart from the audit."""
    from cscp_analysis.disclosure_audit import Source, audit_tables, truth_of
    from cscp_analysis.disproportionality import sections as pages

    t0 = time.perf_counter()
    built = [pages.data_quality(res), pages.who_is_referred(res), pages.who_reaches_each_stage(res),
             pages.who_goes_on(res), pages.who_becomes_looked_after(res), pages.sex_age_and_disability(res),
             pages.is_the_gap_changing(res), pages.partners_returns(res), pages.appendix(res)]
    tables = {t.name: t for sec in built if sec is not None for t in sec.tables if t.audit is not None}
    sources = [Source(t.data, t.audit, t.name) for t in tables.values()]
    t1 = time.perf_counter()
    report = audit_tables(sources, truth=truth_of(sources))
    t2 = time.perf_counter()
    summary = report.summary()
    return {"sections_seconds": round(t1 - t0, 2), "audit_seconds": round(t2 - t1, 2), "tables": summary["tables_audited"],
            "count_cells": summary["count_cells_read"], "suppressed_checked": summary["suppressed_figures_checked"],
            "at_risk": summary["suppressed_figures_at_risk"], "contradictions": summary["contradictions"],
            "false_declarations": summary["false_declarations"], "lp_solves": int(report.stats.get("lp_solves", 0)),
            "failures": report.format(limit=10) if not report.ok else ""}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="an extract written by cscp demo-data (default: generate one)")
    ap.add_argument("--children", type=int, default=12_000_000, help="children to generate (default 12,000,000)")
    ap.add_argument("--seed", type=int, default=20260930)
    ap.add_argument("--period", default="2026-27-Q2")
    ap.add_argument("--keep", help="generate into this folder and keep it (default: a temporary folder)")
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a._child:
        print(json.dumps(timed_run(Path(a._child), a.period)))
        return 0
    tmp = None
    if a.data:
        data = Path(a.data)
    else:
        if a.keep:
            data = Path(a.keep)
        else:
            tmp = tempfile.TemporaryDirectory(prefix="cscp-bench-")
            data = Path(tmp.name) / "extract"
        print(f"generating {a.children:,} children into {data} (not timed) ...", flush=True)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cscp_analysis.cli", "demo-data", "--out", str(data), "--children",
                        str(a.children), "--seed", str(a.seed), "--force"], check=True, cwd=ROOT)
        print(f"  generated in {time.perf_counter() - t:.0f} s", flush=True)
    try:
        env = dict(os.environ, PYTHONHASHSEED="0")
        out = subprocess.run([sys.executable, __file__, "--_child", str(data), "--period", a.period], check=True,
                             capture_output=True, text=True, cwd=ROOT, env=env)
        r = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if tmp is not None:
            tmp.cleanup()
    s = r["seconds"]
    print(f"extract: {r['children_in_extract']:,} children, {r['referrals']:,} referrals; "
          f"{r['referred_latest_twelve_months']:,} children referred in the latest twelve months; {r['windows']} windows")
    print(f"read {s['read']} s, analyse {s['analyse']} s, publish + findings {s['publish_and_findings']} s: "
          f"total {s['total']} s; peak memory {r['peak_memory_gb']} GB ({os.cpu_count()} cores)")
    print(f"published rows: {r['rows']}; findings: {r['findings']}")
    ok = s["total"] < 60 and r["peak_memory_gb"] < 4
    print("goal (under 60 s and 4 GB):", "met" if ok else "NOT met")
    a = r["audit"]
    print(f"intruder audit of the page's {a['tables']} tables: {a['count_cells']:,} count cells, "
          f"{a['suppressed_checked']:,} suppressed figures checked, {a['at_risk']} at risk, {a['contradictions']} "
          f"contradictions, {a['false_declarations']} false declarations; {a['audit_seconds']} s "
          f"({a['lp_solves']} LP solves; building the sections {a['sections_seconds']} s)")
    if a["failures"]:
        print(a["failures"])
    audit_ok = a["audit_seconds"] < 30 and not a["failures"]
    print("audit goal (under 30 s, nothing at risk):", "met" if audit_ok else "NOT met")
    return 0 if ok and audit_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

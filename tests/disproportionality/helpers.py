"""Small hand-made cohorts in the schemas' shape, for tests whose answers are worked out by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

# The latest window in these tests: the rolling twelve months ending 2026-27-Q2, 1 Oct 2025 to 30 Sep 2026.
PERIOD = "2026-27-Q2"
IN = "2026-03-01"  # a day inside the latest window
_counter = itertools.count(1)


def population(cells: dict[tuple[str, str], int], years=(2025, 2026), age: int = 10) -> pd.DataFrame:
    """Population rows: ``{(ethnicity, sex): children}`` all at one age, repeated for each year."""
    rows = [(y, age, s, e, n) for y in years for (e, s), n in cells.items()]
    return pd.DataFrame(rows, columns=["year", "age", "sex", "ethnicity", "population"])


def children(spec: list[tuple[str, str, str]], dob: str = "2015-05-01", disability: str = "N") -> pd.DataFrame:
    """``[(child_id, ethnicity, sex)]`` -> children table."""
    return pd.DataFrame({
        "child_id": [c for c, _, _ in spec],
        "date_of_birth": pd.to_datetime([dob] * len(spec)),
        "sex": [s for _, _, s in spec],
        "ethnicity": [e for _, e, _ in spec],
        "disability": [disability] * len(spec),
    })


def cohort(groups: dict[str, dict[str, int]], sex: str = "M", day: str = IN) -> dict[str, pd.DataFrame]:
    """A cohort where, for each ethnicity code, ``{"referral": r, "assessment": a, "s47": s, ...}`` children
    reach each stage (each stage's children are the first ones of the previous stage's, so each is a subset).
    Returns the tables for ``analyse``."""
    kids, tables = [], {k: [] for k in ("referrals", "assessments", "section47", "icpc", "cp_plans", "cla_periods")}
    cols = {"referrals": "referral_date", "assessments": "assessment_start", "section47": "s47_start",
            "icpc": "icpc_date", "cp_plans": "plan_start", "cla_periods": "cla_start"}
    keys = {"referral": "referrals", "assessment": "assessments", "s47": "section47", "icpc": "icpc",
            "cp_plan": "cp_plans", "cla": "cla_periods"}
    for eth, stages in groups.items():
        n = max(stages.values())
        ids = [f"{eth}{next(_counter):06d}" for _ in range(n)]
        kids += [(i, eth, sex) for i in ids]
        for stage, k in stages.items():
            for i in ids[:k]:
                tables[keys[stage]].append({"child_id": i, cols[keys[stage]]: pd.Timestamp(day)})
    out = {"children": children(kids)}
    for name, rows in tables.items():
        out[name] = pd.DataFrame(rows, columns=["child_id", cols[name]])
    return out


def merge(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for p in parts:
        for k, v in p.items():
            out[k] = pd.concat([out[k], v], ignore_index=True) if k in out else v
    return out


def row(df: pd.DataFrame, **kw) -> pd.Series:
    m = np.ones(len(df), bool)
    for k, v in kw.items():
        m &= (df[k] == v).to_numpy()
    assert m.sum() == 1, f"expected one row for {kw}, found {m.sum()}"
    return df[m].iloc[0]

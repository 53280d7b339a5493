"""Issue 14: the decision-point table must not give away what the rates tables hide, and the reverse.

The case of the issue, rebuilt on the committed demo (the twelve months to September 2026): the sex
split of the 511 children who started a child protection plan was hidden in the rates tables, but the
decision-point table printed 289 boys and 221 girls going on from conference to plan; every plan in the
window followed a conference in it, so "sex not recorded" was pinned to exactly 1 (and Mixed, Other and
ethnicity not known to within two).

The intruder here reads only what is published (the strings of the two tables and the data-quality
table, ``c`` where hidden) and knows how the counts are related:

* at each stage (conference, plan), each characteristic's groups, with ethnicity not known for the
  ethnic groups, add up to the children at the stage; detailed ethnic groups add up to their major
  group; refused plus not obtained is ethnicity not known; each ethnic group by sex (or by age band)
  adds up to at most the ethnic group and at most the sex (or band);
* the children going on from conference to plan (the decision-point table has no intersections),
  likewise add up to one number B (never published)
  with the children of unknown ethnicity who went on (never published), and each group's number going
  on is at most its count at the conference and at most its count with a plan (not by age band: a
  child can have a birthday in between), B at most either stage's total;
* a decision's "children at the previous stage" are the conference counts of the rates table;
* a hidden count (``c``) is at least 1 (zeros are shown); in the stronger variant the intruder also
  knows why it is hidden (the page says so in its charts and readable tables): a count of 1 to 5, or
  6 or more.

For every hidden cell the smallest and largest value consistent with all of that is found by linear
programming (scipy ``linprog``, HiGHS). Protection, from the tables (as τ-ARGUS and sdcTable audit,
Hundepool et al. 2012 §4.2): no hidden cell can be narrowed to within 5 of its true value on either
side, as far as ``c`` allows: L ≤ v − min(5, v − 1) or H ≥ v + 5. Knowing the reasons, that rule
cannot be met everywhere (a total of 1 to 5 with two hidden parts of 1 to 5 is at least 2), so the
stronger variant asks what matters: a count of 1 to 5 keeps at least three possible values, and no
hidden count is worked out exactly.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from cscp_analysis.config import PROJECT_ROOT, load_partnership
from cscp_analysis.disproportionality import analyse
from cscp_analysis.disproportionality import publish as pb
from cscp_analysis.disproportionality.cohorts import stage as stage_of
from cscp_analysis.periods import parse_period
from cscp_analysis.returns.schemas import SCHEMAS

DEMO = PROJECT_ROOT / "data_raw" / "demo"
PERIOD = "2026-27-Q2"
THRESHOLD = 5
PROTECTION = 5
pytestmark = pytest.mark.skipif(not (DEMO / SCHEMAS["children"].file).exists(), reason="demo data not generated")

EXCLUSIVE = ("sex", "ethnicity_major", "ethnicity", "age_band", "disability")  # each splits every child once
FIXED = ("sex", "ethnicity_major", "ethnicity", "disability")  # the same for a child at every stage
MAJOR_OF = {"WBRI": "WBRI", "WIRI": "Other White", "WIRT": "Other White", "WOTH": "Other White",
            "WROM": "Other White", "MWBC": "Mixed", "MWBA": "Mixed", "MWAS": "Mixed", "MOTH": "Mixed",
            "AIND": "Asian", "APKN": "Asian", "ABAN": "Asian", "CHNE": "Asian", "AOTH": "Asian",
            "BCRB": "Black", "BAFR": "Black", "BOTH": "Black", "OOTH": "Other"}


@cache
def _results():
    cfg = load_partnership(PROJECT_ROOT / "config")
    names = ["children", "referrals", "assessments", "section47", "icpc", "cp_plans", "cla_periods", "missing_episodes"]
    tables = {n: pd.read_csv(DEMO / SCHEMAS[n].file) for n in names}
    pop = pd.read_csv(DEMO / SCHEMAS["population"].file)
    return analyse(tables, pop, PERIOD, reference=cfg.reference_group, min_children=cfg.min_children_for_group,
                   threshold=cfg.suppression_threshold, data_start=parse_period(cfg.first_period).start,
                   quarters=1)


class Intruder:
    """Unknowns, what the published tables say about them, and the relations between them (a small LP)."""

    def __init__(self):
        self.names: list[str] = []
        self.truth: dict[str, float] = {}
        self.shown: dict[str, float] = {}
        self.hidden: dict[str, str] = {}  # name -> "c" cells: "primary"/"secondary" as the page would say
        self.eq: list[tuple[dict, float]] = []
        self.le: list[tuple[dict, float]] = []

    def var(self, name: str, truth: float, published: str | None = None) -> str:
        if name not in self.truth:
            self.names.append(name)
            self.truth[name] = float(truth)
        else:
            assert self.truth[name] == float(truth), name  # one quantity, one value, whichever table prints it
        if published is not None:
            if published == "c":
                self.hidden[name] = "primary" if 1 <= truth <= THRESHOLD else "secondary"
            else:
                self.shown[name] = float(published)
                assert self.shown[name] == float(truth), name
        return name

    def total(self, parts: list[str], total: str) -> None:
        self.eq.append(({**{p: 1.0 for p in parts}, total: -1.0}, 0.0))

    def at_most(self, parts: list[str], bound: str) -> None:
        self.le.append(({**{p: 1.0 for p in parts}, bound: -1.0}, 0.0))

    def bounds(self, reasons_known: bool) -> dict[str, tuple[float, float]]:
        idx = {n: i for i, n in enumerate(self.names)}
        lo = np.zeros(len(self.names))
        hi = np.full(len(self.names), np.inf)
        for n, v in self.shown.items():
            lo[idx[n]] = hi[idx[n]] = v
        for n, why in self.hidden.items():
            lo[idx[n]] = 1
            if reasons_known:
                lo[idx[n]], hi[idx[n]] = (1, THRESHOLD) if why == "primary" else (THRESHOLD + 1, np.inf)

        def matrix(rows):
            a = np.zeros((len(rows), len(self.names)))
            for i, (coef, _) in enumerate(rows):
                for n, c in coef.items():
                    a[i, idx[n]] += c
            return a, np.array([b for _, b in rows])

        a_eq, b_eq = matrix(self.eq)
        a_ub, b_ub = matrix(self.le)
        out = {}
        for n in self.hidden:
            c = np.zeros(len(self.names))
            c[idx[n]] = 1
            ends = []
            for sign in (1, -1):
                r = linprog(sign * c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=list(zip(lo, hi, strict=True)),
                            method="highs")
                if r.status == 3:  # unbounded
                    ends.append(np.inf if sign == -1 else -np.inf)
                else:
                    assert r.status == 0, (n, r.message)
                    ends.append(sign * r.fun)
            out[n] = (float(np.ceil(ends[0] - 1e-6)), float(np.floor(ends[1] + 1e-6)))
        return out


def _protected(v: float, low: float, high: float, symbol_low: float, symbol_high: float) -> bool:
    d_lo, d_hi = min(PROTECTION, v - symbol_low), min(PROTECTION, symbol_high - v)
    return low <= v <= high and ((d_lo > 0 and low <= v - d_lo) or (d_hi > 0 and high >= v + d_hi))


def build(rates: pd.DataFrame, decisions: pd.DataFrame, quality: pd.DataFrame, into: str = "cp_plan") -> Intruder:
    """The intruder's model of the decision into stage ``into`` and the two stages it links (the issue's
    case: the conference and the plan)."""
    res_r, res_d, res_q = rates, decisions, quality
    pub_r = pb.publish_rates(res_r, THRESHOLD)
    pub_d = pb.publish_decisions(res_d, THRESHOLD)
    pub_q = pb.publish_quality(res_q, THRESHOLD)
    prev = stage_of(into).previous
    x = Intruder()
    for stage in (prev, into):
        title = stage_of(stage).title
        q = res_q.set_index("stage").loc[stage]
        pq = pub_q.set_index("stage").loc[title]
        t = x.var(f"{stage}:T", q["children"], pq["children"])
        u = x.var(f"{stage}:U", q["refused"] + q["not_obtained"], pq["ethnicity_not_known"])
        refu = x.var(f"{stage}:REFU", q["refused"], pq["ethnicity_refused"])
        nobt = x.var(f"{stage}:NOBT", q["not_obtained"], pq["ethnicity_not_obtained"])
        x.total([refu, nobt], u)
        sel = (res_r["stage"] == stage).to_numpy()
        r, p = res_r[sel], pub_r[sel]
        for c in EXCLUSIVE + ("ethnicity_major_x_sex", "ethnicity_major_x_age_band"):
            rows = (r["characteristic"] == c).to_numpy()
            names = [x.var(f"{stage}:{c}:{g}", n, s) for g, n, s in
                     zip(r.loc[rows, "group"], r.loc[rows, "children"], p.loc[rows, "children"], strict=True)]
            if c in EXCLUSIVE:
                x.total(names + ([u] if c.startswith("ethnicity") else []), t)
        _ethnic_links(x, stage)
    # the decision (conference to plan): numerators, and the previous stage's counts it prints again
    sel = (res_d["stage"] == into).to_numpy()
    d, p = res_d[sel], pub_d[sel]
    big_b = x.var("D:B", d.loc[d["characteristic"] == "sex", "children"].sum())
    du = x.var("D:U", d.loc[d["characteristic"] == "ethnicity_major", "unknown_children"].iloc[0])
    for stage in (prev, into):
        x.at_most([big_b], f"{stage}:T")
        x.at_most([du], f"{stage}:U")
    for c in EXCLUSIVE:  # the decision-point table (sections.decisions) has no intersections
        rows = (d["characteristic"] == c).to_numpy()
        names = []
        for g, n, s, a, sa in zip(d.loc[rows, "group"], d.loc[rows, "children"], p.loc[rows, "children_going_on"],
                                  d.loc[rows, "previous_children"], p.loc[rows, "children_at_previous_stage"],
                                  strict=True):
            b = x.var(f"D:{c}:{g}", n, s)
            x.var(f"{prev}:{c}:{g}", a, sa)
            names.append(b)
            if c in FIXED:
                x.at_most([b], f"{prev}:{c}:{g}")
                x.at_most([b], f"{into}:{c}:{g}")
        if c in EXCLUSIVE:
            x.total(names + ([du] if c.startswith("ethnicity") else []), big_b)
    _ethnic_links(x, "D", grids=False)
    return x


def _ethnic_links(x: Intruder, prefix: str, grids: bool = True) -> None:
    """Detailed groups add up to their major group; ethnicity by sex or age band is at most either margin."""
    majors = {}
    for code, major in MAJOR_OF.items():
        majors.setdefault(major, []).append(f"{prefix}:ethnicity:{code}")
    for major, parts in majors.items():
        x.total(parts, f"{prefix}:ethnicity_major:{major}")
    for grid, axis in (("ethnicity_major_x_sex", "sex"), ("ethnicity_major_x_age_band", "age_band")) if grids else ():
        cells = [n for n in x.names if n.startswith(f"{prefix}:{grid}:")]
        for e in dict.fromkeys(n.split(":")[2].split(" | ")[0] for n in cells):
            x.at_most([n for n in cells if n.split(":")[2].startswith(f"{e} | ")], f"{prefix}:ethnicity_major:{e}")
        for s in dict.fromkeys(n.split(" | ")[1] for n in cells):
            x.at_most([n for n in cells if n.endswith(f" | {s}")], f"{prefix}:{axis}:{s}")


def _check(x: Intruder, reasons_known: bool) -> list[str]:
    failures = []
    for name, (low, high) in x.bounds(reasons_known).items():
        v = x.truth[name]
        why = x.hidden[name]
        if reasons_known:  # a count of 1 to 5 keeps at least three possible values; any other is never exact
            ok = low <= v <= high and high - low >= (2 if why == "primary" else 1)
        else:
            ok = _protected(v, low, high, 1, np.inf)
        if not ok:
            failures.append(f"{name} = {v:g}: the tables allow only {low:g} to {high:g}")
    return failures


@pytest.fixture(scope="module")
def model():
    res = _results()
    return build(res.latest_rates(), res.latest_decisions(), res.latest_quality())


def test_the_issue_case_is_still_there_to_protect(model):
    # the demo still has the issue's numbers: 511 plans, 289 boys and 221 girls going on from conference, one child
    # whose sex is not recorded; the sex split of the plans is hidden
    t = model.truth
    assert t["cp_plan:T"] == 511 and t["D:sex:M"] == 289 and t["D:sex:F"] == 221 and t["cp_plan:sex:U"] == 1
    assert {"cp_plan:sex:M", "cp_plan:sex:F", "cp_plan:sex:U"} <= set(model.hidden)
    assert {"cp_plan:ethnicity_major:Mixed", "cp_plan:ethnicity_major:Other", "cp_plan:U"} <= set(model.hidden)


def test_numerators_are_hidden_with_the_counts_that_bound_them(model):
    # a plan-stage count that is hidden takes its numerator with it (289 boys going on would otherwise say
    # "at least 289 boys with a plan")
    for g in ("M", "F", "U"):
        assert f"D:sex:{g}" in model.hidden
    for g in ("Mixed", "Other"):
        assert f"D:ethnicity_major:{g}" in model.hidden


def test_no_hidden_cell_of_the_plan_stage_or_the_decision_can_be_narrowed_to_within_5(model):
    failures = _check(model, reasons_known=False)
    assert not failures, "\n".join(failures)


def test_knowing_why_each_cell_is_hidden_still_pins_no_count_of_1_to_5(model):
    failures = _check(model, reasons_known=True)
    assert not failures, "\n".join(failures)


def test_the_intruder_finds_the_old_leak():
    # the same model on the masks before issue 14 (numerators: primary suppression only) pins the child whose
    # sex was not recorded to exactly 1: the test can fail
    res = _results()
    d = res.latest_decisions().copy()
    from cscp_analysis import disclosure

    d["suppressed"] = disclosure.primary_suppression(d["children"].to_numpy(float), THRESHOLD)
    x = build(res.latest_rates(), d, res.latest_quality())
    bounds = x.bounds(reasons_known=False)
    assert bounds["cp_plan:sex:U"] == (1.0, 1.0)
    assert bounds["cp_plan:sex:M"] == (289.0, 289.0)
    low, high = bounds["cp_plan:ethnicity_major:Mixed"]
    assert high - low <= 2 and low <= 38 <= high
    assert _check(x, reasons_known=False)


def test_published_tables_keep_the_masks(model):
    # every count of 1 to 5 is hidden
    for name, v in model.truth.items():
        if name in model.shown:
            assert not (1 <= v <= THRESHOLD), name


@pytest.mark.parametrize("into", ["assessment", "s47", "icpc", "cla"])
def test_every_other_decision_of_the_journey_is_protected_too(into):
    res = _results()
    x = build(res.latest_rates(), res.latest_decisions(), res.latest_quality(), into)
    failures = _check(x, reasons_known=False) + _check(x, reasons_known=True)
    assert not failures, "\n".join(failures)

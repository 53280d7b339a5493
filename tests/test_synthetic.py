"""The synthetic demo partnership: reproducible, conforming to the schemas, Coventry-like, with its effects.

Every expected figure is computed here from the written files with plain pandas (never read back from
the generator's own summaries), against bands taken from Coventry's published figures or from the
effects' documented sizes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cscp_analysis.codes import major_group
from cscp_analysis.config import PROJECT_ROOT, load_partnership
from cscp_analysis.periods import period_range, working_days_between
from cscp_analysis.returns.schemas import SCHEMAS
from cscp_analysis.synthetic import generate, main
from cscp_analysis.synthetic.effects import EFFECTS, effect, effects_for, markdown_table

DEMO = PROJECT_ROOT / "data_raw" / "demo"
LAST_DAY = "2026-09-30"
QUARTERS = [str(p) for p in period_range("2023-24-Q1", "2026-27-Q2")]
PERIOD_DIR = re.compile(r"^\d{4}-\d{2}-Q[1-4]$")


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _read(root: Path, rel: str) -> pd.DataFrame:
    return pd.read_csv(root / rel, dtype=str, keep_default_na=False)


def _schema_of(rel: str):
    top, _, name = rel.partition("/")
    if rel == "README.md":
        return None
    if PERIOD_DIR.match(top):
        return SCHEMAS.get(name[:-4], SCHEMAS["partner_return"]) if name in ("commentary.csv", "submissions.csv") \
            else SCHEMAS["partner_return"]
    for s in SCHEMAS.values():
        if s.file == rel:
            return s
    raise AssertionError(f"{rel} matches no schema")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out)
    return out


@pytest.fixture(scope="module")
def demo(fresh) -> Path:
    """The committed demo (the tests below read it; ``test_committed_demo_is_the_generators_output`` ties it to the code)."""
    return DEMO if (DEMO / "README.md").exists() else fresh


@pytest.fixture(scope="module")
def t(demo) -> dict[str, pd.DataFrame]:
    names = ("children", "referrals", "assessments", "section47", "icpc", "cp_plans", "cla_periods", "cla_placements",
             "missing_episodes")
    out = {n: _read(demo, f"csc/{n}.csv") for n in names}
    out["population"] = pd.read_csv(demo / "population/population.csv")
    return out


# --- reproducibility -----------------------------------------------------------------------------

def test_committed_demo_is_the_generators_output(fresh):
    committed, generated = _files(DEMO), _files(fresh)
    assert committed, "data_raw/demo is empty: run `cscp demo-data --out data_raw/demo --force`"
    assert sorted(committed) == sorted(generated), "the committed demo has different files from generate()"
    differ = [f for f in generated if committed[f] != generated[f]]
    assert not differ, f"the committed demo differs from generate() in {differ[:5]} (regenerate it)"


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    short = {"children": 4000, "first": "2026-27-Q1", "last": "2026-27-Q2"}
    generate(a, seed=7, **short)
    generate(b, seed=7, **short)
    generate(c, seed=8, **short)
    assert _files(a) == _files(b)
    fa, fc = _files(a), _files(c)
    assert fa["csc/referrals.csv"] != fc["csc/referrals.csv"]
    assert fa["2026-27-Q2/police.csv"] != fc["2026-27-Q2/police.csv"]


def test_committed_files_are_small_and_plain(demo):
    for p in demo.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert p.stat().st_size < 2_000_000, f"{p} is over 2 MB"
            assert not data.startswith(b"\xef\xbb\xbf"), f"{p} has a byte-order mark"
            assert b"\r" not in data, f"{p} has carriage returns"
            data.decode("utf-8")


# --- schema conformance ---------------------------------------------------------------------------

def test_every_file_follows_its_schema(demo):
    cfg = load_partnership()
    tables: dict[str, list[pd.DataFrame]] = {}
    date_re = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    int_re = re.compile(r"^-?\d+$")
    for rel in _files(demo):
        s = _schema_of(rel)
        if s is None:
            continue
        df = _read(demo, rel)
        assert list(df.columns) == s.column_names, rel
        for col in s.columns:
            v = df[col.name]
            blank = v == ""
            if not col.nullable:
                assert not blank.any(), f"{rel}: {col.name} has blanks"
            v = v[~blank]
            if col.type == "date":
                assert v.str.match(date_re).all(), f"{rel}: {col.name} not ISO"
                pd.to_datetime(v, format="%Y-%m-%d")
            elif col.type == "integer":
                assert v.str.match(int_re).all(), f"{rel}: {col.name} not whole numbers"
                n = v.astype(int)
                assert col.min is None or (n >= col.min).all(), f"{rel}: {col.name} below {col.min}"
                assert col.max is None or (n <= col.max).all(), f"{rel}: {col.name} above {col.max}"
            elif col.type == "code":
                allowed = col.codes if col.codes is not None else cfg.code_list(col.codes_from)
                bad = set(v) - set(allowed)
                assert not bad, f"{rel}: {col.name} has codes {sorted(bad)[:5]}"
            elif col.type == "period":
                assert v.isin(QUARTERS).all(), rel
        for a, b in s.date_order:
            both = (df[a] != "") & (df[b] != "")
            assert (df.loc[both, a] <= df.loc[both, b]).all(), f"{rel}: {a} after {b}"
        if s.key:
            assert not df.duplicated(list(s.key)).any(), f"{rel}: key {s.key} not unique"
            keys = df[list(s.key)]
            if all(s.column(k).type != "integer" for k in s.key):
                ordered = keys.sort_values(list(s.key), kind="stable")
                assert ordered.index.equals(keys.index), f"{rel}: rows not sorted by key"
        tables.setdefault(s.name, []).append(df)
    extract = {n: pd.concat(v, ignore_index=True) for n, v in tables.items()}
    for name, frames in extract.items():
        s = SCHEMAS[name]
        for rel in s.relations:
            child = frames[rel.column]
            parent = set(extract[rel.parent][rel.parent_column])
            present = child[child != ""]
            assert present.isin(parent).all(), f"{name}.{rel.column} -> {rel.parent}.{rel.parent_column} broken"


def test_population_is_sorted_complete_and_coventry_sized(t):
    pop = t["population"]
    assert list(pop.columns) == SCHEMAS["population"].column_names
    assert pop.equals(pop.sort_values(["year", "age", "sex", "ethnicity"]).reset_index(drop=True))
    assert sorted(pop["year"].unique()) == [2022, 2023, 2024, 2025, 2026]
    assert len(pop) == 5 * 18 * 2 * 18
    total = pop.groupby("year")["population"].sum()
    assert 78_000 <= total[2023] <= 82_000
    assert total[2022] < total[2023] < total[2024] <= total[2025] <= total[2026]
    # ethnicity mix (Census 2021 Coventry 10-17: White 55%, Asian 20%, Black 14%, Mixed 7%, Other 5%)
    teen = pop[(pop["year"] == 2023) & (pop["age"] >= 10)]
    share = teen.groupby(major_group(teen["ethnicity"]))["population"].sum() / teen["population"].sum()
    assert share["White"] == pytest.approx(0.551, abs=0.01) and share["Black"] == pytest.approx(0.135, abs=0.01)
    young = pop[(pop["year"] == 2023) & (pop["age"] == 0)]
    assert (young.groupby(major_group(young["ethnicity"]))["population"].sum() / young["population"].sum())["Mixed"] > share["Mixed"]


def test_nothing_after_the_last_period_end(demo):
    # planned dates may lie ahead (an action or a local review due next year); partners' returns for the
    # last quarter arrive after it ends
    planned = {(s.name, c.name) for s in SCHEMAS.values() for c in s.columns if c.planned}
    for rel in _files(demo):
        s = _schema_of(rel)
        if s is None or s.name == "submissions":
            continue
        df = _read(demo, rel)
        for col in s.columns:
            if col.type == "date" and (s.name, col.name) not in planned:
                assert (df[col.name] <= LAST_DAY).all(), f"{rel}: {col.name} after {LAST_DAY}"


def test_extract_internal_consistency(t):
    ref, ass, s47, icpc, plans, cla, pl = (t[n] for n in ("referrals", "assessments", "section47", "icpc", "cp_plans",
                                                          "cla_periods", "cla_placements"))
    r = ref.set_index("referral_id")
    a = ass.join(r[["referral_date", "referral_outcome", "child_id"]].rename(columns={"child_id": "child_id_r"}),
                 on="referral_id")
    assert (a["assessment_start"] >= a["referral_date"]).all()
    assert (a["child_id"] == a["child_id_r"]).all()
    assert (a["referral_outcome"] == "ASSESSMENT").all()
    s = s47.join(ass.set_index("referral_id")[["assessment_authorised", "assessment_outcome"]], on="referral_id")
    assert (s["assessment_outcome"] == "S47").all() and (s["strategy_discussion_date"] >= s["assessment_authorised"]).all()
    i = icpc.join(s47.set_index("s47_id")[["s47_end", "icpc_required", "strategy_discussion_date"]], on="s47_id")
    assert (i["icpc_required"] == "Y").all() and (i["icpc_date"] >= i["s47_end"]).all()
    p = plans[plans["icpc_id"] != ""].join(icpc.set_index("icpc_id")[["icpc_date", "plan_made"]], on="icpc_id")
    assert (p["plan_start"] == p["icpc_date"]).all() and (p["plan_made"] == "Y").all()
    # a child's plans do not overlap; nor do periods of care; placements lie within their period
    for df, a_, b_ in ((plans, "plan_start", "plan_end"), (cla, "cla_start", "cla_end")):
        d = df.sort_values(["child_id", a_])
        nxt = d.groupby("child_id")[a_].shift(-1)
        ended = d[b_].replace("", "9999-12-31")
        assert (nxt.isna() | (nxt >= ended)).all()
    q = pl.join(cla.set_index("cla_id")[["cla_start", "cla_end"]], on="cla_id")
    assert (q["placement_start"] >= q["cla_start"]).all()
    assert ((q["cla_end"] == "") | (q["placement_end"].replace("", "9999") <= q["cla_end"])).all()
    # children: only those in the extract, aged under 18 at every referral
    ch = t["children"].set_index("child_id")
    assert set(ch.index) == set(ref["child_id"])
    dob = pd.to_datetime(ref["child_id"].map(ch["date_of_birth"]))
    age = (pd.to_datetime(ref["referral_date"]) - dob).dt.days / 365.25
    assert (age >= 0).all() and (age < 18).all()
    assert ch.index.str.match(r"^CH\d{7,}$").all()
    # history: referrals and everything after them from 1 April 2022, plus episodes still open then
    old = ref[ref["referral_date"] < "2022-04-01"]
    assert len(old) and ((old["cin_closure_date"] == "") | (old["cin_closure_date"] >= "2022-04-01")).all()
    assert (plans["plan_start"] < "2022-04-01").any() and (cla["cla_start"] < "2022-04-01").any()


# --- calibration against Coventry's published figures (independent computation) ------------------

def _fy(df: pd.DataFrame, col: str, y: int) -> pd.DataFrame:
    return df[(df[col] >= f"{y}-04-01") & (df[col] <= f"{y + 1}-03-31")]


def test_rates_are_those_of_an_english_city(t):
    pop = t["population"].groupby("year")["population"].sum()
    ref, plans, cla = t["referrals"], t["cp_plans"], t["cla_periods"]
    for y in (2023, 2024, 2025):
        def per10k(n, y=y):
            return 1e4 * n / pop[y]

        # Coventry 2022-23 to 2024-25: referrals 556-632, CP starts 58-71, CP at 31 March 48-63,
        # CLA at 31 March 82-93, CLA starts 32-36 per 10,000 (England: about 550, 50, 42, 70, 25)
        assert 450 <= per10k(len(_fy(ref, "referral_date", y))) <= 750
        assert 35 <= per10k(len(_fy(plans, "plan_start", y))) <= 90
        march = f"{y + 1}-03-31"
        on_plan = (plans["plan_start"] <= march) & ((plans["plan_end"] == "") | (plans["plan_end"] > march))
        looked_after = (cla["cla_start"] <= march) & ((cla["cla_end"] == "") | (cla["cla_end"] > march))
        assert 35 <= per10k(on_plan.sum()) <= 80
        assert 65 <= per10k(looked_after.sum()) <= 115
        assert 20 <= per10k(len(_fy(cla, "cla_start", y))) <= 50
    # re-referrals within 12 months (Coventry 18.5-20.9%)
    r = ref.assign(day=pd.to_datetime(ref["referral_date"])).sort_values(["child_id", "day"])
    gap = r.groupby("child_id")["day"].diff().dt.days
    recent = r["referral_date"] >= "2023-04-01"
    assert 14 <= 100 * (gap[recent] <= 365).mean() <= 27
    # second or subsequent plans (Coventry 21-27%)
    p = plans.sort_values(["child_id", "plan_start"])
    later = p.groupby("child_id").cumcount() > 0
    in_window = p["plan_start"] >= "2023-04-01"
    assert 15 <= 100 * later[in_window].mean() <= 35
    # conferences within 15 working days of the strategy discussion (Coventry 82-85%)
    i = t["icpc"].join(t["section47"].set_index("s47_id")["strategy_discussion_date"], on="s47_id")
    wd = working_days_between(i["strategy_discussion_date"].to_numpy(), i["icpc_date"].to_numpy())
    assert 0.75 <= (wd <= 15).mean() <= 0.92
    # disability and unknown sex
    ch = t["children"]
    assert 0.07 <= (ch["disability"] == "Y").mean() <= 0.16
    sex = ref["child_id"].map(ch.set_index("child_id")["sex"])
    assert 0.001 <= (sex == "U").mean() <= 0.012
    # referral sources: police about 30%, schools about 20%
    src = ref["referral_source"].value_counts(normalize=True)
    assert 0.24 <= src["6"] <= 0.35 and 0.13 <= src["2A"] <= 0.24


# --- injected effects -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def journey(t) -> dict[str, pd.DataFrame]:
    """Decision points from 2023-24 with each child's recorded ethnicity."""
    eth = t["children"].set_index("child_id")["ethnicity"]
    ref = t["referrals"][t["referrals"]["referral_date"] >= "2023-04-01"]
    ass = t["assessments"][t["assessments"]["assessment_authorised"] >= "2023-04-01"]
    s47 = t["section47"][(t["section47"]["s47_start"] >= "2023-04-01") & (t["section47"]["icpc_required"] != "")]
    icpc = t["icpc"][t["icpc"]["icpc_date"] >= "2023-04-01"]
    return {
        "referral->assessment": pd.DataFrame({"eth": ref["child_id"].map(eth), "y": ref["referral_outcome"] == "ASSESSMENT"}),
        "assessment->s47": pd.DataFrame({"eth": ass["child_id"].map(eth), "y": ass["assessment_outcome"] == "S47"}),
        "s47->icpc": pd.DataFrame({"eth": s47["child_id"].map(eth), "y": s47["icpc_required"] == "Y"}),
        "icpc->plan": pd.DataFrame({"eth": icpc["child_id"].map(eth), "y": icpc["plan_made"] == "Y"}),
    }


def _ratio(df: pd.DataFrame, groups) -> float:
    known = df[~df["eth"].isin(["NOBT", "REFU"])]
    g = known["eth"].isin(groups)
    return known.loc[g, "y"].mean() / known.loc[~g, "y"].mean()


def test_s47_decision_point_effect(journey):
    e = effect("s47_decision_point")
    assert 1.4 <= _ratio(journey["assessment->s47"], e.groups) <= 2.3


def test_no_ethnicity_effect_at_other_decision_points(journey):
    e = effect("s47_decision_point")
    for stage in ("referral->assessment", "s47->icpc", "icpc->plan"):
        assert 0.8 <= _ratio(journey[stage], e.groups) <= 1.25, stage
    # and no other group differs at the section 47 decision (large groups only; noise bands)
    for g in ("WBRI", "WOTH", "AIND", "BAFR", "APKN", "OOTH"):
        assert 0.8 <= _ratio(journey["assessment->s47"][~journey["assessment->s47"]["eth"].isin(e.groups)], [g]) <= 1.25, g
    # a chi-squared test of independence between ethnic group and each other decision finds nothing
    for stage in ("s47->icpc", "icpc->plan"):
        df = journey[stage]
        df = df[~df["eth"].isin(["NOBT", "REFU"])]
        table = pd.crosstab(major_group(df["eth"]), df["y"])
        assert stats.chi2_contingency(table)[1] > 0.001, stage


def test_referral_under_representation(t):
    e = effect("referral_under_representation")
    pop = t["population"]
    pop = pop[pop["year"].between(2023, 2025)].groupby("ethnicity")["population"].sum()
    eth = t["children"].set_index("child_id")["ethnicity"]
    ref = t["referrals"][(t["referrals"]["referral_date"] >= "2023-04-01") & (t["referrals"]["referral_date"] <= "2026-03-31")]
    n = ref["child_id"].map(eth).value_counts()
    target = n.reindex(list(e.groups)).sum() / pop.reindex(list(e.groups)).sum()
    others = n.drop(list(e.groups) + ["NOBT", "REFU"], errors="ignore").sum() / pop.drop(list(e.groups)).sum()
    assert 0.45 <= target / others <= 0.75
    # other large groups are referred at the common rate
    for g in ("WBRI", "AIND", "BAFR", "WOTH"):
        rest = n.drop([g] + list(e.groups) + ["NOBT", "REFU"], errors="ignore").sum() / pop.drop([g] + list(e.groups)).sum()
        assert 0.85 <= (n[g] / pop[g]) / rest <= 1.2, g


def test_assessment_timeliness_declines_over_the_last_six_quarters(t):
    a = t["assessments"][t["assessments"]["assessment_authorised"] != ""]
    wd = working_days_between(a["assessment_start"].to_numpy(), a["assessment_authorised"].to_numpy())
    q = pd.PeriodIndex(pd.to_datetime(a["assessment_authorised"]), freq="Q-MAR")
    share = pd.Series(wd <= 45, index=a.index).groupby(q.to_numpy()).mean()
    share.index = [f"{p.qyear - 1}-{p.qyear % 100:02d}-Q{p.quarter}" for p in share.index]
    e = effect("assessment_timeliness_decline")
    before = [p for p in QUARTERS if p not in e.periods]
    assert share[before].mean() == pytest.approx(0.90, abs=0.03)
    last6 = share[list(e.periods)]
    assert last6.iloc[-1] <= 0.77 and last6.iloc[-1] >= 0.62
    assert np.polyfit(np.arange(6), last6.to_numpy(), 1)[0] < -0.015  # falls about 4 points a quarter


def test_missing_episodes_special_cause_month(t):
    e = effect("missing_special_cause")
    m = pd.to_datetime(t["missing_episodes"]["missing_start"]).dt.to_period("M").value_counts().sort_index()
    m = m[(m.index >= pd.Period("2023-04", "M")) & (m.index <= pd.Period("2026-09", "M"))]
    mr = m.diff().abs().dropna()
    upl = m.mean() + 2.66 * mr.mean()  # Making Data Count XmR upper process limit
    spike = m[pd.Period(e.periods[0], "M")]
    usual = m.drop(pd.Period(e.periods[0], "M")).mean()
    assert spike > upl
    assert 1.3 <= spike / usual <= 1.9
    assert m.idxmax() == pd.Period(e.periods[0], "M")


def test_missing_ethnicity_mostly_among_children_only_referred(t):
    ch = t["children"].set_index("child_id")
    unknown = ch["ethnicity"].isin(["NOBT", "REFU"])
    assert 0.02 <= unknown.mean() <= 0.045
    assessed = ch.index.isin(t["assessments"]["child_id"])
    deep = ch.index.isin(t["cp_plans"]["child_id"]) | ch.index.isin(t["cla_periods"]["child_id"])
    only_referred = unknown[~assessed & ~deep].mean()
    assert only_referred > 3 * unknown[assessed & ~deep].mean() > 0
    assert unknown[deep].mean() < 0.02


# --- partners' returns -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def returns(demo) -> pd.DataFrame:
    cfg = load_partnership()
    frames = []
    for q in QUARTERS:
        for spec in cfg.returns.values():
            p = demo / q / spec.file
            if p.exists():
                frames.append(_read(demo, f"{q}/{spec.file}"))
    df = pd.concat(frames, ignore_index=True)
    df["num"] = df["numerator"].astype(int)
    df["den"] = pd.to_numeric(df["denominator"].replace("", np.nan))
    return df


def test_partner_returns_are_complete_and_add_up(demo, returns):
    cfg = load_partnership()
    missing = effect("return_missing")
    for q in QUARTERS:
        for agency, spec in cfg.returns.items():
            absent = q in missing.periods and agency in missing.groups
            assert (demo / q / spec.file).exists() != absent, (q, spec.file)
            if absent:
                continue
            got = returns[(returns["period"] == q) & (returns["agency"] == agency)]
            for ind, ispec in spec.indicators.items():
                rows = got[got["indicator"] == ind]
                total = rows[rows["breakdown"] == "total"]
                assert len(total) == 1 and total["group"].iloc[0] == "all", (q, ind)
                assert set(rows["breakdown"]) == {"total", *ispec.get("breakdowns", [])}, (q, ind)
                for b in ispec.get("breakdowns", []):
                    part = rows[rows["breakdown"] == b]
                    assert part["num"].sum() == total["num"].iloc[0], (q, ind, b)
                    if ispec["type"] != "count":
                        assert part["den"].sum() == total["den"].iloc[0], (q, ind, b)
                if ispec["type"] == "count":
                    assert rows["den"].isna().all(), (q, ind)
                else:
                    assert rows["den"].notna().all() and (rows["num"] <= rows["den"]).all(), (q, ind)


def test_partner_returns_agree_with_the_extract_and_registers(t, returns, demo):
    s47 = t["section47"]
    lado = _read(demo, "assurance/lado.csv")
    for q in period_range(QUARTERS[0], QUARTERS[-1]):
        lo, hi = str(q.start), str(q.end)
        att = returns[(returns["period"] == str(q)) & (returns["indicator"] == "POL_STRATEGY_ATTEND")]
        strategy = ((s47["strategy_discussion_date"] >= lo) & (s47["strategy_discussion_date"] <= hi)).sum()
        assert att["den"].iloc[0] == strategy
        got = returns[(returns["period"] == str(q)) & (returns["indicator"] == "LADO_ALLEGATIONS")]["num"].iloc[0]
        assert got == ((lado["date_received"] >= lo) & (lado["date_received"] <= hi)).sum()


def test_partner_effects(returns, t):
    tot = returns[returns["breakdown"] == "total"]
    susp = tot[tot["indicator"] == "EDU_SUSPENSIONS"].sort_values("period")
    rate = (susp["num"] / susp["den"]).to_numpy()
    assert rate[-1] > 1.3 * rate[0] and stats.spearmanr(np.arange(len(rate)), rate)[0] > 0.8
    eth = returns[returns["breakdown"] == "ethnicity"]
    ex = eth[eth["indicator"] == "EDU_PERM_EXCL"].groupby("group")[["num", "den"]].sum()
    black = ex.loc["Black", "num"] / ex.loc["Black", "den"]
    rest = ex.drop(["Black", "Unknown"])
    assert 1.6 <= black / (rest["num"].sum() / rest["den"].sum()) <= 4.0
    fte = eth[eth["indicator"] == "YJS_FTE"].groupby("group")["num"].sum()
    pop = t["population"][(t["population"]["age"] >= 10) & (t["population"]["year"] == 2024)]
    kids = pop.groupby(major_group(pop["ethnicity"]))["population"].sum()
    ratio = (fte["Black"] / kids["Black"]) / (fte.drop(["Black", "Unknown"]).sum() / kids.drop("Black").sum())
    assert 1.5 <= ratio <= 4.5


def test_submissions_and_commentary_effects(demo):
    last = QUARTERS[-1]
    subs = pd.concat([_read(demo, f"{q}/submissions.csv") for q in QUARTERS])
    missing, late, silent = effect("return_missing"), effect("return_late"), effect("commentary_missing")
    blank = subs[subs["received_date"] == ""]
    assert list(zip(blank["period"], blank["agency"], strict=True)) == [(missing.periods[0], "HEALTH")]
    latest = subs[subs["period"] == last]
    assert (latest["received_date"] != "").all()
    overdue = latest[latest["received_date"] > latest["due_date"]]
    assert list(overdue["agency"]) == list(late.groups)
    earlier = subs[(subs["period"] != last) & (subs["received_date"] != "")]
    assert (earlier["received_date"] <= earlier["due_date"]).all()
    com = _read(demo, f"{last}/commentary.csv")
    assert not ((com["agency"] == "HEALTH") & (com["indicator"] == silent.stage)).any()
    assert ((com["agency"] == "HEALTH") & (com["indicator"] == "")).any()
    prev = _read(demo, f"{QUARTERS[-2]}/commentary.csv")
    assert ((prev["agency"] == "HEALTH") & (prev["indicator"] == silent.stage)).any()
    # commentary states the actual figure
    pol = _read(demo, f"{last}/police.csv")
    n = pol[(pol["indicator"] == "POL_DA_CHILDREN") & (pol["breakdown"] == "total")]["numerator"].iloc[0]
    text = com[(com["agency"] == "POLICE") & (com["indicator"] == "POL_DA_CHILDREN")]["commentary"].iloc[0]
    assert f"{int(n):,}" in text


# --- assurance registers -------------------------------------------------------------------------------

def test_assurance_registers_are_realistic(demo):
    act = _read(demo, "assurance/actions.csv")
    assert 60 <= len(act) <= 120
    open_ = act[act["status"] == "open"]
    assert (open_["completed_date"] == "").all() and (act.loc[act["status"] == "complete", "completed_date"] != "").all()
    assert (open_["due_date"] < LAST_DAY).any(), "some open actions are overdue"
    assert (open_["due_date"] == LAST_DAY).any(), "one open action is due on the last day"
    rv = _read(demo, "assurance/reviews.csv")
    done = rv[rv["rapid_review_date"] != ""]
    wd = working_days_between(done["notification_date"].to_numpy(), done["rapid_review_date"].to_numpy())
    assert (wd <= 15).mean() >= 0.7 and (wd > 15).any()
    lcspr = rv[rv["decision"] == "LCSPR"]
    assert ((lcspr["lcspr_due_date"] != "") & (lcspr["lcspr_due_date"] < LAST_DAY) & (lcspr["lcspr_published_date"] == "")).any()
    years = 3.5
    assert 6 * years <= len(rv) <= 10 * years + 2
    att = _read(demo, "assurance/training_attendance.csv")
    assert 1500 * years <= len(att) <= 2500 * years and 0.06 <= (att["attended"] == "N").mean() <= 0.14
    ev = _read(demo, "assurance/training_evaluation.csv")
    before, after = ev["confidence_before"].astype(int), ev["confidence_after"].astype(int)
    assert after.mean() > before.mean() and stats.wilcoxon(after, before).pvalue < 1e-6
    assert 0.25 <= (ev["changed_practice"] != "").mean() <= 0.5
    lado = _read(demo, "assurance/lado.csv")
    assert 250 * years <= len(lado) <= 350 * years
    deaths = _read(demo, "assurance/child_deaths.csv")
    assert 20 * years <= len(deaths) <= 30 * years
    sa = _read(demo, "assurance/self_assessments.csv")
    s11 = sa[sa["framework"] == "S11"]
    assert sorted(s11["round"].unique()) == ["2023-24", "2025-26"]
    latest = s11[s11["round"] == "2025-26"]
    assert latest.groupby("organisation")["rating"].apply(lambda r: (r == "not_submitted").all()).sum() == 1
    audits = _read(demo, "assurance/audits.csv")
    assert audits["audit_id"].nunique() == len(QUARTERS)
    voice = _read(demo, "assurance/voice_responses.csv")
    per_survey = voice.groupby(voice["response_id"].str[:10])["response_id"].nunique()
    assert len(per_survey) == len(QUARTERS) and per_survey.between(80, 150).all()


# --- the effects registry, README and command ---------------------------------------------------------

def test_effects_registry_is_the_readmes(demo):
    ids = [e.id for e in EFFECTS]
    assert len(ids) == len(set(ids))
    assert markdown_table(EFFECTS) in (demo / "README.md").read_text(encoding="utf-8")
    short = effects_for("2024-25-Q1", "2025-26-Q4")
    assert effect("missing_special_cause", short).periods == ("2025-01",)
    assert effect("assessment_timeliness_decline", short).periods[-1] == "2025-26-Q4"


def test_scales_with_children(tmp_path):
    short = {"seed": 3, "first": "2026-27-Q1", "last": "2026-27-Q2"}
    small = generate(tmp_path / "s", children=10_000, **short)
    large = generate(tmp_path / "l", children=30_000, **short)
    for f in ("csc/referrals.csv", "csc/cp_plans.csv", "csc/cla_periods.csv"):
        assert 2.5 <= large[f] / small[f] <= 3.5, f
    assert large["assurance/audits.csv"] == small["assurance/audits.csv"]  # registers keep their size
    assert small["population/population.csv"] == 2 * 18 * 2 * 18


def test_command_refuses_a_non_empty_folder_without_force(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["--out", str(out), "--children", "3000", "--quiet"]) == 1
    assert "not empty" in capsys.readouterr().err
    (out / "csc").mkdir()
    (out / "csc" / "stale.csv").write_text("old")
    assert main(["--out", str(out), "--children", "3000", "--seed", "5", "--first", "2026-27-Q2", "--force", "--quiet"]) == 0
    assert (out / "keep.txt").read_text() == "mine"
    assert not (out / "csc" / "stale.csv").exists() and (out / "csc" / "referrals.csv").exists()
    assert main(["--out", str(tmp_path / "new"), "--children", "0"]) == 2
    other = tmp_path / "other"
    other.mkdir()
    (other / "README.md").write_text("# Someone else's folder\n")
    assert main(["--out", str(other), "--children", "3000", "--force", "--quiet"]) == 1
    assert (other / "README.md").read_text() == "# Someone else's folder\n"


def test_vectorised_working_days_agree_with_periods():
    from cscp_analysis.periods import add_working_days
    from cscp_analysis.synthetic import _dates as D

    rng = np.random.default_rng(0)
    start = D.day("2019-01-01") + rng.integers(0, 3000, 400)
    n = rng.integers(0, 60, 400)
    got = D.add_working_days(start, n, roll="backward")
    iso = D.iso(start)
    expected = [add_working_days(s, int(k)) for s, k in zip(iso, n, strict=True)]
    assert [str(d) for d in D.iso(got)] == [str(d) for d in expected]
    end = start + rng.integers(0, 200, 400)
    assert (D.working_days_between(start, end) == working_days_between(iso, D.iso(end))).all()
    # Easter 2025: Thursday 17 April + 1 working day is Tuesday 22 April (Good Friday and Easter Monday)
    assert D.iso(D.add_working_days(np.array([D.day("2025-04-17")]), 1))[0] == "2025-04-22"


# --- the registers of the arrangements' other evidence, and the early help return ---------------------------


def test_new_register_effects(demo):
    a = _read(demo, "assurance/qa_visit_actions.csv")
    raised, done = pd.to_datetime(a["raised_date"]), pd.to_datetime(a["completed_date"].replace("", None))
    old = raised <= pd.Timestamp(LAST_DAY) - pd.Timedelta(days=90)
    within = ((done - raised).dt.days <= 90) & old
    share = within[old].groupby(a.loc[old, "agency"]).mean()
    slow = effect("qa_actions_slow").groups[0]
    assert share[slow] < 0.5 and share.drop(slow).min() > 0.6
    s = _read(demo, "assurance/staff_survey.csv")
    s = s[(s["item_id"] == "S1") & (s["response"] != "")]
    agree = s["response"].astype(int).ge(4).groupby([s["survey_date"], s["agency"]]).mean().unstack()
    health = agree["HEALTH"].to_numpy()
    assert health[-1] < health[-2] - 0.2 and abs(agree["EDUCATION"].iloc[-1] - agree["EDUCATION"].iloc[-2]) < 0.1
    c = _read(demo, "assurance/contract_monitoring.csv")
    met = c["rating"].eq("met").groupby(c["service_type"]).mean()
    assert met["supported_accommodation"] < 0.6 and met.drop("supported_accommodation").min() > 0.75
    v = _read(demo, "assurance/voice_reach.csv")
    e = v[(v["characteristic"] == "ethnicity") & (v["group"] != "Not recorded")]
    shares = e["participants"].astype(int).groupby(e["group"]).sum()
    assert 0.08 < shares["Asian"] / shares.sum() < 0.14  # about half the Asian share of children aged 5 to 17 (20%)
    y = _read(demo, "assurance/you_said_we_did.csv")
    wait = (pd.to_datetime(y["response_date"].replace("", None)) - pd.to_datetime(y["raised_date"])).dt.days
    med = wait.groupby(y["voice_of"]).median()
    assert med["families"] > 2 * med["children"] and med["families"] > 2 * med["practitioners"]
    d = _read(demo, "assurance/professional_disagreements.csv")
    recent = d[d["raised_date"] > "2025-09-30"]
    days = working_days_between(recent["raised_date"].to_numpy(),
                                recent["resolved_date"].replace("", LAST_DAY).to_numpy())
    late = pd.Series(days > 20, index=recent.index).groupby(recent["raised_with"]).mean()
    assert late["POLICE"] > 0.4 and late.drop("POLICE").max() < 0.2
    t = _read(demo, "assurance/stag_attendance.csv")
    assert t.loc[t["agency"] == "PROBATION", "meeting_date"].max() < "2025-09-30"


def test_training_needs_and_funding_effects(demo):
    needs = _read(demo, "assurance/training_needs.csv")
    latest = needs[needs["round"] == "2026-27"]
    att = _read(demo, "assurance/training_attendance.csv")
    year = att[(att["session_date"] > "2025-09-30") & (att["attended"] == "Y")]
    ratio = latest["staff_to_train"].astype(int).groupby(latest["course"]).sum() / year.groupby("course").size()
    assert ratio["Child criminal exploitation and county lines"] > 2.0
    assert ratio.drop(["Child criminal exploitation and county lines", ""], errors="ignore").median() < 1.4
    assert (latest["course"] == "").any()  # a topic no course meets
    con = _read(demo, "assurance/funding_contributions.csv")
    spend = _read(demo, "assurance/funding_spend.csv")
    year = effect("funding_deficit").periods[0]
    assert spend.loc[spend["year"] == year, "spent"].astype(int).sum() > \
        con.loc[con["year"] == year, "contribution"].astype(int).sum()
    police = con[con["agency"] == "POLICE"]["contribution"].unique()
    assert len(police) == 1


def test_early_help_return_and_its_step_down_shift(demo):
    rise = effect("early_help_step_down_rise")
    rows = pd.concat([_read(demo, f"{q}/early_help.csv") for q in QUARTERS])
    down = rows[rows["indicator"] == "EH_STEP_DOWN"].set_index("period")["numerator"].astype(int)
    after, before = down[list(rise.periods)], down.drop(list(rise.periods))
    assert after.min() > before.max() and 1.3 < after.mean() / before.mean() < 1.7
    subs = pd.concat([_read(demo, f"{q}/submissions.csv") for q in QUARTERS])
    assert (subs["agency"] == "EARLY_HELP").sum() == len(QUARTERS)

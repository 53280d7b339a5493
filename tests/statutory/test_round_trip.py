"""The demo partnership written in each statutory format and read back: every table round-trips wherever
the format carries the field, and the scorecard from the imported extract equals the canonical one for
every indicator whose fields the format carries (slow: the whole demo, several times).

Records are compared on their natural keys (the child and the record's date, with a running number for
repeats), not on identifiers, because the statutory formats carry none below the child.
"""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.config import PROJECT_ROOT, load_partnership
from cscp_analysis.statutory import (
    import_annex_a,
    import_cin_census,
    import_folder,
    import_ssda903,
    missing_fields,
)
from cscp_analysis.statutory.writers import write_annex_a, write_cin_census, write_ssda903

DEMO = PROJECT_ROOT / "data_raw" / "demo"
PERIOD = "2026-27-Q2"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (DEMO / "csc").is_dir(), reason="demo data not generated")]

NATURAL = {"children": ["child_id"], "referrals": ["child_id", "referral_date"],
           "assessments": ["child_id", "assessment_start"], "section47": ["child_id", "s47_start"],
           "icpc": ["child_id", "icpc_date"], "cp_plans": ["child_id", "plan_start"],
           "cla_periods": ["child_id", "cla_start"], "cla_placements": ["child_id", "placement_start"],
           "missing_episodes": ["child_id", "missing_start"]}
_NFA = {"NFA": "NFA", "EARLY_HELP": "NFA", "INFO_ADVICE": "NFA", "ASSESSMENT": "ASSESSMENT"}


def _read(folder, table):
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def _keyed(df, table, key=None):
    key = key or NATURAL[table]
    df = df.copy()
    df["_n"] = df.groupby(key, sort=False).cumcount()
    return df.set_index(key + ["_n"]).sort_index()


@pytest.fixture(scope="module")
def formats(tmp_path_factory):
    root = tmp_path_factory.mktemp("statutory_demo")
    csc = DEMO / "csc"
    write_cin_census(csc, root / "files" / "cin_census.xml")
    write_ssda903(csc, root / "files")
    write_annex_a(csc, root / "files" / "annex_a.xlsx")
    out = {"cin": root / "cin", "903": root / "903", "annex": root / "annex", "all": root / "all"}
    import_cin_census(root / "files" / "cin_census.xml", out["cin"])
    import_ssda903(sorted((root / "files").glob("SSDA903_*.csv")), out["903"])
    import_annex_a(root / "files" / "annex_a.xlsx", out["annex"])
    import_folder(root / "files", out["all"])
    return out


def _canon(table):
    return _read(DEMO / "csc", table)


def _linked(df, link_col, parent, parent_key_cols, own_table, parent_id):
    """Replace a link column by the natural key of the row it points to."""
    p = parent.set_index(parent_id)[parent_key_cols].astype(str).agg("|".join, axis=1)
    return df[link_col].map(p).fillna("")


def _same(a, b, cols, table):
    a, b = _keyed(a, table), _keyed(b, table)
    assert a.index.equals(b.index), f"{table}: different records ({len(a)} and {len(b)})"
    for c in cols:
        diff = (a[c] != b[c]).to_numpy()
        assert not diff.any(), f"{table}.{c}: {int(diff.sum())} differ, e.g. {a[c][diff].iloc[0]!r} != {b[c][diff].iloc[0]!r}"


def test_cin_census_round_trip(formats):
    x = formats["cin"]
    _same(_canon("children"), _read(x, "children"), ["date_of_birth", "sex", "ethnicity", "disability",
                                                     "disability_codes"], "children")
    r0, r1 = _canon("referrals"), _read(x, "referrals")
    r0 = r0.assign(referral_outcome=r0["referral_outcome"].map(_NFA))  # the census cannot tell these apart
    _same(r0, r1, ["referral_source", "primary_need", "referral_outcome", "cin_closure_date"], "referrals")
    a0, a1 = _canon("assessments"), _read(x, "assessments")
    a0["ref"] = _linked(a0, "referral_id", r0, ["child_id", "referral_date"], "assessments", "referral_id")
    a1["ref"] = _linked(a1, "referral_id", r1, ["child_id", "referral_date"], "assessments", "referral_id")
    _same(a0, a1, ["assessment_authorised", "factors", "ref"], "assessments")
    s0, s1 = _canon("section47"), _read(x, "section47")
    i0 = _canon("icpc")
    s0["ref"] = _linked(s0, "referral_id", r0, ["child_id", "referral_date"], "section47", "referral_id")
    s1["ref"] = _linked(s1, "referral_id", r1, ["child_id", "referral_date"], "section47", "referral_id")
    # a conference still to be held (Y without a conference) cannot be told from an open enquiry
    held = s0["s47_id"].isin(i0["s47_id"])
    s0["icpc_required"] = np.where((s0["icpc_required"] == "Y") & ~held, "", s0["icpc_required"])
    _same(s0, s1, ["ref", "icpc_required"], "section47")
    assert (s1["strategy_discussion_date"] == "").all() and (s1["s47_end"] == "").all()
    i1 = _read(x, "icpc")
    i0["s47"] = _linked(i0, "s47_id", s0, ["child_id", "s47_start"], "icpc", "s47_id")
    i1["s47"] = _linked(i1, "s47_id", s1, ["child_id", "s47_start"], "icpc", "s47_id")
    _same(i0, i1, ["s47", "plan_made"], "icpc")
    p0, p1 = _canon("cp_plans"), _read(x, "cp_plans")
    p0["conf"] = _linked(p0, "icpc_id", i0, ["child_id", "icpc_date"], "cp_plans", "icpc_id")
    p1["conf"] = _linked(p1, "icpc_id", i1, ["child_id", "icpc_date"], "cp_plans", "icpc_id")
    _same(p0, p1, ["plan_end", "category", "conf"], "cp_plans")


def test_ssda903_round_trip(formats):
    x = formats["903"]
    c0 = _canon("children")
    c0 = c0[c0["child_id"].isin(_canon("cla_periods")["child_id"])]
    _same(c0, _read(x, "children"), ["date_of_birth", "sex", "ethnicity", "uasc"], "children")
    l0, l1 = _canon("cla_periods"), _read(x, "cla_periods")
    _same(l0, l1, ["cla_end", "legal_status", "category_of_need"], "cla_periods")
    pl0, pl1 = _canon("cla_placements"), _read(x, "cla_placements")
    pl0["period"] = _linked(pl0, "cla_id", l0, ["child_id", "cla_start"], "cla_placements", "cla_id")
    pl1["period"] = _linked(pl1, "cla_id", l1, ["child_id", "cla_start"], "cla_placements", "cla_id")
    _same(pl0, pl1, ["placement_end", "placement_type", "period"], "cla_placements")
    m0 = _canon("missing_episodes")
    m0 = m0[m0["looked_after"] == "Y"]
    _same(m0, _read(x, "missing_episodes"), ["missing_end", "looked_after"], "missing_episodes")


def test_annex_a_round_trip(formats):
    x = formats["annex"]
    c1 = _read(x, "children")
    _same(_canon("children"), c1, ["date_of_birth", "sex", "ethnicity"], "children")
    r0, r1 = _canon("referrals"), _read(x, "referrals")
    r0 = r0.assign(referral_outcome=r0["referral_outcome"].map(_NFA))
    _same(r0, r1, ["referral_source", "primary_need", "referral_outcome", "cin_closure_date"], "referrals")
    a0, a1 = _canon("assessments"), _read(x, "assessments")
    _same(a0, a1, ["assessment_authorised"], "assessments")
    key = ["child_id", "strategy_discussion_date"]
    s0, s1 = _keyed(_canon("section47"), "section47", key), _keyed(_read(x, "section47"), "section47", key)
    assert s0.index.equals(s1.index) and (s0["icpc_required"] == s1["icpc_required"]).all()
    _same(_canon("icpc"), _read(x, "icpc"), ["plan_made"], "icpc")
    _same(_canon("cp_plans"), _read(x, "cp_plans"), ["plan_end", "category"], "cp_plans")
    _same(_canon("cla_periods"), _read(x, "cla_periods"), ["cla_end", "legal_status", "category_of_need"], "cla_periods")
    gaps = missing_fields(x)
    assert "section47.s47_start" in gaps and "cla_placements.placement_start" in gaps


def test_combined_folder_round_trip(formats):
    x = formats["all"]
    s0, s1 = _canon("section47"), _read(x, "section47")
    _same(s0, s1, ["strategy_discussion_date"], "section47")  # from Annex A List 5, matched to the census
    _same(_canon("cla_placements"), _read(x, "cla_placements"), ["placement_end", "placement_type"], "cla_placements")
    gaps = missing_fields(x)
    assert "section47.strategy_discussion_date" not in gaps and "cla_periods.cla_start" not in gaps
    assert "missing_episodes.rhi_offered" in gaps


# --- the scorecard from each import equals the canonical one where the format carries the fields ----------

CARRIED = {
    "cin": ["CSC-01", "CSC-02", "CSC-03", "CSC-04", "CSC-05", "CSC-07", "CSC-08", "CSC-09", "CSC-10", "CSC-17"],
    "903": ["CSC-11", "CSC-12", "CSC-13"],
    "annex": ["CSC-01", "CSC-02", "CSC-03", "CSC-04", "CSC-06", "CSC-07", "CSC-08", "CSC-09", "CSC-10", "CSC-11", "CSC-12"],
    "all": ["CSC-01", "CSC-02", "CSC-03", "CSC-04", "CSC-05", "CSC-06", "CSC-07", "CSC-08", "CSC-09", "CSC-10", "CSC-11",
            "CSC-12", "CSC-13", "CSC-17"],
}


def _scorecard(data_dir):
    from cscp_analysis.returns import load_returns
    from cscp_analysis.scorecard import compute

    config = load_partnership()
    return compute(load_returns(data_dir, PERIOD, config), PERIOD, config)


@pytest.fixture(scope="module")
def canonical_scorecard():
    return _scorecard(DEMO)


def _data_folder(tmp_path, extract_dir):
    data = tmp_path / "data"
    shutil.copytree(DEMO, data, ignore=shutil.ignore_patterns("csc"))
    (data / "csc").mkdir()
    for p in extract_dir.glob("*.csv"):
        shutil.copy(p, data / "csc" / p.name)
    return data


@pytest.mark.parametrize("fmt", list(CARRIED))
def test_scorecard_equals_the_canonical_demos_where_the_format_carries_the_fields(fmt, formats, canonical_scorecard,
                                                                                   tmp_path):
    sc = _scorecard(_data_folder(tmp_path, formats[fmt]))
    wrong = []
    for iid in CARRIED[fmt]:
        a, b = canonical_scorecard[iid], sc[iid]
        assert not math.isnan(a.current["value"]), iid  # a real number is compared, not two blanks
        qa, qb = a.quarters.set_index("label"), b.quarters.set_index("label")
        for label in qa.index:
            va, vb = qa.loc[label, "value"], qb.loc[label, "value"]
            if not (math.isclose(va, vb, rel_tol=1e-12) or (math.isnan(va) and math.isnan(vb))):
                wrong.append(f"{iid} {label}: {va} != {vb}")
    assert not wrong, "\n".join(wrong[:20])
    if fmt == "cin":  # and the comparison can fail: without Annex A no conference counts as within 15 days
        assert sc["CSC-06"].current["value"] == 0 and canonical_scorecard["CSC-06"].current["value"] > 50


def test_disproportionality_equals_the_canonical_demos_from_the_combined_statutory_files(formats, tmp_path):
    """Rates and decision-point ratios for every stage the sources carry in full (all but missing episodes)."""
    from cscp_analysis.disproportionality import analyse_returns
    from cscp_analysis.returns import load_returns

    config = load_partnership()
    ours = analyse_returns(load_returns(_data_folder(tmp_path, formats["all"]), PERIOD, config), config, PERIOD)
    canon = analyse_returns(load_returns(DEMO, PERIOD, config), config, PERIOD)
    for name in ("rates", "decisions"):
        a, b = getattr(canon, name), getattr(ours, name)
        keep_a = ~a["stage"].astype(str).str.contains("missing")
        keep_b = ~b["stage"].astype(str).str.contains("missing")
        a, b = a[keep_a].reset_index(drop=True), b[keep_b].reset_index(drop=True)
        assert len(a) > 100
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


@pytest.mark.slow
def test_demo_data_writes_the_statutory_files_in_place_of_the_csvs(tmp_path):
    from cscp_analysis.cli import main
    from cscp_analysis.statutory.folder import find_statutory_files

    for run in ("a", "b"):
        assert main(["demo-data", "--out", str(tmp_path / run), "--children", "3000", "--format", "cin-census",
                     "--format", "ssda903", "--format", "annex-a"]) == 0
    csc = tmp_path / "a" / "csc"
    assert not list(csc.glob("referrals.csv"))
    found = find_statutory_files(csc)
    assert [p.name for p in found["cin-census"]] == ["cin_census.xml"] and len(found["ssda903"]) == 4
    assert [p.name for p in found["annex-a"]] == ["annex_a.xlsx"]
    for p in sorted(csc.iterdir()):  # the same demo, the same bytes
        assert p.read_bytes() == (tmp_path / "b" / "csc" / p.name).read_bytes(), p.name

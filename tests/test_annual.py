"""The annual-report figure book (cscp_analysis.annual, notebooks/annual_report.ipynb, cscp annual).

Fast tests build the book for 2025-26 from the demo returns once (about 8 s) and check the numbering, that
every item has its title, alt text, source and data, a handful of numbers against plain pandas on the
demo's raw CSV files, and small-number suppression on hand-made registers. One slow test runs
``pipeline.run_annual`` end to end and verifies the book.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest
from scipy import stats as sps

from cscp_analysis import annual
from cscp_analysis import disclosure as D
from cscp_analysis.assurance import year as assurance_year
from cscp_analysis.periods import FinancialYear
from cscp_analysis.scorecard import year as scorecard_year
from cscp_analysis.sections import Figure

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data_raw" / "demo"
YEAR = "2025-26"
FY_START, FY_END = pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31")

# The book's contents as an author cites them: a change here is a change every author must hear about.
EXPECTED = [
    ("Table 1", "annual_tab01_scorecard_year_on_year"),
    ("Figure 1", "annual_fig01_scorecard_percentages"),
    ("Figure 2", "annual_fig02_scorecard_trend"),
    ("Figure 3", "annual_fig03_disproportionality_rri"),
    ("Figure 4", "annual_fig04_disproportionality_journey"),
    ("Table 2", "annual_tab02_disproportionality_rates"),
    ("Figure 5", "annual_fig05_disproportionality_decisions"),
    ("Table 3", "annual_tab03_disproportionality_decision_points"),
    ("Table 4", "annual_tab04_disproportionality_change"),
    ("Table 5", "annual_tab05_audits_held"),
    ("Figure 6", "annual_fig06_audit_grades"),
    ("Table 6", "annual_tab06_audit_four_grades"),
    ("Table 7", "annual_tab07_rapid_reviews"),
    ("Figure 7", "annual_fig07_rapid_reviews_trend"),
    ("Table 8", "annual_tab08_practice_reviews"),
    ("Table 9", "annual_tab09_review_themes"),
    ("Table 10", "annual_tab10_training_reach"),
    ("Figure 8", "annual_fig08_training_confidence"),
    ("Table 11", "annual_tab11_training_evaluation"),
    ("Table 12", "annual_tab12_training_changed_practice"),
    ("Figure 9", "annual_fig09_voice_year"),
    ("Figure 10", "annual_fig10_voice_by_survey"),
    ("Table 13", "annual_tab13_voice_surveys"),
    ("Table 14", "annual_tab14_voice_themes"),
    ("Figure 11", "annual_fig11_lado_sectors"),
    ("Table 15", "annual_tab15_lado_sector_outcome"),
    ("Table 16", "annual_tab16_lado_timeliness"),
    ("Table 17", "annual_tab17_lado_years"),
    ("Figure 12", "annual_fig12_cdop_category"),
    ("Table 18", "annual_tab18_cdop_reviews"),
    ("Table 19", "annual_tab19_self_assessment_rounds"),
    ("Figure 13", "annual_fig13_s11_by_organisation"),
    ("Table 20", "annual_tab20_actions_by_source"),
    ("Figure 14", "annual_fig14_actions_ageing"),
    ("Table 21", "annual_tab21_qa_visits_by_agency"),
    ("Figure 15", "annual_fig15_qa_actions_closed"),
    ("Table 22", "annual_tab22_qa_actions_by_agency"),
    ("Table 23", "annual_tab23_stag_attendance"),
    ("Table 24", "annual_tab24_stag_issues"),
    ("Figure 16", "annual_fig16_staff_survey"),
    ("Table 25", "annual_tab25_staff_survey_change"),
    ("Table 26", "annual_tab26_staff_survey_agreement"),
    ("Figure 17", "annual_fig17_training_needs_chart"),
    ("Table 27", "annual_tab27_training_needs_by_topic"),
    ("Figure 18", "annual_fig18_contracts_chart"),
    ("Table 28", "annual_tab28_contracts_by_service"),
    ("Figure 19", "annual_fig19_voice_reach_chart"),
    ("Table 29", "annual_tab29_voice_reach_table"),
    ("Figure 20", "annual_fig20_you_said_chart"),
    ("Table 30", "annual_tab30_you_said_by_voice"),
    ("Table 31", "annual_tab31_you_said_list"),
    ("Figure 21", "annual_fig21_disagreements_chart"),
    ("Table 32", "annual_tab32_disagreements_by_agency"),
    ("Table 33", "annual_tab33_funding_contributions"),
    ("Table 34", "annual_tab34_funding_spend"),
    ("Figure 22", "annual_fig22_funding_chart"),
]


@pytest.fixture(scope="module")
def book():
    from cscp_analysis import returns as R
    from cscp_analysis.config import load_partnership

    config = load_partnership()
    b = annual.Book(R.load_returns(DEMO, "2025-26-Q4", config), YEAR, config)
    b.chapters()
    return b


def _item(book, key):
    return book.item(key)


def _raw(path: str, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.read_csv(DEMO / path, dtype=str, keep_default_na=False, parse_dates=list(dates))


def _in_year(s: pd.Series) -> pd.Series:
    d = pd.to_datetime(s.replace("", None))
    return (d >= FY_START) & (d <= FY_END)


# --- numbering ---------------------------------------------------------------------------------------


def test_numbering_is_sequential_and_stable():
    n = annual.numbering()
    assert [(x.number, x.name) for x in n] == EXPECTED
    for kind, word in (("figure", "Figure"), ("table", "Table")):
        numbers = [int(x.number.split()[1]) for x in n if x.entry.kind == kind]
        assert numbers == list(range(1, len(numbers) + 1))
        assert all(x.number.startswith(word) for x in n if x.entry.kind == kind)
    for x in n:
        short = "fig" if x.entry.kind == "figure" else "tab"
        assert x.name == f"annual_{short}{int(x.number.split()[1]):02d}_{x.entry.key}"
    assert [(x.number, x.name) for x in annual.numbering()] == EXPECTED  # same on every call


def test_a_new_item_renumbers_only_the_items_after_it():
    new = annual.Entry("audits", "figure", "audit_lines", "Gradings by line of enquiry, {year}", "professional")
    before = annual.numbering()
    at = 10  # after Table 5 (audits held)
    after = annual.numbering(annual.CONTENTS[:at] + (new,) + annual.CONTENTS[at:])
    figures_before = [x.name for x in before if x.entry.kind == "figure"]
    figures_after = [x.name for x in after if x.entry.kind == "figure"]
    assert figures_after[:5] == figures_before[:5]
    assert figures_after[5] == "annual_fig06_audit_lines"
    assert figures_after[6] == "annual_fig07_audit_grades"
    assert [x.name for x in after if x.entry.kind == "table"] == [x.name for x in before if x.entry.kind == "table"]


def test_numbering_refuses_a_repeated_key_or_an_unknown_kind():
    with pytest.raises(ValueError, match="more than once"):
        annual.numbering(annual.CONTENTS + (annual.CONTENTS[0],))
    with pytest.raises(ValueError, match="kind"):
        annual.numbering((annual.Entry("cdop", "chart", "x", "X", "professional"),))


def test_contents_table_lists_every_item_with_its_files():
    t = annual.contents_table(YEAR)
    assert list(zip(t["number"], t["name"], strict=True)) == EXPECTED
    assert t["title"].str.contains("2025-26|31 March 2026|year on year").all()
    assert not t["title"].str.contains("{", regex=False).any()
    fig = t[t["number"] == "Figure 1"].iloc[0]
    assert fig["files"] == ("figures/annual_fig01_scorecard_percentages.svg; figures/annual_fig01_scorecard_percentages"
                            ".png; tables/annual_fig01_scorecard_percentages_data.csv")


# --- every item ----------------------------------------------------------------------------------------


def test_every_item_has_its_number_title_alt_text_source_and_data(book):
    items = book.items()
    assert [(it.number, it.name) for it in items] == EXPECTED
    for it in items:
        assert not it.unavailable, f"{it.number} {it.name}: {it.unavailable}"
        assert it.title and "{" not in it.title
        text = it.alt if isinstance(it, Figure) else it.summary
        assert len(text) >= 40 and "{" not in text, it.name
        assert "twelve months to" not in text, it.name  # the year in the book's words
        data = it.data
        assert isinstance(data, pd.DataFrame) and len(data), it.name
        assert it.lens in ("independent", "provider", "professional", "citizen")
        if isinstance(it, Figure):
            assert callable(it.draw)
        else:
            assert set(it.display) <= set(it.data.columns), it.name
    for ch in book.chapters():
        assert ch.findings, ch.name
        assert ch.source, ch.name


def test_the_year_and_the_previous_year_are_named(book):
    t1 = _item(book, "scorecard_year_on_year")
    assert "2025-26" in t1.title and "2024-25" in t1.title and "31 March 2026" in t1.title
    assert "2024-25" in _item(book, "scorecard_trend").title


def test_a_book_needs_the_returns_as_at_the_years_fourth_quarter():
    returns = SimpleNamespace(period="2025-26-Q3", tables={})
    with pytest.raises(ValueError, match="needs them as at 2025-26-Q4"):
        annual.Book(returns, YEAR)
    with pytest.raises(ValueError, match="2025-26-Q4"):
        annual.Book.for_period(None, FinancialYear(2025).quarters()[2], None, YEAR)


def test_a_missing_register_keeps_its_numbers_and_says_why(book):
    tables = {k: v for k, v in book.tables.items() if k != "reviews"}
    returns = SimpleNamespace(period="2025-26-Q4", tables=tables, blocked={})
    ch = annual.Book(returns, YEAR, book.config).chapter("reviews")
    assert [(it.number, bool(it.unavailable)) for it in ch.items()] == [
        ("Table 7", True), ("Figure 7", True), ("Table 8", True), ("Table 9", True)]
    assert all("reviews register was not available" in it.unavailable for it in ch.items())


# --- numbers against plain pandas on the demo's raw files ------------------------------------------------


def test_rapid_reviews_notified_in_the_year(book):
    raw = _raw("assurance/reviews.csv")
    expected = int(_in_year(raw["notification_date"]).sum())  # 12 in the demo
    t = _item(book, "rapid_reviews").data
    shown = t.loc[(t["group"] == "timeliness") & (t["measure"] == "Serious incidents notified"), "reviews"].iloc[0]
    assert shown == str(expected) and expected > 5


def test_referral_rate_for_the_year(book):
    ref = _raw("csc/referrals.csv")
    referrals = int(_in_year(ref["referral_date"]).sum())
    pop = _raw("population/population.csv")
    pop = pop[(pop["year"] == "2025") & pop["age"].astype(int).between(0, 17)]
    children = pop["population"].astype(int).sum()  # mid-2025 estimate: the year's population
    rate = referrals / children * 10_000
    row = _item(book, "scorecard_year_on_year").data.set_index("indicator_id").loc["CSC-01"]
    assert row["value_year"] == f"{rate:.1f}"
    # the previous year from the same file, with the mid-2024 population
    prev_ref = int(((pd.to_datetime(ref["referral_date"]) >= "2024-04-01")
                    & (pd.to_datetime(ref["referral_date"]) <= "2025-03-31")).sum())
    prev_pop = _raw("population/population.csv")
    prev_pop = prev_pop[(prev_pop["year"] == "2024") & prev_pop["age"].astype(int).between(0, 17)]
    prev_rate = prev_ref / prev_pop["population"].astype(int).sum() * 10_000
    assert row["value_previous_year"] == f"{prev_rate:.1f}"
    assert row["change"] == f"{rate - prev_rate:.1f}"
    assert row["direction"] == ("higher" if rate > prev_rate else "lower")  # referrals have no preferred direction


def test_lado_allegations_received_each_year(book):
    raw = _raw("assurance/lado.csv")
    d = pd.to_datetime(raw["date_received"])
    t = _item(book, "lado_years").data.set_index("financial_year")
    for start in (2023, 2024, 2025):
        n = int(((d >= f"{start}-04-01") & (d <= f"{start + 1}-03-31")).sum())
        assert t.loc[f"{start}-{(start + 1) % 100:02d}", "allegations_received"] == str(n)
    assert _item(book, "lado_sector_outcome").data.iloc[-1]["total"] == t.loc[YEAR, "allegations_received"]


def test_training_places_and_wilcoxon_for_the_year(book):
    att = _raw("assurance/training_attendance.csv")
    att = att[_in_year(att["session_date"])]
    reach = _item(book, "training_reach").data.iloc[-1]
    assert reach["booked"] == str(len(att)) and reach["attended"] == str(int((att["attended"] == "Y").sum()))
    ev = _raw("assurance/training_evaluation.csv")
    ev = ev[_in_year(ev["session_date"])]
    b, a = ev["confidence_before"].astype(float), ev["confidence_after"].astype(float)
    d = (a - b)[(a - b) != 0]
    ranks = sps.rankdata(d.abs())
    t_plus, t_minus = ranks[d.to_numpy() > 0].sum(), ranks[d.to_numpy() < 0].sum()
    allrow = _item(book, "training_evaluation").data.iloc[-1]
    assert allrow["course"] == "All" and allrow["pairs"] == str(len(ev))
    assert allrow["rank_biserial"] == f"{(t_plus - t_minus) / (t_plus + t_minus):.2f}"
    assert allrow["statistic"] == f"{min(t_plus, t_minus):.1f}"


def test_audit_gradings_good_or_better_across_the_year(book):
    raw = _raw("assurance/audits.csv")
    raw = raw[_in_year(raw["audit_date"])]
    good = raw["grade"].isin(["outstanding", "good"]).sum()
    t = _item(book, "audit_grades").data.set_index("audit")
    allrow = t.loc["All audits in the year"]
    assert allrow["graded"] == str(len(raw)) and allrow["good_or_better"] == str(good)
    assert allrow["pct_good_or_better"] == f"{100 * good / len(raw):.1f}"
    held = _item(book, "audits_held").data
    assert sorted(held["audit_id"]) == sorted(raw["audit_id"].unique()) and len(held) == 4


def test_voice_answers_for_the_year_add_up_the_four_surveys(book):
    raw = _raw("assurance/voice_responses.csv")
    raw = raw[_in_year(raw["survey_date"]) & (raw["response"] != "")]
    agree = raw[raw["response"].astype(int) >= 4].groupby("item_id").size()
    answered = raw.groupby("item_id").size()
    t = _item(book, "voice_surveys").data
    year = t[t["survey"] == assurance_year.year_label(YEAR)].set_index("item_id")
    assert year["agree"].to_dict() == {k: str(v) for k, v in agree.items()}
    assert year["answered"].to_dict() == {k: str(v) for k, v in answered.items()}
    assert set(t["survey"]) == {"2025-26-Q1", "2025-26-Q2", "2025-26-Q3", "2025-26-Q4", assurance_year.year_label(YEAR)}


def test_cdop_reviews_completed_in_the_year(book):
    raw = _raw("assurance/child_deaths.csv")
    n = int(_in_year(raw["review_date"]).sum())
    t = _item(book, "cdop_reviews").data
    totals = t.loc[t["group"] == "All", "reviews"]
    assert len(totals) == 4 and set(totals) == {str(n)}


# --- disclosure control --------------------------------------------------------------------------------


def test_no_table_shows_a_small_count(book):
    for it in book.items():
        if getattr(it, "counts", ()):
            limit = it.threshold or 5
            D.check_disclosure(it.data, counts=list(it.counts), threshold=limit, derived={})
        for col in ("numerator", "denominator", "children"):
            if col in it.data.columns:
                D.check_disclosure(it.data, counts=[col], threshold=5, derived={})
    cdop = _item(book, "cdop_reviews")
    assert cdop.threshold == 5 and cdop.counts == ("reviews",)


def _voice_rows(counts_by_quarter: dict[str, dict[int, int]]) -> pd.DataFrame:
    """Responses to one statement: {quarter start date: {answer: number of children}}."""
    rows, k = [], 0
    for day, counts in counts_by_quarter.items():
        for answer, n in counts.items():
            for _ in range(n):
                k += 1
                rows.append({"response_id": f"V{k:04d}", "survey_date": pd.Timestamp(day), "setting": "School",
                             "item_id": "Q1", "item": "I feel safe", "response": answer})
    return pd.DataFrame(rows)


def test_voice_small_counts_are_suppressed_with_their_year_total_protected():
    # three children disagreed in the second survey only: that cell, a second cell of its row and a second
    # cell of the 'disagree' column are hidden, so that neither the row nor the year's total gives it away
    resp = _voice_rows({"2025-05-10": {4: 20, 3: 10, 2: 8}, "2025-08-10": {4: 20, 3: 10, 2: 3},
                        "2025-11-10": {4: 20, 3: 10, 2: 8}, "2026-02-10": {4: 20, 3: 10, 2: 9}})
    t = assurance_year.voice_surveys(resp, YEAR, SimpleNamespace(suppression_threshold=5))
    q2 = t[t["survey"] == "2025-26-Q2"].iloc[0]
    assert q2["disagree"] == "c" and q2["pct_disagree"] == "c"
    assert (q2[["neither", "agree", "answered"]] == "c").sum() >= 1
    assert (t["disagree"] == "c").sum() >= 2
    year = t[t["survey"] == assurance_year.year_label(YEAR)].iloc[0]
    assert year["answered"] == str(20 * 4 + 10 * 4 + 8 + 3 + 8 + 9)
    for i in range(len(t)):  # no line with exactly one hidden cell
        assert (t.loc[i, ["answered", "disagree", "neither", "agree"]] == "c").sum() != 1
    for c in ("answered", "disagree", "neither", "agree"):
        assert (t[c] == "c").sum() != 1


def test_audit_grades_of_a_small_audit_are_suppressed():
    def audit(audit_id, day, theme, n, n_weak):
        return [{"audit_id": audit_id, "audit_date": pd.Timestamp(day), "theme": theme, "case_ref": f"{audit_id}-{k % 3}",
                 "agency": "CSC", "line_of_enquiry": f"L{k % 4}", "grade": "inadequate" if k < n_weak else "good"}
                for k in range(n)]

    # the first audit has 3 gradings requiring improvement or inadequate: hidden, with the share; the year's total
    # would give it away, so the next smallest count of that column (the second audit's) goes too, and with it
    # the rest of that audit's row; the third audit is shown in full
    audits = pd.DataFrame(audit("A1", "2025-06-01", "Neglect", 12, 3) + audit("A2", "2025-09-01", "Online harm", 40, 20)
                          + audit("A3", "2025-12-01", "Early help", 50, 30))
    t = assurance_year.audit_grades_by_audit(audits, YEAR, SimpleNamespace(suppression_threshold=5)).set_index("audit")
    a1 = t.loc["Neglect (2025-26-Q1)"]
    assert a1["ri_or_inadequate"] == "c" and a1["good_or_better"] == "c" and a1["pct_good_or_better"] == "c"
    assert a1["graded"] == "12"
    a2 = t.loc["Online harm (2025-26-Q2)"]
    assert a2["ri_or_inadequate"] == "c" and a2["good_or_better"] == "c" and a2["graded"] == "40"
    a3 = t.loc["Early help (2025-26-Q3)"]
    assert (a3["good_or_better"], a3["ri_or_inadequate"], a3["graded"], a3["pct_good_or_better"]) == ("20", "30", "50",
                                                                                                       "40.0")
    total = t.loc["All audits in the year"]
    assert (total["good_or_better"], total["ri_or_inadequate"], total["graded"]) == ("49", "53", "102")
    D.check_disclosure(t.reset_index(), counts=["good_or_better", "ri_or_inadequate", "graded"], threshold=5,
                       derived={"pct_good_or_better": ["good_or_better", "ri_or_inadequate"]})


def test_a_suppressed_year_shows_no_change(book):
    t = _item(book, "scorecard_year_on_year").data
    hidden = t[(t["value_year"] == "c") | (t["value_previous_year"] == "c")]
    assert len(hidden)  # PART-04 in 2024-25 rests on four overdue actions
    assert (hidden["change"] == "c").all() and (hidden["direction"] == "c").all()
    missing = t[(t["value_previous_year"] == "x") & (t["value_year"] != "c")]
    assert (missing["change"] == "x").all()


def test_quarterly_trend_marks_suppressed_quarters(book):
    sc = book.scorecard()
    t = scorecard_year.quarterly_trend(sc, ["PART-04"])  # overdue actions: a handful a quarter in the demo
    assert list(t["quarter"]) == [f"2024-25-Q{q}" for q in (1, 2, 3, 4)] + [f"2025-26-Q{q}" for q in (1, 2, 3, 4)]
    r = sc["PART-04"].quarters.set_index("label")
    for q, v in zip(t["quarter"], t["value"], strict=True):
        small = 1 <= r.loc[q, "numerator"] <= 5 or 1 <= r.loc[q, "denominator"] <= 5
        assert (v == "c") == bool(small), q
    assert "numerator" not in t.columns and "denominator" not in t.columns


# --- the notebook ---------------------------------------------------------------------------------------


def test_notebook_is_committed_clean_with_its_parameters():
    nb = nbformat.read(ROOT / "notebooks" / "annual_report.ipynb", as_version=4)
    assert nb.metadata["kernelspec"] == {"name": "cscp-analysis", "display_name": "Python (cscp-analysis)",
                                         "language": "python"}
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    params = nb.cells[1]
    assert params.metadata.get("tags") == ["parameters"]
    names = re.findall(r"^(\w+) = ", params.source, flags=re.M)
    assert names == ["period", "year", "data_dir", "output_dir", "config_dir", "returns_cache", "notebook", "audience"]
    assert 'year = "2025-26"' in params.source and 'notebook = "annual_report"' in params.source
    assert 'audience = "public"' in params.source  # the annual report is published
    assert nb.cells[2].metadata.get("tags") == ["remove-cell"] and "parse_year(year)" in nb.cells[2].source
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
    chapters = [c.source for c in nb.cells if c.cell_type == "code" and "book.chapter(" in c.source]
    assert [re.search(r'chapter\("(\w+)"\)', s).group(1) for s in chapters] == list(annual.CHAPTERS)


# --- end to end -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_cscp_annual_builds_and_verifies_the_book(tmp_path):
    from PIL import Image

    from cscp_analysis import pipeline

    result = pipeline.run_annual(YEAR, DEMO, tmp_path, progress=None)
    book = result.pack
    assert book == tmp_path / "annual-2025-26"
    assert (book / "html" / "annual_report.html").is_file() and (book / "index.html").is_file()
    for number, name in EXPECTED:
        if number.startswith("Figure"):
            svg, png = book / "figures" / f"{name}.svg", book / "figures" / f"{name}.png"
            assert svg.is_file() and png.is_file(), name
            dpi = Image.open(png).info["dpi"]
            assert round(dpi[0]) == round(dpi[1]) == 300, name
            assert (book / "tables" / f"{name}_data.csv").is_file(), name
        else:
            assert (book / "tables" / f"{name}.csv").is_file(), name
    manifest = json.loads((book / "manifest.json").read_text())
    assert manifest["kind"] == "annual" and manifest["parameters"]["year"] == YEAR
    catalogue = {c["name"]: c for c in manifest["catalogue"]}
    for number, name in EXPECTED:
        assert catalogue[name]["number"] == number and catalogue[name]["source"], name
    assert catalogue["annual_tab18_cdop_reviews"]["extra"]["threshold"] == 5
    r = subprocess.run(["sha256sum", "--quiet", "-c", "checksums.sha256"], cwd=book, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    html = (book / "html" / "annual_report.html").read_text()
    assert "Figure 12: Child death reviews completed in 2025-26" in html and "Table 18" in html
    assert "session.start(" not in html and 'returns_cache = ""' not in html
    index = (book / "index.html").read_text()
    assert "Figure 1: Percentage indicators" in index
    # the same inputs give the same tables and figures, byte for byte
    check = pipeline.verify_pack(book, progress=None)
    assert check.ok, check.problems
    assert check.compared == len(list((book / "tables").iterdir())) + len(list((book / "figures").iterdir()))


def test_the_disproportionality_chapter_says_which_rows_were_set_aside(book):
    # as the quarter's page does: a reader of the annual report learns that some records were not counted
    from cscp_analysis.annual import chapters
    from cscp_analysis.returns.page_notes import SetAside
    from cscp_analysis.returns.registry import get_rule

    res = book.disproportionality()
    before = dict(res.notes.get("set_aside") or {})
    try:
        res.notes["set_aside"] = {"children": SetAside(2, 262, ((get_rule("RET-022").sentence, 2),))}
        parts, _, _ = chapters.disproportionality(book)
        assert "2 of 262 children's records" in parts["disproportionality_rates"].text
        res.notes["set_aside"] = {}
        parts, _, _ = chapters.disproportionality(book)
        assert "Rows set aside" not in parts["disproportionality_rates"].text
    finally:
        res.notes["set_aside"] = before

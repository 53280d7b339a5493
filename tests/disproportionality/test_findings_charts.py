"""Sentences from the numbers (never from a suppressed or unreliable figure) and the charts."""

from datetime import date

import matplotlib
import pytest

from cscp_analysis.charts import forest as F
from cscp_analysis.charts import journey as J
from cscp_analysis.disproportionality import analyse, findings
from cscp_analysis.disproportionality import publish as pb
from cscp_analysis.disproportionality import sections as S

from .helpers import PERIOD, cohort, merge, population, row

POP = population({("WBRI", "M"): 10_000, ("BCRB", "M"): 1_000, ("APKN", "M"): 2_000, ("BAFR", "M"): 1_000,
                  ("BOTH", "M"): 1_000, ("MWBC", "M"): 1_000})


@pytest.fixture(scope="module")
def res():
    t = merge(cohort({"WBRI": {"referral": 200, "assessment": 180, "s47": 60},
                      "BCRB": {"referral": 60, "assessment": 54, "s47": 40},  # 3x the rate; s47 74% against 33%
                      "APKN": {"referral": 40, "assessment": 36, "s47": 12},
                      "BAFR": {"referral": 4, "assessment": 4, "s47": 1},  # suppressed
                      # the other Black group: the smallest, so it is the one suppressed with BAFR (Black is shown);
                      # at s47 it must leave BAFR's 1 room to be 5 for a reader of [s] (6 or more): 12 + 1 - 6 >= 5
                      "BOTH": {"referral": 30, "assessment": 27, "s47": 12},
                      "MWBC": {"referral": 3, "assessment": 3, "s47": 1}}))  # Mixed: 3 children, suppressed
    return analyse(t, POP, PERIOD, data_start=date(2023, 4, 1), quarters=1)


def test_sentence_for_a_significant_rri(res):
    r = row(res.latest_rates(), stage="referral", characteristic="ethnicity", group="BCRB")
    assert r["label"] == "significantly higher" and r["rri"] == pytest.approx(3.0)
    p = "<0.001" if r["rri_p_adjusted"] < 0.0005 else f"{r['rri_p_adjusted']:.3f}"
    expected = (f"Children of Black Caribbean ethnicity were {r['rri']:.1f} times as likely as White British children "
                f"to be referred to children's social care in the twelve months to September 2026 (95% CI "
                f"{r['rri_lower']:.1f} to {r['rri_upper']:.1f}); this is statistically significant after adjustment "
                f"for multiple comparisons (adjusted p {p}; one of {int(r['family_size'])} comparisons asking who is "
                "referred).")
    assert expected in [f.text for f in findings(res)]


def test_sentence_for_a_decision_point(res):
    texts = [f.text for f in findings(res) if f.rule == "DISP-DECISION"]
    d = row(res.latest_decisions(), stage="s47", characteristic="ethnicity", group="BCRB")
    assert d["proportion"] == pytest.approx(40 / 54 * 100)
    assert any(t.startswith("Of the children assessed in the twelve months to September 2026, children of Black "
                            "Caribbean ethnicity were") and f"({40 / 54 * 100:.1f}% against {60 / 180 * 100:.1f}%" in t
               for t in texts)


def test_no_sentence_for_a_suppressed_or_small_group(res):
    texts = " ".join(f.text for f in findings(res))
    assert "Black African" not in texts  # 4 children: c
    assert "any other Black background" not in texts  # 30 children, suppressed so that BAFR cannot be recovered
    assert row(res.latest_rates(), stage="referral", characteristic="ethnicity", group="BOTH")["suppressed"]
    sup = row(res.latest_rates(), stage="referral", characteristic="ethnicity", group="BAFR")
    assert sup["suppressed"] and sup["label"] == "too few to say"
    for f in findings(res):
        assert f.kind in ("worried", "context", "needs_to_happen", "working_well") and f.lens == "independent"
        assert f.evidence.startswith("disproportionality_")


def test_forest_plot_marks_suppressed_and_uses_a_log_scale(res):
    t = pb.publish_rates(res.latest_rates())
    t = t[t["characteristic"] == "ethnicity_major"]
    fig = F.forest(t, title="RRI")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert any(line.get_xdata()[0] == 1.0 and len(set(line.get_xdata())) == 1 for line in ax.get_lines())
    alt = F.forest_alt(t, "relative rate indices", "White British children")
    assert "log scale" in alt and "Significantly higher after adjustment for multiple comparisons: " in alt
    matplotlib.pyplot.close(fig)


def test_forest_plot_says_its_lines_are_unadjusted_and_its_fill_is_adjusted(res):
    t = pb.publish_rates(res.latest_rates())
    fig = F.forest(t[t["characteristic"] == "ethnicity_major"], title="RRI", source="test")
    texts = [x.get_text() for x in fig.texts]
    assert any("own 95% interval" in x and "Benjamini-Hochberg" in x for x in texts)
    # the note sits below the axes and above the source line, inside the figure
    fig.canvas.draw()
    note = next(x for x in fig.texts if "Benjamini-Hochberg" in x.get_text())
    source = next(x for x in fig.texts if x.get_text().startswith("Source:"))
    axes_bottom = fig.axes[0].get_tightbbox().y0
    note_box, source_box = note.get_window_extent(), source.get_window_extent()
    assert source_box.y1 <= note_box.y0 and note_box.y1 < axes_bottom
    matplotlib.pyplot.close(fig)


def test_every_chart_has_alt_text_and_published_data(res):
    for sec in (S.forest_rri(res), S.forest_decisions(res), S.journey_chart(res), S.trend_chart(res),
                S.who_is_referred(res), S.who_reaches_each_stage(res), S.who_goes_on(res),
                S.who_becomes_looked_after(res), S.sex_age_and_disability(res)):
        for fig in sec.figures:
            assert 40 < len(fig.alt) and len(fig.alt.split()) <= 125, fig.name
            data = sec.figure_data(fig)
            assert len(data)
            # the data behind a chart is published data: no count from 1 to 5
            for col in [x for x in data.columns if x.startswith("children")]:
                assert not data[col].astype(str).isin([str(i) for i in range(1, 6)]).any()
            matplotlib.pyplot.close(fig.draw())
    t = pb.publish_rates(res.latest_rates())
    fig = J.journey(t[t["characteristic"] == "ethnicity_major"])
    assert fig.axes[0].get_yscale() == "log"
    texts = [x.get_text() for x in fig.axes[0].texts]
    assert "[c]" in texts and "c" not in texts  # the suppressed Mixed rate is marked with the tables' symbol, not drawn
    note = next(x.get_text() for x in fig.texts if x.get_text().startswith("Symbols:"))
    assert "[c] a count from 1 to 5" in note  # and the note under the chart says what the symbol means
    matplotlib.pyplot.close(fig)


def test_forest_says_why_each_row_is_hidden(res):
    # Mixed is hidden because its only group (White and Black Caribbean, 3 children) is a count of 1 to 5; Black African
    # (4) likewise, and any other Black background (30) is hidden so that the 4 cannot be worked out from the total
    t = pb.publish_rates(res.latest_rates())
    t = t[(t["stage"] == "Referred") & t["characteristic"].isin(["ethnicity_major", "ethnicity"])]
    why = dict(zip(t["group"], t["hidden_because"], strict=True))
    assert why["Black African"] == "a count of 1 to 5"
    assert why["Any other Black background"] == ("hidden so that another hidden count cannot be worked out from the "
                                                 "totals")
    fig = F.forest(t, title="RRI", source="test")
    texts = [x.get_text() for x in fig.axes[0].texts]
    # each hidden row has the tables' symbol ([c] primary, [s] secondary) and its reason
    assert "[c] a count of 1 to 5" in texts and "[s] protects another hidden count" in texts
    note = next(x.get_text() for x in fig.texts if "Symbols:" in x.get_text()).replace("\n", " ")
    assert ("[c] a count from 1 to 5, or a figure worked out from one, hidden to protect confidentiality; [s] hidden so "
            "that another hidden count cannot be worked out from the figures shown.") in note  # the tables' words
    matplotlib.pyplot.close(fig)
    alt = F.forest_alt(t, "relative rate indices", "White British children")
    assert "marked [c], a count of 1 to 5" in alt and "marked [s], hidden so that another hidden count cannot be" in alt
    assert "small" not in alt


def test_readable_tables_have_words_for_headers_and_numbers_for_p_values(res):
    import re

    for sec in (S.data_quality(res), S.who_is_referred(res), S.who_reaches_each_stage(res), S.who_goes_on(res),
                S.who_becomes_looked_after(res), S.sex_age_and_disability(res), S.is_the_gap_changing(res)):
        for t in sec.tables:
            view = t.view if t.view is not None else t.data
            assert t.view is not None, t.name  # every table on the page is a readable view
            assert len(view) <= 40 and len(view.columns) <= 8, t.name
            for col in view.columns:
                assert not re.search(r"[a-z]_[a-z]", col), (t.name, col)
            for col in [c for c in view.columns if "p-value" in c]:
                assert not view[col].isin(["low"]).any()
                assert view[col].map(lambda v: v in ("", "hidden", "not tested") or v == "<0.001"
                                     or re.fullmatch(r"[01]\.\d{3}", v) is not None).all(), (t.name, col)


def test_a_blocked_population_table_skips_every_section_instead_of_failing():
    class Returns:
        def blocked_reason(self, table=None, **kw):
            return "population.csv:3: population: RET-021 not a whole number" if table == "population" else None

    res = S.run(Returns(), None, PERIOD)
    assert isinstance(res, S.Blocked) and "population table was not usable" in res.reason
    for fn in (S.data_quality, S.who_is_referred, S.who_reaches_each_stage, S.who_goes_on, S.who_becomes_looked_after,
               S.sex_age_and_disability, S.is_the_gap_changing, S.partners_returns, S.appendix, S.forest_rri,
               S.rates_major, S.decisions):
        assert fn(res) is None
    assert "could not run" in S.methods_box(res)


def test_appendix_writes_every_full_table_without_showing_it_and_links_each(res):
    sec = S.appendix(res)
    assert sec.tables and not any(t.shown for t in sec.tables)
    names = {t.name for t in sec.tables}
    assert {"disproportionality_rates_major", "disproportionality_decision_points", "disproportionality_findings",
            "disproportionality_trend_summary", "disproportionality_sensitivity"} <= names
    for name in names:
        assert f"(../tables/{name}.csv)" in sec.intro, name


def test_not_significant_is_never_read_as_no_difference():
    # 13 permanent exclusions among 5,000 Black pupils against 40 among 20,000 White pupils: 1.3 times, not
    # significant; the sentence says what these numbers could have detected (2.69, worked out in test_partners)
    rows = []
    for q in ("2025-26-Q3", "2025-26-Q4", "2026-27-Q1", "2026-27-Q2"):
        rows += [(q, "EDUCATION", "EDU_PERM_EXCL", "ethnicity", "White", 10, 20_000),
                 (q, "EDUCATION", "EDU_PERM_EXCL", "ethnicity", "Black", 3 + (q == "2025-26-Q3"), 5_000),
                 (q, "EDUCATION", "EDU_PERM_EXCL", "sex", "M", 11, 11_000),
                 (q, "EDUCATION", "EDU_PERM_EXCL", "sex", "F", 3, 11_000)]
    import pandas as pd

    partner = pd.DataFrame(rows, columns=["period", "agency", "indicator", "breakdown", "group", "numerator",
                                          "denominator"])
    t = cohort({"WBRI": {"referral": 200}, "BCRB": {"referral": 60}})
    res = analyse(t, POP, PERIOD, data_start=date(2023, 4, 1), quarters=1, partner=partner,
                  partner_indicators={"EDU_PERM_EXCL": {"title": "Permanent exclusions",
                                                        "breakdowns": ["sex", "ethnicity"]}})
    b = row(res.partner, indicator="EDU_PERM_EXCL", breakdown="ethnicity", group="Black")
    power = [f for f in findings(res) if f.rule == "DISP-POWER"]
    assert len(power) == 1 and power[0].kind == "context"
    assert power[0].text == (
        "Pupils of Black ethnicity had a rate of permanent exclusion 1.30 times that of White pupils in the four quarters "
        f"to September 2026 (13 permanent exclusions); this is not statistically significant (adjusted p "
        f"{b['ratio_p_adjusted']:.3f}), and these numbers could only have detected a ratio of 2.7 or more (with 80% "
        "power), so a real difference of this size could easily be missed.")

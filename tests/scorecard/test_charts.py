"""SPC and benchmark charts: drawn from the published numbers, suppressed points marked, alt text from the numbers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cscp_analysis.charts import benchmark as B
from cscp_analysis.charts import spc as S
from cscp_analysis.scorecard import published_series, report
from cscp_analysis.scorecard.report import small_multiples_alt, spc_groups


@pytest.fixture(scope="module")
def series(fixture_scorecard):
    return published_series(fixture_scorecard)


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_spc_chart_leaves_suppressed_points_as_gaps_never_bridged(fixture_scorecard, series):
    import numpy as np

    res = fixture_scorecard["CSC-17"]  # a small monthly count: some months suppressed in the fixture
    s = S.series_for(series, "CSC-17")
    n_c = int((s["value"] == "c").sum())
    assert n_c > 0
    fig = S.spc_chart(res, series)
    assert _texts(fig).count("c") == 0  # no glyph rows
    plotted = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    assert plotted == len(s) - n_c  # only published values are drawn
    values_line = max(fig.axes[0].get_lines(), key=lambda ln: np.isnan(np.asarray(ln.get_ydata(), float)).sum())
    assert np.isnan(np.asarray(values_line.get_ydata(), float)).sum() == n_c  # the line breaks at each gap
    assert fig.axes[0].get_ylabel() == "number"
    alt = report.spc_alt(res, series)
    assert alt.startswith("Assessments identifying child sexual or criminal exploitation: XmR chart of monthly values "
                          "from April 2023")
    assert f"{n_c} points are hidden: " in alt and "marked [c] (a count from 1 to 5, or worked out from one)" in alt
    assert alt.endswith("the line is broken at each.")
    plt.close(fig)


def test_spc_alt_text_gives_limits_latest_value_and_target(fixture_scorecard, series):
    res = fixture_scorecard["CSC-03"]
    last = S.series_for(series, "CSC-03").iloc[-1]
    alt = report.spc_alt(res, series)
    assert f"process limits {last['lower_process_limit']}% to {last['upper_process_limit']}%" in alt
    assert f"The latest value (March 2026) is {last['value']}%" in alt
    assert alt.endswith("Target 90%.")


def test_small_multiples_cover_every_indicator_with_a_series(fixture_scorecard, series):
    groups = spc_groups(fixture_scorecard)
    ids = [r.indicator.id for _, _, rs in groups for r in rs]
    assert sorted(ids) == sorted(r.indicator.id for r in fixture_scorecard if r.spc is not None)
    rs = groups[0][2][:4]
    fig = S.spc_small_multiples(rs, series)
    assert sum(ax.get_visible() for ax in fig.axes) == len(rs)
    alt = small_multiples_alt(rs, series)
    assert alt.startswith(f"{len(rs)} small SPC charts, one per indicator, from April 2023 to March 2026")
    assert len(alt.split()) <= 125
    plt.close(fig)


def test_benchmark_bars_show_the_partnership_among_its_neighbours(fixture_scorecard):
    res = fixture_scorecard["CSC-02"]
    data = B.bars_data(res)
    assert list(data["role"]).count("statistical neighbour") == 10
    assert data.loc[data["role"] == "England", "value"].iloc[0] == "22.6"
    fig = B.benchmark_bars(res)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Coventry" in labels and len(labels) == 11
    alt = B.bars_alt(res)
    assert alt.startswith("Re-referrals within 12 months of a previous referral: Coventry ")
    assert "England 22.6" in alt and f"ranks {res.benchmark['rank']} of 11" in alt
    plt.close(fig)
    hidden = B.bars_data(res, suppressed=True)
    assert hidden.loc[hidden["role"] == "partnership", "value"].iloc[0] == "c"
    assert "suppressed" in B.bars_alt(res, suppressed=True) and "ranks" not in B.bars_alt(res, suppressed=True)


def test_benchmark_trend_and_its_alt_text():
    from cscp_analysis.benchmarking import build_benchmark_table

    t = build_benchmark_table("331", 2025)
    fig = B.benchmark_trend(t, "cla_rate")
    assert [ln.get_label() for ln in fig.axes[0].lines] == ["Coventry", "West Midlands", "England",
                                                            "Statistical-neighbour median"]
    # DfE's own published rates (rate_per_10000 in the CLA file), read directly
    import pandas as pd

    from cscp_analysis.reference import DEFAULT_REFERENCE_DIR

    cla = pd.read_csv(DEFAULT_REFERENCE_DIR / "dfe_cla_rates" / "cla_number_and_rate_per_10k_children.csv", dtype=str,
                      encoding="utf-8-sig")
    cla = cla[cla["population_type"] == "Children looked after on 31 March each year"]

    def pub(year, level, name_col=None, name=None):
        sel = cla[(cla["time_period"] == str(year)) & (cla["geographic_level"] == level)]
        if name_col:
            sel = sel[sel[name_col] == name]
        return sel["rate_per_10000"].iloc[0]

    alt = B.trend_alt(t, "cla_rate")
    assert alt.startswith("Children looked after at 31 March (per 10,000 children aged 0-17), years ending 31 March "
                          "2021 to 2025: ")
    assert f"Coventry {pub(2021, 'Local authority', 'la_name', 'Coventry')} in 2021 and " \
           f"{pub(2025, 'Local authority', 'la_name', 'Coventry')} in 2025" in alt
    assert f"England {pub(2021, 'National')} in 2021 and {pub(2025, 'National')} in 2025" in alt
    plt.close(fig)

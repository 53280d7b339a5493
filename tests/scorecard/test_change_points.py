"""A change point the partnership records (``spc_changes`` in indicators.yaml): the SPC limits start again
there, and the published series and the page say why."""

from __future__ import annotations

import dataclasses

import numpy as np

from cscp_analysis.scorecard import compute, published_series
from cscp_analysis.scorecard import sections as scorecard_sections

from .conftest import PERIOD, only

WHY = "the front door moved to the MASH"


def test_limits_start_again_at_a_recorded_change_and_the_reason_is_published(fixture_returns, config):
    base = only(config, "CSC-02")[0]
    plain = compute(fixture_returns, PERIOD, config, [base])
    points = plain.results["CSC-02"].spc.reset_index(drop=True)
    at = len(points) // 2  # a change half way through the series
    month = str(points["start"].iloc[at])[:7]
    changed = compute(fixture_returns, PERIOD, config, [dataclasses.replace(base, spc_changes=((month, WHY),))])
    r = changed.results["CSC-02"]
    series = published_series(changed)
    assert list(series.columns).index("change_point") == list(series.columns).index("period_of_process") + 1
    assert series["change_point"].tolist() == ["" if i != at else WHY for i in range(len(series))]
    assert series["period_of_process"].tolist() == [1] * at + [2] * (len(series) - at)
    # the centre line of the new period is the mean of its own first points (its baseline), by hand
    spc = r.spc.reset_index(drop=True)
    values = spc["value"].to_numpy(dtype=float)[at:]
    baseline = min(int(r.spc_summary["baseline"]), len(values))
    assert np.isclose(spc["mean"].iloc[at], np.nanmean(values[:baseline]))
    assert not np.isclose(spc["mean"].iloc[at], spc["mean"].iloc[at - 1])
    assert all(s == "" for s in published_series(plain)["change_point"])
    words = " ".join(f.text if hasattr(f, "text") else str(f) for f in scorecard_sections.spc(changed).findings)
    assert f"CSC-02: the centre line and limits are recalculated from {series['label'].iloc[at]}" in words
    assert WHY in words


def test_a_change_before_the_series_starts_no_new_period(fixture_returns, config):
    base = only(config, "CSC-02")[0]
    early = compute(fixture_returns, PERIOD, config, [dataclasses.replace(base, spc_changes=(("2001-04", WHY),))])
    series = published_series(early)
    assert set(series["period_of_process"]) == {1} and set(series["change_point"]) == {""}

"""Benjamini–Hochberg adjustment: hand calculation, NaN handling, statsmodels."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from cscp_analysis.stats import bh_adjust


def test_bh_by_hand():
    # p = 0.01, 0.04, 0.03, 0.005 (m = 4). Sorted: 0.005, 0.01, 0.03, 0.04 -> m·p/rank = 0.02, 0.02, 0.04, 0.04,
    # already non-decreasing; back in the original order: 0.02, 0.04, 0.04, 0.02
    np.testing.assert_allclose(bh_adjust([0.01, 0.04, 0.03, 0.005]), [0.02, 0.04, 0.04, 0.02])


def test_bh_step_up_takes_the_minimum_from_above():
    # p = 0.01, 0.02, 0.021 (m = 3): 0.03, 0.03, 0.021 -> cumulative minimum from the top: 0.021 for all
    np.testing.assert_allclose(bh_adjust([0.01, 0.02, 0.021]), [0.021, 0.021, 0.021])


def test_missing_p_values_stay_missing_and_are_not_counted():
    p = pd.Series([0.01, np.nan, 0.04, 0.03, 0.005], index=list("abcde"), name="p")
    out = bh_adjust(p)
    assert isinstance(out, pd.Series) and list(out.index) == list("abcde") and out.name == "p"
    assert np.isnan(out["b"])
    np.testing.assert_allclose(out.drop("b"), [0.02, 0.04, 0.04, 0.02])  # m = 4, not 5
    assert np.isnan(bh_adjust([np.nan, np.nan])).all()


def test_out_of_range_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        bh_adjust([0.2, 1.5])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), min_size=1, max_size=30))
def test_equals_statsmodels_on_the_non_missing_values(values):
    p = np.array(values)
    out = bh_adjust(p)
    ok = ~np.isnan(p)
    assert np.array_equal(np.isnan(out), ~ok)
    if ok.any():
        np.testing.assert_allclose(out[ok], multipletests(p[ok], method="fdr_bh")[1])
        assert (out[ok] >= p[ok] - 1e-15).all()

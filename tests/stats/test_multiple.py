"""Benjamini–Hochberg adjustment: hand calculation, NaN handling, statsmodels."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from cscp_analysis.stats import bh_adjust, fdr_by_family


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


# ------------------------------------------------ one false-discovery family per question


def test_families_are_adjusted_separately_by_hand():
    # family a: 0.01, 0.04, 0.03, 0.005 -> 0.02, 0.04, 0.04, 0.02 (as above, m = 4)
    # family b: 0.2, 0.01, 0.02, 0.021 -> sorted 0.01, 0.02, 0.021, 0.2: 0.04, 0.04, 0.028, 0.2
    #   -> minimum from the top: 0.028, 0.028, 0.028, 0.2 -> in order 0.2, 0.028, 0.028, 0.028
    p = [0.01, 0.2, 0.04, 0.01, 0.03, 0.02, 0.005, 0.021]
    family = ["a", "b", "a", "b", "a", "b", "a", "b"]
    np.testing.assert_allclose(bh_adjust(p, family=family), [0.02, 0.2, 0.04, 0.028, 0.04, 0.028, 0.02, 0.028])


def test_one_family_for_the_whole_pack_is_stricter_than_one_per_stage():
    # the worry (Black children arrested, p = 0.012) adjusted within its stage alone, then with every
    # comparison answering the same question across the pack
    stage = [0.012, 0.30, 0.45]
    pack = stage + [0.20, 0.60, 0.04, 0.75, 0.90]
    within = bh_adjust(stage)[0]
    across = bh_adjust(pack, family=["over-representation"] * len(pack))[0]
    assert within == pytest.approx(0.036) and across == pytest.approx(0.096)  # 0.012 × 3/1 and 0.012 × 8/1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.floats(0, 1), st.just(float("nan"))), st.sampled_from("xyz")),
                min_size=1, max_size=40))
def test_family_adjustment_equals_statsmodels_family_by_family(rows):
    p = np.array([r[0] for r in rows])
    fam = np.array([r[1] for r in rows], dtype=object)
    out = bh_adjust(p, family=fam)
    assert np.array_equal(np.isnan(out), np.isnan(p))
    for f in "xyz":
        take = (fam == f) & ~np.isnan(p)
        if take.any():
            np.testing.assert_allclose(out[take], multipletests(p[take], method="fdr_bh")[1])


def test_fdr_by_family_states_the_family_and_its_size():
    df = pd.DataFrame({"question": ["arrests", "arrests", "arrests", "exclusions", "exclusions"],
                       "group": ["Black", "Mixed", "Asian", "Black", "Mixed"],
                       "p_value": [0.01, 0.04, np.nan, 0.005, 0.2]}, index=list("vwxyz"))
    out = fdr_by_family(df, family="question")
    assert list(out.index) == list("vwxyz")
    np.testing.assert_allclose(out["q_value"], [0.02, 0.04, np.nan, 0.01, 0.2])
    assert list(out["family_size"]) == [2, 2, 0, 2, 2]
    assert list(out["discovery"]) == [True, True, False, True, False]
    two_columns = fdr_by_family(df.assign(stage="referral"), family=["question", "stage"], fdr=0.03)
    assert list(two_columns["discovery"]) == [True, False, False, True, False]
    with pytest.raises(ValueError, match="'family' names column 'nope'"):
        fdr_by_family(df, family="nope")
    with pytest.raises(ValueError, match="one label per p-value"):
        bh_adjust([0.1, 0.2], family=["a"])

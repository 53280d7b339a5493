"""Directly and indirectly standardised rates and ratios against hand calculations."""

import warnings

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.stats import dsr, esp2013_children, isr


def two_groups():
    # two ethnic groups, two age bands
    return pd.DataFrame({
        "group": ["A", "A", "B", "B"],
        "band": ["0-9", "10-17", "0-9", "10-17"],
        "cases": [20, 30, 15, 10],
        "children": [1000, 500, 3000, 500],
    }, index=[7, 8, 9, 10])


def test_dsr_own_population_standard_by_hand():
    # Standard = the partnership's own children: 0-9 = 1000 + 3000 = 4000, 10-17 = 500 + 500 = 1000; Σw = 5000
    # A: Σ w x/n = 4000 × 20/1000 + 1000 × 30/500 = 80 + 60 = 140 -> 140 / 5000 × 10,000 = 280
    #    var = (20 × (4000/1000)² + 30 × (1000/500)²) / 5000² = (320 + 120) / 25e6 = 1.76e-5; O = 50
    #    Byar's limits of 50: (37.108100, 65.920157); √(var/O) × 10,000 = 5.932959
    #    lower = 280 + 5.932959 × (37.108100 − 50) = 203.5129; upper = 280 + 5.932959 × 15.920157 = 374.4536
    # B: Σ w x/n = 4000 × 15/3000 + 1000 × 10/500 = 20 + 20 = 40 -> 80 per 10,000
    #    var = (15 × (4/3)² + 10 × 2²) / 25e6 = 2.666667e-6; O = 25; Byar's limits (16.174266, 36.906451)
    #    √(var/O) × 10,000 = 3.265986; lower = 80 − 3.265986 × 8.825734 = 51.1753; upper = 80 + 3.265986 × 11.906451 = 118.8863
    out = dsr(two_groups(), "cases", "children", group_by="group", age="band")
    assert out["group"].tolist() == ["A", "B"]
    assert out["total_count"].tolist() == [50, 25]
    assert out["total_pop"].tolist() == [1500, 3500]
    np.testing.assert_allclose(out["value"], [280, 80], rtol=1e-12)
    np.testing.assert_allclose(out["lower_ci"], [203.5129, 51.1753], atol=1e-4)
    np.testing.assert_allclose(out["upper_ci"], [374.4536, 118.8863], atol=1e-4)
    assert out["statistic"].tolist() == ["DSR per 10,000"] * 2
    assert out["method"].tolist() == ["Dobson"] * 2


def test_dsr_is_not_calculated_below_ten_events():
    df = two_groups()
    df.loc[[9, 10], "cases"] = [4, 5]
    out = dsr(df, "cases", "children", group_by="group", age="band", confidence=[0.95, 0.998])
    assert np.isnan(out.loc[1, ["value", "lower95_ci", "upper95_ci", "lower99_8_ci", "upper99_8_ci"]].astype(float)).all()
    assert out.loc[1, "statistic"].startswith("DSR not calculated")
    assert out.loc[0, "lower99_8_ci"] < out.loc[0, "lower95_ci"] < out.loc[0, "value"]


def test_dsr_with_a_given_standard_mapping_and_column():
    # standard 0-9 = 1, 10-17 = 1 (equal weights): A = (0.02 + 0.06)/2 × 1000 = 40 per 1,000
    df = two_groups()
    out = dsr(df, "cases", "children", group_by="group", age="band", standard={"0-9": 1, "10-17": 1},
              multiplier=1000)
    assert out["value"].tolist() == pytest.approx([40.0, 12.5])  # B: (0.005 + 0.02)/2 × 1000 = 12.5
    df["w"] = [1, 1, 1, 1]
    assert dsr(df, "cases", "children", group_by="group", standard="w", multiplier=1000)["value"].tolist() == \
        pytest.approx([40.0, 12.5])
    with pytest.raises(ValueError, match="age band '10-17' has no standard population"):
        dsr(df, "cases", "children", group_by="group", age="band", standard={"0-9": 1})


def test_dsr_with_esp2013_needs_every_band_in_every_group():
    bands = ["0-4", "5-9", "10-14", "15-17"]
    df = pd.DataFrame({"g": ["x"] * 4 + ["y"] * 3, "band": bands + bands[:3], "n": [5] * 7, "pop": [1000] * 7})
    with pytest.raises(ValueError, match="group 'y' has 3 rows"):
        dsr(df, "n", "pop", group_by="g", age="band", standard="esp2013")
    # equal crude rates in every band give a DSR equal to that rate whatever the standard: 5/1000 × 10,000 = 50
    out = dsr(df[df.g == "x"], "n", "pop", age="band", standard="esp2013")
    assert out["value"].iloc[0] == pytest.approx(50.0)


def test_esp2013_children_weights():
    # ESP 2013: 0-4 = 5,000, 5-9 = 5,500, 10-14 = 5,500 and 3/5 of the 15-19 band's 5,500 = 3,300
    five = esp2013_children()
    assert five.to_dict() == {"0-4": 5000, "5-9": 5500, "10-14": 5500, "15-17": 3300}
    single = esp2013_children(single_year=True)
    assert len(single) == 18 and single.sum() == five.sum() == 19300


def test_isr_against_all_groups_combined_by_hand():
    # Reference rates from both groups: 0-9 = 35/4000 = 0.00875, 10-17 = 40/1000 = 0.04
    # A: expected = 1000 × 0.00875 + 500 × 0.04 = 8.75 + 20 = 28.75; ISR = 50 / 28.75 = 1.739130
    #    limits = Byar's limits of 50 / 28.75 = (37.108100 / 28.75, 65.920157 / 28.75) = (1.290717, 2.292875)
    # B: expected = 3000 × 0.00875 + 500 × 0.04 = 46.25; ISR = 25 / 46.25 = 0.540541
    #    limits = (16.174266 / 46.25, 36.906451 / 46.25) = (0.349714, 0.797977)
    out = isr(two_groups(), "cases", "children", group_by="group", age="band")
    np.testing.assert_allclose(out["expected"], [28.75, 46.25])
    np.testing.assert_allclose(out["value"], [1.739130, 0.540541], atol=1e-6)
    np.testing.assert_allclose(out["lower_ci"], [1.290717, 0.349714], atol=1e-6)
    np.testing.assert_allclose(out["upper_ci"], [2.292875, 0.797977], atol=1e-6)
    assert out["observed"].sum() == pytest.approx(out["expected"].sum())  # self-reference: Σ O = Σ E
    assert out["method"].tolist() == ["Byars", "Byars"]


def test_isr_with_reference_columns_exact_below_ten():
    # 3 observed against 6 expected (reference rate 0.006 × 1000): ISR × 100 = 50; exact limits of 3:
    # (0.618672, 8.767273) / 6 × 100 = (10.3112, 146.1212)
    df = pd.DataFrame({"g": ["a"], "x": [3], "n": [1000], "rx": [60], "rn": [10_000]})
    out = isr(df, "x", "n", group_by="g", ref_count="rx", ref_pop="rn", refvalue=100)
    assert out["value"].iloc[0] == pytest.approx(50.0)
    assert out["lower_ci"].iloc[0] == pytest.approx(10.3112, abs=1e-4)
    assert out["upper_ci"].iloc[0] == pytest.approx(146.1212, abs=1e-4)
    assert out["method"].iloc[0] == "Exact"
    assert out["statistic"].iloc[0] == "Indirectly standardised ratio x 100"


def test_standardisation_input_checks():
    df = two_groups()
    df.loc[8, "children"] = 0
    with pytest.raises(ValueError, match=r"dsr: 'children' is a denominator.*index 8"):
        dsr(df, "cases", "children", group_by="group", age="band")
    with pytest.raises(ValueError, match="'age'"):
        dsr(two_groups(), "cases", "children", group_by="group")
    with pytest.raises(ValueError, match="reference"):
        isr(two_groups(), "cases", "children", group_by="group")


def test_dsr_agrees_with_phstatsmethods_when_installed():
    phs = pytest.importorskip("PHStatsMethods")
    rng = np.random.default_rng(11)
    groups = np.repeat(["g1", "g2", "g3"], 4)
    df = pd.DataFrame({"g": groups, "band": list(range(4)) * 3, "x": rng.integers(5, 60, 12),
                       "n": rng.integers(2000, 9000, 12), "w": np.tile([5000, 5500, 5500, 3300], 3)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = phs.ph_dsr(df, "x", "n", "w", group_cols="g", euro_standard_pops=False, multiplier=10000)
    ours = dsr(df, "x", "n", group_by="g", standard="w")
    np.testing.assert_allclose(ours["value"], ref["Value"], rtol=1e-9)
    np.testing.assert_allclose(ours["lower_ci"], ref["lower_95_ci"], rtol=1e-9)
    np.testing.assert_allclose(ours["upper_ci"], ref["upper_95_ci"], rtol=1e-9)

"""Funnel limits and significance against PHEindicatormethods' published test data (see data/PROVENANCE.md)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from cscp_analysis.stats import funnel_limits, funnel_points, funnel_significance

DATA = Path(__file__).parent / "data"
PROP_AVERAGE = 0.80642448  # the published baseline, 80.642448%, of testdata_funnel_prop_inputs.csv


def test_proportion_limits_match_published_table():
    # The limits depend on the data only through the pooled average and the smallest and largest
    # denominators (16,386 and 102,950 in PHE's input), so two rows with that average reproduce the table.
    data = pd.DataFrame({"num": [PROP_AVERAGE * 16386, PROP_AVERAGE * 102950], "den": [16386, 102950]})
    ours = funnel_limits(data, "num", "den", statistic="proportion", multiplier=100)
    ref = pd.read_csv(DATA / "phe_funnel_prop_outputs.csv")
    np.testing.assert_array_equal(ours["Population"], ref["Population"])
    for mine, theirs in (("lower_2s_limit", "Lower2s0025limit"), ("upper_2s_limit", "Upper2s0025limit"),
                         ("lower_3s_limit", "Lower3s0001limit"), ("upper_3s_limit", "Upper3s0001limit")):
        np.testing.assert_allclose(ours[mine], ref[theirs], atol=2e-6)  # published to 6 decimals
    np.testing.assert_allclose(ours["baseline"], ref["Baseline"], atol=1e-6)
    assert ours["method"].iloc[0] == "Wilson"


def test_proportion_significance_matches_published_labels():
    data = pd.read_csv(DATA / "phe_funnel_prop_inputs_sample.csv")
    out = funnel_significance(data, "numerator", "denominator", statistic="proportion", average=PROP_AVERAGE)
    assert out["significance"].astype(str).tolist() == data["significance"].tolist()
    assert list(out.index) == list(data.index)


def test_proportion_significance_uses_pooled_average_by_default():
    # two equal areas are both at the pooled average: not significant
    df = pd.DataFrame({"x": [50, 50], "n": [100, 100]})
    assert funnel_significance(df, "x", "n")["significance"].astype(str).tolist() == ["Not significant"] * 2


# PHE computes the expected events by bisection to |Δv| < 1e-7 (poisson_funnel); we compute the
# exact Poisson quantile, so published values agree to about 1e-4 relative for tiny expectations
# and far better elsewhere.
RATIO_ROWS = {  # testdata_funnel_ratio_outputs.csv: lower_2s_exp_events, lower_2s_count, upper_2s_exp_events,
    #               upper_2s_count, lower_3s_exp_events, lower_3s_count, upper_3s_exp_events, upper_3s_count
    1: (5.571644585, -0.820519779, 0.025317898, 38.49774946, 9.233410143, -0.891697652, 0.001000547, 998.4532721),
    10: (18.39035799, -0.456236795, 4.795387629, 1.085337156, 24.13397235, -0.585646331, 2.960519925, 2.37778507),
    100: (121.6268111, -0.17781286, 81.36400699, 0.229044681, 134.9243187, -0.258843765, 71.92139974, 0.390406755),
    716: (770.4222128, -0.070639465, 664.5083011, 0.077488421, 802.60414, -0.107903929, 636.1521174, 0.125516964),
}
RATIO_EVENTS = (list(range(1, 34)) + [35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 58, 61, 64, 67, 70, 73, 76, 80,
                84, 88, 92, 96, 100, 105, 110, 115, 120, 126, 132, 138, 144, 151, 158, 165, 173, 181, 189, 198,
                207, 217, 227, 238, 249, 261, 273, 286, 299, 313, 328, 343, 359, 376, 394, 413, 432, 452, 473,
                495, 518, 543, 569, 596, 624, 653, 684, 716])


def test_ratio_limits_match_published_rows():
    # testdata_funnel_ratio_inputs.csv: expected events from 4.293052052 to 706.7669173
    data = pd.DataFrame({"obs": [8, 151], "expected": [4.293052052, 706.7669173]})
    ours = funnel_limits(data, "obs", "expected", statistic="ratio", ratio_type="count")
    assert ours["Observed_events"].tolist() == RATIO_EVENTS
    cols = ["lower_2s_exp_events", "lower_2s_limit", "upper_2s_exp_events", "upper_2s_limit",
            "lower_3s_exp_events", "lower_3s_limit", "upper_3s_exp_events", "upper_3s_limit"]
    for obs, expected in RATIO_ROWS.items():
        row = ours.loc[ours["Observed_events"] == obs, cols].iloc[0].to_numpy(dtype=float)
        np.testing.assert_allclose(row, expected, rtol=1e-4, atol=1e-7)
    isr = funnel_limits(data, "obs", "expected", statistic="ratio", ratio_type="isr")
    # the isr limits are (count limit + 1) × 100: for 10 events, 54.3763205 and 208.5337156
    row = isr.loc[isr["Observed_events"] == 10].iloc[0]
    assert (row["lower_2s_limit"], row["upper_2s_limit"]) == pytest.approx((54.3763205, 208.5337156), rel=1e-6)


def test_ratio_significance_by_hand():
    # rows of testdata_funnel_ratio_inputs.csv, judged by hand from exact/Byar's limits of O over E:
    # 8 / 6.24: exact 95% limits of 8 are (3.454, 15.763), / 6.24 = (0.553, 2.526) contain 1 -> not significant
    # 0 / 240.6: exact 99.8% upper limit of 0 is 6.908, / 240.6 = 0.029 < 1 -> Low (0.001)
    # 507 / 272.3: Byar's 99.8% lower limit of 507 is 440.2, / 272.3 = 1.62 > 1 -> High (0.001)
    # 75 / 120.2: Byar's 99.8% upper limit of 75 is 105.8, / 120.2 = 0.88 < 1 -> Low (0.001)
    df = pd.DataFrame({"obs": [8, 0, 507, 75], "expected": [6.239860227, 240.6273499, 272.3024867, 120.1923077]})
    out = funnel_significance(df, "obs", "expected", statistic="ratio")
    assert out["significance"].astype(str).tolist() == ["Not significant", "Low (0.001)", "High (0.001)", "Low (0.001)"]
    assert chi2.ppf(0.999, 2) / 2 / 240.6273499 < 1


@pytest.mark.parametrize("rate_type, rate_col, multiplier, label", [
    ("dsr", "rate_dsr", 100_000, "dsr_per_100000"),
    ("dsr", "rate_dsr", 100, "dsr_per_100"),
    ("crude", "rate_crude_per_100000", 100_000, "crude_per_100000"),
    ("crude", "rate_crude_per_100", 100, "crude_per_100"),
])
def test_rate_significance_matches_published_labels(rate_type, rate_col, multiplier, label):
    data = pd.read_csv(DATA / "phe_funnel_rate_dsr_inputs.csv")
    out = funnel_significance(data, "count", "pop", statistic="rate", rate=rate_col, rate_type=rate_type,
                              multiplier=multiplier)
    assert out["significance"].astype(str).tolist() == data[f"{label}_with_0"].tolist()
    some = data[data["count"] != 0]
    out = funnel_significance(some, "count", "pop", statistic="rate", rate=rate_col, rate_type=rate_type,
                              multiplier=multiplier)
    assert out["significance"].astype(str).tolist() == some[f"{label}_without_0"].tolist()


RATE_EVENTS_HEAD = list(range(1, 29)) + [30, 32, 34, 36, 38, 40, 42, 44, 46, 49, 52, 55, 58, 61, 64]
RATE_ROWS = {  # testdata_funnel_rate_outputs.csv (DSR per 100,000, years_of_data = 3)
    1: (1598.675694, 20.85059119, 7.264481402, 4588.535848, 2649.348525, 12.58170943, 0.287087625, 116108.569),
    10: (5276.757672, 63.17010446, 1375.943768, 242.2579623, 6924.776769, 48.13632908, 849.4639547, 392.4043292),
    104: (36157.10817, 95.87787415, 24382.08903, 142.1808715, 40036.31685, 86.58805154, 21608.75072, 160.4288333),
    1360: (411529.9259, 110.158048, 369759.5622, 122.6021934, 424043.2424, 106.9073359, 358342.3275, 126.5084525),
}


def test_dsr_rate_limits_match_published_rows():
    data = pd.read_csv(DATA / "phe_funnel_rate_input_funnels.csv")
    ours = funnel_limits(data, "ev", rate="rate", rate_type="dsr", multiplier=100_000, statistic="rate",
                         years_of_data=3)
    assert len(ours) == 100 and ours["Events"].tolist()[:len(RATE_EVENTS_HEAD)] == RATE_EVENTS_HEAD
    assert ours["Events"].iloc[-1] == 1360
    assert ours["baseline"].iloc[0] == pytest.approx(116.1720835, abs=1e-7)
    assert ours["statistic"].iloc[0] == "rate (dsr per 100,000)"
    cols = ["lower_2s_population_1_year", "lower_2s_limit", "upper_2s_population_1_year", "upper_2s_limit",
            "lower_3s_population_1_year", "lower_3s_limit", "upper_3s_population_1_year", "upper_3s_limit"]
    for events, expected in RATE_ROWS.items():
        row = ours.loc[ours["Events"] == events, cols].iloc[0].to_numpy(dtype=float)
        np.testing.assert_allclose(row, expected, rtol=1e-4)


def test_funnel_points_for_dsrs():
    # calculate_funnel_points: DSR points with fewer than 10 events are not plotted;
    # denominator_derived = 100,000 × events / rate / years: 414 × 1e5 / 184 / 3 = 75,000
    data = pd.read_csv(DATA / "phe_funnel_rate_input_funnels.csv").head(2)
    data.loc[1, "ev"] = 5
    out = funnel_points(data, "ev", "rate", "dsr", years_of_data=3)
    assert out["denominator_derived"].iloc[0] == pytest.approx(75_000)
    assert np.isnan(out["rate_chart"].iloc[1]) and np.isnan(out["denominator_derived"].iloc[1])


def test_funnel_input_checks():
    df = pd.DataFrame({"x": [0, 5], "r": [0.0, 10.0]})
    with pytest.raises(ValueError, match="rows with 0 events"):
        funnel_significance(df, "x", statistic="rate", rate="r", rate_type="crude", multiplier=100)
    with pytest.raises(ValueError, match="'statistic'"):
        funnel_limits(df, "x", "r", statistic="mean")
    with pytest.raises(ValueError, match="must not be larger"):
        funnel_significance(pd.DataFrame({"x": [5], "n": [4]}), "x", "n")

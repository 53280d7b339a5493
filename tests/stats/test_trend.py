"""Fingertips recent-trend markers: the tests against R, statsmodels and hand-built series."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import Table

from cscp_analysis.stats import chi2_for_trend, recent_trend, trend_polarity

# the example series of PHEindicatormethods' assign_trend_markers documentation
EXAMPLE = pd.DataFrame({
    "Year": [1, 2, 3, 4, 5],
    "Count": [1367, 1332, 1199, 1023, 994],
    "Denominator": [44701, 44064, 42811, 41527, 40299],
    "Value": [30.6, 30.2, 28, 24.6, 24.67],
    "LL": [28.98, 28.63, 26.44, 23.15, 23.16],
    "UL": [32.25, 31.9, 29.64, 26.19, 26.25],
})


def test_chi2_for_trend_matches_r_prop_trend_test():
    # R ?prop.trend.test: smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82);
    # prop.trend.test(smokers, patients) gives X-squared = 8.2249, df = 1, p-value = 0.004132
    assert chi2_for_trend([83, 90, 129, 70], [86, 93, 136, 82]) == pytest.approx(8.2249, abs=5e-5)


def test_chi2_for_trend_matches_statsmodels_linear_by_linear():
    # statsmodels' linear-by-linear statistic is (N − 1) r²; Cochran–Armitage is N r²
    x = np.array(EXAMPLE["Count"])
    n = np.array(EXAMPLE["Denominator"])
    res = Table(np.column_stack([x, n - x])).test_ordinal_association()
    z2 = ((res.statistic - res.null_mean) / res.null_sd) ** 2
    assert chi2_for_trend(x, n) == pytest.approx(z2 * n.sum() / (n.sum() - 1), rel=1e-9)


def test_proportion_trend_decreasing():
    out = recent_trend(EXAMPLE, "Year", numerator="Count", denominator="Denominator")
    assert out["trend"].iloc[0] == "Decreasing"
    assert out["chi2"].iloc[0] > 9.5495
    # direction: least-squares slope of logit(x/n) on year
    logit = np.log(EXAMPLE.Count / (EXAMPLE.Denominator - EXAMPLE.Count))
    assert out["slope"].iloc[0] == pytest.approx(np.polyfit(EXAMPLE.Year, logit, 1)[0], rel=1e-9)


def test_other_trend_matches_weighted_least_squares_with_known_variances():
    # se = (UL − LL) / 3.92; weights 1/se²; the slope's SE with the variances taken as known (scale 1)
    se = (EXAMPLE.UL - EXAMPLE.LL) / (2 * 1.959963984540054)
    fit = sm.WLS(EXAMPLE.Value, sm.add_constant(EXAMPLE.Year), weights=1 / se ** 2).fit(
        cov_type="fixed scale", cov_kwds={"scale": 1.0})
    out = recent_trend(EXAMPLE, "Year", kind="other", value="Value", lower="LL", upper="UL")
    assert out["slope"].iloc[0] == pytest.approx(fit.params["Year"], rel=1e-9)
    assert out["chi2"].iloc[0] == pytest.approx((fit.params["Year"] / fit.bse["Year"]) ** 2, rel=1e-9)
    assert out["trend"].iloc[0] == "Decreasing"


def test_one_point_driving_the_trend_is_an_outlier():
    # flat, then a jump in the last year: significant, but leaving out the last point reverses the slope
    df = pd.DataFrame({"year": range(2020, 2025), "v": [10.0, 10.2, 10.1, 10.0, 14.0]})
    df["lo"], df["hi"] = df.v - 0.2, df.v + 0.2
    out = recent_trend(df, "year", kind="other", value="v", lower="lo", upper="hi")
    assert out["chi2"].iloc[0] > 9.5495
    assert out["trend"].iloc[0] == "No significant change"
    assert out["trend_reason"].iloc[0] == "Outlier found"


def test_only_the_last_five_points_count_and_groups_are_vectorised():
    rising = EXAMPLE.assign(Count=EXAMPLE.Count.to_numpy()[::-1], Denominator=EXAMPLE.Denominator.to_numpy()[::-1])
    six = pd.concat([EXAMPLE.iloc[[0]].assign(Year=0, Count=40000), EXAMPLE])  # a wild year 0 is ignored
    df = pd.concat([six.assign(area="A"), rising.assign(area="B"), EXAMPLE.iloc[:4].assign(area="C"),
                    EXAMPLE.assign(area="D", Count=[0, 1332, 1199, 1023, 994]),
                    EXAMPLE.assign(area="E", Count=[1399, 1385, 1336, 1305, 1259])])  # flat: 3.12% to 3.14%
    out = recent_trend(df, "Year", numerator="Count", denominator="Denominator", group_by="area",
                       polarity="lower_is_better")
    assert out["area"].tolist() == ["A", "B", "C", "D", "E"]
    assert out["trend"].tolist() == ["Decreasing", "Increasing", "Cannot be calculated", "Cannot be calculated",
                                     "No significant change"]
    assert out["trend_polarity"].tolist() == ["Decreasing and getting better", "Increasing and getting worse",
                                              "Cannot be calculated", "Cannot be calculated", "No significant change"]
    assert out["n_points"].tolist() == [5, 5, 4, 5, 5]
    assert out["trend_reason"].iloc[2] == "Fewer than 5 data points"
    assert out["period"].tolist() == [5, 5, 4, 5, 5]


def test_duplicate_years_cannot_be_calculated():
    df = EXAMPLE.copy()
    df.loc[4, "Year"] = 4
    out = recent_trend(df, "Year", numerator="Count", denominator="Denominator")
    assert out["trend"].iloc[0] == "Cannot be calculated"
    assert out["trend_reason"].iloc[0] == "Duplicate time periods"


def test_trend_polarity_labels():
    out = trend_polarity(["Increasing", "Decreasing", "Increasing", "No significant change"],
                         ["higher_is_better", "higher_is_better", "neither", "lower_is_better"])
    assert list(out) == ["Increasing and getting better", "Decreasing and getting worse", "Increasing",
                         "No significant change"]


def test_trend_input_checks():
    with pytest.raises(ValueError, match="'kind'"):
        recent_trend(EXAMPLE, "Year", kind="rate")
    with pytest.raises(ValueError, match="needs 'value', 'lower' and 'upper'"):
        recent_trend(EXAMPLE, "Year", kind="other", value="Value")
    with pytest.raises(ValueError, match="'Count' must not be larger than 'Denominator'"):
        recent_trend(EXAMPLE.assign(Count=EXAMPLE.Denominator + 1), "Year", numerator="Count",
                     denominator="Denominator")

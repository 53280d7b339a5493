"""Reading cell text as dates, whole numbers and periods (cscp_analysis.returns.parse)."""

import numpy as np
import pandas as pd

from cscp_analysis.returns.parse import to_dates, to_integers, to_periods


def _s(values):
    return pd.Series(values, dtype="str")


def test_dates_in_every_form_partners_send():
    # 46217 is the Excel serial of 2026-07-14: 46217 days after 1899-12-30 (Excel's day 0)
    s = _s(["2026-07-14", "14/07/2026", "14.07.2026", "46217", "2026-07-14 13:05:00", "2026-07-14T00:00:00", None])
    values, bad = to_dates(s)
    assert values.dtype == "datetime64[ns]"
    assert values.iloc[:6].tolist() == [pd.Timestamp("2026-07-14")] * 6
    assert pd.isna(values.iloc[6]) and not bad.any()


def test_dates_that_are_not_dates():
    s = _s(["31/02/2026", "2026-13-01", "x", "2026", "0026-01-01", "14/07/26", "1234"])
    values, bad = to_dates(s)
    assert bad.all() and values.isna().all()


def test_dates_day_first_as_in_england():
    values, _ = to_dates(_s(["03/04/2026"]))
    assert values.iloc[0] == pd.Timestamp("2026-04-03")


def test_whole_numbers_stored_as_text():
    values, bad = to_integers(_s(["412", " 7", "412.0", "1,234", "+5", "-3", "1e3", None]))
    assert values.tolist()[:7] == [412, 7, 412, 1234, 5, -3, 1000]
    assert pd.isna(values.iloc[7]) and not bad.any()
    assert str(values.dtype) == "Int64"


def test_not_whole_numbers():
    values, bad = to_integers(_s(["4.5", "nan", "inf", "twelve", "1,23", "99999999999999999999", "1e300", "1 000"]))
    assert bad.all() and values.isna().all()


def test_periods():
    values, bad = to_periods(_s(["2026-27-Q2", "2026-27-q3", "2026-28-Q1", "2026-27-Q5", "Q2 2026", None]))
    assert values.iloc[:2].tolist() == ["2026-27-Q2", "2026-27-Q3"]
    assert bad.tolist() == [False, False, True, True, True, False]


def test_large_columns_are_vectorised():
    # one million dates and numbers: a per-row Python loop would take far longer than this bound
    import time

    n = 1_000_000
    s = _s(np.array(["2026-07-14"] * n, dtype=object))
    t0 = time.perf_counter()
    to_dates(s)
    to_integers(_s(np.array(["12"] * n, dtype=object)))
    assert time.perf_counter() - t0 < 5

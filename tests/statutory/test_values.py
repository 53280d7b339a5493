"""The small conversions every importer shares, on values as councils' files write them."""

from __future__ import annotations

import numpy as np

from cscp_analysis.statutory.values import iso, make_keys, parse_dates, parse_yes_no, unwrap_annex


def test_dates_in_every_form_the_returns_use():
    days, bad = parse_dates(["2024-03-31", "2024-03-31T00:00:00", "2024-03-31Z", "2024-03-31+01:00", "31/03/2024",
                             "1/4/2024", " 2024-04-01 ", "", None, "31/06/2024", "2024-02-30", "March 2024"])
    assert iso(days).tolist() == ["2024-03-31"] * 5 + ["2024-04-01", "2024-04-01", "", "", "", "", ""]
    assert bad.tolist() == [False] * 9 + [True, True, True]  # blanks are not bad; impossible dates are


def test_yes_and_no_however_written():
    out, bad = parse_yes_no(["true", "FALSE", "1", "0", "Y", "n", "Yes", "a) Yes", "b) No", "", "maybe"])
    assert out.tolist() == ["Y", "N", "Y", "N", "Y", "N", "Y", "Y", "N", "", ""]
    assert bad.tolist() == [False] * 10 + [True]


def test_annex_a_drop_down_values_lose_their_letter_only():
    assert unwrap_annex(["a) WBRI", "q) 6: Police", "b) Female", "WBRI", "\u00a0s) NOBT ", None]).tolist() == [
        "WBRI", "6: Police", "Female", "WBRI", "NOBT", ""]


def test_keys_are_the_child_and_day_with_a_running_number_for_repeats():
    days = np.array(["2024-06-04", "2024-06-04", "2024-06-05", "2024-06-04"], dtype="datetime64[D]")
    assert make_keys("A", ["C1", "C1", "C1", "C2"], days).tolist() == [
        "A-C1-20240604", "A-C1-20240604-2", "A-C1-20240605", "A-C2-20240604"]

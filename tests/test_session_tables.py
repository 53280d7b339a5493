"""How a notebook page writes a table's numbers (cscp_analysis.session)."""

from __future__ import annotations

import pandas as pd

from cscp_analysis.session import _thousands


def test_whole_numbers_of_a_thousand_or_more_get_a_thousands_separator_years_and_codes_do_not():
    table = pd.DataFrame({"rows_received": [9500, 5], "participations": pd.Series([1941, "c"], dtype=object),
                          "year": [2025, 2026], "la_code": [1234, 5678], "rate": [1234.5, 1.0],
                          "negative": [-12000, 0]})
    shown = _thousands(table)
    assert shown["rows_received"].tolist() == ["9,500", 5]
    assert shown["participations"].tolist() == ["1,941", "c"]
    assert shown["year"].tolist() == [2025, 2026] and shown["la_code"].tolist() == [1234, 5678]
    assert shown["rate"].tolist() == [1234.5, 1.0]  # not a whole number: its own formatting decides
    assert shown["negative"].tolist() == ["-12,000", 0]
    assert table["rows_received"].tolist() == [9500, 5]  # the published table is not touched

"""Disclosure control: suppression, rounding, symbols and the final check."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cscp_analysis.disclosure import (
    DisclosureError,
    check_disclosure,
    format_numbers,
    primary_suppression,
    publish_table,
    round_half_up,
    secondary_suppression,
    suppress_table,
)


def recoverable(values_shape, mask, total_row, total_col):
    """Independent check: a suppressed cell is recoverable when its unit vector lies in the row space
    of the additive constraints restricted to the suppressed cells (rank test, not a null space)."""
    n_r, n_c = values_shape
    unknown = [(r, c) for r in range(n_r) for c in range(n_c) if mask[r, c]]
    if not unknown:
        return []
    pos = {cell: j for j, cell in enumerate(unknown)}
    rows = []
    if total_col is not None:
        for r in range(n_r):
            eq = np.zeros(len(unknown))
            for c in range(n_c):
                if (r, c) in pos:
                    eq[pos[(r, c)]] += -1 if c == total_col else 1
            rows.append(eq)
    if total_row is not None:
        for c in range(n_c):
            eq = np.zeros(len(unknown))
            for r in range(n_r):
                if (r, c) in pos:
                    eq[pos[(r, c)]] += -1 if r == total_row else 1
            rows.append(eq)
    a = np.array(rows) if rows else np.zeros((0, len(unknown)))
    rank = np.linalg.matrix_rank(a) if len(a) else 0
    found = []
    for cell, j in pos.items():
        unit = np.zeros(len(unknown))
        unit[j] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.append(cell)
    return found


def test_primary_suppression_keeps_zero_and_is_configurable():
    assert primary_suppression([0, 1, 5, 6, np.nan]).tolist() == [False, True, True, False, False]
    assert primary_suppression([6, 10, 11], threshold=10).tolist() == [True, True, False]


def test_one_dimensional_breakdown_with_total():
    # one group of 3 is suppressed; with the total shown it could be recovered (175 − 120 − 40 − 12),
    # so the next-smallest non-zero cell (12, not the 0) is suppressed too
    df = pd.DataFrame({"cin": [120, 3, 0, 40, 12, 175], "pop": [20000, 800, 50, 3000, 1500, 25350]},
                      index=["WBRI", "MWBC", "ROMA", "ASIAN", "BLACK", "Total"])
    df["rate"] = df["cin"] / df["pop"] * 10_000
    table, mask = publish_table(df, ["cin"], {"rate": "cin"}, total_row="Total")
    assert table["cin"].tolist() == ["120", "c", "0", "40", "c", "175"]
    assert table["rate"].tolist() == ["60.0", "c", "0.0", "133.3", "c", "69.0"]
    assert mask["cin"].tolist() == [False, True, False, False, True, False]
    assert mask["rate"].tolist() == mask["cin"].tolist()
    check_disclosure(table)  # passes


def test_two_dimensional_table_with_margins():
    # row r1 has a 3 and row r2 a 1: each row's next-smallest cell goes too, making a rectangle
    w = pd.DataFrame({"a": [3, 10, 8, 21], "b": [7, 1, 9, 17], "total": [10, 11, 17, 38]},
                     index=["r1", "r2", "r3", "Total"])
    mask = suppress_table(w, total_row="Total", total_column="total")
    assert mask.to_numpy().tolist() == [[True, True, False], [True, True, False], [False, False, False],
                                        [False, False, False]]
    assert recoverable(w.shape, mask.to_numpy(), 3, 2) == []


def test_small_total_is_suppressed_and_protected():
    # a total of 4 is itself a small count; its line then needs a second suppressed cell
    df = pd.DataFrame({"n": [4, 0, 0, 4]}, index=["x", "y", "z", "Total"])
    table, mask = publish_table(df, ["n"], total_row="Total")
    assert table["n"].tolist() == ["c", "0", "0", "c"]


def test_audit_breaks_a_bridge_between_two_suppressed_blocks():
    # two suppressed rectangles joined by one suppressed cell: every line has 0 or ≥ 2 suppressed cells,
    # yet the bridge cell equals (rows 0-1 totals) − (columns 0-1 totals) and is recoverable
    values = np.array([[10, 11, 12, 13, 46], [14, 15, 16, 17, 62], [18, 19, 20, 21, 78], [22, 23, 24, 25, 94],
                       [64, 68, 72, 76, 280]], dtype=float)
    mask = np.zeros(values.shape, dtype=bool)
    for r, c in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        mask[r, c] = True
    assert recoverable(values.shape, mask, 4, 4) == [(1, 2)]
    fixed = secondary_suppression(values, mask, total_row=4, total_col=4)
    assert fixed[mask].all()
    assert recoverable(values.shape, fixed, 4, 4) == []
    assert not secondary_suppression(values, mask, 4, 4, audit=False)[mask == 0].any()


def test_blocks_by_period_and_total_rows_by_value():
    df = pd.DataFrame({"year": ["2024"] * 3 + ["2025"] * 3,
                       "group": ["A", "B", "All"] * 2,
                       "n": [2, 30, 32, 20, 30, 50]})
    table, _ = publish_table(df, ["n"], total_row=("group", "All"), by="year")
    assert table["n"].tolist() == ["c", "c", "32", "20", "30", "50"]
    with pytest.raises(ValueError, match="2 total rows"):
        publish_table(df, ["n"], total_row=("group", "All"))


def test_rounding_symbols_and_national_rows():
    df = pd.DataFrame({"area": ["England", "West Midlands", "Our LA"],
                       "n": [12345, 14, 7], "pct": [12.25, 0.04, np.nan], "rate": [0.05, 3.14159, 2.0]})
    na = pd.DataFrame({"rate": [False, False, True]}, index=df.index)
    table, mask = publish_table(df, ["n"], {"pct": "n", "rate": "n"}, round_counts=10,
                                round_rows=np.array([True, True, False]), not_applicable=na)
    assert table["n"].tolist() == ["12350", "10", "7"]
    assert table["pct"].tolist() == ["12.3", "low", "x"]  # half up; non-zero that rounds to 0; missing
    assert table["rate"].tolist() == ["0.1", "3.1", "z"]
    assert table["area"].tolist() == df["area"].tolist()


def test_round_half_up_and_format():
    # half away from zero, as DfE and Excel: 2.25 -> 2.3, 2.675 -> 2.68 (binary 2.67499… is pre-rounded), -0.05 -> -0.1
    assert round_half_up([2.25, 2.675, -0.05], 2).tolist() == pytest.approx([2.25, 2.68, -0.05])
    assert round_half_up([2.25, -0.05, 0.04], 1).tolist() == pytest.approx([2.3, -0.1, 0.0])
    assert round_half_up([15, 14, 25], base=10).tolist() == [20, 10, 30]
    assert format_numbers([0.0, -0.04, 1234.56]).tolist() == ["0.0", "low", "1234.6"]


def test_check_disclosure_catches_small_counts_and_leaks():
    with pytest.raises(DisclosureError, match=r"column 'n' shows counts from 1 to 5 in row 1"):
        check_disclosure(pd.DataFrame({"n": ["10", "3", "c"]}), counts=["n"])
    with pytest.raises(DisclosureError, match="is shown where its count is suppressed"):
        check_disclosure(pd.DataFrame({"n": ["10", "c"], "rate": ["1.0", "0.3"]}), counts=["n"],
                         derived={"rate": "n"})
    check_disclosure(pd.DataFrame({"n": ["1,234", "0", "low", "x", "z"]}), counts=["n"])
    with pytest.raises(DisclosureError):
        check_disclosure(pd.DataFrame({"n": [8]}), counts=["n"], threshold=10)


def test_publish_table_input_checks():
    df = pd.DataFrame({"n": [1, -2], "r": [0.1, 0.2]})
    with pytest.raises(ValueError, match="must not be negative"):
        publish_table(df, ["n"])
    with pytest.raises(ValueError, match="comes from 'm'"):
        publish_table(df.abs(), ["n"], {"r": "m"})
    with pytest.raises(ValueError, match="'threshold'"):
        publish_table(df.abs(), ["n"], threshold=0)


grids = st.integers(2, 5).flatmap(lambda r: st.integers(2, 5).flatmap(
    lambda c: st.lists(st.lists(st.sampled_from([0, 1, 2, 3, 5, 6, 8, 12, 20, 45, 100]), min_size=c, max_size=c),
                       min_size=r, max_size=r)))


@settings(max_examples=60, deadline=None)
@given(grids, st.sampled_from([3, 5, 10]))
def test_property_no_small_count_shown_and_nothing_recoverable(inner, threshold):
    inner = np.array(inner, dtype=float)
    full = np.zeros((inner.shape[0] + 1, inner.shape[1] + 1))
    full[:-1, :-1] = inner
    full[:-1, -1] = inner.sum(axis=1)
    full[-1, :-1] = inner.sum(axis=0)
    full[-1, -1] = inner.sum()
    cols = [f"c{j}" for j in range(inner.shape[1])] + ["total"]
    df = pd.DataFrame(full, columns=cols, index=[f"r{i}" for i in range(inner.shape[0])] + ["Total"])
    df["pct"] = df["c0"] / df["total"].where(df["total"] > 0) * 100
    table, mask = publish_table(df, cols, {"pct": ["c0", "total"]}, threshold=threshold, total_row="Total",
                                total_column="total")
    check_disclosure(table)  # no count 1..threshold shown, no derived figure beside a suppressed count
    m = mask[cols].to_numpy()
    small = (full >= 1) & (full <= threshold)
    assert m[small].all()
    assert recoverable(full.shape, m, full.shape[0] - 1, full.shape[1] - 1) == []
    # and the simple rule holds on every line
    assert not (m.sum(axis=1) == 1).any() and not (m.sum(axis=0) == 1).any()


def test_a_published_cell_is_read_as_a_number_or_not_at_all():
    from cscp_analysis.disclosure import cell_number, is_cell_number

    assert cell_number("1,234") == 1234.0 and cell_number(" 5.5 ") == 5.5 and cell_number(7) == 7.0
    for symbol in ("c", "[c]", "[s]", "x", "z", "low", "", "hidden"):
        assert np.isnan(cell_number(symbol)) and not is_cell_number(symbol)
    assert is_cell_number("0") and not is_cell_number(True)

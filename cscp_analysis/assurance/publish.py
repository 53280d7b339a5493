"""Publishing the assurance evidence: disclosure control, and sections ready for the notebook.

Every published table goes through :mod:`cscp_analysis.disclosure`:

* tables counting people or events about people (children's case files, reviews, learners,
  respondents, allegations, deaths) through :func:`publish` (``disclosure.publish_table``: counts 1 to
  the threshold shown as ``c``, secondary suppression along the table's totals, every percentage or
  statistic drawn from a suppressed count shown as ``c``, rounding half up once);
* tables about organisations (self-assessment ratings, the action plan) through :func:`format_only`
  (``disclosure.format_numbers``: the same rounding and symbols, no suppression; docs/assurance.md
  says why).

Each area's ``section(...)`` returns a :class:`cscp_analysis.sections.Section` built with these
helpers; the notebook shows it with one call, ``ctx.show(assurance.audits.section(...))``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .. import disclosure

__all__ = [
    "threshold",
    "publish",
    "format_only",
    "number",
    "cell",
    "suppressed_total",
    "dates_as_text",
]


def threshold(config=None, cdop: bool = False) -> int:
    """The partnership's suppression threshold (``cdop_threshold`` for child deaths), 5 by default."""
    if cdop:
        return int(getattr(config, "cdop_threshold", getattr(config, "suppression_threshold", 5)))
    return int(getattr(config, "suppression_threshold", 5))


def dates_as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ISO dates (``YYYY-MM-DD``), blanks as empty text."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d").fillna("")
    return out


def publish(df: pd.DataFrame, counts: Sequence[str], config=None, *, derived: Mapping | None = None,
            total_row=None, total_column: str | None = None, by=None, cdop: bool = False,
            decimals: int | Mapping[str, int] = 1, threshold_value: int | None = None,
            own_work: bool = False) -> disclosure.Published:
    """Suppress and round a table counting people or events (``disclosure.publish_table``).

    ``own_work=True`` marks counts of the partnership's own work (reviews, audits, training places, survey
    responses, LADO and CDOP totals): the board's internal pack shows them as they are, the public pack
    applies the rule (``docs/disclosure.md``)."""
    t = threshold_value if threshold_value is not None else threshold(config, cdop)
    as_they_are = own_work and disclosure.shows_own_work(config)
    pub = disclosure.publish_table(dates_as_text(df), counts, derived, threshold=t, total_row=total_row,
                                   total_column=total_column, by=by, decimals=decimals, suppress=not as_they_are)
    pub.table.attrs["own_work"] = as_they_are  # Section.add_table reads it: the pack records the table as such
    return pub


def own_work(config) -> bool:
    """Whether this run shows the partnership's own counts as they are (the board's pack)."""
    return disclosure.shows_own_work(config)


def format_only(df: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    """Round the named columns half up (``disclosure.format_numbers``), symbols for missing; no suppression.

    For tables about organisations, whose counts are not counts of people.
    """
    out = dates_as_text(df)
    for c, places in decimals.items():
        out[c] = disclosure.format_numbers(pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float), places)
    return out


number = disclosure.cell_number  # a published cell as a number (NaN for a symbol)


def cell(table: pd.DataFrame, key_column: str, key, column: str) -> float:
    """The number in ``column`` of the row whose ``key_column`` is ``key`` (NaN if suppressed or absent)."""
    rows = table.loc[table[key_column] == key, column]
    return number(rows.iloc[0]) if len(rows) else float("nan")


def suppressed_total(n: int, threshold_value: int) -> str:
    """A lone total as published: ``c`` from 1 to the threshold, the number otherwise."""
    return disclosure.Hidden(disclosure.PRIMARY, n) if 1 <= n <= threshold_value else str(int(n))

"""The building blocks of the schemas: a column, a relation to a parent table, a date pending as at a period end,
and a schema (``cscp_analysis.returns.schemas`` defines every return with them)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TYPES", "Column", "Relation", "Pending", "Schema", "yes_no", "GRADES"]

TYPES = ("id", "text", "code", "date", "integer", "period")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # a blank value is allowed
    codes: tuple[str, ...] | None = None  # allowed values
    codes_from: str | None = None  # allowed values taken from the partnership configuration
    min: float | None = None
    max: float | None = None
    example: str = ""
    planned: bool = False  # a date planned ahead (a due date): it may lie after the extract date

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")


@dataclass(frozen=True)
class Relation:
    """``column`` of this table must match ``parent_column`` of ``parent`` (a row that exists)."""

    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class Pending:
    """As at a period end, a ``date`` after it has not happened yet.

    The date is blanked, the ``blank`` columns (known only once it has happened) are blanked too, and
    each ``(column, value)`` of ``reset`` is set to the value it had before, e.g. an LADO allegation
    concluded after the period end is ``ongoing`` as at the period end.
    """

    date: str
    blank: tuple[str, ...] = ()
    reset: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Schema:
    name: str
    file: str  # relative path; "{period}" stands for the period folder, "{agency}" for the agency code
    title: str
    description: str
    scope: str  # "population", "extract", "register" or "period"
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    date_order: tuple[tuple[str, str], ...] = ()  # (earlier, later) pairs within a row
    owner: str = ""  # the agency that supplies it
    period_date: str | None = None  # the date column that places a row in a period (if any)
    # As at a period end (cscp_analysis.returns.asat): rows whose ``starts`` date is after the period end
    # have not happened yet and are left out; each ``Pending`` date after the period end is blanked.
    starts: str | None = None
    pending: tuple[Pending, ...] = ()
    as_at_note: str = ""  # an as-at rule that is not a simple start/pending date, in words

    @property
    def record_level(self) -> bool:
        """Rows about individual children, cases or people: their values never go into an evidence pack."""
        return self.scope in ("extract", "register")

    @property
    def sheet(self) -> str:
        """Name of the worksheet in the Excel template (the loader also accepts the first sheet)."""
        return self.name[:31]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def yes_no(name: str, description: str, **kw) -> Column:
    return Column(name, "code", description, codes=("Y", "N"), **kw)


GRADES = ("outstanding", "good", "requires_improvement", "inadequate")  # audits and quality-assurance visits

"""A checked table: the typed rows of one return (read from one file, or several for quarterly returns).

Rules receive a :class:`Table` and a :class:`Context`. ``t.data`` holds the typed values (dates
``datetime64[ns]``, whole numbers ``Int64``, text ``str`` with NaN for blank) and ``_row``, the row of
the partner's file; ``t.text`` the stripped text as received; ``t.bad[column]`` the cells whose text
could not be read as the column's type. For quarterly returns, ``t.folder`` is the quarter of the
folder each row's file is in and ``t.owner`` the agency whose return it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import PartnershipConfig
from ..periods import Period
from . import parse
from .load import RawTable
from .schemas import SCHEMAS, Schema

__all__ = ["Table", "Context", "build_table", "table_from_records"]


@dataclass
class Table:
    schema: Schema
    files: list[RawTable]
    data: pd.DataFrame
    text: pd.DataFrame
    bad: dict[str, np.ndarray]
    file_idx: np.ndarray  # per row: index into ``files``
    file_pos: np.ndarray  # per row: position among the data rows of its file
    folder: np.ndarray | None = None  # per row: the quarter of the folder (quarterly returns)
    owner: np.ndarray | None = None  # per row: the agency whose return it is (partner returns)
    cache: dict = field(default_factory=dict, repr=False)  # results shared by several rules

    @property
    def name(self) -> str:
        return self.schema.name

    def __len__(self) -> int:
        return len(self.data)

    @property
    def rows(self) -> np.ndarray:
        return self.data["_row"].to_numpy()

    def file_of(self, pos: np.ndarray) -> np.ndarray:
        rels = np.array([f.rel for f in self.files] or [""], dtype=object)
        return rels[self.file_idx[pos]] if len(self.files) else np.array([""] * len(pos), dtype=object)


@dataclass
class Context:
    """What rules may look at besides their own table."""

    period: Period  # the quarter being run
    config: PartnershipConfig
    extract_date: pd.Timestamp  # end of the latest quarter in the data: nothing can be dated after it
    accepted: dict[str, pd.DataFrame] = field(default_factory=dict)  # accepted rows of tables checked so far
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)  # rejected rows: keys, _file, _row, reason
    tables: dict[str, Table] = field(default_factory=dict)
    unusable: dict[str, str] = field(default_factory=dict)  # tables whose file could not be used, with why
    _index: dict = field(default_factory=dict, repr=False)

    def parent_index(self, parent: str, column: str) -> pd.Index | None:
        """The values of ``column`` among the accepted rows of ``parent`` (unique: keys were checked)."""
        k = (parent, column)
        if k not in self._index:
            acc = self.accepted.get(parent)
            self._index[k] = None if acc is None else pd.Index(acc[column].to_numpy(dtype=object)).drop_duplicates()
        return self._index[k]

    def parent_rows(self, t: Table, column: str, parent: str, parent_column: str) -> np.ndarray | None:
        """For each row of ``t``, the position of its parent among the accepted rows of ``parent`` (-1: none).

        Computed once per table and link, and shared by the rules that follow the link.
        """
        k = ("parent_rows", column, parent, parent_column)
        if k not in t.cache:
            idx = self.parent_index(parent, parent_column)
            if idx is None:
                t.cache[k] = None
            else:
                acc = self.accepted[parent]
                pos = idx.get_indexer(t.data[column].to_numpy(dtype=object))
                if len(idx) != len(acc):  # duplicated keys cannot happen after RET-031, but be safe
                    first = pd.Index(acc[parent_column].to_numpy(dtype=object)).get_indexer(idx)
                    pos = np.where(pos >= 0, first[np.maximum(pos, 0)], -1)
                t.cache[k] = pos
        return t.cache[k]


def clean_text(cells: np.ndarray) -> pd.Series:
    """Cells as ``str`` with surrounding spaces removed and NaN for blank (numpy's vectorised string functions)."""
    stripped = np.strings.strip(cells.astype(np.dtypes.StringDType()))
    out = stripped.astype(object)
    out[stripped == ""] = np.nan
    return pd.Series(out, dtype="str")


def _typed(schema: Schema, text: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    data: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    for col in schema.columns:
        s = text[col.name]
        if col.type == "date":
            data[col.name], bad[col.name] = parse.to_dates(s)
        elif col.type == "integer":
            data[col.name], bad[col.name] = parse.to_integers(s)
        elif col.type == "period":
            data[col.name], bad[col.name] = parse.to_periods(s)
        else:
            data[col.name] = s
            bad[col.name] = np.zeros(len(s), dtype=bool)
    return pd.DataFrame(data, index=text.index), bad


def build_table(schema: Schema, files: list[RawTable], folders: list[str | None] | None = None,
                owners: list[str | None] | None = None) -> Table:
    """Combine the usable files of one schema into a typed :class:`Table`."""
    idx, pos, rows = [], [], []
    columns: dict[str, list[np.ndarray]] = {c: [] for c in schema.column_names}
    for k, raw in enumerate(files):
        n = len(raw.cells)
        for col in schema.column_names:
            heading = raw.columns.get(col)
            columns[col].append(np.full(n, "", dtype=object) if heading is None
                                else raw.cells[heading].to_numpy(dtype=object))
        idx.append(np.full(n, k, dtype=np.int64))
        pos.append(np.arange(n, dtype=np.int64))
        rows.append(np.asarray(raw.rows, dtype=np.int64))
    # one cleaning pass per column over every file (a quarter's returns are many small files)
    text = pd.DataFrame({c: clean_text(np.concatenate(parts) if parts else np.zeros(0, dtype=object))
                         for c, parts in columns.items()})
    file_idx = np.concatenate(idx) if idx else np.zeros(0, dtype=np.int64)
    file_pos = np.concatenate(pos) if pos else np.zeros(0, dtype=np.int64)
    data, bad = _typed(schema, text)
    data["_row"] = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    folder = owner = None
    if folders is not None:
        folder = np.array(folders, dtype=object)[file_idx] if len(files) else np.zeros(0, dtype=object)
    if owners is not None:
        owner = np.array(owners, dtype=object)[file_idx] if len(files) else np.zeros(0, dtype=object)
    return Table(schema, list(files), data, text, bad, file_idx, file_pos, folder, owner)


def table_from_records(name: str, records: list[dict] | pd.DataFrame, rel: str | None = None,
                       folder: str | None = None, owner: str | None = None) -> Table:
    """A :class:`Table` from rows of text (for tests and notebooks): ``[{"child_id": "C1", ...}, ...]``.

    Columns left out are blank; row numbers start at 2 as if the header were row 1.
    """
    schema = SCHEMAS[name]
    df = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    cells = pd.DataFrame({c: (df[c] if c in df else pd.Series([""] * len(df), dtype=object)) for c in schema.column_names},
                         dtype=object).fillna("").astype(str).astype(object)
    raw = RawTable(path=None, rel=rel or schema.file, cells=cells.reset_index(drop=True),
                   rows=np.arange(2, len(cells) + 2, dtype=np.int64),
                   columns={c: c for c in schema.column_names}, extra=[])
    return build_table(schema, [raw], [folder] if folder is not None or schema.scope == "period" else None,
                       [owner] if owner is not None or name == "partner_return" else None)

"""Writing the demo's files: the schema's columns in order, UTF-8 without BOM, ``\\n`` line endings,
ISO dates, blanks empty, integers without ``.0``, rows already sorted by the table's key.

Large tables are held as :class:`LazyTable` (numeric arrays plus a function per column that turns a
slice of rows into text) and written chunk by chunk, so that a national-scale extract never holds
millions of Python strings at once.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..returns.schemas import Schema

__all__ = ["Column", "LazyTable", "format_ids", "write_table"]

Column = Callable[[slice], np.ndarray]
CHUNK = 250_000


@dataclass
class LazyTable:
    n: int
    columns: dict[str, Column]

    def frame(self, sl: slice = slice(None)) -> pd.DataFrame:
        return pd.DataFrame({c: f(sl) for c, f in self.columns.items()}, dtype=object)


def format_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded ``numbers`` (negative numbers: blank)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    text = np.strings.add(prefix, np.strings.zfill(np.maximum(numbers, 0).astype(str), width)).astype(object)
    text[numbers < 0] = ""
    return text


def _write_rows(fh, columns: list[list[str]]) -> None:
    """Rows of text values as CSV: a plain join when no value needs quoting (the usual case), else ``csv``."""
    n = len(columns[0]) if columns else 0
    if n == 0:
        return
    text = "\n".join(map(",".join, zip(*columns, strict=True))) + "\n"
    if text.count(",") == n * (len(columns) - 1) and text.count("\n") == n and '"' not in text and "\r" not in text:
        fh.write(text)
    else:
        csv.writer(fh, lineterminator="\n").writerows(zip(*columns, strict=True))


def _check_columns(names: list[str], schema: Schema) -> None:
    if list(names) != schema.column_names:
        raise ValueError(f"{schema.name}: columns {list(names)} differ from the schema's {schema.column_names}")


def write_table(table: pd.DataFrame | LazyTable, path: Path, schema: Schema) -> int:
    """Write ``table`` to ``path`` in the schema's layout; the number of rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(table, LazyTable):
        _check_columns(list(table.columns), schema)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(schema.column_names) + "\n")
            for start in range(0, table.n, CHUNK):
                sl = slice(start, min(start + CHUNK, table.n))
                _write_rows(fh, [f(sl).tolist() for f in table.columns.values()])
        return table.n
    _check_columns(list(table.columns), schema)
    df = table.copy()
    for col in schema.columns:
        if col.type == "integer":
            df[col.name] = pd.array(df[col.name], dtype="Int64")
        else:
            df[col.name] = df[col.name].astype(object).where(df[col.name].notna(), "")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        df.to_csv(fh, index=False, lineterminator="\n")
    return len(df)

"""Shared input checks for the statistics functions, and the normal quantile ``_z``.

Every public function converts its inputs through these helpers so that a bad input always raises
the same kind of plain-language ``ValueError``: it names the function's argument, says what is
wrong, and lists the first few offending rows (their positions and, for pandas input, their index
labels). Missing values (NaN, None, pd.NA) are allowed and give missing results; text, negative
counts, zero denominators and numerators above denominators are not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.special import ndtri

__all__ = [
    "_z",
    "_confidence",
    "_confidences",
    "_suffix",
    "_label",
    "_numeric",
    "_counts",
    "_positive",
    "_no_more_than",
    "_rows",
    "_column",
]

_SHOW = 5  # how many offending rows a message lists


def _rows(bad: np.ndarray, index: pd.Index | None = None) -> str:
    """Describe the offending rows: 'rows 3, 7 (index 'a', 'b')' with at most five listed."""
    positions = np.flatnonzero(np.asarray(bad, dtype=bool).ravel())
    shown = positions[:_SHOW]
    text = "row " if len(positions) == 1 else "rows "
    text += ", ".join(str(int(p)) for p in shown)
    if index is not None and len(index) == np.asarray(bad).size:
        labels = [index[int(p)] for p in shown]
        labels = [lab.item() if isinstance(lab, np.generic) else lab for lab in labels]
        if not all(isinstance(lab, (int, np.integer)) and int(lab) == int(p) for lab, p in zip(labels, shown, strict=True)):
            text += " (index " + ", ".join(repr(lab) for lab in labels) + ")"
    if len(positions) > _SHOW:
        text += f" and {len(positions) - _SHOW} more"
    return text


def _numeric(values, name: str, *, where: str = "") -> np.ndarray:
    """Return ``values`` as a float array; raise a ValueError naming ``name`` if any entry is not a number.

    Scalars, lists, numpy arrays and pandas Series are accepted; missing values become NaN.
    Booleans are rejected (a count of True/False is almost always a mistake).
    """
    index = values.index if isinstance(values, (pd.Series, pd.Index)) else None
    prefix = f"{where}: " if where else ""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if isinstance(values, (pd.Series, pd.Index)):
        dtype = values.dtype
        if pd.api.types.is_bool_dtype(dtype):
            raise ValueError(f"{prefix}'{name}' must be numeric, not true/false values")
        if pd.api.types.is_numeric_dtype(dtype):
            return values.to_numpy(dtype=float, na_value=np.nan)
        raw = values.to_numpy(dtype=object)
    else:
        arr = np.asarray(values)
        if arr.dtype.kind == "b":
            raise ValueError(f"{prefix}'{name}' must be numeric, not true/false values")
        if arr.dtype.kind in "iuf":
            return arr.astype(float, copy=False)
        raw = arr.astype(object)
    flat = raw.ravel()
    out = np.empty(flat.shape, dtype=float)
    bad = np.zeros(flat.shape, dtype=bool)
    for i, v in enumerate(flat):  # only reached for object input, which is already slow and rare
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out[i] = np.nan
        elif isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            bad[i] = True
        else:
            out[i] = float(v)
    if bad.any():
        example = flat[np.flatnonzero(bad)[0]]
        raise ValueError(
            f"{prefix}'{name}' must be numeric but has non-numeric values in {_rows(bad, index)}, "
            f"for example {example!r}"
        )
    return out.reshape(raw.shape)


def _counts(values, name: str, *, where: str = "", index: pd.Index | None = None) -> np.ndarray:
    """A float array of non-negative counts (NaN allowed); negative values raise a ValueError."""
    if index is None and isinstance(values, pd.Series):
        index = values.index
    arr = _numeric(values, name, where=where)
    bad = arr < 0
    if bad.any():
        prefix = f"{where}: " if where else ""
        raise ValueError(f"{prefix}'{name}' must not be negative but is negative in {_rows(bad, index)}")
    return arr


def _positive(values, name: str, *, where: str = "", index: pd.Index | None = None) -> np.ndarray:
    """A float array of strictly positive values (denominators, populations); zero or less raises."""
    if index is None and isinstance(values, pd.Series):
        index = values.index
    arr = _numeric(values, name, where=where)
    bad = arr <= 0
    if bad.any():
        prefix = f"{where}: " if where else ""
        kind = "zero" if not (arr < 0).any() else "zero or negative"
        raise ValueError(
            f"{prefix}'{name}' is a denominator and must be greater than zero but is {kind} in {_rows(bad, index)}"
        )
    return arr


def _no_more_than(x: np.ndarray, n: np.ndarray, x_name: str, n_name: str, *, where: str = "",
                  index: pd.Index | None = None) -> None:
    """Raise if a numerator exceeds its denominator (proportions)."""
    with np.errstate(invalid="ignore"):
        bad = np.asarray(x > n)
    if bad.any():
        prefix = f"{where}: " if where else ""
        raise ValueError(
            f"{prefix}'{x_name}' must not be larger than '{n_name}' for a proportion but is larger in "
            f"{_rows(bad, index)}"
        )


def _confidence(confidence) -> float:
    """Normalise one confidence level: 0.95 or 95 -> 0.95; 0.998 or 99.8 -> 0.998.

    Accepted: 0.9 < c < 1 (or 90 < c < 100), the open interval docs/architecture.md §3.3 sets; anything else
    raises (PHEindicatormethods also accepts exactly 0.9; a 90% interval is not used here).
    """
    if isinstance(confidence, (bool, np.bool_)) or not isinstance(confidence, (int, float, np.integer, np.floating)):
        raise ValueError(f"'confidence' must be a number such as 0.95 or 95, not {confidence!r}")
    c = float(confidence)
    if 90 < c < 100:
        c = c / 100
    if not (0.9 < c < 1):
        raise ValueError(
            f"'confidence' must be between 0.9 and 1 (or 90 and 100), for example 0.95 or 99.8; got {confidence!r}"
        )
    return round(c, 10)


def _confidences(confidence) -> list[float]:
    """One or several confidence levels as a list of floats in (0.9, 1), without duplicates."""
    if isinstance(confidence, (str, bytes)):
        raise ValueError(f"'confidence' must be a number such as 0.95 or 95, not {confidence!r}")
    if isinstance(confidence, Iterable):
        levels = [_confidence(c) for c in confidence]
        if not levels:
            raise ValueError("'confidence' must contain at least one level")
    else:
        levels = [_confidence(confidence)]
    if len(set(levels)) != len(levels):
        raise ValueError(f"'confidence' lists the same level twice: {confidence!r}")
    return levels


def _z(confidence) -> float:
    """Two-sided standard normal quantile: z = Φ⁻¹(1 − (1 − c)/2); 1.959964 at 95%, 3.090232 at 99.8%."""
    c = _confidence(confidence)
    return float(ndtri(1 - (1 - c) / 2))


def _suffix(confidence: float) -> str:
    """Column suffix of a confidence level: 0.95 -> '95', 0.998 -> '99_8', 0.975 -> '97_5'."""
    text = f"{confidence * 100:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", "_")


def _label(levels: Sequence[float]) -> str:
    """The ``confidence`` column text: '95%' or '95%, 99.8%'."""
    return ", ".join(_suffix(c).replace("_", ".") + "%" for c in levels)


def _column(df: pd.DataFrame, name, arg: str, where: str) -> pd.Series:
    """Fetch column ``name`` from ``df`` with a clear error when it is missing."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{where}: the first argument must be a pandas DataFrame, not {type(df).__name__}")
    if name not in df.columns:
        raise ValueError(f"{where}: '{arg}' names column {name!r}, which is not in the data "
                         f"(columns: {', '.join(map(str, df.columns))})")
    col = df[name]
    if isinstance(col, pd.DataFrame):
        raise ValueError(f"{where}: column {name!r} appears more than once in the data")
    return col

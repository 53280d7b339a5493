"""The hook by which ``cscp run`` and ``cscp validate`` read statutory files placed in ``csc/``.

:func:`stage` looks in the data folder's ``csc/`` for a CIN census XML, the SSDA903 CSVs or an Annex A
workbook. When there are some, it imports and combines them (``import_folder``) into a private
temporary folder (mode 0700) laid out like a data folder (``<tmp>/csc/*.csv``); the loader reads the
extract from there, exactly as it reads a hand-built one, and :meth:`Staged.cleanup` removes the
folder as soon as the tables are in memory (a finaliser removes it too if the loader stops early).
A table the partnership supplies as its own CSV (or workbook) beside the statutory files, for example
``missing_episodes.csv`` with the missing episodes from home that no statutory return holds, is read
from ``csc/`` as before and wins over the statutory sources.
The statutory files, not the temporary CSVs, are recorded as the run's inputs (path under the data
folder, sha256, size), so ``cscp verify`` checks the files the council supplied. What no statutory
source supplied (``missing_fields``) is kept in :attr:`Staged.gaps` for the scorecard to say why an
indicator is not published. A file that is not what its name says is reported, not raised: the
loader turns :attr:`Staged.problems` into file-level validation errors.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import StatutoryFileError

__all__ = ["Staged", "stage"]


@dataclass
class Staged:
    root: Path | None = None  # the temporary data folder (holding csc/), or None when there is nothing staged
    files: list[Path] = field(default_factory=list)  # the statutory files imported
    report: pd.DataFrame | None = None  # the import report (table, read, written, set_aside)
    gaps: dict[str, str] = field(default_factory=dict)  # missing_fields of the import
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path under the data folder, what is wrong)
    tables: set[str] = field(default_factory=set)  # the tables read from the staged folder
    _finalizer: object = None

    def base(self, schema, data_dir: Path) -> Path:
        """The data folder to read ``schema``'s file from: the staged one for a table the statutory files
        supplied and the partnership did not supply itself."""
        return self.root if self.active and schema.name in self.tables else data_dir

    @property
    def active(self) -> bool:
        return self.root is not None

    def cleanup(self) -> None:
        if self._finalizer is not None:
            self._finalizer()  # removes the folder (once)

    def inputs(self, inputs: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
        """The run's inputs with the staged extract's CSVs replaced by the statutory files."""
        if not self.files:
            return inputs
        staged_files = {f"csc/{t}.csv" for t in self.tables}
        keep = inputs[~inputs["path"].astype(str).isin(staged_files)]
        rows = []
        for p in self.files:
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    h.update(block)
            rows.append({"path": p.relative_to(data_dir).as_posix(), "sha256": h.hexdigest(), "bytes": p.stat().st_size})
        out = pd.concat([keep, pd.DataFrame(rows, columns=inputs.columns)], ignore_index=True)
        return out.sort_values("path").reset_index(drop=True)


def stage(data_dir) -> Staged:
    """Import the statutory files of ``data_dir/csc`` into a private temporary folder (see the module docstring)."""
    from . import import_folder, missing_fields

    data_dir = Path(data_dir)
    csc = data_dir / "csc"
    if not csc.is_dir():
        return Staged()
    root = Path(tempfile.mkdtemp(prefix="cscp-statutory-"))  # mkdtemp makes it 0700
    staged = Staged(root=root)
    staged._finalizer = weakref.finalize(staged, shutil.rmtree, str(root), True)
    try:
        report, files = import_folder(csc, root / "csc")
    except StatutoryFileError as exc:
        path = Path(exc.path)
        rel = path.relative_to(data_dir).as_posix() if path.is_absolute() and data_dir in path.parents else exc.path
        staged.problems.append((rel, exc.what))
        staged.cleanup()
        return Staged(problems=staged.problems)
    if not files:
        staged.cleanup()
        return Staged()
    from ..returns.load import find_file
    from ..returns.schemas import CSC_TABLES

    own = {t for t in CSC_TABLES if find_file(csc, t)[0] is not None}  # the partnership's own tables win
    staged.tables = {t for t in CSC_TABLES if (root / "csc" / f"{t}.csv").is_file()} - own
    staged.files, staged.report = files, report
    staged.gaps = {k: v for k, v in missing_fields(root / "csc").items() if k.split(".")[0] not in own}
    return staged

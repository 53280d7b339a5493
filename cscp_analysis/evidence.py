"""The evidence pack: where tables and figures are written, and the manifest and checksums.

Layout of ``outputs/<period>/`` (docs/architecture.md §3.2)::

    index.html  manifest.json  checksums.sha256  validation_report.txt
    notebooks/*.ipynb  html/*.html  tables/*.csv  figures/*.svg|png  rejected/*.csv

Notebooks never write files themselves: they hand tables and figures to a :class:`Pack`, which
writes them deterministically (same data, same bytes) and records a catalogue entry for each (title,
lens, alt text, source notebook) so that the index and the manifest can list them. Only published,
disclosure-controlled tables may be written; :meth:`Pack.table` refuses a table with an unsuppressed
small count in a column declared as a count.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from . import spreadsheet_safety

__all__ = [
    "LENSES",
    "Pack",
    "CatalogueEntry",
    "sha256_file",
    "write_checksums",
    "read_checksums",
    "build_manifest",
    "deterministic_csv",
    "read_catalogue",
    "read_table",
]

# The four lenses of the partnership's Quality Assurance Framework (docs/architecture.md §1), in the order the index shows them.
LENSES: dict[str, str] = {
    "summary": "Scrutiny summary",
    "independent": "Independent lens: performance scorecard, benchmarking and disproportionality",
    "provider": "Provider lens: allegations against people who work with children",
    "professional": "Professional lens: audits, self-assessments, reviews and training",
    "citizen": "Citizen lens: the voice of children and families",
    "data": "Data returns, validation and data quality",
}

_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
CATALOGUE_DIR = ".catalogue"


@dataclass
class CatalogueEntry:
    kind: str  # "table" or "figure"
    name: str
    title: str
    lens: str
    files: list[str]
    notebook: str = ""
    alt: str = ""
    source: str = ""
    number: str = ""  # figure/table number in a figure book (annual report)
    extra: dict = field(default_factory=dict)


def deterministic_csv(df: pd.DataFrame) -> bytes:
    """CSV bytes that depend only on the data: UTF-8, ``\\n`` line endings, no index, fixed float format."""
    buf = io.StringIO()
    spreadsheet_safety.neutralise(df).to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue().encode("utf-8")


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Pack:
    """Writes tables and figures of one evidence pack (or of a notebook run outside a pack).

    ``Pack(root, notebook="02_performance_scorecard")``. ``root`` is the pack folder being built.
    """

    def __init__(self, root: str | Path, notebook: str = "", suppression_threshold: int = 5,
                 audience: str = "public"):
        self.root = Path(root)
        self.notebook = notebook
        self.threshold = suppression_threshold
        self.audience = audience  # "board" (internal, OFFICIAL-SENSITIVE) or "public"
        (self.root / "tables").mkdir(parents=True, exist_ok=True)
        (self.root / "figures").mkdir(parents=True, exist_ok=True)

    # --- names and the catalogue -------------------------------------------------------------
    @staticmethod
    def _check_name(name: str) -> str:
        if not _SAFE_NAME.match(name):
            raise ValueError(f"artefact name {name!r} must be lower-case letters, digits, '_' or '-'")
        return name

    def _catalogue(self, entry: CatalogueEntry) -> None:
        if entry.lens not in LENSES:
            raise ValueError(f"lens {entry.lens!r} is not one of {', '.join(LENSES)}")
        data = json.dumps(asdict(entry), indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")
        _atomic_write(self.root / CATALOGUE_DIR / f"{entry.kind}-{entry.name}.json", data)

    # --- tables ---------------------------------------------------------------------------------
    def table(
        self,
        df: pd.DataFrame,
        name: str,
        title: str,
        lens: str,
        *,
        count_columns: Iterable[str] = (),
        source: str = "",
        number: str = "",
        threshold: int | None = None,
        audit=None,
        own_work: bool | Iterable[int] = False,
    ) -> Path:
        """Write a published table to ``tables/<name>.csv``.

        ``count_columns`` are columns holding counts of children or events: every value must already
        be disclosure-controlled (no number from 1 to the threshold); a leak raises ``ValueError``.
        ``threshold`` overrides the partnership's threshold for a stricter table (child deaths).
        ``audit`` is the table's declaration for the intruder audit (a
        ``cscp_analysis.disclosure_audit.Declaration``, or its ``to_dict()``, or a list of them),
        stored in the catalogue entry as ``extra["audit"]``.
        ``own_work`` marks counts of the partnership's own work (reviews, audits, training places), for
        the whole table (``True``) or for some rows (their positions, as in the scorecard): in the board's
        pack (``audience="board"``) they are shown as they are and recorded as such in the catalogue; in
        the public pack the flag changes nothing and the counts must be suppressed.
        """
        self._check_name(name)
        limit = self.threshold if threshold is None else max(int(threshold), self.threshold)
        board = self.audience == "board"
        own_rows = None if isinstance(own_work, bool) else sorted({int(i) for i in own_work})
        as_they_are = board and (own_work is True or bool(own_rows))
        exempt = np.zeros(len(df), dtype=bool)
        if as_they_are:
            if own_rows is None:
                exempt[:] = True
            else:
                exempt[[i for i in own_rows if 0 <= i < len(df)]] = True
        for col in count_columns:
            if col not in df.columns:
                raise ValueError(f"table {name}: count column {col!r} is not in the table")
            vals = pd.to_numeric(df[col], errors="coerce")
            leak = vals.between(1, limit).to_numpy() & ~exempt
            if leak.any():
                rows = list(df.index[leak][:5])
                raise ValueError(
                    f"table {name}: column {col!r} shows counts from 1 to {limit} at rows {rows}; "
                    "publish it through cscp_analysis.disclosure first"
                )
        path = self.root / "tables" / f"{name}.csv"
        _atomic_write(path, deterministic_csv(df))
        extra = {"count_columns": list(count_columns), "threshold": limit} if count_columns else {}
        if as_they_are:
            extra["own_work"] = True if own_rows is None else own_rows
        if audit is not None:
            extra["audit"] = ([a.to_dict() if hasattr(a, "to_dict") else a for a in audit] if isinstance(audit, list)
                              else audit.to_dict() if hasattr(audit, "to_dict") else audit)
        self._catalogue(CatalogueEntry("table", name, title, lens, [f"tables/{name}.csv"], self.notebook,
                                       source=source, number=number, extra=extra))
        return path

    # --- figures --------------------------------------------------------------------------------
    def figure(
        self,
        fig,
        name: str,
        title: str,
        lens: str,
        alt: str,
        data: pd.DataFrame | None = None,
        *,
        source: str = "",
        number: str = "",
        png_dpi: int | None = None,
    ) -> list[Path]:
        """Write ``figures/<name>.svg`` (and ``.png`` at ``png_dpi``: the print book) and the data behind it.

        Every figure needs alt text and, if it plots numbers, the CSV of those numbers
        (``tables/<name>_data.csv``).
        """
        self._check_name(name)
        if not alt or len(alt.strip()) < 20:
            raise ValueError(f"figure {name}: alt text is required (a sentence describing what the chart shows)")
        from .charts import save_figure  # local import: charts pulls in matplotlib

        files = save_figure(fig, self.root / "figures" / name, png_dpi=png_dpi)
        rel = [f"figures/{p.name}" for p in files]
        if data is not None:
            data_path = self.root / "tables" / f"{name}_data.csv"
            _atomic_write(data_path, deterministic_csv(data))
            rel.append(f"tables/{name}_data.csv")
        self._catalogue(CatalogueEntry("figure", name, title, lens, rel, self.notebook, alt=alt, source=source,
                                       number=number))
        return files

    def workbook(self, name: str, title: str, lens: str, sheets, *, created, marking: str | None = None,
                 source: str = "") -> Path:
        """Write ``<name>.xlsx`` at the top of the pack (deterministic bytes: the creation date is a parameter)."""
        from .workbook import write

        self._check_name(name)
        path = write(self.root / f"{name}.xlsx", sheets, created=created, marking=marking,
                     properties={"title": title, "author": "cscp-analysis"})
        self._catalogue(CatalogueEntry("workbook", name, title, lens, [f"{name}.xlsx"], self.notebook, source=source))
        return path

    def text(self, name: str, content: str) -> Path:
        """A small text artefact (for example the validation report)."""
        path = self.root / name
        _atomic_write(path, content.encode("utf-8"))
        return path


def read_table(pack_dir: str | Path, name: str) -> pd.DataFrame | None:
    """A table already published in the pack being built (``tables/<name>.csv``), or ``None``.

    Used by the scrutiny summary, which gathers what the other notebooks published rather than
    computing it again, so that it can never disagree with them.
    """
    path = Path(pack_dir) / "tables" / f"{name}.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_catalogue(pack_dir: str | Path) -> list[CatalogueEntry]:
    """All catalogue entries written while building a pack, in a stable order."""
    folder = Path(pack_dir) / CATALOGUE_DIR
    out = []
    for p in sorted(folder.glob("*.json")) if folder.exists() else []:
        out.append(CatalogueEntry(**json.loads(p.read_text(encoding="utf-8"))))
    return out


# --- checksums and manifest --------------------------------------------------------------------


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pack_files(pack_dir: Path) -> list[Path]:
    skip = {"checksums.sha256"}
    return sorted(
        p for p in pack_dir.rglob("*")
        if p.is_file() and p.name not in skip and CATALOGUE_DIR not in p.relative_to(pack_dir).parts
    )


def write_checksums(pack_dir: str | Path) -> Path:
    """``checksums.sha256`` for every file of the pack, readable by ``sha256sum -c``."""
    pack_dir = Path(pack_dir)
    lines = [f"{sha256_file(p)}  {p.relative_to(pack_dir).as_posix()}\n" for p in _pack_files(pack_dir)]
    path = pack_dir / "checksums.sha256"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def read_checksums(path: str | Path) -> dict[str, str]:
    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split("  ", 1)
            out[name] = digest
    return out


def _git_state(root: Path) -> dict:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10)
        return {"commit": commit.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


_KEY_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "papermill", "nbconvert", "holidays",
                 "openpyxl", "pyyaml")


def package_versions() -> dict[str, str]:
    out = {}
    for name in _KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def file_records(folder: str | Path, patterns: Iterable[str] = ("**/*",)) -> list[dict]:
    """``[{path, sha256, bytes}]`` of the files under ``folder`` matching ``patterns``, paths relative to it,
    sorted (hidden files and folders left out)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = {p for pat in patterns for p in folder.glob(pat)
             if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}
    return [{"path": p.relative_to(folder).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in sorted(found)]


def build_manifest(
    pack_dir: str | Path,
    *,
    kind: str,
    parameters: dict,
    inputs: pd.DataFrame,
    started: str,
    finished: str,
    project_root: str | Path,
    catalogue: list[CatalogueEntry] | None = None,
    configuration: list[dict] | None = None,
    reference: list[dict] | None = None,
) -> dict:
    """The manifest of a pack: parameters, versions, every input and output with sha256 and size.

    ``configuration`` and ``reference`` list the configuration files (partnership.yaml, indicators.yaml,
    benchmark_measures.yaml) and the published reference data the run read (:func:`file_records`), so that
    ``cscp verify`` can say which of them changed.

    ``started``/``finished`` are the only clock readings in a pack; they live here, never in a table
    or figure, so that tables and figures stay identical between runs.
    """
    from . import __version__

    pack_dir = Path(pack_dir)
    outputs = []
    for p in _pack_files(pack_dir):
        rel = p.relative_to(pack_dir).as_posix()
        if rel == "manifest.json":
            continue
        outputs.append({"path": rel, "sha256": sha256_file(p), "bytes": p.stat().st_size})
    return {
        "kind": kind,
        "parameters": parameters,
        "package": {"name": "cscp-analysis", "version": __version__, **_git_state(Path(project_root))},
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation(),
                   "executable": Path(sys.executable).name, "platform": platform.platform()},
        "packages": package_versions(),
        "inputs": [
            {"path": str(r["path"]), "sha256": str(r["sha256"]), "bytes": int(r["bytes"])}
            for r in inputs.sort_values("path").to_dict("records")
        ] if inputs is not None and len(inputs) else [],
        "configuration": configuration or [],
        "reference": reference or [],
        "outputs": outputs,
        "catalogue": [asdict(e) for e in (catalogue or [])],
        "started": started,
        "finished": finished,
    }

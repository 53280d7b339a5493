"""``cscp import cin-census FILE.xml | ssda903 FILE... | annex-a FILE.xlsx --out DIR [--force]``.

Prints what was read, written and set aside per table, and where the reports are. Exit 0 when the
file was read (records set aside are reported, not failures); a file that is not of the kind named
raises :class:`StatutoryFileError`, which the ``cscp`` command prints as ``cscp: file: what is wrong``
with exit 1.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

__all__ = ["add_import_parser", "print_summary"]


def print_summary(report, out_dir, seconds: float, out=None) -> None:
    """The import report as a small table, and where the other reports are."""
    out = out or sys.stdout
    out_dir = Path(out_dir)
    print(f"imported into {out_dir} in {seconds:.1f} s", file=out)
    width = max([len(t) for t in report["table"]] + [5])
    print(f"  {'table':<{width}}  {'read':>10}  {'written':>10}  {'set aside':>10}", file=out)
    for row in report.itertuples(index=False):
        print(f"  {row.table:<{width}}  {row.read:>10,}  {row.written:>10,}  {row.set_aside:>10,}", file=out)
    if int(report["set_aside"].sum()):
        print(f"records set aside, with the reason: {out_dir / 'rejected'}/", file=out)
    warnings = out_dir / "import_warnings.csv"
    if warnings.is_file():
        import pandas as pd

        w = pd.read_csv(warnings, dtype=str, keep_default_na=False)
        print(f"{len(w)} kind(s) of deviation from the format, {int(pd.to_numeric(w['count']).sum()):,} in all: {warnings}",
              file=out)
    print(f"where each column came from, and what no source supplied: {out_dir / 'sources.csv'}", file=out)


def _run(kind: str, a) -> int:
    from . import import_annex_a, import_cin_census, import_ssda903

    t0 = time.perf_counter()
    if kind == "cin-census":
        report = import_cin_census(a.file, a.out, force=a.force)
    elif kind == "ssda903":
        report = import_ssda903(a.files, a.out, force=a.force)
    else:
        report = import_annex_a(a.file, a.out, force=a.force)
    print_summary(report, a.out, time.perf_counter() - t0)
    return 0


def add_import_parser(subparsers) -> None:
    """``cscp import`` with one sub-command per format."""
    p = subparsers.add_parser("import", help="the children's social care extract from the CIN census, SSDA903 or Annex A")
    kinds = p.add_subparsers(dest="kind", metavar="FORMAT", required=True)

    def common(sp):
        sp.add_argument("--out", required=True, help="folder to write the extract into (empty, or use --force)")
        sp.add_argument("--force", action="store_true", help="replace an earlier import in the folder")

    c = kinds.add_parser("cin-census", help="a children-in-need census XML file (2017 to 2026)")
    c.add_argument("file", help="the CIN census XML file")
    common(c)
    c.set_defaults(func=lambda a: _run("cin-census", a))
    s = kinds.add_parser("ssda903", help="the SSDA903 CSV files (Header, Episodes, UASC, Missing, ...)")
    s.add_argument("files", nargs="+", help="the 903 CSVs, recognised by name (any case) or by their columns")
    common(s)
    s.set_defaults(func=lambda a: _run("ssda903", a))
    x = kinds.add_parser("annex-a", help="Ofsted's Annex A workbook (Lists 1 to 11)")
    x.add_argument("file", help="the Annex A .xlsx workbook")
    common(x)
    x.set_defaults(func=lambda a: _run("annex-a", a))

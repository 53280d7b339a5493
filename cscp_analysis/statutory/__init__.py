"""Statutory data in: the CIN census, SSDA903 and Annex A files councils already produce, read into the
children's social care extract (``csc/*.csv`` as ``docs/data_dictionary.md`` defines it).

    import_cin_census(path, out_dir)      one CIN census XML (collection years 2017 to 2026)
    import_ssda903(paths, out_dir)        the SSDA903 CSVs (Header, Episodes, UASC, Missing, ...)
    import_annex_a(path, out_dir)         Ofsted's Annex A workbook (Lists 1 to 11)
    import_folder(csc_dir, out_dir)       whatever statutory files a folder holds, combined
    missing_fields(extract_dir)           what no source supplied, in a sentence naming the source that would
    add_import_parser(subparsers)         ``cscp import cin-census | ssda903 | annex-a ... --out DIR``

Each writes the tables, ``import_report.csv`` (``table, read, written, set_aside``), ``rejected/``,
``sources.csv`` (where each column came from) and ``import_files.csv``; a file that is not of the kind
named raises :class:`StatutoryFileError` (``file: what is wrong``). docs/statutory_formats.md maps each
format to the extract field by field.
"""

from __future__ import annotations

from .errors import StatutoryFileError
from .extract import Extract, missing_fields, write_extract

__all__ = ["StatutoryFileError", "Extract", "import_cin_census", "import_ssda903", "import_annex_a", "import_folder",
           "missing_fields", "write_extract", "add_import_parser"]


def import_cin_census(path, out_dir, force: bool = False, workers: int | None = None):
    """Read a CIN census XML file and write the extract into ``out_dir``; returns the import report.

    A large file (64 MB or more) is read by as many processes as there are cores (``workers`` to choose);
    the output is the same either way.
    """
    from pathlib import Path

    from .cin_census import read_cin_census
    from .cin_parallel import import_parallel, workers_for

    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such file")
    k = workers if workers is not None else workers_for(Path(path))
    if k > 1:
        return import_parallel(path, out_dir, force=force, workers=k)
    return write_extract(read_cin_census(path), out_dir, force=force)


def import_ssda903(paths, out_dir, force: bool = False):
    """Read the SSDA903 CSVs (recognised by name, any case) and write the extract; returns the import report."""
    from .ssda903 import read_ssda903

    return write_extract(read_ssda903(paths), out_dir, force=force)


def import_annex_a(path, out_dir, force: bool = False):
    """Read an Annex A workbook and write the extract into ``out_dir``; returns the import report."""
    from .annex_a import read_annex_a

    return write_extract(read_annex_a(path), out_dir, force=force)


def import_folder(csc_dir, out_dir, force: bool = False):
    """Detect the statutory files in ``csc_dir``, read and combine them, write the extract into ``out_dir``.

    Returns ``(report, files)``: the import report and the statutory files read (paths), or ``(None, [])``
    when the folder holds none.
    """
    from .folder import read_folder

    extract, files = read_folder(csc_dir)
    if not files:
        return None, []
    return write_extract(extract, out_dir, force=force), files


def add_import_parser(subparsers) -> None:
    """Register ``cscp import ...`` on the CLI's argparse subparsers."""
    from .cli import add_import_parser as add

    add(subparsers)

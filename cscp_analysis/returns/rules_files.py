"""Rules about files and their columns, found while reading (``cscp_analysis.returns.load``).

Their functions only document them: the loader records each problem with the rule's identifier as
it reads, because a file that cannot be read has no rows to give a row rule. A file-level error
rejects every row of the file; the table, or the agency's return, is then blocked.
"""

from __future__ import annotations

from .registry import ERROR, WARNING, rule


@rule("RET-001", table="*", severity=ERROR, kind="file")
def unreadable_file(raw, ctx):
    """The file can be read as CSV (UTF-8 or Windows-1252) or as an Excel workbook (.xlsx).

    Random bytes, a truncated download with an unclosed quotation mark, an old-style ``.xls``
    workbook, another format, or a folder with the file's name where the file should be: nothing in
    it is used until the return itself is sent again.
    """


@rule("RET-002", table="*", severity=ERROR, kind="file")
def empty_file(raw, ctx):
    """The file is not empty: it has column headings and rows."""


@rule("RET-003", table=("population", "extract", "register", "partner_return", "submissions"), severity=ERROR,
      kind="file")
def no_rows(raw, ctx):
    """The file has rows below its column headings.

    The extract and the registers are cumulative, so a register with nothing new still has its
    earlier rows; a partner return with no rows carries none of the agency's figures. (A quarter's
    ``commentary.csv`` may have no rows: RET-003 does not apply to it.)
    """


@rule("RET-004", table="*", severity=WARNING, kind="file")
def different_format(raw, ctx):
    """The file is in the template's format: comma-separated CSV or an Excel workbook.

    A file separated by semicolons, tabs or bars, or an Excel workbook saved with a ``.csv`` name, is
    read anyway. Another copy of a return that holds the same rows (``x.xlsx`` beside ``x.csv``, or
    ``x v2.csv``) is ignored with this warning; a copy that differs is RET-008.
    """


@rule("RET-005", table="period", severity=WARNING, kind="file")
def unexpected_file(raw, ctx):
    """Every file in a quarter's folder is one the partnership expects (a partner return, commentary.csv or submissions.csv).

    Other files are listed and ignored: if an agency's return is sent under another name, rename it
    to the name in ``config/partnership.yaml`` (``returns.agencies.<AGENCY>.file``).
    """


@rule("RET-006", table=("population", "extract", "register", "commentary", "submissions"), severity=ERROR, kind="file")
def missing_file(raw, ctx):
    """The file is in the data folder where the data dictionary says it should be.

    A partner return that is missing is reported by SUB-001 (the quarter being run) or SUB-002
    (an earlier quarter) instead.
    """


@rule("RET-007", table="*", severity=ERROR, kind="file")
def file_too_large(raw, ctx):
    """The file is no larger than the size limit for its return.

    The limit is ``returns.size_limit_mb`` in ``config/partnership.yaml`` (quarterly files and
    cumulative files each have one; an agency may be given its own). The size is checked before the
    file is read, so a file many times larger than a return can be (a whole database exported by
    mistake) is refused at once instead of exhausting the memory and the time of a run.
    """


@rule("RET-008", table="*", severity=ERROR, kind="file")
def two_versions(raw, ctx):
    """A return is sent once: there are not two versions of it that differ.

    ``police v2.csv``, ``police (1).csv``, ``Copy of police.csv`` or ``police.xlsx`` beside
    ``police.csv`` is another version of the police return. When their rows differ it cannot be known
    which is right, so neither is used (the agency's figures for the quarter are not published) until
    the partner removes the version that is out of date. An identical copy is only a warning (RET-004).
    """


@rule("RET-010", table="*", severity=ERROR, kind="file")
def missing_column(raw, ctx):
    """Every required column is present, headed as in the template.

    Headings are matched without regard to case, spaces or punctuation (``Child ID`` is
    ``child_id``). Without a required column no row of the file can be checked, so all are rejected.
    """


@rule("RET-011", table="*", severity=WARNING, kind="file")
def unexpected_column(raw, ctx):
    """The file has no columns other than those of the template.

    Extra columns are ignored (their values are not used anywhere); rename a column that is meant
    to be one of the template's.
    """


@rule("RET-012", table="*", severity=ERROR, kind="file")
def duplicate_heading(raw, ctx):
    """Each column appears once.

    With two columns of the same name it cannot be known which holds the values, so all rows are
    rejected.
    """

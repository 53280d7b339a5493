"""The one refusal of the statutory importers: a file that is not of the kind named, or cannot be read."""

from __future__ import annotations

from ..errors import CscpError

__all__ = ["StatutoryFileError"]


class StatutoryFileError(CscpError, ValueError):
    """A file is not what the command was told it is (a letter renamed ``.xml``, a workbook without
    Annex A's lists, CSVs that are no SSDA903 table), or is broken; the message is ``file: what is wrong``.

    Problems inside a readable file never raise: the records concerned are set aside with the reason
    (``rejected/``) or reported as warnings (``import_warnings.csv``).
    """

    def __init__(self, path, what: str):
        self.path = str(path)
        self.what = what
        super().__init__(f"{path}: {what}")

"""The one base class of every error the package raises on purpose.

An error derived from :class:`CscpError` is an *expected* failure (a wrong period, a partner's file
that cannot be read, a configuration key that is misspelt, a pack that would disclose a small
count): its message is written for the person running the command, names the file, row, column or
key concerned, and the command line prints it as one paragraph, never as a traceback. Anything
else that escapes is a bug.

Each module keeps its own subclass (``PeriodError``, ``ConfigError``, ``ReturnsError``, ...) so that
a caller can catch one kind; each also derives from the built-in exception it always was
(``ValueError``, ``FileNotFoundError``, ``RuntimeError``), so existing ``except ValueError`` code
keeps working.
"""

from __future__ import annotations

__all__ = ["CscpError"]


class CscpError(Exception):
    """An expected failure whose message is for the user (see the module docstring)."""

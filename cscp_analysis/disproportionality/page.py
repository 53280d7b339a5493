"""What every section of the disproportionality page shares: running the analysis (or saying why it could
not run), building a section with its findings, and sending each finding to the question it answers."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..narrative import Finding
from ..sections import Section
from . import cohorts

__all__ = ["LENS", "SOURCE", "Blocked", "run", "skip_if_blocked", "states_set_aside", "set_aside_note", "new_section", "context", "table_section",
           "figure_section", "question_of_finding", "PAGE_QUESTIONS"]

LENS = "independent"
SOURCE = "the children's social care record-level extract and the child population by ethnic group (ONS-based)"
#: the parts of the page a finding can belong to, in reading order
PAGE_QUESTIONS = ("quality", "referred", "reached", "decisions", "looked_after", "characteristics", "trend",
                  "partners", "other")


def new_section(name: str, title: str, found: Iterable[Finding] = (), intro: str = "", source: str = SOURCE) -> Section:
    """A section of this part of the pack, its findings most important first."""
    sec = Section(name, title, LENS, intro=intro, source=source)
    sec.findings = sorted(found, key=lambda f: (-f.weight, f.text))
    return sec


def context(text: str, evidence: str, rule: str) -> Finding:
    return Finding("context", text, LENS, "disproportionality", evidence, rule=rule)


def table_section(name, title, table, counts=(), found=(), intro="", source=SOURCE, audit=None) -> Section:
    """A section of one table; ``audit``: how its counts add up, for the intruder audit (:mod:`.declarations`)."""
    sec = new_section(name, title, found, intro, source)
    sec.add_table(name, title, table, counts, audit=audit)
    return sec


def figure_section(name, title, alt, data, draw, found=(), source=SOURCE) -> Section:
    sec = new_section(name, title, found, source=source)
    sec.add_figure(name, title, alt, data, draw)
    return sec


@dataclass
class Blocked:
    """The analysis could not run: the loader blocked a table it cannot do without."""

    reason: str


def run(returns, config, period):
    """The analysis of the returns for the twelve months to ``period``: a :class:`~.analysis.Results`, or
    :class:`Blocked` when the population or children table was blocked by validation (the notebook then
    says so once and every section is skipped, rather than the whole evidence pack failing)."""
    from .analysis import analyse_returns

    why = getattr(returns, "blocked_reason", None)
    for table in ("population", "children"):
        reason = why(table=table) if why else None
        if reason:
            return Blocked(f"The disproportionality analysis could not run: the {table} table was not usable "
                           f"({reason}).")
    return analyse_returns(returns, config, period)


def set_aside_note(res, stages: Iterable[str] | None = None) -> str:
    """What a section computed from the children table and the tables of ``stages`` (default: every stage
    of the journey) says about rows of them set aside at validation ("" when none were)."""
    from ..returns.page_notes import set_aside_paragraph

    found = (getattr(res, "notes", None) or {}).get("set_aside") or {}
    keys = cohorts.JOURNEY if stages is None else stages
    tables = ["children", *(cohorts.stage(k).table for k in keys)]
    return set_aside_paragraph({t: found[t] for t in dict.fromkeys(tables) if t in found})


def states_set_aside(*stages: str):
    """A section function whose section says, once (after its introduction), which rows of the tables it
    is computed from were set aside at validation: the children table and those of ``stages`` (every stage
    of the journey when none are named)."""

    def wrap(fn):
        @functools.wraps(fn)
        def wrapper(res, *a, **kw):
            sec = fn(res, *a, **kw)
            note = None if sec is None or isinstance(res, Blocked) else set_aside_note(res, stages or None)
            if note:
                sec.intro = f"{sec.intro}\n\n{note}" if sec.intro else note
            return sec

        return wrapper

    return wrap


def skip_if_blocked(fn):
    """A section function that returns ``None`` when the analysis could not run."""

    @functools.wraps(fn)
    def wrapper(res, *a, **kw):
        return None if isinstance(res, Blocked) else fn(res, *a, **kw)

    return wrapper


_EVIDENCE = re.compile(r"^disproportionality_(\w+)\[([^,\]]+)(?:, ([^,\]]+))?")


def question_of_finding(f: Finding) -> str:
    """The part of the page a finding belongs to (one of :data:`PAGE_QUESTIONS`), from its rule and evidence:
    sex, age band and disability go together; ethnic groups by the stage or decision they are about."""
    if f.rule == "DISP-DQ":
        return "quality"
    if f.rule == "DISP-TREND":
        return "trend"
    m = _EVIDENCE.match(f.evidence or "")
    if not m:
        return "other"
    table, stage, characteristic = m.group(1), m.group(2).strip(), (m.group(3) or "").strip()
    if table == "partner_breakdowns":
        return "partners"
    if characteristic in ("sex", "age_band", "disability"):
        return "characteristics"
    if stage == "cla":
        return "looked_after"
    if table == "decision_points":
        return "decisions"
    if stage == "referral":
        return "referred"
    return "reached"

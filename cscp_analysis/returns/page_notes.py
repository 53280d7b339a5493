"""What a page says, in words, about what validation decided for the tables it was computed from.

Validation can let a page go on without some of its input (``docs/data_returns.md``):

* **rows set aside**: a table of the extract or a register whose rejected rows are fewer than
  ``returns.set_aside_threshold_pct`` of its rows is analysed without them
  (:meth:`Returns.set_aside <cscp_analysis.returns.Returns.set_aside>`); every section computed from
  it says so once, with how many, of how many, and why (:func:`set_aside_note`);
* **groups a partner suppressed** itself in a breakdown (``Returns.partner_suppressed``) are shown as
  suppressed by the partner, never as zero (the partner breakdowns say so with
  :func:`partner_suppressed_sentence`);
* **commentary flagged** as giving detail about individual children (``Returns.commentary_flags``)
  is withheld from the public pack and shown to the board with a flag (:func:`commentary_flags_by_row`).

Everything here turns validation's results into sentences a reader can follow: tables are named by
what their rows are ("referrals in the children's social care extract"), rules by their sentence
with column names in words; no file name, rule identifier or column name reaches the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from ..labels import label
from .blocking import SetAside
from .registry import get_rule
from .schemas import SCHEMAS

__all__ = ["ROWS", "rows_words", "set_aside_of", "set_aside_sentence", "set_aside_note", "set_aside_paragraph",
           "set_aside_view",
           "partner_suppressed_sentence", "commentary_flags_by_row"]

_EXTRACT = "the children's social care extract"

#: What a row of each table is (plural, singular) and where it comes from, for sentences.
ROWS: dict[str, tuple[str, str, str]] = {
    "children": ("children's records", "child's record", _EXTRACT),
    "referrals": ("referrals", "referral", _EXTRACT),
    "assessments": ("assessments", "assessment", _EXTRACT),
    "section47": ("section 47 enquiries", "section 47 enquiry", _EXTRACT),
    "icpc": ("initial child protection conferences", "initial child protection conference", _EXTRACT),
    "cp_plans": ("child protection plans", "child protection plan", _EXTRACT),
    "cla_periods": ("periods of care", "period of care", _EXTRACT),
    "cla_placements": ("placements", "placement", _EXTRACT),
    "missing_episodes": ("missing episodes", "missing episode", _EXTRACT),
    "audits": ("audit gradings", "audit grading", "the multi-agency audit register"),
    "self_assessments": ("self-assessment ratings", "self-assessment rating", "the self-assessment register"),
    "reviews": ("reviews", "review", "the register of rapid and practice reviews"),
    "training_attendance": ("training bookings", "training booking", "the training attendance register"),
    "training_evaluation": ("training evaluations", "training evaluation", "the training evaluation register"),
    "actions": ("actions", "action", "the partnership's action plan"),
    "voice_responses": ("survey answers", "survey answer", "the Your Voice Matters survey"),
    "voice_sessions": ("engagement sessions", "engagement session", "the register of engagement sessions"),
    "lado": ("allegations", "allegation", "the LADO register"),
    "child_deaths": ("child death reviews", "child death review", "the child death review register"),
    "qa_visits": ("visits", "visit", "the quality-assurance visits register"),
    "qa_visit_actions": ("visit actions", "visit action", "the register of actions from quality-assurance visits"),
    "stag_attendance": ("attendance records", "attendance record", "the practitioners' group attendance register"),
    "stag_issues": ("issues", "issue", "the practitioners' group issues register"),
    "staff_survey": ("survey answers", "survey answer", "the staff survey"),
    "training_needs": ("training needs", "training need", "the training needs analysis"),
    "contract_monitoring": ("standards reviewed", "standard reviewed", "the contract monitoring register"),
    "voice_reach": ("participant counts", "participant count", "the register of who was heard"),
    "you_said_we_did": ("themes", "theme", "the \"you said, we did\" register"),
    "professional_disagreements": ("disagreements", "disagreement", "the professional disagreements register"),
    "funding_contributions": ("contributions", "contribution", "the funding register"),
    "funding_spend": ("spending lines", "spending line", "the funding register"),
}

_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_BRACKETS = re.compile(r"\s*\([^()]*\)")


def rows_words(table: str) -> tuple[str, str, str]:
    """``(plural, singular, where)`` for a table's rows: ``("referrals", "referral", "the children's ...")``."""
    if table in ROWS:
        return ROWS[table]
    title = SCHEMAS[table].title if table in SCHEMAS else table.replace("_", " ")
    return "rows", "row", f"the file of {title[:1].lower() + title[1:]}"


def _rule_words(sentence: str) -> str:
    """A rule's sentence inside another sentence: brackets dropped, column names in words, no full stop.

    ``"Dates on a row are in order (e.g. a referral_date on or before its cin_closure_date)."`` ->
    ``"dates on a row are in order"``.
    """
    text = _BRACKETS.sub("", sentence).strip().rstrip(".")
    text = _SNAKE.sub(lambda m: label(m.group(0)).lower(), text)
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def _parents(table: str) -> str:
    """The rows a row of ``table`` belongs to, in words ("a referral or a child's record")."""
    parents = [rows_words(r.parent)[1] for r in SCHEMAS[table].relations] if table in SCHEMAS else []
    if not parents:
        return "a record"
    words = [("an " if p[0] in "aeiou" else "a ") + p for p in dict.fromkeys(parents)]
    return " or ".join(words)


def _clauses(sa: SetAside, table: str) -> list[str]:
    """Why the rows were set aside, one clause per rule (with its count when there are several)."""
    parent_rule = get_rule("RET-041").sentence
    out = []
    several = len(sa.reasons) > 1
    for sentence, k in sa.reasons:
        who = f"{k:,}" if several else ("it" if k == 1 else "they")
        if sentence == parent_rule:
            out.append(f"{who} {'belongs' if k == 1 else 'belong'} to {_parents(table)} that was set aside")
        else:
            out.append(f"{who} did not meet the rule that {_rule_words(sentence)}")
    return out


def set_aside_of(returns, tables: Iterable[str]) -> dict[str, SetAside]:
    """The tables among ``tables`` that had rows set aside (``returns.set_aside(t).n > 0``), in order."""
    rows = getattr(returns, "set_aside_rows", None) or {}
    return {t: rows[t] for t in dict.fromkeys(tables) if t in rows and rows[t].n}


def set_aside_sentence(sa: SetAside, table: str, consequence: str = "the figures below leave them out") -> str:
    """One sentence: how many rows of the table were set aside, of how many, why, and what follows.

    ``"5 of 17,620 children's records in the children's social care extract were set aside (they did
    not meet the rule that a date column holds a real date, written YYYY-MM-DD or DD/MM/YYYY, or an
    Excel date); the figures below leave them out."`` ("" when nothing was set aside). With several
    rules, each clause gives its number of rows ("3 did not meet the rule that ...; 2 belong to a
    referral or a child's record that was set aside").
    """
    if not sa.n:
        return ""
    plural, _, where = rows_words(table)
    were = "were" if sa.n != 1 else "was"
    return (f"{sa.n:,} of {sa.total:,} {plural} in {where} {were} set aside ({'; '.join(_clauses(sa, table))}); "
            f"{consequence}.")


def set_aside_note(returns, tables: Iterable[str], lead: str = "The figures below leave out") -> str:
    """What a section computed from ``tables`` says about rows set aside, once: a short paragraph, or "".

    ``"**Rows set aside.** The figures below leave out rows that failed validation and were set aside.
    From the children's social care extract: 5 of 17,620 children's records (they did not meet the rule
    that ...); 8 of 24,160 referrals (they belong to a child's record that was set aside)."``
    """
    return set_aside_paragraph(set_aside_of(returns, tables), lead)


def set_aside_paragraph(found: dict[str, SetAside], lead: str = "The figures below leave out") -> str:
    """The paragraph of :func:`set_aside_note` for tables already looked up (``{table: SetAside}``)."""
    found = {t: sa for t, sa in found.items() if sa.n}
    if not found:
        return ""
    by_place: dict[str, list[str]] = {}
    for table, sa in found.items():
        plural, _, where = rows_words(table)
        by_place.setdefault(where, []).append(f"{sa.n:,} of {sa.total:,} {plural} ({'; '.join(_clauses(sa, table))})")
    places = " ".join(f"From {where}: {'; '.join(items)}." for where, items in by_place.items())
    return f"**Rows set aside.** {lead} rows that failed validation and were set aside. {places}"


def set_aside_view(returns) -> pd.DataFrame:
    """What was set aside and why, for the data-returns page: one row per table with rows set aside.

    Columns (in words): Records, Set aside, Of, Share, Why (each rule in words, with its rows).
    """
    rows = []
    order = {t: i for i, t in enumerate(ROWS)}
    found = getattr(returns, "set_aside_rows", None) or {}
    for table, sa in sorted(found.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        if not sa.n:
            continue
        plural, _, where = rows_words(table)
        rows.append({"Records": f"{plural[:1].upper() + plural[1:]} in {where}", "Set aside": f"{sa.n:,}",
                     "Of": f"{sa.total:,}", "Share": f"{sa.share_pct:.2g}%",
                     "Why": "; ".join(c[:1].upper() + c[1:] for c in _clauses(sa, table))})
    return pd.DataFrame(rows, columns=["Records", "Set aside", "Of", "Share", "Why"])


def partner_suppressed_sentence(groups: list[str]) -> str:
    """What a page of partners' breakdowns says about the groups a partner suppressed in its own return
    (``groups`` in words, e.g. ``["Black children, arrests"]``); "" when there are none."""
    if not groups:
        return ""
    n = len(groups)
    it, them = ("it", "it") if n == 1 else ("they", "them")
    return (f"**Suppressed by the partner.** {'One group was' if n == 1 else f'{n:,} groups were'} suppressed by "
            f"the partner in its own return ({'; '.join(groups)}): {it} {'is' if n == 1 else 'are'} shown as "
            f"suppressed by the partner, no rate, ratio or total counts {them} as zero, and a comparison that needs "
            f"{them} is not made.")


def commentary_flags_by_row(returns) -> dict[tuple[str, int], str]:
    """``{(file, row): kinds of detail found, in words}`` for the commentary rows screened as giving detail
    about individual children (``Returns.commentary_withheld``); empty when none (or not screened)."""
    withheld = getattr(returns, "commentary_withheld", None)
    if withheld is None:
        return {}
    w = withheld()
    if w is None or w.empty:
        return {}
    return {(str(f), int(r)): str(k) for f, r, k in zip(w["_file"], w["_row"], w["kinds"], strict=True)}

"""Partners' commentary checked before it is published: the indicator it is about, and child-level detail.

Commentary is free text written by partners and published word for word, so the disclosure control
applied to tables does not reach it. The privacy scan of the evidence pack catches a child's
identifier or date of birth taken from the extract; what it cannot catch is detail a partner writes
from their own records. :func:`scan_text` looks for the four kinds of detail that most often identify
a child in a small population (the cues the ONS and DfE disclosure guidance warns about):

``count``
    a count of children from 1 to the suppression threshold (``2 were girls``, ``one boy``,
    ``three siblings``), in figures or words; a proportion (``1 in 4 children``), a school year
    (``Year 6 pupils``), an age (``aged 5 children``) and a percentage are not counts;
``age_place``
    a child's age (``aged 14``, ``a 14-year-old``) and a named place (``at Caludon Castle School``,
    ``in Hillfields``) in the same sentence; the partnership's own area is not a named place;
``name``
    a person's name after a title or ``named``/``called`` (``Mrs Smith``, ``a boy called Jay``);
``birth``
    a date of birth (``born 3 May 2014``, ``DOB 03/05/2014``).

Each finding is reported as a warning (COM-003, in ``rules_partner``) on the commentary's row, saying only which kind of
detail was found (never the words themselves, since the validation report is published);
:attr:`Returns.commentary_flags <cscp_analysis.returns.Returns>` keeps the words for the analyst,
and a public build withholds the flagged rows (:meth:`Returns.commentary_withheld`).

It is a screen, not a guarantee: it finds the common patterns in English commentary, and a flag
means "read this before it is published". It also checks that a commentary's indicator is one the
partnership reports for that agency (:func:`known_indicators`, used by COM-002): commentary on an unknown indicator would be counted
as received and shown nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .table import Context, Table

__all__ = ["KINDS", "scan_text", "scan_table", "flags_frame", "known_indicators"]

KINDS = {
    "count": "a count of children small enough to identify them",
    "age_place": "a child's age together with a named place",
    "name": "a person's name",
    "birth": "a date of birth",
}

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10}
_CHILD = (r"(?:child(?:ren)?|kids?|girls?|boys?|bab(?:y|ies)|infants?|toddlers?|teenagers?|adolescents?|"
          r"youngsters?|young\s+(?:people|persons?|men|women|man|woman)|pupils?|students?|learners?|"
          r"siblings?|sons?|daughters?|twins|care\s+leavers?|famil(?:y|ies)|victims?|unborn)")
_COUNT = re.compile(
    r"(?<![\w.,/:£$-])(?P<n>\d{1,2}|" + "|".join(_WORDS) + r")(?![\w.,/:%-])"
    r"(?P<gap>(?:\s+[A-Za-z'’]+){0,3}?)\s+(?P<noun>" + _CHILD + r")\b",
    re.IGNORECASE,
)
# words just before a number that make it something other than a count of children
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:\b(?:in|year|years|aged|age|ages|under|over|level|stage|ks|tier|q|quarter|top|of the)\s*|[-/])$",
    re.IGNORECASE,
)
_AGE = re.compile(r"\b(?:aged|age)\s+\d{1,2}\b|\b\d{1,2}[\s-]*(?:years?|yrs?)[\s-]*old\b", re.IGNORECASE)
_PLACE_NOUNS = (r"(?:School|Academy|College|Nursery|Primary|Infants|Juniors|Hospital|Road|Street|Avenue|Lane|"
                r"Close|Estate|Park|Centre|Center|Surgery|Ward|House|Home|Court|Drive|Crescent|Grove|Hall)")
_PLACE = re.compile(
    r"\b(?:at|in|from|attending|near|on)\s+(?P<a>(?:[A-Z][a-z][\w'’&-]*\s+){0,4}[A-Z][a-z][\w'’&-]*)"
    r"|(?P<b>(?:[A-Z][a-z][\w'’&-]*\s+){1,4}" + _PLACE_NOUNS + r")\b"
)
_NOT_PLACES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
               "sunday", "england", "wales", "britain", "the", "our", "their", "this", "these", "care"}
_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Master|Dr)\.?\s+[A-Z][a-z]+|\b(?:named|called|known\s+as)\s+[A-Z][a-z]+")
_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_BIRTH = re.compile(
    r"\b(?:born|d\.?o\.?b\.?|date\s+of\s+birth)\b[^.;]{0,20}?"
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r"(?:\s+\d{4})?)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.;!?]+")


def _counts(text: str, threshold: int) -> list[str]:
    out = []
    for m in _COUNT.finditer(text):
        word = m.group("n").lower()
        n = _WORDS.get(word, None) if not word.isdigit() else int(word)
        if n is None or not 1 <= n <= threshold:
            continue
        if _NOT_A_COUNT_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        out.append(m.group(0).strip())
    return out


def _age_with_place(text: str, own_places: set[str]) -> list[str]:
    out = []
    for s in _SENTENCE.finditer(text):
        sentence = s.group(0)
        age = _AGE.search(sentence)
        if not age:
            continue
        for p in _PLACE.finditer(sentence):
            place = (p.group("a") or p.group("b") or "").strip()
            first = place.split()[0].lower() if place else ""
            if not place or first in _NOT_PLACES or place.lower() in own_places:
                continue
            out.append(f"{age.group(0)} … {place}")
            break
    return out


def scan_text(text: str, threshold: int = 5, own_places: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Every child-level detail found in one commentary: ``[(kind, matched words), ...]`` (see the module docstring)."""
    if not isinstance(text, str) or not text.strip():
        return []
    found = [("count", m) for m in _counts(text, threshold)]
    found += [("age_place", m) for m in _age_with_place(text, {p.lower() for p in own_places})]
    found += [("name", m.group(0)) for m in _NAME.finditer(text)]
    found += [("birth", m.group(0)) for m in _BIRTH.finditer(text)]
    return found


def _own_places(ctx: Context) -> set[str]:
    c = ctx.config
    return {x for x in (c.la_name, c.region_name, c.name, c.short_name) if x}


def scan_table(t: Table, ctx: Context) -> pd.DataFrame:
    """The findings of :func:`scan_text` for every row of the commentary table: ``pos, kind, matched``.

    Computed once per table (commentary is tens of rows a quarter) and shared by the rule and
    :func:`flags_frame`.
    """
    if "child_detail" not in t.cache:
        rows = []
        texts = t.text["commentary"].to_numpy(dtype=object) if len(t) else np.zeros(0, dtype=object)
        own = _own_places(ctx)
        for pos, text in enumerate(texts):  # tens of free-text cells, each matched by regular expressions
            rows += [(pos, kind, words) for kind, words in scan_text(text, ctx.config.suppression_threshold, own)]
        t.cache["child_detail"] = pd.DataFrame(rows, columns=["pos", "kind", "matched"])
    return t.cache["child_detail"]


def flags_frame(t: Table, ctx: Context) -> pd.DataFrame:
    """Findings with where they are: ``file, row, period, agency, indicator, kind, matched``."""
    f = scan_table(t, ctx)
    cols = ["file", "row", "period", "agency", "indicator", "kind", "matched"]
    if f.empty:
        return pd.DataFrame(columns=cols)
    pos = f["pos"].to_numpy(dtype=np.int64)
    return pd.DataFrame({
        "file": t.file_of(pos), "row": t.rows[pos], "period": t.folder[pos] if t.folder is not None else "",
        "agency": t.text["agency"].to_numpy(dtype=object)[pos],
        "indicator": t.text["indicator"].to_numpy(dtype=object)[pos],
        "kind": f["kind"].map(KINDS).to_numpy(dtype=object), "matched": f["matched"].to_numpy(dtype=object),
    }, columns=cols)


def known_indicators(ctx: Context) -> set[tuple[str, str]]:
    """``(agency, indicator)`` pairs a commentary may be about: each partner-return indicator with its
    agency, and each scorecard indicator (``indicators.yaml`` beside ``partnership.yaml``) with its owner."""
    key = "commentary_indicators"
    if key not in ctx._index:
        pairs = {(str(v["agency"]), str(k)) for k, v in ctx.config.partner_indicators.items()}
        path = Path(ctx.config.path).parent / "indicators.yaml"
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            raw = {}
        for ind in raw.get("indicators", []) or []:
            if isinstance(ind, dict) and "id" in ind and "agency" in ind:
                pairs.add((str(ind["agency"]), str(ind["id"])))
        ctx._index[key] = pairs
    return ctx._index[key]

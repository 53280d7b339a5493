"""One truth per cell: does any output of a pack state a value that a table of the same pack hides?

Used by ``tests/test_one_truth.py`` on the demo's board and public packs. A pack built with
``CSCP_HIDDEN_VALUES`` naming a folder (``evidence.HIDDEN_VALUES_ENV``) leaves there, for every table,
the true value of each hidden cell (row, column, kind, value), so the true values are the very numbers
the tables hid, not a second computation of them.

How a leak is recognised (precise rather than broad; every rule below removes a false alarm, none
hides a real leak that names its group):

* a hidden cell's **name** is its row's label in the table's most varied column of words (the group,
  the statement, the sector, the course: what tells the row from its neighbours), leaving out dates
  and periods (sentences word them differently), code-like names (``age_band``), numbers, symbols,
  generic words ("All", "yes"), labels under three characters and long explanations;
* the hidden value is written the way the table's column writes its numbers (the decimal places of
  the shown cells of that column; counts also with thousands commas, "1,195"), and its **measure** is
  matched by kind: a percentage (a column of ``pct``, ``percent`` or ``share``) only as a number
  followed by "%", any other figure only as a number that is not;
* a **statement** is one sentence of the pack's text: the pages' text outside their tables and the alt
  text of every figure, the index, the table views' captions and notes, the catalogue's titles, alt text
  and sources, the validation report, and every cell of a published CSV's free-text columns (findings,
  headlines, reasons, commentary; :data:`TEXT_COLUMNS`), split at full stops and semicolons, dates and
  periods taken out before numbers are read;
* a statement **states** a hidden cell when it is about the table's subject (it shares a word with the
  table's title: "allegations", "training", "recorded", "children"), names the cell, and contains its
  value as a whole number token of the same kind, once the row's own labels are taken out (the 1 of
  "under 1" is a label);
* unless the same number is **shown** in the same context elsewhere in the pack (a shown cell with that
  text in a row carrying that label): then the sentence may be quoting the shown figure, and it is not
  counted.

A second check compares tables: a hidden cell is also stated by a shown cell of the same column name
in a row whose labels include all of the hidden cell's labels (the same quantity shown in one table and
hidden in another).
"""

from __future__ import annotations

import html.parser
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SYMBOLS = {"c", "x", "z", "low", "[c]", "[s]", "[x]", "[z]", "[low]", "", "none", "<0.001"}
GENERIC = {"all", "total", "yes", "no", "none", "other", "the", "and", "not known", "higher", "lower", "similar",
           "not significant", "significantly higher", "significantly lower", "reference", "narrowing", "widening",
           "no clear change", "ok", "true", "false", "count", "percentage", "rate", "median", "mean"}
_DATES = re.compile(r"\b\d{4}-\d{2}-Q\d\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{4}-\d{2}\b|\b\d{1,2} (?:January|February|March|"
                    r"April|May|June|July|August|September|October|November|December) \d{4}\b|\bQ\d\b")
_NUMBER = re.compile(r"(?<![\w.,])((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?![\w]|\.\d|,\d{3})(\s?%| per ?cent)?")
#: The published CSVs' columns of sentences (labels such as a group or a course are not statements).
TEXT_COLUMNS = {"text", "headline", "detail", "rag_reason", "why", "reason", "commentary", "description", "message",
                "benchmark_note", "reconciliation", "spc_note", "recommended_action", "you_said", "we_did", "summary",
                "note", "warning", "status_reason"}
#: Words of a title that say nothing about its subject.
_PLAIN = {"twelve", "months", "month", "quarter", "quarters", "period", "april", "june", "july", "september",
          "october", "december", "january", "march", "their", "which", "where", "against", "number", "numbers",
          "share", "table", "chart", "figure", "about", "after", "before", "within", "between", "other", "every",
          "latest", "there", "these", "those", "while", "during", "financial", "rolling", "published"}
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n+")
_WORD = re.compile(r"[a-z]{5,}")


def subject(title: str) -> set[str]:
    """The stems (first six letters) of a title's words that say what it is about."""
    return {w[:6] for w in _WORD.findall(title.lower()) if w not in _PLAIN}


def _about(sentence: str, stems: set[str]) -> bool:
    return bool(stems & {w[:6] for w in _WORD.findall(sentence.lower())})


@dataclass(frozen=True)
class Leak:
    where: str  # the output that states it
    text: str  # the sentence (or the shown cell)
    table: str  # the table that hides it
    row: int
    column: str
    value: str  # the hidden value, as the sentence writes it
    label: str  # the label of the row the sentence names

    def __str__(self) -> str:
        return (f"{self.where}: states {self.value} for {self.label!r}, hidden in {self.table} (row {self.row + 2}, "
                f"column {self.column!r}): {self.text[:220]!r}")


# --- statements --------------------------------------------------------------------------------------


class _Text(html.parser.HTMLParser):
    """Visible text outside tables, styles and scripts, and the alt text of images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("table", "style", "script"):
            self._skip += 1
        if tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append("\n" + alt + "\n")
        if tag in ("p", "li", "br", "div", "h1", "h2", "h3", "h4", "tr", "figcaption", "summary"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("table", "style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return "".join(parser.parts)


def _is_sentence(cell: str) -> bool:
    return isinstance(cell, str) and len(cell.split()) >= 4 and bool(re.search(r"[A-Za-z]", cell))


def statements(pack: Path) -> list[tuple[str, str]]:
    """Every sentence of the pack's text, with where it is: ``[(where, sentence), ...]``."""
    texts: list[tuple[str, str]] = []
    for page in sorted((pack / "html").rglob("*.html")) + [pack / "index.html"]:
        if page.exists():
            texts.append((page.relative_to(pack).as_posix(), html_text(page)))
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    for e in manifest.get("catalogue", []):
        for field in ("title", "alt", "source"):
            if e.get(field):
                texts.append((f"catalogue {e['name']} ({field})", e[field]))
    report = pack / "validation_report.txt"
    if report.exists():
        texts.append(("validation_report.txt", report.read_text(encoding="utf-8")))
    for csv in sorted((pack / "tables").glob("*.csv")):
        df = pd.read_csv(csv, dtype=str, keep_default_na=False)
        for col in [c for c in df.columns if c in TEXT_COLUMNS]:
            cells = [c for c in df[col].unique() if _is_sentence(c)]
            texts += [(f"tables/{csv.name} ({col})", c) for c in cells]
    out = []
    for where, text in texts:
        for sentence in _SENTENCE.split(text):
            if _NUMBER.search(sentence):  # only sentences with a number can state one
                out.append((where, sentence.strip()))
    return out


def numbers_in(sentence: str) -> set[tuple[str, bool]]:
    """The numbers of a sentence (dates and periods taken out), each with whether it is a percentage."""
    return {(n, bool(pct)) for n, pct in _NUMBER.findall(_DATES.sub(" ", sentence))}


# --- hidden cells and what is shown -------------------------------------------------------------------


def _label(text) -> str | None:
    t = str(text).strip()
    if (len(t) < 3 or t.lower() in GENERIC or t in SYMBOLS or _DATES.fullmatch(t) or _is_number(t)
            or _CODE.match(t) or len(t.split()) > 15):
        return None
    return t


def labels_of(row: pd.Series) -> list[str]:
    """Every label of a row (what a sentence might name it by)."""
    return list(dict.fromkeys(t for t in map(_label, row) if t))


def name_column(df: pd.DataFrame) -> str | None:
    """The table's most varied column of labels: what tells one row from its neighbours."""
    best, most = None, 1
    for col in df.columns:
        labels = {t for t in map(_label, df[col]) if t}
        if len(labels) > most:
            best, most = col, len(labels)
    return best


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"-?[\d,]*\.?\d+%?", text.strip()))


def _is_percent(column: str) -> bool:
    return bool(re.search(r"pct|percent|share", column))


def _decimals(column: pd.Series) -> set[int]:
    shown = [c for c in column if _is_number(c) and "," not in c]
    places = {len(c.split(".")[1]) if "." in c else 0 for c in shown}
    return places or {0, 1, 2}


def forms(value: float, places: set[int]) -> set[str]:
    """The hidden value written as the column writes its numbers (half away from zero, as published)."""
    out = set()
    for d in places:
        r = np.sign(value) * np.floor(abs(value) * 10 ** d + 0.5 + 1e-9) / 10 ** d
        out.add(f"{r:.{d}f}")
        if d == 0 and abs(r) >= 1000:
            out.add(f"{r:,.0f}")
    return out


@dataclass
class Hidden:
    table: str
    row: int
    column: str
    kind: str
    forms: set[str]
    name: str  # what a sentence names it by
    labels: list[str]  # every label of its row (taken out of a sentence before its numbers are read)
    identity: frozenset  # every text cell of its row, dates and periods included (which quantity it is)
    percent: bool  # a percentage: stated only as a number followed by "%"
    about: set  # the stems of its table's title


def identity_of(row: pd.Series) -> frozenset:
    return frozenset(str(v).strip() for v in row if str(v).strip() not in SYMBOLS and not _is_number(str(v)))


def titles(pack: Path) -> dict[str, str]:
    """The title of every CSV of the pack (a figure's data takes the figure's title), from the manifest."""
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    out = {}
    for e in manifest.get("catalogue", []):
        for f in e.get("files", []):
            if f.endswith(".csv"):
                out[Path(f).name] = e.get("title", "")
    return out


def hidden_cells(pack: Path, values: Path) -> tuple[list[Hidden], dict[str, int]]:
    """The hidden cells of a pack with their true values; and how many hidden cells of each table have none."""
    out, unknown = [], {}
    title_of = titles(pack)
    for csv in sorted((pack / "tables").glob("*.csv")):
        df = pd.read_csv(csv, dtype=str, keep_default_na=False)
        is_hidden = df.isin(["[c]", "[s]"])
        n_hidden = int(is_hidden.to_numpy().sum())
        if not n_hidden:
            continue
        side = values / csv.name
        cells = pd.read_csv(side) if side.exists() else pd.DataFrame(columns=["row", "column", "kind", "value"])
        known = 0
        name = name_column(df)
        for r in cells.itertuples(index=False):
            if r.column not in df.columns or r.row >= len(df) or not is_hidden.iat[r.row, df.columns.get_loc(r.column)]:
                continue
            known += 1
            if not np.isfinite(r.value):
                continue
            row = df.iloc[int(r.row)]
            called = _label(row[name]) if name else None
            if not called:
                continue  # no label a sentence could name it by
            out.append(Hidden(csv.name, int(r.row), r.column, r.kind, forms(float(r.value), _decimals(df[r.column])),
                              called, labels_of(row), identity_of(row), _is_percent(r.column),
                              subject(title_of.get(csv.name, ""))))
        if known < n_hidden:
            unknown[csv.name] = n_hidden - known
    return out, unknown


def shown_cells(pack: Path) -> tuple[set[tuple[str, str]], dict[tuple[str, str], list[frozenset]]]:
    """``{(number text, label)}`` of every shown number of the pack, and ``{(column, number text): [row labels]}``."""
    by_label: set[tuple[str, str]] = set()
    by_column: dict[tuple[str, str], list[frozenset]] = defaultdict(list)
    for csv in sorted((pack / "tables").glob("*.csv")):
        df = pd.read_csv(csv, dtype=str, keep_default_na=False)
        for _, row in df.iterrows():
            labels, identity = labels_of(row), identity_of(row)
            for col, v in row.items():
                if _is_number(v):
                    text = v.rstrip("%")
                    by_column[(col, text)].append(identity)
                    for label in labels:
                        by_label.add((text, label.lower()))
    return by_label, by_column


# --- the check -----------------------------------------------------------------------------------------


def _names(sentence: str, label: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(label.lower()) + r"(?!\w)", sentence.lower()) is not None


def _without(sentence: str, labels: list[str]) -> str:
    for label in sorted(labels, key=len, reverse=True):
        sentence = re.sub(r"(?<!\w)" + re.escape(label) + r"(?!\w)", " ", sentence, flags=re.IGNORECASE)
    return sentence


def leaks(pack: Path, values: Path) -> tuple[list[Leak], dict]:
    """Every statement of ``pack`` that states a value one of its tables hides; and what was checked."""
    hidden, unknown = hidden_cells(pack, values)
    said = statements(pack)
    index: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i, (_, sentence) in enumerate(said):
        for n in numbers_in(sentence):
            index[n].append(i)
    by_label, by_column = shown_cells(pack)
    found: list[Leak] = []
    for h in hidden:
        for value in h.forms:
            # the same number shown under the same name: a sentence may be quoting that
            quoted = [] if (value, h.name.lower()) in by_label else index.get((value, h.percent), [])
            for i in quoted:
                where, sentence = said[i]
                if (_about(sentence, h.about) and _names(sentence, h.name)
                        and (value, h.percent) in numbers_in(_without(sentence, h.labels))):
                    found.append(Leak(where, sentence, h.table, h.row, h.column, value, h.name))
            for identity in by_column.get((h.column, value), []):
                if h.identity <= identity:
                    found.append(Leak("a shown cell of the same column", f"{h.column} = {value} in a row of "
                                      f"{sorted(identity)}", h.table, h.row, h.column, value, h.name))
                    break
    unique = list(dict.fromkeys(found))
    summary = {"hidden cells with their true value": len(hidden), "statements with a number": len(said),
               "hidden cells without a known value, by table": unknown}
    return unique, summary

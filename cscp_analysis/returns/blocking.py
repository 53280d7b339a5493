"""What must not be published, what is set aside, and what a partner suppressed: ``Returns.blocked`` and friends.

:func:`blocked_parts` turns the rejected rows and unusable files of a load into the parts that must
not be published (``table:<name>``, ``agency:<AGENCY>``, ``indicator:<CODE>``, ... see
``docs/data_returns.md``, "What blocks what"), and decides, for each record-level table, whether its
rejected rows are few enough to be set aside (:class:`SetAside`) rather than block the table.
:func:`partner_suppressed_rows` lists the breakdown rows a partner suppressed itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import PartnershipConfig
from ..periods import Period
from . import rules_partner
from .registry import ERROR, get_rule
from .schemas import SCHEMAS
from .table import Table

__all__ = ["SetAside", "blocked_parts", "partner_suppressed_rows", "PARTNER_SUPPRESSED_COLUMNS"]

PARTNER_SUPPRESSED_COLUMNS = ["period", "agency", "indicator", "breakdown", "group", "numerator", "denominator",
                              "suppressed_by_partner", "_file", "_row"]


@dataclass(frozen=True)
class SetAside:
    """Rows of a record-level table left out of the analysis because they failed validation.

    ``n`` rows of ``total`` received; ``reasons`` pairs each rule broken, in words, with the number
    of rows it set aside (the first rule each row broke), most rows first; ``file`` is where they are.
    Unpacks as ``n, total, reasons``.
    """

    n: int
    total: int
    reasons: tuple[tuple[str, int], ...]
    file: str = ""

    def __iter__(self):
        return iter((self.n, self.total, self.reasons))

    @property
    def share_pct(self) -> float:
        return 100.0 * self.n / self.total if self.total else 0.0

    def sentence(self) -> str:
        """What a page computed from the table says about it ("" when nothing was set aside)."""
        if not self.n:
            return ""
        rows = "row" if self.n == 1 else "rows"
        why = "; ".join(f"{_lower_first(text).rstrip('.')} ({k:,})" for text, k in self.reasons)
        where = f" of {self.file}" if self.file else ""
        return (f"{self.n:,} of {self.total:,} {rows}{where} ({self.share_pct:.2g}%) failed validation and were set "
                f"aside; the figures use the other {self.total - self.n:,}. Rules not met: {why}.")


def _lower_first(text: str) -> str:
    """``A date is ...`` -> ``a date is ...`` inside a sentence; an acronym (``ICPC ...``) is kept."""
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def partner_suppressed_rows(t: Table, rejected: np.ndarray) -> pd.DataFrame:
    """Breakdown rows a partner suppressed itself, as received, with the note a page shows for them.

    Kept out of ``tables["partner_return"]`` so that no sum or rate treats a suppressed group as zero;
    their indicator's headline total is not affected (it is published as usual).
    """
    m = rules_partner.suppressed_by_partner(t) & ~rejected
    if not m.any():
        return pd.DataFrame(columns=PARTNER_SUPPRESSED_COLUMNS)
    text = t.text.loc[m]
    symbol = text["numerator"].where(t.bad["numerator"][m], text["denominator"])
    df = pd.DataFrame({
        "period": t.data.loc[m, "period"].astype(str).to_numpy(), "agency": t.owner[m],
        "indicator": text["indicator"].to_numpy(dtype=object), "breakdown": text["breakdown"].to_numpy(dtype=object),
        "group": text["group"].to_numpy(dtype=object), "numerator": text["numerator"].to_numpy(dtype=object),
        "denominator": text["denominator"].to_numpy(dtype=object),
        "suppressed_by_partner": ("suppressed by the partner (" + symbol.astype(str) + ")").to_numpy(dtype=object),
        "_file": t.file_of(np.flatnonzero(m)), "_row": t.rows[m]})
    return df[PARTNER_SUPPRESSED_COLUMNS].reset_index(drop=True)


def blocked_parts(sources: list, tables: dict[str, Table], rejected_mask: dict[str, np.ndarray],
             issues: pd.DataFrame, period: Period, config: PartnershipConfig,
             first_rule: dict[str, np.ndarray] | None = None,
             set_aside: dict[str, SetAside] | None = None) -> dict[str, str]:
    """What must not be published, and why (``Returns.blocked``).

    A record-level table (the extract, a register) whose rejected rows, counting those that matter
    as at the period end, are fewer than ``config.set_aside_threshold_pct`` of its rows is not
    blocked: it goes into ``set_aside`` instead (filled in here) and the rest of it is used. The
    population is never set aside: a rejected row of it is a missing denominator cell.
    """
    out: dict[str, str] = {}
    first_rule = first_rule or {}
    set_aside = {} if set_aside is None else set_aside
    run = str(period)

    def key(kind: str, what: str, q: str | None) -> str:
        return f"{kind}:{what}" if not q or q == run else f"{kind}:{what}@{q}"

    def summary(sub: pd.DataFrame) -> str:
        counts = sub.groupby("rule_id").size()
        return ", ".join(f"{r} x{n:,}" if n > 1 else r for r, n in counts.items())

    errors = issues[issues["severity"] == ERROR]
    for s in sources:
        name = s.schema.name
        if s.unusable:
            if name == "partner_return":
                if s.raw is not None:  # a missing return is set below from SUB-001/SUB-002
                    out[key("agency", s.agency, s.period)] = s.unusable
            elif s.schema.scope == "period":
                out[key("table", name, s.period)] = s.unusable
            else:
                out[key("table", name, None)] = s.unusable
    for name, t in tables.items():
        rej = rejected_mask[name]
        if not rej.any():
            continue
        schema = SCHEMAS[name]
        e = errors[(errors["_table"] == name) & (errors["_pos"] >= 0)]
        if schema.scope != "period":
            # rows known to start after the period end do not count: nothing as at the period end uses them
            counting = rej.copy()
            if schema.starts:
                later = (t.data[schema.starts] > pd.Timestamp(period.end)).fillna(False).to_numpy(dtype=bool)
                counting &= ~later
            if counting.any():
                n = int(counting.sum())
                limit = config.set_aside_threshold_pct / 100 * len(t)
                if schema.scope in ("extract", "register") and n < limit and name in first_rule:
                    ids = pd.Series(first_rule[name][counting]).value_counts()
                    order = sorted(ids.items(), key=lambda kv: (-kv[1], kv[0]))
                    set_aside[name] = SetAside(n, len(t), tuple((get_rule(r).sentence, int(k)) for r, k in order),
                                               t.files[0].rel if t.files else "")
                    continue
                sub = e[e["_pos"].isin(np.flatnonzero(counting))]
                out.setdefault(key("table", name, None),
                               f"{n:,} row{'s' if n != 1 else ''} of {t.files[0].rel} rejected ({summary(sub)})")
            continue
        pos = np.flatnonzero(rej)
        d = t.data.iloc[pos]
        by_pos = e.groupby("_pos")["rule_id"].agg(lambda s: summary(s.to_frame()))
        folder = t.folder[pos]
        files = t.file_of(pos)
        if name == "partner_return":
            owner = t.owner[pos]
            spec = config.partner_indicators
            ind = d["indicator"].to_numpy(dtype=object)
            for q, a, i, f, p in zip(folder, owner, ind, files, pos, strict=False):  # rejected rows only
                if isinstance(i, str) and spec.get(i, {}).get("agency") == a:
                    k = key("indicator", i, q)
                else:
                    k = key("agency", a, q)
                prev = out.get(k)
                text = f"{f}:{t.rows[p]} rejected ({by_pos.get(p, '')})"
                out[k] = text if prev is None else (prev if prev.count(";") >= 4 else prev + "; " + text)
        else:
            ag = d["agency"].to_numpy(dtype=object)
            kind = "commentary" if name == "commentary" else "submissions"
            for q, a, f, p in zip(folder, ag, files, pos, strict=False):
                k = key(kind, a if isinstance(a, str) else "(blank agency)", q)
                out.setdefault(k, f"{f}:{t.rows[p]} rejected ({by_pos.get(p, '')})")
    # returns not received
    missing = issues[issues["rule_id"].isin(["SUB-001", "SUB-002"])]
    for scope, value in zip(missing["_scope"], missing["value"], strict=False):
        agency, _, q = str(scope).partition("@")
        if agency:
            out.setdefault(key("agency", agency, q), f"no return: {value}")
    return dict(sorted(out.items()))

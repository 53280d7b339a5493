"""The Independent Scrutineer's first page: the scrutiny summary (notebook 05) and the index's headlines.

It reads nothing new: it gathers what the other notebooks published (the findings tables, the
scorecard, its RAG changes, the returns received) from the pack being built, so it can never disagree
with them, and arranges it for someone with twenty minutes:

1. **the quarter at a glance**: the RAG split and what changed since last quarter, returns late or missing;
2. **the most serious worries**, ranked across every source by the **severity rule** below, each with its
   evidence linked;
3. **the disproportionality headlines**;
4. **by partnership priority**: what is working well, what we are worried about, what needs to happen;
5. **what needs to happen**: every action with its owner, by when and the level of help it happens at.

**Severity rule** (documented in ``docs/architecture.md`` and tested): every worry and action has a
tier, set by the rule that drafted it (a finding may carry its own, as the scorecard's do: tier 1 for an
indicator that measures a statutory timescale), otherwise by :data:`RULE_TIERS`:

====  ====================================================  =============================================
tier  what                                                  drafted by
====  ====================================================  =============================================
1     children's safety and statutory timescales            rapid and practice reviews, LADO timeliness,
                                                            child deaths, statutory scorecard indicators,
                                                            commissioned services' safeguarding standards
2     fairness and outcomes for children                    disproportionality, the voice of children,
                                                            whose voices were heard, "you said, we did",
                                                            other scorecard indicators
3     the partnership's own assurance work                  audits, the action plan, self-assessments,
                                                            training and its needs analysis, QA visits,
                                                            practitioners' views, professional
                                                            disagreements, funding
4     data and housekeeping                                 late or missing returns, rejected rows,
                                                            missing commentary
====  ====================================================  =============================================

Within a tier, items are ordered by their weight *relative to the largest of their own source* (each
source weighs its findings on its own scale, so raw weights cannot be compared across sources).
**Contradictory items are merged**: when the same evidence is both working well and a worry, the worry is
kept and says what is going well too.
"""

from __future__ import annotations

import pandas as pd

from .narrative import KINDS

__all__ = [
    "FINDINGS_TABLES",
    "REPORTS",
    "TIERS",
    "RULE_TIERS",
    "COLUMNS",
    "gather",
    "severity",
    "rank",
    "merge_contradictions",
    "select",
    "priority_blocks",
    "top_worries",
    "actions",
    "headlines",
    "caveats",
    "blocked_in_words",
    "provenance",
    "counts_by_source",
    "blocks_markdown",
    "worries_markdown",
    "inputs_by_folder",
]

# the findings tables the quarterly notebooks publish, and the report each one belongs to
FINDINGS_TABLES = {
    "data": "data_findings",
    "scorecard": "scorecard_findings",
    "disproportionality": "disproportionality_findings",
    "assurance": "assurance_findings",
}
REPORTS = {
    "data": "01_data_returns.html",
    "scorecard": "02_performance_scorecard.html",
    "disproportionality": "03_disproportionality.html",
    "assurance": "04_quality_assurance.html",
}
REPORT_NAMES = {"data": "the data returns", "scorecard": "the scorecard", "disproportionality": "disproportionality",
                "assurance": "quality assurance"}
TIERS = {1: "Children's safety and statutory timescales", 2: "Fairness and outcomes for children",
         3: "The partnership's own assurance work", 4: "Data and housekeeping"}
#: (rule prefix, tier) for findings that do not carry their own tier; the first match wins.
RULE_TIERS: tuple[tuple[str, int], ...] = (
    ("REV-", 1), ("LAD-", 1), ("CDP-", 1), ("CON-", 1), ("DIS-", 3), ("QA-00", 4), ("DQ-", 4), ("SC-NH-2", 4),
    ("SC-NH-3", 4), ("DISP-", 2), ("VOI-", 2), ("REA-", 2), ("YSW-", 2), ("SC-", 2), ("AUD-", 3), ("ACT-", 3),
    ("SA-", 3), ("TRN-", 3), ("TNA-", 3), ("QAV-", 3), ("PRA-", 3), ("FUN-", 3),
)
#: Who acts, by when and at which level, when a finding does not say (by source).
DEFAULT_OWNER = {"assurance": "the Safeguarding Partnership business unit", "data": "the partner agencies",
                 "disproportionality": "Children's Services with the partnership's Audit and Performance subgroup",
                 "scorecard": "the owning agency"}
DEFAULT_BY_WHEN = "the next meeting of the Audit and Performance subgroup"
DEFAULT_LEVEL = {"assurance": "Across all levels", "data": "Across all levels",
                 "disproportionality": "Statutory intervention", "scorecard": "Across all levels"}
#: The level of help a finding's work happens at, by its rule, when the finding does not say (the partnership's
#: design: "universally, in early help, in multi-agency early help or within statutory interventions").
RULE_LEVELS: tuple[tuple[str, str], ...] = (
    ("REV-", "Statutory intervention"), ("LAD-", "Statutory intervention"), ("CDP-", "Statutory intervention"),
    ("DISP-PARTNER", "Universal"), ("DISP-", "Statutory intervention"), ("VOI-", "Universal"),
    ("TRN-", "Universal"), ("TNA-", "Universal"), ("SA-", "Universal"), ("REA-", "Universal"), ("YSW-", "Universal"),
    ("AUD-", "Across all levels"), ("ACT-", "Across all levels"), ("DQ-", "Across all levels"),
    ("QAV-", "Across all levels"), ("PRA-", "Across all levels"), ("CON-", "Across all levels"),
    ("DIS-", "Across all levels"), ("FUN-", "Across all levels"),
)


def level_of_help(rule: str, source: str, given: str = "") -> str:
    """The level a finding's work happens at: its own, else by its rule, else by its source."""
    if given:
        return given
    first = str(rule).split(",")[0].strip()
    return next((lvl for prefix, lvl in RULE_LEVELS if first.startswith(prefix)), DEFAULT_LEVEL.get(source, ""))
ACROSS = "Across the partnership"
COLUMNS = ["kind", "priority", "lens", "source", "evidence", "rule", "text", "weight", "severity", "owner", "by_when",
           "level"]


def severity(rule: str, given=0) -> int:
    """The tier of a finding: its own when it carries one (1 to 4), else by its rule (:data:`RULE_TIERS`)."""
    try:
        g = int(float(given))
    except (TypeError, ValueError):
        g = 0
    if 1 <= g <= 4:
        return g
    first = str(rule).split(",")[0].strip()
    return next((tier for prefix, tier in RULE_TIERS if first.startswith(prefix)), 3)


def gather(tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """One table of every published finding, with tier, owner, by-when and level filled in."""
    frames = []
    for source, df in tables.items():
        if df is None or df.empty:
            continue
        d = df.reindex(columns=COLUMNS).copy()
        d["source"] = d["source"].fillna(source).replace("", source)
        frames.append(d)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for c in ("priority", "owner", "by_when", "level", "evidence", "rule"):
        out[c] = out[c].astype(object).where(out[c].notna(), "").astype(str)
    out["weight"] = pd.to_numeric(out["weight"], errors="coerce").fillna(0.0)
    out = out[out["kind"].isin(KINDS)].copy()
    out["severity"] = [severity(r, g) for r, g in zip(out["rule"], out["severity"], strict=True)]
    need = out["kind"] == "needs_to_happen"
    out.loc[need & (out["owner"] == ""), "owner"] = out.loc[need & (out["owner"] == ""), "source"].map(DEFAULT_OWNER)
    out.loc[need & (out["by_when"] == ""), "by_when"] = DEFAULT_BY_WHEN
    out["level"] = [level_of_help(r, src, g) for r, src, g in zip(out["rule"], out["source"], out["level"], strict=True)]
    return out.reset_index(drop=True)


def rank(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings ordered by tier, then by weight relative to the largest of their source and line."""
    if findings.empty:
        return findings.assign(relative_weight=pd.Series(dtype=float))
    f = findings.copy()
    top = f.groupby(["source", "kind"])["weight"].transform("max").replace(0, 1.0)
    f["relative_weight"] = f["weight"] / top
    return f.sort_values(["severity", "relative_weight", "text"], ascending=[True, False, True],
                         kind="mergesort").reset_index(drop=True)


def merge_contradictions(findings: pd.DataFrame) -> pd.DataFrame:
    """Where the same evidence is both working well and a worry, keep the worry and say what is going well."""
    if findings.empty:
        return findings
    f = findings.copy()
    keyed = f["evidence"].str.len() > 0
    ww = f[(f["kind"] == "working_well") & keyed]
    wr = f[(f["kind"] == "worried") & keyed]
    both = sorted(set(ww["evidence"]) & set(wr["evidence"]))
    drop = []
    for ev in both:
        good = ww[ww["evidence"] == ev]
        i = wr.index[wr["evidence"] == ev][0]
        extra = " ".join(t[0].lower() + t[1:] if t else t for t in good["text"])
        f.at[i, "text"] = f"{f.at[i, 'text'].rstrip('.')}. Going well at the same time: {extra}"
        drop.extend(good.index)
    return f.drop(index=drop).reset_index(drop=True)


def select(findings: pd.DataFrame, per_line: int = 5, per_source: int = 2) -> pd.DataFrame:
    """The findings each priority block shows: ranked by the severity rule, at most ``per_source`` from one
    source and ``per_line`` in all; the rest stay one click away in their source's page."""
    if findings.empty:
        return findings.assign(rank=pd.Series(dtype=int))
    f = rank(merge_contradictions(findings[findings["kind"] != "context"]))
    f["_in_source"] = f.groupby(["priority", "kind", "source"]).cumcount()
    f = f[f["_in_source"] < per_source].copy()
    f["rank"] = f.groupby(["priority", "kind"]).cumcount() + 1
    f = f[f["rank"] <= per_line]
    order = {k: i for i, k in enumerate(KINDS)}
    f = f.assign(_k=f["kind"].map(order)).sort_values(["priority", "_k", "rank"], kind="mergesort")
    return f.drop(columns=["_in_source", "_k"]).reset_index(drop=True)


def _family(rule: str, source: str, evidence: str) -> str:
    """What one worry speaks for: a scorecard indicator, else the register whose rules drafted it (CON, LAD)."""
    if source == "scorecard":
        return f"scorecard {evidence}"
    return f"{source} {str(rule).split(',')[0].strip().split('-')[0]}"


def top_worries(findings: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` most serious worries across every source (the severity rule), contradictions merged, one
    from each register (:func:`_family`), so that one register's several findings do not fill the list."""
    w = rank(merge_contradictions(findings))
    w = w[w["kind"] == "worried"]
    family = [_family(r, s, e) for r, s, e in zip(w["rule"], w["source"], w["evidence"], strict=True)]
    return w[~pd.Series(family, index=w.index).duplicated()].head(n).reset_index(drop=True)


def actions(findings: pd.DataFrame) -> pd.DataFrame:
    """Every 'what needs to happen', ranked by the severity rule, with owner, by when and level of help."""
    a = rank(findings[findings["kind"] == "needs_to_happen"])
    a = a.assign(tier=a["severity"].map(TIERS), report=a["source"].map(REPORTS))
    return a[["severity", "tier", "owner", "text", "by_when", "level", "source", "evidence", "rule", "report"]]


def priority_blocks(selected: pd.DataFrame, all_findings: pd.DataFrame, priorities: dict[str, str]) -> list[dict]:
    """Per priority (then "Across the partnership"): its title, and for each line the items and how many more."""
    blocks = []
    keys = list(priorities) + [""]
    for key in keys:
        title = priorities.get(key, ACROSS) if key else ACROSS
        sel = selected[selected["priority"] == key]
        every = all_findings[(all_findings["priority"] == key) & (all_findings["kind"] != "context")]
        if key == "" and every.empty:
            continue
        lines = {}
        for kind in ("working_well", "worried", "needs_to_happen"):
            items = sel[sel["kind"] == kind]
            total = int((every["kind"] == kind).sum())
            lines[kind] = {
                "items": [{"text": r.text, "source": r.source, "evidence": r.evidence, "rule": r.rule,
                           "owner": getattr(r, "owner", ""), "by_when": getattr(r, "by_when", ""),
                           "level": getattr(r, "level", ""), "report": REPORTS.get(r.source, "")}
                          for r in items.itertuples()],
                "more": max(total - len(items), 0),
            }
        blocks.append({"priority": key, "title": title, "lines": lines})
    return blocks


def headlines(card: pd.DataFrame | None, changes: pd.DataFrame | None, received: pd.DataFrame | None,
              worries: pd.DataFrame, disproportionality: pd.DataFrame) -> pd.DataFrame:
    """The quarter's headline figures, one row each (``topic, headline, detail, report``): published for the
    index page too, so the first thing every reader sees is the same numbers."""
    rows = []
    if card is not None and len(card):
        n = card["rag"].value_counts().reindex(["red", "amber", "green", "grey"], fill_value=0)
        rows.append(("RAG ratings", f"{int(n['red'])} red, {int(n['amber'])} amber, {int(n['green'])} green, "
                     f"{int(n['grey'])} not rated", f"{len(card)} scorecard indicators", REPORTS["scorecard"]))
    if changes is not None:
        if len(changes):
            word = {"grey": "not rated"}
            moves = "; ".join(f"{r.title}: {word.get(r.previous_rag, r.previous_rag)} to {word.get(r.rag, r.rag)}"
                              for r in changes.itertuples())
            rows.append(("Changed since last quarter", f"{len(changes)} rating{'s' if len(changes) != 1 else ''} moved",
                         moves, REPORTS["scorecard"]))
        else:
            rows.append(("Changed since last quarter", "no rating moved", "", REPORTS["scorecard"]))
    if received is not None and len(received):
        late = received[received["status"].str.endswith("late")]
        missing = received[received["status"] == "not received"]
        text = (f"{len(received) - len(late) - len(missing)} of {len(received)} on time" +
                (f"; {len(late)} late" if len(late) else "") + (f"; {len(missing)} not received" if len(missing) else ""))
        detail = "; ".join(f"{r.agency_name}: {r.status}" for r in pd.concat([late, missing]).itertuples())
        rows.append(("Partner returns", text, detail, REPORTS["data"]))
    if len(worries):
        first = worries.iloc[0]
        rows.append(("Most serious worry", first["text"], TIERS.get(int(first["severity"]), ""),
                     REPORTS.get(first["source"], "")))
    if len(disproportionality):
        first = disproportionality.iloc[0]
        rows.append(("Disproportionality", first["text"], "", REPORTS["disproportionality"]))
    return pd.DataFrame(rows, columns=["topic", "headline", "detail", "report"])


def counts_by_source(findings: pd.DataFrame) -> pd.DataFrame:
    """How many findings each source drafted under each line (the full lists are in its report)."""
    if findings.empty:
        return pd.DataFrame(columns=["source", *KINDS])
    t = pd.crosstab(findings["source"], findings["kind"]).reindex(columns=list(KINDS), fill_value=0)
    return t.reset_index().rename_axis(None, axis=1)


def blocked_in_words(key: str, reason: str, agencies: dict[str, str] | None = None) -> str:
    """A key of ``returns.blocked`` (``agency:HEALTH@2024-25-Q3``, ``table:referrals``, ``indicator:EDU_CME``)
    and its reason as a sentence for readers."""
    from .periods import PeriodWords

    kind, _, rest = key.partition(":")
    what, _, period = rest.partition("@")
    when = f" for {PeriodWords.quarter(period).label}" if period else ""
    if kind == "agency":
        name = (agencies or {}).get(what, what)
        subject = f"{name}'s return{when}"
    elif kind == "table":
        subject = f"the {what.replace('_', ' ')} records{when}"
    elif kind == "indicator":
        subject = f"the {what} figures{when}"
    else:
        subject = f"{rest.replace('_', ' ')}{when}"
    why = reason.split(": ", 1)[-1] if reason.startswith("no return") else reason
    return f"Not published: {subject} ({why})."


def caveats(returns, data_findings: pd.DataFrame | None = None) -> list[str]:
    """Data-quality caveats the reader needs before trusting a finding, as sentences for people."""
    agencies = getattr(getattr(returns, "config", None), "agencies", {}) or {}
    out = [blocked_in_words(k, v, agencies) for k, v in sorted(returns.blocked.items())]
    rejected = int(returns.reconciliation["rejected"].sum())
    if rejected:
        out.append(f"{rejected:,} rows failed validation and were set aside; the data returns page says which and why.")
    if data_findings is not None and not data_findings.empty:
        for r in data_findings.itertuples():
            if r.kind in ("worried", "context"):
                out.append(r.text)
    if not out:
        out.append("Every expected return arrived and passed validation.")
    return out


def provenance(returns, version: str) -> pd.DataFrame:
    """Every input the evidence rests on: file, size and SHA-256 (also in manifest.json)."""
    inp = returns.inputs.sort_values("path").reset_index(drop=True)
    out = inp[["path", "bytes", "sha256"]].copy()
    out.insert(0, "package_version", version)
    return out


_LINE_TITLES = {"working_well": "What is working well", "worried": "What are we worried about",
                "needs_to_happen": "What needs to happen"}


def _link(item: dict) -> str:
    return f" ([see {REPORT_NAMES.get(item['source'], item['source'])}]({item['report']}))" if item["report"] else ""


def _action_words(item: dict) -> str:
    parts = [p for p in (f"owner: {item['owner']}" if item.get("owner") else "",
                         f"by {item['by_when']}" if item.get("by_when") else "",
                         f"level of help: {item['level']}" if item.get("level") else "") if p]
    return f" *({'; '.join(parts)})*" if parts else ""


def blocks_markdown(blocks: list[dict]) -> str:
    """The priorities as markdown: a heading each, the three lines, each item linked to its evidence."""
    parts = []
    for b in blocks:
        head = f"{b['priority']}: {b['title']}" if b["priority"] else b["title"]
        parts.append(f"### {head}")
        for kind, title in _LINE_TITLES.items():
            line = b["lines"][kind]
            parts.append(f"**{title}**")
            if not line["items"]:
                parts.append("- Nothing drafted from this quarter's evidence.")
            for it in line["items"]:
                extra = _action_words(it) if kind == "needs_to_happen" else ""
                parts.append(f"- {it['text']}{extra}{_link(it)}")
            if line["more"]:
                parts.append(f"- *…and {line['more']} more in the source pages.*")
            parts.append("")
    return "\n".join(parts)


def worries_markdown(worries: pd.DataFrame) -> str:
    """The most serious worries as a numbered list under their tiers (each tier named once), each with a link
    to its evidence."""
    if worries.empty:
        return "No worry was drafted from this quarter's evidence."
    lines: list[str] = []
    tier = None
    for i, r in enumerate(worries.itertuples(), start=1):
        if int(r.severity) != tier:  # a new tier: its name, then the list goes on from this number
            tier = int(r.severity)
            lines += ["", f"**{TIERS.get(tier, '')}**", ""]
        link = f" ([see {REPORT_NAMES.get(r.source, r.source)}]({REPORTS.get(r.source, '')}))" if REPORTS.get(r.source) else ""
        lines.append(f"{i}. {r.text}{link}")
    return "\n".join(lines).strip("\n")


def inputs_by_folder(returns) -> pd.DataFrame:
    """Inputs summarised by folder (files and bytes); the full list with checksums is a table of its own."""
    inp = returns.inputs.copy()
    inp["folder"] = inp["path"].astype(str).str.rsplit("/", n=1).str[0].where(
        inp["path"].astype(str).str.contains("/"), ".")
    out = inp.groupby("folder", sort=True).agg(files=("path", "size"), bytes=("bytes", "sum")).reset_index()
    return out

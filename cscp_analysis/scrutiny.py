"""The Independent Scrutineer's summary: the first page of the pack (notebook 05).

It reads nothing new: it gathers the findings the other notebooks published (``tables/*_findings.csv``
in the pack being built), groups them by partnership priority into the Signs of Safety lines, and adds
what changed since last quarter, the data-quality caveats and the provenance of the evidence.

Selection rule (so the page reads in ten minutes): for each priority and line, the findings are
ranked by their source's own weight, at most two are taken from any one source, and at most
``per_line`` are shown; the rest stay one click away in the source's full findings table. A priority
with nothing under a line says so rather than staying silent.
"""

from __future__ import annotations

import pandas as pd

from .narrative import KINDS

__all__ = [
    "FINDINGS_TABLES",
    "REPORTS",
    "gather",
    "select",
    "priority_blocks",
    "caveats",
    "provenance",
    "counts_by_source",
    "blocks_markdown",
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
ACROSS = "Across the partnership"
COLUMNS = ["kind", "priority", "lens", "source", "evidence", "rule", "text", "weight"]


def gather(tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """One table of every published finding. ``tables`` maps a source to its findings table (or None)."""
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
    out["priority"] = out["priority"].fillna("").astype(str)
    out["weight"] = pd.to_numeric(out["weight"], errors="coerce").fillna(0.0)
    out = out[out["kind"].isin(KINDS)]
    return out.reset_index(drop=True)


def select(findings: pd.DataFrame, per_line: int = 5, per_source: int = 2) -> pd.DataFrame:
    """The findings the summary shows (rule in the module docstring), in a stable order."""
    if findings.empty:
        return findings.assign(rank=pd.Series(dtype=int))
    f = findings[findings["kind"] != "context"].copy()
    f = f.sort_values(["priority", "kind", "source", "weight", "text"],
                      ascending=[True, True, True, False, True], kind="mergesort")
    f["_in_source"] = f.groupby(["priority", "kind", "source"]).cumcount()
    f = f[f["_in_source"] < per_source]
    f = f.sort_values(["priority", "kind", "weight", "text"], ascending=[True, True, False, True], kind="mergesort")
    f["rank"] = f.groupby(["priority", "kind"]).cumcount() + 1
    f = f[f["rank"] <= per_line]
    order = {k: i for i, k in enumerate(KINDS)}
    f = f.assign(_k=f["kind"].map(order)).sort_values(["priority", "_k", "rank"], kind="mergesort")
    return f.drop(columns=["_in_source", "_k"]).reset_index(drop=True)


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
                           "report": REPORTS.get(r.source, "")} for r in items.itertuples()],
                "more": max(total - len(items), 0),
            }
        blocks.append({"priority": key, "title": title, "lines": lines})
    return blocks


def counts_by_source(findings: pd.DataFrame) -> pd.DataFrame:
    """How many findings each source drafted under each line (the full lists are in its report)."""
    if findings.empty:
        return pd.DataFrame(columns=["source", *KINDS])
    t = pd.crosstab(findings["source"], findings["kind"]).reindex(columns=list(KINDS), fill_value=0)
    return t.reset_index().rename_axis(None, axis=1)


def caveats(returns, data_findings: pd.DataFrame | None = None) -> list[str]:
    """Data-quality caveats the reader needs before trusting a finding, as sentences."""
    out = []
    for part, reason in sorted(returns.blocked.items()):
        out.append(f"Not published ({part}): {reason}.")
    rejected = int(returns.reconciliation["rejected"].sum())
    if rejected:
        out.append(f"{rejected:,} rows failed validation and were set aside; see the validation report.")
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


def blocks_markdown(blocks: list[dict]) -> str:
    """The priorities as markdown: a heading each, the three lines, each item linked to its report."""
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
                link = f" ([{it['source']}]({it['report']}))" if it["report"] else ""
                parts.append(f"- {it['text']}{link}")
            if line["more"]:
                parts.append(f"- *…and {line['more']} more in the source reports.*")
            parts.append("")
    return "\n".join(parts)


def inputs_by_folder(returns) -> pd.DataFrame:
    """Inputs summarised by folder (files and bytes); the full list with checksums is a table of its own."""
    inp = returns.inputs.copy()
    inp["folder"] = inp["path"].astype(str).str.rsplit("/", n=1).str[0].where(
        inp["path"].astype(str).str.contains("/"), ".")
    out = inp.groupby("folder", sort=True).agg(files=("path", "size"), bytes=("bytes", "sum")).reset_index()
    return out

"""How the disproportionality tables add up, declared for the intruder audit (``docs/disclosure.md``).

Every count a table publishes is named by a *key* that is the same in every table that prints it:

* ``children | characteristic | group | stage | window``: children of a group at a stage in the twelve
  months to ``window`` (the rates tables, the trend, the decision points' "children at the previous stage");
* ``children | stage | window``: every child at the stage (the data-quality table), and
  ``children with ethnicity refused`` / ``not obtained`` / ``not known`` / ``known`` at it;
* ``children going on | characteristic | decision | group | window``: the decision points' numerators.

and the relations any reader knows hold (:mod:`.cohorts` says why each is true):

* at each stage, the groups of sex and of disability add up to every child at the stage (blank or
  unrecognised codes are counted as not recorded); the major ethnic groups add up to the children whose
  ethnicity is known, which with the not known (refused plus not obtained) make every child; the
  detailed ethnic groups add up to their major group; the age bands add up to *at most* every child
  (a child without a date of birth has no band);
* the ethnic group by sex grid adds up, along each ethnic group and each sex, to *at most* the margin
  (children of unknown ethnicity, or whose sex is not recorded, are in no cell); so does the ethnic
  group by age band grid (unborn children, those 18 and over and those without a date of birth are in
  no band);
* at a decision, the children going on in each group are at most the group at the previous stage (they
  are its children who went on) and, for characteristics a child keeps (sex, ethnicity, disability), at
  most the group at the next stage (they are among its children); not for age bands, which are measured
  at each stage (a child may have a birthday in between). The groups of each characteristic add up to the
  children going on (at most, for age bands), and with the children of unknown ethnicity going on (never
  published) for ethnic groups; both are at most the stage totals before and after;
* percentages (going on, ethnicity not known) bound their counts through their rounding.

Tables that show only part of a breakdown (the page's readable tables, charts) declare their cells only:
the relations are declared once, by the full tables. The true counts travel with each declaration (to
the run's private catalogue, never the published pack) so that the run's audit checks every relation
against them.
"""

from __future__ import annotations

import pandas as pd

from ..disclosure_audit import AtMost, Cells, Ratio, SumAcross, SumOver, declare
from . import cohorts

__all__ = ["CHILDREN", "GOING_ON", "STAGE_TOTAL", "rates", "decisions", "quality", "trend", "cells_only",
           "looked_after", "partner"]

_WHERE = "stage={stage} | window={window}"
CHILDREN = "children | characteristic={characteristic} | group={group} | " + _WHERE
STAGE_TOTAL = "children | " + _WHERE
KNOWN = "children with ethnicity known | " + _WHERE
NOT_KNOWN = "children with ethnicity not known | " + _WHERE
GOING_ON = "children going on | characteristic={characteristic} | decision={decision} | group={group} | window={window}"
_LABEL = "{group}, {stage}, twelve months to {window}"
_LABELS = {CHILDREN: _LABEL}  # how a reader names a key's quantity (the audit's report)

SIMPLE_TOTAL = ("sex", "disability")  # every child is in one group (blank codes count as not recorded)
FIXED = ("ethnicity_major", "ethnicity", "sex", "disability")  # the same for a child at every stage
_STRATUM_LABEL = {"M": "Boys", "F": "Girls"}


def _labels(res, characteristic: str) -> dict[str, str]:
    """Group code -> the label the tables print, for one characteristic."""
    r = res.latest_rates()
    r = r[r["characteristic"] == characteristic]
    return dict(zip(r["group"], r["group_label"], strict=True))


def _detailed_by_major(res) -> dict[str, list[str]]:
    """Label of each major ethnic group -> labels of the detailed groups that make it up."""
    from .suppression import _detailed_to_major

    major, detailed = _labels(res, "ethnicity_major"), _labels(res, "ethnicity")
    return {major[m]: [detailed[c] for c in codes if c in detailed]
            for m, codes in _detailed_to_major(list(major)).items()}


def _only(characteristic, **more) -> dict:
    return {"characteristic": [characteristic] if isinstance(characteristic, str) else list(characteristic), **more}


def _present(table: pd.DataFrame, characteristic: str) -> bool:
    return "characteristic" in table.columns and bool((table["characteristic"] == characteristic).any())


def _truth(table: pd.DataFrame, raw: pd.DataFrame | None, columns: dict[str, str]) -> dict | None:
    """The true counts of the published columns (``{published column: raw column}``), row by row."""
    if raw is None:
        return None
    raw = raw.reset_index(drop=True)
    if len(raw) != len(table):
        raise ValueError(f"true counts have {len(raw)} rows for a table of {len(table)}")
    return {pub: pd.to_numeric(raw[col], errors="coerce").astype(float).tolist() for pub, col in columns.items()}


# --- the children at each stage --------------------------------------------------------------------------


def _stage_sums(table: pd.DataFrame, res, stage_key: str = _WHERE) -> tuple[list, list]:
    """Sums and "at most" relations of the children at each stage, for the characteristics in ``table``."""
    sums, at_most = [], []
    total = "children | " + stage_key
    for c in SIMPLE_TOTAL:
        if _present(table, c):
            sums.append(SumOver("children", "group", total_key=total, where=_only(c)))
    if _present(table, "age_band"):
        with_age = "children with an age band | " + stage_key
        sums.append(SumOver("children", "group", total_key=with_age, where=_only("age_band")))
        at_most.append(AtMost(with_age, total, where=_only("age_band")))
    if _present(table, "ethnicity_major"):
        sums.append(SumOver("children", "group", total_key="children with ethnicity known | " + stage_key,
                            where=_only("ethnicity_major")))
    if _present(table, "ethnicity"):
        for major, parts in _detailed_by_major(res).items():
            sums.append(SumOver("children", "group", where=_only("ethnicity", group=parts),
                                total_key=f"children | characteristic=ethnicity_major | group={major} | " + stage_key))
    sums_, most_ = _grids(table, res, stage_key)
    return sums + sums_, at_most + most_


def _grids(table: pd.DataFrame, res, stage_key: str) -> tuple[list, list]:
    """Ethnic group by sex and by age band: each line adds up to at most its margin."""
    sums, at_most = [], []
    r = res.latest_rates()
    for grid, axis in (("ethnicity_major_x_sex", "sex"), ("ethnicity_major_x_age_band", "age_band")):
        if not _present(table, grid):
            continue
        g = r[r["characteristic"] == grid]
        ethnic = g["group"].str.split(" | ", n=1, regex=False).str[0]
        major = _labels(res, "ethnicity_major")
        lines = [("ethnicity_major", major.get(e, e), g.loc[ethnic == e, "group_label"].tolist()) for e in
                 dict.fromkeys(ethnic)]
        lines += [(axis, _STRATUM_LABEL.get(s, s), g.loc[g["stratum"] == s, "group_label"].tolist()) for s in
                  dict.fromkeys(g["stratum"])]
        for margin_of, margin, parts in lines:
            part_sum = f"children in the {grid} grid | characteristic={margin_of} | group={margin} | " + stage_key
            where = _only(grid, group=parts)
            sums.append(SumOver("children", "group", total_key=part_sum, where=where))
            at_most.append(AtMost(part_sum, f"children | characteristic={margin_of} | group={margin} | " + stage_key,
                                  where=where))
    return sums, at_most


def rates(table: pd.DataFrame, name: str, res, raw: pd.DataFrame | None = None, title: str = ""):
    """A full rates table (``publish.publish_rates`` of every group of its characteristics): its counts
    and how they add up. ``raw``: the rows it was published from (their ``children``: the true counts)."""
    sums, at_most = _stage_sums(table, res)
    return declare(table, name, [Cells("children", CHILDREN, label=_LABEL),
                                 Cells("population", "population | characteristic={characteristic} | group={group} | "
                                                     "window={window}")],
                   sums=sums, at_most=at_most, title=title, truth=_truth(table, raw, {"children": "children"}))


def trend(table: pd.DataFrame, name: str, res, raw: pd.DataFrame | None = None, title: str = ""):
    """The trend table (every window's children by ethnic group): detailed groups add up to major groups
    in every window, and the major groups to the children whose ethnicity is known."""
    sums, at_most = _stage_sums(table, res)
    return declare(table, name, Cells("children", CHILDREN, label=_LABEL), sums=sums, at_most=at_most, title=title,
                   truth=_truth(table, raw, {"children": "children"}))


def cells_only(table: pd.DataFrame, name: str, columns: dict[str, str], title: str = "",
               raw: pd.DataFrame | None = None, raw_columns: dict[str, str] | None = None, relabel=None):
    """A table that shows part of a breakdown (a readable table, a chart's data): its counts by their keys,
    no relations (the full tables declare those). ``columns``: count column -> key template. ``relabel``:
    ``{printed group: group as the full tables print it}`` ("Boys (against girls)" is "Boys")."""
    equal = []
    if relabel:
        from ..disclosure_audit import Equal

        for printed, group in relabel.items():
            for col, key in columns.items():
                equal.append(Equal(col, key.replace("{group}", group), where={"group": [printed]}))
    truth = _truth(table, raw, raw_columns) if raw_columns else None
    return declare(table, name, [Cells(c, k, label=_LABELS.get(k, "")) for c, k in columns.items()], equal=equal,
                   title=title, truth=truth)


# --- decision points ---------------------------------------------------------------------------------------

_BEFORE = "{decision:before →}"
_AFTER = "{decision:after →}"
_DECISION = "decision={decision} | window={window}"


def decisions(table: pd.DataFrame, name: str, res, raw: pd.DataFrame | None = None, title: str = "",
              full: bool = True):
    """The decision-point table (``publish.publish_decisions``): numerators and the previous stage's counts,
    and (``full``: every group of its characteristics is in the table) how they add up."""
    at_previous = CHILDREN.replace("{stage}", _BEFORE)
    at_next = CHILDREN.replace("{stage}", _AFTER)
    cells = [Cells("children_at_previous_stage", at_previous, label="{group}, " + _BEFORE + ", twelve months to {window}"),
             Cells("children_going_on", GOING_ON, label="{group} going on, {decision}, twelve months to {window}")]
    at_most = [AtMost("children_going_on", "children_at_previous_stage"),
               AtMost("children_going_on", at_next, where=_only([c for c in FIXED if _present(table, c)] or ["-"]))]
    sums = []
    truth_keys = {}
    if full:
        everyone = "children going on | " + _DECISION
        known, unknown = (f"children going on with ethnicity {k} | " + _DECISION for k in ("known", "not known"))
        for c in SIMPLE_TOTAL:
            if _present(table, c):
                sums.append(SumOver("children_going_on", "group", total_key=everyone, where=_only(c)))
        if _present(table, "age_band"):
            banded = "children going on with an age band | " + _DECISION
            sums.append(SumOver("children_going_on", "group", total_key=banded, where=_only("age_band")))
            at_most.append(AtMost(banded, everyone, where=_only("age_band")))
        if _present(table, "ethnicity_major"):
            eth = _only("ethnicity_major")
            sums.append(SumOver("children_going_on", "group", total_key=known, where=eth))
            sums.append(SumAcross([known, unknown], everyone, where=eth))
            for side in (_BEFORE, _AFTER):
                at_most.append(AtMost(unknown, NOT_KNOWN.replace("{stage}", side), where=eth))
                at_most.append(AtMost(everyone, STAGE_TOTAL.replace("{stage}", side), where=eth))
        if _present(table, "ethnicity"):
            for major, parts in _detailed_by_major(res).items():
                sums.append(SumOver("children_going_on", "group", where=_only("ethnicity", group=parts),
                                    total_key=GOING_ON.replace("{characteristic}", "ethnicity_major")
                                    .replace("{group}", major)))
        if raw is not None:
            truth_keys = _going_on_totals(table, raw)
    ratios = [Ratio("percent_going_on", "children_going_on", "children_at_previous_stage", decimals=1)]
    truth = _truth(table, raw, {"children_at_previous_stage": "previous_children", "children_going_on": "children"})
    return declare(table, name, cells, sums=sums, at_most=at_most, ratios=ratios, title=title, truth=truth,
                   truth_keys=truth_keys)


def _going_on_totals(table: pd.DataFrame, raw: pd.DataFrame) -> dict[str, float]:
    """True values of the totals no table prints (children going on, with ethnicity not known), for the check."""
    raw = raw.reset_index(drop=True)
    out = {}
    for (window, decision), rows in table.groupby(["window", "decision"], sort=False).groups.items():
        r = raw.loc[rows]
        sex = r[r["characteristic"] == "sex"]
        eth = r[r["characteristic"] == "ethnicity_major"]
        where = f"decision={decision} | window={window}"
        if len(sex):
            out[f"children going on | {where}"] = float(sex["children"].sum())
        if len(eth):
            out[f"children going on with ethnicity not known | {where}"] = float(eth["unknown_children"].iloc[0])
            out[f"children going on with ethnicity known | {where}"] = float(eth["children"].sum())
    return out


# --- data quality ------------------------------------------------------------------------------------------


def quality(table: pd.DataFrame, name: str, raw: pd.DataFrame | None = None, title: str = ""):
    """The data-quality table: every child at a stage, and those whose ethnicity was refused, not obtained or
    is not known (refused plus not obtained); the known and the not known make every child."""
    cells = [Cells("children", STAGE_TOTAL, label="every child, {stage}, twelve months to {window}"),
             Cells("ethnicity_refused", "children with ethnicity refused | " + _WHERE,
                   label="children whose ethnicity was refused, {stage}, twelve months to {window}"),
             Cells("ethnicity_not_obtained", "children with ethnicity not obtained | " + _WHERE,
                   label="children whose ethnicity was not obtained, {stage}, twelve months to {window}"),
             Cells("ethnicity_not_known", NOT_KNOWN,
                   label="children whose ethnicity is not known, {stage}, twelve months to {window}")]
    sums = [SumAcross(["ethnicity_refused", "ethnicity_not_obtained"], "ethnicity_not_known"),
            SumAcross([KNOWN, "ethnicity_not_known"], "children")]
    ratios = [Ratio("percent_not_known", "ethnicity_not_known", "children", decimals=1)]
    truth = None
    if raw is not None:
        r = raw.reset_index(drop=True)
        truth = {"children": r["children"].astype(float).tolist(), "ethnicity_refused": r["refused"].astype(float).tolist(),
                 "ethnicity_not_obtained": r["not_obtained"].astype(float).tolist(),
                 "ethnicity_not_known": (r["refused"] + r["not_obtained"]).astype(float).tolist()}
    return declare(table, name, cells, sums=sums, ratios=ratios, title=title, truth=truth)


# --- starting to be looked after (the page's table of both measures) ----------------------------------------


def looked_after(table: pd.DataFrame, name: str, res, rate_words: str, share_words: str, title: str = "",
                 raw_rates: pd.DataFrame | None = None, raw_decisions: pd.DataFrame | None = None):
    """The page's table of starting to be looked after: its rate rows print the children who started (a count of
    the stage), its share rows the children going on from referral and the children referred. ``raw_rates`` and
    ``raw_decisions``: the rows the two parts were published from, in order (the true counts)."""
    window = res.latest
    cla, referral = cohorts.stage("cla").title, cohorts.stage("referral").title
    def at(stage: str) -> str:
        return f"children | characteristic=ethnicity_major | group={{group}} | stage={stage} | window={window}"

    rate_rows, share_rows = {"measure": [rate_words]}, {"measure": [share_words]}
    decision = f"{referral} → {cla}"
    from ..disclosure_audit import Equal

    cells = [Cells("children", f"looked-after table | group={{group}} | measure={{measure}} | window={window}"),
             Cells("children_at_previous_stage", at(referral), where=share_rows)]
    equal = [Equal("children", at(cla), where=rate_rows),
             Equal("children", f"children going on | characteristic=ethnicity_major | decision={decision} | "
                               f"group={{group}} | window={window}", where=share_rows)]
    truth = None
    if raw_rates is not None and raw_decisions is not None:
        n_rates = len(raw_rates)
        truth = {"children": [*raw_rates["children"].astype(float), *raw_decisions["children"].astype(float)],
                 "children_at_previous_stage": [None] * n_rates + raw_decisions["previous_children"].astype(float).tolist()}
    return declare(table, name, cells, equal=equal, title=title, truth=truth)


# --- partners' returns -------------------------------------------------------------------------------------


def partner(table: pd.DataFrame, name: str, raw: pd.DataFrame | None = None, title: str = ""):
    """Partners' numerators by ethnic group (with ethnicity not known) and by sex: each breakdown's groups add up
    to its count in the four quarters, which no table prints. The two breakdowns are separate rows of the
    partners' returns and the scorecard's figures other rows again, so nothing ties them to each other."""
    key = "partner count | breakdown={breakdown} | group={group} | indicator={indicator} | window={window}"
    present = set(table["breakdown"]) if "breakdown" in table.columns else set()
    sums = [SumOver("number", "group", total_key="partner count | breakdown={breakdown} | indicator={indicator} | "
                                                 "window={window}", where={"breakdown": [b]})
            for b in ("ethnicity", "sex") if b in present]
    truth = _truth(table, raw, {"number": "numerator"}) if raw is not None else None
    return declare(table, name, Cells("number", key, label="{title}, {group} ({breakdown}), four quarters to {window}"),
                   sums=sums, title=title, truth=truth)

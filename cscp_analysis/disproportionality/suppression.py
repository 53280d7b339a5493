"""Which counts of the disproportionality tables are hidden, and why: decided once for every window and stage.

The published tables are linked by additive relations, and a hidden count must not be recoverable
from any of them (docs/disproportionality.md §8). For each window and stage the cells are:

* **the children at the stage** by group: for each characteristic the groups with a population add
  up to *A* (the children the ratios are about), and *A* plus the not-known categories (ethnicity
  not known, sex not recorded, unborn or 18, disability not recorded) add up to the children at the
  stage, *T* (the data-quality table); detailed ethnic groups add up to their major group; refused
  plus not obtained add up to ethnicity not known; the ethnicity × sex and × age-band grids have the
  published ethnic groups and sexes or age bands as margins (treated as exact sums, which protects
  against a stronger attacker than the tables allow);
* **the children going on** at the decision into the stage (the decision-point table's numerators):
  the same lines again, adding up to the children who went on, *B* (never published, but worked out
  whenever one characteristic's groups are all shown, so treated as known), with the children of
  unknown ethnicity who went on (never published either) as the not-known part of the ethnic line
  (decision points by ethnicity × sex or × age band are not published, so they form no lines);
  and each group's numerator is **at most** that group's count at the stage and at the previous
  stage (the children going on from a conference to a plan are among the children with a plan, and
  when every plan followed a conference they are all of them).

Issue 14 showed why the second part matters: with only primary suppression on the numerators, the
289 boys and 221 girls going on from conference to plan were shown while the sex split of the 511
children with a plan was hidden; every plan followed a conference, so "sex not recorded" was pinned
to exactly 1. So:

1. **primary**: every count of 1 to the threshold (5) is hidden, in both layers;
2. **ties**: a group's numerator is hidden whenever its count at the stage or at the previous stage is
   (a shown numerator would bound a hidden count from below: 38 of 41 going on pins 41 to 38 or
   more);
3. **secondary** (``disclosure.secondary_suppression`` on every line of both layers, repeated with the
   ties until nothing changes): no line has exactly one hidden cell next to a known total.

The stage counts are decided before the numerators and never depend on them, so the rates tables
are the same as before; the numerators take what the stage counts need. Every cell carries **why** it
is hidden: *primary* (a count of 1 to the threshold) or *secondary* (hidden so that another hidden
count cannot be worked out from the totals); derived figures (rates, ratios, percentages) add
*comparison* (their own counts are shown but the comparison group's count is hidden). The charts,
alt text and the readable tables say it in words (:data:`REASON_WORDS`).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from .. import disclosure
from . import cohorts

__all__ = ["SIMPLE", "PRIMARY", "SECONDARY", "COMPARISON", "REASON_WORDS", "masks", "reason_words"]

SIMPLE = ("ethnicity_major", "sex", "age_band", "disability")
_NOT_COUNTED = {"sex": {"U"}, "age_band": {"Unborn", "18 and over"}, "disability": {"U"}}
_GRIDS = (("ethnicity_major_x_sex", "sex"), ("ethnicity_major_x_age_band", "age_band"))

PRIMARY, SECONDARY, COMPARISON = "primary", "secondary", "comparison"
#: what each reason means for a reader, ``{threshold}`` filled in by :func:`reason_words`
REASON_WORDS = {
    PRIMARY: "a count of 1 to {threshold}",
    SECONDARY: "hidden so that another hidden count cannot be worked out from the totals",
    COMPARISON: "the comparison group's count is hidden",
}


def reason_words(reason: str, threshold: int = 5) -> str:
    """The reason a figure is hidden, in words (``""`` when it is shown)."""
    return REASON_WORDS[reason].format(threshold=threshold) if reason in REASON_WORDS else ""


def _key(layer: str, characteristic: str, group: str):
    return (characteristic, group) if layer == "" else (layer, characteristic, group)


def _names(layer: str) -> tuple[str, str, str]:
    """The virtual cells of a layer: its total, its ethnicity not known, and the prefix of its *A* cells."""
    return ("T", "U", "A:") if layer == "" else ("DT", "DU", "DA:")


def _add_layer(layer: str, rows: pd.DataFrame, unknown: float, val: dict, lines: list, grids: list) -> None:
    """The cells and additive lines of one layer: the children at a stage (``layer=""``) or the children
    going on at the decision into it (``layer="D"``)."""
    total, unk, a_prefix = _names(layer)
    val[unk] = float(unknown)
    by_char = {c: g for c, g in rows.groupby("characteristic", sort=False)}
    for c, g in by_char.items():
        for grp, n in zip(g["group"], g["children"], strict=True):
            val[_key(layer, c, grp)] = float(n)
    for c in SIMPLE:
        if c not in by_char:
            continue
        g = by_char[c]
        counted = [_key(layer, c, x) for x in g["group"] if x not in _NOT_COUNTED.get(c, set())]
        extras = [_key(layer, c, x) for x in g["group"] if x in _NOT_COUNTED.get(c, set())]
        if c == "ethnicity_major":
            extras = [unk]
        a_key = f"{a_prefix}{c}"
        val[a_key] = sum(val[k] for k in counted)
        lines.append((counted, a_key))
        lines.append(([a_key] + extras, total))
    if "ethnicity" in by_char and "ethnicity_major" in by_char:
        for major, codes in _detailed_to_major(by_char["ethnicity_major"]["group"].tolist()).items():
            parts = [_key(layer, "ethnicity", x) for x in codes if _key(layer, "ethnicity", x) in val]
            if parts:
                lines.append((parts, _key(layer, "ethnicity_major", major)))
    for c, axis in _GRIDS if layer == "" else ():  # decision points by intersection are never published
        if c in by_char and "ethnicity_major" in by_char and axis in by_char:
            g = by_char[c]
            strata = list(dict.fromkeys(g["stratum"]))
            eth = [x.split(" | ")[0] for x in g["group"][: len(g) // len(strata)]]
            cells = [[_key(layer, c, f"{e} | {s}") for s in strata] for e in eth]
            grids.append((cells, [_key(layer, "ethnicity_major", e) for e in eth], [_key(layer, axis, s) for s in strata],
                          total))


def _detailed_to_major(major_groups: list[str]) -> dict[str, list[str]]:
    """Which DfE codes make up each major-level group of the table (the reference's own major group is
    split into the reference and the rest, see ``cohorts.groupings``)."""
    major_of = {e.code: e.major_group for e in cohorts.C.ETHNICITY if e.code not in cohorts.C.UNKNOWN_ETHNICITY}
    out: dict[str, list[str]] = {g: [] for g in major_groups}
    for code, maj in major_of.items():
        if code in out:
            out[code].append(code)
        elif maj in out:
            out[maj].append(code)
        else:  # the rest of the reference's major group
            rest = [g for g in major_groups if g not in major_of and g not in cohorts.C.MAJOR_GROUPS]
            out[rest[0]].append(code)
    return out


def _lower(v: float, threshold: int) -> float:
    """The least a hidden count can be for a reader told why it is hidden: 1 for a count of 1 to the
    threshold, threshold + 1 for any other (0 for a hidden zero, which the page never calls primary)."""
    return 0.0 if v < 0.5 else (1.0 if v < threshold + 0.5 else threshold + 1.0)


def _short(values: list[float], threshold: int) -> bool:
    """Whether hidden counts adding up to a known total leave a hidden count too little room.

    Two readers of the line (its hidden counts add up to R, known from the total and the shown parts):

    * one sees only ``c`` (1 or more): if the smallest count of 1 to the threshold, p, is 1 it must be
      able to be 6 or more, so the others must have at least 5 to give beyond their 1 each:
      Σ others (v − 1) ≥ 5;
    * one reads the published symbols, ``[c]`` (1 to the threshold, t) and ``[s]`` (t + 1 or more), as
      the intruder audit does (docs/disclosure.md, "When a suppressed cell is protected"): each ``[c]`` of
      true value v must keep 1 possible (when v > 1; the others can then take all but 1, which they can
      when one of them is an ``[s]``, unbounded above, or when R − t·(n − 1) ≤ 1) or keep t possible (when
      v < t; R − Σ others' least ≥ t, a count's least being 1 for ``[c]`` and t + 1 for ``[s]``); and no
      ``[s]`` may be worked out exactly (R − Σ others' least > t + 1 when it is the only unbounded one).
      1 Roma child hidden with 7 Irish children, the 7 marked [s] and so 6 or more, would be 1 or 2.
    """
    small = sorted(v for v in values if 0.5 <= v < threshold + 0.5)
    if small and small[0] < 1.5:
        others = list(values)
        others.remove(small[0])
        if sum(v - 1 for v in others) < 5:
            return True
    total = float(sum(values))
    least = [_lower(v, threshold) for v in values]
    most = [np.inf if v >= threshold + 0.5 else (0.0 if v < 0.5 else float(threshold)) for v in values]
    for i, v in enumerate(values):
        if v < 0.5:
            continue
        low = max(least[i], total - sum(most[:i] + most[i + 1:]))  # the others take all they can
        high = min(most[i], total - sum(least[:i] + least[i + 1:]))  # the others take as little as they can
        if v >= threshold + 0.5:  # an [s] must not be worked out exactly
            if high - low < 0.5:
                return True
            continue
        keeps_one = v > 1.5 and low <= 1 + 1e-9
        keeps_top = v < threshold - 0.5 and high >= threshold - 1e-9
        if not (keeps_one or keeps_top):
            return True
    return False


def _slack(val: dict, m: dict, lines: list, grids: list, threshold: int) -> bool:
    """Room to move in every line whose total is known (:func:`_short`); when there is too little, the
    smallest shown non-zero part that gives the room is hidden too (else the smallest, and again; the
    total when none is left). Returns whether anything changed."""
    every = list(lines)
    for cells, row_tot, col_tot, _ in grids:
        every += [(r, rt) for r, rt in zip(cells, row_tot, strict=True)]
        every += [([r[j] for r in cells], ct) for j, ct in enumerate(col_tot)]
    changed = False
    for parts, total in every:
        if m[total]:
            continue
        hidden = [k for k in parts if m[k]]
        while _short([val[k] for k in hidden], threshold):
            free = sorted((k for k in parts if not m[k] and val[k] > 0), key=lambda k: val[k])
            # the smallest part that gives the room on its own, else the smallest (and go round again)
            enough = next((k for k in free if not _short([val[j] for j in hidden] + [val[k]], threshold)), None)
            pick = enough if enough is not None else (free[0] if free else total)
            m[pick] = changed = True
            if pick == total:
                break
            hidden.append(pick)
    return changed


def _secondary(val: dict, m: dict, lines: list, grids: list, threshold: int) -> bool:
    """One pass of secondary suppression over every line and grid; returns whether anything changed."""
    changed = False
    for parts, total in lines:
        keys = parts + [total]
        v = np.asarray([val[k] for k in keys], float).reshape(-1, 1)
        mk = np.asarray([m[k] for k in keys], bool).reshape(-1, 1)
        new = disclosure.secondary_suppression(v, mk, total_row=len(keys) - 1).ravel()
        for k, b in zip(keys, new, strict=True):
            if b and not m[k]:
                m[k] = changed = True
    for cells, row_tot, col_tot, total in grids:
        keys = [r + [rt] for r, rt in zip(cells, row_tot, strict=True)] + [col_tot + [total]]
        v = np.array([[val[k] for k in r] for r in keys], float)
        mk = np.array([[m[k] for k in r] for r in keys], bool)
        new = disclosure.secondary_suppression(v, mk, total_row=v.shape[0] - 1, total_col=v.shape[1] - 1)
        for i, r in enumerate(keys):
            for j, k in enumerate(r):
                if new[i, j] and not m[k]:
                    m[k] = changed = True
    return _slack(val, m, lines, grids, threshold) or changed


def _block(rows: pd.DataFrame, dq: pd.Series, dec: pd.DataFrame | None, previous: dict | None,
           threshold: int) -> tuple[dict, dict]:
    """Masks for one window and stage: ``({key: hidden}, {key: value})``.

    Keys: ``(characteristic, group)`` for the children at the stage, ``("D", characteristic, group)`` for
    the children going on at the decision into it; the virtual cells ``T``, ``U`` (ethnicity not known),
    ``REFU``, ``NOBT``, ``A:<characteristic>`` and, for the decision, ``DT``, ``DU``, ``DA:<characteristic>``.
    ``previous``: the masks of the previous stage in the same window (a count hidden there hides the
    numerator, and so the count at this stage).
    """
    val: dict = {"T": float(dq["children"]), "REFU": float(dq["refused"]), "NOBT": float(dq["not_obtained"])}
    lines: list = [(["REFU", "NOBT"], "U")]
    grids: list = []
    _add_layer("", rows, dq["refused"] + dq["not_obtained"], val, lines, grids)
    ties: dict = {}  # numerator -> the count at this stage it is tied to (both ways)
    if dec is not None and len(dec):
        eth = dec[dec["characteristic"] == "ethnicity_major"]
        sex = dec["characteristic"] == "sex"
        dval: dict = {"DT": float(dec.loc[sex, "children"].sum()) if sex.any() else np.nan}
        before = len(lines)
        _add_layer("D", dec, float(eth["unknown_children"].iloc[0]) if len(eth) else 0.0, dval, lines, grids)
        if not np.isfinite(dval["DT"]):  # no sex rows (a partial grouping): the parts of the first line
            dval["DT"] = sum(dval[k] for k in lines[before + 1][0]) if len(lines) > before + 1 else 0.0
        val.update(dval)
        ties = {k: (k[1], k[2]) for k in dval if isinstance(k, tuple)}
    m: dict = defaultdict(bool)
    for k, v in val.items():
        m[k] = bool(disclosure.primary_suppression([v], threshold)[0])
    prev = previous or {}
    for _ in range(100):
        for k, src in ties.items():  # zeros stay shown: a 0 bounds nothing, and "c" always means 1 or more
            hide = m[k] or m[src] or prev.get(src, False)
            m[k] = m[k] or (hide and val[k] > 0)
            m[src] = m[src] or (hide and val[src] > 0)
        if ties:
            for k, src in (("DT", "T"), ("DU", "U")):
                m[k] = m[k] or ((m[src] or prev.get(src, False)) and val[k] > 0)
        if not _secondary(val, m, lines, grids, threshold):
            break
    return m, val


def masks(rates: pd.DataFrame, decisions: pd.DataFrame, quality: pd.DataFrame, threshold: int = 5) -> None:
    """Decide suppression once for every window and stage; adds columns in place.

    ``rates``: ``suppressed`` (the group's count), ``suppressed_reason`` (``primary``/``secondary``/``""``),
    ``a_suppressed`` (*A*, the children the ratios are about), ``t_suppressed`` (the DR's total),
    ``ref_suppressed`` (the reference count), ``rri_hidden`` and ``rri_hidden_reason``, ``dr_hidden``.
    ``decisions``: ``previous_suppressed``, ``suppressed`` (the children going on), ``suppressed_reason``,
    ``ratio_hidden`` and ``ratio_hidden_reason``.
    ``quality``: ``children_suppressed``, ``refused_suppressed``, ``not_obtained_suppressed``,
    ``unknown_suppressed``.
    """
    qidx = quality.set_index(["window", "stage"])
    q_cols = {c: np.zeros(len(quality), bool) for c in ("children_suppressed", "refused_suppressed",
                                                          "not_obtained_suppressed", "unknown_suppressed")}
    q_pos = {k: i for i, k in enumerate(zip(quality["window"], quality["stage"], strict=True))}
    sup_col = np.zeros(len(rates), bool)
    a_col = np.zeros(len(rates), bool)
    t_col = np.zeros(len(rates), bool)
    chars, groups, strata = rates["characteristic"].to_numpy(), rates["group"].to_numpy(), rates["stratum"].to_numpy()
    dec_pos = decisions.groupby(["window", "stage"], sort=False).indices if len(decisions) else {}
    dec_sup = np.zeros(len(decisions), bool)
    order = {s.key: i for i, s in enumerate(cohorts.STAGES)}
    blocks = rates.groupby(["window", "stage"], sort=False).indices
    done: dict = {}
    for (w, s) in sorted(blocks, key=lambda k: order.get(k[1], 99)):
        pos = blocks[(w, s)]
        dpos = dec_pos.get((w, s))
        dec = decisions.iloc[dpos] if dpos is not None else None
        prev_key = (w, cohorts.stage(s).previous) if s in order and cohorts.stage(s).previous else None
        m, val = _block(rates.iloc[pos], qidx.loc[(w, s)], dec, done.get(prev_key), threshold)
        done[(w, s)] = m
        sup_col[pos] = [m[(c, g)] for c, g in zip(chars[pos], groups[pos], strict=True)]
        if dpos is not None:
            dec_sup[dpos] = [m[("D", c, g)] for c, g in zip(decisions["characteristic"].to_numpy()[dpos],
                                                            decisions["group"].to_numpy()[dpos], strict=True)]
        stratum_any: dict = defaultdict(bool)
        for c, g, st in zip(chars[pos], groups[pos], strata[pos], strict=True):
            stratum_any[(c, st)] = stratum_any[(c, st)] or m[(c, g)]
        for j, c, st in zip(pos, chars[pos], strata[pos], strict=True):
            if c in SIMPLE or c == "ethnicity":
                a_col[j] = m[f"A:{'ethnicity_major' if c == 'ethnicity' else c}"]
                t_col[j] = m["T"]
            else:  # intersections: A of a stratum is shown only if every cell of the stratum is
                a_col[j] = stratum_any[(c, st)]
                axis = "sex" if c.endswith("sex") else "age_band"
                t_col[j] = m[(axis, st)] if (axis, st) in val else True
        i = q_pos[(w, s)]
        q_cols["children_suppressed"][i] = m["T"]
        q_cols["refused_suppressed"][i] = m["REFU"]
        q_cols["not_obtained_suppressed"][i] = m["NOBT"]
        q_cols["unknown_suppressed"][i] = m["U"]
    rates["suppressed"], rates["a_suppressed"], rates["t_suppressed"] = sup_col, a_col, t_col
    rates["suppressed_reason"] = _reason(rates["children"], sup_col, threshold)
    for c, v in q_cols.items():
        quality[c] = v
    # reference counts
    key = rates["window"] + "\x1f" + rates["stage"] + "\x1f" + rates["characteristic"] + "\x1f"
    sup = pd.Series(rates["suppressed"].to_numpy(bool), index=key + rates["group"])
    ref_group = rates["ref_group"] if "ref_group" in rates.columns else pd.Series("", index=rates.index)
    named = ref_group.astype(str) != ""
    ref_sup = np.where(named, (key + ref_group.astype(str)).map(sup).fillna(True).to_numpy(bool),
                       rates["suppressed"].to_numpy(bool) | rates["a_suppressed"].to_numpy(bool))
    rates["ref_suppressed"] = ref_sup
    rates["rri_hidden"] = rates["suppressed"] | rates["ref_suppressed"]
    rates["rri_hidden_reason"] = np.where(rates["suppressed"].to_numpy(bool), rates["suppressed_reason"].to_numpy(),
                                          np.where(ref_sup, COMPARISON, "")).astype(object)
    rates["dr_hidden"] = rates["suppressed"] | rates["t_suppressed"].astype(bool)
    _decision_masks(decisions, dec_sup, sup, threshold)


def _reason(counts, hidden, threshold: int) -> np.ndarray:
    """``primary`` for a hidden count of 1 to the threshold, ``secondary`` for any other hidden count."""
    primary = disclosure.primary_suppression(np.asarray(counts, float), threshold)
    return np.where(np.asarray(hidden, bool), np.where(primary, PRIMARY, SECONDARY), "").astype(object)


def _decision_masks(decisions: pd.DataFrame, dec_sup: np.ndarray, sup: pd.Series, threshold: int) -> None:
    """The decision table's masks: its denominators take the previous stage's, its numerators come from
    :func:`_block`; a ratio is hidden when any of its four counts is."""
    decisions["previous_suppressed"] = True
    decisions["suppressed"] = dec_sup
    if not len(decisions):
        decisions["suppressed_reason"] = ""
        decisions["ratio_hidden"] = True
        decisions["ratio_hidden_reason"] = ""
        return
    pkey = decisions["window"] + "\x1f" + decisions["previous"] + "\x1f" + decisions["characteristic"] + "\x1f"
    hp = (pkey + decisions["group"]).map(sup).fillna(True).to_numpy(bool)
    decisions["previous_suppressed"] = hp
    reason_num = _reason(decisions["children"], dec_sup, threshold)
    reason_den = _reason(decisions["previous_children"], hp, threshold)
    decisions["suppressed_reason"] = reason_num
    either = hp | dec_sup
    own = np.where((reason_num == PRIMARY) | (reason_den == PRIMARY), PRIMARY, np.where(either, SECONDARY, ""))
    dkey = decisions["window"] + "\x1f" + decisions["stage"] + "\x1f" + decisions["characteristic"] + "\x1f"
    either_by = pd.Series(either, index=dkey + decisions["group"])
    dref = decisions["ref_group"] if "ref_group" in decisions.columns else pd.Series("", index=decisions.index)
    dnamed = dref.astype(str) != ""
    in_others = (decisions["in_others"].to_numpy(bool) if "in_others" in decisions.columns
                 else np.ones(len(decisions), bool))
    strat = dkey + decisions["stratum"].astype(str)
    any_in_stratum = pd.Series(either & in_others, index=decisions.index).groupby(strat.to_numpy()).transform("any")
    ref_hidden = np.where(dnamed, (dkey + dref.astype(str)).map(either_by).fillna(True).to_numpy(bool),
                          any_in_stratum.to_numpy(bool))
    decisions["ratio_hidden"] = either | ref_hidden
    decisions["ratio_hidden_reason"] = np.where(either, own, np.where(ref_hidden, COMPARISON, "")).astype(object)

"""Speed of the intruder audit on synthetic packs at the demo's scale and at England's.

    .venv/bin/python benchmarks/bench_audit.py                  # demo, then England (150 blocks)
    .venv/bin/python benchmarks/bench_audit.py --blocks 20      # a smaller "England"
    .venv/bin/python benchmarks/bench_audit.py --repeat 3       # best of 3

What is built (published tables as strings, with their audit declarations, and the true counts):

* 6 stages of the child's journey (referral … child protection plan, looked after) × 9 rolling
  windows; per stage and window, children by 5 characteristics: major ethnic group (7 + not known),
  detailed ethnic group (19, adding up to the major groups), sex (3), age band (8), disability (3):
  41 groups that add up to the stage's total (printed in a data-quality table);
* the ethnic group × sex grid at every stage and window, its margins the published groups;
* decision points between consecutive stages for every group: children at the previous stage (the
  same quantity as the rates table's), children going on (at most the next stage's count), and the
  percentage going on (a ratio, rounded to 1 place);
* referrals (events) by major ethnic group for 12 quarters, adding up to each rolling year;
* one table per window and characteristic, as the pack publishes them: 110 tables.

Counts are drawn as multinomials (so every total adds up exactly) from a Coventry-sized partnership
(about 4,300 referrals a year). Suppression is the DfE rule the pack applies: 1 to 5 is ``[c]``; in
every line with exactly one suppressed cell the next-smallest non-zero cell becomes ``[s]``, repeated
until stable; decision-point numerators are ``[c]`` at 1 to 5 and ``[s]`` wherever the stage counts
they sit under are suppressed (the fix the issue asks for).

England's scale: the pack has no per-authority tables today, and a single England-sized block has
*larger* counts, hence fewer suppressed cells and a faster audit than the demo. The hard case is a
pack that breaks the same tables down by local authority, so "England" here is 150 blocks of the
demo's structure, each authority drawn from a spread of sizes (log-normal, 2,000 to 300,000
children) totalling about 12 million children: every suppressed cell of 150 authorities in one audit.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cscp_analysis import disclosure_audit as audit  # noqa: E402

STAGES = ["Referred", "Assessed", "Section 47 enquiry", "Initial conference", "Child protection plan",
          "Started to be looked after"]
STAGE_SHARE = np.array([1.0, 0.91, 0.40, 0.131, 0.119, 0.062])  # of referrals, as in the demo
MAJOR = {"White British": ["WBRI"], "Other White": ["WIRI", "WIRT", "WOTH", "WROM"],
         "Mixed": ["MWBC", "MWBA", "MWAS", "MOTH"], "Asian": ["AIND", "APKN", "ABAN", "AOTH"],
         "Black": ["BCRB", "BAFR", "BOTH"], "Chinese": ["CHNE"], "Other": ["OOTH"], "Not known": ["NOBT"]}
MAJOR_SHARE = np.array([0.55, 0.08, 0.07, 0.17, 0.08, 0.01, 0.02, 0.02])
SEX, SEX_SHARE = ["Boys", "Girls", "Not recorded"], np.array([0.52, 0.475, 0.005])
AGE = ["Unborn", "Under 1", "1-4", "5-9", "10-14", "15-17", "18 and over", "Not known"]
AGE_SHARE = np.array([0.01, 0.08, 0.2, 0.25, 0.27, 0.18, 0.005, 0.005])
DISABILITY, DISABILITY_SHARE = ["Disabled", "Not disabled", "Not recorded"], np.array([0.07, 0.9, 0.03])
WINDOWS = [f"W{i + 1}" for i in range(9)]
QUARTERS = [f"Q{i + 1}" for i in range(12)]  # window Wi covers quarters Qi .. Qi+3
THRESHOLD = 5


class Cells:
    """Every count of the synthetic pack: key, true value, and later its published text."""

    def __init__(self):
        self.keys, self.values = [], []

    def add(self, keys, values):
        start = sum(len(k) for k in self.keys)
        self.keys.append(np.asarray(keys, dtype=object))
        self.values.append(np.asarray(values, dtype=float))
        return np.arange(start, start + len(keys))


def _multinomial(rng, totals, shares):
    """Counts of each share for every total (rows), adding up exactly."""
    return rng.multinomial(totals.astype(int), shares / shares.sum())


def build(blocks: int, seed: int = 20261206, scale: float = 1.0):
    """The synthetic published tables (list of (table, declaration)) and the true counts ({key: value}).

    ``blocks``: 1 for one partnership (the demo, about 4,300 referrals a year, times ``scale``), or
    that many local-authority blocks of log-normally spread sizes.
    """
    rng = np.random.default_rng(seed)
    sizes = (np.full(1, 4300.0 * scale) if blocks == 1 else
             np.clip(rng.lognormal(np.log(60_000), 0.8, blocks), 2_000, 300_000) / 80_000 * 4300)
    cells = Cells()
    tables: dict[str, list[pd.DataFrame]] = {}
    lines: list[tuple[np.ndarray, np.ndarray]] = []  # (parts, total) per additive line, as cell ids
    stage_ids = {}
    blocks_names = [f"LA{b:03d}" for b in range(blocks)]
    n_major = len(MAJOR)
    detailed = [d for codes in MAJOR.values() for d in codes]
    detailed_major = np.repeat(np.arange(n_major), [len(c) for c in MAJOR.values()])
    for b, la in enumerate(blocks_names):
        for w, window in enumerate(WINDOWS):
            referrals = rng.poisson(sizes[b])
            totals = np.round(referrals * STAGE_SHARE * rng.uniform(0.9, 1.1, len(STAGES)))
            totals[0] = referrals
            grid = np.stack([_multinomial(rng, np.array([t]), np.outer(MAJOR_SHARE, SEX_SHARE).ravel())[0]
                             for t in totals]).reshape(len(STAGES), n_major, len(SEX))
            for s, stage in enumerate(STAGES):
                base = f"la={la} | stage={stage} | window={window}"
                total_id = cells.add([f"children | {base}"], [totals[s]])[0]
                stage_ids[(la, window, stage)] = total_id
                tables.setdefault(f"quality_{window}", []).append(pd.DataFrame(
                    {"la": [la], "window": [window], "stage": [stage], "id": [total_id]}))
                major = grid[s].sum(axis=1)
                sex = grid[s].sum(axis=0)
                det = np.zeros(len(detailed))
                for m in range(n_major):
                    idx = np.flatnonzero(detailed_major == m)
                    det[idx] = _multinomial(rng, np.array([major[m]]), np.ones(len(idx)) + np.arange(len(idx)))[0]
                age = _multinomial(rng, np.array([totals[s]]), AGE_SHARE)[0]
                dis = _multinomial(rng, np.array([totals[s]]), DISABILITY_SHARE)[0]
                ids = {}
                for char, groups, values in (("ethnicity_major", list(MAJOR), major), ("ethnicity", detailed, det),
                                             ("sex", SEX, sex), ("age_band", AGE, age), ("disability", DISABILITY, dis)):
                    keys = [f"children | characteristic={char} | group={g} | {base}" for g in groups]
                    ids[char] = cells.add(keys, values)
                    tables.setdefault(f"rates_{char}_{window}", []).append(pd.DataFrame(
                        {"la": la, "window": window, "stage": stage, "characteristic": char, "group": groups,
                         "id": ids[char]}))
                    lines.append((ids[char], np.array([total_id])))
                for m in range(n_major):
                    lines.append((ids["ethnicity"][detailed_major == m], ids["ethnicity_major"][[m]]))
                g_ids = cells.add([f"children | ethnicity={e} | sex={x} | {base}" for e in MAJOR for x in SEX],
                                  grid[s].ravel()).reshape(n_major, len(SEX))
                tables.setdefault(f"intersections_{window}", []).append(pd.DataFrame(
                    {"la": la, "window": window, "stage": stage, "ethnicity": np.repeat(list(MAJOR), len(SEX)),
                     "sex": SEX * n_major, "id": g_ids.ravel()}))
                for m in range(n_major):
                    lines.append((g_ids[m], ids["ethnicity_major"][[m]]))
                for x in range(len(SEX)):
                    lines.append((g_ids[:, x], ids["sex"][[x]]))
        # referrals (events) by major ethnic group and quarter; each window adds up four quarters
        q = rng.poisson(np.outer(np.full(len(QUARTERS), sizes[b] / 4), MAJOR_SHARE))
        q_ids = [cells.add([f"referrals | group={g} | la={la} | quarter={qq}" for g in MAJOR], q[i])
                 for i, qq in enumerate(QUARTERS)]
        for w, window in enumerate(WINDOWS):
            year = q[w:w + 4].sum(axis=0)
            y_ids = cells.add([f"referrals | group={g} | la={la} | window={window}" for g in MAJOR], year)
            for m, g in enumerate(MAJOR):
                parts = np.array([q_ids[w + k][m] for k in range(4)])
                lines.append((parts, y_ids[[m]]))
                tables.setdefault("referrals_by_quarter", []).append(pd.DataFrame(
                    {"la": la, "window": window, "group": g, "quarter": QUARTERS[w:w + 4], "id": parts,
                     "year_id": y_ids[m]}))
    keys = np.concatenate(cells.keys)
    values = np.concatenate(cells.values)
    hidden = _suppress(values, lines)
    # decision points: going on is at most both stage counts; suppressed where either stage count is
    dec_frames = []
    for name, frames in list(tables.items()):
        if not name.startswith("rates_"):
            continue
        rates = pd.concat(frames, ignore_index=True)
        nxt = rates.assign(stage=rates["stage"].map(dict(zip(STAGES[:-1], STAGES[1:], strict=True))))
        pair = rates.merge(nxt.dropna(subset=["stage"]), on=["la", "window", "stage", "characteristic", "group"],
                           suffixes=("_next", "_prev"))
        prev_v, next_v = values[pair["id_prev"]], values[pair["id_next"]]
        going = np.minimum(prev_v, next_v) - rng.binomial(np.minimum(prev_v, next_v).astype(int), 0.03)
        first = len(values)
        values = np.concatenate([values, going])
        new_keys = ("going on | characteristic=" + pair["characteristic"] + " | group=" + pair["group"] + " | la="
                    + pair["la"] + " | stage=" + pair["stage"] + " | window=" + pair["window"]).to_numpy(dtype=object)
        keys = np.concatenate([keys, new_keys])
        g_hidden = ((going >= 1) & (going <= THRESHOLD)) | hidden[pair["id_prev"]] | hidden[pair["id_next"]]
        hidden = np.concatenate([hidden, g_hidden])
        dec_frames.append((name.replace("rates_", "decisions_"), pair.assign(
            decision=pair["stage"].map(dict(zip(STAGES[1:], [f"{a} → {b}" for a, b in zip(STAGES[:-1], STAGES[1:],
                                                                                         strict=True)], strict=True))),
            going_id=np.arange(first, first + len(pair)))))
    text = _publish(values, hidden)
    published = []
    key_tpl = "children | characteristic={characteristic} | group={group} | la={la} | stage={stage} | window={window}"
    for name, frames in tables.items():
        t = pd.concat(frames, ignore_index=True)
        if name.startswith("quality_"):
            t = t.assign(children=text[t["id"]]).drop(columns="id")
            decl = audit.Declaration(name, [audit.Cells("children", "children | la={la} | stage={stage} | window={window}")])
        elif name.startswith("rates_"):
            t = t.assign(children=text[t["id"]]).drop(columns="id")
            decl = audit.Declaration(name, [audit.Cells("children", key_tpl, label="{group}, {stage}, {la}, {window}")],
                                     sums=[audit.SumOver("children", "group", total_key=(
                                         "children | la={la} | stage={stage} | window={window}"))])
            if name.startswith("rates_ethnicity_") and not name.startswith("rates_ethnicity_major"):
                major_of = {d: m for m, codes in MAJOR.items() for d in codes}
                t = t.assign(major=t["group"].map(major_of))
                decl.sums = [audit.SumOver("children", "group", total_key=(
                    "children | characteristic=ethnicity_major | group={major} | la={la} | stage={stage} | "
                    "window={window}"))]
        elif name.startswith("intersections_"):
            t = t.assign(children=text[t["id"]]).drop(columns="id")
            decl = audit.Declaration(name, [audit.Cells(
                "children", "children | ethnicity={ethnicity} | sex={sex} | la={la} | stage={stage} | window={window}")],
                sums=[audit.SumOver("children", "sex", total_key=("children | characteristic=ethnicity_major | "
                                                                  "group={ethnicity} | la={la} | stage={stage} | "
                                                                  "window={window}")),
                      audit.SumOver("children", "ethnicity", total_key=("children | characteristic=sex | group={sex} | "
                                                                        "la={la} | stage={stage} | window={window}"))])
        else:  # referrals_by_quarter
            t = t.assign(referrals=text[t["id"]], referrals_in_year=text[t["year_id"]]).drop(columns=["id", "year_id"])
            decl = audit.Declaration(name, [
                audit.Cells("referrals", "referrals | group={group} | la={la} | quarter={quarter}"),
                audit.Cells("referrals_in_year", "referrals | group={group} | la={la} | window={window}")],
                sums=[audit.SumOver("referrals", "quarter",
                                    total_key="referrals | group={group} | la={la} | window={window}")])
        published.append((t, decl))
    for name, pair in dec_frames:
        t = pd.DataFrame({"la": pair["la"], "window": pair["window"], "decision": pair["decision"],
                          "characteristic": pair["characteristic"], "group": pair["group"],
                          "children_at_previous_stage": text[pair["id_prev"]],
                          "children_going_on": text[pair["going_id"]]})
        prev_v, going_v = values[pair["id_prev"]], values[pair["going_id"]]
        pct = np.where(prev_v > 0, 100 * going_v / np.maximum(prev_v, 1), np.nan)
        hide = hidden[pair["id_prev"]] | hidden[pair["going_id"]] | (prev_v == 0)
        t["percent_going_on"] = np.where(hide, "[c]", np.char.mod("%.1f", np.nan_to_num(pct)))
        where = "characteristic={characteristic} | group={group} | la={la} | window={window}"
        decl = audit.Declaration(name, [
            audit.Cells("children_at_previous_stage", "children | stage={decision:before →} | " + where),
            audit.Cells("children_going_on", "going on | stage={decision:after →} | " + where)],
            at_most=[audit.AtMost("children_going_on", "children_at_previous_stage"),
                     audit.AtMost("children_going_on", "children | stage={decision:after →} | " + where)],
            ratios=[audit.Ratio("percent_going_on", "children_going_on", "children_at_previous_stage")])
        published.append((t, decl))
    truth = dict(zip(keys, values, strict=True))
    return published, truth, int(hidden.sum())


def _suppress(values: np.ndarray, lines) -> np.ndarray:
    """DfE suppression: 1 to 5 hidden; in a line (parts and total) with exactly one hidden cell, hide the
    smallest non-zero visible part (else the total), until no line has exactly one. Vectorised per pass."""
    hidden = (values >= 1) & (values <= THRESHOLD)
    part_line = np.concatenate([np.full(len(p), i) for i, (p, _) in enumerate(lines)])
    part_cell = np.concatenate([p for p, _ in lines])
    total_cell = np.array([t[0] for _, t in lines])
    n = len(values)
    members = sparse.csr_matrix((np.ones(len(part_cell) + len(lines)),
                                 (np.concatenate([part_line, np.arange(len(lines))]),
                                  np.concatenate([part_cell, total_cell]))), shape=(len(lines), n))
    for _ in range(50):
        count = members @ hidden.astype(float)
        need = np.flatnonzero(count == 1)
        if not len(need):
            break
        need_mask = np.zeros(len(lines), bool)
        need_mask[need] = True
        cand = need_mask[part_line] & ~hidden[part_cell] & (values[part_cell] > 0)
        cl, cc = part_line[cand], part_cell[cand]
        order = np.lexsort((values[cc], cl))
        first = order[np.r_[True, cl[order][1:] != cl[order][:-1]]] if len(order) else order
        hidden[cc[first]] = True
        lacking = np.setdiff1d(need, cl[first])
        hidden[total_cell[lacking]] = True
    return hidden


def _publish(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Published text: the count, or [c] (1 to 5) / [s] (withheld to protect another); a zero is always shown."""
    text = np.char.mod("%d", values.astype(int)).astype(object)
    small = (values >= 1) & (values <= THRESHOLD)
    return np.where(hidden & small, "[c]", np.where(hidden & (values > 0), "[s]", text)).astype(object)


def _time(fn, repeat: int):
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def run(blocks: int, repeat: int, label: str, scale: float = 1.0) -> None:
    t0 = time.perf_counter()
    published, truth, n_hidden = build(blocks, scale=scale)
    made = time.perf_counter() - t0
    n_cells = sum(len(t) * len(d.cells) for t, d in published)
    print(f"{label}: {len(published)} tables, {n_cells:,} count cells, {n_hidden:,} suppressed (built in {made:.1f} s)")
    seconds, report = _time(lambda: audit.audit_tables(published), repeat)
    s = report.stats
    print(f"  audit without true values: {seconds:.2f} s  ({s['lp_solves']} LP solves, {s['components']:,} components, "
          f"largest {s['largest_component_targets']} suppressed; {len(report.failures):,} failing, "
          f"{len(report.findings)} contradictions)")
    seconds, report = _time(lambda: audit.audit_tables(published, truth=truth), repeat)
    print(f"  audit with true values:    {seconds:.2f} s  ({len(report.failures):,} failing of {len(report.cells):,})")
    if len(report.failures):
        print("  e.g. " + report.format(limit=2).split("\n")[3].strip())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blocks", type=int, default=150, help="local-authority blocks at England's scale (default 150)")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs (default 1)")
    ap.add_argument("--only", choices=["demo", "england", "blocks"], default=None)
    a = ap.parse_args(argv)
    if a.only in (None, "demo"):
        run(1, a.repeat, "demo (one partnership)")
    if a.only in (None, "england"):
        run(1, a.repeat, "England as one extract (150 times the demo's counts)", scale=150.0)
    if a.only in (None, "england", "blocks"):
        run(a.blocks, a.repeat, f"England as {a.blocks} local-authority blocks in one pack")
    return 0


if __name__ == "__main__":
    sys.exit(main())

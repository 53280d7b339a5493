"""Speed of the intruder audit on synthetic packs at the demo's scale and at England's.

    .venv/bin/python benchmarks/bench_audit.py                  # demo, England as one extract, 150 blocks
    .venv/bin/python benchmarks/bench_audit.py --only demo --repeat 3
    .venv/bin/python benchmarks/bench_audit.py --only blocks --blocks 20
    .venv/bin/python benchmarks/bench_audit.py --smallest-secondary 1   # DfE's smallest-cell secondaries

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
(about 4,300 referrals a year). Suppression follows the pack's rule: 1 to 5 is ``[c]``; in every
line with exactly one suppressed cell another cell becomes ``[s]``, repeated until stable (by
default the smallest cell of at least 11 = 2 × threshold + 1, so that a lone ``[c]`` keeps its whole
range; ``--smallest-secondary 1`` gives DfE's smallest non-zero cell); decision-point numerators are
``[c]`` at 1 to 5 and ``[s]`` wherever the stage counts they sit under are suppressed (the fix the
issue asks for). The audit still finds some cells it can narrow: what it measures here is its speed
on a pack of this size, with the exact bounds it computes for every failing cell.

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
    """Every count of the synthetic pack: its key and true value, numbered in the order added."""

    def __init__(self):
        self.keys, self.values, self.n = [], [], 0

    def add(self, keys, values) -> np.ndarray:
        """Add cells (arrays of any shape, same shape); returns their ids in that shape."""
        values = np.asarray(values, dtype=float)
        ids = np.arange(self.n, self.n + values.size).reshape(values.shape)
        self.keys.append(np.asarray(keys, dtype=object).ravel())
        self.values.append(values.ravel())
        self.n += values.size
        return ids


class Lines:
    """Additive lines (parts adding up to a total), as cell ids, for the secondary suppression."""

    def __init__(self):
        self.part_line, self.part_cell, self.total_cell, self.n = [], [], [], 0

    def add(self, parts: np.ndarray, totals: np.ndarray) -> None:
        """``parts``: ids shaped (..., k), ``totals``: ids shaped (...): one line per leading index."""
        totals = np.asarray(totals).ravel()
        parts = np.asarray(parts).reshape(len(totals), -1)
        line = self.n + np.arange(len(totals))
        self.part_line.append(np.repeat(line, parts.shape[1]))
        self.part_cell.append(parts.ravel())
        self.total_cell.append(totals)
        self.n += len(totals)


def _keys(template: str, **dims) -> np.ndarray:
    """Keys for every combination of broadcast arrays: template.format(**dims) element-wise."""
    arrays = np.broadcast_arrays(*[np.asarray(v, dtype=object) for v in dims.values()])
    out = np.empty(arrays[0].shape, dtype=object)
    flat = [a.ravel() for a in arrays]
    out.ravel()[:] = [template.format(**dict(zip(dims, vals, strict=True))) for vals in zip(*flat, strict=True)]
    return out


def _multinomial(rng, totals, shares):
    """Counts of each share for every total (any shape), adding up exactly: shape totals.shape + (k,)."""
    return rng.multinomial(np.asarray(totals).astype(int), shares / shares.sum())


def build(blocks: int, seed: int = 20261206, scale: float = 1.0, smallest_secondary: float = 1):
    """The synthetic published tables (list of (table, declaration)), the true counts ({key: value}) and
    the number of suppressed cells.

    ``blocks``: 1 for one partnership (the demo, about 4,300 referrals a year, times ``scale``), or
    that many local-authority blocks of log-normally spread sizes. ``smallest_secondary``: secondary
    cells are chosen of at least this size where a line has one (1: the DfE rule, the smallest
    non-zero cell). Vectorised over blocks and stages.
    """
    rng = np.random.default_rng(seed)
    sizes = (np.full(1, 4300.0 * scale) if blocks == 1 else
             np.clip(rng.lognormal(np.log(60_000), 0.8, blocks), 2_000, 300_000) / 80_000 * 4300)
    las = np.array([f"LA{b:03d}" for b in range(blocks)], dtype=object)
    B, S, E, X = blocks, len(STAGES), len(MAJOR), len(SEX)
    stages = np.array(STAGES, dtype=object)
    detailed = np.array([d for codes in MAJOR.values() for d in codes], dtype=object)
    detailed_major = np.repeat(np.arange(E), [len(c) for c in MAJOR.values()])
    cells, lines, frames = Cells(), Lines(), {}

    def frame(name, **columns):
        shape = np.shape(columns["id"])
        frames.setdefault(name, []).append(pd.DataFrame(
            {k: np.broadcast_to(np.asarray(v, dtype=object if k != "id" and k != "year_id" else int), shape).ravel()
             for k, v in columns.items()}))

    la_s = las[:, None]  # (B, 1) against stages (S,)
    for window in WINDOWS:
        referrals = rng.poisson(sizes)
        totals = np.round(referrals[:, None] * STAGE_SHARE * rng.uniform(0.9, 1.1, (B, S)))
        totals[:, 0] = referrals
        total_ids = cells.add(_keys("children | la={la} | stage={stage} | window={w}", la=la_s, stage=stages, w=window),
                              totals)
        frame(f"quality_{window}", la=np.broadcast_to(la_s, (B, S)), window=window,
              stage=np.broadcast_to(stages, (B, S)), id=total_ids)
        grid = _multinomial(rng, totals, np.outer(MAJOR_SHARE, SEX_SHARE).ravel()).reshape(B, S, E, X)
        major, sex = grid.sum(axis=3), grid.sum(axis=2)
        det = np.zeros((B, S, len(detailed)))
        for m in range(E):
            idx = np.flatnonzero(detailed_major == m)
            det[..., idx] = _multinomial(rng, major[..., m], np.ones(len(idx)) + np.arange(len(idx)))
        ids = {}
        for char, groups, values in (("ethnicity_major", np.array(list(MAJOR), dtype=object), major),
                                     ("ethnicity", detailed, det), ("sex", np.array(SEX, dtype=object), sex),
                                     ("age_band", np.array(AGE, dtype=object), _multinomial(rng, totals, AGE_SHARE)),
                                     ("disability", np.array(DISABILITY, dtype=object),
                                      _multinomial(rng, totals, DISABILITY_SHARE))):
            shape = (B, S, len(groups))
            ids[char] = cells.add(_keys("children | characteristic={c} | group={g} | la={la} | stage={stage} | "
                                        "window={w}", c=char, g=groups, la=las[:, None, None],
                                        stage=stages[None, :, None], w=window), values)
            frame(f"rates_{char}_{window}", la=np.broadcast_to(las[:, None, None], shape), window=window,
                  stage=np.broadcast_to(stages[None, :, None], shape), characteristic=char,
                  group=np.broadcast_to(groups, shape), id=ids[char])
            lines.add(ids[char], total_ids)
        for m in range(E):
            lines.add(ids["ethnicity"][..., detailed_major == m], ids["ethnicity_major"][..., m])
        shape = (B, S, E, X)
        g_ids = cells.add(_keys("children | ethnicity={e} | la={la} | sex={x} | stage={stage} | window={w}",
                                e=np.array(list(MAJOR), dtype=object)[:, None], x=np.array(SEX, dtype=object),
                                la=las[:, None, None, None], stage=stages[None, :, None, None], w=window), grid)
        frame(f"intersections_{window}", la=np.broadcast_to(las[:, None, None, None], shape), window=window,
              stage=np.broadcast_to(stages[None, :, None, None], shape),
              ethnicity=np.broadcast_to(np.array(list(MAJOR), dtype=object)[:, None], shape),
              sex=np.broadcast_to(np.array(SEX, dtype=object), shape), id=g_ids)
        lines.add(g_ids, ids["ethnicity_major"])
        lines.add(np.swapaxes(g_ids, 2, 3), ids["sex"])
    # referrals (events) by major ethnic group and quarter; each window adds up four quarters
    q = rng.poisson(np.einsum("b,qe->bqe", sizes / 4, np.ones((len(QUARTERS), 1)) * MAJOR_SHARE))
    majors = np.array(list(MAJOR), dtype=object)
    q_ids = cells.add(_keys("referrals | group={g} | la={la} | quarter={q}", g=majors, la=las[:, None, None],
                            q=np.array(QUARTERS, dtype=object)[:, None]), q)
    for w, window in enumerate(WINDOWS):
        y_ids = cells.add(_keys("referrals | group={g} | la={la} | window={w}", g=majors, la=las[:, None], w=window),
                          q[:, w:w + 4].sum(axis=1))
        parts = np.moveaxis(q_ids[:, w:w + 4], 1, 2)  # (B, E, 4)
        lines.add(parts, y_ids)
        shape = (B, E, 4)
        frame("referrals_by_quarter", la=np.broadcast_to(las[:, None, None], shape), window=window,
              group=np.broadcast_to(majors[:, None], shape),
              quarter=np.broadcast_to(np.array(QUARTERS[w:w + 4], dtype=object), shape), id=parts,
              year_id=np.broadcast_to(y_ids[..., None], shape))
    tables = {name: [pd.concat(f, ignore_index=True)] for name, f in frames.items()}
    keys = np.concatenate(cells.keys)
    values = np.concatenate(cells.values)
    hidden = _suppress(values, lines, smallest_secondary)
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


def _suppress(values: np.ndarray, lines: Lines, smallest: float = 1) -> np.ndarray:
    """DfE suppression: 1 to 5 hidden; in a line (parts and total) with exactly one hidden cell, hide the
    smallest visible part of at least ``smallest`` (1: the DfE rule; else the largest part below it; else
    the total), until no line has exactly one. Vectorised per pass."""
    hidden = (values >= 1) & (values <= THRESHOLD)
    part_line, part_cell = np.concatenate(lines.part_line), np.concatenate(lines.part_cell)
    total_cell = np.concatenate(lines.total_cell)
    n, n_lines = len(values), lines.n
    members = sparse.csr_matrix((np.ones(len(part_cell) + n_lines),
                                 (np.concatenate([part_line, np.arange(n_lines)]),
                                  np.concatenate([part_cell, total_cell]))), shape=(n_lines, n))
    for _ in range(50):
        count = members @ hidden.astype(float)
        need = np.flatnonzero(count == 1)
        if not len(need):
            break
        need_mask = np.zeros(n_lines, bool)
        need_mask[need] = True
        cand = need_mask[part_line] & ~hidden[part_cell] & (values[part_cell] > 0)
        cl, cc = part_line[cand], part_cell[cand]
        big_enough = values[cc] >= smallest  # those first, smallest first; then the others, largest first
        order = np.lexsort((np.where(big_enough, values[cc], -values[cc]), ~big_enough, cl))
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
    """Best wall-clock and processor time of ``repeat`` runs (processor time: the machine may be shared)."""
    best, cpu, out = np.inf, np.inf, None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    return best, cpu, out


def run(blocks: int, repeat: int, label: str, scale: float = 1.0, smallest_secondary: float = 1) -> None:
    t0 = time.perf_counter()
    published, truth, n_hidden = build(blocks, scale=scale, smallest_secondary=smallest_secondary)
    made = time.perf_counter() - t0
    n_cells = sum(len(t) * len(d.cells) for t, d in published)
    print(f"{label}: {len(published)} tables, {n_cells:,} count cells, {n_hidden:,} suppressed (built in {made:.1f} s)")
    for with_truth in (False, True):
        given = truth if with_truth else None
        seconds, cpu, report = _time(lambda given=given: audit.audit_tables(published, truth=given), repeat)
        s = report.stats
        sensitive = report.cells["sensitive"]
        print(f"  {'with' if with_truth else 'without'} true values: {seconds:.2f} s ({cpu:.2f} s of processor time); "
              f"{s['lp_solves']} LP solves, {s['components']:,} components (largest: {s['largest_component_targets']} "
              f"suppressed); {len(report.failures):,} of {len(report.cells):,} fail "
              f"({int((~report.cells['protected'] & sensitive).sum()):,} of {int(sensitive.sum()):,} sensitive)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blocks", type=int, default=150, help="local-authority blocks at England's scale (default 150)")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs (default 1)")
    ap.add_argument("--only", choices=["demo", "england", "blocks"], default=None)
    ap.add_argument("--smallest-secondary", type=float, default=11,
                    help="choose secondary cells of at least this size where a line has one (default 11 = 2 x "
                         "threshold + 1; 1 is the DfE rule, the smallest non-zero cell)")
    a = ap.parse_args(argv)
    sm = a.smallest_secondary
    if a.only in (None, "demo"):
        run(1, a.repeat, "demo (one partnership)", smallest_secondary=sm)
    if a.only in (None, "england"):
        run(1, a.repeat, "England as one extract (150 times the demo's counts)", scale=150.0, smallest_secondary=sm)
    if a.only in (None, "blocks"):
        run(a.blocks, a.repeat, f"England as {a.blocks} local-authority blocks in one pack", smallest_secondary=sm)
    return 0


if __name__ == "__main__":
    sys.exit(main())

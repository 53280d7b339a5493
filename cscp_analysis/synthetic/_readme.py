"""The README written beside the demo's files: what they are, how they were made, what they achieve."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import calibration, csc
from .effects import Effect, markdown_table

README_TITLE = "# The synthetic demo partnership"


def _read(out: Path, rel: str, cols: list[str]) -> pd.DataFrame:
    return pd.read_csv(out / rel, usecols=cols, dtype=str, keep_default_na=False)


def write_readme(out: Path, summary: dict[str, int], children: int, seed: int, first: str, last: str,
                 effects: list[Effect]) -> None:
    cols = {
        "referrals": ["referral_id", "child_id", "referral_date", "cin_closure_date"],
        "assessments": ["assessment_start", "assessment_authorised"],
        "section47": ["s47_id", "strategy_discussion_date", "s47_start"],
        "icpc": ["s47_id", "icpc_date"],
        "cp_plans": ["child_id", "plan_start", "plan_end"],
        "cla_periods": ["cla_start", "cla_end"],
        "missing_episodes": ["missing_start", "looked_after"],
        "children": ["child_id", "sex", "ethnicity", "disability"],
    }
    frames = {t: _read(out, f"csc/{t}.csv", c) for t, c in cols.items()}
    population = pd.read_csv(out / "population/population.csv", usecols=["year", "population"])
    first_year = int(first[:4])
    years = list(range(first_year - 1, int(last[:4])))
    m = calibration.measures(frames, population, years)
    pop_by_year = population.groupby("year")["population"].sum()
    is_default = children == 80_000 and seed == 20260930

    lines = [
        README_TITLE,
        "",
        "**Every record here is invented.** This folder is a synthetic Local Safeguarding Children Partnership the size "
        "of Coventry, written by `cscp demo-data` so that the whole package runs out of the box and its tests have "
        "realistic data. No real child, family, professional, school or case is described, and no real record-level "
        "data were used: only published aggregate statistics (ONS and DfE, Open Government Licence) shaped it.",
        "",
        f"- children aged 0-17 at mid-2023: **{children:,}**; seed: **{seed}**; quarters **{first}** to **{last}**",
        f"- the extract and registers stand as at the end of {last}: nothing is dated after it, except partners' "
        "submission dates for that quarter (returns arrive the month after)",
        "",
        "Regenerate (the test suite checks that these files equal the generator's output, byte for byte):",
        "",
        "```",
        f"cscp demo-data --out data_raw/demo --children {children} --seed {seed} --force" if is_default else
        f"cscp demo-data --out DIR --children {children} --seed {seed}",
        "```",
        "",
        "or from Python: `cscp_analysis.synthetic.generate(out_dir, children=80_000, seed=20260930)`. "
        "`--children` scales the city (for example 1,000,000 or England's 12,000,000 for benchmarks); only children "
        "who reach children's social care are written.",
        "",
        "## Files",
        "",
        "| file | rows |",
        "|---|---|",
    ]
    grouped: dict[str, int] = {}
    for rel, n in summary.items():
        if rel.count("/") == 1 and rel.split("/")[0][:4].isdigit():
            key = "<period>/" + rel.split("/")[1]
        else:
            key = rel
        grouped[key] = grouped.get(key, 0) + n
    for rel, n in grouped.items():
        label = f"`{rel}` (all quarters)" if rel.startswith("<period>") else f"`{rel}`"
        lines.append(f"| {label} | {n:,} |")
    lines += [
        "",
        "Layout and columns follow `cscp_analysis/returns/schemas.py` (see `docs/data_dictionary.md`): the population, "
        "a cumulative record-level children's social care extract (`csc/`), the partnership's registers "
        "(`assurance/`), and one folder per quarter with each partner's aggregate return, their commentary and the "
        "submissions log.",
        "",
        "## Population",
        "",
        "ONS mid-2023 single-year-of-age estimates for Coventry (0-17 by sex) scaled to the number of children, grown "
        "by the DfE/ONS 0-17 series (2022: 0.963 and 2024: 1.032 of mid-2023, then +1% a year, assumed); ethnicity "
        "from Census 2021 children aged 10-17 in Coventry (five groups, by sex) split into DfE codes with Coventry's "
        "Census 2021 all-ages 20-category shares, with more children of Mixed ethnicity at younger ages (x1.4 at age 0 "
        "tapering to x1.0 at age 10, assumed).",
        "",
        "| mid-year | children 0-17 |",
        "|---|---|",
    ]
    lines += [f"| {y} | {int(v):,} |" for y, v in pop_by_year.items()]
    lines += [
        "",
        "## Calibration: the demo beside Coventry's published figures",
        "",
        "Rates per 10,000 children use the mid-year estimate of the year in which the financial year starts, as DfE "
        "does. Coventry's figures are the years ending 31 March 2023 to 2025 (`data_raw/reference/`). 2022-23 is the "
        "extract's history year (referrals before April 2022 are not in it, so its re-referral rate is understated).",
        "",
        calibration.table(m),
        "",
        f"Children in the extract: {m.attrs['unknown_ethnicity_pct']:.1f}% with ethnicity not obtained or refused, "
        f"{m.attrs['disabled_pct']:.1f}% disabled (against about 5-8% of all children); "
        f"{m.attrs['sex_unknown_referrals_pct']:.1f}% of referrals are of children whose sex is not recorded.",
        "",
        "Deliberate departures from Coventry: section 47 enquiries run at about 215 per 10,000 rather than Coventry's "
        "290-315 (among the highest in England), so that the injected 1.8x decision-point effect remains a "
        "probability below one; conferences, plans and care are on Coventry's level.",
        "",
        "## How the extract is made",
        "",
        f"First referrals arrive at {csc.REFERRAL_RATE:.4f} a child-year times an age factor (under-1s x{csc.AGE_MULT[0]:g}, "
        f"teenagers about x1.1) and a sex factor (boys x{csc.SEX_MULT[0]:g}, girls x{csc.SEX_MULT[1]:g}); after an episode "
        f"closes, {csc.P_NEXT_REFERRAL:.0%} of children are referred again (two thirds of them within months). Every "
        "later decision is a draw with the same probability for every child, whatever their age, sex or ethnicity, "
        "except the injected assessment -> section 47 effect:",
        "",
        "| decision | probability |",
        "|---|---|",
        f"| referral -> assessment | {csc.P_REF_OUTCOME[0]:.0%} (otherwise no further action, early help, advice) |",
        "| assessment -> section 47 enquiry | 40% (72% for BCRB and MWBC children) |",
        f"| section 47 -> initial child protection conference | {csc.P_ICPC:.0%} |",
        f"| conference -> child protection plan | {csc.P_PLAN:.0%} |",
        f"| plan ends in care / section 47 ends in emergency care / child-in-need plan leads to care | "
        f"{csc.P_PLAN_TO_CARE:.0%} / {csc.P_EMERGENCY_CARE:.0%} / {csc.P_CIN_TO_CARE:.0%} |",
        "",
        "The simulation starts nine years before the first quarter so that the stock of children in need, on plans "
        "and in care is in steady state; children who entered care earlier still (up to 18 years before) are added at "
        "the observed rate of entry. The extract keeps referrals from 1 April 2022 and those still open then, "
        "everything downstream of them, every plan and period of care of the children in it, and earlier plans "
        f"(without a conference record) for {csc.P_PRIOR_PLAN:.0%} of children with a plan, so that second and "
        "subsequent plans are about a quarter of plans, as in Coventry.",
        "",
        "## Injected effects",
        "",
        "Defined once in `cscp_analysis/synthetic/effects.py`; `tests/test_synthetic.py` checks each one in these "
        "files. An analysis should find these, and beyond noise nothing else.",
        "",
        markdown_table(effects),
        "",
        "## Known simplifications",
        "",
        "- No unaccompanied asylum-seeking children (`uasc` is N for everyone): their arrival does not follow the "
        "resident population and would add an undocumented ethnicity effect to entries to care.",
        "- No unborn children: sex U marks babies whose sex was not recorded; every date of birth precedes the "
        "child's first referral.",
        "- No referrals in the six months before a child's 18th birthday; plans, care and episodes end at 18.",
        "- A section 47 enquiry starts from the strategy discussion held when the assessment that recommended it is "
        "authorised (in practice the two often run side by side). One enquiry per assessment.",
        "- No siblings or households: each child's journey is independent.",
        "- Partners' aggregate returns are drawn around plausible levels for a city of this size; only the overlaps "
        "listed in `cscp_analysis/synthetic/partners.py` are tied to the extract.",
        "- The assurance registers keep Coventry's size whatever `--children` is.",
        "- The early help return (`<period>/early_help.csv`) is drawn on its own, not from the extract: the extract's "
        "referrals closed to early help are a different count from the step-downs early help receives.",
        "- Ethnicity shares within each major group come from all ages (Census 2021), which over-states groups with "
        "many students or older residents among children.",
        "",
    ]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8", newline="\n")

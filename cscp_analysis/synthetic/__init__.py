"""The synthetic demo partnership: ``generate`` and the ``cscp demo-data`` command.

A city the size of Coventry (80,000 children aged 0-17 by default), fourteen quarters from 2023-24-Q1
to 2026-27-Q2, written in the layout of ``cscp_analysis.returns.schemas``:

* ``population/population.csv``: children by year, age, sex and ethnicity (``population``);
* ``csc/*.csv``: a pseudonymised record-level children's social care extract as at the last quarter's
  end, modelled on the children-in-need census and Ofsted Annex A (``csc``);
* ``assurance/*.csv``: the partnership's registers (``assurance``);
* ``<period>/``: each partner's aggregate return, their commentary and the submissions log (``partners``);
* ``README.md``: what it is, how to regenerate it, calibration against Coventry's published figures,
  and the injected effects (``effects``) that an analysis should find.

The same ``children`` and ``seed`` give the same bytes. ``--children`` scales the city: everything
in children's social care and the partners' returns grows with it (the registers keep their size),
and only children who reach children's social care are written, so England's 12 million children
take minutes, not hours.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import load_partnership
from ..periods import parse_period
from ..returns.schemas import SCHEMAS
from ._readme import README_TITLE, write_readme
from ._write import write_table
from .assurance import generate_registers
from .csc import generate_extract
from .early_help import AGENCY as EARLY_HELP
from .early_help import generate_early_help
from .effects import EFFECTS, effects_for
from .partners import generate_returns
from .population import build_population

__all__ = ["generate", "main", "EFFECTS", "effects_for", "DEFAULT_CHILDREN", "DEFAULT_SEED"]

DEFAULT_CHILDREN = 80_000
DEFAULT_SEED = 20260930
_PERIOD_DIR = re.compile(r"^\d{4}-\d{2}-Q[1-4]$")


def generate(out_dir, children: int = DEFAULT_CHILDREN, seed: int = DEFAULT_SEED, first: str = "2023-24-Q1",
             last: str = "2026-27-Q2", progress=None) -> dict[str, int]:
    """Write the demo partnership into ``out_dir``; returns the rows written per file (relative paths).

    ``children`` is the number of children aged 0-17 at mid-2023; ``seed`` fixes every random draw;
    ``progress`` (optional) is called with a short message at each stage.
    """
    if int(children) < 1:
        raise ValueError(f"children must be a positive number, not {children}")
    say = progress or (lambda msg: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p_first, p_last = parse_period(first), parse_period(last)
    config = load_partnership()
    effects = effects_for(p_first, p_last)
    # one stream per part; a part added later takes the next stream, so the earlier parts keep their bytes
    ss_csc, ss_assurance, ss_partners, ss_early_help = np.random.SeedSequence(int(seed)).spawn(4)
    summary: dict[str, int] = {}

    def put(table, name: str, rel: str | None = None) -> None:
        rel = rel or SCHEMAS[name].file
        summary[rel] = write_table(table, out / rel, SCHEMAS[name])

    say("population")
    pop = build_population(int(children), years=range(p_first.start_year - 1, p_last.start_year + 1))
    put(pop.frame(), "population")

    say("children's social care extract")
    extract = generate_extract(np.random.default_rng(ss_csc), pop, p_first, p_last, effects, progress=say)
    for name, table in extract.tables().items():
        say(f"writing {SCHEMAS[name].file}")
        put(table, name)

    say("assurance registers")
    registers = generate_registers(np.random.default_rng(ss_assurance), p_first, p_last)
    for name, df in registers.items():
        put(df, name)

    say("partners' quarterly returns")
    others = dataclasses.replace(config, returns={a: r for a, r in config.returns.items() if a != EARLY_HELP})
    returns = generate_returns(np.random.default_rng(ss_partners), others, pop, extract, registers["lado"],
                               p_first, p_last, effects)
    _add_early_help(returns, generate_early_help(np.random.default_rng(ss_early_help), config, pop, p_first, p_last,
                                                 effects))
    for period, files in returns.items():
        for fname, df in files.items():
            name = {"commentary.csv": "commentary", "submissions.csv": "submissions"}.get(fname, "partner_return")
            put(df, name, f"{period}/{fname}")

    summary = dict(sorted(summary.items()))
    say("README")
    write_readme(out, summary, int(children), int(seed), str(p_first), str(p_last), effects)
    return summary


def _add_early_help(returns: dict, early_help: dict) -> None:
    """Put the early help return, its submission and its commentary into each quarter's files."""
    for period, part in early_help.items():
        files = returns[period]
        files[part["submission"][2]] = part["return"]  # the file named in partnership.yaml
        subs = files["submissions.csv"]
        files["submissions.csv"] = pd.concat([subs, pd.DataFrame([part["submission"]], columns=subs.columns)]).sort_values(
            ["period", "agency", "return_name"], kind="stable").reset_index(drop=True)
        com = files["commentary.csv"]
        files["commentary.csv"] = pd.concat([com, pd.DataFrame(part["commentary"], columns=com.columns)]).sort_values(
            ["period", "agency", "indicator"], kind="stable").reset_index(drop=True)


def _owned(path: Path) -> bool:
    """Whether a top-level entry of an output folder is one the generator writes."""
    if path.name == "README.md":
        return _is_demo_readme(path)
    return path.name in ("population", "csc", "assurance") or bool(_PERIOD_DIR.match(path.name))


def _is_demo_readme(path: Path) -> bool:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.readline().strip() == README_TITLE


def main(argv=None) -> int:
    """``cscp demo-data --out DIR [--children N] [--seed S] [--force]``."""
    ap = argparse.ArgumentParser(prog="cscp demo-data", description="Write a synthetic partnership's returns.")
    ap.add_argument("--out", required=True, help="folder to write")
    ap.add_argument("--children", type=int, default=DEFAULT_CHILDREN,
                    help=f"children aged 0-17 in the city at mid-2023 (default {DEFAULT_CHILDREN:,})")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED}, the committed demo's)")
    ap.add_argument("--first", default="2023-24-Q1", help="first quarter (default 2023-24-Q1)")
    ap.add_argument("--last", default="2026-27-Q2", help="last quarter (default 2026-27-Q2)")
    ap.add_argument("--force", action="store_true",
                    help="write into a non-empty folder, replacing the files the generator writes (nothing else is touched)")
    ap.add_argument("--quiet", action="store_true", help="no progress messages")
    ap.add_argument("--format", action="append", default=None, choices=("cin-census", "ssda903", "annex-a"),
                    help="write the children's social care extract as these statutory files in csc/ instead of its "
                         "CSVs (repeat for several); cscp run imports them")
    a = ap.parse_args(argv)
    out = Path(a.out)
    if a.children < 1:
        print(f"cscp demo-data: --children must be a positive number, not {a.children}", file=sys.stderr)
        return 2
    try:
        parse_period(a.first), parse_period(a.last)
    except ValueError as exc:
        print(f"cscp demo-data: {exc}", file=sys.stderr)
        return 2
    if out.exists() and not out.is_dir():
        print(f"cscp demo-data: {out} exists and is not a folder", file=sys.stderr)
        return 2
    if out.exists() and any(out.iterdir()):
        if not a.force:
            print(f"cscp demo-data: {out} is not empty; use --force to replace the demo files in it", file=sys.stderr)
            return 1
        readme = out / "README.md"
        if readme.is_file() and not _is_demo_readme(readme):
            print(f"cscp demo-data: {readme} is not a demo README and would be overwritten; choose another folder",
                  file=sys.stderr)
            return 1
        for entry in sorted(out.iterdir()):
            if _owned(entry):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    t0 = time.perf_counter()
    say = None if a.quiet else (lambda msg: print(f"  {msg}", file=sys.stderr))
    summary = generate(out, children=a.children, seed=a.seed, first=a.first, last=a.last, progress=say)
    if a.format:
        from ..statutory.writers import write_formats

        files = write_formats(out / "csc", a.format)
        print(f"the children's social care extract written as {', '.join(p.name for p in files)} in {out / 'csc'}")
    rows = sum(summary.values())
    print(f"wrote {len(summary)} files ({rows:,} rows) for {a.children:,} children, seed {a.seed}, into {out} "
          f"in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

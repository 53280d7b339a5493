"""The early help return in the demo: the council's early help service sends its counts each quarter.

Early help (the partnership's "Right Help Right Time" guidance: support before needs reach the level of
children's social care) reports five figures a quarter in the partners' tidy format (``early_help.csv``):

* ``EH_STARTED``: early help assessments started (about 690 a quarter for a city of 80,000 children);
* ``EH_CLOSED_MET``: episodes closed with the family's needs met, of all episodes closed (about 72%);
* ``EH_STEP_UP``: episodes closed by stepping up to children's social care, of all closed (about 9%);
* ``EH_STEP_DOWN``: children stepped down from children's social care to early help (about 150 a quarter,
  then half as high again over the last eight quarters: the injected effect ``early_help_step_down_rise``);
* ``EH_REREFERRAL``: children referred to children's social care within 12 months of their early help
  closing, of the episodes closed in the same quarter a year before (about 14%).

The return draws from its own random stream, so adding it left every other partner's figures unchanged;
it is not tied to the record-level extract (whose referrals closed to early help are a different count:
the episodes early help receives include those stepped down after an assessment). It is always on time,
with a commentary sentence for each figure.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from ..config import PartnershipConfig
from ..periods import Period, period_range
from .effects import Effect, effect
from .population import Population

__all__ = ["AGENCY", "generate_early_help"]

AGENCY = "EARLY_HELP"
AUTHOR = "Head of Early Help and Family Hubs"
REFERENCE_CHILDREN = 80_000
CONTEXT = {
    "EH_STARTED": "Most assessments start from a family hub after a request from a school or health visitor.",
    "EH_CLOSED_MET": "Needs not met are mostly families who withdrew before the plan ended.",
    "EH_STEP_UP": "Each step-up is agreed with the front door of children's social care.",
    "EH_STEP_DOWN": "Every step-down has a joint visit with the outgoing social worker.",
    "EH_REREFERRAL": "Children referred again are reviewed at the monthly step-up and step-down panel.",
}


def generate_early_help(rng: np.random.Generator, config: PartnershipConfig, pop: Population, first: Period,
                        last: Period, effects: list[Effect]) -> dict[str, dict]:
    """For each period: ``return`` (the rows of early_help.csv), ``submission`` and ``commentary`` rows."""
    spec = config.returns.get(AGENCY)
    if spec is None:
        return {}
    rise = effect("early_help_step_down_rise", effects)
    quarters = period_range(first, last)
    out: dict[str, dict] = {}
    closed_by_quarter: dict[str, int] = {}
    previous: dict[str, tuple] | None = None
    for q in quarters:
        p = str(q)
        year = q.start.year if q.start.month >= 7 else q.start.year - 1
        s = pop.total(year) / REFERENCE_CHILDREN
        started = int(rng.poisson(690 * s))
        closed = int(rng.poisson(670 * s))
        met = int(rng.binomial(closed, 0.72))
        up = int(rng.binomial(closed, 0.09))
        down = int(rng.poisson(150 * s * (rise.factor if p in rise.periods else 1.0)))
        year_before = closed_by_quarter.get(str(q.shift(-4)), int(rng.poisson(670 * s)))
        again = int(rng.binomial(year_before, 0.14))
        closed_by_quarter[p] = closed
        values = {"EH_STARTED": (started, None), "EH_CLOSED_MET": (met, closed), "EH_STEP_UP": (up, closed),
                  "EH_STEP_DOWN": (down, None), "EH_REREFERRAL": (again, year_before)}
        rows = [(p, AGENCY, code, "total", "all", values[code][0], values[code][1]) for code in spec.indicators
                if code in values]
        df = pd.DataFrame(rows, columns=["period", "agency", "indicator", "breakdown", "group", "numerator",
                                         "denominator"]).sort_values("indicator", kind="stable").reset_index(drop=True)
        due = q.end + timedelta(days=config.due_days_after_period_end)
        received = due - timedelta(days=int(rng.integers(0, 13)))
        comm = [(p, AGENCY, code, _sentence(spec.indicators[code]["title"], code, values[code], previous), AUTHOR)
                for code in spec.indicators if code in values]
        comm.append((p, AGENCY, "", f"Our return covers {len(rows)} indicators; step-downs from children's social care "
                     f"were {down:,} this quarter.", AUTHOR))
        out[p] = {"return": df, "submission": (p, AGENCY, spec.file, str(due), str(received)),
                  "commentary": comm}
        previous = values
    return out


def _sentence(title: str, code: str, value: tuple, previous) -> str:
    num, den = value
    now = f"{title}: {num:,} this quarter" if den is None else f"{title}: {100 * num / den:.1f}% ({num:,} of {den:,})"
    if previous is not None and code in previous:
        pn, pd_ = previous[code]
        if den is None:
            now += f", against {pn:,} last quarter"
        elif pd_:
            now += f", against {100 * pn / pd_:.1f}% last quarter"
    return f"{now}. {CONTEXT.get(code, '')}".strip()

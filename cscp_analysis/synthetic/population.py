"""Population denominators of the demo partnership: children aged 0 to 17 by year, age, sex and ethnicity.

Modelled on Coventry's published figures (``published``):

* **age and sex**: ONS mid-2023 single-year-of-age estimates for Coventry, scaled so that the 0-17
  total at mid-2023 equals ``children`` (80,000 for the demo; Coventry's is 80,494);
* **growth by year**: the DfE/ONS 0-17 series for Coventry relative to mid-2023 (2022: 0.963,
  2024: 1.032), then +1% a year for 2025 and 2026 (assumed; not yet published);
* **ethnicity**: Census 2021 children aged 10-17 in Coventry by ONS major group and sex, split into the
  DfE codes with Coventry's Census 2021 all-ages 20-category shares within each major group (Arab and
  Any other ethnic group both count as OOTH). Younger children are somewhat more often of Mixed
  ethnicity than the 10-17 figures show: the Mixed share is multiplied by 1.4 at age 0, tapering to 1.0
  at age 10 (an assumption, following the national Census 2021 pattern), and the other groups are
  scaled down to compensate.

Known simplifications: the all-ages shares within a major group carry the city's adult structure
(Chinese and Indian residents include many university students, White Irish residents are older),
so those groups are somewhat over-stated among children; ethnicity does not vary by year. Cells are
rounded to whole children, deterministically (no random noise), so the population does not depend on
the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import codes
from . import published

__all__ = ["ETH", "ETH_MAJOR", "SEXES", "Population", "build_population", "ethnic_shares"]

ETH: tuple[str, ...] = tuple(c for c in codes.ETHNICITY_CODES if c not in codes.UNKNOWN_ETHNICITY)
ETH_MAJOR: tuple[str, ...] = tuple(e.major_group for e in codes.ETHNICITY if e.code in ETH)
SEXES = ("M", "F")
AGES = np.arange(18)
BASE_TOTAL = sum(published.MYE2023_MALE) + sum(published.MYE2023_FEMALE)  # 80,494


def ethnic_shares(age: int, sex: str) -> np.ndarray:
    """Share of each DfE ethnicity code (in ``ETH`` order) among children of this age and sex."""
    census = published.CENSUS2021_10_17[sex]
    major_total = sum(census.values())
    mixed_factor = 1.0 + 0.4 * max(0, 10 - age) / 10
    shares = np.zeros(len(ETH))
    for i, (code, major) in enumerate(zip(ETH, ETH_MAJOR, strict=True)):
        within = published.CENSUS2021_ALL_AGES[code] / sum(published.CENSUS2021_ALL_AGES[c] for c, m in zip(ETH, ETH_MAJOR, strict=True) if m == major)
        shares[i] = census[major] / major_total * within * (mixed_factor if major == "Mixed" else 1.0)
    return shares / shares.sum()


@dataclass(frozen=True)
class Population:
    """Children by mid-year, age (0-17), sex (M, F) and ethnicity (``ETH``): ``counts[year_index, age, sex, eth]``."""

    years: tuple[int, ...]
    counts: np.ndarray

    def year_index(self, year: int) -> int:
        """Index of the estimate used for ``year`` (clamped to the years available)."""
        return int(np.clip(year - self.years[0], 0, len(self.years) - 1))

    def total(self, year: int) -> int:
        return int(self.counts[self.year_index(year)].sum())

    def frame(self) -> pd.DataFrame:
        """The population table in the schema's layout, sorted by its key."""
        y, a, s, e = np.meshgrid(np.arange(len(self.years)), AGES, np.arange(2), np.arange(len(ETH)), indexing="ij")
        df = pd.DataFrame({
            "year": np.asarray(self.years)[y.ravel()],
            "age": a.ravel(),
            "sex": np.asarray(SEXES)[s.ravel()],
            "ethnicity": np.asarray(ETH)[e.ravel()],
            "population": self.counts.ravel().astype(np.int64),
        })
        return df.sort_values(["year", "age", "sex", "ethnicity"], kind="stable").reset_index(drop=True)


def build_population(children: int = 80_000, years: range | tuple[int, ...] = range(2022, 2027)) -> Population:
    """The population for ``children`` aged 0-17 at mid-2023, for each mid-year in ``years``."""
    if children < 1:
        raise ValueError(f"children must be a positive number, not {children}")
    years = tuple(years)
    scale = children / BASE_TOTAL
    shares = np.stack([np.stack([ethnic_shares(a, s) for s in SEXES]) for a in AGES])  # age, sex, eth
    base = np.stack([np.asarray(published.MYE2023_MALE, float), np.asarray(published.MYE2023_FEMALE, float)], axis=1)  # age, sex
    counts = np.stack([np.rint(base[:, :, None] * scale * published.mye_growth(y) * shares) for y in years]).astype(np.int64)
    return Population(years, counts)

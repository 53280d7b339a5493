"""Disproportionality: who reaches each stage of the child's journey, by protected characteristic.

Does a group of children reach a stage more or less often than White British children (or all other
children)? At which decision point does the difference arise, is it statistically robust, and is it
changing? The numbers behind the partnership's commitment to "understand any disproportionality
issues" and "outcomes for different communities of children".

* :mod:`.cohorts`     children (not events) at each stage, integer-coded, counted by group;
* :mod:`.statistics`  rates, relative rate indices, disproportionality and decision-point ratios,
                      age-standardised rates, Benjamini–Hochberg adjustment, labels;
* :mod:`.quality`     ethnicity not known, and whether it could change a conclusion;
* :mod:`.trend`       each group's RRI over eight quarters, and whether the gap is narrowing;
* :mod:`.partners`    partners' aggregate breakdowns (exclusions, first-time entrants, exploitation);
* :mod:`.real_data`   a worked example on published DfE and Census figures;
* :mod:`.publish`     disclosure control of every table and chart's data;
* :mod:`.findings`    one plain-English sentence per robust result.

Methods and decisions: ``docs/disproportionality.md``.
"""

from .analysis import Results, analyse, analyse_returns
from .cohorts import JOURNEY, STAGES, Stage, groupings, stage
from .findings import findings

__all__ = ["Results", "analyse", "analyse_returns", "findings", "STAGES", "JOURNEY", "Stage", "stage", "groupings"]

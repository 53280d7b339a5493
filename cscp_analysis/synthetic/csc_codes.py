"""The codes of the demo's children's social care extract, in the order the simulation's arrays index them.

Shared by the simulation (``csc``) and the writer of the extract's tables (``csc_tables``).
"""

from __future__ import annotations

from .. import codes as C
from .population import ETH

NEVER = 10**7  # a day number far beyond any extract: "has not happened (yet)"

SOURCES = tuple(C.REFERRAL_SOURCES)
NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0")
REF_OUTCOMES = ("ASSESSMENT", "NFA", "EARLY_HELP", "INFO_ADVICE")
ASS_OUTCOMES = ("CIN_PLAN", "S47", "NFA", "STEP_DOWN")
CATEGORIES = ("NEG", "EMO", "PHY", "SAB", "MUL")
LEGAL = ("C1", "C2", "E1", "V2", "L1", "J2")
PLACEMENTS = ("FOSTER", "KINSHIP", "RESID", "SUPP", "PARENT", "ADOPT", "OTHER")
# The twelve factors the demo draws (bit order), as children-in-need census codes: domestic abuse, mental
# health and drug misuse of a parent or carer, neglect, emotional, physical and sexual abuse (adult on child),
# child sexual exploitation, child criminal exploitation, gangs, going missing, self-harm.
FACTORS = ("3B", "4B", "2B", "16A", "17A", "18C", "19C", "11A", "24A", "13A", "10A", "15A")
SEX_CODES = ("M", "F", "U")
DISABILITY_CODES = ("N", "Y", "U")
ETH_ALL = ETH + ("NOBT", "REFU")

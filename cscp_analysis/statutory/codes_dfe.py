"""DfE's codes in the statutory returns that the extract groups or writes differently.

The extract uses DfE's codes wherever DfE has one (``cscp_analysis.codes``); this module holds what
only the importers need: the SSDA903 placement codes (``PLACE``) and the extract's placement groups,
the 903 reasons for an episode ending (``REC``), how a new episode began (``RNE``), and the older
numeric coding of sex.
"""

from __future__ import annotations

__all__ = ["PLACE_GROUP", "GROUP_PLACE", "SEX_903", "NEW_PLACEMENT_RNE", "RNE", "EPISODE_CONTINUES", "REC_ENDS"]

# SSDA903 placement type (PLACE) -> the extract's placement type (cscp_analysis.codes.PLACEMENT_TYPES).
PLACE_GROUP = {
    "A3": "ADOPT", "A4": "ADOPT", "A5": "ADOPT", "A6": "ADOPT",  # placed for adoption
    "U1": "KINSHIP", "U2": "KINSHIP", "U3": "KINSHIP",  # foster placement with a relative or friend
    "U4": "FOSTER", "U5": "FOSTER", "U6": "FOSTER",  # foster placement with another foster carer
    "K1": "RESID", "K2": "RESID", "R1": "RESID",  # secure children's home, children's home, residential care home
    "H5": "SUPP", "P2": "SUPP",  # supported (semi-independent) accommodation, independent living
    "P1": "PARENT",  # placed with own parent(s) or person(s) with parental responsibility
    "P3": "OTHER", "R2": "OTHER", "R3": "OTHER", "R5": "OTHER", "S1": "OTHER", "Z1": "OTHER",
    "T0": "OTHER", "T1": "OTHER", "T2": "OTHER", "T3": "OTHER", "T4": "OTHER",
}
# The 903 code written for each placement type of the extract (demo files in the 903 format).
GROUP_PLACE = {"FOSTER": "U6", "KINSHIP": "U3", "RESID": "K2", "SUPP": "H5", "PARENT": "P1", "ADOPT": "A6", "OTHER": "Z1"}

# Sex in SSDA903 Header and UASC: 1 and 2 until 2023-24; M, F and U from 2024-25.
SEX_903 = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U", "0": "U", "9": "U"}

# Reason for new episode (RNE).
RNE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of both legal status and placement and carer(s) at the same time",
    "B": "Change of placement but carer(s) unchanged",
    "U": "Change of both legal status and placement but carer(s) unchanged",
}
# A new placement begins at every new episode except a change of legal status only.
NEW_PLACEMENT_RNE = ("S", "P", "T", "B", "U")
# Reason episode ceased (REC): X1 means the episode ended and another began the same day (care goes on).
EPISODE_CONTINUES = "X1"
REC_ENDS = "a reason other than X1 (E11 to E17, E2 to E9, E41 to E48, E4A, E4B)"

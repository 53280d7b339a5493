"""When is a suppressed count protected? The rule the audit applies to every intruder's range.

Vocabulary (Hundepool et al. 2012, *Statistical Disclosure Control*, §4.2–4.3, as τ-ARGUS and
sdcTable use it): for a sensitive cell of true value v, the intruder's *feasibility interval*
[L, H] is the set of values consistent with everything published; an *upper protection level* U asks
H ≥ v + U, a *lower protection level* L' asks L ≤ v − L', a *sliding protection level* S asks
H − L ≥ S. sdcTable's ``attack()`` calls a cell protected when H − L is above a tolerance (no exact
disclosure); τ-ARGUS asks for the upper and lower levels together.

Our rule, with protection distance p (5 by default) and the range [S_lo, S_hi] the cell's symbol
already reveals (``[c]``: 1 to the threshold; ``[s]``: threshold + 1 or more; ``c``: 0 or more):

* L = ceil(lower) and H = floor(upper): counts are whole numbers, so the intruder rounds inward.
* **Knowing the true value v** (the audit inside a run): the cell is protected when

      L ≤ v − p   or   H ≥ v + p   or   (L ≤ S_lo and H ≥ S_hi),

  that is, the intruder cannot narrow it to within p either side of its true value (an upper *or*
  a lower protection level of p: a count's lower side is bounded by 0, so asking for both would
  refuse every count below p), unless the tables narrow nothing beyond what the symbol itself says.
  The last clause is what makes the rule usable for ``[c]``: its own range 1 to 5 always lies within
  5 of the value, so a primary-suppressed count is protected exactly when every value from 1 to the
  threshold remains possible.
* **Without the true value** (``cscp audit-disclosure`` on a pack alone): the necessary condition

      H − L ≥ min(p, S_hi − S_lo),

  a sliding protection level of p, or the symbol's whole range when that is narrower. (If the rule
  with v holds, this one holds too.)
* In both, the true value must lie in [L, H]; if it does not, the declarations or the truth are
  wrong, and the cell fails so that someone looks.

p = 1 gives sdcTable's check (no exact disclosure); a larger p asks secondary suppression to leave
the intruder a wider range. A cell whose range reaches infinity is always protected.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_PROTECTION", "check_protection", "whole_range"]

DEFAULT_PROTECTION = 5


def whole_range(lower, upper) -> tuple[np.ndarray, np.ndarray]:
    """The intruder's range in whole numbers: ceil(lower), floor(upper) (a small tolerance for the LP's rounding)."""
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    with np.errstate(invalid="ignore"):
        return np.ceil(lower - 1e-6), np.floor(upper + 1e-6)


def check_protection(low, high, symbol_low, symbol_high, protection: int = DEFAULT_PROTECTION, truth=None):
    """Whether each suppressed cell is protected, and why not.

    ``low``/``high``: the intruder's whole-number range (:func:`whole_range`); ``symbol_low``/
    ``symbol_high``: what the cell's symbols alone reveal; ``truth``: the true values (NaN where
    unknown) or ``None``. Returns ``(protected, reason)``: boolean array and a reason per cell
    (``""`` when protected, else ``"pinned"``, ``"narrow"`` or ``"truth outside"``).
    """
    if isinstance(protection, bool) or not isinstance(protection, (int, np.integer)) or protection < 1:
        raise ValueError(f"'protection' must be a whole number of at least 1, got {protection!r}")
    p = int(protection)
    low, high = np.asarray(low, float), np.asarray(high, float)
    s_lo, s_hi = np.asarray(symbol_low, float), np.asarray(symbol_high, float)
    untouched = (low <= s_lo) & (high >= s_hi)
    with np.errstate(invalid="ignore"):
        ok = (high - low >= np.minimum(p, s_hi - s_lo)) | untouched
    if truth is not None:
        v = np.asarray(truth, float)
        known = ~np.isnan(v)
        inside = (v >= low - 1e-9) & (v <= high + 1e-9)
        with_truth = inside & ((low <= v - p) | (high >= v + p) | untouched)
        ok = np.where(known, with_truth, ok)
        outside = known & ~inside
    else:
        outside = np.zeros(low.shape, bool)
    reason = np.where(ok, "", np.where(outside, "truth outside", np.where(high <= low, "pinned", "narrow")))
    return ok.astype(bool), reason.astype(object)

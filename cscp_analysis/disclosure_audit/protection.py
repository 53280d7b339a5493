"""When is a suppressed count protected? The rule the audit applies to every intruder's range.

Vocabulary (Hundepool et al. 2012, *Statistical Disclosure Control*, §4.2–4.3, as τ-ARGUS and
sdcTable use it): a *sensitive* cell is one the publisher must protect (here: a count from 1 to the
threshold, primary-suppressed); for its true value v, the intruder's *feasibility interval* [L, H]
is the set of values consistent with everything published; an *upper protection level* U asks
H ≥ v + U, a *lower protection level* asks L ≤ v − L', a *sliding protection level* S asks H − L ≥ S.
Protection levels are set for sensitive cells only: sdcTable's ``attack()`` attacks the primary
suppressed cells and calls one protected when H − L is above a tolerance (no exact disclosure).

Our rule, with protection distance p (5 by default) and the range [S_lo, S_hi] the cell's symbols
already reveal (``[c]``: 1 to the threshold; ``[s]``: threshold + 1 or more; ``c``: 1 or more):

* L = ceil(lower) and H = floor(upper): counts are whole numbers, so the intruder rounds inward.
* A **sensitive** cell (shown ``[c]``; or shown ``c`` when its true value is 1 to the threshold, or
  when the true value is not known) with true value v is protected when

      L ≤ v − p   or   H ≥ v + p   or   (L ≤ S_lo and H ≥ S_hi),

  that is, the intruder cannot narrow it to within p either side of its true value (an upper *or*
  a lower protection level of p: a count's lower side is bounded by 0, so asking for both would
  refuse every count below p), unless the tables narrow nothing beyond what the symbol itself says.
  The last clause is what makes the rule usable for ``[c]``: its own range 1 to 5 always lies within
  5 of the value, so a primary-suppressed count is protected exactly when every value from 1 to the
  threshold remains possible.
* **Without the true value** (``cscp audit-disclosure`` on a pack alone) the necessary condition

      H − L ≥ min(p, S_hi − S_lo)

  is checked instead: a sliding protection level of p, or the symbol's whole range when that is
  narrower. (Whenever the rule with v holds, this one holds too.)
* A **secondary** cell (``[s]``, or ``c`` whose true value is above the threshold) is not itself
  sensitive: it fails only when the intruder can work it out exactly (H = L), the standard of the DfE
  publications. Asking more of it would be asking the impossible: a secondary cell tied to a single
  ``[c]`` by a total can vary only as much as that ``[c]`` does, at most threshold − 1, so with p ≥
  threshold every such cell would fail though nothing sensitive is learnt from it. (Its range is still
  reported; ``protect_secondary=True`` applies the sensitive rule to it too.)
* In every case the true value must lie in [L, H]; if it does not, a declaration or the true values
  are wrong, and the cell fails so that someone looks.

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


def check_protection(low, high, symbol_low, symbol_high, protection: int = DEFAULT_PROTECTION, truth=None,
                     sensitive=None):
    """Whether each suppressed cell is protected, and why not.

    ``low``/``high``: the intruder's whole-number range (:func:`whole_range`); ``symbol_low``/
    ``symbol_high``: what the cell's symbols alone reveal; ``truth``: the true values (NaN where
    unknown) or ``None``; ``sensitive``: which cells get the protection interval (all when None; the
    others need only not be worked out exactly). Returns ``(protected, reason)``: a boolean array and
    a reason per cell (``""`` when protected, else ``"pinned"``, ``"narrow"`` or ``"truth outside"``).
    """
    if isinstance(protection, bool) or not isinstance(protection, (int, np.integer)) or protection < 1:
        raise ValueError(f"'protection' must be a whole number of at least 1, got {protection!r}")
    p = int(protection)
    low, high = np.asarray(low, float), np.asarray(high, float)
    s_lo, s_hi = np.asarray(symbol_low, float), np.asarray(symbol_high, float)
    sensitive = np.ones(low.shape, bool) if sensitive is None else np.asarray(sensitive, bool)
    untouched = (low <= s_lo) & (high >= s_hi)
    with np.errstate(invalid="ignore"):
        ok = (high - low >= np.minimum(p, s_hi - s_lo)) | untouched
    outside = np.zeros(low.shape, bool)
    if truth is not None:
        v = np.asarray(truth, float)
        known = ~np.isnan(v)
        inside = (v >= low - 1e-9) & (v <= high + 1e-9)
        ok = np.where(known, inside & ((low <= v - p) | (high >= v + p) | untouched), ok)
        outside = known & ~inside
    with np.errstate(invalid="ignore"):
        ok = np.where(sensitive, ok, (high > low) & ~outside)
        reason = np.where(ok, "", np.where(outside, "truth outside", np.where(high <= low, "pinned", "narrow")))
    return ok.astype(bool), reason.astype(object)

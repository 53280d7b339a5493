"""When is a suppressed count protected? The rule the audit applies to every intruder's range.

Vocabulary (Hundepool et al. 2012, *Statistical Disclosure Control*, §4.2–4.3, as τ-ARGUS and
sdcTable use it): a *sensitive* cell is one the publisher must protect (here: a count from 1 to the
threshold, primary-suppressed); for its true value v, the intruder's *feasibility interval* [L, H]
is the set of values consistent with everything published; an *upper protection level* U asks
H ≥ v + U, a *lower protection level* L' asks L ≤ v − L', a *sliding protection level* S asks
H − L ≥ S. Protection levels are set for sensitive cells only: sdcTable's ``attack()`` attacks the
primary suppressed cells and calls one protected when H − L is above a tolerance (no exact disclosure).

Our rule, with protection distance p (5 by default) and the range [S_lo, S_hi] the cell's symbols
already reveal (``[c]``: 1 to the threshold; ``[s]``: threshold + 1 or more; ``c``: 1 or more):

* L = ceil(lower) and H = floor(upper): counts are whole numbers, so the intruder rounds inward.
* A **sensitive** cell (shown ``[c]``; or ``c`` when its true value is 1 to the threshold, or when
  the true value is not known) with true value v must not be narrowable to within p either side of
  v, where each side asks only for the room the symbol leaves:

      d_lo = min(p, v − S_lo),   d_hi = min(p, S_hi − v),
      protected  ⇔  (d_lo > 0 and L ≤ v − d_lo)  or  (d_hi > 0 and H ≥ v + d_hi).

  That is an upper *or* a lower protection level of p (asking for both would refuse every count
  below p, whose lower side is bounded by 0), each capped by the symbol. For a large count this is
  exactly "not within p either side". For ``[c]`` (1 to 5) with p ≥ 4 it reads: the intruder can
  still not rule out 1 (unless v is 1) or can still not rule out 5 (unless v is 5). A cell pinned to
  its value always fails; so does "1 to 3" when the value is 1.
* ``strict=True`` asks instead that a sensitive cell whose symbol range lies within p of v keeps that
  whole range (every value from 1 to the threshold stays possible). Beware: no suppression can meet
  it where a ``[c]`` total has two or more ``[c]`` parts (each part is at least 1, so the total is at
  least 2).
* **Without the true value** (``cscp audit-disclosure`` on a pack alone) a necessary condition is
  checked:  H > L  and  (L ≤ S_lo  or  H ≥ S_hi  or  H − L ≥ p)  — with ``strict``:
  (L ≤ S_lo and H ≥ S_hi) or H − L ≥ p. Whenever the rule with v holds, this holds too; a cell that
  passes it may still fail once the true value is known.
* A **secondary** cell (``[s]``, or ``c`` whose true value is above the threshold) is not itself
  sensitive: it fails only when the intruder can work it out exactly (H = L), the standard of the DfE
  publications. Asking more of it would be asking the impossible: a secondary cell tied to a single
  ``[c]`` by a total can vary only as much as that ``[c]`` does, at most threshold − 1. (Its range is
  still reported; ``protect_secondary=True`` applies the sensitive rule to it too.)
* In every case the true value must lie in [L, H]; if it does not, a declaration or the true values
  are wrong, and the cell fails so that someone looks.

p = 1 gives sdcTable's check (no exact disclosure). A cell whose range reaches infinity is protected.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_PROTECTION", "check_protection", "whole_range", "protection_distance"]

DEFAULT_PROTECTION = 5


def whole_range(lower, upper) -> tuple[np.ndarray, np.ndarray]:
    """The intruder's range in whole numbers: ceil(lower), floor(upper) (a small tolerance for the LP's rounding)."""
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    with np.errstate(invalid="ignore"):
        return np.ceil(lower - 1e-6), np.floor(upper + 1e-6)


def protection_distance(protection) -> int:
    """The protection distance p, checked: a whole number of at least 1."""
    if isinstance(protection, bool) or not isinstance(protection, (int, np.integer)) or protection < 1:
        raise ValueError(f"'protection' must be a whole number of at least 1, got {protection!r}")
    return int(protection)


def check_protection(low, high, symbol_low, symbol_high, protection: int = DEFAULT_PROTECTION, truth=None,
                     sensitive=None, strict: bool = False):
    """Whether each suppressed cell is protected, and why not.

    ``low``/``high``: the intruder's whole-number range (:func:`whole_range`); ``symbol_low``/
    ``symbol_high``: what the cell's symbols alone reveal; ``truth``: the true values (NaN where
    unknown) or ``None``; ``sensitive``: which cells get the protection interval (all when None; the
    others need only not be worked out exactly); ``strict``: see the module's description. Returns
    ``(protected, reason)``: a boolean array and a reason per cell (``""`` when protected, else
    ``"pinned"``, ``"narrow"`` or ``"truth outside"``).
    """
    p = protection_distance(protection)
    low, high = np.asarray(low, float), np.asarray(high, float)
    s_lo, s_hi = np.asarray(symbol_low, float), np.asarray(symbol_high, float)
    sensitive = np.ones(low.shape, bool) if sensitive is None else np.asarray(sensitive, bool)
    with np.errstate(invalid="ignore"):
        reaches_floor, reaches_top = low <= s_lo, high >= s_hi
        wide = high - low >= p
        if strict:
            ok = (reaches_floor & reaches_top) | wide
        else:
            ok = (high > low) & (reaches_floor | reaches_top | wide)
        outside = np.zeros(low.shape, bool)
        if truth is not None:
            v = np.asarray(truth, float)
            known = ~np.isnan(v)
            inside = (v >= low - 1e-9) & (v <= high + 1e-9)
            if strict:
                within = (v - p < s_lo) & (v + p > s_hi)  # the symbol's whole range lies within p of v
                rule = np.where(within, reaches_floor & reaches_top, (low <= v - p) | (high >= v + p))
            else:
                d_lo, d_hi = np.minimum(p, v - s_lo), np.minimum(p, s_hi - v)
                rule = ((d_lo > 0) & (low <= v - d_lo)) | ((d_hi > 0) & (high >= v + d_hi))
            ok = np.where(known, inside & rule, ok)
            outside = known & ~inside
        ok = np.where(sensitive, ok, (high > low) & ~outside)
        reason = np.where(ok, "", np.where(outside, "truth outside", np.where(high <= low, "pinned", "narrow")))
    return ok.astype(bool), reason.astype(object)

"""The partnership's configuration (``config/partnership.yaml``).

Read once, checked, and passed around as a plain :class:`PartnershipConfig`. Another partnership uses
the package by writing its own YAML and pointing ``--config`` (or ``CSCP_CONFIG_DIR``) at it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import CscpError

__all__ = ["PROJECT_ROOT", "CONFIG_DIR", "PartnershipConfig", "load_partnership", "ConfigError"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = Path(os.environ.get("CSCP_CONFIG_DIR", PROJECT_ROOT / "config"))


DEFAULT_SIZE_LIMITS_MB = {"quarterly": 5.0, "cumulative": 100.0}
DEFAULT_SET_ASIDE_THRESHOLD_PCT = 1.0


class ConfigError(CscpError, ValueError):
    """The configuration is missing something or has a wrong value; the message says where."""


@dataclass(frozen=True)
class ReturnSpec:
    agency: str
    file: str
    indicators: dict[str, dict[str, Any]]
    size_limit_mb: float | None = None  # this agency's own limit (else the quarterly one)


@dataclass(frozen=True)
class PartnershipConfig:
    path: Path
    name: str
    short_name: str
    la_name: str
    la_code: str
    old_la_code: int
    region_code: str
    region_name: str
    statistical_neighbours: tuple[int, ...]
    priorities: dict[str, str]
    agencies: dict[str, str]
    returns: dict[str, ReturnSpec]
    due_days_after_period_end: int
    suppression_threshold: int
    cdop_threshold: int
    cdop_min_total: int
    reference_group: str
    min_children_for_group: int
    missing_ethnicity_warning_pct: float
    first_period: str
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    # a file larger than this is refused before it is read (rule RET-007): a quarterly file (partner
    # return, commentary, submissions log) and a cumulative one (population, extract, register)
    quarterly_size_limit_mb: float = DEFAULT_SIZE_LIMITS_MB["quarterly"]
    cumulative_size_limit_mb: float = DEFAULT_SIZE_LIMITS_MB["cumulative"]
    # rejected rows under this percentage of a record-level table are set aside and the rest analysed
    set_aside_threshold_pct: float = DEFAULT_SET_ASIDE_THRESHOLD_PCT

    @property
    def partner_indicators(self) -> dict[str, dict[str, Any]]:
        """Every partner-return indicator code with its agency and specification."""
        out: dict[str, dict[str, Any]] = {}
        for spec in self.returns.values():
            for code, ind in spec.indicators.items():
                out[code] = {"agency": spec.agency, **ind}
        return out

    def size_limit_bytes(self, scope: str, agency: str | None = None) -> int:
        """The largest file accepted for a return of ``scope`` (``period`` for quarterly files), in bytes."""
        mb = self.cumulative_size_limit_mb if scope != "period" else self.quarterly_size_limit_mb
        spec = self.returns.get(agency) if agency else None
        if spec is not None and spec.size_limit_mb is not None:
            mb = spec.size_limit_mb
        return int(mb * 1024 * 1024)

    def code_list(self, name: str) -> tuple[str, ...]:
        """Allowed values of a configured code list (used by schemas' ``codes_from``)."""
        if name == "agencies":
            return tuple(self.agencies)
        if name == "partner_indicators":
            return tuple(self.partner_indicators)
        raise ConfigError(f"no configured code list called {name!r}")


def _need(d: dict, key: str, where: str) -> Any:
    if not isinstance(d, dict) or key not in d:
        raise ConfigError(f"{where}: '{key}' is missing")
    return d[key]


def load_partnership(path: str | Path | None = None) -> PartnershipConfig:
    """Read and check ``partnership.yaml``."""
    p = Path(path) if path else CONFIG_DIR / "partnership.yaml"
    if p.is_dir():
        p = p / "partnership.yaml"
    if not p.exists():
        raise ConfigError(f"configuration file {p} does not exist")
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p} is not valid YAML: {exc}") from None
    where = str(p)
    part = _need(raw, "partnership", where)
    agencies = {str(k): str(v) for k, v in _need(raw, "agencies", where).items()}
    ret = _need(raw, "returns", where)
    specs: dict[str, ReturnSpec] = {}
    for agency, spec in _need(ret, "agencies", f"{where}: returns").items():
        if agency not in agencies:
            raise ConfigError(f"{where}: returns.agencies.{agency} is not one of the agencies ({', '.join(agencies)})")
        inds = _need(spec, "indicators", f"{where}: returns.agencies.{agency}")
        for code, ind in inds.items():
            if not isinstance(ind, dict) or ind.get("type") not in ("count", "percentage", "rate"):
                raise ConfigError(f"{where}: returns indicator {code} needs type count, percentage or rate")
        own_limit = spec.get("size_limit_mb")
        specs[agency] = ReturnSpec(agency, str(_need(spec, "file", f"{where}: returns.agencies.{agency}")), dict(inds),
                                   None if own_limit is None else _positive(own_limit, f"{where}: returns.agencies.{agency}.size_limit_mb"))
    limits = ret.get("size_limit_mb") or {}
    if not isinstance(limits, dict) or set(limits) - set(DEFAULT_SIZE_LIMITS_MB):
        raise ConfigError(f"{where}: returns.size_limit_mb takes 'quarterly' and 'cumulative' (megabytes)")
    threshold_pct = ret.get("set_aside_threshold_pct", DEFAULT_SET_ASIDE_THRESHOLD_PCT)
    try:
        threshold_pct = float(threshold_pct)
    except (TypeError, ValueError):
        threshold_pct = -1.0
    if not 0 <= threshold_pct < 100:
        raise ConfigError(f"{where}: returns.set_aside_threshold_pct must be a percentage from 0 (never set rows "
                          f"aside) to below 100, not {ret.get('set_aside_threshold_pct')!r}")
    disc = raw.get("disclosure", {}) or {}
    disp = raw.get("disproportionality", {}) or {}
    return PartnershipConfig(
        path=p,
        name=str(_need(part, "name", f"{where}: partnership")),
        short_name=str(part.get("short_name", "")),
        la_name=str(_need(part, "la_name", f"{where}: partnership")),
        la_code=str(_need(part, "la_code", f"{where}: partnership")),
        old_la_code=int(_need(part, "old_la_code", f"{where}: partnership")),
        region_code=str(_need(part, "region_code", f"{where}: partnership")),
        region_name=str(part.get("region_name", "")),
        statistical_neighbours=tuple(int(x) for x in part.get("statistical_neighbours", [])),
        priorities={str(x["id"]): str(x["title"]) for x in raw.get("priorities", [])},
        agencies=agencies,
        returns=specs,
        due_days_after_period_end=int(ret.get("due_days_after_period_end", 30)),
        suppression_threshold=int(disc.get("threshold", 5)),
        cdop_threshold=int(disc.get("cdop_threshold", disc.get("threshold", 5))),
        cdop_min_total=int(disc.get("cdop_min_total", 10)),
        reference_group=str(disp.get("reference_group", "WBRI")),
        min_children_for_group=int(disp.get("min_children_for_group", 10)),
        missing_ethnicity_warning_pct=float(disp.get("missing_ethnicity_warning_pct", 5.0)),
        first_period=str((raw.get("periods") or {}).get("first", "2023-24-Q1")),
        raw=raw,
        quarterly_size_limit_mb=_positive(limits.get("quarterly", DEFAULT_SIZE_LIMITS_MB["quarterly"]),
                                          f"{where}: returns.size_limit_mb.quarterly"),
        cumulative_size_limit_mb=_positive(limits.get("cumulative", DEFAULT_SIZE_LIMITS_MB["cumulative"]),
                                           f"{where}: returns.size_limit_mb.cumulative"),
        set_aside_threshold_pct=threshold_pct,
    )


def _positive(value: Any, where: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not v > 0:
        raise ConfigError(f"{where} must be a number of megabytes above 0, not {value!r}")
    return v

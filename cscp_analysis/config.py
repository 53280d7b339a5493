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


class ConfigError(CscpError, ValueError):
    """The configuration is missing something or has a wrong value; the message says where."""


@dataclass(frozen=True)
class ReturnSpec:
    agency: str
    file: str
    indicators: dict[str, dict[str, Any]]


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

    @property
    def partner_indicators(self) -> dict[str, dict[str, Any]]:
        """Every partner-return indicator code with its agency and specification."""
        out: dict[str, dict[str, Any]] = {}
        for spec in self.returns.values():
            for code, ind in spec.indicators.items():
                out[code] = {"agency": spec.agency, **ind}
        return out

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
        specs[agency] = ReturnSpec(agency, str(_need(spec, "file", f"{where}: returns.agencies.{agency}")), dict(inds))
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
    )

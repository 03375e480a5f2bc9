"""Settings: one typed, frozen object with every default a region may set differently.

Defaults are documented here and in ``docs/configuration.md``. The CLI loads them from an
optional TOML file (``--config FILE``) and from environment variables ``SROI_MATCH_<FIELD>``
(upper case); library code never reads the environment itself.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from matching.core.errors import DataError

DEFAULT_TRAVEL_KM: Mapping[str, float] = MappingProxyType(
    {"car": 45.0, "public_transport": 30.0, "bike": 12.0, "none": 4.0, "unknown": 25.0}
)
"""Default one-way reach by mobility when ``max_travel_km`` is empty. UWV deems up to 2 h/day
travel reasonable; these are the distances roughly covered in one hour each way, straight line."""


@dataclass(frozen=True)
class Settings:
    """Every tunable default of sroi-match."""

    # Outcome definition
    horizon_months: int = 6
    """A placement is durable when the person is still employed this many months after start."""

    # Geography
    default_travel_km: Mapping[str, float] = field(default_factory=lambda: DEFAULT_TRAVEL_KM)
    ferry_penalty_km: float = 60.0
    """Added to the straight-line distance when home and work are not on the same Wadden island
    and one of them is on an island: a ferry crossing costs about an hour each way."""

    # Blocking (hard constraints)
    hours_ratio_min: float = 0.5
    """Candidate hours / vacancy hours must be at least this …"""
    hours_ratio_max: float = 1.6
    """… and at most this."""
    availability_grace_days: int = 31
    """A candidate available up to this many days after the vacancy's start still fits."""

    near_miss_reach_ratio: float = 1.5
    """A pair beyond reach counts as a near miss only up to this multiple of the reach (5 km
    too far is worth arranging transport for; 80 km is not)."""

    # Vocabulary resolution
    fuzzy_cutoff: float = 88.0
    """rapidfuzz score (0-100) a free-text term needs to resolve to a vocabulary entry."""

    # SROI valuation
    fulltime_hours: float = 36.0
    obligation_cap_eur: float = 300_000.0
    bonus_age50_per_year_eur: float = 5_000.0
    bonus_permanent_eur: float = 10_000.0
    default_contract_months: int = 12
    """Contract length assumed for valuation when a vacancy has none."""

    # Optimiser
    min_score: float = 0.25
    """Pairs whose durable-placement probability is below this are never assigned."""
    weight_scale: int = 1_000_000
    """Probabilities are scaled to integers by this factor before min-cost flow."""
    sroi_weight: float = 0.5
    """SROI-aware mode: expected placements gained per full coverage of one project's
    outstanding obligation."""

    # Runtime
    seed: int = 42
    lang: str = "nl"
    chunk_pairs: int = 4_000_000
    """Raw pairs processed at once in blocking and feature computation (bounds memory)."""
    n_jobs: int = -1
    """Workers for batch scoring (joblib threads; -1 = all cores). Training is single-threaded."""
    term_cache: str = ""
    """JSON file caching free-text term resolutions between runs (empty: no cache). The CLI
    sets it to ``<models>/.cache/terms.json``."""

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, value: Any, current: Any) -> Any:
    if isinstance(current, Mapping):
        if not isinstance(value, Mapping):
            raise DataError(f"setting {name!r} must be a table, got {value!r}")
        merged = dict(current)
        merged.update({str(k): float(v) for k, v in value.items()})
        return MappingProxyType(merged)
    try:
        if isinstance(current, bool):
            return str(value).strip().lower() in {"1", "true", "yes", "ja"}
        return type(current)(value)
    except (TypeError, ValueError) as exc:
        raise DataError(f"setting {name!r}: {value!r} is not a {type(current).__name__}") from exc


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Build :class:`Settings` from defaults, an optional TOML file, environment and overrides.

    Precedence (last wins): defaults, file, ``SROI_MATCH_<FIELD>`` variables in ``environ``,
    keyword ``overrides`` whose value is not ``None``.

    Examples
    --------
    >>> load_settings(horizon_months=12).horizon_months
    12
    """
    base = Settings()
    fields = {f.name for f in dataclasses.fields(Settings)}
    values: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise DataError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise DataError(f"config file {path} is not valid TOML: {exc}") from exc
        raw = raw.get("sroi_match", raw)
        for key, value in raw.items():
            if key not in fields:
                raise DataError(f"unknown setting {key!r} in {path}; known: {sorted(fields)}")
            values[key] = value
    for key, value in (environ or {}).items():
        if key.startswith("SROI_MATCH_"):
            name = key[len("SROI_MATCH_"):].lower()
            if name in fields:
                values[name] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    coerced = {k: _coerce(k, v, getattr(base, k)) for k, v in values.items()}
    return base.replace(**coerced)

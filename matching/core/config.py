"""Settings: one typed, frozen object with every default a region may set differently.

Defaults are documented here and in ``docs/configuration.md``. The CLI loads them from an
optional TOML file (``--config FILE``) and from environment variables ``SROI_MATCH_<FIELD>``
(upper case); library code never reads the environment itself. The settings of the feature
pipeline and their defaults are defined once, in :class:`features.settings.FeatureSettings`,
which :class:`Settings` extends; the CLI sets ``term_cache`` to ``<models>/.cache/terms.json``.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from features.settings import DEFAULT_TRAVEL_KM, FeatureSettings
from matching.core.errors import DataError

__all__ = ["DEFAULT_TRAVEL_KM", "FeatureSettings", "Settings", "load_settings"]


@dataclass(frozen=True)
class Settings(FeatureSettings):
    """Every tunable default of sroi-match.

    The settings the feature pipeline reads (travel reach, ferry penalty, blocking bounds,
    fuzzy cut-off, valuation basis, language, chunk size, term cache) are inherited from
    :class:`features.settings.FeatureSettings`, which holds their one set of defaults; a
    ``Settings`` object is therefore accepted wherever features expects one, and
    :attr:`features` gives the bare feature part. The fields below are sroi-match's own.
    """

    # Outcome definition
    horizon_months: int = 6
    """A placement is durable when the person is still employed this many months after start."""

    # Shortlists
    near_miss_reach_ratio: float = 1.5
    """A pair beyond reach counts as a near miss only up to this multiple of the reach (5 km
    too far is worth arranging transport for; 80 km is not)."""

    # SROI obligations
    obligation_cap_eur: float = 300_000.0

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
    n_jobs: int = -1
    """Workers for batch scoring (joblib threads; -1 = all cores). Training is single-threaded."""


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

"""The settings the features library reads: one frozen dataclass, the one set of defaults.

:class:`FeatureSettings` holds every tunable value that profiles, pair features, blocking and
the scikit-learn transformer read. An application that has more settings derives its own
settings class from it (``matching.core.config.Settings`` does), so each default is written
once, here, and an application's settings object can be passed wherever features expects a
:class:`FeatureSettings`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Self

__all__ = ["DEFAULT_TRAVEL_KM", "FeatureSettings"]

DEFAULT_TRAVEL_KM: Mapping[str, float] = MappingProxyType(
    {"car": 45.0, "public_transport": 30.0, "bike": 12.0, "none": 4.0, "unknown": 25.0}
)
"""Default one-way reach by mobility when ``max_travel_km`` is empty. UWV deems up to 2 h/day
travel reasonable; these are the distances roughly covered in one hour each way, straight line."""


@dataclass(frozen=True)
class FeatureSettings:
    """Every tunable default the feature pipeline reads.

    Examples
    --------
    >>> s = FeatureSettings()
    >>> s.fuzzy_cutoff, s.default_travel_km["bike"], s.replace(lang="en").lang
    (88.0, 12.0, 'en')
    """

    # Geography
    default_travel_km: Mapping[str, float] = field(default_factory=lambda: DEFAULT_TRAVEL_KM)
    """One-way reach in km by mobility when a candidate has no ``max_travel_km``."""
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

    # Vocabulary resolution
    fuzzy_cutoff: float = 88.0
    """rapidfuzz score (0-100) a free-text term needs to resolve to a vocabulary entry."""

    # SROI valuation (the value context column and the displayed value)
    fulltime_hours: float = 36.0
    """Full-time basis of the SROI building blocks."""
    bonus_age50_per_year_eur: float = 5_000.0
    """Valuation bonus per counted year for people aged 50 or over (displayed value only)."""
    bonus_permanent_eur: float = 10_000.0
    """One-off valuation bonus for a permanent contract."""
    default_contract_months: int = 12
    """Contract length assumed for valuation when a vacancy has none."""

    # Runtime
    lang: str = "nl"
    """Language of the labels in :func:`features.pairs.pair_details` (``nl`` or ``en``)."""
    chunk_pairs: int = 4_000_000
    """Raw pairs processed at once in blocking and feature computation (bounds memory)."""
    term_cache: str = ""
    """JSON file caching free-text term resolutions between runs (empty: no cache)."""

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied (same class as ``self``)."""
        return dataclasses.replace(self, **changes)

    @property
    def features(self) -> FeatureSettings:
        """Only the :class:`FeatureSettings` part (``self`` when that is all there is)."""
        if type(self) is FeatureSettings:
            return self
        return FeatureSettings(**{f.name: getattr(self, f.name)
                                  for f in dataclasses.fields(FeatureSettings)})

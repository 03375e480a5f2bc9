"""The coefficients of the ground-truth model (the documented defaults of every term)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Coefficients:
    """The coefficients of the ground-truth model (see the module docstring and
    ``docs/ground-truth.md``, which gives the domain reason of every term).

    Every term is non-decreasing in the quantities whose direction in
    :data:`features.spec.FEATURES` is +1 and non-increasing in those whose direction is -1.
    """

    intercept: float = 4.0
    """Logit of a perfect match (full coverage, same occupation, nearby, no gaps)."""
    required_skill_coverage: float = 1.4
    """Per unit of required-skill coverage, when the occupation is not (nearly) the same."""
    required_skill_coverage_same_occupation: float = 0.3
    """Per unit of required-skill coverage at occupation level >= 3: experience in the trade
    makes up for skills missing from the record."""
    preferred_skill_coverage: float = 0.3
    occupation_level: tuple[float, float, float, float, float] = (-0.8, -0.8, -0.7, 0.1, 0.3)
    """Contribution of the occupation match level 0 (none/unknown) … 4 (same ESCO occupation):
    a step at level 3 (same ISCO-08 unit group)."""
    first_missing_certificate: float = -1.3
    """When at least one required certificate is missing."""
    further_missing_certificate: float = -0.2
    """Per further missing required certificate."""
    hours_fit: float = 0.2
    """Per unit of hours fit (the gentle part)."""
    poor_hours_fit: float = 3.0
    """Per unit of hours fit below ``poor_hours_threshold`` (the steep part)."""
    poor_hours_threshold: float = 0.6
    travel_per_km: float = -0.002
    """Within reach distance barely matters."""
    beyond_reach: float = -1.4
    """Per unit of reach ratio above 1 (capped at ``beyond_reach_cap`` units)."""
    beyond_reach_cap: float = 2.0
    education_shortfall: float = 0.3
    """Per education rank below the vacancy's minimum (applied to ``min(gap, 0)``)."""
    no_startkwalificatie: float = -0.2
    """When the candidate is known to have no startkwalificatie …"""
    no_startkwalificatie_per_dutch_level: float = -0.35
    """… and per CEFR level the candidate's Dutch is short of one level above the vacancy's
    minimum (``max(1 - dutch_gap, 0)``; 0 when the Dutch level is unknown)."""
    dutch_shortfall: float = 0.45
    """Per CEFR level below the vacancy's minimum (applied to ``min(gap, 0)``)."""
    support_coverage: float = 0.2
    """Per unit of support coverage (the gentle part)."""
    poor_support: float = 2.2
    """Per unit of support coverage below ``poor_support_threshold`` (the steep part)."""
    poor_support_threshold: float = 0.5
    start_delay_per_30_days: float = -0.15
    start_delay_cap_days: float = 120.0
    permanent_contract: float = 0.35
    accumulated_gap: float = -0.3
    """Per serious gap beyond the first (see :meth:`GroundTruth.serious_gaps`)."""

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)

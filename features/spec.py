"""The pair-feature table: every feature the model sees, with meaning, range and monotone direction.

This table is the single source for the feature schema stored with a model, for the monotonic
constraints of the gradient-boosting model, for explanations and for ``docs/features.md``.
Protected and origin attributes (age, birth year, gender, nationality, the candidate's
municipality or province) are never features; ``tests/test_features_protected.py`` guards it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureSpec:
    """One pair feature."""

    name: str
    description: str
    value_range: str
    monotone: int
    """Expected effect on durability: +1 never lowers the score, -1 never raises it, 0 free."""
    label_nl: str
    label_en: str


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("required_skill_coverage", "Share of the vacancy's required skills the candidate has (1 when none are required).", "0-1", 1, "vereiste vaardigheden", "required skills"),
    FeatureSpec("preferred_skill_coverage", "Share of the vacancy's preferred skills the candidate has (1 when none are preferred).", "0-1", 1, "gewenste vaardigheden", "preferred skills"),
    FeatureSpec("occupation_match_level", "Best match between the candidate's occupations and the vacancy's: 4 same ESCO occupation, 3 same ISCO-08 unit group, 2 same minor group, 1 same sub-major group, 0 none or unknown.", "0-4", 1, "aansluiting beroep", "occupation match"),
    FeatureSpec("missing_required_certificates", "Number of the vacancy's required certificates the candidate does not hold.", ">= 0", -1, "ontbrekende certificaten", "missing certificates"),
    FeatureSpec("hours_fit", "1 - |candidate hours - vacancy hours| / vacancy hours, clipped to 0-1.", "0-1", 1, "aansluiting uren", "hours fit"),
    FeatureSpec("travel_km", "Great-circle distance home to work in km, plus the ferry penalty when an island crossing is needed.", ">= 0", -1, "reisafstand", "travel distance"),
    FeatureSpec("reach_ratio", "travel_km divided by the candidate's maximum travel distance (explicit or default by mobility).", ">= 0", -1, "reisafstand t.o.v. bereik", "distance relative to reach"),
    FeatureSpec("within_reach", "1 when travel_km <= the candidate's maximum travel distance.", "0/1", 1, "binnen bereik", "within reach"),
    FeatureSpec("education_gap", "Candidate education rank minus the vacancy's minimum (ranks in matching.data.schema.EDUCATION_RANK); missing when either is unknown (0 when the vacancy sets no minimum and the candidate's level is known).", "-6-6 or missing", 1, "opleidingsniveau t.o.v. vereist", "education vs required"),
    FeatureSpec("dutch_gap", "Candidate CEFR level minus the vacancy's minimum (A0=0 … C2=6); 0 when the vacancy sets no minimum and the candidate's level is known; missing when the candidate's level is unknown.", "-6-6 or missing", 1, "taalniveau t.o.v. vereist", "Dutch level vs required"),
    FeatureSpec("has_startkwalificatie", "1 when the candidate's education is a startkwalificatie (mbo2+, havo, vwo); missing when unknown.", "0/1 or missing", 1, "startkwalificatie", "basic qualification"),
    FeatureSpec("support_coverage", "Share of the candidate's support needs the employer offers (1 when the candidate needs none).", "0-1", 1, "geboden ondersteuning", "support offered"),
    FeatureSpec("start_delay_days", "Days between the vacancy's start and the candidate's availability, 0 when available in time; missing dates count as available.", ">= 0", -1, "wachttijd tot beschikbaar", "days until available"),
    FeatureSpec("permanent_contract", "1 when the vacancy offers a permanent contract.", "0/1", 1, "vast contract", "permanent contract"),
    FeatureSpec("contract_months", "Contract length in months (the default when unknown).", "> 0", 0, "contractduur", "contract length"),
)

CONTEXT: tuple[FeatureSpec, ...] = (
    FeatureSpec("target_group_eligible", "1 when the candidate's target group counts for the vacancy's project.", "0/1", 0, "doelgroep telt mee", "target group counts"),
    FeatureSpec("sroi_value_eur", "SROI value of the placement for the project (building block x hours x months, without the age bonus, which would leak age).", ">= 0", 0, "SROI-waarde", "SROI value"),
)
"""Pair columns computed beside the features for display, ranking and SROI accounting, but
**never model inputs**: neither is a reason a job lasts. Whether a target group counts for a
project and what a placement is worth to the contractor are rules of the SROI agreement, not
properties of the fit between person and job (and the euro value follows the target group's
valuation, a proxy for benefit history). They are shown as context, never as a reason."""

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
CONTEXT_NAMES: tuple[str, ...] = tuple(f.name for f in CONTEXT)
PAIR_COLUMNS: tuple[str, ...] = FEATURE_NAMES + CONTEXT_NAMES
"""Columns of :func:`features.pairs.pair_features`: the model features first (in
``FEATURE_NAMES`` order), then the context columns."""
PAIR_INDEX: dict[str, int] = {name: i for i, name in enumerate(PAIR_COLUMNS)}

AT_PLACEMENT: dict[str, str] = {
    "required_skill_coverage": "profile: the candidate's skills as recorded with the placement's candidate row (the contract's profile as at placement) against the vacancy's required skills",
    "preferred_skill_coverage": "profile as at placement, as above",
    "occupation_match_level": "profile as at placement: the candidate's occupations against the vacancy's occupation",
    "missing_required_certificates": "profile as at placement: certificates held against the vacancy's requirements",
    "hours_fit": "profile as at placement: the candidate's hours against the vacancy's hours",
    "travel_km": "profile as at placement: home postcode / municipality against the work location",
    "reach_ratio": "profile as at placement: travel_km against mobility / max_travel_km",
    "within_reach": "profile as at placement, as reach_ratio",
    "education_gap": "profile as at placement: education level against the vacancy's minimum",
    "dutch_gap": "profile as at placement: Dutch level against the vacancy's minimum",
    "has_startkwalificatie": "profile as at placement: education level",
    "support_coverage": "profile as at placement: support needs against the support the vacancy offered",
    "start_delay_days": "dated field, never today's value: for a past placement max(placement start_date - vacancy start_date, 0), the delay that actually happened; at serving time max(candidate available_from - vacancy start_date, 0). The candidate's current available_from is a value known only today and is never used for a past placement",
    "permanent_contract": "vacancy as offered (closed vacancies stay in the table)",
    "contract_months": "vacancy as offered",
    "target_group_eligible": "context only, not a model input: the project's eligible target groups",
    "sroi_value_eur": "context only, not a model input: the valuation table for the placement",
}
"""For each pair column: whether and how it is known at the moment a past placement started
(the "no time travel" rule: a feature of a past event uses only what was known then)."""
FEATURE_INDEX: dict[str, int] = {name: i for i, name in enumerate(FEATURE_NAMES)}
MONOTONIC_CST: tuple[int, ...] = tuple(f.monotone for f in FEATURES)


def feature_schema_hash() -> str:
    """A short fingerprint of the feature table (names, order, direction).

    A stored model whose schema hash differs from this one is refused on load.
    """
    text = "|".join(f"{f.name}:{f.monotone}" for f in FEATURES)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def spec(name: str) -> FeatureSpec:
    if name in FEATURE_INDEX:
        return FEATURES[FEATURE_INDEX[name]]
    return CONTEXT[PAIR_INDEX[name] - len(FEATURES)]

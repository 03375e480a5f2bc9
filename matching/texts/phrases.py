"""Plain-language templates for score explanations, in Dutch (default) and English.

Every sentence an explanation shows is built here from a model feature's label
(:mod:`features.spec`), its actual value formatted for people, and a change in percentage
points. Every number, percentage, euro amount, distance and number of hours is formatted by
:mod:`matching.texts.format` (Babel, rounding half up, ``0.905`` -> ``91%`` everywhere); the
formatters :func:`number`, :func:`percent`, :func:`percent_units`, :func:`eur`, :func:`km`,
:func:`hours`, :func:`probability_pct` and :func:`round_probability` are re-exported here for
the modules that import them from this one.

Only model inputs (``features.spec.FEATURE_NAMES``) are ever a reason: the SROI value and
target-group eligibility are context columns, shown as values, never as "raises the chance".
"""

from __future__ import annotations

from typing import Any

from features.spec import FEATURE_INDEX, spec
from matching.texts.format import (
    PROBABILITY_DECIMALS,
    eur,
    half_up,
    hours,
    is_missing,
    km,
    number,
    percent,
    percent_units,
    probability_pct,
    round_probability,
)

__all__ = [
    "LANGS", "PROBABILITY_DECIMALS", "TEMPLATES", "counterfactual_text", "eur", "factor_text",
    "format_value", "hours", "km", "number", "percent", "percent_units", "percentage_points",
    "probability_pct", "reasons_text", "round_probability",
]

LANGS: tuple[str, ...] = ("nl", "en")

TEMPLATES: dict[str, dict[str, str]] = {
    "nl": {
        "raises": "{label} {value} verhoogt de kans (+{pp} {points})",
        "lowers": "{label} {value} verlaagt de kans (−{pp} {points})",
        "point": "procentpunt",
        "points": "procentpunt",
        "unknown": "onbekend",
        "yes": "ja",
        "no": "nee",
        "days": "{x} dagen",
        "months": "{x} maanden",
        "levels": "{x} niveau(s)",
        "times_reach": "{x}× het bereik",
        "occupation_levels": "geen|zelfde hoofdgroep|zelfde subgroep|zelfde beroepsgroep|zelfde beroep",
        "cf_missing_required_certificates": "Met het ontbrekende certificaat: {old} → {new}",
        "cf_support_coverage": "Als de werkgever de gevraagde ondersteuning biedt: {old} → {new}",
        "cf_dutch_gap": "Na een taalcursus (één taalniveau hoger): {old} → {new}",
        "cf_start_delay_days": "Als de kandidaat direct beschikbaar is: {old} → {new}",
        "cf_required_skill_coverage": "Met alle vereiste vaardigheden: {old} → {new}",
    },
    "en": {
        "raises": "{label} {value} raises the chance (+{pp} {points})",
        "lowers": "{label} {value} lowers the chance (−{pp} {points})",
        "point": "percentage point",
        "points": "percentage points",
        "unknown": "unknown",
        "yes": "yes",
        "no": "no",
        "days": "{x} days",
        "months": "{x} months",
        "levels": "{x} level(s)",
        "times_reach": "{x}× the reach",
        "occupation_levels": "none|same major group|same sub-major group|same unit group|same occupation",
        "cf_missing_required_certificates": "With the missing certificate(s): {old} → {new}",
        "cf_support_coverage": "If the employer offers the requested support: {old} → {new}",
        "cf_dutch_gap": "After a language course (one level up): {old} → {new}",
        "cf_start_delay_days": "If the candidate is available at the start: {old} → {new}",
        "cf_required_skill_coverage": "With all required skills: {old} → {new}",
    },
}
"""Sentence templates per language."""

_PERCENT = {"required_skill_coverage", "preferred_skill_coverage", "hours_fit", "support_coverage"}
_BOOL = {"within_reach", "has_startkwalificatie", "permanent_contract"}
_GAP = {"education_gap", "dutch_gap"}


def _lang(lang: str) -> dict[str, str]:
    if lang not in TEMPLATES:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return TEMPLATES[lang]


def _model_feature(feature: str) -> None:
    if feature not in FEATURE_INDEX:
        raise ValueError(f"{feature!r} is not a model feature: only model inputs "
                         "(features.spec.FEATURE_NAMES) are reasons")


def format_value(feature: str, value: float, lang: str = "nl") -> str:
    """A model feature's value as people read it (``travel_km=34.2`` -> ``34 km``).

    Examples
    --------
    >>> format_value("travel_km", 34.2)
    '34 km'
    >>> format_value("within_reach", 1.0, "en")
    'yes'
    >>> format_value("dutch_gap", -1.0)
    '-1 niveau(s)'
    """
    t = _lang(lang)
    _model_feature(feature)
    if is_missing(value):
        return t["unknown"]
    v = float(value)
    if feature in _PERCENT:
        return percent(v, lang)
    if feature in _BOOL:
        return t["yes"] if v >= 0.5 else t["no"]
    if feature in _GAP:
        return t["levels"].format(x=number(v, lang, sign=True))
    if feature == "occupation_match_level":
        names = t["occupation_levels"].split("|")
        return names[int(min(max(int(half_up(v, 0)), 0), len(names) - 1))]
    if feature == "travel_km":
        return km(v, lang)
    if feature == "reach_ratio":
        return t["times_reach"].format(x=number(v, lang, 1))
    if feature == "start_delay_days":
        return t["days"].format(x=number(v, lang))
    if feature == "contract_months":
        return t["months"].format(x=number(v, lang))
    return number(v, lang, 0 if v == int(v) else 1)


def percentage_points(delta: float, lang: str = "nl") -> str:
    """The size of a change in probability: ``8``, ``0,6`` (one decimal below 1 point).

    >>> percentage_points(0.08), percentage_points(-0.006), percentage_points(0.0096)
    ('8', '0,6', '1')
    """
    pp = abs(float(delta)) * 100
    return number(pp, lang, 0 if half_up(pp, 1) >= 1 else 1)


def factor_text(feature: str, value: float, delta: float, lang: str = "nl") -> str:
    """One factor: ``Reisafstand 34 km verlaagt de kans (−8 procentpunt)``.

    ``delta`` is the change in probability (0-1) this value causes against the reference.
    Only model features are reasons (a context column such as ``sroi_value_eur`` raises).

    Examples
    --------
    >>> factor_text("travel_km", 34.0, -0.08)
    'Reisafstand 34 km verlaagt de kans (−8 procentpunt)'
    >>> factor_text("travel_km", 34.0, -0.01, "en")
    'Travel distance 34 km lowers the chance (−1 percentage point)'
    """
    t = _lang(lang)
    _model_feature(feature)
    s = spec(feature)
    label = s.label_nl if lang == "nl" else s.label_en
    label = label[:1].upper() + label[1:]
    pp = percentage_points(delta, lang)
    key = "raises" if delta > 0 else "lowers"
    return t[key].format(label=label, value=format_value(feature, value, lang), pp=pp,
                         points=t["point"] if pp == "1" else t["points"])


def counterfactual_text(feature: str, old: float, new: float, lang: str = "nl") -> str:
    """A what-if sentence: ``Met het ontbrekende certificaat: 61% → 74%``.

    Examples
    --------
    >>> counterfactual_text("missing_required_certificates", 0.61, 0.74)
    'Met het ontbrekende certificaat: 61% → 74%'
    >>> counterfactual_text("support_coverage", 0.905, 0.97, "en")
    'If the employer offers the requested support: 91% → 97%'
    """
    t = _lang(lang)
    return t[f"cf_{feature}"].format(old=percent(old, lang), new=percent(new, lang))


def reasons_text(reasons: dict[str, Any], sep: str = "; ") -> str:
    """One line of the top reasons for (+) and against (−) and the counterfactuals (→)."""
    parts = [f"+ {f['text']}" for f in reasons.get("factors_for", [])]
    parts += [f"− {f['text']}" for f in reasons.get("factors_against", [])]
    parts += [f"→ {c['text']}" for c in reasons.get("counterfactuals", [])]
    return sep.join(parts)

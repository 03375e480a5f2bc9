"""Plain-language templates for score explanations, in Dutch (default) and English.

Every sentence an explanation shows is built here from a feature's label
(:mod:`features.spec`), its actual value formatted for people, and a change in percentage
points. Numbers follow the language: decimal comma and ``€ 12.500`` in Dutch.
"""

from __future__ import annotations

import math

from features.spec import spec

__all__ = ["LANGS", "TEMPLATES", "counterfactual_text", "factor_text", "format_value"]

LANGS: tuple[str, ...] = ("nl", "en")

TEMPLATES: dict[str, dict[str, str]] = {
    "nl": {
        "raises": "{label} {value} verhoogt de kans (+{pp} procentpunt)",
        "lowers": "{label} {value} verlaagt de kans (−{pp} procentpunt)",
        "unknown": "onbekend",
        "yes": "ja",
        "no": "nee",
        "km": "{x} km",
        "days": "{x} dagen",
        "months": "{x} maanden",
        "levels": "{x} niveau(s)",
        "times_reach": "{x}× het bereik",
        "eur": "€ {x}",
        "occupation_levels": "geen|zelfde hoofdgroep|zelfde subgroep|zelfde beroepsgroep|zelfde beroep",
        "cf_missing_required_certificates": "Met het ontbrekende certificaat: {old} → {new}",
        "cf_support_coverage": "Als de werkgever de gevraagde ondersteuning biedt: {old} → {new}",
        "cf_dutch_gap": "Na een taalcursus (één taalniveau hoger): {old} → {new}",
        "cf_start_delay_days": "Als de kandidaat direct beschikbaar is: {old} → {new}",
    },
    "en": {
        "raises": "{label} {value} raises the chance (+{pp} percentage points)",
        "lowers": "{label} {value} lowers the chance (−{pp} percentage points)",
        "unknown": "unknown",
        "yes": "yes",
        "no": "no",
        "km": "{x} km",
        "days": "{x} days",
        "months": "{x} months",
        "levels": "{x} level(s)",
        "times_reach": "{x}× the reach",
        "eur": "€{x}",
        "occupation_levels": "none|same major group|same sub-major group|same unit group|same occupation",
        "cf_missing_required_certificates": "With the missing certificate(s): {old} → {new}",
        "cf_support_coverage": "If the employer offers the requested support: {old} → {new}",
        "cf_dutch_gap": "After a language course (one level up): {old} → {new}",
        "cf_start_delay_days": "If the candidate is available at the start: {old} → {new}",
    },
}
"""Sentence templates and unit formats per language."""

_PERCENT = {"required_skill_coverage", "preferred_skill_coverage", "hours_fit", "support_coverage"}
_BOOL = {"within_reach", "has_startkwalificatie", "permanent_contract", "target_group_eligible"}
_GAP = {"education_gap", "dutch_gap"}


def _lang(lang: str) -> dict[str, str]:
    if lang not in TEMPLATES:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return TEMPLATES[lang]


def _number(x: float, lang: str, decimals: int = 0) -> str:
    text = f"{x:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def percent(p: float, lang: str = "nl") -> str:
    """A probability as a whole percentage (``0.614`` -> ``61%``)."""
    return f"{_number(100 * p, lang)}%"


def format_value(feature: str, value: float, lang: str = "nl") -> str:
    """A feature value as people read it (``travel_km=34.2`` -> ``34 km``).

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
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t["unknown"]
    v = float(value)
    if feature in _PERCENT:
        return percent(v, lang)
    if feature in _BOOL:
        return t["yes"] if v >= 0.5 else t["no"]
    if feature in _GAP:
        return t["levels"].format(x=f"{round(v):+d}" if v else "0")
    if feature == "occupation_match_level":
        names = t["occupation_levels"].split("|")
        return names[int(min(max(round(v), 0), len(names) - 1))]
    if feature == "travel_km":
        return t["km"].format(x=_number(v, lang))
    if feature == "reach_ratio":
        return t["times_reach"].format(x=_number(v, lang, 1))
    if feature == "start_delay_days":
        return t["days"].format(x=_number(v, lang))
    if feature == "contract_months":
        return t["months"].format(x=_number(v, lang))
    if feature == "sroi_value_eur":
        return t["eur"].format(x=_number(v, lang))
    return _number(v, lang, 0 if v == int(v) else 1)


def factor_text(feature: str, value: float, delta: float, lang: str = "nl") -> str:
    """One factor: ``Reisafstand 34 km verlaagt de kans (−8 procentpunt)``.

    ``delta`` is the change in probability (0-1) this value causes against the reference.

    Examples
    --------
    >>> factor_text("travel_km", 34.0, -0.08)
    'Reisafstand 34 km verlaagt de kans (−8 procentpunt)'
    >>> factor_text("travel_km", 34.0, -0.08, "en")
    'Travel distance 34 km lowers the chance (−8 percentage points)'
    """
    t = _lang(lang)
    s = spec(feature)
    label = s.label_nl if lang == "nl" else s.label_en
    label = label[:1].upper() + label[1:]
    pp = _number(abs(delta) * 100, lang, 0 if abs(delta) >= 0.01 else 1)
    key = "raises" if delta > 0 else "lowers"
    return t[key].format(label=label, value=format_value(feature, value, lang), pp=pp)


def counterfactual_text(feature: str, old: float, new: float, lang: str = "nl") -> str:
    """A what-if sentence: ``Met het ontbrekende certificaat: 61% → 74%``.

    Examples
    --------
    >>> counterfactual_text("missing_required_certificates", 0.61, 0.74)
    'Met het ontbrekende certificaat: 61% → 74%'
    """
    t = _lang(lang)
    return t[f"cf_{feature}"].format(old=percent(old, lang), new=percent(new, lang))

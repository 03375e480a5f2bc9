"""Plain-language templates for score explanations, and the one number formatter, in Dutch
(default) and English.

Every sentence an explanation shows is built here from a model feature's label
(:mod:`features.spec`), its actual value formatted for people, and a change in percentage
points. Numbers follow the language: decimal comma and ``€ 12.500`` in Dutch, ``€12,500`` in
English; units too (``36 u`` / ``36 h``).

**One rounding everywhere.** Every number a person reads (shortlist table, reasons, what-ifs,
near misses, JSON ``display`` strings, the assignment report) goes through :func:`number`,
and every probability or share through :func:`percent`: rounding is *half up* on the decimal
value as written (``0.905`` -> ``91%``, ``0.125`` -> ``13%``, ``1.25`` -> ``1,3``), never
Python's half-to-even on the binary float (which shows ``0.905`` as 90% in one place and 91% in
another). A probability is first taken at the 4 decimals it is stored with
(:func:`round_probability`, the JSON ``score``), so the JSON score and every text agree.

Only model inputs (``features.spec.FEATURE_NAMES``) are ever a reason: the SROI value and
target-group eligibility are context columns, shown as values, never as "raises the chance".
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from features.spec import FEATURE_INDEX, spec

__all__ = [
    "LANGS", "TEMPLATES", "counterfactual_text", "eur", "factor_text", "format_value", "hours",
    "km", "number", "percent", "percent_units", "percentage_points", "probability_pct",
    "round_probability",
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
        "km": "{x} km",
        "hours": "{x} u",
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
        "km": "{x} km",
        "hours": "{x} h",
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
        "cf_required_skill_coverage": "With all required skills: {old} → {new}",
    },
}
"""Sentence templates and unit formats per language."""

_PERCENT = {"required_skill_coverage", "preferred_skill_coverage", "hours_fit", "support_coverage"}
_BOOL = {"within_reach", "has_startkwalificatie", "permanent_contract"}
_GAP = {"education_gap", "dutch_gap"}

_NOISE = Decimal("1e-9")
"""Binary float noise is dropped at this precision first (``100 * 0.145`` is
``14.499999999999998``, which is 14.5)."""
PROBABILITY_DECIMALS = 4
"""A probability is stored (JSON ``score``) and shown from this many decimals."""


def _lang(lang: str) -> dict[str, str]:
    if lang not in TEMPLATES:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return TEMPLATES[lang]


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def _decimal(x: float | Decimal) -> Decimal:
    """The decimal value of ``x`` as written (shortest repr), without binary noise."""
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    return d.quantize(_NOISE) if d.adjusted() < 18 else d


def _half_up(x: float | Decimal, decimals: int) -> Decimal:
    return _decimal(x).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _format(d: Decimal, lang: str, decimals: int) -> str:
    if d == 0:
        d = abs(d)  # never "-0"
    text = f"{d:,.{decimals}f}"
    if lang == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def number(x: float, lang: str = "nl", decimals: int = 0) -> str:
    """A number as people read it: rounded half up, thousands grouped, comma decimal in Dutch.

    Examples
    --------
    >>> number(1234.5, "nl", 1), number(1234.5, "en", 1), number(2.5), number(-0.2)
    ('1.234,5', '1,234.5', '3', '0')
    """
    _lang(lang)
    return _format(_half_up(x, decimals), lang, decimals)


def round_probability(p: float) -> float:
    """A probability at its stored precision (4 decimals, half up): the JSON ``score``.

    >>> round_probability(0.90495), round_probability(0.125)
    (0.905, 0.125)
    """
    return float(_half_up(p, PROBABILITY_DECIMALS))


def _pct(p: float, decimals: int) -> Decimal:
    pct = _half_up(p, max(PROBABILITY_DECIMALS, decimals + 2)) * 100
    return pct.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def probability_pct(p: float) -> float:
    """A probability in percent at its stored precision (``0.90495`` -> ``90.5``)."""
    return float(_pct(p, PROBABILITY_DECIMALS - 2))


def percent(p: float, lang: str = "nl", decimals: int = 0) -> str:
    """A probability or share (0-1) as a percentage: the one formatter for every place.

    Half up from the 4-decimal probability (see the module notes), so ``0.905`` reads 91% and
    ``0.125`` reads 13% in the table, the reasons, the what-ifs, the near misses, the JSON
    ``display`` strings and the assignment report alike.

    Examples
    --------
    >>> percent(0.905), percent(0.125, "en"), percent(0.614), percent(0.0625, "nl", 1)
    ('91%', '13%', '61%', '6,3%')
    """
    _lang(lang)
    if _missing(p):
        return "–"
    return f"{_format(_pct(float(p), decimals), lang, decimals)}%"


def percent_units(value: float, lang: str = "nl", decimals: int = 0) -> str:
    """A value already in percent units (``90.5`` -> ``91%``), rounded like :func:`percent`.

    >>> percent_units(100 * 0.145), percent_units(12.34, "nl", 1)
    ('15%', '12,3%')
    """
    _lang(lang)
    if _missing(value):
        return "–"
    d = _half_up(value, max(PROBABILITY_DECIMALS - 2, decimals))
    return f"{_format(_half_up(d, decimals), lang, decimals)}%"


def eur(value: float, lang: str = "nl") -> str:
    """Whole euros: ``€ 12.500`` (nl), ``€12,500`` (en); an en dash when unknown.

    >>> eur(12500), eur(12500, "en"), eur(None)
    ('€ 12.500', '€12,500', '–')
    """
    t = _lang(lang)
    if _missing(value):
        return "–"
    v = float(value)
    text = t["eur"].format(x=number(abs(v), lang))
    if _half_up(v, 0) >= 0:
        return text
    return "-" + text if lang == "en" else text.replace("€ ", "€ -")


def km(value: float, lang: str = "nl", decimals: int = 0) -> str:
    """A distance: ``34 km``, ``13,0 km`` (nl) / ``13.0 km`` (en)."""
    t = _lang(lang)
    return "–" if _missing(value) else t["km"].format(x=number(value, lang, decimals))


def hours(value: float, lang: str = "nl", of: float | None = None) -> str:
    """Hours per week with the unit of the language: ``36 u`` / ``36 h``; ``36/20 u`` with
    ``of`` (candidate / vacancy).

    >>> hours(36, "nl", 20), hours(36, "en", 20), hours(32.5, "en")
    ('36/20 u', '36/20 h', '32.5 h')
    """
    t = _lang(lang)

    def one(x: float | None) -> str:
        if _missing(x):
            return "–"
        return number(x, lang, 0 if float(x) == int(float(x)) else 1)

    shown = one(value) if of is None else f"{one(value)}/{one(of)}"
    return t["hours"].format(x=shown)


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
    if _missing(value):
        return t["unknown"]
    v = float(value)
    if feature in _PERCENT:
        return percent(v, lang)
    if feature in _BOOL:
        return t["yes"] if v >= 0.5 else t["no"]
    if feature in _GAP:
        steps = int(_half_up(v, 0))
        return t["levels"].format(x=f"{steps:+d}" if steps else "0")
    if feature == "occupation_match_level":
        names = t["occupation_levels"].split("|")
        return names[int(min(max(int(_half_up(v, 0)), 0), len(names) - 1))]
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
    return number(pp, lang, 0 if _half_up(pp, 1) >= 1 else 1)


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

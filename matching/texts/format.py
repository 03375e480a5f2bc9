"""The one formatter for numbers, percentages, euros, distances, hours and dates people read,
in Dutch (default) and English, built on Babel.

Every report, Excel sheet, chart label and explanation text formats its numbers here, so the
same quantity reads the same everywhere: decimal comma and ``€ 12.500`` in Dutch (``nl_NL``),
decimal point and ``€12,500`` in English (``en_GB``); ``13,0 km`` / ``13.0 km``, ``36 u`` /
``36 h``, ``91%`` in both.

**One rounding.** Rounding is *half up* on the decimal value as written (``0.905`` -> ``91%``,
``0.125`` -> ``13%``, ``1.25`` -> ``1,3``), never Python's (or Babel's default) half-to-even on
the binary float, which shows ``0.905`` as 90%. Values are first read as the shortest decimal
that round-trips (``repr``) with binary noise below ``1e-9`` dropped (``100 * 0.145`` is
``14.499999999999998``, which is 14.5), then quantized half up; Babel only adds the separators,
signs and symbols of the locale (it receives values that need no further rounding, and rounds
half up as well should it ever have to). A probability is first taken at the 4 decimals it is
stored with (:func:`round_probability`, the JSON ``score``), so the JSON score and every text
agree. A value that rounds to zero never shows a minus sign.

Unknown values (``None``, NaN, ``pd.NA``) read as an en dash ``–``.

Examples
--------
>>> number(1234.5, "nl", 1), number(1234.5, "en", 1), percent(0.905), eur(-12500, "nl")
('1.234,5', '1,234.5', '91%', '€ -12.500')
>>> Formatter("en").eur(12500), Formatter("en").km(13, 1), date("2026-11-01", "nl", "long")
('€12,500', '13.0 km', '1 november 2026')
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

__all__ = [
    "DASH", "LANGS", "LOCALES", "PROBABILITY_DECIMALS", "Formatter", "date", "eur", "half_up",
    "hours", "is_missing", "km", "locale", "metric", "number", "percent", "percent_units",
    "probability_pct", "round_probability",
]

LANGS: tuple[str, ...] = ("nl", "en")
LOCALES: dict[str, str] = {"nl": "nl_NL", "en": "en_GB"}
"""The Babel locale of each language: ``en_GB`` writes ``€12,500`` and ``1 November 2026``."""
DASH = "–"
"""What an unknown value reads as."""
PROBABILITY_DECIMALS = 4
"""A probability is stored (JSON ``score``) and shown from this many decimals."""

_NOISE = Decimal("1e-9")
_EUR_PATTERN = {"nl": "¤ #,##0;¤ -#,##0", "en": "¤#,##0"}
"""Whole euros; explicit patterns keep a plain space in Dutch (CLDR has a no-break space)."""
_UNITS = {
    "nl": {"km": "{x} km", "hours": "{x} u"},
    "en": {"km": "{x} km", "hours": "{x} h"},
}
_DATE_STYLES = {"iso": "yyyy-MM-dd", "short": "short", "medium": "medium", "long": "long"}


def locale(lang: str) -> str:
    """The Babel locale of ``lang`` (``nl`` -> ``nl_NL``); any other language is an error."""
    try:
        return LOCALES[lang]
    except (KeyError, TypeError):
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}") from None


def is_missing(x: Any) -> bool:
    """Whether ``x`` is unknown: ``None``, NaN, ``pd.NA``/``NaT``, infinite or not a number."""
    if x is None:
        return True
    try:
        if pd.isna(x) is True:
            return True
    except (TypeError, ValueError):
        pass
    if isinstance(x, Decimal):
        return not x.is_finite()
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def _decimal(x: float | Decimal) -> Decimal:
    """The decimal value of ``x`` as written (shortest repr), without binary noise."""
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    return d.quantize(_NOISE) if d.adjusted() < 18 else d


def half_up(x: float | Decimal, decimals: int) -> Decimal:
    """``x`` rounded half up to ``decimals`` places, as a :class:`~decimal.Decimal`.

    >>> str(half_up(0.125, 2)), str(half_up(100 * 0.145, 0)), str(half_up(-2.5, 0))
    ('0.13', '15', '-3')
    """
    return _decimal(x).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _pattern(decimals: int, suffix: str = "") -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + suffix


def _signed(d: Decimal, text: str, sign: bool) -> str:
    return "+" + text if sign and d > 0 else text


def _babel_number(d: Decimal, lang: str, decimals: int, sign: bool = False) -> str:
    if d == 0:
        d = abs(d)  # never "-0"
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP
        ctx.prec = max(ctx.prec, d.adjusted() + decimals + 2)
        text = format_decimal(d, format=_pattern(decimals), locale=locale(lang))
    return _signed(d, text, sign)


def _babel_percent(pct: Decimal, lang: str, decimals: int, sign: bool = False) -> str:
    """``pct`` is in percent units and already rounded to ``decimals``."""
    if pct == 0:
        pct = abs(pct)
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP
        text = format_percent(pct.scaleb(-2), format=_pattern(decimals, "%"), locale=locale(lang))
    return _signed(pct, text, sign)


def number(x: Any, lang: str = "nl", decimals: int = 0, *, sign: bool = False) -> str:
    """A number as people read it: rounded half up, thousands grouped, comma decimal in Dutch.

    ``sign=True`` writes a ``+`` before a value that is positive after rounding.

    Examples
    --------
    >>> number(1234.5, "nl", 1), number(1234.5, "en", 1), number(2.5), number(-0.2)
    ('1.234,5', '1,234.5', '3', '0')
    >>> number(6.55, "nl", 1, sign=True), number(-1234567, "en"), number(None)
    ('+6,6', '-1,234,567', '–')
    """
    locale(lang)
    if is_missing(x):
        return DASH
    return _babel_number(half_up(x, decimals), lang, decimals, sign)


def round_probability(p: float) -> float:
    """A probability at its stored precision (4 decimals, half up): the JSON ``score``.

    >>> round_probability(0.90495), round_probability(0.125)
    (0.905, 0.125)
    """
    return float(half_up(p, PROBABILITY_DECIMALS))


def _pct(p: float, decimals: int) -> Decimal:
    pct = half_up(p, max(PROBABILITY_DECIMALS, decimals + 2)) * 100
    return pct.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def probability_pct(p: float) -> float:
    """A probability in percent at its stored precision (``0.90495`` -> ``90.5``)."""
    return float(_pct(p, PROBABILITY_DECIMALS - 2))


def percent(p: Any, lang: str = "nl", decimals: int = 0, *, sign: bool = False) -> str:
    """A probability or share (0-1) as a percentage: the one percentage of every place.

    Half up from the 4-decimal probability, so ``0.905`` reads 91% and ``0.125`` reads 13% in
    the shortlist table, the reasons, the what-ifs, the near misses, the JSON ``display``
    strings and the assignment report alike.

    Examples
    --------
    >>> percent(0.905), percent(0.125, "en"), percent(0.614), percent(0.0625, "nl", 1)
    ('91%', '13%', '61%', '6,3%')
    """
    locale(lang)
    if is_missing(p):
        return DASH
    return _babel_percent(_pct(float(p), decimals), lang, decimals, sign)


def percent_units(value: Any, lang: str = "nl", decimals: int = 0, *, sign: bool = False) -> str:
    """A value already in percent units (``90.5`` -> ``91%``), rounded like :func:`percent`.

    >>> percent_units(100 * 0.145), percent_units(12.34, "nl", 1), percent_units(3.21, "en", 1, sign=True)
    ('15%', '12,3%', '+3.2%')
    """
    locale(lang)
    if is_missing(value):
        return DASH
    d = half_up(value, max(PROBABILITY_DECIMALS - 2, decimals))
    return _babel_percent(half_up(d, decimals), lang, decimals, sign)


def eur(value: Any, lang: str = "nl") -> str:
    """Whole euros: ``€ 12.500`` / ``€ -12.500`` (nl), ``€12,500`` / ``-€12,500`` (en).

    >>> eur(12500), eur(12500, "en"), eur(-12500, "en"), eur(-0.4), eur(None)
    ('€ 12.500', '€12,500', '-€12,500', '€ 0', '–')
    """
    locale(lang)
    if is_missing(value):
        return DASH
    d = half_up(value, 0)
    if d == 0:
        d = abs(d)
    return format_currency(d, "EUR", format=_EUR_PATTERN[lang], locale=locale(lang),
                           currency_digits=False)


def km(value: Any, lang: str = "nl", decimals: int = 0) -> str:
    """A distance: ``34 km``, ``13,0 km`` (nl) / ``13.0 km`` (en).

    >>> km(34.2), km(13, "nl", 1), km(13, "en", 1)
    ('34 km', '13,0 km', '13.0 km')
    """
    locale(lang)
    return DASH if is_missing(value) else _UNITS[lang]["km"].format(x=number(value, lang, decimals))


def hours(value: Any, lang: str = "nl", of: Any = None) -> str:
    """Hours per week with the unit of the language: ``36 u`` / ``36 h``; ``36/20 u`` with
    ``of`` (candidate / vacancy). Whole hours without decimals, others with one.

    >>> hours(36, "nl", 20), hours(36, "en", 20), hours(32.5, "en"), hours(32.5, "nl")
    ('36/20 u', '36/20 h', '32.5 h', '32,5 u')
    """
    locale(lang)

    def one(x: Any) -> str:
        if is_missing(x):
            return DASH
        return number(x, lang, 0 if float(x) == int(float(x)) else 1)

    shown = one(value) if of is None else f"{one(value)}/{one(of)}"
    return _UNITS[lang]["hours"].format(x=shown)


def date(value: Any, lang: str = "nl", style: str = "iso") -> str:
    """A calendar date: ``iso`` (``2026-11-01``, the same in both languages), or Babel's
    ``short``/``medium``/``long`` style of the language (``1 november 2026`` /
    ``1 November 2026``). A time of day is dropped; unknown dates read ``–``.

    >>> date("2026-11-01T00:00:00"), date("2026-11-01", "en", "long")
    ('2026-11-01', '1 November 2026')
    """
    locale(lang)
    if style not in _DATE_STYLES:
        raise ValueError(f"style must be one of {tuple(_DATE_STYLES)}, got {style!r}")
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return DASH
    if isinstance(value, _dt.datetime):
        day = value.date()
    elif isinstance(value, _dt.date):
        day = value
    else:
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            return DASH
        day = stamp.date()
    return format_date(day, format=_DATE_STYLES[style], locale=locale(lang))


def metric(value: Any, lang: str = "nl", decimals: int = 3) -> str:
    """A model-quality statistic (ROC AUC, ECE, PSI, a count): whole numbers of at least 1
    without decimals, other values with ``decimals``; anything not a number as text.

    >>> metric(0.8374), metric(0.0625, "en"), metric(6000), metric(6000.0, "en"), metric(None)
    ('0,837', '0.063', '6.000', '6,000', '–')
    """
    locale(lang)
    if isinstance(value, (bool, str)):
        return str(value)
    if is_missing(value):
        return DASH
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    whole = v.is_integer() and (abs(v) >= 1 or not isinstance(value, float))
    return number(v, lang, 0 if whole else decimals)


@dataclass(frozen=True)
class Formatter:
    """The formatters of one language, for code that formats many values at once.

    >>> f = Formatter("nl")
    >>> f.number(1234.5, 1), f.percent(0.905), f.eur(12500), f.hours(36, of=20)
    ('1.234,5', '91%', '€ 12.500', '36/20 u')
    """

    lang: str = "nl"

    def __post_init__(self) -> None:
        locale(self.lang)

    def number(self, x: Any, decimals: int = 0, *, sign: bool = False) -> str:
        """See :func:`number`."""
        return number(x, self.lang, decimals, sign=sign)

    def percent(self, p: Any, decimals: int = 0, *, sign: bool = False) -> str:
        """See :func:`percent`."""
        return percent(p, self.lang, decimals, sign=sign)

    def percent_units(self, value: Any, decimals: int = 0, *, sign: bool = False) -> str:
        """See :func:`percent_units`."""
        return percent_units(value, self.lang, decimals, sign=sign)

    def eur(self, value: Any) -> str:
        """See :func:`eur`."""
        return eur(value, self.lang)

    def km(self, value: Any, decimals: int = 0) -> str:
        """See :func:`km`."""
        return km(value, self.lang, decimals)

    def hours(self, value: Any, of: Any = None) -> str:
        """See :func:`hours`."""
        return hours(value, self.lang, of)

    def date(self, value: Any, style: str = "iso") -> str:
        """See :func:`date`."""
        return date(value, self.lang, style)

    def metric(self, value: Any, decimals: int = 3) -> str:
        """See :func:`metric`."""
        return metric(value, self.lang, decimals)

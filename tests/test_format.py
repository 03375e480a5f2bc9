"""The one formatter (matching.texts.format): numbers, percentages, euros, distances, hours,
dates and model statistics in Dutch and English, rounded half up, built on Babel; and that every
module formatting numbers for people goes through it."""

from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from babel.numbers import format_decimal, format_percent
from hypothesis import given
from hypothesis import strategies as st

import matching
from matching.reports.assign_texts import fmt_eur, fmt_number, fmt_pct
from matching.reports.model_report import importance_notes, render_model_card
from matching.texts import format as fmt
from matching.texts import phrases
from matching.texts.i18n import text

PACKAGE = Path(matching.__file__).parent

# p -> how it reads, and what Python's format() and Babel's default (half even on the binary
# float) print instead (None: they happen to agree).
HALF_WAY = {0.905: ("91%", "90%"), 0.125: ("13%", "12%"), 0.145: ("15%", "14%"),
            0.615: ("62%", None), 0.005: ("1%", "0%"), 0.995: ("100%", None),
            0.0: ("0%", None), 1.0: ("100%", None)}


# --------------------------------------------------------------------------- numbers
def test_numbers_nl_and_en() -> None:
    assert fmt.number(1234.5, "nl", 1) == "1.234,5" and fmt.number(1234.5, "en", 1) == "1,234.5"
    assert fmt.number(1234567) == "1.234.567" and fmt.number(1234567, "en") == "1,234,567"
    assert fmt.number(-1234.56, "nl", 1) == "-1.234,6" and fmt.number(-1234.56, "en", 1) == "-1,234.6"
    assert fmt.number(0.125, "en", 2) == "0.13" and fmt.number(0.125, "nl", 2) == "0,13"
    assert fmt.number(2.5) == "3" and fmt.number(3.5) == "4" and fmt.number(-2.5) == "-3"
    assert fmt.number(1.25, "nl", 1) == "1,3" and fmt.number(1.005, "en", 2) == "1.01"
    assert fmt.number(12, "nl", 2) == "12,00"


def test_zero_never_has_a_minus_and_sign_is_after_rounding() -> None:
    for lang in ("nl", "en"):
        assert fmt.number(-0.2, lang) == "0" and fmt.number(-0.04, lang, 1) in ("0,0", "0.0")
        assert fmt.number(-0.0, lang) == "0"
        assert fmt.number(0.04, lang, 1, sign=True) in ("0,0", "0.0")  # no "+0,0"
    assert fmt.number(6.55, "nl", 1, sign=True) == "+6,6"
    assert fmt.number(-6.55, "en", 1, sign=True) == "-6.6"
    assert fmt.number(100 * 0.066, "en", 1, sign=True) == "+6.6"


@pytest.mark.parametrize("missing", [None, float("nan"), float("inf"), pd.NA, pd.NaT, "x"])
def test_unknown_values_read_as_a_dash(missing) -> None:
    for lang in ("nl", "en"):
        for shown in (fmt.number(missing, lang), fmt.percent(missing, lang),
                      fmt.percent_units(missing, lang), fmt.eur(missing, lang),
                      fmt.km(missing, lang)):
            assert shown == "–"
        if not isinstance(missing, str):  # metric() shows text as it is
            assert fmt.metric(missing, lang) == "–"
    assert fmt.hours(missing, "nl") == "– u"


def test_an_unknown_language_is_an_error() -> None:
    for call in (lambda: fmt.number(1, "fr"), lambda: fmt.percent(0.5, "de"),
                 lambda: fmt.eur(1, "nl_NL"), lambda: fmt.date("2026-01-01", "fr"),
                 lambda: fmt.Formatter("fr")):
        with pytest.raises(ValueError, match="lang"):
            call()
    assert fmt.locale("nl") == "nl_NL" and fmt.locale("en") == "en_GB"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False,
                   allow_infinity=False), st.sampled_from(["nl", "en"]))
def test_separators_are_babels(value: Decimal, lang: str) -> None:
    # a value with exactly the shown decimals needs no rounding: the text is Babel's
    expected = format_decimal(value if value != 0 else abs(value), format="#,##0.00",
                              locale=fmt.locale(lang))
    assert fmt.number(value, lang, 2) == expected
    assert fmt.number(float(value), lang, 2) == expected


@given(st.integers(min_value=-10**6, max_value=10**6), st.sampled_from(["nl", "en"]))
def test_rounding_is_half_up_on_the_decimal_as_written(k: int, lang: str) -> None:
    x = k / 2  # every odd k is a tie at 0 decimals
    expected = Decimal(k) / 2
    expected = expected.to_integral_value(rounding="ROUND_HALF_UP")
    assert fmt.number(x, lang).replace(".", "").replace(",", "") == str(expected if expected else 0)


# --------------------------------------------------------------------------- percentages
@pytest.mark.parametrize(("p", "shown"), [(p, s[0]) for p, s in sorted(HALF_WAY.items())])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_percent_half_up_in_every_place_that_prints_it(p, shown, lang) -> None:
    assert fmt.percent(p, lang) == shown  # shortlist table, reasons, JSON display
    assert fmt_pct(100 * p, lang, 0) == shown  # assignment report (percent units)
    assert fmt.percent_units(100 * p, lang) == shown
    assert phrases.counterfactual_text("support_coverage", p, 1.0, lang).endswith(
        f"{shown} → 100%")  # what-if sentences
    assert f"({shown})" in text("unassigned_taken", lang, vacancy="V1",
                                pct=fmt.percent(p, lang))  # unassigned candidates file
    assert fmt.percent(fmt.round_probability(p), lang) == shown  # JSON score reads the same
    assert fmt.Formatter(lang).percent(p) == shown


def test_half_even_readings_are_gone() -> None:
    for p, (shown, wrong) in HALF_WAY.items():
        if wrong is not None:
            assert f"{p:.0%}" == wrong  # what a plain format spec prints
            assert format_percent(p, locale="nl_NL") == wrong  # Babel without rounding control
            assert fmt.percent(p) == shown != wrong


def test_percent_decimals_and_sign() -> None:
    assert fmt.percent(0.0625, "nl", 1) == "6,3%" and fmt.percent(0.0625, "en", 1) == "6.3%"
    assert fmt.percent(0.90495) == "91%" and fmt.probability_pct(0.90495) == 90.5
    assert fmt.round_probability(0.90495) == 0.905
    assert fmt.percent(12.5, "nl") == "1.250%" and fmt.percent(12.5, "en") == "1,250%"
    assert fmt.percent(-0.004) == "0%" and fmt.percent(-0.125, "en") == "-13%"
    assert fmt_pct(3.21, "nl", 1, sign=True) == "+3,2%"
    assert fmt_pct(0.0, "en", 1, sign=True) == "0.0%" and fmt_pct(-0.04, "en", 1, sign=True) == "0.0%"
    assert fmt_pct(29.14, "en", 1, sign=True) == "+29.1%"
    # percent units are first taken at 2 decimals (a 4-decimal probability), as a probability
    assert fmt_pct(29.149, "en", 1) == fmt.percent(0.29149, "en", 1) == "29.2%"
    assert fmt.percent_units(100 * 0.145) == "15%" and fmt.percent_units(12.34, "nl", 1) == "12,3%"


# --------------------------------------------------------------------------- euros
def test_euros_nl_and_en() -> None:
    assert fmt.eur(12500) == "€ 12.500" and fmt.eur(12500, "en") == "€12,500"
    assert fmt.eur(-12500) == "€ -12.500" and fmt.eur(-12500, "en") == "-€12,500"
    assert fmt.eur(0) == "€ 0" and fmt.eur(0, "en") == "€0"
    assert fmt.eur(-0.4) == "€ 0" and fmt.eur(-0.4, "en") == "€0"  # never "€ -0"
    assert fmt.eur(-0.5) == "€ -1" and fmt.eur(-0.5, "en") == "-€1"  # half up (away from 0)
    assert fmt.eur(2.5, "en") == "€3" and fmt.eur(12500.5) == "€ 12.501"
    assert fmt.eur(1_234_567_890) == "€ 1.234.567.890"
    assert fmt.eur(1_234_567_890, "en") == "€1,234,567,890"
    assert fmt_eur(-12.6, "en") == "-€13" and fmt_eur(None, "nl") == "–"
    for lang in ("nl", "en"):
        assert "\xa0" not in fmt.eur(12500, lang)  # a plain space, as in the CSV and HTML


# --------------------------------------------------------------------------- units
def test_km_and_hours() -> None:
    assert fmt.km(34.2) == "34 km" and fmt.km(13, "nl", 1) == "13,0 km"
    assert fmt.km(13, "en", 1) == "13.0 km" and fmt.km(1234.56, "nl", 1) == "1.234,6 km"
    assert fmt.km(0.05, "en", 1) == "0.1 km" and fmt.km(-0.04, "nl", 1) == "0,0 km"
    assert fmt.hours(36, "nl", of=20) == "36/20 u" and fmt.hours(36, "en", of=20) == "36/20 h"
    assert fmt.hours(32.5, "nl") == "32,5 u" and fmt.hours(32.5, "en") == "32.5 h"
    assert fmt.hours(36, "en", of=None) == "36 h" and fmt.hours(None, "en", of=20) == "–/20 h"


# --------------------------------------------------------------------------- dates
def test_dates_nl_and_en() -> None:
    for value in ("2026-11-01", "2026-11-01T00:00:00", pd.Timestamp("2026-11-01 13:45"),
                  dt.date(2026, 11, 1), dt.datetime(2026, 11, 1, 8, 30)):
        assert fmt.date(value, "nl") == fmt.date(value, "en") == "2026-11-01"
        assert fmt.date(value, "nl", "long") == "1 november 2026"
        assert fmt.date(value, "en", "long") == "1 November 2026"
    assert fmt.date(dt.date(2026, 3, 5), "nl", "short") == "05-03-2026"
    assert fmt.date(dt.date(2026, 3, 5), "en", "short") == "05/03/2026"
    assert fmt.date(None) == fmt.date(pd.NaT, "en") == fmt.date(float("nan")) == "–"
    with pytest.raises(ValueError, match="style"):
        fmt.date("2026-11-01", "nl", "full-ish")


# --------------------------------------------------------------------------- statistics
def test_metrics_follow_the_language_and_round_half_up() -> None:
    assert fmt.metric(0.8374) == "0,837" and fmt.metric(0.8374, "en") == "0.837"
    assert fmt.metric(0.0625, "en") == "0.063"  # format(0.0625, ".3f") gives 0.062
    assert fmt.metric(0.0) == "0,000" and fmt.metric(0) == "0"
    assert fmt.metric(6000) == "6.000" and fmt.metric(6000.0, "en") == "6,000"
    assert fmt.metric("?") == "?" and fmt.metric(True) == "True" and fmt.metric(None) == "–"


def _metadata() -> dict:
    return {
        "version": "v1", "as_of": "2026-11-01T00:00:00",
        "metrics": {"model": {"roc_auc": 0.8375, "ece": 0.0625}},
        "counts": {"placements_total": 6000, "censored": 1253, "train": 2758, "test": 1097,
                   "final": 4377},
        "parameters": {"horizon_months": 6},
        "fairness": {"warnings": [], "table": [
            {"evaluated": True, "attribute": "age_band", "group": "55+", "n": 1200,
             "gap": -0.0853, "gap_low": -0.125, "gap_high": 0.0449}]},
        "importance": {"travel_km": 0.0625, "required_skill_coverage": 0.0015},
    }


def test_the_model_card_formats_through_the_one_formatter() -> None:
    nl, en = render_model_card(_metadata(), "nl"), render_model_card(_metadata(), "en")
    assert "| roc_auc | 0,838 |" in nl and "| roc_auc | 0.838 |" in en  # 0.8375 half up
    assert "| ece | 0,063 |" in nl and "| ece | 0.063 |" in en
    assert "peildatum 2026-11-01:" in nl and "up to 2026-11-01:" in en  # no T00:00:00
    assert "6.000 plaatsingen" in nl and "6,000 placements" in en
    assert "55+ (n = 1.200): score -8,5 procentpunt" in nl
    assert "95%-interval [-12,5; +4,5]" in nl  # a semicolon between Dutch decimals
    assert "55+ (n = 1,200): score -8.5 points" in en and "interval [-12.5, +4.5]" in en
    assert "permutatie-belang 0,002 tegen 0,063 voor" in nl
    assert "permutation importance 0.002 against 0.063 for" in en
    assert importance_notes(_metadata()["importance"], "en")[0] in en


# --------------------------------------------------------------------------- one formatter
def test_phrases_and_the_report_delegate_to_format() -> None:
    for name in ("number", "percent", "percent_units", "eur", "km", "hours", "probability_pct",
                 "round_probability"):
        assert getattr(phrases, name) is getattr(fmt, name), name
    assert fmt_number(1234.5, "nl", 1) == fmt.number(1234.5, "nl", 1)
    f = fmt.Formatter("en")
    assert (f.number(1234.5, 1), f.eur(-5), f.km(3, 1), f.hours(36, 20), f.date("2026-11-01"),
            f.metric(0.5), f.percent_units(90.5)) == (
        "1,234.5", "-€5", "3.0 km", "36/20 h", "2026-11-01", "0.500", "91%")


# A number formatted by hand: a format spec with grouping, a precision or a number type
# (``{p:.0%}``, ``{v:,.0f}``, ``{x:+.1f}``, ``{n:d}``), a builtin ``format(x, ".3f")``, or
# swapping separators (``str.maketrans(",.", ".,")``).
_SPEC = re.compile(r"[,_]|\.\d|[bdeEfFgGn%]$")
_TEMPLATE_SPEC = re.compile(r"\{[A-Za-z_][\w.\[\]'\"]*(?:![rsa])?:[^{}]*(?:[,_]|\.\d|[bdeEfFgGn%])\}")
_PEOPLE_MODULES = [
    *sorted((PACKAGE / "texts").glob("*.py")),
    *sorted((PACKAGE / "reports").glob("*.py")),
    PACKAGE / "model" / "explain.py",
]


def _hand_formatting(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(v.value for v in node.format_spec.values
                           if isinstance(v, ast.Constant))
            if _SPEC.search(spec):
                found.append(f"{path.name}:{node.lineno} f-string spec {spec!r}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in _TEMPLATE_SPEC.finditer(node.value):
                found.append(f"{path.name}:{node.lineno} template {match.group()!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if (name == "format" and isinstance(node.func, ast.Name)) or name == "maketrans":
                found.append(f"{path.name}:{node.lineno} {name}(...)")
    return found


def test_the_hand_formatting_check_finds_what_it_should() -> None:
    sample = ('x = f"{p:.0%} {v:,.0f} {d:+.1f} {name:>10} {n}"\n'
              'T = {"a": "{value:.3f} and {n}", "b": "{x:,}"}\n'
              's = format(0.5, ".1f")\n'
              't = "1,5".translate(str.maketrans(",.", ".,"))\n')
    path = Path(__file__).with_name("_hand_formatting_sample.py")
    try:
        path.write_text(sample, encoding="utf-8")
        found = _hand_formatting(path)
    finally:
        path.unlink()
    assert len(found) == 7, found  # three specs, two templates, format(), maketrans()
    assert not any("'>10'" in f or "{n}" in f for f in found)


@pytest.mark.parametrize("path", [p for p in _PEOPLE_MODULES if p.name != "format.py"],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_hand_written_number_formatting_outside_format_py(path: Path) -> None:
    assert _hand_formatting(path) == []


def test_the_modules_that_format_numbers_import_the_formatter() -> None:
    for module in ("texts/phrases.py", "reports/assign_texts.py", "reports/model_report.py"):
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        names = {(node.module, a.name) for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) for a in node.names}
        assert "matching.texts.format" in imported or ("matching.texts", "format") in names, module
    source = (PACKAGE / "texts" / "format.py").read_text(encoding="utf-8")
    assert "from babel.numbers import" in source and "from babel.dates import" in source

"""The one number formatter (matching.texts.phrases) and the labels people read (matching.texts.i18n.label).

Every place a person reads a probability — shortlist table, reasons, what-ifs, near misses,
JSON ``display`` strings, the assignment report — must show the same number for the same
value, in the language's units, and never a raw code.
"""

from __future__ import annotations

import json
import re

import pytest

from features.spec import CONTEXT_NAMES, FEATURE_NAMES
from matching.cli.render import write_shortlist
from matching.data import reference
from matching.data.schema import MOBILITY, SUPPORT_NEEDS
from matching.reports.assign_texts import fmt_eur, fmt_number, fmt_pct
from matching.texts.i18n import LABELS, label, labels
from matching.texts.phrases import (
    counterfactual_text,
    eur,
    factor_text,
    format_value,
    hours,
    number,
    percent,
    percent_units,
    percentage_points,
    probability_pct,
    round_probability,
)
from matching.workflows.shortlist import ShortlistResult, near_miss_detail, row_display
from matching.workflows.shortlist_result import ShortlistRow, VacancySubject

# value -> how it reads, half up: Python's round/format would give 90% / 12% for these
HALF_WAY = {0.905: "91%", 0.125: "13%", 0.145: "15%", 0.615: "62%"}


# --------------------------------------------------------------------------- rounding
@pytest.mark.parametrize(("p", "shown"), sorted(HALF_WAY.items()))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_percent_rounds_half_up(p, shown, lang) -> None:
    assert percent(p, lang) == shown
    assert percent_units(100 * p, lang) == shown  # percent units (assignment report)
    assert fmt_pct(100 * p, lang, 0) == shown
    assert percent(round_probability(p), lang) == shown  # the JSON score reads the same
    assert percent(probability_pct(p) / 100, lang) == shown


def test_stored_precision_and_decimals() -> None:
    # a probability is taken at its 4 stored decimals first, so score and text agree
    assert round_probability(0.90495) == 0.905
    assert percent(0.90495) == percent(round_probability(0.90495)) == "91%"
    assert probability_pct(0.90495) == 90.5
    assert percent(0.0625, "nl", 1) == "6,3%" and percent(0.0625, "en", 1) == "6.3%"
    assert percent(float("nan")) == percent(None) == "–"
    assert number(2.5) == "3" and number(1234.5, "nl", 1) == "1.234,5"
    assert number(1234.5, "en", 1) == "1,234.5" and number(-0.2) == "0"
    assert fmt_number(2.5, "nl") == "3" and fmt_number(0.125, "en", 2) == "0.13"
    assert percentage_points(0.125) == "13" and percentage_points(-0.0045, "nl") == "0,5"
    assert fmt_pct(3.21, "nl", 1, sign=True) == "+3,2%" and fmt_pct(0.0, "en", 1, sign=True) == "0.0%"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_same_value_reads_the_same_in_every_sentence(lang) -> None:
    for p, shown in HALF_WAY.items():
        assert counterfactual_text("support_coverage", p, 0.97, lang).endswith(f"{shown} → 97%")
        assert format_value("required_skill_coverage", p, lang) == shown
        assert row_display({"score": p}, lang)["probability"] == shown
    pp = factor_text("travel_km", 10.0, -0.125, lang)
    assert "13 " in pp and "12 " not in pp


def _row(p: float, lang: str, **extra) -> dict:
    row = {
        "rank": 1, "candidate_id": "C1", "score": round_probability(p),
        "probability_pct": probability_pct(p), "distance_km": 12.04, "travel_km": 12.04,
        "max_travel_km": 30.0, "home_municipality": "Emmen", "hours_candidate": 36.0,
        "hours_vacancy": 20.0, "required_skills_covered": [], "required_skills_missing": ["Koken"],
        "certificates_missing": [], "support_needs": labels("support", ["wage_subsidy"], lang),
        "support_missing": labels("support", ["wage_subsidy"], lang),
        "target_group": "jongere_zonder_sk", "sroi_value_eur": 12500.0, "mobility": "bike",
        "reasons": {"score": p, "lang": lang, "factors_for": [], "factors_against": [],
                    "counterfactuals": [{"feature": "support_coverage", "new_score": 0.97,
                                         "text": counterfactual_text("support_coverage", p, 0.97,
                                                                     lang)}]},
    }
    row.update(extra)
    row["display"] = row_display(row, lang)
    return row


def _result(lang: str, p: float, near_p: float) -> ShortlistResult:
    near = _row(near_p, lang, candidate_id="C2", travel_km=30.3, constraint="within_reach",
                constraint_text="x")
    near["constraint_detail"] = near_miss_detail(near, lang)
    return ShortlistResult(
        mode="vacancy", subject_id="V1", model_version="test", rank_by="probability",
        considered=2, excluded={"within_reach": 1},
        rows=[ShortlistRow.from_dict({"vacancy_id": "V1", **_row(p, lang)})],
        near_misses=[ShortlistRow.from_dict({"vacancy_id": "V1", **near})],
        subject=VacancySubject(vacancy_id="V1", title="Kok"), lang=lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("p", "near_p"), [(0.905, 0.125), (0.125, 0.905)])
def test_table_reasons_and_near_misses_show_the_same_percentage(capsys, lang, p, near_p) -> None:
    write_shortlist(_result(lang, p, near_p), "table", None)
    out = capsys.readouterr().out
    row_line = next(line for line in out.splitlines() if "C1" in line and "│" in line)
    near_line = next(line for line in out.splitlines() if "C2" in line and "│" in line)
    assert f" {HALF_WAY[p]} " in row_line, row_line
    assert f" {HALF_WAY[near_p]} " in near_line, near_line
    assert f"{HALF_WAY[p]} → 97%" in out
    for wrong in ("90%", "12%"):  # the half-to-even readings
        assert wrong not in out

    write_shortlist(_result(lang, p, near_p), "json", None)
    payload = json.loads(capsys.readouterr().out)
    assert payload["shortlist"][0]["display"]["probability"] == HALF_WAY[p]
    assert payload["near_misses"][0]["display"]["probability"] == HALF_WAY[near_p]


# --------------------------------------------------------------------------- units
def test_units_follow_the_language(capsys) -> None:
    assert hours(36, "nl", of=20) == "36/20 u" and hours(36, "en", of=20) == "36/20 h"
    assert eur(12500) == "€ 12.500" and eur(12500, "en") == "€12,500"
    assert fmt_eur(12500, "nl") == eur(12500, "nl") and fmt_eur(-12.6, "en") == "-€13"
    detail = {"constraint": "hours_compatible", "hours_candidate": 36.0, "hours_vacancy": 20.0}
    assert near_miss_detail(detail, "en") == "candidate 36 h, vacancy 20 h"
    assert near_miss_detail(detail, "nl") == "kandidaat 36 u, vacature 20 u"
    for lang, unit, other in (("en", "h", "u"), ("nl", "u", "h")):
        write_shortlist(_result(lang, 0.5, 0.4), "table", None)
        out = capsys.readouterr().out
        assert f"36/20 {unit}" in out
        assert f"36/20 {other}" not in out


def test_numbers_follow_the_language_in_the_table(capsys) -> None:
    write_shortlist(_result("nl", 0.5, 0.4), "table", None)
    nl = capsys.readouterr().out
    write_shortlist(_result("en", 0.5, 0.4), "table", None)
    en = capsys.readouterr().out
    assert "12,0 km" in nl and "€ 12.500" in nl and "12.0 km" not in nl
    assert "12.0 km" in en and "€12,500" in en and "12,0 km" not in en


# --------------------------------------------------------------------------- near misses
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_beyond_reach_never_reads_zero_km(lang) -> None:
    beyond = "buiten bereik" if lang == "nl" else "beyond reach"
    for excess in [0.0, 0.001, 0.04, 0.049, 0.05, 0.2, 0.44, 0.49, 0.499, 0.5, 1.4, 7.4]:
        detail = near_miss_detail({"constraint": "within_reach", "travel_km": 30.0 + excess,
                                   "max_travel_km": 30.0}, lang)
        assert detail.endswith(beyond), detail
        assert not re.search(r"(^|[^\d,.])0 km", detail), detail
    row = {"constraint": "within_reach", "max_travel_km": 30.0}
    assert near_miss_detail({**row, "travel_km": 30.2}, "nl") == "0,2 km buiten bereik"
    assert near_miss_detail({**row, "travel_km": 30.2}, "en") == "0.2 km beyond reach"
    assert near_miss_detail({**row, "travel_km": 30.04}, "nl") == "< 0,1 km buiten bereik"
    assert near_miss_detail({**row, "travel_km": 37.4}, "nl") == "7 km buiten bereik"
    assert near_miss_detail({**row, "travel_km": 30.4, "mobility": "bike"}, "en") == \
        "0.4 km beyond reach (bicycle, max. 30 km)"
    assert near_miss_detail({"constraint": "available_in_time", "start_delay_days": 1.0},
                            "nl") == "1 dag na de start beschikbaar"


# --------------------------------------------------------------------------- labels
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_code_has_a_label(lang) -> None:
    kinds = {"support": SUPPORT_NEEDS, "mobility": MOBILITY,
             "target_group": tuple(reference.target_groups()["code"])}
    for kind, codes in kinds.items():
        for code in codes:
            shown = label(kind, code, lang)
            assert shown and "_" not in shown, (kind, code)  # never the raw code
            if "_" in code:
                assert shown != code
    assert set(LABELS["support"]) == set(SUPPORT_NEEDS)
    assert set(LABELS["mobility"]) == set(MOBILITY)


def test_labels_are_in_the_language() -> None:
    assert label("support", "wage_subsidy", "nl") == "loonkostensubsidie"
    assert label("support", "wage_subsidy", "en") == "wage subsidy"
    assert label("support", "part_time", "nl") == "deeltijdwerk"
    assert label("target_group", "jongere_zonder_sk", "nl") == "Jongere zonder startkwalificatie"
    assert label("mobility", "public_transport", "en") == "public transport"
    assert label("target_group", "eigen_groep") == "eigen_groep"  # a project's own group
    with pytest.raises(ValueError, match="lang"):
        label("support", "jobcoach", "fr")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_raw_codes_in_what_people_read(capsys, lang) -> None:
    codes = set(SUPPORT_NEEDS) | set(MOBILITY) - {"none", "car"} | {"jongere_zonder_sk"}
    write_shortlist(_result(lang, 0.5, 0.4), "table", None)
    out = capsys.readouterr().out
    for code in codes:
        assert not re.search(rf"\b{code}\b", out), code
    assert ("loonkostensubsidie" if lang == "nl" else "wage subsidy") in out
    assert label("target_group", "jongere_zonder_sk", lang) in out
    shown = " ".join(row_display(_row(0.5, lang), lang).values())
    for code in codes:
        assert not re.search(rf"\b{code}\b", shown), code


# --------------------------------------------------------------------------- reasons
def test_context_columns_are_never_a_reason() -> None:
    assert set(CONTEXT_NAMES) == {"sroi_value_eur", "target_group_eligible"}
    for name in CONTEXT_NAMES:
        with pytest.raises(ValueError, match="not a model feature"):
            factor_text(name, 1.0, 0.1)
        with pytest.raises(ValueError, match="not a model feature"):
            format_value(name, 1.0)
    for name in FEATURE_NAMES:  # every model feature has a sentence in both languages
        for lang in ("nl", "en"):
            sentence = factor_text(name, 1.0, 0.05, lang)
            assert "SROI" not in sentence and "€" not in sentence

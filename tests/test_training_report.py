"""The training plan's outputs: workbook, CSV files, summary.json with hashes, report and charts.

One small plan is made from the session's generated world (its courses renamed to hostile text:
a formula that also carries a ``<script>`` tag) with the session's model, and written in Dutch
and English. Formula safety is checked as in ``tests/test_exports_safe.py``: no xlsx cell is a
formula, the text reads back as the input, and each CSV cell starts with an apostrophe.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from matching.reports.training_outputs import TRAINING_FILES, write_training_outputs
from matching.reports.training_report import CHART_FILES, alternatives_text, location_label
from matching.reports.training_texts import COLUMNS, SHEETS, TEXTS
from matching.texts import format as fmt

AS_OF = "2026-11-01"
"""The generated world's reference date (its courses start in the twelve months after it)."""
BUDGET = 20_000.0
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def hostile(course_id: str) -> str:
    return f'=HYPERLINK("http://evil.example/?{course_id}","<script>alert(1)</script>")'


@pytest.fixture(scope="module")
def run(dataset, model, settings):
    from matching.workflows.plan_training import PlanOptions, plan_training

    courses = dataset.courses.copy()
    courses["name"] = courses["course_id"].map(hostile)
    world = dataclasses.replace(dataset, courses=courses)
    result = plan_training(world, model, settings,
                           options=PlanOptions(budget_eur=BUDGET, as_of=AS_OF))
    assert len(result.enrolments) >= 2, "the plan must enrol people for these tests to mean much"
    return result


@pytest.fixture(scope="module")
def written(run, tmp_path_factory) -> dict[str, Path]:
    """The run written in Dutch (the default) and in English."""
    folders = {}
    for lang in ("nl", "en"):
        folder = tmp_path_factory.mktemp(f"plan_{lang}")
        if lang == "nl":
            write_training_outputs(run, folder)
        else:
            write_training_outputs(run, folder, lang=lang)
        folders[lang] = folder
    return folders


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _html(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- files
def test_every_file_is_written_and_listed_with_its_sha256(run, written) -> None:
    folder = written["nl"]
    names = {p.name for p in folder.iterdir()}
    assert names == {*TRAINING_FILES, "report.html", *CHART_FILES}
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    listed = {entry["name"]: entry for entry in summary["files"]}
    assert set(listed) == names - {"summary.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == _sha256(folder / name), name
        assert entry["bytes"] == (folder / name).stat().st_size, name
    for chart in CHART_FILES:
        assert (folder / chart).read_bytes().startswith(PNG_MAGIC)
    # the run's own summary, unchanged, with the files after it
    assert {k: v for k, v in summary.items() if k != "files"} == json.loads(
        json.dumps(run.summary))


def test_without_report_no_html_or_charts(run, tmp_path) -> None:
    write_training_outputs(run, tmp_path, report=False)
    assert {p.name for p in tmp_path.iterdir()} == set(TRAINING_FILES)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert {e["name"] for e in summary["files"]} == set(TRAINING_FILES) - {"summary.json"}


def test_the_same_run_gives_the_same_bytes(run, written, tmp_path) -> None:
    write_training_outputs(run, tmp_path)
    for path in written["nl"].iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_an_unknown_language_writes_nothing(run, tmp_path) -> None:
    with pytest.raises(ValueError, match="lang"):
        write_training_outputs(run, tmp_path / "out", lang="fr")
    assert not (tmp_path / "out").exists()


def test_an_empty_plan_still_gives_whole_outputs(run, tmp_path) -> None:
    empty = dataclasses.replace(run, enrolments=run.enrolments.iloc[:0],
                                orders=run.orders.iloc[:0],
                                demand_occupation=run.demand_occupation.iloc[:0],
                                budget_curve=run.budget_curve.iloc[:0])
    write_training_outputs(empty, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {*TRAINING_FILES, "report.html", *CHART_FILES}
    orders = pd.read_excel(tmp_path / "training_plan.xlsx", sheet_name=SHEETS["nl"]["orders"])
    assert orders[COLUMNS["nl"]["total_eur"]].tolist() == [0]


# --------------------------------------------------------------------------- workbook
def test_sheets_are_named_in_dutch_by_default_and_in_english_on_request(written) -> None:
    for lang in ("nl", "en"):
        book = openpyxl.load_workbook(written[lang] / "training_plan.xlsx", read_only=True)
        assert book.sheetnames == list(SHEETS[lang].values())
        book.close()
    assert SHEETS["nl"]["enrolments"] == "Inschrijvingen"
    assert SHEETS["en"]["enrolments"] == "Enrolments"


def test_sheets_have_readable_headers(run, written) -> None:
    sheets = pd.read_excel(written["nl"] / "training_plan.xlsx", sheet_name=None)
    enrolments = sheets[SHEETS["nl"]["enrolments"]]
    assert "Kandidaat (pseudoniem)" in enrolments.columns
    assert sorted(enrolments["Kandidaat (pseudoniem)"]) == sorted(run.enrolments["candidate_id"])
    occupation = sheets[SHEETS["nl"]["demand_occupation"]]
    for column in ("low", "high", "eligible_today", "filled_without_training", "filled_with_plan"):
        assert COLUMNS["nl"][column] in occupation.columns
    comparison = sheets[SHEETS["nl"]["comparison"]]
    assert comparison[COLUMNS["nl"]["method"]].tolist() == [
        TEXTS["nl"]["methods"][m] for m in ("optimal", *run.summary["baselines"])]
    curve = sheets[SHEETS["nl"]["budget_curve"]]
    assert len(curve) == len(run.budget_curve)


def test_orders_total_equals_the_money_spent(run, written) -> None:
    spent = run.summary["spent_eur"]
    assert run.orders["total_eur"].sum() == pytest.approx(spent)
    assert run.enrolments["cost_eur"].sum() == pytest.approx(spent)
    for lang in ("nl", "en"):
        orders = pd.read_excel(written[lang] / "training_plan.xlsx",
                               sheet_name=SHEETS[lang]["orders"])
        total = orders.iloc[-1]
        assert total[COLUMNS[lang]["provider"]] == TEXTS[lang]["total"]
        assert total[COLUMNS[lang]["total_eur"]] == pytest.approx(spent)
        assert total[COLUMNS[lang]["participants"]] == len(run.enrolments)
        assert orders.iloc[:-1][COLUMNS[lang]["total_eur"]].sum() == pytest.approx(spent)
    csv_orders = pd.read_csv(written["nl"] / "orders.csv", encoding="utf-8-sig")
    assert csv_orders["total_eur"].sum() == pytest.approx(spent)


# --------------------------------------------------------------------------- formula safety
def test_a_formula_in_a_course_name_stays_text_in_the_workbook(run, written) -> None:
    book = openpyxl.load_workbook(written["nl"] / "training_plan.xlsx")
    formulas = [f"{ws.title}!{c.coordinate}" for ws in book.worksheets
                for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    expected = set(run.enrolments["course"])
    assert expected and all(name.startswith("=HYPERLINK(") for name in expected)
    for sheet, header in ((SHEETS["nl"]["enrolments"], COLUMNS["nl"]["course"]),
                          (SHEETS["nl"]["orders"], COLUMNS["nl"]["course"])):
        ws = book[sheet]
        col = [c.value for c in ws[1]].index(header) + 1
        cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
        cells = [c for c in cells if c.value is not None]  # the orders' total row
        assert {c.value for c in cells} == expected, sheet
        assert all(c.data_type == "s" and c.quotePrefix for c in cells), sheet
        numbers = [c.value for c in ws[2]]
        assert any(isinstance(v, int | float) for v in numbers), "numbers stay numbers"


def test_a_formula_in_a_course_name_is_neutralised_in_the_csv_files(run, written) -> None:
    for name in ("enrolments.csv", "orders.csv"):
        text = (written["nl"] / name).read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows, name
        for row in rows:
            assert row["course"].startswith("'=HYPERLINK("), (name, row["course"])
        assert not any(line.startswith("=") for line in text.splitlines())


# --------------------------------------------------------------------------- report
def test_the_report_escapes_a_script_in_a_course_name(written) -> None:
    for lang in ("nl", "en"):
        html = _html(written[lang])
        assert "<script" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_report_loads_nothing_from_outside(written) -> None:
    html = _html(written["nl"])
    assert "http://" not in html.replace("http://evil.example", "")  # only the hostile text
    assert "https://" not in html
    for chart in CHART_FILES:
        assert f'src="{chart}"' in html


def test_the_headline_is_formatted_in_dutch(run, written) -> None:
    html = _html(written["nl"])
    s = run.summary
    assert '<html lang="nl">' in html
    assert "€ 20.000" in html  # the budget, Dutch style (fmt.eur)
    assert fmt.eur(s["spent_eur"], "nl") in html
    assert fmt.number(s["expected_durable_gain"], "nl", 2) in html
    assert "," in fmt.number(s["expected_durable_gain"], "nl", 2)
    assert fmt.number(s["gain_per_1000_eur"], "nl", 3) in html
    ratio = s["gain_per_euro_vs_best_baseline"]
    if ratio is not None:
        assert f"{fmt.number(ratio, 'nl', 1)} keer zoveel per euro" in html
    assert TEXTS["nl"]["no_arrivals"] in html
    assert "1 november 2026" in html  # the planning date
    assert TEXTS["nl"]["status"].get(s["solver"]["status"], s["solver"]["status"]) in html


def test_the_report_in_english(run, written) -> None:
    html = _html(written["en"])
    s = run.summary
    assert '<html lang="en">' in html
    assert "€20,000" in html
    assert fmt.eur(s["spent_eur"], "en") in html
    if s["gain_per_euro_vs_best_baseline"] is not None:
        assert "times as many per euro" in html
    assert TEXTS["en"]["h_orders"] in html and TEXTS["nl"]["h_orders"] not in html


def test_the_report_explains_each_enrolment(run, written) -> None:
    html = _html(written["nl"])
    for row in run.enrolments.itertuples(index=False):
        assert row.candidate_id in html
        if row.vacancy_id is not None:
            assert row.vacancy_id in html
        before, after = (fmt.percent(row.probability_before, "nl"),
                         fmt.percent(row.probability_after, "nl"))
        assert f"{before} → {after}" in html
    for provider in run.orders["provider"].unique():
        assert f"Subtotaal {provider}" in html


# --------------------------------------------------------------------------- helpers
def test_alternatives_are_shown_with_the_locale() -> None:
    alternatives = ("C00012 (0.93)", "C00007 (0.905)")
    assert alternatives_text(alternatives, "nl") == "C00012 (93%); C00007 (91%)"
    assert alternatives_text((), "nl") == ""
    assert alternatives_text(None, "en") == ""


def test_a_course_without_a_location_is_online() -> None:
    assert location_label(None, "nl") == TEXTS["nl"]["online"]
    assert location_label("GM0080", "en") == "Leeuwarden (GM0080)"
    assert location_label("9204", "nl") == "9204"


def test_every_text_exists_in_both_languages() -> None:
    for table in (TEXTS, COLUMNS, SHEETS):
        assert set(table["nl"]) == set(table["en"])
    for key, value in TEXTS["nl"].items():
        if isinstance(value, dict):
            assert set(value) == set(TEXTS["en"][key]), key
    for names in SHEETS.values():
        assert all(len(name) <= 31 for name in names.values())

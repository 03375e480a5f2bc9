"""Limits of the data contract (issue 12 item 5, issue 11 item 4).

Empty tables are one problem naming the file, never thousands of follow-on errors; dates and
birth years outside plausible windows are errors naming file, row, column, value and rule;
over-long cells are one ``too_long`` error whose value is never printed in full; placements of
candidates missing from the candidates table are a non-blocking warning and are left out of
the loaded history.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from matching.cli import cli
from matching.core.errors import ValidationError
from matching.data.loading import load_dataset
from matching.data.schema import TABLES, Problem
from matching.data.validation import (
    FIRST_EXAMPLES,
    VALUE_PREVIEW,
    render_problems,
    shorten_value,
    summarise_warnings,
    validate,
)

PLAIN = Path(__file__).parent / "fixtures" / "dataset"
MEGABYTE = "Grondwerker-" * 90_000  # 1,080,000 characters


def copy_plain(tmp_path: Path, edits: dict[tuple[str, int, str], str] | None = None,
               extraction_date: str | None = None) -> Path:
    """The plain fixture with cells replaced: ``{(table, row, column): value}`` (header = 1)."""
    folder = tmp_path / "data"
    shutil.copytree(PLAIN, folder)
    by_table: dict[str, list[tuple[int, str, str]]] = {}
    for (table, row, column), value in (edits or {}).items():
        by_table.setdefault(table, []).append((row, column, value))
    for table, changes in by_table.items():
        path = folder / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        for row, column, value in changes:
            rows[row - 1][rows[0].index(column)] = value
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    if extraction_date:
        (folder / "manifest.json").write_text(json.dumps({"extraction_date": extraction_date}),
                                              encoding="utf-8")
    return folder


def header_only(folder: Path, table: str) -> None:
    path = folder / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def problems(folder: Path) -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    return info.value.problems


def errors(folder: Path) -> list[Problem]:
    return [p for p in problems(folder) if p.severity == "error"]


def run_validate(*args: object) -> Result:
    return CliRunner().invoke(cli, ["validate", *map(str, args)])


def error_lines(result: Result) -> list[str]:
    """The problem lines of ``validate``'s table output that are errors."""
    return [line for line in result.stdout.splitlines()[1:] if "  error  " in line]


# --------------------------------------------------------------------------- empty tables


def test_header_only_vacancies_is_one_error_naming_the_file(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    header_only(folder, "vacancies")
    [p] = problems(folder)  # no dangling_reference for the placements of V01..V03
    assert (p.file, p.row, p.column, p.rule, p.severity, p.table) == (
        "vacancies.csv", None, None, "empty_table", "error", "vacancies")
    assert "vacancies.csv has a header row but no data rows" in p.message

    result = run_validate("--data", folder)
    assert result.exit_code == 2, result.output
    [line] = error_lines(result)
    assert line.split()[:2] == ["vacancies.csv", "empty_table"]
    assert "Invalid input: 1 problem(s)" in result.stderr
    payload = json.loads(run_validate("--data", folder, "--format", "json").stdout)
    assert [(p["file"], p["rule"]) for p in payload] == [("vacancies.csv", "empty_table")]


def test_header_only_vacancies_of_a_large_history_is_still_one_error(tmp_path: Path) -> None:
    """The case of the issue: every placement of a 600-row history refers to a vacancy."""
    folder = copy_plain(tmp_path)
    header_only(folder, "vacancies")
    rows = [f"PL{i:04d},C00{1 + i % 5},V0{1 + i % 3},2025-01-01,,32" for i in range(600)]
    (folder / "placements.csv").write_text(
        "placement_id,candidate_id,vacancy_id,start_date,end_date,hours_per_week\n"
        + "\n".join(rows) + "\n", encoding="utf-8")
    assert [(p.file, p.rule) for p in problems(folder)] == [("vacancies.csv", "empty_table")]


def test_zero_byte_file_is_one_clear_error(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    (folder / "vacancies.csv").write_bytes(b"")
    [p] = problems(folder)
    assert (p.file, p.row, p.rule, p.severity) == ("vacancies.csv", None, "empty_table", "error")
    assert "holds nothing, not even a header row" in p.message
    result = run_validate("--data", folder)
    assert result.exit_code == 2 and len(error_lines(result)) == 1, result.output


def test_empty_projects_hides_the_references_of_vacancies(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    header_only(folder, "projects")
    assert [(p.file, p.rule) for p in problems(folder)] == [("projects.csv", "empty_table")]


def test_empty_table_cannot_be_skipped(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    header_only(folder, "candidates")
    with pytest.raises(ValidationError) as info:
        load_dataset(folder, skip_invalid=True)
    assert [p.rule for p in info.value.problems] == ["empty_table"]


@pytest.mark.parametrize("content", ["header", "nothing"])
def test_empty_placements_is_a_warning(tmp_path: Path, content: str) -> None:
    """A coordination point without history: valid, but nothing can be trained on it."""
    folder = copy_plain(tmp_path)
    if content == "header":
        header_only(folder, "placements")
    else:
        (folder / "placements.csv").write_bytes(b"")
    result = load_dataset(folder)
    assert result.dataset.placements.empty
    [p] = result.problems
    assert (p.file, p.rule, p.severity) == ("placements.csv", "empty_history", "warning")
    cli_result = run_validate("--data", folder)
    assert cli_result.exit_code == 0, cli_result.output
    assert "empty_history" in cli_result.stdout


def test_empty_valuation_file_is_an_error(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    (folder / "valuation.csv").write_text("target_group,value_per_year_eur\n", encoding="utf-8")
    [p] = problems(folder)
    assert (p.file, p.rule) == ("valuation.csv", "empty_table")
    assert "leave the file out to use the default" in p.message


def test_empty_workbook_sheet_is_one_error(tmp_path: Path) -> None:
    book = tmp_path / "sroi.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name in ("candidates", "projects"):
            pd.read_csv(PLAIN / f"{name}.csv", dtype=str, keep_default_na=False).to_excel(
                writer, sheet_name=name, index=False)
        pd.DataFrame(columns=["vacancy_id", "project_id"]).to_excel(writer, sheet_name="Vacatures",
                                                                   index=False)
    [p] = problems(book)
    assert (p.file, p.rule) == ("sroi.xlsx[Vacatures]", "empty_table")


def test_empty_in_memory_table() -> None:
    empty = pd.DataFrame({c: pd.Series(dtype="str") for c in TABLES["projects"].column_names})
    found = validate({"projects": empty}, location="memory")
    assert [(p.table, p.rule) for p in found if p.table == "projects"] == [
        ("projects", "empty_table")]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(("edit", "row"), [
    (("candidates", 3, "birth_year", "1900"), 3),
    (("candidates", 3, "birth_year", "2020"), 3),         # 6 years old on 2026-11-01
    (("candidates", 2, "available_from", "1900-01-01"), 2),
    (("candidates", 2, "available_from", "2030-01-01"), 2),
    (("projects", 2, "start_date", "1900-01-01"), 2),
    (("projects", 2, "end_date", "2099-01-01"), 2),
    (("vacancies", 2, "start_date", "2099-03-01"), 2),
    (("placements", 4, "start_date", "1900-01-01"), 4),
    (("placements", 2, "start_date", "2099-06-01"), 2),
    (("placements", 3, "end_date", "31-12-2099"), 3),
])
def test_implausible_dates_are_errors_naming_the_row(tmp_path: Path, edit: tuple,
                                                     row: int) -> None:
    table, row_, column, value = edit
    folder = copy_plain(tmp_path, {(table, row_, column): value}, extraction_date="2026-11-01")
    [p] = errors(folder)
    assert (p.file, p.row, p.column, p.value, p.rule) == (
        f"{table}.csv", row, column, value, "implausible_date")
    assert "plausible window" in p.message and "2026-11-01" in p.message


def test_birth_year_1900_through_the_cli(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path, {("candidates", 4, "birth_year"): "1900"})
    result = run_validate("--data", folder)
    assert result.exit_code == 2, result.output
    [line] = error_lines(result)
    assert line.split()[:5] == ["candidates.csv", "4", "birth_year", "1900", "implausible_date"]


def test_placements_in_1900_and_2099_through_the_cli(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path, {("placements", 2, "start_date"): "2099-01-01",
                                   ("placements", 4, "start_date"): "01-01-1900"})
    result = run_validate("--data", folder)
    assert result.exit_code == 2, result.output
    assert [line.split()[:5] for line in error_lines(result)] == [
        ["placements.csv", "2", "start_date", "2099-01-01", "implausible_date"],
        ["placements.csv", "4", "start_date", "01-01-1900", "implausible_date"]]


def test_windows_end_relative_to_the_extraction_date(tmp_path: Path) -> None:
    """2028-01-01 is a planned start for a late-2026 export, but more than 2 years after a
    mid-2025 one."""
    edits = {("placements", 4, "start_date"): "2028-01-01", ("placements", 4, "end_date"): ""}
    assert load_dataset(copy_plain(tmp_path / "a", edits, "2026-11-01")).problems == []
    [p] = errors(copy_plain(tmp_path / "b", edits, "2025-06-01"))
    assert (p.row, p.rule) == (4, "implausible_date")
    assert "2025-06-01" in p.message and "2027-06-01" in p.message


def test_old_birth_year_is_only_a_warning(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path, {("candidates", 2, "birth_year"): "1945"},
                        extraction_date="2026-11-01")
    result = load_dataset(folder)
    [p] = result.problems
    assert (p.row, p.column, p.value, p.rule, p.severity) == (2, "birth_year", "1945",
                                                              "unusual_date", "warning")
    cli_result = run_validate("--data", folder)
    assert cli_result.exit_code == 0, cli_result.output
    assert "unusual_date" in cli_result.stdout


# --------------------------------------------------------------------------- long values


def test_shorten_value() -> None:
    assert shorten_value("V01") == "V01"
    assert shorten_value("x" * 80) == "x" * 80
    short = shorten_value("x" * 1_000_000)
    assert short == "x" * VALUE_PREVIEW + "…(1000000 chars)"


def test_a_megabyte_title_is_one_short_too_long_error(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path, {("vacancies", 3, "title"): MEGABYTE})
    [p] = problems(folder)
    assert (p.file, p.row, p.column, p.rule) == ("vacancies.csv", 3, "title", "too_long")
    assert p.value == MEGABYTE[:VALUE_PREVIEW] + "…(1080000 chars)"
    assert "1,080,000 characters long; at most 200" in p.message

    result = run_validate("--data", folder)
    assert result.exit_code == 2, result.output
    assert len(result.stdout) + len(result.stderr) < 2000
    [line] = error_lines(result)
    assert line.split()[:3] == ["vacancies.csv", "3", "title"] and "too_long" in line

    result = run_validate("--data", folder, "--format", "json")
    assert result.exit_code == 2 and len(result.stdout) + len(result.stderr) < 2000
    [problem] = json.loads(result.stdout)
    assert problem["rule"] == "too_long" and problem["value"].endswith("…(1080000 chars)")


def test_rejected_rows_give_short_reasons(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path, {("vacancies", 3, "title"): MEGABYTE})
    rejects = tmp_path / "rejects"
    result = load_dataset(folder, skip_invalid=True, rejects_dir=rejects)
    assert result.dataset.vacancies["vacancy_id"].tolist() == ["V01", "V03"]
    written = pd.read_csv(rejects / "rejected_vacancies.csv", dtype=str, keep_default_na=False,
                          encoding="utf-8-sig")
    assert len(written.loc[0, "_reasons"]) < 300 and "too_long" not in written.loc[0, "_reasons"]
    assert "1,080,000 characters long" in written.loc[0, "_reasons"]


@pytest.mark.parametrize(("table", "row", "column"), [
    ("candidates", 2, "hours_per_week"),    # a number: no type error besides
    ("vacancies", 2, "status"),             # a code: no allowed_values error besides
    ("candidates", 3, "skills"),            # a list cell
    ("placements", 2, "candidate_id"),      # an id: no reference problem besides
])
def test_too_long_is_the_only_problem_of_the_cell(tmp_path: Path, table: str, row: int,
                                                  column: str) -> None:
    folder = copy_plain(tmp_path, {(table, row, column): "9" * 5000})
    [p] = problems(folder)
    assert (p.table, p.row, p.column, p.rule) == (table, row, column, "too_long")
    assert p.value == "9" * VALUE_PREVIEW + "…(5000 chars)"


def test_long_values_are_shortened_in_every_message(tmp_path: Path) -> None:
    """Below the cell limit but too long to print: an unknown certificate of 150 characters."""
    term = "pianodiploma" + "x" * 138
    folder = copy_plain(tmp_path, {("candidates", 4, "certificates"): term})
    [p] = problems(folder)
    assert p.rule == "unknown_code" and p.value == shorten_value(term) != term
    assert term not in p.message and shorten_value(term) in p.message


def test_duplicate_messages_list_at_most_ten_rows() -> None:
    ids = ["A"] * 15
    candidates = pd.DataFrame({"candidate_id": ids, "postcode": ["9711"] * 15,
                               "target_group": ["ww"] * 15, "hours_per_week": [32.0] * 15},
                              index=range(2, 17))
    found = [p for p in validate({"candidates": candidates}) if p.rule == "duplicate_id"]
    assert len(found) == 15
    assert "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, … (15 rows)" in found[0].message


# --------------------------------------------------------------------------- unknown candidates


def test_history_candidate_unknown_is_a_warning_and_the_placement_is_dropped(
        tmp_path: Path) -> None:
    folder = copy_plain(tmp_path, {("placements", 2, "candidate_id"): "C999",
                                   ("placements", 4, "candidate_id"): "C998"})
    result = load_dataset(folder)
    assert result.dataset.placements["placement_id"].tolist() == ["PL02"]
    assert [(p.row, p.column, p.value, p.rule, p.severity) for p in result.problems] == [
        (2, "candidate_id", "C999", "history_candidate_unknown", "warning"),
        (4, "candidate_id", "C998", "history_candidate_unknown", "warning")]
    [line] = result.warnings
    assert line.startswith("placements.csv: 2 placement(s) refer to 2 candidate(s)")
    assert "dropped from the loaded placement history" in line
    [w] = summarise_warnings(result.problems)
    assert (w.rule, w.count, [(e.value, e.rows) for e in w.examples]) == (
        "history_candidate_unknown", 2, [("C999", (2,)), ("C998", (4,))])


def test_validate_prints_the_history_candidate_warning_with_exit_code_0(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path, {("placements", 2, "candidate_id"): "C999"})
    result = run_validate("--data", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: 5 candidates, 2 projects, 3 vacancies, 2 placements")
    warnings = result.stdout[result.stdout.index("Warnings ("):]
    assert "history_candidate_unknown" in warnings
    assert "1 placement(s) refer to 1 candidate(s)" in warnings and "dropped" in warnings
    assert "'C999' (row 2)" in warnings

    payload = json.loads(run_validate("--data", folder, "--format", "json").stdout)
    assert payload["counts"]["placements"] == 2
    [w] = [w for w in payload["warnings"] if w["rule"] == "history_candidate_unknown"]
    assert w["count"] == 1 and w["examples"][0]["value"] == "C999"


def test_unknown_vacancy_in_the_history_stays_an_error(tmp_path: Path) -> None:
    [p] = problems(copy_plain(tmp_path, {("placements", 2, "vacancy_id"): "V99"}))
    assert (p.row, p.rule, p.severity) == (2, "dangling_reference", "error")


def test_skip_invalid_does_not_blame_a_rejected_parent(tmp_path: Path) -> None:
    """An unknown candidate is left out, not 'rejected from candidates' by the cascade."""
    folder = copy_plain(tmp_path, {("placements", 2, "candidate_id"): "C999",
                                   ("candidates", 4, "hours_per_week"): "0"})  # C003
    result = load_dataset(folder, skip_invalid=True)
    assert result.dataset.placements["placement_id"].tolist() == ["PL02", "PL03"]
    assert [p.rule for p in result.problems if p.table == "placements"] == [
        "history_candidate_unknown"]
    assert result.rejected["table"].tolist() == ["candidates"]


def test_many_history_warnings_do_not_bury_the_errors(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path, {("projects", 3, "sroi_percentage"): "150"})
    rows = [f"PL{i:04d},K{i:04d},V01,2025-01-01,,32" for i in range(300)]
    (folder / "placements.csv").write_text(
        "placement_id,candidate_id,vacancy_id,start_date,end_date,hours_per_week\n"
        + "\n".join(rows) + "\n", encoding="utf-8")
    found = problems(folder)
    assert len(found) == 301
    lines = render_problems(found).splitlines()
    assert len(lines) == 1 + 1 + FIRST_EXAMPLES + 1
    assert "… and 295 more history_candidate_unknown warning(s)" in lines[-1]
    result = run_validate("--data", folder)
    assert result.exit_code == 2 and len(result.stdout.splitlines()) == len(lines)

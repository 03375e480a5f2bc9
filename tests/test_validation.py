"""Validation rules: every rule reports file, row, column, value and rule; all at once."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from matching.core.errors import ValidationError
from matching.data.loading import load_dataset
from matching.data.schema import RULES, Problem
from matching.data.validation import (
    DATASET_WARNING_RULES,
    PROBLEM_COLUMNS,
    UNRESOLVED_SHARE,
    WARNING_RULES,
    DataWarning,
    WarningExample,
    dataset_warnings,
    problems_frame,
    render_problems,
    render_warnings,
    severity_of,
    summarise_warnings,
    validate,
)

FIXTURES = Path(__file__).parent / "fixtures"
PLAIN = FIXTURES / "dataset"
ROOT = Path(__file__).resolve().parents[1]


def dataset(tmp_path: Path, edits: dict[tuple[str, int, str], str] | None = None,
            drop_columns: dict[str, list[str]] | None = None) -> Path:
    """A copy of the plain fixture with cells replaced: ``{(table, row, column): value}``.

    ``row`` is the row as the user sees it (header = 1). A row one past the end appends.
    """
    folder = tmp_path / "data"
    shutil.copytree(PLAIN, folder)
    by_table: dict[str, list] = {}
    for (table, row, column), value in (edits or {}).items():
        by_table.setdefault(table, []).append((row, column, value))
    for table in {*by_table, *(drop_columns or {})}:
        path = folder / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        for row, column, value in by_table.get(table, []):
            while len(rows) < row:
                rows.append(list(rows[-1]))
            rows[row - 1][header.index(column)] = value
        keep = [i for i, name in enumerate(header) if name not in (drop_columns or {}).get(table, [])]
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([[r[i] for i in keep] for r in rows])
    return folder


def problems(folder: Path) -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    return info.value.problems


def summary(found: list[Problem]) -> list[tuple]:
    return [(p.file, p.row, p.column, p.value, p.rule) for p in found]


# --------------------------------------------------------------------------- table level


def test_missing_table(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    (folder / "vacancies.csv").unlink()
    [p] = problems(folder)
    assert (p.file, p.row, p.column, p.value, p.rule, p.table) == (
        "data", None, None, None, "missing_table", "vacancies")
    assert "'vacatures'" in p.message


def test_missing_column(tmp_path: Path) -> None:
    folder = dataset(tmp_path, drop_columns={"candidates": ["hours_per_week"],
                                             "vacancies": ["postcode", "municipality_code"]})
    assert summary(problems(folder)) == [
        ("candidates.csv", None, "hours_per_week", None, "missing_column"),
        ("vacancies.csv", None, "postcode", None, "missing_column"),
    ]


def test_unreadable_file(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    (folder / "placements.csv").unlink()
    (folder / "plaatsingen.parquet").write_bytes(b"garbage")
    [p] = problems(folder)
    assert (p.file, p.row, p.rule, p.table) == ("plaatsingen.parquet", None, "unreadable_file",
                                                "placements")
    assert p.message.startswith("cannot read plaatsingen.parquet")


def test_unknown_column_is_only_a_warning(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    text = (folder / "placements.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",Opmerking"] + [line + ",x" for line in text[1:]]
    (folder / "placements.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    result = load_dataset(folder)
    assert summary(result.problems) == [("placements.csv", None, "Opmerking", None,
                                         "unknown_column")]
    assert result.problems[0].severity == "warning"


# --------------------------------------------------------------------------- row level


@pytest.mark.parametrize(("edit", "expected"), [
    # required
    (("candidates", 3, "target_group", ""), ("candidates.csv", 3, "target_group", "", "required")),
    (("placements", 2, "start_date", ""), ("placements.csv", 2, "start_date", "", "required")),
    # one_of
    (("candidates", 4, "postcode", ""), ("candidates.csv", 4, "postcode", "", "one_of")),
    # type
    (("candidates", 2, "hours_per_week", "twaalf"),
     ("candidates.csv", 2, "hours_per_week", "twaalf", "type")),
    (("vacancies", 2, "positions", "2,5"), ("vacancies.csv", 2, "positions", "2,5", "type")),
    (("candidates", 5, "available_from", "31-02-2026"),
     ("candidates.csv", 5, "available_from", "31-02-2026", "type")),
    (("vacancies", 3, "permanent", "misschien"),
     ("vacancies.csv", 3, "permanent", "misschien", "type")),
    (("candidates", 2, "postcode", "97111"), ("candidates.csv", 2, "postcode", "97111", "type")),
    # allowed_values (code and list)
    (("candidates", 6, "education_level", "mbo5"),
     ("candidates.csv", 6, "education_level", "mbo5", "allowed_values")),
    (("vacancies", 4, "status", "dicht"), ("vacancies.csv", 4, "status", "dicht",
                                            "allowed_values")),
    (("candidates", 2, "support_needs", "jobcoach;vleugels"),
     ("candidates.csv", 2, "support_needs", "vleugels", "allowed_values")),
    # unknown_code
    (("candidates", 3, "target_group", "bijstand"),
     ("candidates.csv", 3, "target_group", "bijstand", "unknown_code")),
    (("candidates", 4, "certificates", "heftruck;pianodiploma"),
     ("candidates.csv", 4, "certificates", "pianodiploma", "unknown_code")),
    (("vacancies", 3, "required_certificates", "VCA basis|klimbrevet"),
     ("vacancies.csv", 3, "required_certificates", "klimbrevet", "unknown_code")),
    (("vacancies", 2, "eligible_target_groups", "ww;iedereen"),
     ("vacancies.csv", 2, "eligible_target_groups", "iedereen", "unknown_code")),
    # unknown_postcode / unknown_municipality
    (("candidates", 2, "postcode", "1000 AA"),
     ("candidates.csv", 2, "postcode", "1000 AA", "unknown_postcode")),
    (("vacancies", 4, "municipality_code", "GM9999"),
     ("vacancies.csv", 4, "municipality_code", "GM9999", "unknown_municipality")),
    (("candidates", 3, "municipality_code", "Atlantis"),
     ("candidates.csv", 3, "municipality_code", "Atlantis", "unknown_municipality")),
    # range
    (("candidates", 2, "hours_per_week", "0"), ("candidates.csv", 2, "hours_per_week", "0",
                                                 "range")),
    (("vacancies", 2, "hours_per_week", "61"), ("vacancies.csv", 2, "hours_per_week", "61",
                                                "range")),
    (("projects", 2, "contract_value_eur", "-5"),
     ("projects.csv", 2, "contract_value_eur", "-5", "range")),
    (("projects", 3, "sroi_percentage", "150"),
     ("projects.csv", 3, "sroi_percentage", "150", "range")),
    (("vacancies", 2, "positions", "0"), ("vacancies.csv", 2, "positions", "0", "range")),
    # dangling_reference
    (("vacancies", 3, "project_id", "P99"),
     ("vacancies.csv", 3, "project_id", "P99", "dangling_reference")),
    # (an unknown placements.candidate_id is a warning: tests/test_validation_limits.py)
    (("placements", 4, "vacancy_id", "V99"),
     ("placements.csv", 4, "vacancy_id", "V99", "dangling_reference")),
    # date_order
    (("projects", 2, "end_date", "2024-12-31"),
     ("projects.csv", 2, "end_date", "2024-12-31", "date_order")),
    (("placements", 3, "end_date", "01-09-2025"),
     ("placements.csv", 3, "end_date", "01-09-2025", "date_order")),
])
def test_rule(tmp_path: Path, edit: tuple, expected: tuple) -> None:
    table, row, column, value = edit
    found = problems(dataset(tmp_path, {(table, row, column): value}))
    assert summary(found) == [expected]
    assert found[0].severity == "error" and found[0].table == table


def test_duplicate_id_reports_every_row(tmp_path: Path) -> None:
    found = problems(dataset(tmp_path, {("candidates", 6, "candidate_id"): "C002"}))
    assert summary(found) == [
        ("candidates.csv", 3, "candidate_id", "C002", "duplicate_id"),
        ("candidates.csv", 6, "candidate_id", "C002", "duplicate_id"),
    ]
    assert "occurs 2 times (rows 3, 6)" in found[0].message


@pytest.mark.parametrize(("edit", "needle"), [
    (("candidates", 6, "education_level", "mbo5"),
     "'mbo5' is not one of none, vmbo, mbo1, mbo2"),
    (("candidates", 2, "hours_per_week", "0"), "'0' is outside the allowed range (> 0 and <= 60)"),
    (("candidates", 5, "available_from", "31-02-2026"), "use 2026-03-01 or 01-03-2026"),
    (("candidates", 3, "target_group", "bijstand"), "known: bbl, doelgroepregister"),
    (("candidates", 4, "certificates", "Rijbewys B"),
     "certificate 'Rijbewys B' does not match the certificate catalogue"),
    (("candidates", 4, "certificates", "Rijbewys B"), "did you mean 'Rijbewijs B'?"),
    (("placements", 4, "vacancy_id", "V99"), "'V99' does not exist in vacancies.vacancy_id"),
    (("projects", 2, "end_date", "2024-12-31"),
     "end_date '2024-12-31' lies before start_date '2025-01-01'"),
])
def test_messages_name_the_value_and_what_is_allowed(tmp_path: Path, edit: tuple,
                                                    needle: str) -> None:
    table, row, column, value = edit
    [p] = problems(dataset(tmp_path, {(table, row, column): value}))
    assert needle in p.message, p.message


def test_certificate_spelling_variants_resolve(tmp_path: Path) -> None:
    folder = dataset(tmp_path, {("candidates", 3, "certificates"): "B-VCA;Heftruck-certificaat;"
                                "forklift licence;rijbewijs  b;heftruk"})
    assert load_dataset(folder).problems == []


def test_target_group_from_custom_valuation_is_known(tmp_path: Path) -> None:
    folder = dataset(tmp_path, {("candidates", 3, "target_group"): "Eigen_Regeling"})
    (folder / "waardering.csv").write_text("target_group,value_per_year_eur\n"
                                           "eigen_regeling,5000\n", encoding="utf-8")
    result = load_dataset(folder)
    assert result.dataset.candidates.loc[3, "target_group"] == "eigen_regeling"


# --------------------------------------------------------------------------- all at once


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    """One dataset breaking every rule but missing_table: one ValidationError lists them all."""
    folder = dataset(tmp_path, {
        ("candidates", 2, "hours_per_week"): "0",                       # range
        ("candidates", 2, "education_level"): "mbo5",                   # allowed_values
        ("candidates", 3, "target_group"): "",                          # required
        ("candidates", 4, "postcode"): "",                              # one_of
        ("candidates", 5, "available_from"): "gisteren",                # type
        ("candidates", 6, "candidate_id"): "C002",                      # duplicate_id (3, 6)
        ("candidates", 6, "certificates"): "pianodiploma",              # unknown_code
        ("projects", 2, "end_date"): "2024-12-31",                      # date_order
        ("projects", 3, "sroi_percentage"): "150",                      # range
        ("vacancies", 2, "postcode"): "1000",                           # unknown_postcode
        ("vacancies", 4, "municipality_code"): "Atlantis",              # unknown_municipality
        ("vacancies", 4, "project_id"): "P99",                          # dangling_reference
        ("vacancies", 3, "title"): "Kok " * 100,                        # too_long
        ("candidates", 4, "birth_year"): "1900",                        # implausible_date
        ("placements", 2, "vacancy_id"): "V99",                         # dangling_reference
        ("placements", 3, "candidate_id"): "C999",                      # (warning)
    }, drop_columns={"vacancies": ["employer_id"]})                     # missing_column
    text = (folder / "projects.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",budgethouder"] + [line + ",x" for line in text[1:]]
    (folder / "projects.csv").write_text("\n".join(text) + "\n", encoding="utf-8")  # unknown_column
    (folder / "valuation.xlsx").write_bytes(b"no workbook")            # unreadable_file

    found = problems(folder)
    assert {(p.table, p.row, p.column, p.rule) for p in found} == {
        ("candidates", 2, "education_level", "allowed_values"),
        ("candidates", 2, "hours_per_week", "range"),
        ("candidates", 3, "candidate_id", "duplicate_id"),
        ("candidates", 3, "target_group", "required"),
        ("candidates", 4, "postcode", "one_of"),
        ("candidates", 5, "available_from", "type"),
        ("candidates", 6, "candidate_id", "duplicate_id"),
        ("candidates", 6, "certificates", "unknown_code"),
        ("projects", None, "budgethouder", "unknown_column"),
        ("projects", 2, "end_date", "date_order"),
        ("projects", 3, "sroi_percentage", "range"),
        ("vacancies", None, "employer_id", "missing_column"),
        ("candidates", 4, "birth_year", "implausible_date"),
        ("vacancies", 2, "postcode", "unknown_postcode"),
        ("vacancies", 3, "title", "too_long"),
        ("vacancies", 4, "municipality_code", "unknown_municipality"),
        ("vacancies", 4, "project_id", "dangling_reference"),
        ("placements", 2, "vacancy_id", "dangling_reference"),
        ("placements", 3, "candidate_id", "history_candidate_unknown"),
        ("valuation", None, None, "unreadable_file"),
    }
    # every error rule but the two about whole tables (missing_table, empty_table)
    assert ({p.rule for p in found if p.severity == "error"} | {"missing_table", "empty_table"}
            == set(RULES) - WARNING_RULES)
    # sorted in reading order: table, then row (file-level first), then column order
    order = [(p.table, p.row) for p in found]
    assert order[:3] == [("candidates", 2), ("candidates", 2), ("candidates", 3)]
    assert [p.severity for p in found if p.rule == "unknown_column"] == ["warning"]


def test_workbook_problems_name_the_sheet(tmp_path: Path) -> None:
    book = tmp_path / "sroi.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name, sheet in (("candidates", "Kandidaten"), ("projects", "Projecten"),
                            ("vacancies", "Vacatures")):
            frame = pd.read_csv(PLAIN / f"{name}.csv", dtype=str, keep_default_na=False)
            if name == "projects":
                frame.loc[1, "sroi_percentage"] = "150"
            frame.to_excel(writer, sheet_name=sheet, index=False)
    assert summary(problems(book)) == [
        ("sroi.xlsx[Projecten]", 3, "sroi_percentage", "150", "range")]


# --------------------------------------------------------------------------- validate()


def test_validate_in_memory_frames() -> None:
    candidates = pd.DataFrame({
        "candidate_id": ["A", "A"], "postcode": ["9711", None], "municipality_code": [None, None],
        "target_group": ["ww", "ww"], "hours_per_week": [32.0, 99.0],
    }, index=[2, 3])
    found = validate({"candidates": candidates}, location="memory")
    assert {(p.table, p.row, p.column, p.rule) for p in found} == {
        ("candidates", 2, "candidate_id", "duplicate_id"),
        ("candidates", 3, "candidate_id", "duplicate_id"),
        ("candidates", 3, "postcode", "one_of"),
        ("candidates", 3, "hours_per_week", "range"),
        ("projects", None, None, "missing_table"),
        ("vacancies", None, None, "missing_table"),
    }


def test_severity() -> None:
    assert severity_of("unknown_column") == "warning"
    assert {severity_of(r) for r in DATASET_WARNING_RULES} == {"warning"}
    assert DATASET_WARNING_RULES | {"unknown_column", "empty_history", "unusual_date",
                                    "history_candidate_unknown"} == WARNING_RULES
    assert {severity_of(r) for r in RULES if r not in WARNING_RULES} == {"error"}
    with pytest.raises(KeyError):
        severity_of("no_such_rule")


# --------------------------------------------------------------------------- reporting


SAMPLE = [
    Problem("kandidaten.csv", 3, "hours_per_week", "0", "range",
            "'0' is outside the allowed range (> 0 and <= 60)", "candidates"),
    Problem("projecten.csv", None, "opmerking", None, "unknown_column",
            "column 'opmerking' is ignored", "projects", "warning"),
]


def test_problems_frame() -> None:
    frame = problems_frame(SAMPLE)
    assert tuple(frame.columns) == PROBLEM_COLUMNS
    assert frame["row"].dtype == "Int64" and pd.isna(frame.loc[1, "row"])
    assert frame["severity"].tolist() == ["error", "warning"]
    assert problems_frame([]).columns.tolist() == list(PROBLEM_COLUMNS)


def test_render_table() -> None:
    text = render_problems(SAMPLE)
    lines = text.splitlines()
    assert lines[0].split() == ["file", "row", "column", "value", "rule", "severity", "message"]
    assert lines[1].startswith("kandidaten.csv  3    hours_per_week  0")
    assert "(> 0 and <= 60)" in lines[1] and "warning" in lines[2]
    assert len(lines) == 3


def test_render_json() -> None:
    data = json.loads(render_problems(SAMPLE, fmt="json"))
    assert data[0] == {"file": "kandidaten.csv", "row": 3, "column": "hours_per_week",
                       "value": "0", "rule": "range",
                       "message": "'0' is outside the allowed range (> 0 and <= 60)",
                       "severity": "error"}
    assert data[1]["row"] is None
    with pytest.raises(ValueError, match="unknown format"):
        render_problems(SAMPLE, fmt="xml")


def test_render_shortens_long_values() -> None:
    long = Problem("a.csv", 2, "skills", "x" * 200, "type", "bad")
    line = render_problems([long]).splitlines()[1]
    assert "x" * 29 + "…" in line and "x" * 31 not in line


# --------------------------------------------------------------------------- docs


def test_data_contract_doc_is_generated_from_schema() -> None:
    spec = importlib.util.spec_from_file_location(
        "gen_data_contract_doc", ROOT / "scripts" / "gen_data_contract_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert committed == module.render(), (
        "docs/data-contract.md is stale: run python scripts/gen_data_contract_doc.py")
    for rule in RULES:
        assert f"`{rule}`" in committed


# --------------------------------------------------------------------------- dataset warnings


def write_manifest(folder: Path, **keys: object) -> None:
    """A manifest.json as the sample generator writes it, plus ``keys``."""
    payload = {"generator": "test", "seed": 1, "files": {"candidates.csv": "abc"}, **keys}
    (folder / "manifest.json").write_text(json.dumps(payload), encoding="utf-8")


def warnings_of(folder: Path, rule: str, today: str = "2026-12-01", **kw) -> list[DataWarning]:
    found = dataset_warnings(load_dataset(folder, **kw).dataset, today=today)
    assert all(w.severity == "warning" for w in found)
    return [w for w in found if w.rule == rule]


def test_unresolved_skills_are_counted_with_the_nearest_known_term(tmp_path: Path) -> None:
    folder = dataset(tmp_path, {("candidates", 2, "skills"): "Timmerne;metselen",
                                ("candidates", 3, "skills"): "kwispelen",
                                ("candidates", 4, "skills"): "TIMMERNE|orderpicken"})
    [w] = [w for w in warnings_of(folder, "unresolved_skill") if w.table == "candidates"]
    assert (w.file, w.column, w.count) == ("candidates.csv", "skills", 3)
    assert "3 of 6 skill terms" in w.message and "2 distinct" in w.message
    assert w.examples == (WarningExample("Timmerne", 2, (2, 4), "Timmeren"),
                          WarningExample("kwispelen", 1, (3,), None))


def test_unresolved_occupations(tmp_path: Path) -> None:
    folder = dataset(tmp_path, {("candidates", 2, "occupations"): "hoveneir",
                                ("vacancies", 3, "occupation"): "dierentemmer"})
    found = warnings_of(folder, "unresolved_occupation")
    assert [(w.table, w.column, w.count) for w in found] == [
        ("candidates", "occupations", 1), ("vacancies", "occupation", 1)]
    assert found[0].examples == (WarningExample("hoveneir", 1, (2,), "hovenier"),)
    assert found[1].examples == (WarningExample("dierentemmer", 1, (3,), "dierentrainer"),)


def test_a_few_unresolved_terms_stay_quiet() -> None:
    """At most UNRESOLVED_SHARE of a column's terms may be typos without a warning."""
    from matching.data.dataset import Dataset
    from matching.data.reference import default_valuation

    def warnings_for(n_bad: int) -> list[DataWarning]:
        skills = [("kwispelen",)] * n_bad + [("metselen",)] * (100 - n_bad)
        candidates = pd.DataFrame({"candidate_id": [f"C{i}" for i in range(100)],
                                   "skills": skills}, index=range(2, 102))
        empty = pd.DataFrame()
        return dataset_warnings(Dataset(candidates, empty, empty, empty, default_valuation()))

    assert UNRESOLVED_SHARE == 0.02
    assert warnings_for(2) == []
    [w] = warnings_for(3)
    assert (w.rule, w.count, w.examples[0].rows) == ("unresolved_skill", 3, (2, 3, 4))


def test_unvalued_target_groups(tmp_path: Path) -> None:
    folder = dataset(tmp_path, {("vacancies", 3, "eligible_target_groups"): "participatiewet;wsw"})
    valuation = tmp_path / "waardering.csv"
    valuation.write_text("target_group,value_per_year_eur\nparticipatiewet,40000\n"
                         "doelgroepregister,40000\nstatushouder,20000\n", encoding="utf-8")
    found = warnings_of(folder, "unvalued_target_group", valuation=valuation)
    assert [(w.table, w.column, w.count) for w in found] == [
        ("candidates", "target_group", 2), ("vacancies", "eligible_target_groups", 1)]
    assert found[0].examples == (WarningExample("wajong", 1, (6,)), WarningExample("ww", 1, (4,)))
    assert "waardering.csv" in found[0].message and "0 EUR" in found[0].message
    assert found[1].examples == (WarningExample("wsw", 1, (3,)),)


def test_placements_starting_after_the_extraction_date(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    write_manifest(folder, extraction_date="2025-08-01")
    [w] = warnings_of(folder, "start_after_extraction")
    assert (w.file, w.column, w.count) == ("placements.csv", "start_date", 1)
    assert w.examples == (WarningExample("2025-09-15", 1, (3,), id="PL02"),)
    assert "declared extraction date 2025-08-01" in w.message

    write_manifest(folder, extraction_date="2030-01-01")  # in the future: capped at today
    [w] = warnings_of(folder, "start_after_extraction", today="2025-07-01")
    assert w.count == 1 and "lies in the future" in w.message

    (folder / "manifest.json").unlink()  # not declared: only today bounds the history
    [w] = warnings_of(folder, "start_after_extraction", today="2025-07-01")
    assert w.count == 1 and "no extraction date declared" in w.message
    assert warnings_of(folder, "start_after_extraction", today="2026-12-01") == []


def test_clean_fixture_warns_only_about_its_preferred_skill() -> None:
    """'rijbewijs B' is a licence written as a preferred skill: a real (small) data issue."""
    found = dataset_warnings(load_dataset(PLAIN).dataset, today="2026-12-01")
    assert [(w.rule, w.table, w.column, w.count) for w in found] == [
        ("unresolved_skill", "vacancies", "preferred_skills", 1)]


def test_summarise_and_render_warnings() -> None:
    [w] = summarise_warnings(SAMPLE)
    assert (w.rule, w.file, w.column, w.count) == ("unknown_column", "projecten.csv",
                                                   "opmerking", 1)
    late = DataWarning("start_after_extraction", "placements", "plaatsingen.csv", "start_date",
                       7, "7 placement(s) start after …",
                       (WarningExample("2027-01-05", 1, (9,), id="PL9"),))
    lines = render_warnings([w, late]).splitlines()
    assert lines[0].split() == ["rule", "file", "column", "count", "message"]
    assert lines[2].split()[:4] == ["start_after_extraction", "plaatsingen.csv", "start_date",
                                    "7"]
    assert lines[3] == "    PL9: '2027-01-05' (row 9)"
    assert render_warnings([]) == ""
    data = json.loads(render_warnings([late], fmt="json"))
    assert data[0]["rule"] == "start_after_extraction" and data[0]["count"] == 7
    assert data[0]["examples"] == [{"value": "2027-01-05", "count": 1, "rows": [9],
                                    "nearest": None, "id": "PL9"}]


# --------------------------------------------------------------------------- validate command


def run_validate(*args: object):
    from click.testing import CliRunner

    from matching.cli import cli

    return CliRunner().invoke(cli, ["validate", *map(str, args)])


def test_validate_warnings_keep_exit_code_0(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    write_manifest(folder, extraction_date="2025-08-01")
    valuation = tmp_path / "valuation.csv"
    valuation.write_text("target_group,value_per_year_eur\nparticipatiewet,40000\n"
                         "doelgroepregister,40000\nstatushouder,20000\n", encoding="utf-8")
    result = run_validate("--data", folder, "--valuation", valuation)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("OK: 5 candidates")
    assert "Extraction date: 2025-08-01." in out
    assert "2025-08-01 (the dataset's declared extraction date" in out
    assert "2 are censored" in out and "1 end date(s) lie after as_of" in out
    warnings = out[out.index("Warnings (3; they do not block):"):]
    for rule in ("unresolved_skill", "unvalued_target_group", "start_after_extraction"):
        assert rule in warnings
    assert "PL02: '2025-09-15' (row 3)" in warnings

    result = run_validate("--data", folder, "--valuation", valuation, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["valid"] is True and payload["extraction_date"] == "2025-08-01"
    history = payload["history"]
    assert (history["as_of"], history["reason"]) == ("2025-08-01", "declared")
    assert (history["labelled"], history["censored"], history["future_end_dates"],
            history["starts_after_as_of"]) == (1, 2, 1, 1)
    late = next(w for w in payload["warnings"] if w["rule"] == "start_after_extraction")
    assert late["count"] == 1 and late["examples"][0]["id"] == "PL02"
    assert [w["rule"] for w in payload["warnings"]] == [
        "unresolved_skill", "unvalued_target_group", "start_after_extraction"]


def test_validate_unknown_column_is_listed_with_the_warnings(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    text = (folder / "projects.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",budgethouder"] + [line + ",x" for line in text[1:]]
    (folder / "projects.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run_validate("--data", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    [w] = [w for w in json.loads(result.stdout)["warnings"] if w["rule"] == "unknown_column"]
    assert (w["file"], w["column"], w["count"]) == ("projects.csv", "budgethouder", 1)


def test_validate_bad_manifest_date_exits_2(tmp_path: Path) -> None:
    folder = dataset(tmp_path)
    write_manifest(folder, extraction_date="2025-13-01")
    result = run_validate("--data", folder)
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.stdout.splitlines() if "extraction_date" in line]
    assert line.split()[:5] == ["manifest.json", "extraction_date", "2025-13-01", "type",
                                "error"]
    result = run_validate("--data", folder, "--skip-invalid", "--format", "json")
    assert result.exit_code == 2, result.output
    [problem] = json.loads(result.stdout)
    assert problem["column"] == "extraction_date" and problem["rule"] == "type"


def test_validate_is_quiet_on_the_committed_sample() -> None:
    result = run_validate("--data", ROOT / "data" / "sample")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output
    assert "Reference date (as_of) for the placement history:" in result.stdout

"""Tests written to kill surviving mutants of the validation modules (docs/mutation-testing.md).

Each test pins a detail that the rule tests of ``test_validation.py`` did not: boundaries
(exactly :data:`ROWS_LISTED` rows), fallbacks (values of columns absent from the raw cells),
and the exact wording of messages. They call :func:`validate` and the helpers directly on
in-memory frames, so they are fast.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matching.core.config import Settings
from matching.data.loading import load_dataset
from matching.data.schema import TABLES
from matching.data.validation import ROWS_LISTED, validate
from matching.data.validation_problems import column_rank, rows_text, sentence
from matching.data.validation_references import closest_certificate

PLAIN = Path(__file__).parent / "fixtures" / "dataset"
CUTOFF = Settings().fuzzy_cutoff


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """The plain fixture's tables in canonical form (a clean dataset)."""
    ds = load_dataset(PLAIN).dataset
    return {name: ds.table(name) for name in ("candidates", "projects", "vacancies",
                                              "placements", "valuation")}


def changed(tables: dict[str, pd.DataFrame], table: str, row: int, column: str,
            value: object) -> dict[str, pd.DataFrame]:
    """A copy of ``tables`` with one cell replaced."""
    out = dict(tables)
    frame = tables[table].copy()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    out[table] = frame
    return out


def errors(found) -> list[tuple]:
    return [(p.table, p.row, p.column, p.value, p.rule) for p in found if p.severity == "error"]


# --------------------------------------------------------------------------- helpers


def test_sentence_capitalises_only_the_first_letter() -> None:
    assert sentence("every vacancy serves a project") == "Every vacancy serves a project"
    assert sentence("a") == "A"
    assert sentence("") == ""


def test_rows_text_lists_up_to_the_limit_then_counts() -> None:
    assert rows_text(range(2, 2 + ROWS_LISTED)) == ", ".join(map(str, range(2, 2 + ROWS_LISTED)))
    listed = ", ".join(map(str, range(2, 2 + ROWS_LISTED)))
    assert rows_text(range(2, 3 + ROWS_LISTED)) == f"{listed}, … ({ROWS_LISTED + 1} rows)"


def test_closest_certificate_needs_a_close_enough_name() -> None:
    assert closest_certificate("qqqqzzzz", CUTOFF) is None
    assert closest_certificate("VCA basiss", CUTOFF) is not None


def test_unknown_certificate_without_a_close_name_has_no_hint(tables) -> None:
    found = validate(changed(tables, "candidates", 2, "certificates", ("qqqqzzzz",)))
    [p] = [p for p in found if p.rule == "unknown_code"]
    assert p.message == ("certificate 'qqqqzzzz' does not match the certificate catalogue "
                         "(codes, Dutch or English names; see docs/data-contract.md)")


def test_values_of_columns_absent_from_the_raw_cells_come_from_the_tables(tables) -> None:
    edited = changed(tables, "candidates", 3, "benefit_months", 700.0)
    raw = {"candidates": edited["candidates"].drop(columns=["benefit_months"])}
    found = validate(edited, raw=raw)
    assert errors(found) == [("candidates", 3, "benefit_months", "700.0", "range")]


def test_column_rank_follows_the_schema_and_puts_unknown_columns_last() -> None:
    names = TABLES["candidates"].column_names
    assert column_rank("candidates", "postcode") == names.index("postcode") == 1
    assert column_rank("candidates", "no_such_column") == len(names)
    assert column_rank("no_such_table", "postcode") == 0


def test_unknown_target_group_in_a_list_names_the_known_groups(tables) -> None:
    found = validate(changed(tables, "vacancies", 2, "eligible_target_groups", ("onbekend",)))
    [p] = [p for p in found if p.rule == "unknown_code"]
    assert (p.table, p.row, p.column, p.value) == ("vacancies", 2, "eligible_target_groups",
                                                    "onbekend")
    head, _, known = p.message.partition("; known: ")
    assert head == "'onbekend' is not a known target group"
    assert "participatiewet" in known.split(", ") and known.split(", ") == sorted(known.split(", "))


def test_too_long_message_names_length_limit_and_likely_cause(tables) -> None:
    limit = TABLES["vacancies"].column("title").length_limit
    found = validate(changed(tables, "vacancies", 2, "title", "x" * (limit + 1)))
    [p] = [p for p in found if p.rule == "too_long"]
    assert p.message == (f"title is {limit + 1:,} characters long; at most {limit:,} are allowed "
                         "(a whole text pasted into one cell, or a quote that is never closed?)")


def test_missing_table_message_names_the_table_and_its_aliases(tables) -> None:
    given = {name: frame for name, frame in tables.items() if name != "vacancies"}
    [p] = validate(given)
    assert (p.rule, p.table) == ("missing_table", "vacancies")
    assert p.message == ("required table 'vacancies' is missing: expected a file or sheet named "
                         "'vacancies' or 'vacatures' (.csv, .xlsx or .parquet)")


def test_missing_column_message_lists_accepted_names_and_columns_found(tables) -> None:
    given = dict(tables, vacancies=tables["vacancies"].drop(columns=["title"]))
    [p] = validate(given)
    assert (p.rule, p.table, p.column) == ("missing_column", "vacancies", "title")
    head, _, found = p.message.partition("; columns found: ")
    assert head == ("required column 'title' is missing "
                    "(accepted names: 'title', 'titel', 'functie')")
    assert found.split(", ") == list(given["vacancies"].columns)


def test_empty_history_message_says_to_leave_the_file_out(tables) -> None:
    [p] = validate(dict(tables, placements=tables["placements"].iloc[:0]))
    assert (p.rule, p.table, p.severity) == ("empty_history", "placements", "warning")
    assert p.message == ("placements has a header row but no data rows: there is no placement "
                         "history, so a model cannot be trained on this dataset (shortlists and "
                         "assignments need a trained model); leave the file out when there is "
                         "no history")


def test_empty_table_message_gives_the_reason_and_explains_the_silence(tables) -> None:
    [p] = validate(dict(tables, vacancies=tables["vacancies"].iloc[:0]))
    assert (p.rule, p.table, p.severity) == ("empty_table", "vacancies", "error")
    assert p.message == ("vacancies has a header row but no data rows: the vacancies table is "
                         "empty. Without vacancies there is nothing to match, and the placement "
                         "history refers to vacancies. Problems of other tables that refer to it "
                         "are not listed: this one explains them")


def test_unknown_history_candidate_message_says_the_placement_is_left_out(tables) -> None:
    [p] = validate(changed(tables, "placements", 3, "candidate_id", "C999"))
    assert (p.rule, p.table, p.row, p.value, p.severity) == (
        "history_candidate_unknown", "placements", 3, "C999", "warning")
    assert p.message == ("candidate 'C999' of this placement does not appear in "
                         "candidates.candidate_id: the placement cannot be featurised and is "
                         "left out of the placement history")


def test_date_windows_end_at_the_given_today_unless_an_extraction_date_is_declared(tables) -> None:
    found = validate(tables, today="2000-01-01")
    assert found and {p.rule for p in found} == {"implausible_date"}
    assert all("the reference date, today 2000-01-01, no extraction date declared" in p.message
               for p in found)
    assert validate(tables, today="2040-01-01") == []
    assert validate(tables, extraction_date="2026-12-01", today="2000-01-01") == []

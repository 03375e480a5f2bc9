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

"""Check converted tables against the data contract and report every problem at once.

:func:`validate` runs every rule of :data:`matching.data.schema.RULES` that can be judged on the
converted tables (the loader reports ``unreadable_file``, ``unknown_column`` and ``type``
while reading, because only it sees the files, headers and raw cells). Checks are
vectorised per column; free-text certificate terms are resolved once per distinct term.

Each :class:`~matching.data.schema.Problem` names the file (``name.xlsx[sheet]`` for
workbooks), the row as the user sees it (header = row 1), the column, the raw value, the
rule and a message that names the bad value and what was allowed. ``severity`` is
``"error"`` except for the rules in :data:`WARNING_RULES`.

:func:`dataset_warnings` looks at a *loaded* dataset for things that do not block but that a
person should know before trusting the results (:data:`DATASET_WARNING_RULES`): skill and
occupation terms that do not resolve to the reference vocabularies, target groups the
valuation table does not value, and placements that start after the extraction date. Each
finding is one :class:`DataWarning` with a count and the first examples.

Values never reach a message or report at full length: :func:`shorten_value` cuts every
value longer than :data:`VALUE_SHOWN_MAX` characters to its first :data:`VALUE_PREVIEW`
characters plus its length (``'aaaa…(1000000 chars)'``), in problems, messages, warnings
and the ``_reasons`` of rejected rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from features.vocabulary import Vocabulary, normalise_term
from matching.core.config import Settings
from matching.data import reference
from matching.data.schema import RULES, TABLES, Column, DateWindow, Problem, TableSchema

if TYPE_CHECKING:
    from features.profiles import Vocabularies
    from matching.data.dataset import Dataset

__all__ = [
    "DATASET_WARNING_RULES",
    "LEFT_OUT_RULES",
    "PROBLEM_COLUMNS",
    "UNRESOLVED_SHARE",
    "WARNING_RULES",
    "DataWarning",
    "WarningExample",
    "dataset_warnings",
    "make_problems",
    "problems_frame",
    "range_text",
    "render_problems",
    "render_warnings",
    "severity_of",
    "shorten_value",
    "sort_problems",
    "summarise_warnings",
    "too_long_mask",
    "validate",
]

DATASET_WARNING_RULES: frozenset[str] = frozenset(
    {"unresolved_skill", "unresolved_occupation", "unvalued_target_group",
     "start_after_extraction"})
"""Warnings :func:`dataset_warnings` finds on a loaded dataset (counts and first examples)."""

LEFT_OUT_RULES: frozenset[str] = frozenset({"history_candidate_unknown"})
"""Warnings whose rows the loader leaves out of the loaded table (they cannot be used, but
they do not block the rest): placements of candidates that are not in the candidates table."""

WARNING_RULES: frozenset[str] = (frozenset({"unknown_column", "empty_history", "unusual_date"})
                                 | LEFT_OUT_RULES | DATASET_WARNING_RULES)
"""Rules whose findings are warnings: the data was cleaned, ignored or is doubtful, not rejected."""

VALUE_SHOWN_MAX = 80
"""Values up to this many characters are shown in full in problems and messages."""

VALUE_PREVIEW = 40
"""A longer value is shown as its first this many characters plus its length."""

ROWS_LISTED = 10
"""Rows listed in one message (e.g. where a duplicate id occurs) before ``…``."""

UNRESOLVED_SHARE = 0.02
"""Unresolved skill / occupation terms of a column are reported when they are more than this
share of the column's terms. A few typos are normal (the fuzzy match absorbs most; on the
committed sample about 0.5% of the skill terms stay unresolved); a larger share means a
vocabulary the reference does not know (another language, internal codes, abbreviations)."""

TOP_TERMS = 20
"""Unresolved terms listed per column, most frequent first."""

FIRST_EXAMPLES = 5
"""Examples listed for the other dataset warnings."""

NEAREST_CUTOFF = 70.0
"""Minimum rapidfuzz ``ratio`` score (0-100) for the "nearest known term" of an unresolved term."""

PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "column", "value", "rule", "message", "severity")

_TABLE_ORDER = {name: i for i, name in enumerate(TABLES)}


def shorten_value(value: object, limit: int = VALUE_SHOWN_MAX) -> str:
    """A value as it may be shown: in full up to ``limit`` characters, else cut.

    The one helper every problem, message and report uses, so that a megabyte pasted into
    a cell never reaches a terminal, a JSON report or the reasons of a rejected-rows file.

    Examples
    --------
    >>> shorten_value("Grondwerker")
    'Grondwerker'
    >>> shorten_value("x" * 1_000_000)
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…(1000000 chars)'
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    return f"{text[:min(VALUE_PREVIEW, limit)]}…({len(text)} chars)"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reference_date(extraction_date: str | None = None,
                   today: str | pd.Timestamp | None = None) -> tuple[pd.Timestamp, str]:
    """The day the date windows are relative to, and how to name it in messages.

    The declared extraction date (``Dataset.extraction_date``), else today.
    """
    if extraction_date:
        day = pd.Timestamp(extraction_date).normalize()
        return day, f"the declared extraction date {day.date()}"
    day = (pd.Timestamp.today() if today is None else pd.Timestamp(today)).normalize()
    return day, f"today {day.date()}, no extraction date declared"


def _rows_text(rows: Iterable[object]) -> str:
    """``2, 3, 7`` (at most :data:`ROWS_LISTED` rows, then ``…``)."""
    rows = list(rows)
    listed = ", ".join(str(r) for r in rows[:ROWS_LISTED])
    return listed + (f", … ({len(rows)} rows)" if len(rows) > ROWS_LISTED else "")


def too_long_mask(values: pd.Series, column: Column) -> pd.Series:
    """Cells longer than the column's :attr:`~matching.data.schema.Column.length_limit`.

    ``values`` are the cells as read (text); typed cells (numbers, list tuples of in-memory
    frames) count with the length of their text.
    """
    limit = column.length_limit
    if isinstance(values.dtype, pd.StringDtype):  # the cells as read
        lengths = values.str.len()
    else:
        lengths = values.map(lambda v: len(";".join(map(str, v))) if isinstance(v, tuple)
                             else 0 if v is None or (isinstance(v, float) and np.isnan(v))
                             else len(str(v)))
    return (lengths.fillna(0) > limit).astype(bool)


def severity_of(rule: str) -> str:
    """``"warning"`` for :data:`WARNING_RULES`, else ``"error"``."""
    if rule not in RULES:
        raise KeyError(f"unknown rule {rule!r}; known: {', '.join(RULES)}")
    return "warning" if rule in WARNING_RULES else "error"


def make_problems(
    table: str,
    file: str,
    column: str | None,
    rows: Iterable[object],
    values: Iterable[object],
    rule: str,
    messages: Iterable[str],
) -> list[Problem]:
    """One :class:`Problem` per flagged row (the vectorised checks call this on hits only).

    Values (and column names, which may come from a broken header) are shortened with
    :func:`shorten_value`; messages must be built from shortened values too.
    """
    severity = severity_of(rule)
    column = None if column is None else shorten_value(column)
    return [
        Problem(
            file=file,
            row=None if row is None else int(row),  # type: ignore[call-overload]
            column=column,
            value=None if value is None else shorten_value(value),
            rule=rule,
            message=message,
            table=table,
            severity=severity,
        )
        for row, value, message in zip(rows, values, messages, strict=True)
    ]


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in a stable reading order: table, file, row (file-level first), column order."""

    def key(p: Problem) -> tuple:
        schema = TABLES.get(p.table)
        names = schema.column_names if schema else ()
        col_rank = names.index(p.column) if p.column in names else len(names)
        return (_TABLE_ORDER.get(p.table, len(_TABLE_ORDER)), p.file,
                -1 if p.row is None else p.row, col_rank, p.column or "", p.rule, p.value or "")

    return sorted(problems, key=key)


def range_text(column: Column) -> str:
    """Human-readable allowed range, e.g. ``'> 0 and <= 60'``."""
    parts = []
    if column.min is not None:
        parts.append(f"{'>' if column.min_exclusive else '>='} {column.min:g}")
    if column.max is not None:
        parts.append(f"<= {column.max:g}")
    return " and ".join(parts)


# --------------------------------------------------------------------------- reference data


@lru_cache(maxsize=4)
def _certificate_vocabulary(cutoff: float) -> tuple[Vocabulary, tuple[str, ...], tuple[str, ...]]:
    """The certificate :class:`Vocabulary` plus normalised names and display labels for hints."""
    frame = reference.certificates()
    entries = []
    norm_names: list[str] = []
    labels: list[str] = []
    for row in frame.itertuples(index=False):
        names = [n for n in (row.label_nl, row.label_en, *row.synonyms) if isinstance(n, str) and n]
        entries.append((row.code, names))
        for name in (row.code, *names):
            norm_names.append(normalise_term(name))
            labels.append(row.label_nl if isinstance(row.label_nl, str) else row.code)
    return Vocabulary(entries, cutoff=cutoff, name="certificate"), tuple(norm_names), tuple(labels)


@lru_cache(maxsize=1)
def _reference_target_groups() -> frozenset[str]:
    return frozenset(reference.target_groups()["code"].astype(str).str.lower())


@lru_cache(maxsize=1)
def _reference_postcodes() -> frozenset[str]:
    return frozenset(reference.postcodes()["pc4"].astype(str))


@lru_cache(maxsize=1)
def _reference_municipalities() -> frozenset[str]:
    return frozenset(reference.municipalities()["gm_code"].astype(str))


def _closest_certificate(term: str, cutoff: float) -> str | None:
    _, names, labels = _certificate_vocabulary(cutoff)
    best = process.extractOne(normalise_term(term), names, scorer=fuzz.WRatio, score_cutoff=60)
    return None if best is None else labels[best[2]]


# --------------------------------------------------------------------------- validate


def _isin(values: pd.Series, allowed: Iterable[object]) -> pd.Series:
    """``values.isin(allowed)`` through a hash table (Arrow-backed ``isin`` is per value)."""
    return values.astype(object).isin(set(allowed))



class _Checker:
    """Runs the rules over one dataset; collects problems in ``self.problems``."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        raw: Mapping[str, pd.DataFrame],
        sources: Mapping[str, str],
        settings: Settings,
        location: str,
        reference: tuple[pd.Timestamp, str],
    ) -> None:
        self.tables = dict(tables)
        self.raw = raw
        self.sources = sources
        self.settings = settings
        self.location = location
        self.reference, self.reference_text = reference
        self.problems: list[Problem] = []
        self.empty_tables: set[str] = set()
        """Given tables without rows: reported once, and never the target of a reference."""

    # helpers ---------------------------------------------------------------------------
    def file(self, table: str) -> str:
        return self.sources.get(table, table)

    def raw_values(self, table: str, column: str, rows: pd.Index) -> list[str]:
        raw = self.raw[table]
        if column in raw.columns:
            return [str(v) for v in raw.loc[rows, column]]
        return [str(v) for v in self.tables[table].loc[rows, column]]

    def present(self, table: str, column: str) -> bool:
        return column in self.raw[table].columns

    def empty(self, table: str, column: str) -> pd.Series:
        """Cells the user left empty (absent columns count as empty)."""
        raw = self.raw[table]
        if column not in raw.columns:
            return pd.Series(True, index=raw.index)
        values = raw[column]
        return values.isna() | (values.astype("str").str.strip() == "")

    def add_table_problem(self, table: str, column: str | None, rule: str, message: str) -> None:
        """A problem about the whole table (no row)."""
        self.problems += make_problems(table, self.file(table), column, [None], [None], rule,
                                       [message])

    def add(self, table: str, column: str | None, mask: pd.Series, rule: str,
            message: object, values: Sequence[object] | None = None) -> None:
        """Report every row where ``mask`` holds; ``message`` maps a (shortened) raw value to
        text."""
        rows = mask.index[mask.to_numpy(dtype=bool)]
        if len(rows) == 0:
            return
        if values is None:
            values = self.raw_values(table, column, rows) if column else [None] * len(rows)
        shown = [None if v is None else shorten_value(v) for v in values]
        texts = [message(v) if callable(message) else str(message) for v in shown]
        self.problems += make_problems(table, self.file(table), column, rows, shown, rule, texts)

    # rules -----------------------------------------------------------------------------
    def check_tables(self) -> None:
        for schema in TABLES.values():
            if schema.name in self.tables and self.check_empty(schema):
                continue
            if schema.name in self.tables:
                self.check_lengths(schema)
                self.check_table(schema)
            elif schema.required_table:
                names = " or ".join(f"'{n}'" for n in (schema.name, *schema.aliases))
                self.problems += make_problems(
                    schema.name, self.location, None, [None], [None], "missing_table",
                    [f"required table {schema.name!r} is missing: expected a file or sheet "
                     f"named {names} (.csv, .xlsx or .parquet)"],
                )
        self.check_foreign_keys()

    def check_empty(self, schema: TableSchema) -> bool:
        """One problem for a given table without rows (and nothing else about it)."""
        name = schema.name
        given = name in self.sources if self.sources else True
        if not given or len(self.tables[name]):
            return False
        file = self.file(name)
        if len(self.raw[name].columns):
            what = f"{file} has a header row but no data rows"
        else:
            what = f"{file} holds nothing, not even a header row"
        if schema.empty_rule == "empty_history":
            message = (f"{what}: there is no placement history, so a model cannot be trained "
                       "on this dataset (shortlists and assignments need a trained model); "
                       "leave the file out when there is no history")
        else:
            message = (f"{what}: the {name} table is empty. "
                       + _sentence(schema.empty_why or f"{name} must hold at least one row")
                       + ". Problems of other tables that refer to it are not listed: this one "
                       "explains them")
        self.add_table_problem(name, None, schema.empty_rule, message)
        self.empty_tables.add(name)
        return True

    def check_lengths(self, schema: TableSchema) -> None:
        """``too_long`` per cell; the other rules then see such a cell as missing."""
        name = schema.name
        frame = self.tables[name]
        masked = None
        for column in schema.columns:
            if not self.present(name, column.name) or column.name not in frame.columns:
                continue
            long = too_long_mask(self.raw[name][column.name], column)
            if not long.any():
                continue
            lengths = self.raw[name].loc[long, column.name].map(
                lambda v: len(";".join(map(str, v))) if isinstance(v, tuple) else len(str(v)))
            limit = column.length_limit
            self.problems += make_problems(
                name, self.file(name), column.name, lengths.index,
                self.raw_values(name, column.name, lengths.index), "too_long",
                [f"{column.name} is {n:,} characters long; at most {limit:,} are allowed (a "
                 "whole text pasted into one cell, or a quote that is never closed?)"
                 for n in lengths])
            masked = frame.copy() if masked is None else masked
            masked[column.name] = masked[column.name].mask(long.reindex(masked.index,
                                                                        fill_value=False))
        if masked is not None:
            self.tables[name] = masked

    def check_table(self, schema: TableSchema) -> None:
        frame = self.tables[schema.name]
        for column in schema.columns:
            if column.required and not self.present(schema.name, column.name):
                accepted = ", ".join(repr(n) for n in (column.name, *column.aliases))
                found = shorten_value(", ".join(shorten_value(c) for c in
                                                self.raw[schema.name].columns) or "none", 2000)
                self.add_table_problem(
                    schema.name, column.name, "missing_column",
                    f"required column {column.name!r} is missing (accepted names: "
                    f"{accepted}); columns found: {found}")
                continue
            if column.name not in frame.columns:
                continue
            if column.required:
                self.add(schema.name, column.name, self.empty(schema.name, column.name),
                         "required", f"{column.name} is required but empty", values=None)
            self.check_values(schema, column, frame[column.name])
            if column.window is not None:
                self.check_window(schema, column, frame[column.name])
        self.check_one_of(schema)
        self.check_duplicates(schema, frame)
        self.check_date_order(schema, frame)

    def check_one_of(self, schema: TableSchema) -> None:
        for group in schema.one_of:
            names = ", ".join(group)
            if not any(self.present(schema.name, c) for c in group):
                self.add_table_problem(schema.name, group[0], "missing_column",
                                       f"one of the columns {names} is required; none was found")
                continue
            mask = pd.concat([self.empty(schema.name, c) for c in group], axis=1).all(axis=1)
            self.add(schema.name, group[0], mask, "one_of",
                     f"at least one of {names} needs a value", values=None)

    def check_values(self, schema: TableSchema, column: Column, values: pd.Series) -> None:
        table = schema.name
        if column.kind == "list":
            self.check_list(schema, column, values)
            return
        present = values.notna()
        if column.allowed is not None:
            allowed = ", ".join(column.allowed)
            self.add(table, column.name, present & ~_isin(values, column.allowed), "allowed_values",
                     lambda v: f"{v!r} is not one of {allowed}")
        if column.vocabulary == "target_group":
            known = self.target_group_codes()
            listed = ", ".join(sorted(known))
            self.add(table, column.name, present & ~_isin(values, known), "unknown_code",
                     lambda v: f"{v!r} is not a known target group; known: {listed}")
        if column.kind == "postcode":
            self.add(table, column.name, present & ~_isin(values, _reference_postcodes()),
                     "unknown_postcode", lambda v: f"{v!r} is not a known Dutch postcode (PC4)")
        if column.kind == "municipality":
            self.add(table, column.name, present & ~_isin(values, _reference_municipalities()),
                     "unknown_municipality",
                     lambda v: f"{v!r} is not a known CBS municipality code or name "
                               "(e.g. GM0014 or Groningen)")
        if column.kind in ("int", "float") and (column.min is not None or column.max is not None):
            numbers = values.astype("float64")
            bad = pd.Series(False, index=values.index)
            if column.min is not None:
                bad |= numbers <= column.min if column.min_exclusive else numbers < column.min
            if column.max is not None:
                bad |= numbers > column.max
            allowed_range = range_text(column)
            self.add(table, column.name, bad & present, "range",
                     lambda v: f"{v!r} is outside the allowed range ({allowed_range})")

    def check_window(self, schema: TableSchema, column: Column, values: pd.Series) -> None:
        """``implausible_date`` outside the column's window; ``unusual_date`` for odd ones."""
        window: DateWindow = column.window  # type: ignore[assignment]
        ref = self.reference
        shift = abs(window.latest_years)
        sign = "plus" if window.latest_years >= 0 else "minus"
        if column.kind == "date":
            earliest = pd.Timestamp(window.earliest)
            latest = ref + pd.DateOffset(years=window.latest_years)
            dates = pd.to_datetime(values)
            bad = (dates < earliest) | (dates > latest)
            lo, hi = str(earliest.date()), str(latest.date())
            odd = (dates < ref - pd.DateOffset(years=window.unusual_before_years)
                   if window.unusual_before_years is not None else None)
        else:  # a year column
            years = values.astype("float64")
            earliest_year = pd.Timestamp(window.earliest).year
            latest_year = ref.year + window.latest_years
            bad = (years < earliest_year) | (years > latest_year)
            lo, hi = str(earliest_year), str(latest_year)
            odd = (years < ref.year - window.unusual_before_years
                   if window.unusual_before_years is not None else None)
        bad = bad.fillna(False).astype(bool)
        self.add(schema.name, column.name, bad, "implausible_date",
                 lambda v: f"{column.name} {v!r} lies outside the plausible window {lo} to "
                           f"{hi} ({window.reason}; the end is the reference date, "
                           f"{self.reference_text}, {sign} {shift} years)")
        if odd is not None:
            odd = odd.fillna(False).astype(bool) & ~bad
            self.add(schema.name, column.name, odd, "unusual_date",
                     lambda v: f"{column.name} {v!r} lies more than "
                               f"{window.unusual_before_years} years before the reference date "
                               f"({self.reference_text}): possible, but odd; check it")

    def check_list(self, schema: TableSchema, column: Column, values: pd.Series) -> None:
        terms = values.explode().dropna()
        if terms.empty:
            return
        table = schema.name
        if column.allowed is not None:
            allowed = ", ".join(column.allowed)
            bad = terms[~_isin(terms, column.allowed)]
            self.add_terms(table, column.name, bad, "allowed_values",
                           lambda t: f"{t!r} is not one of {allowed}")
        if column.vocabulary == "target_group":
            known = self.target_group_codes()
            listed = ", ".join(sorted(known))
            bad = terms[~_isin(terms, known)]
            self.add_terms(table, column.name, bad, "unknown_code",
                           lambda t: f"{t!r} is not a known target group; known: {listed}")
        if column.vocabulary == "certificate":
            vocabulary = _certificate_vocabulary(self.settings.fuzzy_cutoff)[0]
            resolved = {t: vocabulary.resolve(t) for t in terms.unique()}
            bad = terms[terms.map(resolved).isna()]
            self.add_terms(table, column.name, bad, "unknown_code", self.certificate_message)

    def certificate_message(self, term: str) -> str:
        hint = _closest_certificate(term, self.settings.fuzzy_cutoff)
        tip = f"; did you mean {hint!r}?" if hint else ""
        return (f"certificate {term!r} does not match the certificate catalogue "
                f"(codes, Dutch or English names; see docs/data-contract.md){tip}")

    def add_terms(self, table: str, column: str, bad: pd.Series, rule: str, message) -> None:
        if bad.empty:
            return
        shown = [shorten_value(t) for t in bad.tolist()]
        self.problems += make_problems(
            table, self.file(table), column, bad.index, shown, rule, [message(t) for t in shown],
        )

    def target_group_codes(self) -> frozenset[str]:
        codes = set(_reference_target_groups())
        valuation = self.tables.get("valuation")
        if valuation is not None and "target_group" in valuation.columns:
            codes |= set(valuation["target_group"].dropna().astype(str))
        return frozenset(codes)

    def check_duplicates(self, schema: TableSchema, frame: pd.DataFrame) -> None:
        if not schema.key or schema.key not in frame.columns:
            return
        ids = frame[schema.key]
        dup = ids.notna() & ids.duplicated(keep=False)
        if not dup.any():
            return
        rows_by_id = ids[dup].groupby(ids[dup], sort=False).groups
        where = {shorten_value(k): _rows_text(v) for k, v in rows_by_id.items()}
        counts = {shorten_value(k): len(v) for k, v in rows_by_id.items()}
        values = ids[dup].tolist()
        self.add(schema.name, schema.key, dup, "duplicate_id",
                 lambda v: f"{v!r} occurs {counts[v]} times (rows {where[v]})", values=values)

    def check_date_order(self, schema: TableSchema, frame: pd.DataFrame) -> None:
        for earlier, later in schema.date_order:
            if earlier not in frame.columns or later not in frame.columns:
                continue
            bad = (frame[later] < frame[earlier]).fillna(False).astype(bool)
            rows = bad.index[bad.to_numpy()]
            if len(rows) == 0:
                continue
            starts = [shorten_value(v) for v in self.raw_values(schema.name, earlier, rows)]
            ends = [shorten_value(v) for v in self.raw_values(schema.name, later, rows)]
            self.problems += make_problems(
                schema.name, self.file(schema.name), later, rows, ends, "date_order",
                [f"{later} {e!r} lies before {earlier} {s!r}" for s, e in zip(starts, ends,
                                                                             strict=True)],
            )

    def check_foreign_keys(self) -> None:
        for schema in TABLES.values():
            if schema.name not in self.tables:
                continue
            frame = self.tables[schema.name]
            if schema.name in self.empty_tables:
                continue
            for fk in schema.foreign_keys:
                parent = self.tables.get(fk.table)
                if (parent is None or fk.table in self.empty_tables
                        or fk.column not in frame.columns or fk.target not in parent):
                    continue  # a missing, unreadable or empty parent is reported once
                values = frame[fk.column]
                bad = values.notna() & ~_isin(values, parent[fk.target].dropna())
                target = f"{fk.table}.{fk.target}"
                if fk.unknown_rule == "history_candidate_unknown":
                    self.add(schema.name, fk.column, bad, fk.unknown_rule,
                             lambda v, target=target: (
                                 f"candidate {v!r} of this placement does not appear in "
                                 f"{target}: the placement cannot be featurised and is left "
                                 "out of the placement history"))
                    continue
                self.add(schema.name, fk.column, bad, fk.unknown_rule,
                         lambda v, target=target: f"{v!r} does not exist in {target}")


def validate(
    tables: Mapping[str, pd.DataFrame],
    *,
    raw: Mapping[str, pd.DataFrame] | None = None,
    sources: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    location: str = "",
    extraction_date: str | None = None,
    today: str | pd.Timestamp | None = None,
) -> list[Problem]:
    """Check converted tables against the contract; return every problem found.

    A table that is given (named in ``sources``; without ``sources``: present in
    ``tables``) but has no rows is one problem (its ``empty_rule``) and nothing else, and
    references into it are not checked. A cell longer than its column allows is one
    ``too_long`` problem; the other rules see it as missing. Dates and years outside their
    column's window are ``implausible_date`` (``unusual_date`` for a possible but odd one).

    Parameters
    ----------
    tables : mapping of table name to DataFrame
        Tables in canonical form (see :mod:`matching.data.schema`); index = row as the user sees
        it. Absent required tables are reported as ``missing_table``.
    raw : mapping of table name to DataFrame, optional
        The cells as read (text), canonical column names, same index. Used to report raw
        values and to tell empty cells from cells that failed conversion (those were
        already reported as ``type`` by the loader). Columns absent from ``raw`` count as
        absent from the file. Defaults to ``tables`` itself.
    sources : mapping of table name to file label, optional
        ``candidates.csv`` or ``dataset.xlsx[kandidaten]``; defaults to the table name.
    settings : Settings, optional
        ``fuzzy_cutoff`` decides which free-text certificate terms resolve.
    location : str
        Label of the dataset (folder or workbook) used as ``file`` for ``missing_table``.
    extraction_date : str, optional
        The declared extraction date (ISO): the date windows end relative to it.
    today : date-like, optional
        Without an extraction date the windows end relative to this day (default today).

    Returns
    -------
    list of Problem
        Sorted by table, row and column; empty when the tables meet the contract.

    Examples
    --------
    >>> import pandas as pd
    >>> projects = pd.DataFrame({"project_id": ["P1"], "name": ["Dijk"],
    ...     "contracting_authority": ["GM0014"], "contractor_id": ["E1"],
    ...     "contract_value_eur": [1e6], "sroi_percentage": [150.0]}, index=[2])
    >>> [(p.row, p.column, p.rule) for p in validate({"projects": projects})
    ...  if p.table == "projects"]
    [(2, 'sroi_percentage', 'range')]
    """
    raw = dict(raw) if raw is not None else {}
    for name, frame in tables.items():
        raw.setdefault(name, frame)
    checker = _Checker(tables, raw, dict(sources or {}), settings or Settings(), location,
                       _reference_date(extraction_date, today))
    checker.check_tables()
    return sort_problems(checker.problems)


# --------------------------------------------------------------------------- dataset warnings


@dataclass(frozen=True)
class WarningExample:
    """One example behind a :class:`DataWarning`: a value, how often and where it occurs.

    ``rows`` are the first rows as the user sees them (header = row 1); ``nearest`` is the
    closest known vocabulary term for an unresolved term; ``id`` the row's key (e.g. the
    placement id).
    """

    value: str
    count: int = 1
    rows: tuple[int, ...] = ()
    nearest: str | None = None
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "rows": list(self.rows),
                "nearest": self.nearest, "id": self.id}

    def text(self) -> str:
        """``'Timmerne' 5x (rows 12, 40, 77); nearest: Timmeren``."""
        head = f"{shorten_value(self.id)}: " if self.id else ""
        parts = [f"{head}{shorten_value(self.value)!r}"
                 + (f" {self.count}x" if self.count > 1 else "")]
        if self.rows:
            more = "…" if self.count > len(self.rows) else ""
            label = "row" if len(self.rows) == 1 and not more else "rows"
            parts.append(f"({label} {', '.join(map(str, self.rows))}{more})")
        text = " ".join(parts)
        return text + (f"; nearest: {self.nearest}" if self.nearest else "")


@dataclass(frozen=True)
class DataWarning:
    """A finding that does not block: rule, where, how many and the first examples.

    ``count`` counts what the rule is about (term occurrences, candidates, placements); the
    ``examples`` are the most frequent (terms) or first (rows) cases.
    """

    rule: str
    table: str
    file: str
    column: str | None
    count: int
    message: str
    examples: tuple[WarningExample, ...] = ()

    @property
    def severity(self) -> str:
        return "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "table": self.table, "file": self.file,
                "column": self.column, "count": self.count, "message": self.message,
                "severity": self.severity, "examples": [e.to_dict() for e in self.examples]}


_TERM_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("unresolved_skill", "skill", "candidates", "skills"),
    ("unresolved_skill", "skill", "vacancies", "required_skills"),
    ("unresolved_skill", "skill", "vacancies", "preferred_skills"),
    ("unresolved_occupation", "occupation", "candidates", "occupations"),
    ("unresolved_occupation", "occupation", "vacancies", "occupation"),
)
"""(rule, vocabulary kind, table, column) of the free-text columns checked for unresolved
terms. Certificates are not here: an unresolved certificate is an error (``unknown_code``)."""

_RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


def _first_rows(rows: Iterable[object], n: int = 3) -> tuple[int, ...]:
    return tuple(sorted({int(r) for r in rows})[:n])  # type: ignore[call-overload]


@lru_cache(maxsize=2)
def _vocabularies(cutoff: float) -> Vocabularies:
    """The vocabularies the profiles resolve with (:mod:`features.profiles`), built once."""
    from features.profiles import Vocabularies

    return Vocabularies.from_reference(cutoff=cutoff)


class _Nearest:
    """The closest known name of a vocabulary (id, label or synonym) to an unresolved term.

    Plain edit similarity (:func:`rapidfuzz.fuzz.ratio`): the partial matching of ``WRatio``
    that resolution uses would suggest long names that merely contain a similar word.
    """

    def __init__(self, vocabularies: Vocabularies, kind: str) -> None:
        self.names: list[str] = []
        self.shown: list[str] = []
        for entry_id, names in vocabularies.entries.get(kind, []):
            for name in (*names, entry_id):
                norm = normalise_term(name)
                if norm:
                    self.names.append(norm)
                    self.shown.append(str(name))

    def __call__(self, term: str) -> str | None:
        best = process.extractOne(normalise_term(term), self.names, scorer=fuzz.ratio,
                                  score_cutoff=NEAREST_CUTOFF)
        return None if best is None else self.shown[best[2]]


def _column_terms(frame: pd.DataFrame, table: str, column: str) -> pd.Series:
    """Every term of a list column (or the value of a text column), index = row."""
    values = frame[column]
    if TABLES[table].column(column).kind == "list":
        values = values.explode()
    terms = values.dropna().astype(object)
    return terms[terms.map(lambda t: isinstance(t, str) and bool(t.strip()))]


def _unresolved_terms(dataset: Dataset, vocabularies: Vocabularies) -> list[DataWarning]:
    found: list[DataWarning] = []
    nearest: dict[str, _Nearest] = {}
    for rule, kind, table, column in _TERM_COLUMNS:
        frame = dataset.table(table)
        if column not in frame.columns or frame.empty:
            continue
        terms = _column_terms(frame, table, column)
        if terms.empty:
            continue
        distinct = list(dict.fromkeys(terms.tolist()))
        if kind == "skill":
            prefetch = getattr(vocabularies.skills, "prefetch", None)
            if prefetch is not None:
                prefetch(distinct)
            resolved = {t: vocabularies.skills.resolve(t) is not None for t in distinct}
        else:
            vocabularies.prefetch_occupations(distinct)
            resolved = {t: vocabularies.occupation(t) is not None for t in distinct}
        bad = terms[~terms.map(resolved).astype(bool)]
        if len(bad) <= UNRESOLVED_SHARE * len(terms):
            continue
        norm = bad.map(normalise_term)
        groups = sorted(norm.groupby(norm, sort=False).groups.items(),
                        key=lambda kv: (-len(kv[1]), kv[0]))
        near = nearest.setdefault(kind, _Nearest(vocabularies, kind))
        examples = []
        for key, _ in groups[:TOP_TERMS]:
            hits = bad[(norm == key).to_numpy()]
            spellings = hits.tolist()  # the most frequent way it is written, first on a tie
            spelling = max(dict.fromkeys(spellings), key=spellings.count)
            examples.append(WarningExample(str(spelling), len(hits), _first_rows(hits.index),
                                           near(str(spelling))))
        share = len(bad) / len(terms)
        found.append(DataWarning(
            rule, table, dataset.sources.get(table, table), column, len(bad),
            f"{len(bad)} of {len(terms)} {kind} terms ({share:.1%}; {len(groups)} distinct) do "
            f"not resolve to the {kind} vocabulary, so they only match the very same text; "
            "correct them or use a known term (most frequent first, with the nearest known "
            "term)",
            tuple(examples)))
    return found


def _unvalued_target_groups(dataset: Dataset) -> list[DataWarning]:
    valuation = dataset.valuation
    valued = (set(valuation["target_group"].dropna().astype(str).str.lower())
              if "target_group" in valuation.columns else set())
    where = dataset.sources.get("valuation", "the default valuation")
    found = []
    for table, column, what in (("candidates", "target_group", "candidate(s) have"),
                                ("vacancies", "eligible_target_groups", "vacancy row(s) list")):
        frame = dataset.table(table)
        if column not in frame.columns or frame.empty:
            continue
        codes = _column_terms(frame, table, column).astype(str)
        bad = codes[~_isin(codes.str.lower(), valued)]
        if bad.empty:
            continue
        counts = sorted(bad.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))
        examples = tuple(WarningExample(str(code), int(n), _first_rows(bad.index[bad == code]))
                         for code, n in counts)
        rows = bad.index.nunique()
        listed = ", ".join(f"{c!r}" for c, _ in counts)
        found.append(DataWarning(
            "unvalued_target_group", table, dataset.sources.get(table, table), column, rows,
            f"{rows} {what} a target group without a row in the valuation table ({where}): "
            f"{listed}. Such placements count 0 EUR towards an SROI obligation; add the group "
            "to the valuation table (--valuation) if it should count.", examples))
    return found


def _starts_after_extraction(dataset: Dataset, today: pd.Timestamp | None) -> list[DataWarning]:
    placements = dataset.placements
    if placements.empty or "start_date" not in placements.columns:
        return []
    today = (pd.Timestamp.today() if today is None else pd.Timestamp(today)).normalize()
    declared = (pd.Timestamp(dataset.extraction_date).normalize()
                if dataset.extraction_date else None)
    if declared is not None and declared <= today:
        limit, what = declared, f"the declared extraction date {declared.date()}"
    elif declared is not None:
        limit, what = today, (f"today ({today.date()}; the declared extraction date "
                              f"{declared.date()} lies in the future)")
    else:
        limit, what = today, f"today ({today.date()}; no extraction date declared)"
    start = pd.to_datetime(placements["start_date"])
    late = placements[(start > limit).to_numpy()]
    if late.empty:
        return []
    ids = late["placement_id"] if "placement_id" in late.columns else pd.Series(None, late.index)
    examples = tuple(
        WarningExample(str(pd.Timestamp(day).date()), 1, (int(row),),
                       id=None if pd.isna(ident) else str(ident))
        for row, day, ident in zip(late.index[:FIRST_EXAMPLES],
                                   late["start_date"].iloc[:FIRST_EXAMPLES],
                                   ids.iloc[:FIRST_EXAMPLES], strict=True))
    return [DataWarning(
        "start_after_extraction", "placements", dataset.sources.get("placements", "placements"),
        "start_date", len(late),
        f"{len(late)} placement(s) start after {what}: a history export cannot hold them yet. "
        "They are planned placements, never outcomes (training counts them as censored); "
        "check the extraction date or the start dates.", examples)]


def dataset_warnings(
    dataset: Dataset,
    settings: Settings | None = None,
    *,
    vocabularies: Vocabularies | None = None,
    today: str | pd.Timestamp | None = None,
) -> list[DataWarning]:
    """Findings on a loaded dataset that do not block, each with a count and first examples.

    Rules (:data:`DATASET_WARNING_RULES`, documented in ``docs/data-contract.md``):

    * ``unresolved_skill`` / ``unresolved_occupation``: per column, when more than
      :data:`UNRESOLVED_SHARE` of its terms resolve to nothing; the :data:`TOP_TERMS` most
      frequent unresolved terms with the nearest known term. Terms are resolved exactly as
      :func:`features.profiles.build_profiles` resolves them;
    * ``unvalued_target_group``: candidates (and vacancies' eligible groups) whose target group
      has no row in the valuation table in use;
    * ``start_after_extraction``: placements that start after the declared extraction date (or
      after ``today`` when none is declared or it lies in the future).

    Parameters
    ----------
    dataset : Dataset
        A dataset as :func:`matching.data.loading.load_dataset` returns it.
    settings : Settings, optional
        ``fuzzy_cutoff`` decides which terms resolve; ``term_cache`` (when set) is read and
        updated, as when profiles are built.
    vocabularies : Vocabularies, optional
        Default :meth:`features.profiles.Vocabularies.from_reference` with the cut-off.
    today : date-like, optional
        The current date (default: today); only used when no extraction date is declared or
        the declared one lies in the future.

    Returns
    -------
    list of DataWarning
        In rule order, then table and column order; empty when there is nothing to report.

    Examples
    --------
    >>> from matching.data.dataset import Dataset
    >>> from matching.data.reference import default_valuation
    >>> candidates = pd.DataFrame({"candidate_id": ["C1", "C2"], "target_group": ["ww", "zzp"],
    ...     "skills": [("metselen",), ("kwispelen",)]}, index=[2, 3])
    >>> empty = pd.DataFrame()
    >>> ds = Dataset(candidates, empty, empty, empty, default_valuation())
    >>> [(w.rule, w.column, w.count) for w in dataset_warnings(ds)]
    [('unresolved_skill', 'skills', 1), ('unvalued_target_group', 'target_group', 1)]
    """
    settings = settings or Settings()
    if vocabularies is None:
        vocabularies = _vocabularies(float(settings.fuzzy_cutoff))
    cache = settings.term_cache or None
    if cache is not None:
        from features.term_cache import KINDS, load_term_cache, memo_of, save_term_cache

        known = load_term_cache(vocabularies, cache)
    found = _unresolved_terms(dataset, vocabularies)
    if cache is not None:
        total = sum(len(memo_of(getattr(vocabularies, kind))) for kind in KINDS)
        if total != known:
            save_term_cache(vocabularies, cache)
    found += _unvalued_target_groups(dataset)
    found += _starts_after_extraction(dataset, None if today is None else pd.Timestamp(today))
    return sorted(found, key=lambda w: (_RULE_ORDER.get(w.rule, len(_RULE_ORDER)),
                                        _TABLE_ORDER.get(w.table, len(_TABLE_ORDER)),
                                        _column_rank(w.table, w.column)))


def _column_rank(table: str, column: str | None) -> int:
    schema = TABLES.get(table)
    names = schema.column_names if schema else ()
    return names.index(column) if column in names else len(names)


def summarise_warnings(problems: Iterable[Problem]) -> list[DataWarning]:
    """The warning-level problems (e.g. ``unknown_column``) as :class:`DataWarning` entries.

    Problems of the same rule, file and column become one entry whose examples are the first
    values and rows, so that ``validate`` lists every warning in one format. Row-level
    warnings (``history_candidate_unknown``, ``unusual_date``) are grouped by value: each
    example is a value with its count and first rows, and the message says how many rows
    there are (and, for :data:`LEFT_OUT_RULES`, that they are left out of the table).
    """
    groups: dict[tuple[str, str, str | None], list[Problem]] = {}
    for p in problems:
        if p.severity == "warning":
            groups.setdefault((p.rule, p.file, p.column), []).append(p)
    out = []
    for (rule, file, column), found in groups.items():
        if rule in _ROW_SUMMARIES:
            out.append(_row_summary(rule, file, column, found))
            continue
        examples = tuple(WarningExample(p.value, 1, () if p.row is None else (p.row,))
                         for p in found[:FIRST_EXAMPLES] if p.value is not None or p.row)
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        out.append(DataWarning(rule, found[0].table, file, column, len(found),
                               found[0].message + more, examples))
    return out


_ROW_SUMMARIES: dict[str, str] = {
    "history_candidate_unknown": (
        "{rows} placement(s) refer to {values} candidate(s) that do not appear in the "
        "candidates table ({target}): their profile at placement is unknown, so they cannot be "
        "featurised and are dropped from the loaded placement history; train and assign use "
        "the other placements. Add those candidates (placed and inactive people too) to keep "
        "them."),
    "unusual_date": (
        "{rows} row(s) have a {column} that is possible but odd: {first}"),
}
"""Summary messages of the row-level warnings, per rule."""


def _row_summary(rule: str, file: str, column: str | None, found: list[Problem]) -> DataWarning:
    """One :class:`DataWarning` for row-level warnings: count, values and first rows."""
    by_value: dict[str, list[int]] = {}
    for p in found:
        by_value.setdefault(p.value or "", []).append(-1 if p.row is None else p.row)
    examples = tuple(WarningExample(value, len(rows), _first_rows(r for r in rows if r >= 0))
                     for value, rows in list(by_value.items())[:FIRST_EXAMPLES])
    schema = TABLES.get(found[0].table)
    fk = next((fk for fk in (schema.foreign_keys if schema else ()) if fk.column == column),
              None)
    target = f"{fk.table}.{fk.target}" if fk else "the referenced table"
    message = _ROW_SUMMARIES[rule].format(rows=len(found), values=len(by_value), target=target,
                                          column=column, first=found[0].message)
    return DataWarning(rule, found[0].table, file, column, len(found), message, examples)


# --------------------------------------------------------------------------- reporting


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table with columns file, row, column, value, rule, message, severity.

    Examples
    --------
    >>> p = Problem("kandidaten.csv", 3, "hours_per_week", "0", "range", "'0' is outside ...")
    >>> problems_frame([p])[["row", "rule", "severity"]].to_dict("records")
    [{'row': 3, 'rule': 'range', 'severity': 'error'}]
    """
    records = [
        {"file": p.file, "row": p.row, "column": p.column, "value": p.value, "rule": p.rule,
         "message": p.message, "severity": p.severity}
        for p in problems
    ]
    frame = pd.DataFrame(records, columns=list(PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _cell(value: object, width: int | None = None) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    text = text.replace("\n", " ")
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def render_problems(problems: Iterable[Problem], fmt: str = "table") -> str:
    """Render problems for a terminal (``fmt="table"``) or as a JSON list (``fmt="json"``).

    The table has one line per problem with aligned columns; long values are shortened,
    messages never are.

    Examples
    --------
    >>> p = Problem("projects.csv", 2, "sroi_percentage", "150", "range", "'150' is outside the allowed range (>= 0 and <= 100)")
    >>> print(render_problems([p]))
    file          row  column           value  rule   severity  message
    projects.csv  2    sroi_percentage  150    range  error     '150' is outside the allowed range (>= 0 and <= 100)
    """
    problems = list(problems)
    if fmt == "json":
        return json.dumps(
            [{"file": p.file, "row": p.row, "column": p.column, "value": p.value, "rule": p.rule,
              "message": p.message, "severity": p.severity} for p in problems],
            ensure_ascii=False, indent=2,
        )
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use 'table' or 'json'")
    problems = _collapse_row_warnings(problems)
    header = ("file", "row", "column", "value", "rule", "severity", "message")
    widths = (None, None, None, 30, None, None, None)
    rows = [
        tuple(_cell(v, w) for v, w in zip(
            (p.file, p.row, p.column, p.value, p.rule, p.severity, p.message), widths,
            strict=True))
        for p in problems
    ]
    sizes = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
             for i, h in enumerate(header)]
    lines = [
        "  ".join(cell.ljust(sizes[i]) for i, cell in enumerate(line)).rstrip()
        for line in (header, *rows)
    ]
    return "\n".join(lines)


def _collapse_row_warnings(problems: list[Problem]) -> list[Problem]:
    """The first :data:`FIRST_EXAMPLES` row-level warnings of a rule, file and column, then one
    line that counts the rest (a history of 6,000 placements of unknown candidates must not
    bury the errors; ``--format json`` lists every one)."""
    def key(p: Problem) -> tuple[str, str, str | None] | None:
        return (p.rule, p.file, p.column) if p.severity == "warning" and p.row is not None \
            else None

    counts: dict[tuple[str, str, str | None], int] = {}
    for p in problems:
        k = key(p)
        if k is not None:
            counts[k] = counts.get(k, 0) + 1
    seen: dict[tuple[str, str, str | None], int] = {}
    out = []
    for p in problems:
        k = key(p)
        if k is None or counts[k] <= FIRST_EXAMPLES + 1:
            out.append(p)
            continue
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= FIRST_EXAMPLES:
            out.append(p)
        elif seen[k] == FIRST_EXAMPLES + 1:
            rest = counts[k] - FIRST_EXAMPLES
            out.append(Problem(p.file, None, p.column, None, p.rule,
                               f"… and {rest} more {p.rule} warning(s) of this column "
                               "(--format json lists every one)", p.table, "warning"))
    return out


def render_warnings(warnings: Iterable[DataWarning], fmt: str = "table") -> str:
    """Render dataset warnings for a terminal (``fmt="table"``) or as a JSON list.

    The table has one line per warning (rule, file, column, count, message), each followed by
    its examples, indented. An empty list renders as ``""`` (table) or ``[]`` (json).

    Examples
    --------
    >>> w = DataWarning("unvalued_target_group", "candidates", "candidates.csv", "target_group",
    ...                 2, "2 candidate(s) have a target group without a row in the valuation table",
    ...                 (WarningExample("zzp", 2, (3, 7)),))
    >>> print(render_warnings([w]))
    rule                   file            column        count  message
    unvalued_target_group  candidates.csv  target_group  2      2 candidate(s) have a target group without a row in the valuation table
        'zzp' 2x (rows 3, 7)
    """
    warnings = list(warnings)
    if fmt == "json":
        return json.dumps([w.to_dict() for w in warnings], ensure_ascii=False, indent=2)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use 'table' or 'json'")
    if not warnings:
        return ""
    header = ("rule", "file", "column", "count", "message")
    rows = [(w.rule, w.file, _cell(w.column), str(w.count), w.message) for w in warnings]
    sizes = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(c.ljust(sizes[i]) for i, c in enumerate(header)).rstrip()]
    for warning, row in zip(warnings, rows, strict=True):
        lines.append("  ".join(c.ljust(sizes[i]) for i, c in enumerate(row)).rstrip())
        lines += [f"    {example.text()}" for example in warning.examples]
    return "\n".join(lines)

"""Table and row rules: required tables, columns and cells, lengths, values, dates, duplicates.

:class:`Checker` runs every rule of :data:`matching.data.schema.RULES` that can be judged on one
converted table (plus the reference rules it inherits from
:class:`~matching.data.validation_references.ReferenceChecks`);
:func:`matching.data.validation.validate` is the entry point.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from matching.core.config import Settings
from matching.data.coerce import date_terms
from matching.data.schema import TABLES, Column, DateWindow, TableSchema
from matching.data.validation_problems import (
    isin,
    make_problems,
    range_text,
    rows_text,
    sentence,
    shorten_value,
    too_long_mask,
)
from matching.data.validation_references import (
    ReferenceChecks,
    certificate_vocabulary,
    reference_municipalities,
    reference_postcodes,
)


def reference_date(extraction_date: str | None = None,
                   today: str | pd.Timestamp | None = None) -> tuple[pd.Timestamp, str]:
    """The day the date windows are relative to, and how to name it in messages.

    The declared extraction date (``Dataset.extraction_date``), else today.
    """
    if extraction_date:
        day = pd.Timestamp(extraction_date).normalize()
        return day, f"the declared extraction date {day.date()}"
    day = (pd.Timestamp.today() if today is None else pd.Timestamp(today)).normalize()
    return day, f"today {day.date()}, no extraction date declared"


class Checker(ReferenceChecks):
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
        super().__init__(tables, raw, sources)
        self.settings = settings
        self.location = location
        self.reference, self.reference_text = reference

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
                       + sentence(schema.empty_why or f"{name} must hold at least one row")
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
        if column.kind == "date_list":  # the dates are checked by check_window
            return
        present = values.notna()
        if column.allowed is not None:
            allowed = ", ".join(column.allowed)
            self.add(table, column.name, present & ~isin(values, column.allowed), "allowed_values",
                     lambda v: f"{v!r} is not one of {allowed}")
        if column.vocabulary == "target_group":
            known = self.target_group_codes()
            listed = ", ".join(sorted(known))
            self.add(table, column.name, present & ~isin(values, known), "unknown_code",
                     lambda v: f"{v!r} is not a known target group; known: {listed}")
        if column.kind == "postcode":
            self.add(table, column.name, present & ~isin(values, reference_postcodes()),
                     "unknown_postcode", lambda v: f"{v!r} is not a known Dutch postcode (PC4)")
        if column.kind == "municipality":
            self.add(table, column.name, present & ~isin(values, reference_municipalities()),
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
        if column.kind == "date_list":
            self.check_date_list_window(schema, column, values, window)
            return
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

    def check_date_list_window(self, schema: TableSchema, column: Column, values: pd.Series,
                               window: DateWindow) -> None:
        """``implausible_date`` for every date of a ``date_list`` cell outside the window;
        the value is the date as written in the cell."""
        days = values.explode().dropna()
        if days.empty:
            return
        earliest = pd.Timestamp(window.earliest)
        latest = self.reference + pd.DateOffset(years=window.latest_years)
        stamps = pd.to_datetime(days.astype("str"))
        bad = days[((stamps < earliest) | (stamps > latest)).to_numpy()]
        if bad.empty:
            return
        raw = self.raw[schema.name]
        written: list[str] = []
        for row, iso in bad.items():
            cell = raw.at[row, column.name] if column.name in raw.columns else ()
            terms = ([(str(t), str(t)) for t in cell] if isinstance(cell, tuple)
                     else date_terms(str(cell)))
            written.append(next((t for t, d in terms if d == iso), str(iso)))
        lo, hi = str(earliest.date()), str(latest.date())
        sign = "plus" if window.latest_years >= 0 else "minus"
        self.add_terms(
            schema.name, column.name, pd.Series(written, index=bad.index), "implausible_date",
            lambda v: f"{column.name} date {v!r} lies outside the plausible window {lo} to "
                      f"{hi} ({window.reason}; the end is the reference date, "
                      f"{self.reference_text}, {sign} {abs(window.latest_years)} years)")

    def check_list(self, schema: TableSchema, column: Column, values: pd.Series) -> None:
        terms = values.explode().dropna()
        if terms.empty:
            return
        table = schema.name
        if column.allowed is not None:
            allowed = ", ".join(column.allowed)
            bad = terms[~isin(terms, column.allowed)]
            self.add_terms(table, column.name, bad, "allowed_values",
                           lambda t: f"{t!r} is not one of {allowed}")
        if column.vocabulary == "target_group":
            known = self.target_group_codes()
            listed = ", ".join(sorted(known))
            bad = terms[~isin(terms, known)]
            self.add_terms(table, column.name, bad, "unknown_code",
                           lambda t: f"{t!r} is not a known target group; known: {listed}")
        if column.vocabulary == "certificate":
            vocabulary = certificate_vocabulary(self.settings.fuzzy_cutoff)[0]
            resolved = {t: vocabulary.resolve(t) for t in terms.unique()}
            bad = terms[terms.map(resolved).isna()]
            self.add_terms(table, column.name, bad, "unknown_code", self.certificate_message)

    def check_duplicates(self, schema: TableSchema, frame: pd.DataFrame) -> None:
        if not schema.key or schema.key not in frame.columns:
            return
        ids = frame[schema.key]
        dup = ids.notna() & ids.duplicated(keep=False)
        if not dup.any():
            return
        rows_by_id = ids[dup].groupby(ids[dup], sort=False).groups
        where = {shorten_value(k): rows_text(v) for k, v in rows_by_id.items()}
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


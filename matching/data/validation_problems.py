"""Problem records: how a finding becomes a shortened, sorted :class:`~matching.data.schema.Problem`.

The shared vocabulary of every validation module and of the loader: which rules are warnings
(:data:`WARNING_RULES`), how values are cut before they are shown (:func:`shorten_value`), how
one finding per row becomes a :class:`~matching.data.schema.Problem` (:func:`make_problems`)
and in which order problems are listed (:func:`sort_problems`). :class:`ProblemCollector`
holds the tables of one validation run and the helpers the rule families report through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from matching.data.schema import RULES, TABLES, Column, Problem

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


TABLE_ORDER = {name: i for i, name in enumerate(TABLES)}
"""Table name -> its rank in :data:`~matching.data.schema.TABLES` (the reading order)."""


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


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]



def rows_text(rows: Iterable[object]) -> str:
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
        return (TABLE_ORDER.get(p.table, len(TABLE_ORDER)), p.file,
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


def one_problem(table: str, file: str, rule: str, message: str, column: str | None = None,
                row: int | None = None, value: str | None = None) -> Problem:
    """A single :class:`Problem` (the loader's file- and header-level findings)."""
    return make_problems(table, file, column, [row], [value], rule, [message])[0]


def column_rank(table: str, column: str | None) -> int:
    """The position of ``column`` in its table's schema (unknown columns last)."""
    schema = TABLES.get(table)
    names = schema.column_names if schema else ()
    return names.index(column) if column in names else len(names)


def isin(values: pd.Series, allowed: Iterable[object]) -> pd.Series:
    """``values.isin(allowed)`` through a hash table (Arrow-backed ``isin`` is per value)."""
    return values.astype(object).isin(set(allowed))



class ProblemCollector:
    """The tables of one validation run, and the helpers every rule family reports through.

    ``tables`` are the converted tables, ``raw`` the cells as read (same index), ``sources``
    the file label per table; findings are collected in :attr:`problems`.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], raw: Mapping[str, pd.DataFrame],
                 sources: Mapping[str, str]) -> None:
        self.tables = dict(tables)
        self.raw = raw
        self.sources = sources
        self.problems: list[Problem] = []
        self.empty_tables: set[str] = set()
        """Given tables without rows: reported once, and never the target of a reference."""

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


    def add_terms(self, table: str, column: str, bad: pd.Series, rule: str, message) -> None:
        if bad.empty:
            return
        shown = [shorten_value(t) for t in bad.tolist()]
        self.problems += make_problems(
            table, self.file(table), column, bad.index, shown, rule, [message(t) for t in shown],
        )


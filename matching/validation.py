"""Check converted tables against the data contract and report every problem at once.

:func:`validate` runs every rule of :data:`matching.schema.RULES` that can be judged on the
converted tables (the loader reports ``unreadable_file``, ``unknown_column`` and ``type``
while reading, because only it sees the files, headers and raw cells). Checks are
vectorised per column; free-text certificate terms are resolved once per distinct term.

Each :class:`~matching.schema.Problem` names the file (``name.xlsx[sheet]`` for
workbooks), the row as the user sees it (header = row 1), the column, the raw value, the
rule and a message that names the bad value and what was allowed. ``severity`` is
``"error"`` except for the rules in :data:`WARNING_RULES`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from features.vocabulary import Vocabulary, normalise_term
from matching import reference
from matching.config import Settings
from matching.schema import RULES, TABLES, Column, Problem, TableSchema

__all__ = [
    "PROBLEM_COLUMNS",
    "WARNING_RULES",
    "make_problems",
    "problems_frame",
    "range_text",
    "render_problems",
    "severity_of",
    "sort_problems",
    "validate",
]

WARNING_RULES: frozenset[str] = frozenset({"unknown_column"})
"""Rules whose problems are warnings: the data was cleaned or ignored, not rejected."""

PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "column", "value", "rule", "message", "severity")

_TABLE_ORDER = {name: i for i, name in enumerate(TABLES)}


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
    """One :class:`Problem` per flagged row (the vectorised checks call this on hits only)."""
    severity = severity_of(rule)
    return [
        Problem(
            file=file,
            row=None if row is None else int(row),  # type: ignore[call-overload]
            column=column,
            value=None if value is None else str(value),
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
    ) -> None:
        self.tables = tables
        self.raw = raw
        self.sources = sources
        self.settings = settings
        self.location = location
        self.problems: list[Problem] = []

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
        """Report every row where ``mask`` holds; ``message`` maps a raw value to text."""
        rows = mask.index[mask.to_numpy(dtype=bool)]
        if len(rows) == 0:
            return
        if values is None:
            values = self.raw_values(table, column, rows) if column else [None] * len(rows)
        texts = [message(v) if callable(message) else str(message) for v in values]
        self.problems += make_problems(table, self.file(table), column, rows, values, rule, texts)

    # rules -----------------------------------------------------------------------------
    def check_tables(self) -> None:
        for schema in TABLES.values():
            if schema.name in self.tables:
                self.check_table(schema)
            elif schema.required_table:
                names = " or ".join(f"'{n}'" for n in (schema.name, *schema.aliases))
                self.problems += make_problems(
                    schema.name, self.location, None, [None], [None], "missing_table",
                    [f"required table {schema.name!r} is missing: expected a file or sheet "
                     f"named {names} (.csv, .xlsx or .parquet)"],
                )
        self.check_foreign_keys()

    def check_table(self, schema: TableSchema) -> None:
        frame = self.tables[schema.name]
        for column in schema.columns:
            if column.required and not self.present(schema.name, column.name):
                accepted = ", ".join(repr(n) for n in (column.name, *column.aliases))
                found = ", ".join(map(str, self.raw[schema.name].columns)) or "none"
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
        self.problems += make_problems(
            table, self.file(table), column, bad.index, bad.tolist(), rule,
            [message(t) for t in bad.tolist()],
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
        where = {k: ", ".join(str(r) for r in v) for k, v in rows_by_id.items()}
        counts = {k: len(v) for k, v in rows_by_id.items()}
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
            starts = self.raw_values(schema.name, earlier, rows)
            ends = self.raw_values(schema.name, later, rows)
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
            for fk in schema.foreign_keys:
                parent = self.tables.get(fk.table)
                if parent is None or fk.column not in frame.columns or fk.target not in parent:
                    continue
                values = frame[fk.column]
                bad = values.notna() & ~_isin(values, parent[fk.target].dropna())
                target = f"{fk.table}.{fk.target}"
                self.add(schema.name, fk.column, bad, "dangling_reference",
                         lambda v, target=target: f"{v!r} does not exist in {target}")


def validate(
    tables: Mapping[str, pd.DataFrame],
    *,
    raw: Mapping[str, pd.DataFrame] | None = None,
    sources: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    location: str = "",
) -> list[Problem]:
    """Check converted tables against the contract; return every problem found.

    Parameters
    ----------
    tables : mapping of table name to DataFrame
        Tables in canonical form (see :mod:`matching.schema`); index = row as the user sees
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
    checker = _Checker(tables, raw, dict(sources or {}), settings or Settings(), location)
    checker.check_tables()
    return sort_problems(checker.problems)


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

"""Type coercion: text cells to canonical typed columns (headers, numbers, dates, codes, lists).

Dutch and English notations are both accepted (``12,5`` and ``12.5``, ``01-03-2026`` and
``2026-03-01``, ``ja``/``nee``); a cell that does not convert is a ``type`` problem that names
the raw value. Conversion runs once per distinct cell text. The manifest's values are
converted here too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from features.vocabulary import normalise_term
from matching.data import reference
from matching.data.readers import RawTable, normalise_column_name
from matching.data.schema import (
    CEFR_LEVELS,
    MANIFEST_KEYS,
    VALUE_ALIASES,
    Column,
    Problem,
    TableSchema,
)
from matching.data.sources import ManifestEntry
from matching.data.validation_problems import (
    make_problems,
    one_problem,
    shorten_value,
    too_long_mask,
)

BOOLEAN_WORDS: Mapping[str, bool] = {
    "true": True, "false": False, "ja": True, "nee": False, "yes": True, "no": False,
    "1": True, "0": False, "waar": True, "onwaar": False, "j": True, "n": False,
    "y": True, "x": True,
}
"""Accepted boolean spellings (case-insensitive); ``x`` is a ticked Excel box."""

LIST_SEPARATORS = r"[;|]"


def manifest_values(entries: list[ManifestEntry]) -> tuple[dict[str, str | None], list[Problem]]:
    """Each manifest key's value (ISO text for dates; ``None`` when absent or empty)."""
    values: dict[str, str | None] = {}
    problems: list[Problem] = []
    for column in MANIFEST_KEYS:
        given = [e for e in entries if e.key == column.name]
        values[column.name] = None
        if len(given) > 1:
            where = ", ".join(e.file if e.row is None else f"{e.file} row {e.row}" for e in given)
            problems.append(one_problem("manifest", given[1].file, "duplicate_id",
                                        f"{column.name} is given {len(given)} times "
                                        f"({shorten_value(where, 500)}); keep one",
                                        column=column.name, row=given[1].row,
                                        value=str(given[1].value)))
            continue
        if not given or given[0].value is None:
            continue
        entry = given[0]
        if not isinstance(entry.value, str):  # a JSON number, list, boolean …
            problems.append(one_problem("manifest", entry.file, "type",
                                        f"{column.name} {shorten_value(json.dumps(entry.value))} "
                                        'is not a date; write it as a text such as "2026-03-01"',
                                        column=column.name, row=entry.row,
                                        value=json.dumps(entry.value)))
            continue
        text = entry.value.strip()
        if not text:
            continue
        converted, bad, template = convert_values(pd.Series([text], dtype="str"), column, False)
        if bool(bad.iloc[0]):
            problems.append(one_problem("manifest", entry.file, "type",
                                        f"{column.name} "
                                        + template.format(value=shorten_value(text)),
                                        column=column.name, row=entry.row, value=text))
            continue
        values[column.name] = pd.Timestamp(converted.iloc[0]).strftime("%Y-%m-%d")
    return values, problems


# --------------------------------------------------------------------------- headers


def canonical_headers(raw: RawTable, schema: TableSchema) -> tuple[pd.DataFrame, list[Problem]]:
    """Rename columns to canonical names; unknown columns are left out with a warning."""
    lookup = {}
    for column in schema.columns:
        for name in (column.name, *column.aliases):
            lookup.setdefault(normalise_column_name(name), column.name)
    keep: dict[str, str] = {}
    problems = []
    for original in raw.frame.columns:
        norm = normalise_column_name(original)
        canonical = lookup.get(norm)
        if canonical is None:
            if (not norm or norm.startswith("unnamed")) and (raw.frame[original] == "").all():
                continue  # the empty trailing columns Excel exports
            known = ", ".join(schema.column_names)
            problems.append(one_problem(schema.name, raw.file, "unknown_column",
                                        f"column {shorten_value(original)!r} is not part of the "
                                        f"{schema.name} table and is ignored; known columns: "
                                        f"{known}", column=str(original)))
        elif canonical in keep.values():
            first = next(k for k, v in keep.items() if v == canonical)
            problems.append(one_problem(schema.name, raw.file, "unknown_column",
                                        f"column {shorten_value(original)!r} also means "
                                        f"{canonical} (already given as "
                                        f"{shorten_value(first)!r}) and is ignored",
                                        column=str(original)))
        else:
            keep[original] = canonical
    text = raw.frame[list(keep)].rename(columns=keep)
    return text, problems


# --------------------------------------------------------------------------- conversion

_NUM_PLAIN = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUM_COMMA = r"[+-]?\d*,\d+"
_NUM_DOT_GROUPS = r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"
_NUM_COMMA_GROUPS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"


def parse_numbers(text: pd.Series, decimal_comma: bool) -> pd.Series:
    """Numbers in English or Dutch notation (``12.5``, ``12,5``, ``1.250.000,00``).

    A single dot followed by exactly three digits (``1.250``) is a thousands separator only
    when the file uses Dutch conventions (``;``-separated CSV); otherwise a decimal point.
    """
    clean = text.str.replace(r"[\s\u00a0\u202f€%]", "", regex=True)
    patterns = [
        (_NUM_PLAIN, lambda s: s),
        (_NUM_COMMA, lambda s: s.str.replace(",", ".", regex=False)),
        (_NUM_DOT_GROUPS, lambda s: s.str.replace(".", "", regex=False)
                                       .str.replace(",", ".", regex=False)),
        (_NUM_COMMA_GROUPS, lambda s: s.str.replace(",", "", regex=False)),
    ]
    if decimal_comma:
        patterns = [patterns[2], patterns[1], patterns[0], patterns[3]]
    normal = pd.Series("", index=text.index, dtype="str")
    todo = clean != ""
    for pattern, fix in patterns:
        hit = todo & clean.str.fullmatch(pattern)
        if hit.any():
            normal[hit] = fix(clean[hit])
            todo &= ~hit
    return pd.to_numeric(normal.replace("", np.nan), errors="coerce").astype("float64")


_ISO_DATE = r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_NL_DATE = r"(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?"


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO ``2026-03-01`` or Dutch ``01-03-2026`` / ``1-3-2026`` (time of day dropped)."""
    parts = text.str.extract(f"^{_ISO_DATE}$").astype("float64")
    dutch = text.str.extract(f"^{_NL_DATE}$").astype("float64")
    parts = parts.fillna(dutch[["y", "m", "d"]])
    parts.columns = ["year", "month", "day"]
    valid = parts.notna().all(axis=1)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if valid.any():
        out[valid] = pd.to_datetime(parts[valid], errors="coerce").astype("datetime64[ns]")
    return out


def date_terms(cell: str) -> list[tuple[str, str | None]]:
    """The dates of a ``date_list`` cell as written, each with its ISO form (``None``: no date).

    Examples
    --------
    >>> date_terms("01-03-2027; 2027-09-01|31-02-2027")
    [('01-03-2027', '2027-03-01'), ('2027-09-01', '2027-09-01'), ('31-02-2027', None)]
    """
    terms = [t.strip() for t in re.split(LIST_SEPARATORS, cell)]
    terms = [t for t in terms if t]
    if not terms:
        return []
    dates = parse_dates(pd.Series(terms, dtype="str"))
    return [(term, None if pd.isna(day) else pd.Timestamp(day).strftime("%Y-%m-%d"))
            for term, day in zip(terms, dates, strict=True)]


def parse_date_lists(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``date_list`` cells -> (tuple of ISO dates, sorted and unique; mask of cells with a
    term that is no date). One :func:`parse_dates` call for every term of every cell."""
    split = [[t.strip() for t in re.split(LIST_SEPARATORS, cell)] for cell in text.tolist()]
    split = [[t for t in terms if t] for terms in split]
    flat = pd.Series([t for terms in split for t in terms], dtype="str")
    iso = parse_dates(flat).dt.strftime("%Y-%m-%d").tolist() if len(flat) else []
    values, bad, i = [], [], 0
    for terms in split:
        days = iso[i:i + len(terms)]
        i += len(terms)
        good = [d for d in days if isinstance(d, str)]
        values.append(tuple(sorted(set(good))))
        bad.append(len(good) < len(days))
    return (pd.Series(values, index=text.index, dtype=object),
            pd.Series(bad, index=text.index, dtype=bool))


def _date_list_problems(table: str, file: str, column: str, raw: pd.Series) -> list[Problem]:
    """One ``type`` problem per term of a ``date_list`` cell that is no date (value = the
    term, the message names the cell too)."""
    rows, values, messages = [], [], []
    for row, cell in raw.items():
        for term, iso in date_terms(str(cell)):
            if iso is None:
                rows.append(row)
                values.append(term)
                messages.append(f"{shorten_value(term)!r} in {column} "
                                f"{shorten_value(cell)!r} is not a date (use 2026-03-01 or "
                                "01-03-2026; separate dates with ; or |)")
    return make_problems(table, file, column, rows, values, "type", messages)


def _map_cells(text: pd.Series, func) -> pd.Series:
    """Apply a Python function per cell (called on distinct values only, see below)."""
    return pd.Series([func(v) for v in text.tolist()], index=text.index, dtype=object)


def _code_normaliser(column: Column):
    aliases = VALUE_ALIASES.get(column.value_aliases or "", {})
    upper = column.allowed == CEFR_LEVELS

    def normalise(value: str) -> str:
        value = re.sub(r"\s+", " ", value.strip())
        if upper:
            return value.upper()
        value = value.lower()
        return aliases.get(value, value)

    return normalise


def _municipality_lookup() -> dict[str, str]:
    frame = reference.municipalities()
    return {normalise_term(name): code for name, code in zip(frame["name"], frame["gm_code"],
                                                           strict=True)}


def convert_column(text: pd.Series, column: Column, decimal_comma: bool
                   ) -> tuple[pd.Series, pd.Series, str]:
    """(converted values, mask of cells that failed conversion, message template).

    Conversion runs once per distinct cell text (columns repeat a lot: postcodes, dates,
    codes), then the answers are spread back over the rows.
    """
    if column.kind in ("id", "str"):
        return (text.where(text != "").astype("str"), pd.Series(False, index=text.index), "")
    positions, uniques = pd.factorize(text.to_numpy(dtype=object))
    distinct = pd.Series(uniques, dtype="str")
    values, bad, template = convert_values(distinct, column, decimal_comma)
    return (pd.Series(values.array.take(positions), index=text.index),
            pd.Series(bad.to_numpy(dtype=bool)[positions], index=text.index), template)


def convert_values(text: pd.Series, column: Column, decimal_comma: bool
                   ) -> tuple[pd.Series, pd.Series, str]:
    """:func:`convert_column` for (distinct) cell texts."""
    filled = text != ""
    none = pd.Series(False, index=text.index)
    kind = column.kind
    if kind == "code":
        codes = _map_cells(text, _code_normaliser(column))
        return codes.where(filled).astype("str"), none, ""
    if kind == "list":
        normalise = _code_normaliser(column) if (
            column.allowed is not None or column.vocabulary == "target_group") else str.strip

        def split(cell: str) -> tuple[str, ...]:
            terms = (t.strip() for t in re.split(LIST_SEPARATORS, cell))
            return tuple(normalise(t) for t in terms if t)

        return _map_cells(text, split), none, ""
    if kind in ("int", "float"):
        numbers = parse_numbers(text, decimal_comma)
        bad = filled & numbers.isna()
        if kind == "int":
            fraction = (numbers % 1).fillna(0) != 0
            return numbers.where(~fraction), bad | fraction, "{value!r} is not a whole number"
        return numbers, bad, "{value!r} is not a number"
    if kind == "bool":
        flags = text.str.lower().map(BOOLEAN_WORDS)
        bad = filled & flags.isna()
        return (flags.astype("boolean"), bad,
                "{value!r} is not a yes/no value (use ja/nee, true/false, yes/no or 1/0)")
    if kind == "date":
        dates = parse_dates(text)
        return (dates, filled & dates.isna(),
                "{value!r} is not a date (use 2026-03-01 or 01-03-2026)")
    if kind == "date_list":
        lists, bad = parse_date_lists(text)
        return lists, bad, "{value!r} holds a value that is not a date"
    if kind == "postcode":
        pc4 = text.str.upper().str.replace(r"\s+", "", regex=True).str.extract(
            r"^([1-9]\d{3})(?:[A-Z]{2})?$")[0]
        return (pc4.astype("str"), filled & pc4.isna(),
                "{value!r} is not a Dutch postcode (use 9711 or 9711 AB)")
    if kind == "municipality":
        digits = text.str.extract(r"^(?:[Gg][Mm])?\s*(\d{1,4})$")[0]
        codes = ("GM" + digits.str.zfill(4)).astype("str")
        names = text[filled & digits.isna()]
        if not names.empty:
            lookup = _municipality_lookup()
            codes.loc[names.index] = _map_cells(
                names, lambda n: lookup.get(normalise_term(n), n)).astype("str")
        return codes.where(filled).astype("str"), none, ""
    raise ValueError(f"unknown column kind {kind!r}")  # pragma: no cover - schema is fixed


def convert_table(text: pd.DataFrame, schema: TableSchema, file: str, decimal_comma: bool
                  ) -> tuple[pd.DataFrame, list[Problem]]:
    """Text frame (canonical names) -> canonical frame with every schema column."""
    out: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for column in schema.columns:
        if column.name in text.columns:
            cells = text[column.name]
            long = too_long_mask(cells, column)
            if long.any():  # reported as too_long by validation, not converted
                cells = cells.mask(long, "")
            values, bad, template = convert_column(cells, column, decimal_comma)
            if bad.any() and column.kind == "date_list":
                problems += _date_list_problems(schema.name, file, column.name,
                                                text.loc[bad, column.name])
            elif bad.any():
                raw = text.loc[bad, column.name]
                problems += make_problems(
                    schema.name, file, column.name, raw.index, raw.tolist(), "type",
                    [template.format(value=shorten_value(v)) for v in raw])
        else:
            values = _empty_column(column, text.index)
        out[column.name] = _with_default(values, column)
    frame = pd.DataFrame(out, index=text.index)
    return frame, problems


def empty_table(schema: TableSchema) -> pd.DataFrame:
    """A table without rows in canonical form: every column of ``schema``, typed."""
    index = pd.Index([], dtype="int64")
    return pd.DataFrame({c.name: _with_default(_empty_column(c, index), c)
                         for c in schema.columns}, index=index)


def _empty_column(column: Column, index: pd.Index) -> pd.Series:
    if column.kind in ("list", "date_list"):
        return pd.Series([()] * len(index), index=index, dtype=object)
    if column.kind in ("int", "float"):
        return pd.Series(np.nan, index=index, dtype="float64")
    if column.kind == "bool":
        return pd.Series(pd.NA, index=index, dtype="boolean")
    if column.kind == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(np.nan, index=index, dtype="str")


def _with_default(values: pd.Series, column: Column) -> pd.Series:
    if column.default is None or column.kind in ("list", "date_list"):
        return values
    return values.fillna(column.default).astype(values.dtype)



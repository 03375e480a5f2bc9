"""Load a dataset folder or workbook into a validated :class:`~matching.data.dataset.Dataset`.

Reading happens in three steps, so that every failure can be reported with the raw value:

1. **read** each table file (CSV, ``.xlsx`` sheet or Parquet) into text cells; the frame
   index is the row number as the user sees it (header = row 1, first data row = 2);
2. **convert** the text per the column kinds of :mod:`matching.data.schema` (Dutch numbers,
   dates, booleans, lists, PC6, municipality names …), reporting ``type`` problems;
3. **validate** the converted tables with :func:`matching.data.validation.validate`.

The optional **manifest** (``manifest.json`` in a folder, sheet ``manifest`` in a workbook)
declares the extraction date (:data:`matching.data.schema.MANIFEST_KEYS`); it ends up in
:attr:`Dataset.extraction_date <matching.data.dataset.Dataset>`, and a malformed value is a
problem like any other (it cannot be skipped).

Parser and IO failures are translated here, at the module edge: a missing dataset path
raises :class:`~matching.core.errors.InputFileError`, an unreadable table file becomes a
``unreadable_file`` problem. Any error-level problem raises
:class:`~matching.core.errors.ValidationError` with every problem found, unless
``skip_invalid=True``: then invalid rows (and rows whose parent was dropped) are set
aside, written to ``rejected_<table>.csv`` and the valid rest is returned.

Placements whose candidate is not in the candidates table are no error but a warning
(``history_candidate_unknown``): they cannot be featurised, so they are left out of the
returned placement history. An empty file or sheet is a table without rows (one
``empty_table`` problem, see :func:`matching.data.validation.validate`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import time
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from features.vocabulary import normalise_term
from matching.core.config import Settings
from matching.core.errors import InputFileError, ValidationError
from matching.core.tables import write_csv
from matching.data import reference
from matching.data.dataset import Dataset
from matching.data.schema import (
    CEFR_LEVELS,
    MANIFEST_FILE,
    MANIFEST_KEY_COLUMNS,
    MANIFEST_KEYS,
    MANIFEST_SHEET,
    TABLES,
    VALUE_ALIASES,
    Column,
    Problem,
    TableSchema,
)
from matching.data.validation import (
    LEFT_OUT_RULES,
    make_problems,
    shorten_value,
    sort_problems,
    summarise_warnings,
    too_long_mask,
    validate,
)

__all__ = ["LoadResult", "load_dataset", "normalise_column_name", "read_table_file"]

log = logging.getLogger(__name__)

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
DATA_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES

BOOLEAN_WORDS: Mapping[str, bool] = {
    "true": True, "false": False, "ja": True, "nee": False, "yes": True, "no": False,
    "1": True, "0": False, "waar": True, "onwaar": False, "j": True, "n": False,
    "y": True, "x": True,
}
"""Accepted boolean spellings (case-insensitive); ``x`` is a ticked Excel box."""

LIST_SEPARATORS = r"[;|]"


class _Unreadable(Exception):
    """A table file that cannot be parsed (translated into an ``unreadable_file`` problem)."""


try:  # third-party errors translated at this edge
    from openpyxl.utils.exceptions import InvalidFileException
    from pyarrow import ArrowException
except ImportError:  # pragma: no cover - both are hard dependencies
    InvalidFileException = ArrowException = OSError  # type: ignore[misc,assignment]

_READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError, UnicodeError, ValueError, KeyError, csv.Error, zipfile.BadZipFile,
    pd.errors.ParserError, pd.errors.EmptyDataError, InvalidFileException, ArrowException,
)
"""Everything pandas, openpyxl and pyarrow raise for a bad file (``ParserError`` and
``EmptyDataError`` subclass ``ValueError``; ``BadZipFile`` is a corrupt ``.xlsx``)."""


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_dataset` returns.

    Attributes
    ----------
    dataset : Dataset
        The valid tables in canonical form.
    problems : list of Problem
        Warnings, plus (with ``skip_invalid``) the errors whose rows were rejected.
    rejected : DataFrame
        One row per rejected input row: ``table``, ``row``, ``reasons``.
    warnings : list of str
        One line per warning (row-level warnings of one rule and column summarised in one
        line) or cleaning step the user should know about.
    """

    dataset: Dataset
    problems: list[Problem] = field(default_factory=list)
    rejected: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"table": [], "row": [], "reasons": []})
    )
    warnings: list[str] = field(default_factory=list)


@dataclass
class _RawTable:
    """One table as read: text cells, original headers, index = row as the user sees it."""

    table: str
    file: str
    frame: pd.DataFrame
    decimal_comma: bool = False
    sep: str = ","


@dataclass(frozen=True)
class _ManifestEntry:
    """One known key of the dataset manifest as read (``row`` is None for ``manifest.json``)."""

    key: str
    file: str
    row: int | None
    value: object


# --------------------------------------------------------------------------- reading files


def normalise_column_name(name: object) -> str:
    """Strip, lower-case, drop diacritics, fold spaces, hyphens and punctuation to ``_``.

    Examples
    --------
    >>> normalise_column_name(" Uren per week ")
    'uren_per_week'
    >>> normalise_column_name("Opdrachtwaarde (EUR)")
    'opdrachtwaarde_eur'
    """
    text = unicodedata.normalize("NFKD", str(name).replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _detect_separator(text: str) -> str:
    """``,``, ``;`` or tab: :class:`csv.Sniffer` on a sample, checked against the header."""
    lines = [line for line in text[:65536].splitlines() if line.strip()]
    if not lines:
        return ","
    header = lines[0]
    sample = "\n".join(lines[:50])
    try:
        sep = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sep = ""
    if sep and header.count(sep) > 0:
        return sep
    counts = {s: header.count(s) for s in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _cell_text(value: object) -> str:
    """A typed cell (Excel, Parquet) as the text a user would have typed."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | np.ndarray):
        return "|".join(_cell_text(v) for v in value)
    return str(value)


def _as_text(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Every cell as stripped text ('' when empty), index = row number, empty rows dropped."""
    index = pd.RangeIndex(first_row, first_row + len(frame))
    out = {}
    for i in range(frame.shape[1]):
        series = frame.iloc[:, i]
        if isinstance(series.dtype, pd.StringDtype):
            text = series.fillna("").set_axis(index)
        else:
            text = pd.Series([_cell_text(v) for v in series], index=index, dtype="str")
        out[i] = text.str.strip()
    text_frame = pd.DataFrame(out, index=index)
    text_frame.columns = [str(c) for c in frame.columns]
    if len(text_frame.columns):
        text_frame = text_frame[(text_frame != "").any(axis=1)]
    text_frame.index = text_frame.index.astype("int64")
    return text_frame


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """Header and cells of a CSV file; an empty file is a frame without columns or rows."""
    text = _decode(path.read_bytes())
    if not text.strip():
        return pd.DataFrame(index=pd.RangeIndex(0)), ","
    sep = _detect_separator(text)
    # header=None: a data row wider than the header is a ParserError (reported with its
    # line), instead of pandas silently turning the first values into an index
    cells = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                        keep_default_na=False, skip_blank_lines=False)
    header = cells.iloc[0].fillna("").tolist()
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = _unique_names(header)
    return frame, sep


def _unique_names(names: list[str]) -> list[str]:
    """Header cells made unique the way pandas does (``a``, ``a.1``); empty -> ``Unnamed: i``."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = str(name).strip() or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def read_table_file(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read one table file (CSV, ``.xlsx`` or Parquet) as text cells, without conversion.

    For helper files such as locked / forbidden pair lists. Cells are stripped ``str``
    (``""`` when empty), the headers are as in the file, and the index is the row number
    as the user sees it (header = row 1), like every frame :func:`load_dataset` returns.

    Parameters
    ----------
    path : path
        The file; the CSV encoding and separator are detected.
    sheet : str, optional
        Sheet of a workbook to read; default the first sheet.

    Raises
    ------
    InputFileError
        When the file does not exist, cannot be parsed or has no such sheet.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"file not found: {path}")
    try:
        sheets = _read_file(path, "")
    except _Unreadable as exc:
        raise InputFileError(f"cannot read {path}: {exc}") from exc
    if not any(len(raw.frame.columns) for raw in sheets.values()):
        raise InputFileError(f"cannot read {path}: the file is empty (no header row)")
    if sheet is None:
        return next(iter(sheets.values())).frame
    if sheet not in sheets:
        raise InputFileError(f"{path.name} has no sheet {sheet!r}; sheets: {', '.join(sheets)}")
    return sheets[sheet].frame


def _read_file(path: Path, table: str) -> dict[str, _RawTable]:
    """Sheet name ('' for CSV/Parquet) -> raw table; raises :class:`_Unreadable`."""
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            frame, sep = _read_csv(path)
            return {"": _RawTable(table, path.name, _as_text(frame, 2), sep == ";", sep)}
        if suffix in EXCEL_SUFFIXES:
            sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
            return {
                name: _RawTable(table, f"{path.name}[{name}]", _as_text(frame, 2))
                for name, frame in sheets.items()
            }
        if suffix in PARQUET_SUFFIXES:
            frame = pd.read_parquet(path)
            named_index = any(n is not None for n in frame.index.names)
            frame = frame.reset_index(drop=not named_index)  # a named index is a column
            return {"": _RawTable(table, path.name, _as_text(frame, 2))}
    except _Unreadable:
        raise
    except _READ_ERRORS as exc:
        raise _Unreadable(f"{type(exc).__name__}: {exc}") from exc
    raise _Unreadable(f"unsupported file type {suffix!r}; use .csv, .xlsx or .parquet")


def _table_names() -> dict[str, str]:
    """Normalised table, file and sheet names (including Dutch aliases) -> table name."""
    names = {}
    for schema in TABLES.values():
        for name in (schema.name, *schema.aliases):
            names[normalise_column_name(name)] = schema.name
    return names


def _problem(table: str, file: str, rule: str, message: str, column: str | None = None,
             row: int | None = None, value: str | None = None) -> Problem:
    return make_problems(table, file, column, [row], [value], rule, [message])[0]


def _pick_sheet(sheets: dict[str, _RawTable], table: str, file_name: str) -> _RawTable:
    """The sheet of a one-table file: the one named after the table, else the first."""
    names = _table_names()
    raw = next((r for sheet, r in sheets.items()
                if names.get(normalise_column_name(sheet)) == table), None)
    raw = raw or next(iter(sheets.values()))
    if len(sheets) == 1:
        raw.file = file_name  # no need to name the only sheet
    raw.table = table
    return raw


def _read_sources(path: Path
                  ) -> tuple[dict[str, _RawTable], list[Problem], list[str], list[_ManifestEntry]]:
    """Locate and read every table (and the manifest) of a folder or workbook."""
    names = _table_names()
    found: dict[str, list[_RawTable]] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    manifest: list[_ManifestEntry] = []
    if path.is_dir():
        files = sorted(p for p in path.iterdir()
                       if p.is_file() and not p.name.startswith(("~$", ".")))
        for file in files:
            if file.name.lower() == MANIFEST_FILE:
                entries, manifest_problems = _read_manifest_json(file)
                manifest += entries
                problems += manifest_problems
                continue
            table = names.get(normalise_column_name(file.stem))
            if file.suffix.lower() not in DATA_SUFFIXES:
                continue
            if table is None:
                if file.suffix.lower() != ".txt":  # .txt files are mostly notes
                    warnings.append(f"{file.name}: not a table of the data contract; ignored")
                continue
            try:
                sheets = _read_file(file, table)
            except _Unreadable as exc:
                problems.append(_problem(table, file.name, "unreadable_file",
                                         f"cannot read {file.name}: {exc}"))
                continue
            raw = _pick_sheet(sheets, table, file.name)
            found.setdefault(table, []).append(raw)
    elif path.is_file() and path.suffix.lower() in EXCEL_SUFFIXES:
        try:
            sheets = _read_file(path, "")
        except _Unreadable as exc:
            raise InputFileError(f"cannot read workbook {path}: {exc}") from exc
        for sheet, raw in sheets.items():
            if normalise_column_name(sheet) == MANIFEST_SHEET:
                entries, manifest_problems = _read_manifest_sheet(raw)
                manifest += entries
                problems += manifest_problems
                continue
            table = names.get(normalise_column_name(sheet))
            if table is None:
                warnings.append(f"{raw.file}: not a table of the data contract; ignored")
                continue
            raw.table = table
            found.setdefault(table, []).append(raw)
    elif path.exists():
        raise InputFileError(
            f"{path} is neither a folder nor an .xlsx workbook; a dataset is a folder with one "
            "file per table (candidates.csv, projects.csv, vacancies.csv, …) or one workbook "
            "with one sheet per table")
    else:
        raise InputFileError(f"dataset not found: {path}")
    tables: dict[str, _RawTable] = {}
    for table, raws in found.items():
        if len(raws) > 1:
            files = ", ".join(r.file for r in raws)
            problems.append(_problem(table, raws[0].file, "unreadable_file",
                                     f"table {table!r} is given more than once ({files}); "
                                     "keep one"))
            continue
        tables[table] = raws[0]
    return tables, problems, warnings, manifest


# --------------------------------------------------------------------------- manifest


def _manifest_keys() -> dict[str, str]:
    """Normalised manifest key names (including Dutch aliases) -> canonical key."""
    return {normalise_column_name(name): column.name
            for column in MANIFEST_KEYS for name in (column.name, *column.aliases)}


def _read_manifest_json(file: Path) -> tuple[list[_ManifestEntry], list[Problem]]:
    """The known keys of a ``manifest.json`` (a JSON object; other keys are ignored)."""
    example = '{"extraction_date": "2026-03-01"}'
    try:
        payload = json.loads(_decode(file.read_bytes()))
    except (OSError, UnicodeError, ValueError) as exc:
        return [], [_problem("manifest", file.name, "unreadable_file",
                             f"cannot read {file.name}: {type(exc).__name__}: {exc}; expected "
                             f"a JSON object such as {example}")]
    if not isinstance(payload, dict):
        return [], [_problem("manifest", file.name, "unreadable_file",
                             f"{file.name} holds a JSON {type(payload).__name__}; expected an "
                             f"object such as {example}")]
    keys = _manifest_keys()
    return [_ManifestEntry(keys[normalise_column_name(name)], file.name, None, value)
            for name, value in payload.items() if normalise_column_name(name) in keys], []


def _read_manifest_sheet(raw: _RawTable) -> tuple[list[_ManifestEntry], list[Problem]]:
    """The known keys of a workbook's ``manifest`` sheet (columns key / value)."""
    by_name = {normalise_column_name(c): c for c in raw.frame.columns}
    columns = []
    for accepted in MANIFEST_KEY_COLUMNS:
        found = next((by_name[n] for n in accepted if n in by_name), None)
        if found is None:
            names = ", ".join(repr(n) for n in accepted)
            present = ", ".join(map(str, raw.frame.columns)) or "none"
            return [], [_problem("manifest", raw.file, "missing_column",
                                 f"the manifest sheet needs two columns key and value; column "
                                 f"{accepted[0]!r} is missing (accepted names: {names}); "
                                 f"columns found: {present}", column=accepted[0])]
        columns.append(found)
    keys = _manifest_keys()
    return [_ManifestEntry(keys[normalise_column_name(key)], raw.file, int(row), value)
            for row, key, value in zip(raw.frame.index, raw.frame[columns[0]],
                                       raw.frame[columns[1]], strict=True)
            if normalise_column_name(key) in keys], []


def _manifest_values(entries: list[_ManifestEntry]) -> tuple[dict[str, str | None], list[Problem]]:
    """Each manifest key's value (ISO text for dates; ``None`` when absent or empty)."""
    values: dict[str, str | None] = {}
    problems: list[Problem] = []
    for column in MANIFEST_KEYS:
        given = [e for e in entries if e.key == column.name]
        values[column.name] = None
        if len(given) > 1:
            where = ", ".join(e.file if e.row is None else f"{e.file} row {e.row}" for e in given)
            problems.append(_problem("manifest", given[1].file, "duplicate_id",
                                     f"{column.name} is given {len(given)} times "
                                     f"({shorten_value(where, 500)}); keep one",
                                     column=column.name, row=given[1].row,
                                     value=str(given[1].value)))
            continue
        if not given or given[0].value is None:
            continue
        entry = given[0]
        if not isinstance(entry.value, str):  # a JSON number, list, boolean …
            problems.append(_problem("manifest", entry.file, "type",
                                     f"{column.name} {shorten_value(json.dumps(entry.value))} "
                                     'is not a date; write it as a text such as "2026-03-01"',
                                     column=column.name, row=entry.row,
                                     value=json.dumps(entry.value)))
            continue
        text = entry.value.strip()
        if not text:
            continue
        converted, bad, template = _convert_values(pd.Series([text], dtype="str"), column, False)
        if bool(bad.iloc[0]):
            problems.append(_problem("manifest", entry.file, "type",
                                     f"{column.name} "
                                     + template.format(value=shorten_value(text)),
                                     column=column.name, row=entry.row, value=text))
            continue
        values[column.name] = pd.Timestamp(converted.iloc[0]).strftime("%Y-%m-%d")
    return values, problems


# --------------------------------------------------------------------------- headers


def _canonical_headers(raw: _RawTable, schema: TableSchema) -> tuple[pd.DataFrame, list[Problem]]:
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
            problems.append(_problem(schema.name, raw.file, "unknown_column",
                                     f"column {shorten_value(original)!r} is not part of the "
                                     f"{schema.name} table and is ignored; known columns: "
                                     f"{known}", column=str(original)))
        elif canonical in keep.values():
            first = next(k for k, v in keep.items() if v == canonical)
            problems.append(_problem(schema.name, raw.file, "unknown_column",
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


def _parse_numbers(text: pd.Series, decimal_comma: bool) -> pd.Series:
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


def _parse_dates(text: pd.Series) -> pd.Series:
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


def _convert_column(text: pd.Series, column: Column, decimal_comma: bool
                    ) -> tuple[pd.Series, pd.Series, str]:
    """(converted values, mask of cells that failed conversion, message template).

    Conversion runs once per distinct cell text (columns repeat a lot: postcodes, dates,
    codes), then the answers are spread back over the rows.
    """
    if column.kind in ("id", "str"):
        return (text.where(text != "").astype("str"), pd.Series(False, index=text.index), "")
    positions, uniques = pd.factorize(text.to_numpy(dtype=object))
    distinct = pd.Series(uniques, dtype="str")
    values, bad, template = _convert_values(distinct, column, decimal_comma)
    return (pd.Series(values.array.take(positions), index=text.index),
            pd.Series(bad.to_numpy(dtype=bool)[positions], index=text.index), template)


def _convert_values(text: pd.Series, column: Column, decimal_comma: bool
                    ) -> tuple[pd.Series, pd.Series, str]:
    """:func:`_convert_column` for (distinct) cell texts."""
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
        numbers = _parse_numbers(text, decimal_comma)
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
        dates = _parse_dates(text)
        return (dates, filled & dates.isna(),
                "{value!r} is not a date (use 2026-03-01 or 01-03-2026)")
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


def _convert_table(text: pd.DataFrame, schema: TableSchema, file: str, decimal_comma: bool
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
            values, bad, template = _convert_column(cells, column, decimal_comma)
            if bad.any():
                raw = text.loc[bad, column.name]
                problems += make_problems(
                    schema.name, file, column.name, raw.index, raw.tolist(), "type",
                    [template.format(value=shorten_value(v)) for v in raw])
        else:
            values = _empty_column(column, text.index)
        out[column.name] = _with_default(values, column)
    frame = pd.DataFrame(out, index=text.index)
    return frame, problems


def _empty_column(column: Column, index: pd.Index) -> pd.Series:
    if column.kind == "list":
        return pd.Series([()] * len(index), index=index, dtype=object)
    if column.kind in ("int", "float"):
        return pd.Series(np.nan, index=index, dtype="float64")
    if column.kind == "bool":
        return pd.Series(pd.NA, index=index, dtype="boolean")
    if column.kind == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(np.nan, index=index, dtype="str")


def _with_default(values: pd.Series, column: Column) -> pd.Series:
    if column.default is None or column.kind == "list":
        return values
    return values.fillna(column.default).astype(values.dtype)


# --------------------------------------------------------------------------- load_dataset


def _default_valuation() -> pd.DataFrame:
    """The shipped building blocks as text cells, converted like a user's file."""
    frame = reference.default_valuation().reset_index(drop=True)
    columns = [c for c in frame.columns if c in TABLES["valuation"].column_names]
    return _as_text(frame[columns], 2)


def load_dataset(
    path: str | Path,
    *,
    valuation: str | Path | None = None,
    skip_invalid: bool = False,
    rejects_dir: str | Path | None = None,
    settings: Settings | None = None,
) -> LoadResult:
    """Load and validate a dataset folder or ``.xlsx`` workbook.

    Parameters
    ----------
    path : path
        A folder with one file per table (``candidates.csv|.xlsx|.parquet`` or the Dutch
        names such as ``kandidaten.csv``), or one ``.xlsx`` workbook with a sheet per table.
        An optional ``manifest.json`` in the folder (or sheet ``manifest`` with columns key /
        value in the workbook) declares ``extraction_date``, returned as
        ``dataset.extraction_date``.
    valuation : path, optional
        A valuation table (CSV, ``.xlsx`` or Parquet) replacing the default building blocks
        and any valuation table in the dataset.
    skip_invalid : bool
        Set invalid rows aside instead of failing: rows with an error, and rows whose
        referenced parent row was set aside (reported as ``dangling_reference``).
    rejects_dir : path, optional
        With ``skip_invalid``, write ``rejected_<table>.csv`` here (original columns plus
        ``_row`` and ``_reasons``) for each table that lost rows.
    settings : Settings, optional
        ``fuzzy_cutoff`` decides which free-text certificate terms resolve.

    Returns
    -------
    LoadResult
        Placements of candidates missing from the candidates table are not in
        ``dataset.placements``; each is a ``history_candidate_unknown`` warning in
        ``problems`` and ``warnings`` says how many were dropped.

    Raises
    ------
    InputFileError
        The path does not exist, is not a folder or workbook, or the workbook is unreadable.
    ValidationError
        An error-level problem, carrying every problem found (with ``skip_invalid`` only
        for problems no row can be dropped for: missing tables or columns, unreadable files,
        a malformed manifest).
    """
    started = time.perf_counter()
    path = Path(path)
    raws, problems, warnings, manifest_entries = _read_sources(path)
    manifest, manifest_problems = _manifest_values(manifest_entries)
    problems += manifest_problems
    if valuation is not None:
        valuation = Path(valuation)
        if not valuation.is_file():
            raise InputFileError(f"valuation file not found: {valuation}")
        raws.pop("valuation", None)
        try:
            sheets = _read_file(valuation, "valuation")
        except _Unreadable as exc:
            problems.append(_problem("valuation", valuation.name, "unreadable_file",
                                     f"cannot read {valuation.name}: {exc}"))
        else:
            raws["valuation"] = _pick_sheet(sheets, "valuation", valuation.name)

    tables: dict[str, pd.DataFrame] = {}
    texts: dict[str, pd.DataFrame] = {}
    originals: dict[str, _RawTable] = {}
    sources: dict[str, str] = {}
    for name, schema in TABLES.items():
        raw = raws.get(name)
        if raw is None:
            if name == "valuation":
                raw = _RawTable(name, "valuation_default.csv", _default_valuation())
            elif name == "placements":
                raw = _RawTable(name, "placements", pd.DataFrame(
                    {c.name: pd.Series(dtype="str") for c in schema.columns if c.required},
                    index=pd.Index([], dtype="int64")))
            else:
                continue
        text, header_problems = _canonical_headers(raw, schema)
        frame, type_problems = _convert_table(text, schema, raw.file, raw.decimal_comma)
        problems += header_problems + type_problems
        tables[name], texts[name], originals[name] = frame, text, raw
        if name in raws or name == "valuation":
            sources[name] = raw.file

    unreadable = {p.table for p in problems if p.rule == "unreadable_file"}
    problems += [p for p in validate(tables, raw=texts, sources=sources, settings=settings,
                                     location=path.name,
                                     extraction_date=manifest["extraction_date"])
                 if not (p.rule == "missing_table" and p.table in unreadable)]
    problems = sort_problems(problems)
    warnings += [f"{w.file}: {w.message}" for w in summarise_warnings(problems)]
    errors = [p for p in problems if p.severity == "error"]
    fatal = [p for p in errors if p.row is None or p.table not in TABLES]  # manifest: no rows
    if errors and (not skip_invalid or fatal):
        raise ValidationError(problems, f"{len(errors)} error(s) in the input data"
                              + (f" ({len(fatal)} cannot be skipped)" if skip_invalid else ""))

    rejected = _empty_rejected()
    if errors:
        tables, problems, rejected = _drop_invalid(tables, problems, sources)
        if rejects_dir is not None:
            _write_rejects(Path(rejects_dir), rejected, originals)
        for table, count in rejected.groupby("table", sort=False).size().items():
            warnings.append(f"{sources[table]}: {count} invalid row(s) of {table} skipped")
    tables = _leave_out(tables, problems)
    dataset = Dataset(**{name: tables[name] for name in TABLES}, sources=sources,
                      path=str(path), extraction_date=manifest["extraction_date"])
    log.info("loaded %s in %.2fs: %s; %d problem(s), %d row(s) rejected", path.name,
             time.perf_counter() - started,
             ", ".join(f"{len(tables[n])} {n}" for n in TABLES), len(problems), len(rejected))
    return LoadResult(dataset=dataset, problems=problems, rejected=rejected, warnings=warnings)


def _leave_out(tables: dict[str, pd.DataFrame], problems: list[Problem]
               ) -> dict[str, pd.DataFrame]:
    """Drop the rows of :data:`~matching.data.validation.LEFT_OUT_RULES` warnings (placements of
    unknown candidates: they cannot be featurised, and the warning says so)."""
    rows: dict[str, set[int]] = {}
    for p in problems:
        if p.rule in LEFT_OUT_RULES and p.row is not None and p.table in tables:
            rows.setdefault(p.table, set()).add(p.row)
    out = dict(tables)
    for table, drop in rows.items():
        out[table] = tables[table].drop(index=sorted(drop), errors="ignore")
    return out


def _empty_rejected() -> pd.DataFrame:
    return pd.DataFrame({"table": pd.Series(dtype="str"), "row": pd.Series(dtype="int64"),
                         "reasons": pd.Series(dtype="str")})


def _reason(p: Problem) -> str:
    return f"{p.column}: {p.message}" if p.column else p.message


def _drop_invalid(tables: dict[str, pd.DataFrame], problems: list[Problem],
                  sources: Mapping[str, str]
                  ) -> tuple[dict[str, pd.DataFrame], list[Problem], pd.DataFrame]:
    """Drop rows with errors, then rows whose parent was dropped (cascade, to a fixpoint)."""
    bad: dict[str, set[int]] = {name: set() for name in tables}
    for p in problems:
        if p.severity == "error" and p.row is not None and p.table in bad:
            bad[p.table].add(p.row)
    kept = {name: frame.drop(index=sorted(bad[name])) for name, frame in tables.items()}
    cascade: list[Problem] = []
    changed = True
    while changed:
        changed = False
        for name, schema in TABLES.items():
            for fk in schema.foreign_keys:
                child, parent = kept[name], kept[fk.table]
                values = child[fk.column].astype(object)
                given = set(tables[fk.table][fk.target].dropna())  # unknown ids: reported
                lost = (values.notna() & values.isin(given)
                        & ~values.isin(set(parent[fk.target].dropna())))
                if not lost.any():
                    continue
                rows = lost.index[lost.to_numpy()]
                cascade += make_problems(
                    name, sources[name], fk.column, rows, values.loc[rows].tolist(),
                    "dangling_reference",
                    [f"{shorten_value(v)!r} was rejected from {fk.table} (see its problems), "
                     "so this row is rejected too" for v in values.loc[rows]])
                bad[name].update(int(r) for r in rows)
                kept[name] = child.drop(index=rows)
                changed = True
    problems = sort_problems([*problems, *cascade])
    reasons: dict[tuple[str, int], list[str]] = {}
    for p in problems:
        if p.severity == "error" and p.row is not None and p.table in bad:
            reasons.setdefault((p.table, p.row), []).append(_reason(p))
    rejected = pd.DataFrame(
        [{"table": t, "row": r, "reasons": "; ".join(reasons[(t, r)])}
         for t in TABLES for r in sorted(bad.get(t, ()))],
        columns=["table", "row", "reasons"],
    )
    rejected = rejected.astype({"table": "str", "row": "int64", "reasons": "str"})
    return kept, problems, rejected


def _write_rejects(folder: Path, rejected: pd.DataFrame, originals: Mapping[str, _RawTable]
                   ) -> None:
    """``rejected_<table>.csv``: the rows as read plus ``_row`` and ``_reasons``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for table, group in rejected.groupby("table", sort=False):
            raw = originals[table]
            rows = raw.frame.loc[group["row"].to_numpy()].copy()
            rows.insert(0, "_row", rows.index)
            rows["_reasons"] = group["reasons"].to_numpy()
            # no live formula from input text in a file a user opens in Excel
            write_csv(rows, folder / f"rejected_{table}.csv", sep=raw.sep)
    except OSError as exc:
        raise InputFileError(f"cannot write rejected rows to {folder}: {exc}") from exc

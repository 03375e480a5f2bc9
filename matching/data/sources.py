"""Dataset sources: find each table (and the manifest) in a dataset folder or workbook.

A folder holds one file per table (English or Dutch names, any supported format) and an
optional ``manifest.json``; a workbook holds one sheet per table and an optional ``manifest``
sheet (:data:`matching.data.schema.MANIFEST_KEYS`). Files that cannot be read or that give a
table twice become ``unreadable_file`` problems; a missing dataset path raises
:class:`~matching.core.errors.InputFileError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from matching.core.errors import InputFileError
from matching.data.readers import (
    DATA_SUFFIXES,
    EXCEL_SUFFIXES,
    RawTable,
    Unreadable,
    decode,
    normalise_column_name,
    read_file,
)
from matching.data.schema import (
    MANIFEST_FILE,
    MANIFEST_KEY_COLUMNS,
    MANIFEST_KEYS,
    MANIFEST_SHEET,
    TABLES,
    Problem,
)
from matching.data.validation_problems import one_problem


@dataclass(frozen=True)
class ManifestEntry:
    """One known key of the dataset manifest as read (``row`` is None for ``manifest.json``)."""

    key: str
    file: str
    row: int | None
    value: object



def _table_names() -> dict[str, str]:
    """Normalised table, file and sheet names (including Dutch aliases) -> table name."""
    names = {}
    for schema in TABLES.values():
        for name in (schema.name, *schema.aliases):
            names[normalise_column_name(name)] = schema.name
    return names


def pick_sheet(sheets: dict[str, RawTable], table: str, file_name: str) -> RawTable:
    """The sheet of a one-table file: the one named after the table, else the first."""
    names = _table_names()
    raw = next((r for sheet, r in sheets.items()
                if names.get(normalise_column_name(sheet)) == table), None)
    raw = raw or next(iter(sheets.values()))
    if len(sheets) == 1:
        raw.file = file_name  # no need to name the only sheet
    raw.table = table
    return raw


def read_sources(path: Path
                 ) -> tuple[dict[str, RawTable], list[Problem], list[str], list[ManifestEntry]]:
    """Locate and read every table (and the manifest) of a folder or workbook."""
    names = _table_names()
    found: dict[str, list[RawTable]] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    manifest: list[ManifestEntry] = []
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
                sheets = read_file(file, table)
            except Unreadable as exc:
                problems.append(one_problem(table, file.name, "unreadable_file",
                                            f"cannot read {file.name}: {exc}"))
                continue
            raw = pick_sheet(sheets, table, file.name)
            found.setdefault(table, []).append(raw)
    elif path.is_file() and path.suffix.lower() in EXCEL_SUFFIXES:
        try:
            sheets = read_file(path, "")
        except Unreadable as exc:
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
    tables: dict[str, RawTable] = {}
    for table, raws in found.items():
        if len(raws) > 1:
            files = ", ".join(r.file for r in raws)
            problems.append(one_problem(table, raws[0].file, "unreadable_file",
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


def _read_manifest_json(file: Path) -> tuple[list[ManifestEntry], list[Problem]]:
    """The known keys of a ``manifest.json`` (a JSON object; other keys are ignored)."""
    example = '{"extraction_date": "2026-03-01"}'
    try:
        payload = json.loads(decode(file.read_bytes()))
    except (OSError, UnicodeError, ValueError) as exc:
        return [], [one_problem("manifest", file.name, "unreadable_file",
                                f"cannot read {file.name}: {type(exc).__name__}: {exc}; expected "
                                f"a JSON object such as {example}")]
    if not isinstance(payload, dict):
        return [], [one_problem("manifest", file.name, "unreadable_file",
                                f"{file.name} holds a JSON {type(payload).__name__}; expected an "
                                f"object such as {example}")]
    keys = _manifest_keys()
    return [ManifestEntry(keys[normalise_column_name(name)], file.name, None, value)
            for name, value in payload.items() if normalise_column_name(name) in keys], []


def _read_manifest_sheet(raw: RawTable) -> tuple[list[ManifestEntry], list[Problem]]:
    """The known keys of a workbook's ``manifest`` sheet (columns key / value)."""
    by_name = {normalise_column_name(c): c for c in raw.frame.columns}
    columns = []
    for accepted in MANIFEST_KEY_COLUMNS:
        found = next((by_name[n] for n in accepted if n in by_name), None)
        if found is None:
            names = ", ".join(repr(n) for n in accepted)
            present = ", ".join(map(str, raw.frame.columns)) or "none"
            return [], [one_problem("manifest", raw.file, "missing_column",
                                    f"the manifest sheet needs two columns key and value; column "
                                    f"{accepted[0]!r} is missing (accepted names: {names}); "
                                    f"columns found: {present}", column=accepted[0])]
        columns.append(found)
    keys = _manifest_keys()
    return [ManifestEntry(keys[normalise_column_name(key)], raw.file, int(row), value)
            for row, key, value in zip(raw.frame.index, raw.frame[columns[0]],
                                       raw.frame[columns[1]], strict=True)
            if normalise_column_name(key) in keys], []


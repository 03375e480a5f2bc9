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
``empty_table`` problem, see :func:`matching.data.validation.validate`). An optional table
that is not given (``placements``, ``courses``, ``tenders``) is loaded as a table without
rows, with every column.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matching.core.config import Settings
from matching.core.errors import InputFileError, ValidationError
from matching.data import reference
from matching.data.coerce import BOOLEAN_WORDS, canonical_headers, convert_table, manifest_values
from matching.data.dataset import Dataset
from matching.data.readers import (
    RawTable,
    Unreadable,
    as_text,
    normalise_column_name,
    read_file,
    read_table_file,
)
from matching.data.rejects import drop_invalid, empty_rejected, leave_out, write_rejects
from matching.data.schema import TABLES, Problem
from matching.data.sources import pick_sheet, read_sources
from matching.data.validation import sort_problems, summarise_warnings, validate
from matching.data.validation_problems import one_problem

__all__ = ["BOOLEAN_WORDS", "LoadResult", "load_dataset", "load_raw_tables", "normalise_column_name",
           "read_table_file"]

log = logging.getLogger(__name__)

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
    texts: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Each table's cells as text under the canonical column names, before conversion (what
    the service's database stores; :mod:`matching.data.records`)."""



def _default_valuation() -> pd.DataFrame:
    """The shipped building blocks as text cells, converted like a user's file."""
    frame = reference.default_valuation().reset_index(drop=True)
    columns = [c for c in frame.columns if c in TABLES["valuation"].column_names]
    return as_text(frame[columns], 2)


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
    raws, problems, warnings, manifest_entries = read_sources(path)
    manifest, manifest_problems = manifest_values(manifest_entries)
    problems += manifest_problems
    if valuation is not None:
        valuation = Path(valuation)
        if not valuation.is_file():
            raise InputFileError(f"valuation file not found: {valuation}")
        raws.pop("valuation", None)
        try:
            sheets = read_file(valuation, "valuation")
        except Unreadable as exc:
            problems.append(one_problem("valuation", valuation.name, "unreadable_file",
                                        f"cannot read {valuation.name}: {exc}"))
        else:
            raws["valuation"] = pick_sheet(sheets, "valuation", valuation.name)

    return load_raw_tables(raws, problems=problems, warnings=warnings,
                           extraction_date=manifest["extraction_date"], location=path.name,
                           path=str(path), skip_invalid=skip_invalid, rejects_dir=rejects_dir,
                           settings=settings, started=started)


def load_raw_tables(
    raws: dict[str, RawTable],
    *,
    problems: list[Problem] | None = None,
    warnings: list[str] | None = None,
    extraction_date: str | None = None,
    location: str = "",
    path: str = "",
    skip_invalid: bool = False,
    rejects_dir: str | Path | None = None,
    settings: Settings | None = None,
    started: float | None = None,
) -> LoadResult:
    """Convert and validate tables already read as text cells (steps 2 and 3).

    :func:`load_dataset` reads a folder or workbook and calls this; the service's database
    (``matching.web.store``) rebuilds the same text cells from its records and calls it too,
    so a dataset from the database passes exactly the checks a dataset from files does.
    ``problems`` and ``warnings`` found while reading are carried into the result.
    """
    started = time.perf_counter() if started is None else started
    problems = list(problems or [])
    warnings = list(warnings or [])
    tables: dict[str, pd.DataFrame] = {}
    texts: dict[str, pd.DataFrame] = {}
    originals: dict[str, RawTable] = {}
    sources: dict[str, str] = {}
    for name, schema in TABLES.items():
        raw = raws.get(name)
        if raw is None:
            if name == "valuation":
                raw = RawTable(name, "valuation_default.csv", _default_valuation())
            elif not schema.required_table:  # placements, courses, tenders: no rows
                grouped = {c for group in schema.one_of for c in group}
                raw = RawTable(name, name, pd.DataFrame(
                    {c.name: pd.Series(dtype="str") for c in schema.columns
                     if c.required or c.name in grouped},
                    index=pd.Index([], dtype="int64")))
            else:
                continue
        text, header_problems = canonical_headers(raw, schema)
        frame, type_problems = convert_table(text, schema, raw.file, raw.decimal_comma)
        problems += header_problems + type_problems
        tables[name], texts[name], originals[name] = frame, text, raw
        if name in raws or name == "valuation":
            sources[name] = raw.file

    unreadable = {p.table for p in problems if p.rule == "unreadable_file"}
    problems += [p for p in validate(tables, raw=texts, sources=sources, settings=settings,
                                     location=location,
                                     extraction_date=extraction_date)
                 if not (p.rule == "missing_table" and p.table in unreadable)]
    problems = sort_problems(problems)
    warnings += [f"{w.file}: {w.message}" for w in summarise_warnings(problems)]
    errors = [p for p in problems if p.severity == "error"]
    fatal = [p for p in errors if p.row is None or p.table not in TABLES]  # manifest: no rows
    if errors and (not skip_invalid or fatal):
        raise ValidationError(problems, f"{len(errors)} error(s) in the input data"
                              + (f" ({len(fatal)} cannot be skipped)" if skip_invalid else ""))

    rejected = empty_rejected()
    if errors:
        tables, problems, rejected = drop_invalid(tables, problems, sources)
        if rejects_dir is not None:
            write_rejects(Path(rejects_dir), rejected, originals)
        for table, count in rejected.groupby("table", sort=False).size().items():
            warnings.append(f"{sources[table]}: {count} invalid row(s) of {table} skipped")
    tables = leave_out(tables, problems)
    dataset = Dataset(**{name: tables[name] for name in TABLES}, sources=sources,
                      path=str(path), extraction_date=extraction_date)
    log.info("loaded %s in %.2fs: %s; %d problem(s), %d row(s) rejected", location,
             time.perf_counter() - started,
             ", ".join(f"{len(tables[n])} {n}" for n in TABLES), len(problems), len(rejected))
    return LoadResult(dataset=dataset, problems=problems, rejected=rejected, warnings=warnings,
                      texts=texts)


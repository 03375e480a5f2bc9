"""The dataset in the database: imports in, validated datasets out.

An import runs the data-contract files through the same loader and validation as the command
line (:func:`matching.data.loading.load_dataset`) and stores each row as a versioned text
record (:mod:`matching.data.records`) in one transaction: a file with any error imports
nothing. A dataset read back is rebuilt from the current records and validated again by
:func:`matching.data.loading.load_raw_tables`, with the placements recorded in the service
(accepted proposals and their outcomes) added to the history: the feedback loop.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from matching.core.config import Settings
from matching.core.errors import InputFileError, ValidationError
from matching.core.folders import file_sha256
from matching.data import reference
from matching.data.loading import LoadResult, load_dataset, load_raw_tables
from matching.data.records import raw_tables, record_digest, record_key, storable_texts
from matching.data.schema import Problem
from matching.web import audit
from matching.web.models import DataImport, Placement, Record

__all__ = ["ImportOutcome", "data_version", "import_export", "load_from_db",
           "municipality_name", "problem_dict"]

log = logging.getLogger(__name__)

_generation = 0  # bumped by every import in this process (the engine rebuilds at once)


def generation() -> int:
    return _generation


@cache
def _municipality_names() -> dict[str, str]:
    names = reference.municipalities()
    return dict(zip(names["gm_code"], names["name"], strict=True))


def municipality_name(code: str | None) -> str | None:
    return _municipality_names().get(str(code).upper()) if code else None


def problem_dict(problem: Problem) -> dict[str, Any]:
    """A validation problem as the API and the import page show it."""
    return {"file": problem.file, "table": problem.table, "row": problem.row,
            "column": problem.column, "value": problem.value, "rule": problem.rule,
            "message": problem.message, "severity": problem.severity}


@dataclass
class ImportOutcome:
    """What one import did."""

    import_id: int
    status: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _file_list(path: Path, result: LoadResult | None) -> list[dict[str, Any]]:
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))) \
        if path.is_dir() else [path]
    by_file = {}
    if result is not None:
        by_file = {source: table for table, source in result.dataset.sources.items()}
    out = []
    for file in files:
        table = by_file.get(file.name)
        rows = len(result.dataset.table(table)) if (result is not None and table) else None
        out.append({"name": file.name, "table": table, "sha256": file_sha256(file),
                    "rows": rows})
    return out


def import_export(path: str | Path, *, actor: str, role: str,
                  settings: Settings | None = None) -> ImportOutcome:
    """Validate a dataset folder (or workbook) and store it, all or nothing.

    Raises :class:`ValidationError` (after recording the rejected import and its audit
    entry) when any file breaks the contract; nothing is imported then.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"dataset not found: {path}")
    try:
        result = load_dataset(path, settings=settings)
    except ValidationError as exc:
        problems = [problem_dict(p) for p in exc.problems]
        files = _file_list(path, None)
        rejected = DataImport.objects.create(actor=actor, status=DataImport.Status.REJECTED,
                                             location=path.name, files=files,
                                             problems=problems)
        audit.record("import", actor=actor, role=role, subjects=[f"import:{rejected.pk}"],
                     outcome="rejected", input_sha256=audit.inputs_hash(files),
                     detail={"errors": sum(p["severity"] == "error" for p in problems)})
        raise
    files = _file_list(path, result)
    texts = storable_texts(result)
    organisation = result.dataset.candidates["municipality_code"]
    with transaction.atomic():
        data_import = DataImport.objects.create(
            actor=actor, status=DataImport.Status.IMPORTED, location=path.name, files=files,
            extraction_date=result.dataset.extraction_date or "")
        counts: dict[str, dict[str, int]] = {}
        for table, frame in texts.items():
            counts[table] = _store_table(table, frame, data_import,
                                         organisation if table == "candidates" else None)
        changed = any(c["added"] or c["changed"] or c["removed"] for c in counts.values())
        data_import.counts = counts
        if not changed:
            data_import.status = DataImport.Status.UNCHANGED
        data_import.save(update_fields=["counts", "status"])
    global _generation
    _generation += 1
    audit.record("import", actor=actor, role=role, subjects=[f"import:{data_import.pk}"],
                 input_sha256=audit.inputs_hash(files),
                 detail={"status": data_import.status, "counts": counts})
    return ImportOutcome(data_import.pk, data_import.status, counts, files, [],
                         list(result.warnings))


def _store_table(table: str, frame: Any, data_import: DataImport,
                 organisation: Any | None) -> dict[str, int]:
    current = {key: (pk, digest) for pk, key, digest in
               Record.objects.filter(table=table, closed_by__isnull=True)
               .values_list("pk", "key", "digest")}
    new: list[Record] = []
    close: list[int] = []
    seen: set[str] = set()
    unchanged = 0
    columns = list(frame.columns)
    for row, values in zip(frame.index.tolist(), frame.itertuples(index=False, name=None),
                           strict=True):
        cells = {c: v for c, v in zip(columns, values, strict=True) if v != ""}
        key = record_key(table, int(row), cells)
        seen.add(key)
        digest = record_digest(cells)
        old = current.get(key)
        if old is not None and old[1] == digest:
            unchanged += 1
            continue
        if old is not None:
            close.append(old[0])
        org = ""
        if organisation is not None:
            value = organisation.get(row)
            org = "" if value is None or value != value else str(value)
        new.append(Record(table=table, key=key, row=int(row), cells=cells, digest=digest,
                          organisation=org, opened_by=data_import))
    removed = [pk for key, (pk, _) in current.items() if key not in seen]
    for chunk in range(0, len(close) + len(removed), 900):
        ids = (close + removed)[chunk:chunk + 900]
        Record.objects.filter(pk__in=ids).update(closed_by=data_import)
    Record.objects.bulk_create(new, batch_size=1000)
    return {"added": len(new) - len(close), "changed": len(close), "removed": len(removed),
            "unchanged": unchanged}


def data_version() -> int:
    """Id of the last import that changed the data (0 before any)."""
    last = (DataImport.objects.filter(status=DataImport.Status.IMPORTED)
            .order_by("-pk").values_list("pk", flat=True).first())
    return int(last or 0)


def _placement_cells() -> list[tuple[int, dict[str, str]]]:
    out = []
    for i, placement in enumerate(Placement.objects.order_by("pk")):
        cells = {"placement_id": placement.placement_id, "candidate_id": placement.candidate_id,
                 "vacancy_id": placement.vacancy_id,
                 "start_date": placement.start_date.isoformat()}
        if placement.end_date is not None:
            cells["end_date"] = placement.end_date.isoformat()
        if placement.hours_per_week is not None:
            cells["hours_per_week"] = repr(float(placement.hours_per_week))
        out.append((10_000_000 + i, cells))
    return out


def load_from_db(settings: Settings | None = None) -> LoadResult:
    """The current dataset, validated like a folder, with the service's placements added.

    Raises :class:`InputFileError` when nothing was imported yet.
    """
    version = data_version()
    if version == 0:
        raise InputFileError("the database holds no data yet: import an export first "
                             "(sroi-match import --data DIR)")
    records: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for table, row, cells in (Record.objects.filter(closed_by__isnull=True)
                              .values_list("table", "row", "cells").iterator(chunk_size=5000)):
        records[table].append((row, cells))
    recorded = _placement_cells()
    if recorded:
        records["placements"].extend(recorded)
    sources: dict[str, str] = {}
    extraction_date = None
    for data_import in DataImport.objects.exclude(status=DataImport.Status.REJECTED).order_by("pk"):
        for file in data_import.files:
            if file.get("table"):
                sources[file["table"]] = file["name"]
        if data_import.extraction_date:
            extraction_date = data_import.extraction_date
    if recorded:
        sources.setdefault("placements", "placements")
    sources.setdefault("valuation", "valuation_default.csv")
    return load_raw_tables(raw_tables(records, sources), extraction_date=extraction_date,
                           location="database", path=f"database (import {version})",
                           settings=settings)

"""A validated dataset as storable text records, and back.

The service's database keeps every row of the contract tables as its text cells under the
canonical column names (one record per row, keyed by the table's id column). Storing text,
not converted values, means a dataset rebuilt from the database passes through exactly the
conversion and validation a dataset from files does (:func:`matching.data.loading.
load_raw_tables`). Number cells are stored in one canonical form (a decimal point, no
thousands separator), so records from an export with Dutch decimal commas and records from
one without can be rebuilt into one table.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping

import pandas as pd

from matching.data.loading import LoadResult
from matching.data.readers import RawTable
from matching.data.schema import TABLES

__all__ = ["raw_tables", "record_digest", "record_key", "storable_texts"]

_NUMBER_KINDS = frozenset({"int", "float"})


def _number_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else repr(number)


def storable_texts(result: LoadResult) -> dict[str, pd.DataFrame]:
    """The text cells of every row the loaded dataset kept, numbers in canonical form.

    Rows the loader left out (placements of unknown candidates) are not stored. The index is
    the row number in the source file.
    """
    out: dict[str, pd.DataFrame] = {}
    for name, schema in TABLES.items():
        text = result.texts.get(name)
        if text is None or name not in result.dataset.sources:
            continue
        frame = result.dataset.table(name)
        columns = [c.name for c in schema.columns if c.name in text.columns]
        kept = text.loc[text.index.isin(frame.index), columns].copy()
        for column in schema.columns:
            if column.kind in _NUMBER_KINDS and column.name in kept.columns:
                kept[column.name] = [_number_text(v) for v in frame.loc[kept.index, column.name]]
        out[name] = kept
    return out


def record_key(table: str, row: int, cells: Mapping[str, str]) -> str:
    """A record's identity: its id for tables with a key column, else its row number."""
    key = TABLES[table].key
    return str(cells[key]) if key else f"row-{row}"


def record_digest(cells: Mapping[str, str]) -> str:
    """sha256 of a record's cells (order-independent): equal digests, unchanged record."""
    payload = json.dumps(dict(cells), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def raw_tables(records: Mapping[str, list[tuple[int, Mapping[str, str]]]],
               sources: Mapping[str, str]) -> dict[str, RawTable]:
    """Rebuild the tables as text cells from ``(row, cells)`` records, in row order."""
    out: dict[str, RawTable] = {}
    for name, rows in records.items():
        schema = TABLES[name]
        rows = sorted(rows, key=lambda item: item[0])
        columns = [c.name for c in schema.columns
                   if any(c.name in cells for _, cells in rows)] or \
                  [c.name for c in schema.columns if c.required]
        frame = pd.DataFrame([[cells.get(c, "") for c in columns] for _, cells in rows],
                             columns=columns, dtype="str",
                             index=pd.Index([row for row, _ in rows], dtype="int64"))
        out[name] = RawTable(name, sources.get(name, name), frame)
    return out

"""A shortlist as a file: JSON, CSV or an Excel workbook (inert text, written atomically).

The shortlist arrives as a :class:`matching.workflows.shortlist_result.ShortlistResult` (read by
attribute; reports never import workflows at run time). Its JSON is
:meth:`~matching.workflows.shortlist_result.ShortlistResult.to_json`; the CSV and XLSX tables are made
of the same serialised rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from matching.core.tables import csv_text, write_csv, write_text_atomic, write_xlsx
from matching.texts.i18n import text
from matching.texts.phrases import reasons_text

if TYPE_CHECKING:  # the workflow's result type; reports never import workflows at run time
    from matching.workflows.shortlist_result import ShortlistResult

__all__ = ["shortlist_frame", "shortlist_text", "write_shortlist_file"]


def _join(values: Any) -> str:
    if values is None:
        return ""
    if isinstance(values, list | tuple):
        return ", ".join(str(v) for v in values)
    return str(values)


def shortlist_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Flat table of serialised shortlist rows (lists joined, reasons as one text column).

    ``rows`` are the rows as written, :meth:`ShortlistResult.row_dicts` or
    :meth:`ShortlistResult.near_miss_dicts`.

    The ``display`` strings are not repeated: the file carries the values and labels they are
    made of (support and target-group labels in the shortlist's language).
    """
    flat = []
    for row in rows:
        record = {k: (_join(v) if isinstance(v, list | tuple) else v)
                  for k, v in row.items() if k not in ("reasons", "display")}
        record["reasons"] = reasons_text(row.get("reasons", {}))
        flat.append(record)
    return pd.DataFrame(flat)


def shortlist_text(result: ShortlistResult, fmt: str) -> str:
    """The shortlist as JSON or CSV text (for printing)."""
    if fmt == "json":
        return result.to_json()
    return csv_text(shortlist_frame(result.row_dicts()))


def write_shortlist_file(result: ShortlistResult, fmt: str, out: str | Path) -> Path:
    """Write the shortlist as ``json``, ``csv`` or ``xlsx`` to ``out`` (atomically)."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        return write_text_atomic(out, shortlist_text(result, "json") + "\n")
    frame = shortlist_frame(result.row_dicts())
    if fmt == "csv":
        return write_csv(frame, out, encoding="utf-8-sig")
    sheets = {
        "shortlist": frame,
        "near_misses": shortlist_frame(result.near_miss_dicts()),
        "excluded": pd.DataFrame([{"constraint": k,
                                   "reason": text(f"constraint_{k}", result.lang),
                                   "excluded": v} for k, v in result.excluded.items()]),
    }
    if result.notes:
        sheets["notes"] = pd.DataFrame([{"note": note.text} for note in result.notes])
    return write_xlsx(out, sheets)

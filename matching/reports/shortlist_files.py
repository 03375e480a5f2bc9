"""A shortlist as a file: JSON, CSV or an Excel workbook (inert text, written atomically)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from matching.core.tables import csv_text, write_csv, write_text_atomic, write_xlsx
from matching.texts.i18n import text
from matching.texts.phrases import reasons_text

__all__ = ["shortlist_frame", "shortlist_text", "write_shortlist_file"]


def _join(values: Any) -> str:
    if values is None:
        return ""
    if isinstance(values, list | tuple):
        return ", ".join(str(v) for v in values)
    return str(values)



def shortlist_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Flat table of shortlist rows (lists joined, reasons as one text column).

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


def shortlist_text(result: Any, fmt: str) -> str:
    """The shortlist as JSON or CSV text (for printing)."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str)
    return csv_text(shortlist_frame(result.rows))


def write_shortlist_file(result: Any, fmt: str, out: str | Path) -> Path:
    """Write the shortlist as ``json``, ``csv`` or ``xlsx`` to ``out`` (atomically)."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        return write_text_atomic(out, shortlist_text(result, "json") + "\n")
    frame = shortlist_frame(result.rows)
    if fmt == "csv":
        return write_csv(frame, out, encoding="utf-8-sig")
    sheets = {
        "shortlist": frame,
        "near_misses": shortlist_frame(result.near_misses),
        "excluded": pd.DataFrame([{"constraint": k,
                                   "reason": text(f"constraint_{k}", result.lang),
                                   "excluded": v} for k, v in result.excluded.items()]),
    }
    notes = getattr(result, "notes", None) or []
    if notes:
        sheets["notes"] = pd.DataFrame([{"note": n["text"]} for n in notes])
    return write_xlsx(out, sheets)

"""Render a generated sample as CSV tables and write them with ``manifest.json``."""

from __future__ import annotations

import hashlib
import io
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from matching.data.schema import CANDIDATES, COURSES, PLACEMENTS, PROJECTS, TENDERS, VACANCIES

if TYPE_CHECKING:
    from matching.synthetic.sample import SampleData

TABLE_FILES: tuple[str, ...] = ("candidates", "projects", "vacancies", "placements", "courses",
                                "tenders")
"""The written tables, in the order of the files."""


def _text(values: pd.Series, kind: str) -> list[str]:
    """Cell text of one column as written to CSV."""
    if kind in ("list", "date_list"):
        return [";".join(cell) if isinstance(cell, tuple | list) else "" for cell in values]
    if kind in ("int", "float"):
        arr = pd.to_numeric(values).to_numpy(dtype=float)
        return ["" if math.isnan(x) else (str(int(x)) if x == int(x) else f"{x:.2f}".rstrip("0"))
                for x in arr]
    if kind == "bool":
        return ["" if pd.isna(v) else ("true" if v else "false") for v in values]
    if kind == "date":
        dates = pd.to_datetime(values)
        return list(dates.dt.strftime("%Y-%m-%d").fillna(""))
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            for v in values.astype(object)]


_SCHEMAS = {"candidates": CANDIDATES, "projects": PROJECTS, "vacancies": VACANCIES,
            "placements": PLACEMENTS, "courses": COURSES, "tenders": TENDERS}


def render_tables(sample: SampleData) -> dict[str, bytes]:
    """The CSV bytes of each written table (``candidates.csv`` …), UTF-8, ``,``-separated."""
    out = {}
    for name in TABLE_FILES:
        if name not in sample.written:
            continue
        schema = _SCHEMAS[name]
        frame = sample.written[name]
        text = pd.DataFrame({c.name: _text(frame[c.name], c.kind) for c in schema.columns
                             if c.name in frame})
        buf = io.StringIO()
        text.to_csv(buf, index=False, lineterminator="\n")
        out[f"{name}.csv"] = buf.getvalue().encode("utf-8")
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_sample(sample: SampleData, out_dir: str | Path) -> Path:
    """Write the six tables and ``manifest.json`` (with a sha256 per file) to ``out_dir``.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = render_tables(sample)
    for name, data in files.items():
        (out / name).write_bytes(data)
    manifest = dict(sample.manifest)
    manifest["files"] = {name: _sha256(data) for name, data in files.items()}
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8")
    return out

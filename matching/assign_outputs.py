"""Write the files of one assignment run into an output folder.

=============================  ==========================================================
file                           content
=============================  ==========================================================
``assignments.csv`` / ``.xlsx`` one row per proposed placement, with reasons
``pairs.parquet``              exactly the pairs and weights the solver was given (audit)
``unfilled_vacancies.csv``     open positions left, with the reason
``unassigned_candidates.csv``  available people without a proposal, with their best alternative
``project_coverage.csv``       SROI obligation per project before and after
``municipality_flows.csv``     home → work municipality counts
``summary.json``               objective, baselines, counts, model version, solver status, timings
``report.html`` + PNG charts   the coordinator's report (Dutch by default)
=============================  ==========================================================

CSV files are UTF-8 with a BOM so that Dutch Excel opens them correctly; floats are written
with a fixed precision so that two runs on the same input give the same bytes.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from matching.assign import AssignmentRun
from matching.assign_report import render_assignment_report

_FIXED_TIME = datetime(2000, 1, 1)
"""Timestamp written into the workbook properties so that two runs give the same bytes."""

OUTPUT_FILES = (
    "assignments.csv", "assignments.xlsx", "pairs.parquet", "unfilled_vacancies.csv",
    "unassigned_candidates.csv", "project_coverage.csv", "municipality_flows.csv",
    "summary.json", "report.html",
)


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip container (xlsx) with fixed timestamps (entries and document properties)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def _csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8-sig", float_format="%.6g", lineterminator="\n")


def write_outputs(run: AssignmentRun, out_dir: str | Path, *, lang: str = "nl",
                  report: bool = True, deterministic: bool = True) -> dict[str, Path]:
    """Write every output of ``run`` into ``out_dir`` and return the paths by name.

    Wall-clock timings differ from run to run by nature, so they go to ``timings.json``;
    with ``deterministic`` (default) ``summary.json`` holds everything else and is
    byte-identical for the same input and seed.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    _csv(run.assignments, out / "assignments.csv")
    paths["assignments.csv"] = out / "assignments.csv"
    with pd.ExcelWriter(out / "assignments.xlsx", engine="openpyxl") as writer:
        if deterministic:  # no wall-clock timestamps in the workbook's properties
            writer.book.properties.created = _FIXED_TIME
            writer.book.properties.modified = _FIXED_TIME
        run.assignments.to_excel(writer, sheet_name="assignments", index=False)
        run.coverage.to_excel(writer, sheet_name="project_coverage", index=False)
        run.unfilled.to_excel(writer, sheet_name="unfilled_vacancies", index=False)
        run.unassigned.to_excel(writer, sheet_name="unassigned_candidates", index=False)
    if deterministic:
        _fix_zip_times(out / "assignments.xlsx")
    paths["assignments.xlsx"] = out / "assignments.xlsx"

    run.pairs.to_parquet(out / "pairs.parquet", index=False)
    paths["pairs.parquet"] = out / "pairs.parquet"
    for name, frame in (("unfilled_vacancies.csv", run.unfilled),
                        ("unassigned_candidates.csv", run.unassigned),
                        ("project_coverage.csv", run.coverage),
                        ("municipality_flows.csv", run.flows)):
        _csv(frame, out / name)
        paths[name] = out / name

    summary = dict(run.summary)
    timings: dict[str, Any] = {"timings_s": summary.pop("timings_s", {})}
    solver = dict(summary.get("solver", {}))
    timings["solver_wall_time_s"] = solver.pop("wall_time_s", None)
    summary["solver"] = solver
    if not deterministic:
        summary.update(timings)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n",
                                      encoding="utf-8")
    (out / "timings.json").write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
    paths["summary.json"] = out / "summary.json"
    paths["timings.json"] = out / "timings.json"

    if report:
        report_summary = dict(run.summary)
        if deterministic:  # timings live in timings.json, not in the reproducible report
            report_summary["timings_s"] = {}
            report_summary["solver"] = solver
        paths["report.html"] = render_assignment_report(
            out, summary=report_summary, assignments=run.assignments, pairs=run.pairs,
            coverage=run.coverage, flows=run.flows, unfilled=run.unfilled,
            unassigned=run.unassigned, lang=lang,
        )
    return paths

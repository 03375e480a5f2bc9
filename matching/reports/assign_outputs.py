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
``summary.json``               objective, baselines, counts, model version, solver status, and
                               every other file of the run with its sha256 (written last)
``timings.json``               wall-clock timings (differ from run to run)
``report.html`` + PNG charts   the coordinator's report (Dutch by default)
=============================  ==========================================================

CSV files are UTF-8 with a BOM so that Dutch Excel opens them correctly; floats are written
with a fixed precision so that two runs on the same input give the same bytes. Tables are
written by :mod:`matching.core.tables`: each file atomically, and no cell a spreadsheet would
evaluate as a formula (``docs/safe-outputs.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from matching.core.folders import file_sha256
from matching.core.tables import write_csv, write_xlsx
from matching.reports.assign_report import render_assignment_report

if TYPE_CHECKING:  # the workflow's result type; reports never import workflows at run time
    from matching.workflows.assign import AssignmentRun

OUTPUT_FILES = (
    "assignments.csv", "assignments.xlsx", "pairs.parquet", "unfilled_vacancies.csv",
    "unassigned_candidates.csv", "project_coverage.csv", "municipality_flows.csv",
    "summary.json", "report.html",
)


def _csv(frame: pd.DataFrame, path: Path) -> None:
    write_csv(frame, path, encoding="utf-8-sig", float_format="%.6g")


def write_outputs(run: AssignmentRun, out_dir: str | Path, *, lang: str = "nl",
                  report: bool = True, deterministic: bool = True) -> dict[str, Path]:
    """Write every output of ``run`` into ``out_dir`` and return the paths by name.

    Wall-clock timings differ from run to run by nature, so they go to ``timings.json``;
    with ``deterministic`` (default) ``summary.json`` holds everything else and is
    byte-identical for the same input and seed. Both texts come from the run's
    :class:`~matching.workflows.assign_summary.AssignSummary` (:meth:`~AssignSummary.to_json`,
    :meth:`~AssignSummary.timings_json`).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    _csv(run.assignments, out / "assignments.csv")
    paths["assignments.csv"] = out / "assignments.csv"
    write_xlsx(out / "assignments.xlsx", {"assignments": run.assignments,
                                          "project_coverage": run.coverage,
                                          "unfilled_vacancies": run.unfilled,
                                          "unassigned_candidates": run.unassigned},
               deterministic=deterministic)
    paths["assignments.xlsx"] = out / "assignments.xlsx"

    run.pairs.to_parquet(out / "pairs.parquet", index=False)
    paths["pairs.parquet"] = out / "pairs.parquet"
    for name, frame in (("unfilled_vacancies.csv", run.unfilled),
                        ("unassigned_candidates.csv", run.unassigned),
                        ("project_coverage.csv", run.coverage),
                        ("municipality_flows.csv", run.flows)):
        _csv(frame, out / name)
        paths[name] = out / name

    summary = run.summary
    (out / "timings.json").write_text(summary.timings_json(), encoding="utf-8")
    paths["timings.json"] = out / "timings.json"

    if report:
        paths["report.html"] = render_assignment_report(
            # timings live in timings.json, not in the reproducible report
            out, summary=summary.without_timings() if deterministic else summary,
            assignments=run.assignments, pairs=run.pairs, coverage=run.coverage, flows=run.flows,
            unfilled=run.unfilled, unassigned=run.unassigned, lang=lang,
        )
    # Written last: it lists every other file of this run with its sha256, so that a reader
    # (and the crash tests) can tell a whole run folder from a partial one.
    (out / "summary.json").write_text(
        summary.to_json(files=run_files(out), deterministic=deterministic), encoding="utf-8")
    paths["summary.json"] = out / "summary.json"
    return paths


VARYING_FILES = frozenset({"timings.json"})
"""Files whose content differs from run to run by nature (wall-clock times): listed without a
hash, so that ``summary.json`` stays byte-identical for the same input and seed."""


def run_files(folder: Path) -> list[dict[str, Any]]:
    """Every file under ``folder`` except ``summary.json``: name, bytes and sha256 (sorted)."""
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name == "summary.json":
            continue
        varying = name in VARYING_FILES
        entries.append({"name": name, "bytes": None if varying else path.stat().st_size,
                        "sha256": None if varying else file_sha256(path)})
    return entries

"""Write the files of one training plan into an output folder.

==========================  ==============================================================
file                        content
==========================  ==============================================================
``training_plan.xlsx``      the coordinator's workbook (sheet names and column headers in
                            the report's language): enrolments, orders per provider (with
                            a total row), demand per occupation and per certificate, the
                            comparison with the baselines, the budget curve
``enrolments.csv``          one row per planned enrolment, with its explanation
``orders.csv``              what to book per provider / course / session
``demand_occupations.csv``  demand per occupation (80% interval) beside supply
``report.html`` + PNGs      the coordinator's report (Dutch by default), with ``report``
``summary.json``            the run's summary and every other file of the run with its
                            sha256 (written last)
==========================  ==============================================================

The CSV files keep the workflow's column names (for programs); the workbook has readable
headers. Lists (the vacancies an enrolment unlocks, its alternatives) are joined with ``"; "``.
Tables are written by :mod:`matching.core.tables`: each file atomically, and no cell a
spreadsheet would evaluate as a formula (``docs/safe-outputs.md``). The caller gives the
folder, usually a :class:`~matching.core.folders.StagedFolder`'s staging path, as the
assignment's CLI does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from matching.core.tables import write_csv, write_text_atomic, write_xlsx
from matching.reports.assign_outputs import run_files
from matching.reports.training_report import (
    alternatives_text,
    location_label,
    method_rows,
    render_training_report,
)
from matching.reports.training_texts import COLUMNS, SHEETS, TEXTS

if TYPE_CHECKING:  # the workflow's result type; reports never import workflows at run time
    from matching.workflows.plan_training import TrainingPlanRun

__all__ = ["TRAINING_FILES", "training_sheets", "write_training_outputs"]

TRAINING_FILES = ("training_plan.xlsx", "enrolments.csv", "orders.csv",
                  "demand_occupations.csv", "summary.json")
"""Files every run writes (``report.html`` and its charts come with ``report=True``)."""

ENROLMENT_COLUMNS = ("candidate_id", "course_id", "course", "provider", "start_date", "end_date",
                     "cost_eur", "vacancy_id", "vacancy_title", "project_id",
                     "probability_before", "probability_after", "expected_gain", "unlocks",
                     "n_unlocked", "alternatives")
ORDER_COLUMNS = ("provider", "course_id", "course", "location", "start_date", "end_date",
                 "participants", "seats", "price_eur", "total_eur")
OCCUPATION_COLUMNS = ("occupation", "label", "open_positions", "tender_expected", "expected",
                      "low", "high", "eligible_today", "filled_without_training",
                      "filled_with_plan")
CERTIFICATE_COLUMNS = ("certificate", "label", "open_positions", "tender_expected", "expected",
                       "low", "high")
FIGURE_COLUMNS = ("enrolments", "spent_eur", "expected_durable", "expected_durable_gain",
                  "gain_per_1000_eur")
CURVE_COLUMNS = ("budget_eur", "method", "spent_eur", "enrolments", "gain", "gain_per_1000_eur")


def _joined(values: Any) -> str:
    if isinstance(values, str):
        return values
    return "; ".join(str(v) for v in (values or ()))


def _columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``frame`` with exactly ``columns`` (a missing one empty), in that order."""
    out = frame.reindex(columns=list(columns))
    return out.reset_index(drop=True)


def _headed(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns=COLUMNS[lang])


def _rounded(frame: pd.DataFrame, decimals: int) -> pd.DataFrame:
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c].dtype)]
    return frame.round({c: decimals for c in floats}) if floats else frame


def _enrolments_csv(run: TrainingPlanRun) -> pd.DataFrame:
    frame = _columns(run.enrolments, ENROLMENT_COLUMNS)
    return frame.assign(unlocks=frame["unlocks"].map(_joined).astype(object),
                        alternatives=frame["alternatives"].map(_joined).astype(object))


def _enrolments_sheet(run: TrainingPlanRun, lang: str) -> pd.DataFrame:
    frame = _columns(run.enrolments, ENROLMENT_COLUMNS)
    frame = frame.assign(
        unlocks=frame["unlocks"].map(_joined).astype(object),
        alternatives=frame["alternatives"].map(lambda a: alternatives_text(a, lang)).astype(object))
    frame = frame.round({"probability_before": 4, "probability_after": 4, "expected_gain": 4,
                         "cost_eur": 2})
    return _headed(frame, lang)


def _orders_sheet(run: TrainingPlanRun, lang: str) -> pd.DataFrame:
    """The orders with readable locations and a total row (participants and amount)."""
    frame = _columns(run.orders, ORDER_COLUMNS).astype(object)
    frame["location"] = frame["location"].map(lambda v: location_label(v, lang))
    total = {c: None for c in ORDER_COLUMNS}
    total["provider"] = TEXTS[lang]["total"]
    total["participants"] = int(pd.to_numeric(run.orders["participants"]).sum())
    total["total_eur"] = round(float(pd.to_numeric(run.orders["total_eur"]).sum()), 2)
    frame = pd.concat([frame, pd.DataFrame([total], dtype=object)], ignore_index=True)
    for col in ("participants", "seats"):
        frame[col] = pd.array([None if v is None or pd.isna(v) else int(v) for v in frame[col]],
                              dtype="Int64")
    for col in ("price_eur", "total_eur"):
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    return _headed(frame, lang)


def _comparison_sheet(run: TrainingPlanRun, lang: str) -> pd.DataFrame:
    methods = TEXTS[lang]["methods"]
    rows = [{"method": methods.get(name, name), **{c: figures.get(c) for c in FIGURE_COLUMNS}}
            for name, figures in method_rows(run.summary)]
    frame = pd.DataFrame(rows, columns=["method", *FIGURE_COLUMNS])
    for col in FIGURE_COLUMNS:
        frame[col] = pd.to_numeric(frame[col])
    return _headed(frame, lang)


def _curve_sheet(run: TrainingPlanRun, lang: str) -> pd.DataFrame:
    methods = TEXTS[lang]["methods"]
    frame = _columns(run.budget_curve, CURVE_COLUMNS)
    frame["method"] = frame["method"].map(lambda m: methods.get(m, m)).astype(object)
    return _headed(_rounded(frame, 4), lang)


def training_sheets(run: TrainingPlanRun, lang: str = "nl") -> dict[str, pd.DataFrame]:
    """The sheets of ``training_plan.xlsx`` (sheet name → frame, in order) in ``lang``."""
    if lang not in SHEETS:
        raise ValueError(f"lang must be one of {sorted(SHEETS)}, got {lang!r}")
    names = SHEETS[lang]
    return {
        names["enrolments"]: _enrolments_sheet(run, lang),
        names["orders"]: _orders_sheet(run, lang),
        names["demand_occupation"]: _headed(
            _rounded(_columns(run.demand_occupation, OCCUPATION_COLUMNS), 2), lang),
        names["demand_certificate"]: _headed(
            _rounded(_columns(run.demand_certificate, CERTIFICATE_COLUMNS), 2), lang),
        names["comparison"]: _comparison_sheet(run, lang),
        names["budget_curve"]: _curve_sheet(run, lang),
    }


def _csv(frame: pd.DataFrame, path: Path) -> None:
    write_csv(frame, path, encoding="utf-8-sig", float_format="%.10g")


def _plain(value: Any) -> Any:
    """JSON for the few non-builtin values a summary may hold (numpy scalars, dates)."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def summary_json(summary: Mapping[str, Any], files: list[dict[str, Any]]) -> str:
    """The text of ``summary.json``: the run's summary, then ``files`` (2-space indent)."""
    payload = {**summary, "files": files}
    return json.dumps(payload, indent=2, ensure_ascii=False, default=_plain) + "\n"


def write_training_outputs(run: TrainingPlanRun, folder: Path, *, lang: str = "nl",
                           report: bool = True) -> None:
    """Write every output of the training plan ``run`` into ``folder`` (see the module docstring).

    ``summary.json`` is written last: it lists every other file of the folder with its size
    and sha256, so a reader can tell a whole run folder from a partial one.

    Raises
    ------
    ValueError
        If ``lang`` is not a supported language (nothing is written then).
    """
    if lang not in TEXTS:
        raise ValueError(f"lang must be one of {sorted(TEXTS)}, got {lang!r}")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    write_xlsx(out / "training_plan.xlsx", training_sheets(run, lang))
    _csv(_enrolments_csv(run), out / "enrolments.csv")
    _csv(_columns(run.orders, ORDER_COLUMNS), out / "orders.csv")
    _csv(_columns(run.demand_occupation, OCCUPATION_COLUMNS), out / "demand_occupations.csv")
    if report:
        render_training_report(out, run, lang=lang)
    write_text_atomic(out / "summary.json", summary_json(run.summary, run_files(out)))

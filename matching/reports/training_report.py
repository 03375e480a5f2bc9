"""HTML report of a training plan, with two PNG charts (Dutch or English).

:func:`render_training_report` turns a
:class:`~matching.workflows.plan_training.TrainingPlanRun` into a self-contained
``report.html`` plus, next to it:

* ``budget_curve.png`` -- extra expected durable placements per EUR 1,000 against the budget,
  one line per method (:func:`matching.reports.training_charts.chart_budget_curve`);
* ``demand_supply.png`` -- expected demand with its 80% interval against the positions filled
  without training and with the plan, per occupation
  (:func:`matching.reports.training_charts.chart_supply`).

The report is the coordinator's: the headline figures, the orders per training provider, every
enrolment with its explanation, demand per occupation and certificate with the sources used,
the comparison with the two rules of thumb, the solver status and the planning window. Every
text comes from :data:`matching.reports.training_texts.TEXTS`, every number is formatted by
:mod:`matching.texts.format`; the template escapes every cell (autoescape) and loads nothing
from outside. Timings are left out, so the same run gives the same bytes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from matching.core.tables import write_text_atomic
from matching.data import reference
from matching.reports.assign_texts import _missing
from matching.reports.training_charts import chart_budget_curve, chart_supply
from matching.reports.training_texts import (
    _MAX_ENROLMENTS,
    _MAX_ROWS,
    _TEMPLATE,
    _TEMPLATE_DIR,
    _TOP_OCCUPATIONS,
    METHOD_ORDER,
    TEXTS,
)
from matching.texts import format as fmt

if TYPE_CHECKING:  # the workflow's result type; reports never import workflows at run time
    from matching.workflows.plan_training import TrainingPlanRun

__all__ = ["CHART_FILES", "alternatives_parts", "alternatives_text", "best_baseline", "location_label",
           "method_rows", "render_training_report"]

logger = logging.getLogger(__name__)

CHART_FILES = ("budget_curve.png", "demand_supply.png")

_ALTERNATIVE = re.compile(r"^(?P<id>.*?) \((?P<p>[0-9]*\.?[0-9]+)\)$")
"""An alternative as the workflow writes it: ``C00012 (0.93)``."""


# --------------------------------------------------------------------------- shared helpers
def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


@lru_cache(maxsize=1)
def _municipality_names() -> dict[str, str]:
    try:
        frame = reference.municipalities()
    except (FileNotFoundError, KeyError, ValueError):  # pragma: no cover - data missing
        return {}
    return {str(code): str(name) for code, name in zip(frame["gm_code"], frame["name"],
                                                       strict=True)}


def location_label(value: Any, lang: str) -> str:
    """Where a course is given: a postcode as it is, a municipality code by its name, and
    no location as "online or at own location"."""
    if _missing(value) or value == "":
        return TEXTS[lang]["online"]
    code = str(value)
    name = _municipality_names().get(code)
    return f"{name} ({code})" if name else code


def alternatives_parts(alternatives: Any, lang: str) -> list[str]:
    """The alternatives of an enrolment (``("C1 (0.93)", …)``) with percentages in ``lang``."""
    if isinstance(alternatives, str) or not isinstance(alternatives, Iterable):
        alternatives = () if _missing(alternatives) else (alternatives,)
    out = []
    for item in alternatives:
        hit = _ALTERNATIVE.match(str(item))
        out.append(f"{hit['id']} ({fmt.percent(float(hit['p']), lang)})" if hit else str(item))
    return out


def alternatives_text(alternatives: Any, lang: str) -> str:
    """:func:`alternatives_parts` joined with ``"; "`` (``C1 (93%); C7 (91%)``)."""
    return "; ".join(alternatives_parts(alternatives, lang))


def best_baseline(summary: Mapping[str, Any]) -> str | None:
    """The baseline with the most extra durable placements per euro (first in order on ties)."""
    baselines = summary.get("baselines") or {}
    best, value = None, float("-inf")
    for name in [m for m in METHOD_ORDER if m in baselines] + sorted(
            m for m in baselines if m not in METHOD_ORDER):
        per = baselines[name].get("gain_per_1000_eur")
        per = float(per) if per is not None else 0.0
        if per > value:
            best, value = name, per
    return best


def method_rows(summary: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """``(name, figures)`` of the optimum (the summary's own figures) and each baseline."""
    baselines = summary.get("baselines") or {}
    names = [m for m in METHOD_ORDER[1:] if m in baselines] + sorted(
        m for m in baselines if m not in METHOD_ORDER)
    return [("optimal", summary), *((name, baselines[name]) for name in names)]


def _table(columns: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]],
           note: str | None = None, total: Sequence[str] | None = None) -> dict[str, Any]:
    """A table for the template: ``columns`` are (label, numeric) pairs, cells are strings."""
    return {"columns": [{"label": c, "num": num} for c, num in columns],
            "rows": [list(r) for r in rows], "note": note,
            "total": list(total) if total is not None else None}


def _parts(parts: Iterable[str], sep: str = ", ", suffix: str = "") -> dict[str, Any]:
    """A cell of several items, each kept on one line (``"F-TND010-9312-2"`` is not cut)."""
    return {"parts": list(parts), "sep": sep, "suffix": suffix}


def _period(start: Any, end: Any, lang: str) -> dict[str, Any]:
    return _parts([fmt.date(start, lang, "medium"), fmt.date(end, lang, "medium")], " – ")


# --------------------------------------------------------------------------- sections
def _headline(summary: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> list[dict]:
    ratio = summary.get("gain_per_euro_vs_best_baseline")
    best = best_baseline(summary)
    name = t["methods"].get(best, best) if best else ""
    vs, vs_detail = fmt.DASH, ""
    if ratio is not None:
        x = fmt.number(ratio, lang, 1)
        theirs = (summary.get("baselines") or {}).get(best, {}).get("expected_durable_gain")
        vs = t["times"].format(x=x)
        vs_detail = t["times_as_many"].format(
            x=x, name=name, mine=fmt.number(summary.get("expected_durable_gain"), lang, 2),
            theirs=fmt.number(theirs, lang, 2))
    elif best is not None and (summary.get("gain_per_1000_eur") or 0) > 0:
        vs_detail = t["baseline_gains_nothing"]
    pool = summary.get("pool") or {}
    figures = [
        {"label": t["k_budget"], "value": fmt.eur(summary.get("budget_eur"), lang), "main": True},
        {"label": t["k_spent"], "value": fmt.eur(summary.get("spent_eur"), lang), "main": True},
        {"label": t["k_enrolments"], "value": fmt.number(summary.get("enrolments"), lang),
         "main": True},
        {"label": t["k_gain"], "value": fmt.number(summary.get("expected_durable_gain"), lang, 2),
         "main": True},
        {"label": t["k_per_1000"], "value": fmt.number(summary.get("gain_per_1000_eur"), lang, 3),
         "main": True},
        {"label": t["k_vs_baseline"], "value": vs, "main": True, "detail": vs_detail},
        {"label": t["k_without"],
         "value": fmt.number(summary.get("expected_durable_without_training"), lang, 1)},
        {"label": t["k_with"], "value": fmt.number(summary.get("expected_durable"), lang, 1)},
        {"label": t["k_candidates"], "value": fmt.number(pool.get("candidates"), lang)},
        {"label": t["k_vacancies"], "value": fmt.number(pool.get("vacancies"), lang),
         "detail": t["k_vacancies_detail"].format(
             open=fmt.number(pool.get("open_vacancies"), lang),
             forecast=fmt.number(pool.get("forecast_vacancies"), lang))},
        {"label": t["k_courses"], "value": fmt.number(pool.get("courses"), lang),
         "detail": t["k_courses_detail"].format(sessions=fmt.number(pool.get("sessions"), lang))},
    ]
    for figure in figures:
        figure.setdefault("detail", "")
        figure.setdefault("main", False)
    return figures


def _orders(orders: pd.DataFrame, t: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """One table per provider (alphabetical), each with its subtotal."""
    columns = [(t["o_course"], False), (t["o_location"], False), (t["o_dates"], False),
               (t["o_participants"], True), (t["o_seats"], True), (t["o_price"], True),
               (t["o_total"], True)]
    out = []
    for provider, rows in orders.groupby("provider", sort=True):
        rows = rows.sort_values(["start_date", "course_id"], kind="mergesort")
        body = [[f"{_text(r.course)} ({_text(r.course_id)})", location_label(r.location, lang),
                 _period(r.start_date, r.end_date, lang), fmt.number(r.participants, lang),
                 fmt.number(r.seats, lang), fmt.eur(r.price_eur, lang), fmt.eur(r.total_eur, lang)]
                for r in rows.itertuples(index=False)]
        total = [t["subtotal"].format(provider=_text(provider)), "", "",
                 fmt.number(rows["participants"].sum(), lang), "", "",
                 fmt.eur(rows["total_eur"].sum(), lang)]
        out.append({"provider": _text(provider), "table": _table(columns, body, total=total)})
    return out


def _enrolments(enrolments: pd.DataFrame, t: Mapping[str, Any], lang: str) -> dict[str, Any]:
    columns = [(t["e_candidate"], False), (t["e_course"], False), (t["e_dates"], False),
               (t["e_cost"], True), (t["e_vacancy"], False), (t["e_probability"], True),
               (t["e_gain"], True), (t["e_unlocks"], False), (t["e_alternatives"], False)]
    rows = []
    for r in enrolments.head(_MAX_ENROLMENTS).itertuples(index=False):
        if _missing(r.vacancy_id):
            job = t["no_vacancy"]
        else:
            project = f", {_text(r.project_id)}" if not _missing(r.project_id) else ""
            job = f"{_text(r.vacancy_title)} ({_text(r.vacancy_id)}{project})"
        ids = [str(v) for v in (r.unlocks or ())]
        n = int(r.n_unlocked) if not _missing(r.n_unlocked) else 0
        more = f" {t['unlocks_more'].format(n=fmt.number(n, lang))}" if n > len(ids) else ""
        rows.append([
            _text(r.candidate_id), f"{_text(r.course)} — {_text(r.provider)}",
            _period(r.start_date, r.end_date, lang), fmt.eur(r.cost_eur, lang), job,
            f"{fmt.percent(r.probability_before, lang)} → {fmt.percent(r.probability_after, lang)}",
            fmt.number(r.expected_gain, lang, 3), _parts(ids, suffix=more),
            _parts(alternatives_parts(r.alternatives, lang), "; "),
        ])
    return _table(columns, rows, _first_rows_note(enrolments, t, lang, _MAX_ENROLMENTS,
                                                  ("training_plan.xlsx", "enrolments.csv")))


def _interval(low: Any, high: Any, lang: str) -> str:
    return f"{fmt.number(low, lang, 1)} – {fmt.number(high, lang, 1)}"


def _first_rows_note(frame: pd.DataFrame, t: Mapping[str, Any], lang: str,
                     limit: int = _MAX_ROWS, files: Sequence[str] = ()) -> str | None:
    """"First 50 of 64 rows." (and the files that hold every row) when a table is cut."""
    if len(frame) <= limit:
        return None
    note = t["first_rows"].format(n=fmt.number(limit, lang), total=fmt.number(len(frame), lang))
    return f"{note} {t['full_list'].format(files=', '.join(files))}" if files else note


def _demand_tables(run: TrainingPlanRun, t: Mapping[str, Any], lang: str) -> dict[str, Any]:
    occ = run.demand_occupation
    occupation = _table(
        [(t["d_occupation"], False), (t["d_open"], True), (t["d_tenders"], True),
         (t["d_expected"], True), (t["d_interval"], True), (t["d_eligible"], True),
         (t["d_without"], True), (t["d_with"], True)],
        [[f"{_text(r.label)} ({_text(r.occupation)})" if _text(r.label) else _text(r.occupation),
          fmt.number(r.open_positions, lang), fmt.number(r.tender_expected, lang, 1),
          fmt.number(r.expected, lang, 1), _interval(r.low, r.high, lang),
          fmt.number(r.eligible_today, lang), fmt.number(r.filled_without_training, lang),
          fmt.number(r.filled_with_plan, lang)]
         for r in occ.head(_MAX_ROWS).itertuples(index=False)],
        _first_rows_note(occ, t, lang, files=("training_plan.xlsx", "demand_occupations.csv")))
    cert = run.demand_certificate
    certificate = _table(
        [(t["d_certificate"], False), (t["d_open"], True), (t["d_tenders"], True),
         (t["d_expected"], True), (t["d_interval"], True)],
        [[f"{_text(r.label)} ({_text(r.certificate)})" if _text(r.label) else _text(r.certificate),
          fmt.number(r.open_positions, lang), fmt.number(r.tender_expected, lang, 1),
          fmt.number(r.expected, lang, 1), _interval(r.low, r.high, lang)]
         for r in cert.head(_MAX_ROWS).itertuples(index=False)],
        _first_rows_note(cert, t, lang, files=("training_plan.xlsx",)))
    placements = run.forecast.tender_placements
    if len(placements):  # the tenders whose placements start (partly) inside the horizon
        placements = placements[pd.to_numeric(placements["in_horizon"]) > 0].sort_values(
            ["start", "tender_id", "occupation"], kind="mergesort")
    tenders = _table(
        [(t["t_tender"], False), (t["t_occupation"], False), (t["t_start"], False),
         (t["t_probability"], True), (t["t_total"], True), (t["t_expected"], True)],
        [[f"{_text(r.tender)} ({_text(r.tender_id)})",
          f"{_text(r.label)} ({_text(r.occupation)})" if _text(r.label) else _text(r.occupation),
          fmt.date(r.start, lang, "medium"), fmt.percent(r.probability, lang),
          fmt.number(r.expected_total, lang, 1), fmt.number(r.expected, lang, 1)]
         for r in placements.head(_MAX_ROWS).itertuples(index=False)],
        _first_rows_note(placements, t, lang))
    return {"occupation": occupation, "certificate": certificate, "tenders": tenders}


def _comparison(summary: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return _table(
        [(t["c_method"], False), (t["c_enrolments"], True), (t["c_spent"], True),
         (t["c_durable"], True), (t["c_gain"], True), (t["c_per_1000"], True)],
        [[t["methods"].get(name, name), fmt.number(f.get("enrolments"), lang),
          fmt.eur(f.get("spent_eur"), lang), fmt.number(f.get("expected_durable"), lang, 1),
          fmt.number(f.get("expected_durable_gain"), lang, 2),
          fmt.number(f.get("gain_per_1000_eur"), lang, 3)]
         for name, f in method_rows(summary)])


def _solver(summary: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> dict[str, Any]:
    solver = summary.get("solver") or {}
    pool = summary.get("pool") or {}
    status = _text(solver.get("status"))
    horizon = t["s_horizon_value"].format(
        months=fmt.number(summary.get("horizon_months"), lang),
        end=fmt.date(summary.get("horizon_end"), lang, "long"))
    size = t["s_size_value"].format(options=fmt.number(pool.get("options"), lang),
                                    pairs=fmt.number(pool.get("pairs_today"), lang),
                                    trained=fmt.number(pool.get("pairs_after_training"), lang))
    rows = [[t["s_status"], t["status"].get(status, status) or fmt.DASH],
            [t["s_gap"], fmt.percent(solver.get("gap"), lang, 2)],
            [t["s_size"], size],
            [t["s_as_of"], fmt.date(summary.get("as_of"), lang, "long")],
            [t["s_horizon"], horizon]]
    return _table([("", False), ("", False)], rows)


# --------------------------------------------------------------------------- entry point
def render_training_report(out_dir: str | Path, run: TrainingPlanRun, *,
                           lang: str = "nl") -> Path:
    """Write ``report.html`` and its two PNG charts for one training plan into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Folder for ``report.html``, ``budget_curve.png`` and ``demand_supply.png``; created
        if missing.
    run : TrainingPlanRun
        The planning run (:func:`matching.workflows.plan_training.plan_training`).
    lang : {"nl", "en"}, default "nl"
        Language of every text of the report and the charts.

    Returns
    -------
    Path
        The written ``report.html``.

    Raises
    ------
    ValueError
        If ``lang`` is not a supported language.
    """
    if lang not in TEXTS:
        raise ValueError(f"lang must be one of {sorted(TEXTS)}, got {lang!r}")
    t = TEXTS[lang]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = run.summary

    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # same bytes whatever the caller's style; restored on exit
        matplotlib.rcParams.update({"font.size": 10, "axes.titlepad": 10})
        charts = {
            "curve": chart_budget_curve(out / CHART_FILES[0], run.budget_curve,
                                        float(summary.get("budget_eur") or 0.0), t, lang),
            "supply": chart_supply(out / CHART_FILES[1], run.demand_occupation, t, lang),
        }

    sources = [t["source_labels"].get(s, str(s)) for s in summary.get("demand_sources") or ()]
    end = fmt.date(summary.get("horizon_end"), lang, "long")
    env = Environment(loader=FileSystemLoader(str(_TEMPLATE_DIR)), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    html = env.get_template(_TEMPLATE).render(
        lang=lang, t=t,
        meta=t["meta"].format(as_of=fmt.date(summary.get("as_of"), lang, "long"),
                              months=fmt.number(summary.get("horizon_months"), lang), end=end),
        headline=_headline(summary, t, lang),
        orders=_orders(run.orders, t, lang),
        orders_text=t["orders_text"].format(
            total=fmt.eur(pd.to_numeric(run.orders["total_eur"]).sum(), lang),
            n=fmt.number(pd.to_numeric(run.orders["participants"]).sum(), lang)),
        enrolments=_enrolments(run.enrolments, t, lang),
        demand=_demand_tables(run, t, lang),
        demand_text=t["demand_text"].format(end=end),
        sources_text=t["sources"].format(sources="; ".join(sources) or t["none"]),
        comparison=_comparison(summary, t, lang),
        supply_text=t["supply_text"].format(n=_TOP_OCCUPATIONS),
        solver=_solver(summary, t, lang),
        charts=charts,
    )
    path = write_text_atomic(out / "report.html", html)
    logger.info("training report written: %s (%d enrolments)", path, len(run.enrolments))
    return path

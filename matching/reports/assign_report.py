"""HTML report of a regional batch assignment, with PNG charts (Dutch or English).

:func:`render_assignment_report` turns the frames the assignment pipeline produces into a
self-contained ``report.html`` plus four PNG charts next to it:

* ``score_distribution.png`` -- durable-placement probability of all pairs vs. the chosen pairs;
* ``baselines.png`` -- expected durable placements per method (regional optimum highlighted);
* ``coverage.png`` -- SROI obligation coverage before vs. after, top 30 projects by outstanding
  obligation;
* ``flows_map.png`` -- home -> work flows over Northern Netherlands (no basemap tiles, offline).

The report is a proposal for coordinators: it says so prominently. All user-visible text lives
in :data:`TEXTS`, one dict per language. Output is deterministic: the same input gives the same
bytes (fixed figure sizes and dpi, default matplotlib style, no PNG timestamps).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from matching.data import reference
from matching.reports.assign_charts import (
    _chart_baselines,
    _chart_coverage,
    _chart_flows,
    _chart_scores,
    _ordered_baselines,
)
from matching.reports.assign_texts import (
    _MAX_ASSIGNMENTS,
    _MAX_ROWS,
    _REASON_ORDER,
    _TEMPLATE,
    _TEMPLATE_DIR,
    _TOP_FLOWS,
    _TOP_PROJECTS,
    TEXTS,
    _missing,
    fmt_eur,
    fmt_number,
    fmt_pct,
)

if TYPE_CHECKING:  # the workflow's result type; reports never import workflows at run time
    from matching.workflows.assign_summary import AssignSummary

__all__ = ["TEXTS", "render_assignment_report"]

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- tables


def _table(
    columns: Sequence[tuple[str, bool]], rows: Sequence[Sequence[str]], note: str | None = None
) -> dict[str, Any]:
    """A table for the template: ``columns`` are (label, numeric) pairs, cells are strings."""
    return {
        "columns": [{"label": c, "num": num} for c, num in columns],
        "rows": [list(r) for r in rows],
        "note": note,
    }


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _target_group_labels(lang: str) -> dict[str, str]:
    try:
        frame = reference.target_groups()
        return dict(zip(frame["code"], frame[f"label_{lang}"], strict=True))
    except (FileNotFoundError, KeyError, ValueError):  # pragma: no cover - data missing
        return {}


def _settings_rows(settings: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for key in sorted(settings):
        value = settings[key]
        if isinstance(value, Mapping | list | tuple):
            value = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
        rows.append([str(key), str(value)])
    return rows


def _build_tables(
    summary: AssignSummary,
    assignments: pd.DataFrame,
    coverage: pd.DataFrame,
    flows: pd.DataFrame,
    unfilled: pd.DataFrame,
    unassigned: pd.DataFrame,
    t: Mapping[str, Any],
    lang: str,
) -> dict[str, Any]:
    num: Callable[..., str] = lambda v, d=0: fmt_number(v, lang, d)  # noqa: E731
    eur: Callable[[Any], str] = lambda v: fmt_eur(v, lang)  # noqa: E731
    pct: Callable[..., str] = lambda v, d=0: fmt_pct(v, lang, d)  # noqa: E731
    tables: dict[str, Any] = {}

    baselines = summary.baselines
    opt = float(baselines["optimal"].expected_durable or 0.0) if "optimal" in baselines else 0.0
    tables["baselines"] = _table(
        [
            (t["b_method"], False),
            (t["b_expected"], True),
            (t["b_assigned"], True),
            (t["b_vs_optimal"], True),
        ],
        [
            [
                t["baselines"].get(name, name),
                num(b.expected_durable, 1),
                num(b.n_assigned),
                pct(100.0 * float(b.expected_durable or 0.0) / opt, 1) if opt > 0 else "–",
            ]
            for name in _ordered_baselines(baselines)
            for b in [baselines[name]]
        ],
    )

    cov = coverage.sort_values(
        ["outstanding_after_eur", "project_id"], ascending=[False, True], kind="mergesort"
    )
    tables["coverage"] = _table(
        [
            (t["c_project"], False),
            (t["c_name"], False),
            (t["c_authority"], False),
            (t["c_obligation"], True),
            (t["c_realised"], True),
            (t["c_outstanding_before"], True),
            (t["c_assigned"], True),
            (t["c_outstanding_after"], True),
            (t["c_cov_before"], True),
            (t["c_cov_after"], True),
        ],
        [
            [
                _text(r.project_id),
                _text(r.name),
                _text(r.contracting_authority),
                eur(r.obligation_eur),
                eur(r.realised_eur),
                eur(r.outstanding_before_eur),
                eur(r.assigned_value_eur),
                eur(r.outstanding_after_eur),
                pct(100 * r.coverage_before if not _missing(r.coverage_before) else None),
                pct(100 * r.coverage_after if not _missing(r.coverage_after) else None),
            ]
            for r in cov.itertuples(index=False)
        ],
    )

    top_flows = flows.sort_values(
        ["n", "home_gm", "work_gm"], ascending=[False, True, True], kind="mergesort"
    ).head(_TOP_FLOWS)
    tables["flows"] = _table(
        [(t["f_home"], False), (t["f_work"], False), (t["f_n"], True)],
        [
            [_text(r.home_municipality), _text(r.work_municipality), num(r.n)]
            for r in top_flows.itertuples(index=False)
        ],
    )

    reasons = []
    if len(unfilled):
        grouped = unfilled.groupby("reason", sort=True).agg(
            vacancies=("vacancy_id", "size"), positions=("positions_open", "sum")
        )
        order = [r for r in _REASON_ORDER if r in grouped.index] + [
            r for r in grouped.index if r not in _REASON_ORDER
        ]
        reasons = [
            [
                t["reasons"].get(r, str(r)),
                num(grouped.at[r, "vacancies"]),
                num(grouped.at[r, "positions"]),
            ]
            for r in order
        ]
    tables["unfilled_reasons"] = _table(
        [(t["u_reason"], False), (t["u_vacancies"], True), (t["u_positions"], True)], reasons
    )
    rank = {r: i for i, r in enumerate(_REASON_ORDER)}
    unf = unfilled.assign(_rank=unfilled["reason"].map(rank).fillna(len(rank))).sort_values(
        ["_rank", "project_id", "vacancy_id"], kind="mergesort"
    )
    tables["unfilled"] = _table(
        [
            (t["u_vacancy"], False),
            (t["u_project"], False),
            (t["u_open"], True),
            (t["u_explanation"], False),
        ],
        [
            [_text(r.vacancy_id), _text(r.project_id), num(r.positions_open), _text(r.reason_text)]
            for r in unf.head(_MAX_ROWS).itertuples(index=False)
        ],
        t["first_rows"].format(n=_MAX_ROWS, total=num(len(unf))) if len(unf) > _MAX_ROWS else None,
    )

    una = unassigned.sort_values(["candidate_id"], kind="mergesort")
    tables["unassigned"] = _table(
        [
            (t["n_candidate"], False),
            (t["n_best_vacancy"], False),
            (t["n_best_prob"], True),
            (t["u_explanation"], False),
        ],
        [
            [
                _text(r.candidate_id),
                _text(r.best_vacancy_id),
                pct(100 * r.best_probability if not _missing(r.best_probability) else None),
                _text(r.reason_text),
            ]
            for r in una.head(_MAX_ROWS).itertuples(index=False)
        ],
        t["first_rows"].format(n=_MAX_ROWS, total=num(len(una))) if len(una) > _MAX_ROWS else None,
    )

    groups = _target_group_labels(lang)
    tables["assignments"] = _table(
        [
            (t["a_candidate"], False),
            (t["a_vacancy"], False),
            (t["a_project"], False),
            (t["a_employer"], False),
            (t["a_prob"], True),
            (t["a_distance"], True),
            (t["a_home"], False),
            (t["a_work"], False),
            (t["a_group"], False),
            (t["a_value"], True),
            (t["a_reasons"], False),
        ],
        [
            [
                _text(r.candidate_id),
                _text(r.vacancy_id),
                _text(r.project_id),
                _text(r.employer_id),
                pct(100 * r.probability if not _missing(r.probability) else None),
                f"{num(r.distance_km)} km" if not _missing(r.distance_km) else "–",
                _text(r.home_municipality),
                _text(r.work_municipality),
                groups.get(_text(r.target_group), _text(r.target_group)),
                eur(r.sroi_value_eur),
                _text(r.reasons),
            ]
            for r in assignments.head(_MAX_ASSIGNMENTS).itertuples(index=False)
        ],
    )

    tables["timings"] = _table(
        [(t["d_step"], False), (t["d_seconds"], True)],
        [[str(k), num(v, 2)] for k, v in summary.timings_s.items()],
    )
    tables["settings"] = _table(
        [(t["d_setting"], False), (t["d_value"], False)],
        _settings_rows(summary.settings.to_dict()),
    )
    return tables


def _key_figures(summary: AssignSummary, t: Mapping[str, Any], lang: str) -> list[dict]:
    solver = summary.solver
    gap = solver.gap
    status = _text(solver.status) or "–"
    gap_text = f"{t['k_gap']} {fmt_pct(100 * gap, lang, 2)}" if not _missing(gap) else ""
    figures = [
        {
            "label": t["k_expected"],
            "value": fmt_number(summary.expected_durable, lang, 1),
            "main": True,
        },
        {
            "label": t["k_assigned"],
            "value": fmt_number(summary.n_assigned, lang),
            "main": True,
        },
        {"label": t["k_open"], "value": fmt_number(summary.n_positions, lang), "main": True},
        {
            "label": t["k_gain"],
            "value": fmt_pct(summary.gain_vs_local_pct, lang, 1, sign=True),
            "main": True,
        },
        {
            "label": t["k_available"],
            "value": fmt_number(summary.n_candidates_available, lang),
            "main": False,
        },
        {
            "label": t["k_vacancies"],
            "value": fmt_number(summary.n_vacancies_open, lang),
            "main": False,
        },
        {"label": t["k_pairs"], "value": fmt_number(summary.n_pairs, lang), "main": False},
        {
            "label": t["k_min_score"],
            "value": fmt_number(summary.min_score, lang, 2),
            "main": False,
        },
        {
            "label": t["k_solver"],
            "value": " ".join(x for x in (_text(solver.name), status) if x),
            "detail": ", ".join(
                x
                for x in (
                    gap_text,
                    (
                        f"{fmt_number(solver.wall_time_s, lang, 1)} s"
                        if not _missing(solver.wall_time_s)
                        else ""
                    ),
                )
                if x
            ),
            "main": False,
        },
        {"label": t["k_model"], "value": _text(summary.model_version) or "–", "main": False},
    ]
    for figure in figures:
        figure.setdefault("detail", "")
    return figures


# --------------------------------------------------------------------------- entry point


def render_assignment_report(
    out_dir: Path,
    *,
    summary: AssignSummary,
    assignments: pd.DataFrame,
    pairs: pd.DataFrame,
    coverage: pd.DataFrame,
    flows: pd.DataFrame,
    unfilled: pd.DataFrame,
    unassigned: pd.DataFrame,
    lang: str = "nl",
) -> Path:
    """Write ``report.html`` and its PNG charts for one regional assignment run.

    Parameters
    ----------
    out_dir : Path
        Directory for ``report.html`` and the PNGs; created if missing. Existing files of the
        same names are overwritten.
    summary : AssignSummary
        Run summary (:class:`matching.workflows.assign_summary.AssignSummary`), read by attribute:
        ``objective``, ``expected_durable``, ``n_assigned``, ``n_candidates_available``,
        ``n_vacancies_open``, ``n_positions``, ``n_pairs``, ``model_version``, ``solver``
        (``name``, ``status``, ``gap``, ``wall_time_s``), ``baselines`` (name ->
        ``expected_durable``, ``n_assigned``), ``gain_vs_local_pct``, ``timings_s``,
        ``min_score``, ``settings``, ``created_for``, ``sanity``.
    assignments : pandas.DataFrame
        Chosen pairs with candidate, vacancy, project, municipalities, probability, value and
        reasons (already in ``lang``).
    pairs : pandas.DataFrame
        All pairs given to the solver (``weight`` is used).
    coverage : pandas.DataFrame
        Obligation coverage per project before and after the assignment.
    flows : pandas.DataFrame
        Home -> work municipality counts (``home_gm``, ``work_gm``, names, ``n``).
    unfilled : pandas.DataFrame
        Vacancies with open positions left, with ``reason`` code and ``reason_text``.
    unassigned : pandas.DataFrame
        Available candidates without a vacancy, with their best option and ``reason_text``.
    lang : {"nl", "en"}, default "nl"
        Language of every text in the report and charts.

    Returns
    -------
    Path
        Path of the written ``report.html``.

    Raises
    ------
    ValueError
        If ``lang`` is not a supported language.
    """
    if lang not in TEXTS:
        raise ValueError(f"lang must be one of {sorted(TEXTS)}, got {lang!r}")
    t = TEXTS[lang]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # same bytes whatever the caller's style; restored on exit
        matplotlib.rcParams.update({"font.size": 10, "axes.titlepad": 10})
        charts = {
            "scores": _chart_scores(
                out_dir / "score_distribution.png",
                pairs,
                assignments,
                summary.min_score,
                t,
                lang,
            ),
            "baselines": _chart_baselines(
                out_dir / "baselines.png",
                {name: dataclasses.asdict(b) for name, b in summary.baselines.items()},
                t,
                lang,
            ),
            "coverage": _chart_coverage(out_dir / "coverage.png", coverage, t, lang),
            "map": _chart_flows(out_dir / "flows_map.png", flows, t, lang),
        }

    flow_n = pd.to_numeric(flows["n"], errors="coerce").fillna(0)
    same = flows["home_gm"] == flows["work_gm"]
    positions_left = pd.to_numeric(unfilled["positions_open"], errors="coerce").fillna(0).sum()
    objective = summary.objective
    env = Environment(
        loader=FileSystemLoader(str(_TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    html = env.get_template(_TEMPLATE).render(
        lang=lang,
        t=t,
        objective=t["objectives"].get(objective, _text(objective)),
        created_for=_text(summary.created_for),
        key_figures=_key_figures(summary, t, lang),
        sanity_warnings=summary.sanity.messages(lang),
        sanity_title="Controle van het model mislukt" if lang == "nl" else "Model sanity check failed",
        sanity_text=("De scores van deze run zijn mogelijk onbetrouwbaar; bekijk het modelrapport "
                     "en de peildatum voordat u deze voorstellen gebruikt." if lang == "nl" else
                     "The scores of this run may be unreliable; check the model report and the "
                     "reference date before using these proposals."),
        charts=charts,
        tables=_build_tables(summary, assignments, coverage, flows, unfilled, unassigned, t, lang),
        coverage_text=t["coverage_text"].format(n=_TOP_PROJECTS),
        flows_text=t["flows_text"].format(n=_TOP_FLOWS),
        flows_same=t["f_same"].format(n=fmt_number(flow_n[same].sum(), lang)),
        unfilled_text=t["unfilled_text"].format(
            n=fmt_number(len(unfilled), lang), p=fmt_number(positions_left, lang)
        ),
        unassigned_text=t["unassigned_text"].format(n=fmt_number(len(unassigned), lang)),
        assignments_text=t["assignments_text"].format(
            n=fmt_number(min(len(assignments), _MAX_ASSIGNMENTS), lang),
            total=fmt_number(len(assignments), lang),
        ),
    )
    html_path = out_dir / "report.html"
    html_path.write_text(html, encoding="utf-8")
    logger.info("assignment report written: %s (%d assignments)", html_path, len(assignments))
    return html_path

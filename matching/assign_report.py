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

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter, MultipleLocator

from matching import reference

__all__ = ["TEXTS", "render_assignment_report"]

logger = logging.getLogger(__name__)

_TEMPLATE_DIR = Path(__file__).with_name("templates")
_TEMPLATE = "assign_report.html"
_DPI = 110
_PNG_META = {"Software": None}
_MAP_LAT = 53.0
"""Reference latitude for the equal-aspect map (degrees)."""
_COVERAGE_CAP = 1.5
_TOP_PROJECTS = 30
_TOP_FLOWS = 20
_MAX_ROWS = 50
_MAX_ASSIGNMENTS = 200
_BASELINE_ORDER = ("optimal", "greedy", "local_only", "sequential")
_REASON_ORDER = ("no_eligible_candidate", "all_below_threshold", "taken_by_better_matches")

# Colours (colour-blind safe pairs: blue/orange, plus greys).
_C_MAIN = "#1f5f99"
_C_ACCENT = "#e07b24"
_C_GREY = "#9aa4ae"
_C_DARKGREY = "#4a5561"
_C_LIGHT = "#e4e7ea"
_C_LINE = "#c0392b"

TEXTS: dict[str, dict[str, Any]] = {
    "nl": {
        "title": "Regionale toewijzing Social Return",
        "subtitle": "Voorstel voor het koppelen van beschikbare kandidaten aan open SROI-vacatures",
        "proposal": "Dit is een voorstel; een mens beslist.",
        "proposal_text": (
            "De koppelingen zijn berekend uit de geschatte kans op een duurzame plaatsing. "
            "Een coördinator of accountmanager beoordeelt elk voorstel met de kandidaat; "
            "de opdrachtnemer beslist wie wordt aangenomen."
        ),
        "dataset": "Gegevens",
        "objective": "Doel",
        "objectives": {
            "durable": "zoveel mogelijk duurzame plaatsingen",
            "durable+sroi": "zoveel mogelijk duurzame plaatsingen én dekking van de SROI-verplichting",
        },
        "h_key": "Kerncijfers",
        "k_expected": "Verwachte duurzame plaatsingen",
        "k_assigned": "Toegewezen kandidaten",
        "k_open": "Open plaatsen",
        "k_gain": "Winst t.o.v. alleen lokaal",
        "k_solver": "Solver",
        "k_model": "Modelversie",
        "k_available": "Beschikbare kandidaten",
        "k_vacancies": "Open vacatures",
        "k_pairs": "Beoordeelde paren",
        "k_min_score": "Minimale kans",
        "k_gap": "gap",
        "key_text": (
            "Verwachte duurzame plaatsingen is de som van de kansen van de gekozen koppelingen: "
            "het aantal mensen dat naar verwachting na de gekozen termijn nog werkt."
        ),
        "h_scores": "Verdeling van de kansen",
        "scores_text": (
            "Kans op een duurzame plaatsing van alle paren die de solver kreeg, naast die van "
            "de gekozen koppelingen. Paren onder de minimale kans worden nooit gekozen."
        ),
        "h_baselines": "Vergelijking met andere werkwijzen",
        "baselines_text": (
            "Dezelfde kandidaten en vacatures, verdeeld op andere manieren. Het regionale "
            "optimum kijkt over gemeentegrenzen heen naar de beste totale verdeling."
        ),
        "baselines": {
            "optimal": "Regionaal optimum (dit voorstel)",
            "greedy": "Gretig (hoogste kans eerst)",
            "local_only": "Alleen binnen de eigen gemeente",
            "sequential": "Vacature voor vacature",
        },
        "baselines_short": {
            "optimal": "Regionaal\noptimum",
            "greedy": "Gretig",
            "local_only": "Alleen\nlokaal",
            "sequential": "Vacature voor\nvacature",
        },
        "b_method": "Werkwijze",
        "b_expected": "Verwachte duurzame plaatsingen",
        "b_assigned": "Toegewezen",
        "b_vs_optimal": "T.o.v. optimum",
        "h_coverage": "Dekking van de SROI-verplichting per project",
        "coverage_text": (
            "Gerealiseerde waarde en gerealiseerde plus voorgestelde waarde, als percentage van "
            "de verplichting. De grafiek toont de {n} projecten met de grootste openstaande "
            "verplichting (weergave afgekapt op 150%); de tabel toont alle projecten, "
            "gesorteerd op wat na dit voorstel nog openstaat."
        ),
        "c_project": "Project",
        "c_name": "Naam",
        "c_authority": "Opdrachtgever",
        "c_obligation": "Verplichting",
        "c_realised": "Gerealiseerd",
        "c_outstanding_before": "Open vooraf",
        "c_assigned": "Voorgesteld",
        "c_outstanding_after": "Open achteraf",
        "c_cov_before": "Dekking vooraf",
        "c_cov_after": "Dekking achteraf",
        "h_flows": "Woon-werkstromen",
        "flows_text": (
            "Waar de voorgestelde mensen wonen en waar ze gaan werken. Lijnen verbinden "
            "woon- en werkgemeente; de tabel toont de {n} grootste stromen."
        ),
        "f_home": "Woongemeente",
        "f_work": "Werkgemeente",
        "f_n": "Aantal",
        "f_same": "{n} binnen de eigen woongemeente",
        "h_unfilled": "Niet-vervulde vacatures",
        "unfilled_text": "{n} vacatures houden open plaatsen ({p} plaatsen in totaal).",
        "reasons": {
            "no_eligible_candidate": "Geen kandidaat voldoet aan de harde eisen",
            "all_below_threshold": "Alle kandidaten onder de minimale kans",
            "taken_by_better_matches": "Kandidaten elders beter gekoppeld",
        },
        "u_reason": "Reden",
        "u_vacancies": "Vacatures",
        "u_positions": "Plaatsen",
        "u_vacancy": "Vacature",
        "u_project": "Project",
        "u_open": "Open plaatsen",
        "u_explanation": "Toelichting",
        "first_rows": "Eerste {n} van {total} rijen.",
        "h_unassigned": "Niet-toegewezen kandidaten",
        "unassigned_text": "{n} beschikbare kandidaten krijgen in dit voorstel geen vacature.",
        "n_candidate": "Kandidaat",
        "n_best_vacancy": "Beste vacature",
        "n_best_prob": "Hoogste kans",
        "h_assignments": "Voorgestelde koppelingen",
        "assignments_text": (
            "Eerste {n} van {total} koppelingen. De volledige lijst staat in "
            "assignments.csv en assignments.xlsx naast dit rapport."
        ),
        "a_candidate": "Kandidaat",
        "a_vacancy": "Vacature",
        "a_project": "Project",
        "a_employer": "Werkgever",
        "a_prob": "Kans",
        "a_distance": "Afstand",
        "a_home": "Woont in",
        "a_work": "Werkt in",
        "a_group": "Doelgroep",
        "a_value": "SROI-waarde",
        "a_reasons": "Waarom",
        "h_details": "Verantwoording",
        "d_timings": "Rekentijd per stap",
        "d_step": "Stap",
        "d_seconds": "Seconden",
        "d_settings": "Instellingen",
        "d_setting": "Instelling",
        "d_value": "Waarde",
        "d_solver_time": "Rekentijd solver",
        "none": "geen",
        "footer": "Gemaakt met sroi-match. Dit is een voorstel; een mens beslist.",
        # charts
        "ch_scores_title": "Kans op duurzame plaatsing",
        "ch_scores_x": "Kans op duurzame plaatsing",
        "ch_scores_y": "Aandeel van de paren (%)",
        "ch_all_pairs": "Alle paren (n = {n})",
        "ch_chosen": "Gekozen koppelingen (n = {n})",
        "ch_threshold": "Minimale kans {v}",
        "ch_baselines_title": "Verwachte duurzame plaatsingen per werkwijze",
        "ch_baselines_y": "Verwachte duurzame plaatsingen",
        "ch_assigned_in_bar": "{n} toegewezen",
        "ch_coverage_title": "Dekking SROI-verplichting, top {n} projecten op openstaand bedrag",
        "ch_coverage_x": "Dekking van de verplichting (%)",
        "ch_cov_before": "Gerealiseerd",
        "ch_cov_after": "Plus dit voorstel",
        "ch_cov_full": "100% gedekt",
        "ch_map_title": "Woon-werkstromen van de voorgestelde koppelingen",
        "ch_map_homes": "Woonplaats (grootte = aantal)",
        "ch_map_flow": "{n} naar een andere gemeente",
        "ch_map_flow_n": "{n} per lijn",
        "ch_map_work": "Werkgemeente",
        "ch_no_data": "Geen gegevens",
        "alt_scores": "Histogram van de kansen van alle paren en van de gekozen koppelingen",
        "alt_baselines": "Staafdiagram van verwachte duurzame plaatsingen per werkwijze",
        "alt_coverage": "Dekking van de SROI-verplichting per project, vooraf en achteraf",
        "alt_map": "Kaart van Noord-Nederland met woon-werkstromen",
    },
    "en": {
        "title": "Regional Social Return assignment",
        "subtitle": "Proposal for matching available candidates to open SROI vacancies",
        "proposal": "This is a proposal; a person decides.",
        "proposal_text": (
            "The matches are computed from the estimated probability of a durable placement. "
            "A coordinator or account manager reviews every proposal with the candidate; "
            "the contractor decides whom to hire."
        ),
        "dataset": "Data",
        "objective": "Objective",
        "objectives": {
            "durable": "as many durable placements as possible",
            "durable+sroi": "as many durable placements as possible and SROI obligation coverage",
        },
        "h_key": "Key figures",
        "k_expected": "Expected durable placements",
        "k_assigned": "Candidates assigned",
        "k_open": "Open positions",
        "k_gain": "Gain vs. local only",
        "k_solver": "Solver",
        "k_model": "Model version",
        "k_available": "Candidates available",
        "k_vacancies": "Open vacancies",
        "k_pairs": "Pairs scored",
        "k_min_score": "Minimum probability",
        "k_gap": "gap",
        "key_text": (
            "Expected durable placements is the sum of the probabilities of the chosen matches: "
            "the number of people expected to still be working after the chosen horizon."
        ),
        "h_scores": "Probability distribution",
        "scores_text": (
            "Probability of a durable placement for all pairs given to the solver, next to "
            "that of the chosen matches. Pairs below the minimum probability are never chosen."
        ),
        "h_baselines": "Comparison with other methods",
        "baselines_text": (
            "The same candidates and vacancies, distributed in other ways. The regional "
            "optimum looks across municipal borders for the best overall distribution."
        ),
        "baselines": {
            "optimal": "Regional optimum (this proposal)",
            "greedy": "Greedy (highest probability first)",
            "local_only": "Own municipality only",
            "sequential": "Vacancy by vacancy",
        },
        "baselines_short": {
            "optimal": "Regional\noptimum",
            "greedy": "Greedy",
            "local_only": "Local\nonly",
            "sequential": "Vacancy by\nvacancy",
        },
        "b_method": "Method",
        "b_expected": "Expected durable placements",
        "b_assigned": "Assigned",
        "b_vs_optimal": "Vs. optimum",
        "h_coverage": "SROI obligation coverage per project",
        "coverage_text": (
            "Realised value and realised plus proposed value, as a percentage of the "
            "obligation. The chart shows the {n} projects with the largest outstanding "
            "obligation (display capped at 150%); the table lists all projects, sorted by "
            "what remains outstanding after this proposal."
        ),
        "c_project": "Project",
        "c_name": "Name",
        "c_authority": "Contracting authority",
        "c_obligation": "Obligation",
        "c_realised": "Realised",
        "c_outstanding_before": "Outstanding before",
        "c_assigned": "Proposed",
        "c_outstanding_after": "Outstanding after",
        "c_cov_before": "Coverage before",
        "c_cov_after": "Coverage after",
        "h_flows": "Home–work flows",
        "flows_text": (
            "Where the proposed people live and where they would work. Lines join home and "
            "work municipality; the table shows the {n} largest flows."
        ),
        "f_home": "Home municipality",
        "f_work": "Work municipality",
        "f_n": "Number",
        "f_same": "{n} within their home municipality",
        "h_unfilled": "Unfilled vacancies",
        "unfilled_text": "{n} vacancies keep open positions ({p} positions in total).",
        "reasons": {
            "no_eligible_candidate": "No candidate meets the hard requirements",
            "all_below_threshold": "All candidates below the minimum probability",
            "taken_by_better_matches": "Candidates better matched elsewhere",
        },
        "u_reason": "Reason",
        "u_vacancies": "Vacancies",
        "u_positions": "Positions",
        "u_vacancy": "Vacancy",
        "u_project": "Project",
        "u_open": "Open positions",
        "u_explanation": "Explanation",
        "first_rows": "First {n} of {total} rows.",
        "h_unassigned": "Unassigned candidates",
        "unassigned_text": "{n} available candidates get no vacancy in this proposal.",
        "n_candidate": "Candidate",
        "n_best_vacancy": "Best vacancy",
        "n_best_prob": "Best probability",
        "h_assignments": "Proposed matches",
        "assignments_text": (
            "First {n} of {total} matches. The full list is in assignments.csv and "
            "assignments.xlsx next to this report."
        ),
        "a_candidate": "Candidate",
        "a_vacancy": "Vacancy",
        "a_project": "Project",
        "a_employer": "Employer",
        "a_prob": "Probability",
        "a_distance": "Distance",
        "a_home": "Lives in",
        "a_work": "Works in",
        "a_group": "Target group",
        "a_value": "SROI value",
        "a_reasons": "Why",
        "h_details": "Run details",
        "d_timings": "Run time per step",
        "d_step": "Step",
        "d_seconds": "Seconds",
        "d_settings": "Settings",
        "d_setting": "Setting",
        "d_value": "Value",
        "d_solver_time": "Solver time",
        "none": "none",
        "footer": "Made with sroi-match. This is a proposal; a person decides.",
        # charts
        "ch_scores_title": "Probability of a durable placement",
        "ch_scores_x": "Probability of a durable placement",
        "ch_scores_y": "Share of pairs (%)",
        "ch_all_pairs": "All pairs (n = {n})",
        "ch_chosen": "Chosen matches (n = {n})",
        "ch_threshold": "Minimum probability {v}",
        "ch_baselines_title": "Expected durable placements per method",
        "ch_baselines_y": "Expected durable placements",
        "ch_assigned_in_bar": "{n} assigned",
        "ch_coverage_title": "SROI obligation coverage, top {n} projects by outstanding amount",
        "ch_coverage_x": "Coverage of the obligation (%)",
        "ch_cov_before": "Realised",
        "ch_cov_after": "Plus this proposal",
        "ch_cov_full": "100% covered",
        "ch_map_title": "Home–work flows of the proposed matches",
        "ch_map_homes": "Home municipality (size = number)",
        "ch_map_flow": "{n} to another municipality",
        "ch_map_flow_n": "{n} per line",
        "ch_map_work": "Work municipality",
        "ch_no_data": "No data",
        "alt_scores": "Histogram of the probabilities of all pairs and of the chosen matches",
        "alt_baselines": "Bar chart of expected durable placements per method",
        "alt_coverage": "SROI obligation coverage per project, before and after",
        "alt_map": "Map of Northern Netherlands with home–work flows",
    },
}


# --------------------------------------------------------------------------- formatting


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, lang: str, decimals: int = 0) -> str:
    """Format a number Dutch-style (``1.234,5``) or English-style (``1,234.5``).

    Parameters
    ----------
    value : float or int or None
        The number; ``None``/NaN give an en dash.
    lang : {"nl", "en"}
        Language.
    decimals : int, default 0
        Digits after the decimal separator.

    Returns
    -------
    str

    Examples
    --------
    >>> fmt_number(1234.5, "nl", 1), fmt_number(1234.5, "en", 1)
    ('1.234,5', '1,234.5')
    """
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    if lang == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def fmt_eur(value: Any, lang: str) -> str:
    """Whole euros: ``€ 12.345`` (nl) or ``€12,345`` (en)."""
    if _missing(value):
        return "–"
    number = fmt_number(abs(float(value)), lang, 0)
    negative = round(float(value)) < 0
    if lang == "nl":
        return f"€ -{number}" if negative else f"€ {number}"
    return f"-€{number}" if negative else f"€{number}"


def fmt_pct(value: Any, lang: str, decimals: int = 1, sign: bool = False) -> str:
    """A percentage given in percent units (``12.3`` -> ``12,3%`` in nl)."""
    if _missing(value):
        return "–"
    text = fmt_number(value, lang, decimals)
    if sign and float(value) > 0 and text.strip("0,.") != "":
        text = "+" + text
    return f"{text}%"


# --------------------------------------------------------------------------- charts


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path) -> str:
    fig.savefig(path, dpi=_DPI, format="png", metadata=_PNG_META, facecolor="white")
    return path.name


def _title(fig: Figure, text: str) -> None:
    fig.suptitle(text, x=0.01, ha="left", fontsize=12.5, fontweight="bold", color="#1f2933")


def _style_axes(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(_C_DARKGREY)
    ax.tick_params(colors=_C_DARKGREY, labelcolor="#222222")


def _no_data(ax: Any, t: Mapping[str, Any]) -> None:
    ax.text(
        0.5,
        0.5,
        t["ch_no_data"],
        ha="center",
        va="center",
        transform=ax.transAxes,
        color=_C_DARKGREY,
        fontsize=12,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _chart_scores(
    path: Path,
    pairs: pd.DataFrame,
    assignments: pd.DataFrame,
    min_score: float | None,
    t: Mapping[str, Any],
    lang: str,
) -> str:
    fig = _new_figure(8.0, 4.2)
    ax = fig.add_subplot()
    all_w = pd.to_numeric(pairs.get("weight", pd.Series(dtype=float)), errors="coerce").dropna()
    chosen = pd.to_numeric(
        assignments.get("probability", pd.Series(dtype=float)), errors="coerce"
    ).dropna()
    _title(fig, t["ch_scores_title"])
    if all_w.empty and chosen.empty:
        _no_data(ax, t)
        return _save(fig, path)
    bins = np.linspace(0.0, 1.0, 41)
    if min_score is not None and not _missing(min_score):
        ax.axvspan(0.0, float(min_score), color=_C_LINE, alpha=0.06, linewidth=0, zorder=0)
        ax.axvline(
            float(min_score),
            color=_C_LINE,
            linestyle="--",
            linewidth=1.2,
            label=t["ch_threshold"].format(v=fmt_number(min_score, lang, 2)),
            zorder=4,
        )
    if not all_w.empty:
        counts, _ = np.histogram(all_w.clip(0.0, 1.0).to_numpy(), bins=bins)
        ax.stairs(
            100.0 * counts / counts.sum(),
            bins,
            fill=True,
            color=_C_GREY,
            alpha=0.55,
            label=t["ch_all_pairs"].format(n=fmt_number(len(all_w), lang)),
            zorder=2,
        )
    if not chosen.empty:
        counts, _ = np.histogram(chosen.clip(0.0, 1.0).to_numpy(), bins=bins)
        share = 100.0 * counts / counts.sum()
        ax.stairs(share, bins, fill=True, color=_C_MAIN, alpha=0.18, zorder=3)
        ax.stairs(
            share,
            bins,
            color=_C_MAIN,
            linewidth=1.8,
            zorder=3,
            label=t["ch_chosen"].format(n=fmt_number(len(chosen), lang)),
        )
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel(t["ch_scores_x"])
    ax.set_ylabel(t["ch_scores_y"])
    ax.xaxis.set_major_locator(MultipleLocator(0.1))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 1)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
    ax.grid(axis="y", color=_C_LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    _style_axes(ax)
    ax.legend(loc="upper left", frameon=True, framealpha=0.95, edgecolor=_C_LIGHT)
    return _save(fig, path)


def _ordered_baselines(baselines: Mapping[str, Mapping[str, Any]]) -> list[str]:
    known = [name for name in _BASELINE_ORDER if name in baselines]
    return known + sorted(name for name in baselines if name not in _BASELINE_ORDER)


def _chart_baselines(
    path: Path, baselines: Mapping[str, Mapping[str, Any]], t: Mapping[str, Any], lang: str
) -> str:
    fig = _new_figure(8.0, 4.2)
    ax = fig.add_subplot()
    _title(fig, t["ch_baselines_title"])
    names = _ordered_baselines(baselines)
    if not names:
        _no_data(ax, t)
        return _save(fig, path)
    values = [float(baselines[n].get("expected_durable") or 0.0) for n in names]
    colours = [_C_MAIN if n == "optimal" else "#7d8a97" for n in names]
    x = np.arange(len(names))
    bars = ax.bar(x, values, color=colours, width=0.62, edgecolor="white")
    top = max(values) if max(values) > 0 else 1.0
    for bar, value, name in zip(bars, values, names, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            value + top * 0.015,
            fmt_number(value, lang, 1),
            ha="center",
            va="bottom",
            fontsize=11,
            fontweight="bold" if name == "optimal" else "normal",
            color=_C_MAIN if name == "optimal" else "#222222",
        )
        assigned = baselines[name].get("n_assigned")
        if not _missing(assigned) and value > top * 0.12:
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                value - top * 0.03,
                t["ch_assigned_in_bar"].format(n=fmt_number(assigned, lang)),
                ha="center",
                va="top",
                fontsize=8.5,
                color="white",
            )
    ax.set_xticks(x, [t["baselines_short"].get(n, n) for n in names])
    ax.set_ylim(0.0, top * 1.14)
    ax.set_ylabel(t["ch_baselines_y"])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
    ax.grid(axis="y", color=_C_LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    _style_axes(ax)
    return _save(fig, path)


def _short(text: Any, width: int) -> str:
    text = "" if _missing(text) else str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _chart_coverage(path: Path, coverage: pd.DataFrame, t: Mapping[str, Any], lang: str) -> str:
    top = coverage.sort_values(
        ["outstanding_before_eur", "project_id"], ascending=[False, True], kind="mergesort"
    ).head(_TOP_PROJECTS)
    n = len(top)
    fig = _new_figure(9.0, 1.6 + 0.3 * max(n, 3))
    ax = fig.add_subplot()
    _title(fig, t["ch_coverage_title"].format(n=_TOP_PROJECTS))
    if n == 0:
        _no_data(ax, t)
        return _save(fig, path)
    before = 100 * pd.to_numeric(top["coverage_before"], errors="coerce").fillna(0.0).to_numpy()
    after = 100 * pd.to_numeric(top["coverage_after"], errors="coerce").fillna(0.0).to_numpy()
    after = np.maximum(after, before)
    cap = 100 * _COVERAGE_CAP
    y = np.arange(n)[::-1]
    ax.barh(y, np.minimum(after, cap), height=0.68, color=_C_ACCENT, label=t["ch_cov_after"])
    ax.barh(y, np.minimum(before, cap), height=0.68, color=_C_MAIN, label=t["ch_cov_before"])
    ax.axvline(100.0, color=_C_DARKGREY, linestyle="--", linewidth=1.0, label=t["ch_cov_full"])
    for yi, b, a in zip(y, before, after, strict=True):
        label = fmt_pct(b, lang, 0)
        if round(a) != round(b):
            label += " → " + fmt_pct(a, lang, 0)
        ax.text(
            min(a, cap) + 2.0,
            yi,
            label,
            va="center",
            fontsize=8,
            color="#222222",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            zorder=4,
        )
    labels = [
        f"{_short(name, 34)} ({pid})"
        for name, pid in zip(top["name"], top["project_id"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0.0, cap * 1.3)
    ax.set_xticks(np.arange(0, cap + 1, 25))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_pct(v, lang, 0)))
    ax.set_xlabel(t["ch_coverage_x"])
    ax.grid(axis="x", color=_C_LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    _style_axes(ax)
    ax.tick_params(axis="y", length=0)
    handles, labels = ax.get_legend_handles_labels()
    order = [
        labels.index(t["ch_cov_before"]),
        labels.index(t["ch_cov_after"]),
        labels.index(t["ch_cov_full"]),
    ]
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=3,
        fontsize=9,
        borderaxespad=0.2,
    )
    return _save(fig, path)


def _outline_paths(collection: Mapping[str, Any]) -> list[tuple[str, MplPath]]:
    """One compound path per polygon (exterior plus holes) of every feature."""
    out: list[tuple[str, MplPath]] = []
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        name = str(props.get("statnaam") or props.get("name") or props.get("naam") or "")
        kind = geometry.get("type")
        polygons = (
            [geometry.get("coordinates", [])]
            if kind == "Polygon"
            else geometry.get("coordinates", [])
            if kind == "MultiPolygon"
            else []
        )
        for rings in polygons:
            parts = [
                MplPath(np.asarray(ring, dtype=float)[:, :2], closed=True)
                for ring in rings
                if len(ring) >= 3
            ]
            if parts:
                out.append((name, MplPath.make_compound_path(*parts)))
    return out


def _load_outlines() -> list[tuple[str, MplPath]]:
    try:
        return _outline_paths(reference.region_outlines())
    except (FileNotFoundError, ValueError, KeyError) as exc:  # pragma: no cover - data missing
        logger.warning("region outlines unavailable, map drawn without them: %s", exc)
        return []


def _load_points() -> pd.DataFrame:
    try:
        frame = reference.municipalities()
    except (FileNotFoundError, ValueError, KeyError) as exc:  # pragma: no cover - data missing
        logger.warning("municipality coordinates unavailable: %s", exc)
        return pd.DataFrame(columns=["gm_code", "name", "lat", "lon", "in_scope"])
    return frame[["gm_code", "name", "lat", "lon", "in_scope"]]


def _ring_centroid(vertices: np.ndarray) -> tuple[float, float]:
    """Area centroid of a closed ring (shoelace); vertex mean for degenerate rings."""
    x, y = vertices[:, 0], vertices[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2.0
    if abs(area) < 1e-12:
        return float(x.mean()), float(y.mean())
    cx = ((x + np.roll(x, -1)) * cross).sum() / (6.0 * area)
    cy = ((y + np.roll(y, -1)) * cross).sum() / (6.0 * area)
    return float(cx), float(cy)


def _arc(
    p0: tuple[float, float], p1: tuple[float, float], bend: float = 0.15, steps: int = 24
) -> np.ndarray:
    """Points on a quadratic Bezier from ``p0`` to ``p1``, bent to the right of travel.

    Bending is done in lat-corrected coordinates so arcs look alike in every direction,
    and opposite flows (A -> B, B -> A) get separate arcs.
    """
    k = math.cos(math.radians(_MAP_LAT))
    x0, y0, x1, y1 = p0[0] * k, p0[1], p1[0] * k, p1[1]
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    cx, cy = mx + bend * (y1 - y0), my - bend * (x1 - x0)
    u = np.linspace(0.0, 1.0, steps)[:, None]
    pts = (
        (1 - u) ** 2 * np.array([x0, y0])
        + 2 * (1 - u) * u * np.array([cx, cy])
        + u**2 * np.array([x1, y1])
    )
    pts[:, 0] /= k
    return pts


def _flow_width(n: Any, max_n: float) -> np.ndarray:
    """Line width in points, linear in ``n``: 0.8 for one person, 5.5 for the largest flow."""
    if max_n <= 1:
        return np.full(np.shape(n), 1.5)
    return 0.8 + 4.7 * (np.asarray(n, dtype=float) - 1.0) / (max_n - 1.0)


def _chart_flows(path: Path, flows: pd.DataFrame, t: Mapping[str, Any], lang: str) -> str:
    outlines = _load_outlines()
    points = _load_points().drop_duplicates("gm_code").set_index("gm_code")
    in_scope = points[points["in_scope"].astype(bool)]

    flows = flows.assign(n=pd.to_numeric(flows["n"], errors="coerce").fillna(0).astype(int))
    flows = flows[flows["n"] > 0]
    known = flows["home_gm"].isin(points.index) & flows["work_gm"].isin(points.index)
    if (~known).any():
        logger.warning(
            "%d flows with municipalities without coordinates left off the map", int((~known).sum())
        )
    flows = flows[known]
    same = flows["home_gm"] == flows["work_gm"]
    n_same = int(flows.loc[same, "n"].sum())
    between = flows[~same].sort_values(["n", "home_gm", "work_gm"], kind="mergesort")
    homes = flows.groupby("home_gm", sort=True)["n"].sum()
    involved = sorted(set(flows["home_gm"]) | set(flows["work_gm"]))

    xs = list(in_scope["lon"]) + list(points.loc[involved, "lon"])
    ys = list(in_scope["lat"]) + list(points.loc[involved, "lat"])
    for _name, shape in outlines:
        ext = shape.get_extents()
        xs += [ext.x0, ext.x1]
        ys += [ext.y0, ext.y1]
    aspect = 1.0 / math.cos(math.radians(_MAP_LAT))
    if xs:
        x0, x1 = min(xs) - 0.08, max(xs) + 0.08
        y0, y1 = min(ys) - 0.05, max(ys) + 0.05
        ratio = (y1 - y0) * aspect / max(x1 - x0, 1e-6)
    else:
        ratio = 0.75
    fig = _new_figure(9.0, float(np.clip(8.6 * ratio + 0.5, 4.0, 11.0)))
    ax = fig.add_subplot()
    _title(fig, t["ch_map_title"])
    if not xs:
        _no_data(ax, t)
        return _save(fig, path)

    largest: dict[str, tuple[float, np.ndarray]] = {}
    for name, shape in outlines:
        ax.add_patch(
            PathPatch(shape, facecolor=_C_LIGHT, edgecolor="#b5bcc3", linewidth=0.8, zorder=1)
        )
        for ring in shape.to_polygons():
            ext_w, ext_h = np.ptp(ring[:, 0]), np.ptp(ring[:, 1])
            if name and (name not in largest or ext_w * ext_h > largest[name][0]):
                largest[name] = (ext_w * ext_h, ring)
    for name, (_area, ring) in sorted(largest.items()):
        cx, cy = _ring_centroid(ring)
        ax.text(
            cx,
            cy,
            name.upper(),
            ha="center",
            va="center",
            fontsize=10.5,
            color="#aab2ba",
            fontweight="bold",
            zorder=1.5,
        )
    ax.scatter(in_scope["lon"], in_scope["lat"], s=5, color="#aab2ba", zorder=2, linewidths=0)

    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    handles: list[Any] = []
    if len(between):
        max_n = float(between["n"].max())
        segments = [
            _arc(
                (points.at[h, "lon"], points.at[h, "lat"]),
                (points.at[w, "lon"], points.at[w, "lat"]),
            )
            for h, w in zip(between["home_gm"], between["work_gm"], strict=True)
        ]
        ax.add_collection(
            LineCollection(
                segments,
                linewidths=_flow_width(between["n"], max_n),
                colors=_C_MAIN,
                alpha=0.45,
                capstyle="round",
                zorder=3,
            )
        )
        work = between.groupby("work_gm", sort=True)["n"].sum()
        ax.scatter(
            points.loc[work.index, "lon"],
            points.loc[work.index, "lat"],
            marker="s",
            s=16,
            color=_C_MAIN,
            edgecolors="white",
            linewidths=0.5,
            zorder=4,
        )
        for value in sorted({1, round((1 + max_n) / 2), int(max_n)}):
            handles.append(
                Line2D(
                    [],
                    [],
                    color=_C_MAIN,
                    alpha=0.6,
                    linewidth=float(_flow_width(value, max_n)),
                    label=t["ch_map_flow_n"].format(n=fmt_number(value, lang)),
                )
            )
        handles.append(
            Line2D(
                [],
                [],
                marker="s",
                linestyle="none",
                markersize=5,
                markerfacecolor=_C_MAIN,
                markeredgecolor="white",
                label=t["ch_map_work"],
            )
        )
    if len(homes):
        max_home = float(homes.max())
        ax.scatter(
            points.loc[homes.index, "lon"],
            points.loc[homes.index, "lat"],
            s=14 + 240 * homes.to_numpy() / max_home,
            color=_C_ACCENT,
            edgecolors="white",
            linewidths=0.8,
            alpha=0.92,
            zorder=5,
        )
        involvement = homes.add(flows.groupby("work_gm")["n"].sum(), fill_value=0)
        for gm, _total in sorted(involvement.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
            ax.annotate(
                str(points.at[gm, "name"]),
                (points.at[gm, "lon"], points.at[gm, "lat"]),
                xytext=(6, 5),
                textcoords="offset points",
                fontsize=8.5,
                color="#1f2933",
                zorder=6,
                path_effects=halo,
            )
        handles.insert(
            0,
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=9,
                markerfacecolor=_C_ACCENT,
                markeredgecolor="white",
                label=t["ch_map_homes"],
            ),
        )
    handles.append(
        Patch(
            facecolor="none",
            edgecolor="none",
            label=t["ch_map_flow"].format(n=fmt_number(int(between["n"].sum()), lang)),
        )
    )
    handles.append(
        Patch(
            facecolor="none", edgecolor="none", label=t["f_same"].format(n=fmt_number(n_same, lang))
        )
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=8,
        frameon=True,
        framealpha=0.92,
        edgecolor=_C_LIGHT,
        borderpad=0.8,
    )
    return _save(fig, path)


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
    summary: Mapping[str, Any],
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

    baselines = summary.get("baselines") or {}
    opt = float((baselines.get("optimal") or {}).get("expected_durable") or 0.0)
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
                num(b.get("expected_durable"), 1),
                num(b.get("n_assigned")),
                pct(100.0 * float(b.get("expected_durable") or 0.0) / opt, 1) if opt > 0 else "–",
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

    timings = summary.get("timings_s") or {}
    tables["timings"] = _table(
        [(t["d_step"], False), (t["d_seconds"], True)],
        [[str(k), num(v, 2)] for k, v in timings.items()],
    )
    tables["settings"] = _table(
        [(t["d_setting"], False), (t["d_value"], False)],
        _settings_rows(summary.get("settings") or {}),
    )
    return tables


def _key_figures(summary: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> list[dict]:
    solver = summary.get("solver") or {}
    gap = solver.get("gap")
    status = _text(solver.get("status")) or "–"
    gap_text = f"{t['k_gap']} {fmt_pct(100 * gap, lang, 2)}" if not _missing(gap) else ""
    figures = [
        {
            "label": t["k_expected"],
            "value": fmt_number(summary.get("expected_durable"), lang, 1),
            "main": True,
        },
        {
            "label": t["k_assigned"],
            "value": fmt_number(summary.get("n_assigned"), lang),
            "main": True,
        },
        {"label": t["k_open"], "value": fmt_number(summary.get("n_positions"), lang), "main": True},
        {
            "label": t["k_gain"],
            "value": fmt_pct(summary.get("gain_vs_local_pct"), lang, 1, sign=True),
            "main": True,
        },
        {
            "label": t["k_available"],
            "value": fmt_number(summary.get("n_candidates_available"), lang),
            "main": False,
        },
        {
            "label": t["k_vacancies"],
            "value": fmt_number(summary.get("n_vacancies_open"), lang),
            "main": False,
        },
        {"label": t["k_pairs"], "value": fmt_number(summary.get("n_pairs"), lang), "main": False},
        {
            "label": t["k_min_score"],
            "value": fmt_number(summary.get("min_score"), lang, 2),
            "main": False,
        },
        {
            "label": t["k_solver"],
            "value": " ".join(x for x in (_text(solver.get("name")), status) if x),
            "detail": ", ".join(
                x
                for x in (
                    gap_text,
                    (
                        f"{fmt_number(solver.get('wall_time_s'), lang, 1)} s"
                        if not _missing(solver.get("wall_time_s"))
                        else ""
                    ),
                )
                if x
            ),
            "main": False,
        },
        {"label": t["k_model"], "value": _text(summary.get("model_version")) or "–", "main": False},
    ]
    for figure in figures:
        figure.setdefault("detail", "")
    return figures


# --------------------------------------------------------------------------- entry point


def render_assignment_report(
    out_dir: Path,
    *,
    summary: dict,
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
    summary : dict
        Run summary: ``objective``, ``expected_durable``, ``n_assigned``,
        ``n_candidates_available``, ``n_vacancies_open``, ``n_positions``, ``n_pairs``,
        ``model_version``, ``solver`` (``name``, ``status``, ``gap``, ``wall_time_s``),
        ``baselines`` (name -> ``expected_durable``, ``n_assigned``), ``gain_vs_local_pct``,
        ``timings_s``, ``min_score``, ``settings``, ``created_for``.
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
                summary.get("min_score"),
                t,
                lang,
            ),
            "baselines": _chart_baselines(
                out_dir / "baselines.png", summary.get("baselines") or {}, t, lang
            ),
            "coverage": _chart_coverage(out_dir / "coverage.png", coverage, t, lang),
            "map": _chart_flows(out_dir / "flows_map.png", flows, t, lang),
        }

    flow_n = pd.to_numeric(flows["n"], errors="coerce").fillna(0)
    same = flows["home_gm"] == flows["work_gm"]
    positions_left = pd.to_numeric(unfilled["positions_open"], errors="coerce").fillna(0).sum()
    objective = summary.get("objective")
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
        created_for=_text(summary.get("created_for")),
        key_figures=_key_figures(summary, t, lang),
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

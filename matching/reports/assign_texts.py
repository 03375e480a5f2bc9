"""User-visible texts and number formatting of the assignment report (Dutch and English)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from matching.texts import format as fmt

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
# Thin wrappers over the one formatter (matching.texts.format), with the report's defaults.


def _missing(value: Any) -> bool:
    """Whether a cell is empty (``None``, NaN, ``pd.NA``); text is never missing."""
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
    return fmt.number(value, lang, decimals)


def fmt_eur(value: Any, lang: str) -> str:
    """Whole euros: ``€ 12.345`` (nl) or ``€12,345`` (en)."""
    return fmt.eur(value, lang)


def fmt_pct(value: Any, lang: str, decimals: int = 1, sign: bool = False) -> str:
    """A percentage given in percent units (``12.3`` -> ``12,3%`` in nl).

    Rounded like every probability elsewhere (:func:`matching.texts.format.percent_units`,
    half up): a probability of 0.905 shown as ``fmt_pct(100 * 0.905, lang, 0)`` reads 91%, as
    in the shortlist. ``sign`` writes ``+`` before a value that is positive once rounded.
    """
    return fmt.percent_units(value, lang, decimals, sign=sign)

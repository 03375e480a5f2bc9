"""User-visible texts of the training plan's outputs: report, charts, sheets (Dutch and English).

One dict per language in :data:`TEXTS`; :data:`SHEETS` names the workbook's sheets and
:data:`COLUMNS` gives every table column its readable header. Numbers are formatted by
:mod:`matching.texts.format` (Babel), never here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_TEMPLATE_DIR = Path(__file__).with_name("templates")
_TEMPLATE = "training_report.html"
_TOP_OCCUPATIONS = 15
"""Occupations in the demand/supply chart (by expected demand)."""
_MAX_ENROLMENTS = 200
_MAX_ROWS = 50
METHOD_ORDER = ("optimal", "most_requested_nearest", "near_misses_first")
"""The optimum first, then the baselines in the order the workflow runs them."""

SHEETS: dict[str, dict[str, str]] = {
    "nl": {
        "enrolments": "Inschrijvingen",
        "orders": "Bestellingen",
        "demand_occupation": "Vraag per beroep",
        "demand_certificate": "Vraag per certificaat",
        "comparison": "Vergelijking",
        "budget_curve": "Budgetcurve",
    },
    "en": {
        "enrolments": "Enrolments",
        "orders": "Orders",
        "demand_occupation": "Demand by occupation",
        "demand_certificate": "Demand by certificate",
        "comparison": "Comparison",
        "budget_curve": "Budget curve",
    },
}
"""Sheet names of ``training_plan.xlsx`` (at most 31 characters, as Excel allows)."""

COLUMNS: dict[str, dict[str, str]] = {
    "nl": {
        # enrolments
        "candidate_id": "Kandidaat (pseudoniem)",
        "course_id": "Cursus-id",
        "course": "Cursus",
        "provider": "Aanbieder",
        "start_date": "Startdatum",
        "end_date": "Einddatum",
        "cost_eur": "Kosten (EUR)",
        "vacancy_id": "Leidt tot vacature",
        "vacancy_title": "Functie",
        "project_id": "Project",
        "probability_before": "Kans vooraf",
        "probability_after": "Kans na de cursus",
        "expected_gain": "Verwachte winst (duurzame plaatsingen)",
        "unlocks": "Opent vacatures (eerste 5)",
        "n_unlocked": "Aantal geopende vacatures",
        "alternatives": "Alternatieven (kans)",
        # orders
        "location": "Locatie",
        "participants": "Deelnemers",
        "seats": "Plaatsen per start",
        "price_eur": "Prijs per deelnemer (EUR)",
        "total_eur": "Totaal (EUR)",
        # demand
        "occupation": "Beroep (ISCO)",
        "certificate": "Certificaat",
        "label": "Omschrijving",
        "open_positions": "Open plaatsen",
        "tender_expected": "Verwacht uit aanbestedingen",
        "expected": "Verwachte vraag",
        "low": "Ondergrens (80%)",
        "high": "Bovengrens (80%)",
        "eligible_today": "Geschikte kandidaten nu",
        "filled_without_training": "Vervuld zonder opleiding",
        "filled_with_plan": "Vervuld met dit plan",
        # comparison and budget curve
        "method": "Werkwijze",
        "budget_eur": "Budget (EUR)",
        "spent_eur": "Besteed (EUR)",
        "enrolments": "Inschrijvingen",
        "expected_durable": "Verwachte duurzame plaatsingen",
        "expected_durable_gain": "Extra duurzame plaatsingen",
        "gain": "Extra duurzame plaatsingen",
        "gain_per_1000_eur": "Extra per EUR 1.000",
    },
    "en": {
        "candidate_id": "Candidate (pseudonym)",
        "course_id": "Course id",
        "course": "Course",
        "provider": "Provider",
        "start_date": "Start date",
        "end_date": "End date",
        "cost_eur": "Cost (EUR)",
        "vacancy_id": "Leads to vacancy",
        "vacancy_title": "Job title",
        "project_id": "Project",
        "probability_before": "Probability before",
        "probability_after": "Probability after the course",
        "expected_gain": "Expected gain (durable placements)",
        "unlocks": "Unlocks vacancies (first 5)",
        "n_unlocked": "Vacancies unlocked",
        "alternatives": "Alternatives (probability)",
        "location": "Location",
        "participants": "Participants",
        "seats": "Seats per start",
        "price_eur": "Price per participant (EUR)",
        "total_eur": "Total (EUR)",
        "occupation": "Occupation (ISCO)",
        "certificate": "Certificate",
        "label": "Description",
        "open_positions": "Open positions",
        "tender_expected": "Expected from tenders",
        "expected": "Expected demand",
        "low": "Lower bound (80%)",
        "high": "Upper bound (80%)",
        "eligible_today": "Eligible candidates now",
        "filled_without_training": "Filled without training",
        "filled_with_plan": "Filled with this plan",
        "method": "Method",
        "budget_eur": "Budget (EUR)",
        "spent_eur": "Spent (EUR)",
        "enrolments": "Enrolments",
        "expected_durable": "Expected durable placements",
        "expected_durable_gain": "Extra durable placements",
        "gain": "Extra durable placements",
        "gain_per_1000_eur": "Extra per EUR 1,000",
    },
}
"""Readable column headers of the workbook's sheets (the CSV files keep the raw names)."""

TEXTS: dict[str, dict[str, Any]] = {
    "nl": {
        "title": "Opleidingsplan",
        "subtitle": "Wie welke cursus volgt, zodat zoveel mogelijk mensen duurzaam aan het werk komen",
        "proposal": "Dit is een voorstel; een mens beslist.",
        "proposal_text": (
            "Het plan is berekend uit de geschatte kans op een duurzame plaatsing, vóór en na "
            "een cursus. Een coördinator bespreekt elke inschrijving met de kandidaat voordat "
            "er iets wordt besteld; kandidaten staan onder hun pseudoniem."
        ),
        "meta": "Planningsdatum {as_of} · horizon {months} maanden (tot {end})",
        "h_headline": "Kerncijfers",
        "k_budget": "Budget",
        "k_spent": "Besteed",
        "k_enrolments": "Inschrijvingen",
        "k_gain": "Extra verwachte duurzame plaatsingen",
        "k_per_1000": "Extra per € 1.000",
        "k_vs_baseline": "Per euro t.o.v. de betere vuistregel",
        "times_as_many": "{x} keer zoveel per euro als „{name}”; extra plaatsingen {mine} tegen {theirs}",
        "times": "{x}×",
        "baseline_gains_nothing": "de vuistregels leveren niets op",
        "k_without": "Verwacht zonder opleiding",
        "k_with": "Verwacht met dit plan",
        "k_candidates": "Beschikbare kandidaten",
        "k_vacancies": "Vacatures in de horizon",
        "k_vacancies_detail": "{open} open, {forecast} verwacht uit aanbestedingen",
        "k_courses": "Cursussen",
        "k_courses_detail": "{sessions} startmomenten in de horizon",
        "headline_text": (
            "Extra verwachte duurzame plaatsingen: hoeveel mensen naar verwachting méér "
            "duurzaam werken dan zonder opleiding, bij de beste verdeling van mensen over "
            "vacatures erna. Iemand die een cursus volgt telt alleen mee voor vacatures die "
            "na de laatste cursusdag beginnen."
        ),
        "h_orders": "Bestellingen per opleider",
        "orders_text": (
            "De lijst om bij de opleiders te bestellen: per aanbieder de cursussen, startdata "
            "en het aantal deelnemers. Totaal {total} voor {n} deelnemers."
        ),
        "subtotal": "Subtotaal {provider}",
        "total": "Totaal",
        "online": "online of op eigen locatie",
        "o_course": "Cursus",
        "o_location": "Locatie",
        "o_dates": "Periode",
        "o_participants": "Deelnemers",
        "o_seats": "Plaatsen",
        "o_price": "Prijs p.p.",
        "o_total": "Totaal",
        "h_enrolments": "Inschrijvingen en waarom",
        "enrolments_text": (
            "Per inschrijving: de vacature waartoe de cursus leidt, de kans op een duurzame "
            "plaatsing vóór en na de cursus, de verwachte winst (wat het plan verliest zonder "
            "deze inschrijving), de vacatures die de cursus voor deze persoon opent en wie er "
            "anders in aanmerking komt."
        ),
        "first_rows": "Eerste {n} van {total} rijen.",
        "full_list": "Alle rijen staan in {files}.",
        "e_candidate": "Kandidaat",
        "e_course": "Cursus",
        "e_dates": "Periode",
        "e_cost": "Kosten",
        "e_vacancy": "Leidt tot",
        "e_probability": "Kans vooraf → na",
        "e_gain": "Verwachte winst",
        "e_unlocks": "Opent",
        "e_alternatives": "Alternatieven",
        "unlocks_more": "(samen {n})",
        "no_vacancy": "geen vacature in de beste verdeling",
        "h_demand": "Vraag in de horizon",
        "demand_text": (
            "Verwachte vraag per beroep en per certificaat tot {end}, met een 80%-interval: "
            "de werkelijke vraag ligt naar verwachting in 8 van de 10 gevallen daartussen."
        ),
        "sources": "Gebruikte bronnen: {sources}.",
        "source_labels": {
            "open_vacancies": "open vacatures die in de horizon beginnen (of geen startdatum hebben)",
            "tender_calendar": "de aanbestedingskalender (SROI-verplichting omgerekend naar plaatsingen, gewogen met de kans dat de aanbesteding doorgaat)",
        },
        "no_arrivals": (
            "Er is nog geen model voor nieuwe vacatures die in de loop van de horizon "
            "binnenkomen; de vraag is daardoor eerder te laag dan te hoog ingeschat."
        ),
        "h_demand_occupation": "Per beroep",
        "h_demand_certificate": "Per certificaat",
        "h_tenders": "Aanbestedingen in de horizon",
        "d_occupation": "Beroep",
        "d_certificate": "Certificaat",
        "d_open": "Open plaatsen",
        "d_tenders": "Uit aanbestedingen",
        "d_expected": "Verwacht",
        "d_interval": "80%-interval",
        "d_eligible": "Geschikt nu",
        "d_without": "Vervuld zonder opleiding",
        "d_with": "Vervuld met plan",
        "t_tender": "Aanbesteding",
        "t_occupation": "Beroep",
        "t_start": "Verwachte start",
        "t_probability": "Kans dat hij doorgaat",
        "t_total": "Plaatsingen als hij doorgaat",
        "t_expected": "Verwacht in de horizon",
        "h_comparison": "Vergelijking met vuistregels",
        "comparison_text": (
            "Hetzelfde budget, dezelfde cursussen en dezelfde mensen, op een eenvoudiger "
            "manier verdeeld. Elke werkwijze wordt op dezelfde manier beoordeeld: de beste "
            "verdeling van mensen over vacatures na de cursussen."
        ),
        "methods": {
            "optimal": "Optimaal plan (dit voorstel)",
            "most_requested_nearest": "Meest gevraagde certificaat, dichtstbijzijnde mensen eerst",
            "near_misses_first": "Bijna-passend eerst",
        },
        "methods_short": {
            "optimal": "Optimaal plan",
            "most_requested_nearest": "Meest gevraagd, dichtstbij",
            "near_misses_first": "Bijna-passend eerst",
        },
        "c_method": "Werkwijze",
        "c_enrolments": "Inschrijvingen",
        "c_spent": "Besteed",
        "c_durable": "Verwachte duurzame plaatsingen",
        "c_gain": "Extra",
        "c_per_1000": "Extra per € 1.000",
        "h_curve": "Opbrengst per euro bij ander budget",
        "curve_text": (
            "Extra verwachte duurzame plaatsingen per € 1.000 bij een kleiner en groter budget, "
            "per werkwijze. De stippellijn is het budget van dit plan."
        ),
        "h_supply": "Vraag en aanbod per beroep",
        "supply_text": (
            "De {n} beroepen met de grootste verwachte vraag: de vraag met haar 80%-interval "
            "naast het aantal plaatsen dat de beste verdeling vult zonder opleiding en met dit plan."
        ),
        "h_solver": "Verantwoording",
        "s_status": "Status solver",
        "s_gap": "Gap",
        "s_size": "Omvang",
        "s_size_value": "{options} mogelijke inschrijvingen, {pairs} paren nu, {trained} paren na opleiding",
        "s_as_of": "Planningsdatum",
        "s_horizon": "Horizon",
        "s_horizon_value": "{months} maanden, tot {end}",
        "status": {
            "OPTIMAL": "optimaal (bewezen, geen beter plan mogelijk)",
            "FEASIBLE": "toegestaan plan; tijdslimiet bereikt, optimum niet bewezen",
        },
        "rules": (
            "Uitgangspunten: iemand volgt hooguit één cursus in de horizon en moet die kunnen "
            "bereiken; een cursus zonder locatie is overal te volgen. Cursussen die hetzelfde "
            "opleveren openen dezelfde vacatures."
        ),
        "none": "geen",
        "footer": "Gemaakt met sroi-match. Dit is een voorstel; een mens beslist.",
        # charts
        "ch_curve_title": "Extra duurzame plaatsingen per € 1.000, naar budget",
        "ch_curve_x": "Budget",
        "ch_curve_y": "Extra duurzame plaatsingen per € 1.000",
        "ch_budget": "Budget van dit plan",
        "ch_supply_title": "Vraag en aanbod per beroep (top {n} op verwachte vraag)",
        "ch_supply_x": "Plaatsen",
        "ch_demand": "Verwachte vraag (80%-interval)",
        "ch_without": "Vervuld zonder opleiding",
        "ch_with": "Vervuld met dit plan",
        "ch_no_data": "Geen gegevens",
        "alt_curve": "Lijngrafiek van extra duurzame plaatsingen per € 1.000 tegen het budget, per werkwijze",
        "alt_supply": "Staafdiagram van verwachte vraag met interval en vervulde plaatsen per beroep",
    },
    "en": {
        "title": "Training plan",
        "subtitle": "Who takes which course, so that as many people as possible get durable work",
        "proposal": "This is a proposal; a person decides.",
        "proposal_text": (
            "The plan is computed from the estimated probability of a durable placement, "
            "before and after a course. A coordinator discusses every enrolment with the "
            "candidate before anything is ordered; candidates are shown by pseudonym."
        ),
        "meta": "Planning date {as_of} · horizon {months} months (until {end})",
        "h_headline": "Key figures",
        "k_budget": "Budget",
        "k_spent": "Spent",
        "k_enrolments": "Enrolments",
        "k_gain": "Extra expected durable placements",
        "k_per_1000": "Extra per €1,000",
        "k_vs_baseline": "Per euro vs. the better rule of thumb",
        "times_as_many": "{x} times as many per euro as “{name}”; extra placements {mine} against {theirs}",
        "times": "{x}×",
        "baseline_gains_nothing": "the rules of thumb gain nothing",
        "k_without": "Expected without training",
        "k_with": "Expected with this plan",
        "k_candidates": "Available candidates",
        "k_vacancies": "Vacancies in the horizon",
        "k_vacancies_detail": "{open} open, {forecast} expected from tenders",
        "k_courses": "Courses",
        "k_courses_detail": "{sessions} start dates in the horizon",
        "headline_text": (
            "Extra expected durable placements: how many more people are expected to work "
            "durably than without training, with the best assignment of people to vacancies "
            "afterwards. A person who takes a course counts only for vacancies that start "
            "after the last day of the course."
        ),
        "h_orders": "Orders per training provider",
        "orders_text": (
            "The list to order from the training providers: per provider the courses, start "
            "dates and number of participants. Total {total} for {n} participants."
        ),
        "subtotal": "Subtotal {provider}",
        "total": "Total",
        "online": "online or at own location",
        "o_course": "Course",
        "o_location": "Location",
        "o_dates": "Period",
        "o_participants": "Participants",
        "o_seats": "Seats",
        "o_price": "Price p.p.",
        "o_total": "Total",
        "h_enrolments": "Enrolments and why",
        "enrolments_text": (
            "Per enrolment: the vacancy the course leads to, the probability of a durable "
            "placement before and after the course, the expected gain (what the plan loses "
            "without this enrolment), the vacancies the course opens for this person and who "
            "else would qualify."
        ),
        "first_rows": "First {n} of {total} rows.",
        "full_list": "Every row is in {files}.",
        "e_candidate": "Candidate",
        "e_course": "Course",
        "e_dates": "Period",
        "e_cost": "Cost",
        "e_vacancy": "Leads to",
        "e_probability": "Probability before → after",
        "e_gain": "Expected gain",
        "e_unlocks": "Unlocks",
        "e_alternatives": "Alternatives",
        "unlocks_more": "({n} in all)",
        "no_vacancy": "no vacancy in the best assignment",
        "h_demand": "Demand in the horizon",
        "demand_text": (
            "Expected demand per occupation and per certificate until {end}, with an 80% "
            "interval: the actual demand is expected to fall inside it 8 times out of 10."
        ),
        "sources": "Sources used: {sources}.",
        "source_labels": {
            "open_vacancies": "open vacancies that start within the horizon (or have no start date)",
            "tender_calendar": "the tender calendar (SROI obligation converted into placements, weighted by the probability that the tender goes ahead)",
        },
        "no_arrivals": (
            "There is no model yet of new vacancies arriving during the horizon; demand is "
            "therefore more likely underestimated than overestimated."
        ),
        "h_demand_occupation": "By occupation",
        "h_demand_certificate": "By certificate",
        "h_tenders": "Tenders in the horizon",
        "d_occupation": "Occupation",
        "d_certificate": "Certificate",
        "d_open": "Open positions",
        "d_tenders": "From tenders",
        "d_expected": "Expected",
        "d_interval": "80% interval",
        "d_eligible": "Eligible now",
        "d_without": "Filled without training",
        "d_with": "Filled with plan",
        "t_tender": "Tender",
        "t_occupation": "Occupation",
        "t_start": "Expected start",
        "t_probability": "Probability it goes ahead",
        "t_total": "Placements if it goes ahead",
        "t_expected": "Expected in the horizon",
        "h_comparison": "Comparison with rules of thumb",
        "comparison_text": (
            "The same budget, courses and people, distributed in a simpler way. Every method "
            "is judged the same way: the best assignment of people to vacancies after the "
            "courses."
        ),
        "methods": {
            "optimal": "Optimal plan (this proposal)",
            "most_requested_nearest": "Most requested certificate, nearest people first",
            "near_misses_first": "Near misses first",
        },
        "methods_short": {
            "optimal": "Optimal plan",
            "most_requested_nearest": "Most requested, nearest",
            "near_misses_first": "Near misses first",
        },
        "c_method": "Method",
        "c_enrolments": "Enrolments",
        "c_spent": "Spent",
        "c_durable": "Expected durable placements",
        "c_gain": "Extra",
        "c_per_1000": "Extra per €1,000",
        "h_curve": "Return per euro at other budgets",
        "curve_text": (
            "Extra expected durable placements per €1,000 at a smaller and a larger budget, "
            "per method. The dotted line is this plan's budget."
        ),
        "h_supply": "Demand and supply per occupation",
        "supply_text": (
            "The {n} occupations with the largest expected demand: demand with its 80% "
            "interval beside the positions the best assignment fills without training and "
            "with this plan."
        ),
        "h_solver": "Run details",
        "s_status": "Solver status",
        "s_gap": "Gap",
        "s_size": "Size",
        "s_size_value": "{options} possible enrolments, {pairs} pairs now, {trained} pairs after training",
        "s_as_of": "Planning date",
        "s_horizon": "Horizon",
        "s_horizon_value": "{months} months, until {end}",
        "status": {
            "OPTIMAL": "optimal (proven: no better plan exists)",
            "FEASIBLE": "feasible plan; time limit reached, optimum not proven",
        },
        "rules": (
            "Assumptions: a person takes at most one course in the horizon and must be able "
            "to reach it; a course without a location can be taken from anywhere. Courses "
            "that give the same thing open the same vacancies."
        ),
        "none": "none",
        "footer": "Made with sroi-match. This is a proposal; a person decides.",
        "ch_curve_title": "Extra durable placements per €1,000, by budget",
        "ch_curve_x": "Budget",
        "ch_curve_y": "Extra durable placements per €1,000",
        "ch_budget": "This plan's budget",
        "ch_supply_title": "Demand and supply per occupation (top {n} by expected demand)",
        "ch_supply_x": "Positions",
        "ch_demand": "Expected demand (80% interval)",
        "ch_without": "Filled without training",
        "ch_with": "Filled with this plan",
        "ch_no_data": "No data",
        "alt_curve": "Line chart of extra durable placements per €1,000 against the budget, per method",
        "alt_supply": "Bar chart of expected demand with interval and filled positions per occupation",
    },
}

"""User-facing texts of shortlists, assignments and CLI output, in Dutch (default) and English.

One catalogue, looked up with :func:`text`; a missing Dutch or English entry is a bug that
``tests/test_i18n.py`` catches. Codes people would otherwise read raw (support needs and
instruments, mobility, target groups) are labelled with :func:`label`. Numbers, percentages and
units are formatted by :mod:`matching.texts.format`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

LANGS = ("nl", "en")

TEXTS: dict[str, dict[str, str]] = {
    # hard constraints (features.blocking.CONSTRAINTS)
    "constraint_candidate_available": {"nl": "kandidaat niet beschikbaar", "en": "candidate not available"},
    "constraint_vacancy_open": {"nl": "vacature niet open", "en": "vacancy not open"},
    "constraint_target_group_eligible": {"nl": "doelgroep telt niet mee voor dit project", "en": "target group does not count for this project"},
    "constraint_certificates_held": {"nl": "vereist certificaat ontbreekt", "en": "required certificate missing"},
    "constraint_within_reach": {"nl": "buiten reisbereik", "en": "beyond travel reach"},
    "constraint_available_in_time": {"nl": "niet op tijd beschikbaar", "en": "not available in time"},
    "constraint_hours_compatible": {"nl": "uren sluiten niet aan", "en": "hours do not fit"},
    # statuses
    "status_available": {"nl": "beschikbaar", "en": "available"},
    "status_placed": {"nl": "geplaatst", "en": "placed"},
    "status_inactive": {"nl": "inactief", "en": "inactive"},
    "status_open": {"nl": "open", "en": "open"},
    "status_filled": {"nl": "vervuld", "en": "filled"},
    "status_closed": {"nl": "gesloten", "en": "closed"},
    "vacancy_not_open": {"nl": "vacature {id} is {status}; een shortlist wordt alleen voor open vacatures gemaakt", "en": "vacancy {id} is {status}; shortlists are made for open vacancies only"},
    "candidate_not_available": {"nl": "kandidaat {id} is {status}; alleen beschikbare kandidaten krijgen vacatures voorgesteld", "en": "candidate {id} is {status}; vacancies are proposed to available candidates only"},
    # shortlist rendering
    "shortlist_title_vacancy": {"nl": "Shortlist voor vacature {id}: {title}", "en": "Shortlist for vacancy {id}: {title}"},
    "shortlist_title_candidate": {"nl": "Passende vacatures voor kandidaat {id}", "en": "Matching vacancies for candidate {id}"},
    "considered": {"nl": "{n} kandidaten bekeken in de hele regio; uitgesloten:", "en": "{n} candidates considered region-wide; excluded:"},
    "considered_candidate": {"nl": "{n} vacatures bekeken; uitgesloten:", "en": "{n} vacancies considered; excluded:"},
    "near_misses": {"nl": "Bijna-passend (één harde eis ontbreekt)", "en": "Near misses (one hard constraint fails)"},
    "no_rows": {"nl": "Geen passende kandidaten gevonden.", "en": "No suitable candidates found."},
    "human_decides": {"nl": "Dit is een voorstel; een mens beslist.", "en": "This is a proposal; a person decides."},
    "model_version": {"nl": "modelversie", "en": "model version"},
    "col_rank": {"nl": "#", "en": "#"},
    "col_candidate": {"nl": "kandidaat", "en": "candidate"},
    "col_vacancy": {"nl": "vacature", "en": "vacancy"},
    "col_probability": {"nl": "kans", "en": "prob."},
    "col_distance": {"nl": "afstand", "en": "distance"},
    "col_home": {"nl": "woonplaats", "en": "home"},
    "col_skills": {"nl": "vaardigh.", "en": "skills"},
    "col_certificates_missing": {"nl": "cert. ontbreekt", "en": "cert. missing"},
    "col_hours": {"nl": "uren", "en": "hours"},
    "col_support": {"nl": "onderst.", "en": "support"},
    "col_target_group": {"nl": "doelgroep", "en": "group"},
    "as_of_line": {"nl": "Peildatum uitkomsten", "en": "Outcomes judged on"},
    "history_line": {"nl": "{labelled} plaatsingen met bekende uitkomst, {censored} gecensureerd (horizon nog niet verstreken), {future_end_dates} einddata na de peildatum (geplande einden: toen nog in dienst), {starts_after_as_of} starts na de peildatum",
                     "en": "{labelled} placements with a known outcome, {censored} censored (horizon not yet passed), {future_end_dates} end dates after the reference date (planned ends: still employed then), {starts_after_as_of} starts after the reference date"},
    "sanity_warning": {"nl": "controle mislukt", "en": "sanity check failed"},
    "promotion_refused": {"nl": "Het model is niet actief gemaakt: het faalt de controles hierboven. Zoek de oorzaak (peildatum, kenmerken) of forceer met --force.",
                          "en": "The model was not made active: it fails the checks above. Find the cause (reference date, features) or force it with --force."},
    "col_sroi_value": {"nl": "SROI-waarde", "en": "SROI value"},
    "col_reasons": {"nl": "redenen", "en": "reasons"},
    "col_constraint": {"nl": "reden uitsluiting", "en": "excluded by"},
    "col_work": {"nl": "werkplaats", "en": "workplace"},
    "support_not_offered": {"nl": "gevraagde ondersteuning niet geboden", "en": "support needed but not offered"},
    "reasons_title": {"nl": "Redenen (+ voor, − tegen, → wat-als)", "en": "Reasons (+ for, − against, → what-if)"},
    "col_detail": {"nl": "wat ontbreekt", "en": "what fails"},
    "days_late": {"nl": "{days} dagen na de start beschikbaar", "en": "available {days} days after the start"},
    "day_late": {"nl": "{days} dag na de start beschikbaar", "en": "available {days} day after the start"},
    "km_beyond_reach": {"nl": "{distance} buiten bereik", "en": "{distance} beyond reach"},
    "beyond_reach_by": {"nl": "{distance} buiten bereik ({mobility}, max. {reach})", "en": "{distance} beyond reach ({mobility}, max. {reach})"},
    "hours_detail": {"nl": "kandidaat {candidate}, vacature {vacancy}", "en": "candidate {candidate}, vacancy {vacancy}"},
    "target_group": {"nl": "doelgroep", "en": "target group"},
    "candidate_subject": {"nl": "Doelgroep: {group}; vervoer: {mobility}", "en": "Target group: {group}; travel: {mobility}"},
    "and": {"nl": "en", "en": "and"},
    "note_skills_barely_predict": {
        "nl": "In de plaatsingshistorie voorspellen vaardigheden de duurzaamheid nauwelijks; de kans hangt vooral af van {top}. Een kandidaat zonder de gevraagde vaardigheden kan daardoor hoog staan: controleer de vaardigheden zelf.",
        "en": "In the placement history, skills barely predict durability; the chance depends mostly on {top}. A candidate without the requested skills can therefore rank high: check the skills yourself.",
    },
    "covered": {"nl": "aanwezig", "en": "covered"},
    "missing": {"nl": "ontbreekt", "en": "missing"},
    "none": {"nl": "geen", "en": "none"},
    "needs": {"nl": "nodig", "en": "needs"},
    "offered": {"nl": "geboden", "en": "offered"},
    # assignment
    "unfilled_no_eligible_candidate": {"nl": "geen kandidaat voldoet aan de harde eisen", "en": "no candidate meets the hard constraints"},
    "unfilled_all_below_threshold": {"nl": "alle passende kandidaten scoren onder de drempel", "en": "every eligible candidate scores below the threshold"},
    "unfilled_taken_by_better_matches": {"nl": "passende kandidaten zijn elders beter geplaatst", "en": "eligible candidates are better placed elsewhere"},
    "unassigned_no_pair": {"nl": "geen open vacature voldoet aan de harde eisen", "en": "no open vacancy meets the hard constraints"},
    "unassigned_below_threshold": {"nl": "alle passende vacatures scoren onder de drempel", "en": "every fitting vacancy scores below the threshold"},
    "unassigned_taken": {"nl": "beste alternatief {vacancy} ({pct}) ging naar een betere match", "en": "best alternative {vacancy} ({pct}) went to a better match"},
}


LABELS: dict[str, dict[str, dict[str, str]]] = {
    # matching.data.schema.SUPPORT_NEEDS (candidates' needs and employers' instruments)
    "support": {
        "jobcoach": {"nl": "jobcoach", "en": "job coach"},
        "workplace_adaptation": {"nl": "werkplekaanpassing", "en": "workplace adaptation"},
        "wage_subsidy": {"nl": "loonkostensubsidie", "en": "wage subsidy"},
        "structured_work": {"nl": "gestructureerde werkomgeving", "en": "structured work environment"},
        "part_time": {"nl": "deeltijdwerk", "en": "part-time work"},
        "no_risk_policy": {"nl": "no-riskpolis", "en": "no-risk policy"},
        "trial_placement": {"nl": "proefplaatsing", "en": "trial placement"},
        "language_support": {"nl": "taalondersteuning", "en": "language support"},
        "transport": {"nl": "vervoersvoorziening", "en": "transport provision"},
    },
    # matching.data.schema.MOBILITY
    "mobility": {
        "car": {"nl": "auto", "en": "car"},
        "public_transport": {"nl": "openbaar vervoer", "en": "public transport"},
        "bike": {"nl": "fiets", "en": "bicycle"},
        "none": {"nl": "lopend", "en": "on foot"},
    },
}
"""Labels of the codes people would otherwise read raw, per kind. Target groups are labelled
from the reference table (``features/reference/data/target_groups.csv``), see :func:`label`."""


@lru_cache(maxsize=2)
def _target_group_labels(lang: str) -> dict[str, str]:
    from matching.data import reference

    frame = reference.target_groups()
    column = "label_en" if lang == "en" else "label_nl"
    return {str(code): str(name) for code, name in zip(frame["code"], frame[column], strict=True)
            if isinstance(name, str) and name}


def label(kind: str, code: Any, lang: str = "nl") -> str:
    """The label of a ``support``, ``mobility`` or ``target_group`` code in ``lang``.

    An unknown code (a project's own target group, say) is shown as it is.

    Examples
    --------
    >>> label("support", "wage_subsidy"), label("support", "wage_subsidy", "en")
    ('loonkostensubsidie', 'wage subsidy')
    >>> label("target_group", "jongere_zonder_sk", "en")
    'Young person without basic qualification'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    if code is None or (isinstance(code, float) and code != code):
        return ""
    key = str(code)
    if kind == "target_group":
        return _target_group_labels(lang).get(key, key)
    entry = LABELS[kind].get(key)
    return entry[lang] if entry else key


def labels(kind: str, codes: Any, lang: str = "nl") -> list[str]:
    """:func:`label` of each code of a list (``None`` gives an empty list)."""
    return [label(kind, c, lang) for c in (codes or ())]


def text(key: str, lang: str = "nl", **kwargs: Any) -> str:
    """The text ``key`` in ``lang`` (``nl`` or ``en``), formatted with ``kwargs``.

    Examples
    --------
    >>> text("constraint_within_reach", "en")
    'beyond travel reach'
    """
    entry = TEXTS[key]
    template = entry.get(lang) or entry["nl"]
    return template.format(**kwargs) if kwargs else template

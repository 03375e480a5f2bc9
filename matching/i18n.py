"""User-facing texts of shortlists, assignments and CLI output, in Dutch (default) and English.

One catalogue, looked up with :func:`text`; a missing Dutch or English entry is a bug that
``tests/test_i18n.py`` catches.
"""

from __future__ import annotations

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
    "col_distance": {"nl": "km", "en": "km"},
    "col_home": {"nl": "woonplaats", "en": "home"},
    "col_skills": {"nl": "vaardigh.", "en": "skills"},
    "col_certificates_missing": {"nl": "cert. ontbreekt", "en": "cert. missing"},
    "col_hours": {"nl": "uren", "en": "hours"},
    "col_support": {"nl": "onderst.", "en": "support"},
    "col_target_group": {"nl": "doelgroep", "en": "group"},
    "col_sroi_value": {"nl": "SROI-waarde", "en": "SROI value"},
    "col_reasons": {"nl": "redenen", "en": "reasons"},
    "col_constraint": {"nl": "reden uitsluiting", "en": "excluded by"},
    "col_work": {"nl": "werkplaats", "en": "workplace"},
    "support_not_offered": {"nl": "gevraagde ondersteuning niet geboden", "en": "support needed but not offered"},
    "reasons_title": {"nl": "Redenen (+ voor, − tegen, → wat-als)", "en": "Reasons (+ for, − against, → what-if)"},
    "col_detail": {"nl": "wat ontbreekt", "en": "what fails"},
    "days_late": {"nl": "{days} dagen na de start beschikbaar", "en": "available {days} days after the start"},
    "km_beyond_reach": {"nl": "{km} km buiten bereik", "en": "{km} km beyond reach"},
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
    "unassigned_taken": {"nl": "beste alternatief {vacancy} ({pct}%) ging naar een betere match", "en": "best alternative {vacancy} ({pct}%) went to a better match"},
}


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

"""The account manager's pages: vacancies, a vacancy's shortlist, a candidate, decisions.

No matching logic and no role rule here: the views call :mod:`matching.web.services` (and
``services_extra``), which check the role rules, mask what a role may not see and write the
audit log. The templates render only what those functions return.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from matching.core.errors import DataError, ModelError, UnknownIdError
from matching.texts.pages import page_text
from matching.web import services, services_extra
from matching.web.permissions import Action, allowed
from matching.web.store import municipality_name

SHORTLIST_TOP = 10
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_FILTERS = ("project", "municipality", "occupation", "start_from", "start_to")
PERSONAL_SHOWN = ("postcode", "municipality_code", "status", "available_from", "target_group",
                  "benefit_months", "occupations", "skills", "certificates", "education_level",
                  "dutch_level", "hours_per_week", "mobility", "max_travel_km", "support_needs",
                  "birth_year")
"""The personal details the candidate page shows (when the service hands them out)."""
_ERROR_TEXTS = {"reason": "am_error_reason", "start_date": "am_error_start_date",
                "start_to": "am_error_start_to", "proposal": "am_error_proposal",
                "decision": "am_error_decision"}


def _lang(request: HttpRequest) -> str:
    return getattr(request, "LANGUAGE_CODE", "nl")


def _field_errors(errors: dict[str, str], lang: str) -> dict[str, str]:
    """The service's field errors in the page's language (its own text when not known)."""
    return {field: page_text(_ERROR_TEXTS[field], lang) if field in _ERROR_TEXTS else text
            for field, text in errors.items()}


def _message(request: HttpRequest, title_key: str, text: str, status: int) -> HttpResponse:
    return render(request, "pages/am_message.html", {"title_key": title_key, "text": text},
                  status=status)


def _unknown(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _message(request, "am_unknown_title", str(exc), 404)


def _data_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _message(request, "am_data_error_title", str(exc), 422)


def _model_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _message(request, "am_model_error_title", str(exc), 503)


_LABELLED = {"target_group": "target_group", "mobility": "mobility",
             "support_needs": "support"}


def _shown(key: str, value: Any, lang: str) -> str:
    """A detail as a person reads it: codes as their labels (target group, status, …)."""
    from matching.texts.i18n import TEXTS, label, labels

    if key in _LABELLED:
        value = (labels(_LABELLED[key], value, lang) if isinstance(value, list | tuple)
                 else label(_LABELLED[key], value, lang))
    elif key == "status" and f"status_{value}" in TEXTS:
        value = TEXTS[f"status_{value}"][lang]
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value) or "–"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------- vacancies


@login_required
@require_GET
def vacancies(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    values = {name: (request.GET.get(name) or "").strip()[:100] for name in _FILTERS}
    errors: dict[str, str] = {}
    for name in ("start_from", "start_to"):
        if values[name] and _date(values[name]) is None:
            errors[name] = page_text("am_error_date_format", lang)
    everything = services_extra.list_vacancies(request.user, limit=100_000)["vacancies"]
    result: dict[str, Any] = {"count": 0, "vacancies": []}
    if not errors:
        try:
            result = services_extra.list_vacancies(
                request.user, project=values["project"] or None,
                municipality=values["municipality"] or None,
                occupation=values["occupation"] or None,
                start_from=_date(values["start_from"]), start_to=_date(values["start_to"]))
        except services.FieldError as exc:
            errors = _field_errors(exc.errors, lang)
    projects = sorted({v["project_id"] for v in everything if v["project_id"]})
    municipalities = sorted(
        {(v["municipality_code"], municipality_name(v["municipality_code"]) or "")
         for v in everything if v["municipality_code"]}, key=lambda pair: (pair[1], pair[0]))
    names = dict(municipalities)
    rows = [{**v, "municipality_name": names.get(v["municipality_code"], "")}
            for v in result["vacancies"]]
    context = {"values": values, "errors": errors, "count": result["count"], "rows": rows,
               "projects": projects, "municipalities": municipalities,
               "filtered": any(values.values())}
    return render(request, "pages/am_vacancies.html", context,
                  status=422 if errors else 200)


def _vacancy_page(request: HttpRequest, vacancy_id: str,
                  decision_errors: dict[int, dict[str, Any]] | None = None) -> HttpResponse:
    if not _ID.match(vacancy_id):
        return _unknown(request, UnknownIdError("vacancy", vacancy_id[:100], []))
    try:
        shortlist = services.shortlist_for_vacancy(request.user, vacancy_id, top=SHORTLIST_TOP,
                                                   lang=_lang(request))
    except UnknownIdError as exc:
        return _unknown(request, exc)
    except DataError as exc:
        return _data_error(request, exc)
    except ModelError as exc:
        return _model_error(request, exc)
    decision_errors = decision_errors or {}
    for row in shortlist["shortlist"]:
        row["form"] = decision_errors.get(row.get("proposal_id"), {})
    # the decision forms only for a role the rules let decide (the service checks it again)
    context = {"vacancy_id": vacancy_id, "shortlist": shortlist,
               "subject": shortlist.get("subject") or {},
               "can_decide": allowed(request.user, Action.DECIDE_SHORTLIST)}
    return render(request, "pages/am_vacancy.html", context,
                  status=422 if decision_errors else 200)


@login_required
@require_GET
def vacancy(request: HttpRequest, vacancy_id: str) -> HttpResponse:
    return _vacancy_page(request, vacancy_id)


# ----------------------------------------------------------------------------- candidates


@login_required
@require_GET
def candidate(request: HttpRequest, candidate_id: str) -> HttpResponse:
    if not _ID.match(candidate_id):
        return _unknown(request, UnknownIdError("candidate", candidate_id[:100], []))
    try:
        # the shortlist first: it is what a role without the account manager's pages is
        # denied, before any candidate detail is read
        fitting = services.shortlist_for_candidate(request.user, candidate_id,
                                                   top=SHORTLIST_TOP, lang=_lang(request))
        details = services.candidate_details(request.user, candidate_id)
    except UnknownIdError as exc:
        return _unknown(request, exc)
    except DataError as exc:
        return _data_error(request, exc)
    except ModelError as exc:
        return _model_error(request, exc)
    personal = [(key, _shown(key, details.get(key), request.LANGUAGE_CODE))
                for key in PERSONAL_SHOWN
                if details.get("personal_details") and details.get(key) not in (None, "", [])]
    return render(request, "pages/am_candidate.html",
                  {"candidate_id": candidate_id, "details": details, "fitting": fitting,
                   "personal": personal})


# ----------------------------------------------------------------------------- decisions


@login_required
@require_POST
def decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Accept (with a start date) or reject (with a reason) one proposal.

    With htmx the response is the row's decision cell; without, a redirect back to the
    vacancy (or the vacancy page with the field error next to the field).
    """
    lang = _lang(request)
    decision = request.POST.get("decision", "")
    reason = (request.POST.get("reason") or "").strip()[:500]
    start_text = (request.POST.get("start_date") or "").strip()
    vacancy_id = (request.POST.get("vacancy") or "").strip()
    vacancy_id = vacancy_id if _ID.match(vacancy_id) else ""
    candidate_id = (request.POST.get("candidate") or "").strip()
    candidate_id = candidate_id if _ID.match(candidate_id) else ""
    form = {"decision": decision, "reason": reason, "start_date": start_text, "errors": {}}
    start_date = _date(start_text)
    try:
        result = services.decide(request.user, proposal_id, decision, reason=reason,
                                 start_date=start_date)
    except services.FieldError as exc:
        errors = _field_errors(exc.errors, lang)
        if "start_date" in errors and start_text and start_date is None:
            errors["start_date"] = page_text("am_error_date_format", lang)
        form["errors"] = errors
        if request.htmx:
            # 200: htmx swaps only successful responses in; the errors are in the cell
            return render(request, "pages/am__decision.html",
                          {"row": {"proposal_id": proposal_id, "proposal_status": "open",
                                   "candidate_id": candidate_id, "personal_details": True,
                                   "form": form},
                           "vacancy_id": vacancy_id, "can_decide": True})
        if vacancy_id:
            return _vacancy_page(request, vacancy_id, {proposal_id: form})
        return _message(request, "am_data_error_title",
                        " ".join(errors.values()), 422)
    except UnknownIdError as exc:
        return _unknown(request, exc)
    except services.NotFound as exc:
        return _unknown(request, exc)
    except DataError as exc:
        return _data_error(request, exc)
    except ModelError as exc:
        return _model_error(request, exc)
    if request.htmx:
        return render(request, "pages/am__decision.html",
                      {"row": {"proposal_id": result.proposal_id, "candidate_id": candidate_id,
                               "proposal_status": result.status, "personal_details": True,
                               "form": {}, "decided": True, "reason": reason,
                               "placement_id": result.placement_id,
                               "withdrawn": result.withdrawn},
                       "vacancy_id": vacancy_id})
    target = reverse("vacancy", args=[vacancy_id]) if vacancy_id else reverse("vacancies")
    return HttpResponseRedirect(f"{target}#decision-{result.proposal_id}")

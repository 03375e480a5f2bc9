"""The administrator's pages: users and roles, imports by upload, the audit log (issue 15, 5).

No role rule lives here: the service functions ask :func:`matching.web.permissions.require`
(``add_user`` does not, so the users page asks it first, for ``MANAGE_USERS``), validate
field by field and write the audit entries.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from matching.core.errors import ValidationError
from matching.core.tables import csv_text
from matching.web import audit, permissions, services, services_extra
from matching.web.models import Role, User
from matching.web.store import problem_dict

PAGE_SIZE = 50
MAX_PAGE = 200  # the page reads the newest PAGE_SIZE * page entries: keep that bounded
CSV_LIMIT = 50_000
CSV_COLUMNS = ("seq", "at", "actor", "role", "action", "outcome", "subjects", "model_version",
               "input_sha256", "detail", "hash")
ROLES = tuple(Role.values)


def _organisations(text: str) -> list[str]:
    return [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part.strip()]


# ----------------------------------------------------------------------------- users


@login_required
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    """The users with their roles and organisations, and a form that adds one."""
    permissions.require(request.user, permissions.Action.MANAGE_USERS, subjects=("users",))
    errors: dict[str, str] = {}
    form = {"name": "", "role": "", "organisations": ""}
    status = 200
    if request.method == "POST":
        form = {"name": request.POST.get("name", "").strip(),
                "role": request.POST.get("role", ""),
                "organisations": request.POST.get("organisations", "")}
        try:
            services.add_user(form["name"], form["role"], request.POST.get("password", ""),
                              _organisations(form["organisations"]),
                              actor=request.user.username,
                              actor_role=permissions.role_of(request.user))
        except services.FieldError as exc:
            errors = exc.errors
            status = 422
        else:
            return HttpResponseRedirect(f"{reverse('users')}?{urlencode({'added': form['name']})}")
    rows = [{"name": u.username, "role_key": f"role_{u.role}" if u.role in ROLES else "ad_no_role",
             "organisations": ", ".join(u.organisations or []), "active": u.is_active,
             "last_login": u.last_login}
            for u in User.objects.order_by("username")]
    return render(request, "pages/ad_users.html", {
        "rows": rows, "form": form,
        "roles": [{"value": r, "label": f"role_{r}"} for r in ROLES],
        "fields": _user_fields(form, errors),
        "errors": [{"field": _FIELD_OF.get(k, "name"), "key": _error_key(k)} for k in errors],
        "added": request.GET.get("added", "")[:150] if request.method == "GET" else "",
    }, status=status)


_FIELD_OF = {"organisation": "organisations"}
_USER_FIELDS = (  # name, label, help, input type, autocomplete, required
    ("name", "ad_field_name", "ad_help_name", "text", "off", True),
    ("role", "ad_field_role", "", "select", "off", True),
    ("password", "ad_field_password", "ad_help_password", "password", "new-password", True),
    ("organisations", "ad_field_organisations", "ad_help_organisations", "text", "off", False),
)


def _error_key(service_field: str) -> str:
    known = ("name", "role", "password", "organisation")
    return f"ad_error_{service_field}" if service_field in known else "ad_error_other"


def _user_fields(form: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    by_field = {_FIELD_OF.get(k, k if k in form or k == "password" else "name"):
                {"key": _error_key(k), "detail": v} for k, v in errors.items()}
    fields = []
    for name, label, help_key, kind, autocomplete, required in _USER_FIELDS:
        error = by_field.get(name)
        described = " ".join(x for x in (f"help_{name}" if help_key else "",
                                         f"error_{name}" if error else "") if x)
        fields.append({"name": name, "label": label, "help": help_key, "type": kind,
                       "autocomplete": autocomplete, "required": required,
                       "value": form.get(name, ""), "error": error, "described": described})
    return fields


# ----------------------------------------------------------------------------- imports


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    """Upload the files of one export; every problem per file, row, column, value and rule."""
    context: dict[str, Any] = {"errors": {}, "problems": [], "outcome": None}
    status = 200
    if request.method == "POST":
        try:
            outcome = services_extra.import_upload(request.user, request.FILES.getlist("files"))
        except services.FieldError as exc:
            context["errors"] = exc.errors
            status = 422
        except ValidationError as exc:
            problems = [problem_dict(p) for p in exc.problems]
            context["problems"] = sorted(problems, key=lambda p: (p["severity"] != "error",
                                                                 str(p["file"] or ""),
                                                                 p["row"] or 0))
            context["error_count"] = sum(p["severity"] == "error" for p in problems)
            status = 422
        else:
            context["outcome"] = outcome
    context["imports"] = services_extra.list_imports(request.user, limit=20)
    return render(request, "pages/ad_imports.html", context, status=status)


# ----------------------------------------------------------------------------- audit log


def _day(value: str, name: str, errors: dict[str, str], *, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors[name] = "ad_error_date"
        return None
    if not 1900 <= day.year <= 9000:
        errors[name] = "ad_error_date"
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """The filters as typed, as the service takes them, and the field errors (text keys)."""
    typed = {k: request.GET.get(k, "").strip()[:150] for k in ("action", "actor", "since", "until")}
    errors: dict[str, str] = {}
    if typed["action"] and typed["action"] not in audit.ACTIONS:
        errors["action"] = "ad_error_action"
    since = _day(typed["since"], "since", errors)
    until = _day(typed["until"], "until", errors, end=True)
    if since and until and since > until:
        errors["until"] = "ad_error_until"
    clean = {"action": typed["action"] or None, "actor": typed["actor"] or None,
             "since": since, "until": until}
    return typed, clean, errors


def _page_number(value: str) -> int:
    try:
        return min(max(int(value), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


@login_required
@require_http_methods(["GET"])
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filtered by action, actor and period; 50 a page."""
    typed, clean, errors = _filters(request)
    page = _page_number(request.GET.get("page", "1"))
    entries: list[dict[str, Any]] = []
    count = 0
    status = 200
    if errors:
        # Still ask the service (it checks the role and logs the reading), without filters.
        services_extra.audit_entries(request.user, limit=1)
        status = 422
    else:
        try:
            result = services_extra.audit_entries(request.user, limit=PAGE_SIZE * page, **clean)
        except services.FieldError as exc:
            errors = {k: "ad_error_filter" for k in exc.errors}
            status = 422
        else:
            count = result["count"]
            entries = result["entries"][PAGE_SIZE * (page - 1):]
    for entry in entries:
        entry["subjects_text"] = ", ".join(entry["subjects"] or [])
        entry["detail_text"] = json.dumps(entry["detail"], ensure_ascii=False, sort_keys=True,
                                          default=str) if entry["detail"] else ""
    pages = min(max((count + PAGE_SIZE - 1) // PAGE_SIZE, 1), MAX_PAGE)
    query = {k: v for k, v in typed.items() if v}

    def link(number: int) -> str:
        return "?" + urlencode({**query, "page": number})

    return render(request, "pages/ad_audit.html", {
        "entries": entries, "count": count, "page": page, "pages": pages, "typed": typed,
        "errors": errors, "actions": sorted(audit.ACTIONS),
        "previous_url": link(page - 1) if page > 1 else "",
        "next_url": link(page + 1) if page < pages else "",
        "csv_url": reverse("audit_csv") + ("?" + urlencode(query) if query else ""),
    }, status=status)


@login_required
@require_http_methods(["GET"])
def audit_csv(request: HttpRequest) -> HttpResponse:
    """The filtered audit log as CSV, inert in a spreadsheet (the reading is an entry)."""
    _, clean, errors = _filters(request)
    if errors:
        services_extra.audit_entries(request.user, limit=1)  # the role check
        return HttpResponseRedirect(reverse("audit") + "?" + request.GET.urlencode())
    result = services_extra.audit_entries(request.user, limit=CSV_LIMIT, **clean)
    rows = [{"seq": e["seq"], "at": e["at"].isoformat(), "actor": e["actor"], "role": e["role"],
             "action": e["action"], "outcome": e["outcome"],
             "subjects": " ".join(e["subjects"] or []), "model_version": e["model_version"],
             "input_sha256": e["input_sha256"],
             "detail": json.dumps(e["detail"], ensure_ascii=False, sort_keys=True, default=str)
             if e["detail"] else "",
             "hash": e["hash"]} for e in result["entries"]]
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS)).astype(
        {c: object for c in CSV_COLUMNS if c != "seq"})
    body = csv_text(frame, for_excel=True, lineterminator="\r\n")
    response = HttpResponse(body.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

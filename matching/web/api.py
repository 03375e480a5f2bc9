"""HTTP API under /api/v1/ (django-ninja); the schema is at /api/v1/openapi.json.

Every request carries ``Authorization: Bearer TOKEN`` (``sroi-match users token NAME``). The
handlers only translate HTTP to the service functions (:mod:`matching.web.services`,
:mod:`matching.web.services_extra`, :mod:`matching.web.runs`), which check the role rules,
write the audit log and strip what a role may not see.

Every error answer is one JSON shape (:class:`~matching.web.api_schemas.Error`):
``{"detail": "...", "errors": {field: message}}`` for bad input (400, 422), ``{"detail":
"...", "problems": [...]}`` for a rejected import (422), ``{"detail": "..."}`` for 401, 403
(the denial is in the audit log), 404 and 409 (no active model, the registry is busy).
"""

from __future__ import annotations

import logging
import mimetypes
from datetime import UTC, date, datetime
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import register_converter
from ninja import File, NinjaAPI, Path, Query, UploadedFile
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from matching.core.errors import (
    DataError,
    ModelError,
    SroiMatchError,
    UnknownIdError,
    ValidationError,
)
from matching.core.folders import LockHeldError
from matching.web import services, services_extra
from matching.web.api_schemas import (
    FILE_NAME,
    ID,
    MAX_PK,
    MODEL_VERSION,
    PLACEMENT_ID,
    TEXT,
    ApproveIn,
    AuditList,
    DecisionIn,
    DecisionOut,
    Error,
    ImportOut,
    ImportRecord,
    Loose,
    Me,
    ModelInfo,
    OutcomeIn,
    PlacementOut,
    PromoteIn,
    PromoteOut,
    RunIn,
    RunOut,
    VacancyList,
)
from matching.web.permissions import Action, Denied, allowed
from matching.web.store import problem_dict

log = logging.getLogger(__name__)


class _AnyPath:
    """Like Django's ``path`` converter, but any character (a newline too): a file name the
    pattern refuses is answered 422 by the API, not 404 by the URL resolver."""

    regex = "(?s:.+)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_AnyPath, "anypath")


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN`` → the token's active user (else 401)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.authenticate_token(token.strip())
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(title="sroi-match", version="1", openapi_url="/openapi.json", docs_url=None,
               auth=BearerToken(),
               description="Matching job candidates to SROI vacancies. Every error answer is "
                           "an `Error`: `detail`, and per field `errors` for bad input or "
                           "`problems` for a rejected import.")


# ----------------------------------------------------------------------------- errors


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def _field(loc: Any) -> str:
    parts = [str(p) for p in (loc or ())]
    if parts and parts[0] in ("body", "form", "file") and len(parts) > 2:
        parts = parts[2:]  # ("body", "payload", "reason") → "reason"
    elif parts and parts[0] in ("query", "path", "header", "cookie", "body", "form", "file"):
        parts = parts[1:]
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for item in exc.errors:
        errors.setdefault(_field(item.get("loc")), str(item.get("msg", "invalid")))
    return _error(request, 422, "invalid input", errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "a valid API token is needed (Authorization: Bearer TOKEN)")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return _error(request, 400, str(exc), errors={"body": str(exc)})
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "not found")


@api.exception_handler(Denied)
def _denied(request: HttpRequest, exc: Denied) -> HttpResponse:
    return _error(request, 403, str(exc) or "not allowed for your role")


@api.exception_handler(services.FieldError)
def _field_error(request: HttpRequest, exc: services.FieldError) -> HttpResponse:
    return _error(request, 422, "invalid input", errors=exc.errors)


@api.exception_handler(ValidationError)
def _contract(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [problem_dict(p) for p in exc.problems]
    return _error(request, 422, str(exc), problems=problems,
                  errors={"files": f"{sum(p['severity'] == 'error' for p in problems)} "
                                   "error(s) in the export; nothing was imported"})


@api.exception_handler(services.NotFound)
def _not_found(request: HttpRequest, exc: services.NotFound) -> HttpResponse:
    return _error(request, 404, str(exc))


@api.exception_handler(UnknownIdError)
def _unknown(request: HttpRequest, exc: UnknownIdError) -> HttpResponse:
    return _error(request, 404, str(exc))


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    return _error(request, 422, str(exc), errors={"request": str(exc)})


@api.exception_handler(ModelError)
def _model_error(request: HttpRequest, exc: ModelError) -> HttpResponse:
    return _error(request, 409, str(exc))


@api.exception_handler(LockHeldError)
def _busy(request: HttpRequest, exc: LockHeldError) -> HttpResponse:
    return _error(request, 409, str(exc))


@api.exception_handler(SroiMatchError)
def _conflict(request: HttpRequest, exc: SroiMatchError) -> HttpResponse:
    log.warning("API %s %s: %s", request.method, request.path, type(exc).__name__)
    return _error(request, 409, str(exc))


def _r(ok: Any, *codes: int) -> dict[int, Any]:
    """The responses of an operation: ``ok`` with 200 and :class:`Error` with ``codes``."""
    return {200: ok, **{code: Error for code in sorted(codes)}}


READ = (401, 403, 422)
LOOKUP = (401, 403, 404, 409, 422)
WRITE = (400, 401, 403, 404, 409, 422)

Id = Path(..., pattern=ID, max_length=100)
Pk = Path(..., ge=1, le=MAX_PK)
Files = File(...)


def _user(request: HttpRequest) -> Any:
    return request.auth


def _runs() -> Any:
    from matching.web import runs

    return runs


def _run_out(run: Any) -> dict[str, Any]:
    return {"id": run.pk, "kind": run.kind, "status": run.status, "stage": run.stage,
            "progress": float(run.progress), "created_by": run.created_by,
            "created_at": run.created_at.isoformat() if run.created_at else None,
            "cancel_requested": run.cancel_requested}


# ----------------------------------------------------------------------------- who


@api.get("/me", response=_r(Me, 401), tags=["account"], summary="The token's user")
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {"username": user.username, "role": user.role,
            "organisations": [str(o) for o in user.organisations or []],
            "actions": [a.value for a in Action if allowed(user, a)]}


# ----------------------------------------------------------------------------- vacancies


@api.get("/vacancies", response=_r(VacancyList, 401, 403, 409, 422), tags=["vacancies"],
         summary="Vacancies (open by default), filtered")
def vacancies(request: HttpRequest,
              project: str | None = Query(None, pattern=ID, max_length=100),
              municipality: str | None = Query(None, pattern=r"^[A-Za-z0-9]{1,10}$"),
              occupation: str | None = Query(None, pattern=TEXT, max_length=100),
              start_from: date | None = None, start_to: date | None = None,
              status: Literal["open", "filled", "closed", "all"] = "open",
              limit: int = Query(500, ge=1, le=5000)) -> dict[str, Any]:
    return services_extra.list_vacancies(
        _user(request), project=project, municipality=municipality, occupation=occupation,
        start_from=start_from, start_to=start_to, status=None if status == "all" else status,
        limit=limit)


@api.get("/vacancies/{vacancy_id}/shortlist", response=_r(Loose, *LOOKUP), tags=["vacancies"],
         summary="The open shortlist of a vacancy (candidates as your role may see them)")
def vacancy_shortlist(request: HttpRequest, vacancy_id: str = Id,
                      top: int = Query(10, ge=1, le=100),
                      lang: Literal["nl", "en"] = "nl") -> dict[str, Any]:
    return services.shortlist_for_vacancy(_user(request), vacancy_id, top=top, lang=lang)


# ----------------------------------------------------------------------------- candidates


@api.get("/candidates/{candidate_id}", response=_r(Loose, *LOOKUP), tags=["candidates"],
         summary="A candidate as your role may see them")
def candidate(request: HttpRequest, candidate_id: str = Id) -> dict[str, Any]:
    return services.candidate_details(_user(request), candidate_id)


@api.get("/candidates/{candidate_id}/shortlist", response=_r(Loose, *LOOKUP),
         tags=["candidates"], summary="Open vacancies that fit a candidate")
def candidate_shortlist(request: HttpRequest, candidate_id: str = Id,
                        top: int = Query(10, ge=1, le=100),
                        lang: Literal["nl", "en"] = "nl") -> dict[str, Any]:
    return services.shortlist_for_candidate(_user(request), candidate_id, top=top, lang=lang)


# ----------------------------------------------------------------------------- runs


@api.post("/runs", response=_r(RunOut, *WRITE), tags=["runs"],
          summary="Queue a regional assignment (coordinators) or a training (analysts)")
def start_run(request: HttpRequest, payload: RunIn) -> dict[str, Any]:
    run = _runs().start_run(_user(request), payload.kind, payload.params)
    return _run_out(run)


@api.get("/runs/{run_id}", response=_r(RunOut, *LOOKUP), tags=["runs"],
         summary="Where a run is")
def run_status(request: HttpRequest, run_id: int = Pk) -> dict[str, Any]:
    return _runs().run_status(_user(request), run_id)


@api.post("/runs/{run_id}/cancel", response=_r(RunOut, *WRITE), tags=["runs"],
          summary="Cancel a queued or running run")
def cancel_run(request: HttpRequest, run_id: int = Pk) -> dict[str, Any]:
    return _run_out(_runs().cancel_run(_user(request), run_id))


@api.get("/runs/{run_id}/proposals", response=_r(list[Loose], *LOOKUP), tags=["runs"],
         summary="The proposals of an assignment run")
def run_proposals(request: HttpRequest, run_id: int = Pk) -> list[dict[str, Any]]:
    return _runs().run_proposals(_user(request), run_id)


@api.post("/runs/{run_id}/approve", response=_r(Loose, *WRITE), tags=["runs"],
          summary="Accept a done run's proposals (all open ones, or those listed)")
def approve_run(request: HttpRequest, payload: ApproveIn, run_id: int = Pk) -> dict[str, Any]:
    return _runs().approve_run(_user(request), run_id, payload.proposal_ids,
                               payload.start_date)


@api.get("/runs/{run_id}/files/{anypath:name}", response={code: Error for code in LOOKUP},
         tags=["runs"], summary="A report file of a finished assignment run",
         openapi_extra={"responses": {"200": {
             "description": "The file",
             "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                  "format": "binary"}}}}}})
def run_file(request: HttpRequest, run_id: int = Pk,
             name: str = Path(..., pattern=FILE_NAME, max_length=200)) -> HttpResponse:
    path = _runs().run_file(_user(request), run_id, name)
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name,
                        content_type=kind)


# ----------------------------------------------------------------------------- decisions


@api.post("/proposals/{proposal_id}/decision", response=_r(DecisionOut, *WRITE),
          tags=["decisions"], summary="Accept (a placement) or reject (with a reason)")
def decision(request: HttpRequest, payload: DecisionIn, proposal_id: int = Pk) -> Any:
    result = services.decide(_user(request), proposal_id, payload.decision,
                             reason=payload.reason, start_date=payload.start_date,
                             hours_per_week=payload.hours_per_week)
    return {"proposal_id": result.proposal_id, "status": result.status,
            "placement_id": result.placement_id, "withdrawn": result.withdrawn}


@api.post("/placements/{placement_id}/outcome", response=_r(PlacementOut, *WRITE),
          tags=["decisions"], summary="How a placement went")
def outcome(request: HttpRequest, payload: OutcomeIn,
            placement_id: str = Path(..., pattern=PLACEMENT_ID)) -> dict[str, Any]:
    placement = services.record_outcome(_user(request), placement_id, status=payload.status,
                                        end_date=payload.end_date, reason=payload.reason)
    return {"placement_id": placement.placement_id, "candidate_id": placement.candidate_id,
            "vacancy_id": placement.vacancy_id, "start_date": placement.start_date,
            "hours_per_week": placement.hours_per_week, "status": placement.status,
            "end_date": placement.end_date, "end_reason": placement.end_reason}


# ----------------------------------------------------------------------------- imports


@api.post("/imports", response=_r(ImportOut, 400, 401, 403, 409, 422), tags=["imports"],
          summary="Import the files of one export (all or nothing; 422 lists every problem)")
def upload(request: HttpRequest, files: list[UploadedFile] = Files) -> dict[str, Any]:
    result = services_extra.import_upload(_user(request), list(files))
    return {"import_id": result.import_id, "status": result.status, "counts": result.counts,
            "files": result.files, "warnings": [str(w) for w in result.warnings]}


@api.get("/imports", response=_r(list[ImportRecord], *READ), tags=["imports"],
         summary="The latest imports (administrators)")
def imports(request: HttpRequest, limit: int = Query(100, ge=1, le=1000)) -> Any:
    return services_extra.list_imports(_user(request), limit=limit)


# ----------------------------------------------------------------------------- models


@api.get("/models", response=_r(list[ModelInfo], 401, 403, 409), tags=["models"],
         summary="Registered model versions")
def models(request: HttpRequest) -> Any:
    return services_extra.list_models(_user(request))


@api.post("/models/{version}/promote", response=_r(PromoteOut, *WRITE), tags=["models"],
          summary="Make a model version the active one (analysts; a reason is required)")
def promote(request: HttpRequest, payload: PromoteIn,
            version: str = Path(..., pattern=MODEL_VERSION, max_length=40)) -> Any:
    return services_extra.promote_model(_user(request), version, payload.reason)


# ----------------------------------------------------------------------------- audit


def _utc(value: datetime | None, field: str) -> datetime | None:
    """A time as UTC (naive times are UTC); databases keep only so much of the calendar."""
    if value is None:
        return None
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise services.FieldError({field: "a time between the years 1 and 9999"}) from None
    if not 1900 <= value.year <= 9000:
        raise services.FieldError({field: "a time between the years 1900 and 9000"})
    return value


@api.get("/audit", response=_r(AuditList, *READ), tags=["audit"],
         summary="Audit log entries, newest first (administrators)")
def audit_log(request: HttpRequest,
              action: str | None = Query(None, pattern=r"^[a-z_]{1,40}$"),
              actor: str | None = Query(None, pattern=r"^[\w.@+-]{1,150}$"),
              since: datetime | None = None, until: datetime | None = None,
              limit: int = Query(100, ge=1, le=1000)) -> Any:
    return services_extra.audit_entries(_user(request), action=action, actor=actor,
                                        since=_utc(since, "since"), until=_utc(until, "until"),
                                        limit=limit)

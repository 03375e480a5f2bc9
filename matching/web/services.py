"""What the service does for its users, shared by the API, the pages and the command line.

Each function checks the role rule first (:mod:`matching.web.permissions`), calls the
workflows for anything that matches or scores, persists what a person must decide on, and
writes the audit entry. No matching logic here: ranking, exposure-cap filtering and
explanations are :class:`matching.workflows.shortlist.Matcher`'s.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from matching.core.errors import DataError, UnknownIdError
from matching.web import audit, engine
from matching.web.models import ApiToken, Placement, Proposal, Role, Shortlist, User
from matching.web.permissions import (
    Action,
    allowed,
    candidate_view,
    require,
    require_candidate,
    role_of,
    sees_personal,
    shortlist_view,
)

__all__ = ["FieldError", "add_user", "authenticate_token", "candidate_details", "decide",
           "issue_token", "record_outcome", "shortlist_for_candidate", "shortlist_for_vacancy"]

_ORGANISATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,49}$")


class FieldError(DataError):
    """Bad input to a service call, per field (HTTP 422 with ``errors``)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class NotFound(DataError):
    """A record that does not exist (HTTP 404)."""


# ----------------------------------------------------------------------------- users


def add_user(name: str, role: str, password: str, organisations: list[str] | tuple[str, ...] = (),
             *, actor: str = "cli", actor_role: str = "admin") -> User:
    """Create a user; the password must pass Django's validators."""
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = f"unknown role {role!r}; one of {', '.join(Role.values)}"
    if not re.fullmatch(r"[\w.@+-]{1,150}", name or ""):
        errors["name"] = "letters, digits and @.+-_ only, at most 150 characters"
    elif User.objects.filter(username=name).exists():
        errors["name"] = f"a user {name!r} exists already"
    orgs = [o.strip().upper() if o.strip().upper().startswith("GM") else o.strip()
            for o in organisations if o.strip()]
    bad = [o for o in orgs if not _ORGANISATION.match(o)]
    if bad:
        errors["organisation"] = f"not an organisation code: {', '.join(bad)}"
    if role == Role.ACCOUNT_MANAGER and not orgs:
        errors["organisation"] = "an account manager belongs to at least one organisation " \
                                 "(--organisation GMxxxx)"
    if role != Role.ACCOUNT_MANAGER and orgs:
        errors["organisation"] = "only account managers belong to organisations"
    try:
        validate_password(password, User(username=name))
    except DjangoValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise FieldError(errors)
    with transaction.atomic():
        user = User.objects.create_user(username=name, password=password, role=role,
                                        organisations=orgs)
        audit.record("user_add", actor=actor, role=actor_role, subjects=[f"user:{name}"],
                     detail={"role": role, "organisations": orgs})
    return user


def issue_token(name: str, *, actor: str = "cli", actor_role: str = "admin") -> str:
    """A new API token for ``name`` (shown once; only its hash is stored)."""
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise FieldError({"name": f"no active user {name!r}"})
    token = f"sm_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        ApiToken.objects.create(user=user, key_hash=_token_hash(token), prefix=token[:8])
        audit.record("token", actor=actor, role=actor_role, subjects=[f"user:{name}"])
    return token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


TOKEN_CACHE_S = 10.0
"""A valid token is looked up in the database at most this often per process: a revoked
token or a deactivated user is refused within this many seconds."""
_tokens: dict[str, tuple[float, User]] = {}
_tokens_lock = threading.Lock()


def authenticate_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    key = _token_hash(token)
    now_s = time.monotonic()
    cached = _tokens.get(key)
    if cached is not None and now_s - cached[0] < TOKEN_CACHE_S:
        return cached[1]
    found = (ApiToken.objects.select_related("user")
             .filter(key_hash=key, revoked=False, user__is_active=True).first())
    if found is None:
        with _tokens_lock:
            _tokens.pop(key, None)
        return None
    now = timezone.now()
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    with _tokens_lock:
        if len(_tokens) > 10_000:
            _tokens.clear()
        _tokens[key] = (now_s, found.user)
    return found.user


# ----------------------------------------------------------------------------- candidates


def candidate_details(user: User, candidate_id: str) -> dict[str, Any]:
    """One candidate as ``user`` may see them (audited)."""
    require(user, Action.VIEW_CANDIDATE, subjects=(f"candidate:{candidate_id}",))
    eng = engine.current()
    cells = eng.candidate(candidate_id)
    if cells is None:
        raise UnknownIdError("candidate", candidate_id, [])
    view = candidate_view(user, candidate_id, cells)
    audit.record("view_candidate", actor=user.username, role=role_of(user),
                 subjects=[candidate_id], detail={"personal_details": view["personal_details"]})
    return view


# ----------------------------------------------------------------------------- shortlists


def _capped(vacancy_id: str) -> list[str]:
    """Candidates on as many other open shortlists as the exposure cap allows."""
    cap = int(django_settings.EXPOSURE_CAP)
    rows = (Proposal.objects.filter(source=Proposal.Source.SHORTLIST, status=Proposal.Status.OPEN)
            .exclude(vacancy_id=vacancy_id).values("candidate_id")
            .annotate(n=Count("vacancy_id", distinct=True)).filter(n__gte=cap)
            .values_list("candidate_id", flat=True))
    return sorted(rows)


def _add_proposals(shortlist: Shortlist, rows: list[Any], eng: Any) -> None:
    Proposal.objects.bulk_create([
        Proposal(source=Proposal.Source.SHORTLIST, shortlist=shortlist,
                 vacancy_id=shortlist.vacancy_id, candidate_id=row.candidate_id,
                 organisation=(eng.candidate(row.candidate_id) or {}).get("municipality_code")
                 or "", rank=row.rank, probability=row.score,
                 model_version=eng.model_version or "")
        for row in rows])


def _propose(user: User, vacancy_id: str, eng: Any, matcher: Any, top: int,
             lang: str) -> Shortlist:
    """Create the vacancy's shortlist (or extend it: another language, a longer list)."""
    with transaction.atomic():
        existing = (Shortlist.objects.select_for_update()
                    .filter(vacancy_id=vacancy_id, is_open=True, data_version=eng.data_version,
                            model_version=eng.model_version).order_by("-pk").first())
        if existing is None:
            capped = _capped(vacancy_id)
            result = matcher.for_vacancy(vacancy_id, top=top, lang=lang, capped=capped)
            (Proposal.objects.filter(vacancy_id=vacancy_id, source=Proposal.Source.SHORTLIST,
                                     status=Proposal.Status.OPEN)
             .update(status=Proposal.Status.WITHDRAWN, reason="replaced by a newer shortlist",
                     decided_at=timezone.now()))
            Shortlist.objects.filter(vacancy_id=vacancy_id, is_open=True).update(is_open=False)
            existing = Shortlist.objects.create(
                vacancy_id=vacancy_id, created_by=user.username,
                model_version=eng.model_version or "", data_version=eng.data_version, top=top,
                lang=lang, result={lang: result.to_dict()}, capped=list(result.capped))
            _add_proposals(existing, result.rows, eng)
        elif lang not in existing.result or top > existing.top:
            # Another language or a longer list of the same shortlist: the same people in the
            # same order (ranking does not depend on the language, and the cap applied then
            # is applied again), so the open proposals stay and a longer list adds its tail.
            size = max(top, existing.top)
            result = matcher.for_vacancy(vacancy_id, top=size, lang=lang,
                                         capped=existing.capped)
            texts = {k: v for k, v in existing.result.items() if size <= existing.top}
            texts[lang] = result.to_dict()
            if size > existing.top:
                known = set(existing.proposals.values_list("candidate_id", flat=True))
                _add_proposals(existing, [r for r in result.rows if r.candidate_id not in known],
                               eng)
            existing.result, existing.top = texts, size
            existing.save(update_fields=["result", "top"])
    return existing


def shortlist_for_vacancy(user: User, vacancy_id: str, *, top: int = 10,
                          lang: str = "nl") -> dict[str, Any]:
    """The open shortlist of a vacancy, as ``user`` may see it (audited).

    A shortlist is proposed once per data and model version: later requests show the same
    proposals (fast, and stable while people decide). Candidates on as many other open
    shortlists as the exposure cap allows (``EXPOSURE_CAP``, default 5) are left out, and the
    shortlist says how many (``capped``).
    """
    require(user, Action.VIEW_SHORTLIST, subjects=(f"vacancy:{vacancy_id}",))
    eng = engine.current()
    matcher = eng.matcher
    existing = (Shortlist.objects.filter(vacancy_id=vacancy_id, is_open=True,
                                         data_version=eng.data_version,
                                         model_version=eng.model_version)
                .order_by("-pk").first())
    if existing is None or lang not in existing.result or top > existing.top:
        existing = _propose(user, vacancy_id, eng, matcher, top, lang)
    payload = dict(existing.result[lang])
    rows = payload.get("shortlist", [])[:top]
    proposals = {cid: (pk, status) for cid, pk, status in
                 existing.proposals.values_list("candidate_id", "pk", "status")}
    for row in rows:
        pk, status = proposals.get(row["candidate_id"], (None, None))
        row["proposal_id"], row["proposal_status"] = pk, status
    payload["shortlist"] = rows
    payload["shortlist_id"] = existing.pk
    payload["capped_count"] = len(existing.capped)
    payload.pop("capped", None)  # who was capped is other shortlists' business
    payload["exposure_cap"] = int(django_settings.EXPOSURE_CAP)
    view = shortlist_view(user, payload)
    audit.record("view_shortlist", actor=user.username, role=role_of(user),
                 subjects=[vacancy_id, *(r["candidate_id"] for r in rows)],
                 model_version=eng.model_version or "",
                 input_sha256=audit.inputs_hash({"vacancy": vacancy_id, "top": top,
                                                 "data_version": eng.data_version}),
                 detail={"shortlist": existing.pk, "capped": len(existing.capped)})
    return view


def shortlist_for_candidate(user: User, candidate_id: str, *, top: int = 10,
                            lang: str = "nl") -> dict[str, Any]:
    """Open vacancies that fit a candidate, as ``user`` may see them (audited)."""
    require(user, Action.VIEW_SHORTLIST, subjects=(f"candidate:{candidate_id}",))
    eng = engine.current()
    result = eng.matcher.for_candidate(candidate_id, top=top, lang=lang)
    cells = eng.candidate(candidate_id) or {}
    view = shortlist_view(user, result.to_dict(), cells.get("municipality_code"))
    audit.record("view_shortlist", actor=user.username, role=role_of(user),
                 subjects=[candidate_id, *(r.vacancy_id for r in result.rows)],
                 model_version=eng.model_version or "",
                 input_sha256=audit.inputs_hash({"candidate": candidate_id, "top": top,
                                                 "data_version": eng.data_version}),
                 detail={"personal_details": sees_personal(user, cells.get("municipality_code"))})
    return view


# ----------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class DecisionResult:
    proposal_id: int
    status: str
    placement_id: str | None
    withdrawn: int


def decide(user: User, proposal_id: int, decision: str, *, reason: str = "",
           start_date: date | None = None, hours_per_week: float | None = None
           ) -> DecisionResult:
    """Accept (with a start date: a placement) or reject (with a reason) one proposal.

    Accepting withdraws the person's other open proposals (one person, one job) and, once the
    vacancy's positions are taken, the vacancy's other open proposals.
    """
    if not (allowed(user, Action.DECIDE_SHORTLIST) or allowed(user, Action.APPROVE_RUN)):
        require(user, Action.DECIDE_SHORTLIST, subjects=(f"proposal:{proposal_id}",))
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(f"no proposal {proposal_id}")
    action = Action.DECIDE_SHORTLIST if proposal.source == Proposal.Source.SHORTLIST \
        else Action.APPROVE_RUN
    # an account manager decides for their own organisations' candidates; for others the
    # shortlist names the organisation to contact, which decides
    require_candidate(user, action, proposal.organisation or None,
                      subjects=(f"proposal:{proposal_id}",))
    errors: dict[str, str] = {}
    if decision not in ("accept", "reject"):
        errors["decision"] = "accept or reject"
    if decision == "reject" and not reason.strip():
        errors["reason"] = "a rejection needs a reason"
    if decision == "accept" and start_date is None:
        errors["start_date"] = "an accepted proposal needs the start date of the placement"
    if hours_per_week is not None and not 0 < hours_per_week <= 60:
        errors["hours_per_week"] = "between 0 (exclusive) and 60"
    if errors:
        raise FieldError(errors)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
        if proposal.status != Proposal.Status.OPEN:
            raise FieldError({"proposal": f"already {proposal.status}"})
        now = timezone.now()
        proposal.status = (Proposal.Status.ACCEPTED if decision == "accept"
                           else Proposal.Status.REJECTED)
        proposal.decided_by, proposal.decided_at, proposal.reason = user.username, now, reason
        proposal.save()
        placement = None
        withdrawn = 0
        if decision == "accept":
            placement = Placement.objects.create(
                proposal=proposal, candidate_id=proposal.candidate_id,
                vacancy_id=proposal.vacancy_id, start_date=start_date,
                hours_per_week=hours_per_week, recorded_by=user.username)
            withdrawn += (Proposal.objects.filter(candidate_id=proposal.candidate_id,
                                                  status=Proposal.Status.OPEN)
                          .update(status=Proposal.Status.WITHDRAWN, decided_at=now,
                                  reason="candidate accepted for another vacancy"))
            positions = (engine.current().vacancy(proposal.vacancy_id) or {}).get("positions") or 1
            taken = Proposal.objects.filter(vacancy_id=proposal.vacancy_id,
                                            status=Proposal.Status.ACCEPTED).count()
            if taken >= positions:
                withdrawn += (Proposal.objects.filter(vacancy_id=proposal.vacancy_id,
                                                      status=Proposal.Status.OPEN)
                              .update(status=Proposal.Status.WITHDRAWN, decided_at=now,
                                      reason="vacancy filled"))
        if proposal.shortlist_id and not Proposal.objects.filter(
                shortlist_id=proposal.shortlist_id, status=Proposal.Status.OPEN).exists():
            Shortlist.objects.filter(pk=proposal.shortlist_id).update(is_open=False)
        audit.record("decision", actor=user.username, role=role_of(user),
                     subjects=[proposal.candidate_id, proposal.vacancy_id,
                               f"proposal:{proposal.pk}"],
                     model_version=proposal.model_version,
                     detail={"decision": decision, "reason": reason[:500],
                             "source": proposal.source, "withdrawn": withdrawn})
    return DecisionResult(proposal.pk, proposal.status,
                          placement.placement_id if placement else None, withdrawn)


def record_outcome(user: User, placement_id: str, *, status: str,
                   end_date: date | None = None, reason: str = "") -> Placement:
    """Record how a placement went: still employed, or ended on a date with a reason."""
    require(user, Action.RECORD_OUTCOME, subjects=(placement_id,))
    pk = int(placement_id[1:]) if re.fullmatch(r"W\d{1,12}", placement_id or "") else None
    placement = Placement.objects.filter(pk=pk).first() if pk is not None else None
    if placement is None:
        raise NotFound(f"no placement {placement_id}")
    cells = engine.current().candidate(placement.candidate_id) or {}
    require_candidate(user, Action.RECORD_OUTCOME, cells.get("municipality_code"),
                      subjects=(placement_id,))
    errors: dict[str, str] = {}
    if status not in ("ongoing", "ended"):
        errors["status"] = "ongoing or ended"
    if status == "ended" and end_date is None:
        errors["end_date"] = "an ended placement needs its end date"
    if status == "ended" and not reason.strip():
        errors["reason"] = "say why the placement ended"
    if end_date is not None and end_date < placement.start_date:
        errors["end_date"] = f"before the start date {placement.start_date.isoformat()}"
    if status == "ongoing" and end_date is not None:
        errors["end_date"] = "an ongoing placement has no end date"
    if errors:
        raise FieldError(errors)
    with transaction.atomic():
        placement.status, placement.end_date, placement.end_reason = status, end_date, reason
        placement.outcome_by, placement.outcome_at = user.username, timezone.now()
        placement.save()
        audit.record("outcome", actor=user.username, role=role_of(user),
                     subjects=[placement.candidate_id, placement.vacancy_id, placement_id],
                     detail={"status": status, "reason": reason[:500],
                             "end_date": end_date.isoformat() if end_date else None})
    return placement

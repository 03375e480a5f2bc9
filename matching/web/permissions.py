"""Who may see and do what: the one place the role rules live (docs/security.md).

Views, API handlers, the worker and the command line ask :func:`require` before they act and
pass personal data through :func:`candidate_view` / :func:`shortlist_view` before it leaves
the service; what a role may not see is removed here, so it is neither rendered nor sent.
A denial is an audit entry (``denied``) and a :class:`Denied` (HTTP 403).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from matching.web import audit
from matching.web.models import Role

__all__ = ["RULES", "Action", "Denied", "allowed", "candidate_view", "distance_band",
           "pseudonym", "require", "require_candidate", "sees_personal", "shortlist_view"]

AM, CO, AN, AD = Role.ACCOUNT_MANAGER, Role.COORDINATOR, Role.ANALYST, Role.ADMIN


class Action(StrEnum):
    VIEW_VACANCIES = "view_vacancies"
    VIEW_SHORTLIST = "view_shortlist"
    VIEW_CANDIDATE = "view_candidate"
    DECIDE_SHORTLIST = "decide_shortlist"
    RECORD_OUTCOME = "record_outcome"
    START_ASSIGN = "start_assign"
    VIEW_RUN = "view_run"
    APPROVE_RUN = "approve_run"
    EXPORT_RUN = "export_run"
    CANCEL_RUN = "cancel_run"
    VIEW_MODELS = "view_models"
    TRAIN = "train"
    PROMOTE = "promote"
    IMPORT = "import"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"


RULES: dict[Action, frozenset[str]] = {
    Action.VIEW_VACANCIES: frozenset({AM, CO}),
    Action.VIEW_SHORTLIST: frozenset({AM, CO}),
    Action.VIEW_CANDIDATE: frozenset({AM, CO, AN}),
    Action.DECIDE_SHORTLIST: frozenset({AM}),
    Action.RECORD_OUTCOME: frozenset({AM, CO}),
    Action.START_ASSIGN: frozenset({CO}),
    Action.VIEW_RUN: frozenset({CO, AN}),
    Action.APPROVE_RUN: frozenset({CO}),
    Action.EXPORT_RUN: frozenset({CO}),
    Action.CANCEL_RUN: frozenset({CO, AN}),
    Action.VIEW_MODELS: frozenset({AN, CO}),
    Action.TRAIN: frozenset({AN}),
    Action.PROMOTE: frozenset({AN}),
    Action.IMPORT: frozenset({AD}),
    Action.MANAGE_USERS: frozenset({AD}),
    Action.READ_AUDIT: frozenset({AD}),
}
"""Each action and the roles that may take it; everything else is denied."""

PERSONAL_FIELDS = ("postcode", "municipality_code", "birth_year", "gender", "nationality",
                   "benefit_months", "target_group", "support_needs", "skills", "certificates",
                   "occupations", "education_level", "dutch_level", "hours_per_week",
                   "mobility", "max_travel_km", "available_from", "status")
"""The candidate fields that are personal details (everything but the pseudonymous id)."""

_ROW_PERSONAL = frozenset({
    "distance_km", "travel_km", "ferry", "max_travel_km", "hours_candidate",
    "home_municipality_code", "home_municipality", "support_needs", "support_missing",
    "target_group", "target_group_label", "mobility", "mobility_label",
    "required_skills_covered", "required_skills_missing", "preferred_skills_covered",
    "certificates_missing", "start_delay_days", "constraint_detail", "sroi_value_eur",
    "expected_value_eur", "target_group_eligible",
})
"""Shortlist-row fields that describe the person (masked outside their organisation)."""

_DISPLAY_KEPT = frozenset({"probability"})


class Denied(PermissionDenied):
    """The user's role does not allow the action (HTTP 403); already in the audit log."""


def role_of(user: Any) -> str:
    return str(getattr(user, "role", "") or "")


def allowed(user: Any, action: Action | str) -> bool:
    """Whether ``user`` (authenticated, active) may take ``action``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return role_of(user) in RULES[Action(action)]


def require(user: Any, action: Action | str, *, subjects: tuple[str, ...] = ()) -> None:
    """Raise :class:`Denied` (and log the denial) unless ``user`` may take ``action``."""
    if allowed(user, action):
        return
    name = getattr(user, "username", "") or "anonymous"
    audit.record("denied", actor=name, role=role_of(user) or "none", subjects=subjects,
                 outcome="denied", detail={"wanted": str(Action(action))})
    raise Denied(f"the role {role_of(user) or 'none'!r} may not {Action(action).value}")


def require_candidate(user: Any, action: Action | str, organisation: str | None, *,
                      subjects: tuple[str, ...] = ()) -> None:
    """:func:`require`, and for account managers also that the candidate (of
    ``organisation``) is one of their own organisations' (outcomes are personal data)."""
    require(user, action, subjects=subjects)
    if role_of(user) == AM and not sees_personal(user, organisation):
        audit.record("denied", actor=user.username, role=role_of(user), subjects=subjects,
                     outcome="denied", detail={"wanted": f"{Action(action).value} "
                                                         "(another organisation's candidate)"})
        raise Denied("account managers act only on their own organisations' candidates")


def organisations(user: Any) -> frozenset[str]:
    return frozenset(str(o).upper() for o in (getattr(user, "organisations", None) or []))


def sees_personal(user: Any, organisation: str | None) -> bool:
    """Personal details of a candidate of ``organisation``: the coordinator (the region) and
    account managers of that organisation; analysts and administrators never."""
    role = role_of(user)
    if role == CO:
        return True
    if role == AM:
        return bool(organisation) and str(organisation).upper() in organisations(user)
    return False


def pseudonym(candidate_id: str) -> str:
    """The analysts' view of a candidate id: a keyed hash that cannot be turned back."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"candidate:{candidate_id}".encode(),
                      hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"


def distance_band(km: float | None, lang: str = "nl") -> str | None:
    """A coarse distance (``0–10 km``, ``10–25 km``, ``25–50 km``, ``50+ km``)."""
    if km is None:
        return None
    for upper, label in ((10, "0–10 km"), (25, "10–25 km"), (50, "25–50 km")):
        if km < upper:
            return label
    return "50+ km"


def _contact(organisation: str | None) -> dict[str, Any]:
    from matching.web.store import municipality_name

    return {"organisation": organisation, "organisation_name": municipality_name(organisation)}


def candidate_view(user: Any, candidate_id: str, cells: Mapping[str, Any]) -> dict[str, Any]:
    """One candidate as ``user`` may see them."""
    organisation = cells.get("municipality_code") or None
    if role_of(user) == AN:
        return {"candidate_id": pseudonym(candidate_id), "personal_details": False}
    if sees_personal(user, organisation):
        return {"candidate_id": candidate_id, "personal_details": True,
                **{k: cells.get(k) for k in PERSONAL_FIELDS}}
    return {"candidate_id": candidate_id, "personal_details": False, **_contact(organisation)}


def _row_view(user: Any, row: Mapping[str, Any], mode: str,
              subject_organisation: str | None = None) -> dict[str, Any]:
    # a vacancy's shortlist: each row is another person; a candidate's: every row describes
    # the one candidate (home, support needs, reach), so the subject's organisation decides
    organisation = row.get("home_municipality_code") if mode == "vacancy" \
        else (subject_organisation or row.get("home_municipality_code"))
    if sees_personal(user, organisation):
        return {**row, "personal_details": True}
    kept = {k: v for k, v in row.items() if k not in _ROW_PERSONAL and k != "display"}
    kept["display"] = {k: v for k, v in (row.get("display") or {}).items() if k in _DISPLAY_KEPT}
    kept["distance_band"] = distance_band(row.get("travel_km") or row.get("distance_km"))
    kept["personal_details"] = False
    kept.update(_contact(organisation))
    if mode == "candidate":  # what the vacancy is stays: it is not personal
        kept.update({k: row[k] for k in ("work_municipality", "work_municipality_code",
                                         "hours_vacancy") if k in row})
    return kept


def shortlist_view(user: Any, result: Mapping[str, Any],
                   subject_organisation: str | None = None) -> dict[str, Any]:
    """A stored shortlist (``ShortlistResult.to_dict()``) as ``user`` may see it.

    For a vacancy's shortlist, candidates outside the account manager's organisations keep
    only their pseudonymous id, the reasons, a distance band and the organisation to contact.
    For a candidate's shortlist, every row describes that candidate too (home, support
    needs, reach, missing skills): outside the candidate's organisation (``subject_organisation``)
    the rows keep the vacancy, the score, the reasons and a distance band, and ``subject`` only
    the id and the organisation to contact.
    """
    mode = "vacancy" if "vacancy_id" in result else "candidate"
    out = dict(result)
    if mode == "candidate":
        subject = result.get("subject") or {}
        if not sees_personal(user, subject_organisation):
            out["subject"] = {"candidate_id": subject.get("candidate_id"),
                              **_contact(subject_organisation)}
    out["shortlist"] = [_row_view(user, row, mode, subject_organisation)
                        for row in result.get("shortlist", [])]
    out["near_misses"] = [_row_view(user, row, mode, subject_organisation)
                          for row in result.get("near_misses", [])]
    return out

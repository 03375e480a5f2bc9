"""The role rules (matching.web.permissions): the table, denials, and what each role sees."""

from __future__ import annotations

import pytest

from matching.web.models import AuditEntry
from matching.web.permissions import (
    PERSONAL_FIELDS,
    RULES,
    Action,
    Denied,
    allowed,
    candidate_view,
    distance_band,
    pseudonym,
    require,
    shortlist_view,
)

EXPECTED = {  # docs/security.md, "What each role may do"
    "account_manager": {"view_vacancies", "view_shortlist", "view_candidate",
                        "decide_shortlist", "record_outcome"},
    "coordinator": {"view_vacancies", "view_shortlist", "view_candidate", "record_outcome",
                    "start_assign", "view_run", "approve_run", "export_run", "cancel_run",
                    "view_models"},
    "analyst": {"view_candidate", "view_run", "cancel_run", "view_models", "train", "promote"},
    "admin": {"import", "manage_users", "read_audit"},
}
NAMES = {"account_manager": "am", "coordinator": "coordinator", "analyst": "analyst",
         "admin": "admin"}


def test_the_rules_are_the_documented_table():
    for role, actions in EXPECTED.items():
        assert {a.value for a, roles in RULES.items() if role in roles} == actions, role


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_action_is_allowed_or_denied_and_denials_are_logged(users, role, action):
    user = users[NAMES[role]]
    before = AuditEntry.objects.filter(action="denied").count()
    if action.value in EXPECTED[role]:
        assert allowed(user, action)
        require(user, action)
        assert AuditEntry.objects.filter(action="denied").count() == before
    else:
        with pytest.raises(Denied):
            require(user, action, subjects=("vacancy:V1",))
        entry = AuditEntry.objects.filter(action="denied").order_by("-seq").first()
        assert AuditEntry.objects.filter(action="denied").count() == before + 1
        assert (entry.actor, entry.role, entry.outcome) == (user.username, role, "denied")
        assert entry.detail == {"wanted": action.value}


def test_inactive_and_anonymous_users_may_do_nothing(users):
    from django.contrib.auth.models import AnonymousUser

    coordinator = users["coordinator"]
    coordinator.is_active = False
    assert not allowed(coordinator, Action.START_ASSIGN)
    assert not allowed(AnonymousUser(), Action.VIEW_SHORTLIST)


CELLS = {"candidate_id": "C1", "municipality_code": "GM0014", "postcode": "9711",
         "birth_year": 1970, "gender": "f", "nationality": "Nederlands", "skills": ["lassen"]}


def test_account_managers_see_personal_details_of_their_own_organisation_only(users):
    own = candidate_view(users["am"], "C1", CELLS)
    assert own["personal_details"] and own["postcode"] == "9711" and own["birth_year"] == 1970
    other = candidate_view(users["am_other"], "C1", CELLS)
    assert other == {"candidate_id": "C1", "personal_details": False,
                     "organisation": "GM0014", "organisation_name": "Groningen"}


def test_analysts_see_pseudonymised_data_only(users):
    view = candidate_view(users["analyst"], "C1", CELLS)
    assert view == {"candidate_id": pseudonym("C1"), "personal_details": False}
    assert pseudonym("C1") != pseudonym("C2") and "C1" not in pseudonym("C1")


def test_coordinators_see_the_region(users):
    view = candidate_view(users["coordinator"], "C1", {**CELLS, "municipality_code": "GM1680"})
    assert view["personal_details"] and set(PERSONAL_FIELDS) <= set(view)


ROW = {"rank": 1, "candidate_id": "C1", "score": 0.8, "probability_pct": 80.0,
       "distance_km": 31.0, "travel_km": 31.0, "home_municipality_code": "GM0014",
       "home_municipality": "Groningen", "support_needs": ["jobcoach"], "target_group": "ww",
       "certificates_missing": [], "display": {"probability": "80%", "distance": "31,0 km"},
       "reasons": {"factors_for": [{"text": "..."}]}}


def test_a_shortlist_row_outside_the_organisation_keeps_id_reasons_band_and_contact(users):
    result = {"vacancy_id": "V1", "shortlist": [ROW], "near_misses": []}
    mine = shortlist_view(users["am"], result)["shortlist"][0]
    assert mine["support_needs"] == ["jobcoach"] and mine["personal_details"]
    masked = shortlist_view(users["am_other"], result)["shortlist"][0]
    assert set(masked) == {"rank", "candidate_id", "score", "probability_pct", "display",
                           "reasons", "distance_band", "personal_details", "organisation",
                           "organisation_name"}
    assert masked["distance_band"] == "25–50 km" and masked["display"] == {"probability": "80%"}
    assert masked["reasons"] == ROW["reasons"]


def test_a_candidates_own_list_is_masked_outside_their_organisation(users):
    row = {**ROW, "vacancy_id": "V9", "title": "Lasser", "work_municipality": "Emmen"}
    result = {"candidate_id": "C1", "subject": {"candidate_id": "C1", "target_group": "ww"},
              "shortlist": [row], "near_misses": []}
    mine = shortlist_view(users["am"], result, "GM0014")
    assert mine["shortlist"][0]["support_needs"] == ["jobcoach"] and mine["subject"]["target_group"]
    masked = shortlist_view(users["am_other"], result, "GM0014")
    got = masked["shortlist"][0]
    assert got["title"] == "Lasser" and got["work_municipality"] == "Emmen"
    assert got["distance_band"] == "25–50 km" and got["reasons"] == ROW["reasons"]
    for personal in ("support_needs", "distance_km", "home_municipality", "target_group",
                     "certificates_missing"):
        assert personal not in got
    assert masked["subject"] == {"candidate_id": "C1", "organisation": "GM0014",
                                 "organisation_name": "Groningen"}


@pytest.mark.parametrize(("km", "band"), [(0, "0–10 km"), (9.99, "0–10 km"), (10, "10–25 km"),
                                          (49.9, "25–50 km"), (50, "50+ km"), (None, None)])
def test_distance_bands(km, band):
    assert distance_band(km) == band


def test_docs_security_table_is_the_enforced_table():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    block = text.split("<!-- permissions-table")[1].split("<!-- /permissions-table -->")[0]
    roles = ["account_manager", "coordinator", "analyst", "admin"]
    documented = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            documented[cells[0].strip("`")] = {r for r, c in zip(roles, cells[1:], strict=True)
                                               if c == "yes"}
    assert documented == {a.value: set(r) for a, r in RULES.items()}

"""The HTTP API: each role rule allowed and denied through HTTP, the error shape, the
decision → placement → outcome loop, an import rejected with its problems, the exposure cap."""

from __future__ import annotations

import shutil

from django.conf import settings as django_settings

from matching.web.models import AuditEntry, DataImport, Record
from matching.web.permissions import PERSONAL_FIELDS
from tests.web.conftest import upload

V = "/api/v1"


def last_entry(action: str | None = None) -> AuditEntry:
    query = AuditEntry.objects.order_by("-seq")
    return (query.filter(action=action) if action else query).first()


def assert_denied(response, name: str) -> None:
    assert response.status_code == 403, response.content
    assert set(response.json()) >= {"detail"}
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.actor) == ("denied", "denied", name)


def shortlist(api, name: str, vacancy_id: str, top: int = 10) -> dict:
    response = api(name).get(f"{V}/vacancies/{vacancy_id}/shortlist", {"top": top})
    assert response.status_code == 200, response.content
    return response.json()


def own_proposal(api, open_vacancy_ids) -> tuple[dict, dict]:
    """A shortlist of the account manager and a row of one of their own candidates."""
    for vacancy_id in open_vacancy_ids:
        body = shortlist(api, "am", vacancy_id, top=20)
        rows = [r for r in body["shortlist"] if r["personal_details"]]
        if rows:
            return body, rows[0]
    raise AssertionError("no shortlist with a candidate of the account manager")


# ----------------------------------------------------------------------------- authentication


def test_no_token_or_a_bad_token_is_401(api):
    from django.test import Client

    for client in (api(None), Client(headers={"Authorization": "Bearer sm_nonsense"}),
                   Client(headers={"Authorization": "Basic YWRtaW46YWRtaW4="})):
        response = client.get(f"{V}/me")
        assert response.status_code == 401
        assert response.json()["detail"]


def test_me_names_the_role_and_its_actions(api):
    body = api("am").get(f"{V}/me").json()
    assert body["username"] == "am" and body["role"] == "account_manager"
    assert body["organisations"] == ["GM0014"]
    assert "decide_shortlist" in body["actions"] and "read_audit" not in body["actions"]


def test_the_schema_is_served_and_declares_the_error_shape(client):
    schema = client.get(f"{V}/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/vacancies/{vacancy_id}/shortlist" in paths
    responses = paths["/api/v1/proposals/{proposal_id}/decision"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(responses)
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


# ----------------------------------------------------------------------------- candidates


def test_account_manager_sees_personal_details_only_of_own_organisation(api,
                                                                        groningen_candidates):
    own, other = groningen_candidates
    mine = api("am").get(f"{V}/candidates/{own[0]}")
    assert mine.status_code == 200, mine.content
    mine = mine.json()
    assert mine["personal_details"] is True and mine["candidate_id"] == own[0]
    assert set(PERSONAL_FIELDS) <= set(mine)
    theirs = api("am").get(f"{V}/candidates/{other[0]}")
    assert theirs.status_code == 200
    body = theirs.json()
    assert body["personal_details"] is False and body["candidate_id"] == other[0]
    assert not set(PERSONAL_FIELDS) & set(body)
    assert set(body) == {"candidate_id", "personal_details", "organisation", "organisation_name"}


def test_analysts_get_pseudonymised_ids_and_administrators_no_candidates(api,
                                                                         groningen_candidates):
    own, _ = groningen_candidates
    body = api("analyst").get(f"{V}/candidates/{own[0]}").json()
    assert body["candidate_id"].startswith("P-") and body["candidate_id"] != own[0]
    assert not set(PERSONAL_FIELDS) & set(body)
    assert_denied(api("admin").get(f"{V}/candidates/{own[0]}"), "admin")


def test_unknown_and_malformed_ids(api):
    response = api("coordinator").get(f"{V}/candidates/NOBODY-0")
    assert response.status_code == 404 and response.json()["detail"]
    response = api("coordinator").get(f"{V}/candidates/%20bad%20id")
    assert response.status_code == 422 and "candidate_id" in response.json()["errors"]
    response = api("coordinator").get(f"{V}/runs/999999999")
    assert response.status_code == 404


# ----------------------------------------------------------------------------- vacancies


def test_vacancies_for_account_managers_and_coordinators_only(api):
    body = api("am").get(f"{V}/vacancies", {"municipality": "GM0014"}).json()
    assert body["count"] == len(body["vacancies"]) > 0
    assert {v["municipality_code"] for v in body["vacancies"]} == {"GM0014"}
    assert {v["status"] for v in body["vacancies"]} == {"open"}
    dates = api("coordinator").get(f"{V}/vacancies", {"start_from": "2026-11-01",
                                                      "start_to": "2026-11-30"}).json()
    assert all("2026-11-01" <= v["start_date"] <= "2026-11-30" for v in dates["vacancies"])
    wrong = api("coordinator").get(f"{V}/vacancies", {"start_from": "2026-12-01",
                                                      "start_to": "2026-11-01"})
    assert wrong.status_code == 422 and "start_to" in wrong.json()["errors"]
    assert_denied(api("analyst").get(f"{V}/vacancies"), "analyst")


def test_shortlist_masks_other_organisations_candidates(api, open_vacancy_ids):
    for vacancy_id in open_vacancy_ids:
        body = shortlist(api, "am", vacancy_id, top=30)
        rows = body["shortlist"]
        if {r["personal_details"] for r in rows} == {True, False}:
            break
    else:
        raise AssertionError("no shortlist with candidates of both kinds")
    for row in rows:
        if row["personal_details"]:
            assert row["home_municipality_code"] == "GM0014"
        else:
            assert not {"distance_km", "travel_km", "home_municipality_code", "target_group",
                        "support_needs", "mobility"} & set(row)
            assert row["distance_band"] and row["organisation"] != "GM0014"
            assert row["candidate_id"] and row["organisation"]
    response = api("am").get(f"{V}/vacancies/{vacancy_id}/shortlist", {"top": 0})
    assert response.status_code == 422 and "top" in response.json()["errors"]
    response = api("am").get(f"{V}/vacancies/{vacancy_id}/shortlist", {"top": 101})
    assert response.status_code == 422 and "top" in response.json()["errors"]
    assert_denied(api("analyst").get(f"{V}/vacancies/{vacancy_id}/shortlist"), "analyst")


def test_exposure_cap_leaves_out_candidates_on_another_open_shortlist(api, open_vacancy_ids,
                                                                       monkeypatch):
    monkeypatch.setattr(django_settings, "EXPOSURE_CAP", 1)
    proposed: set[str] = set()
    for vacancy_id in open_vacancy_ids[:15]:
        body = shortlist(api, "coordinator", vacancy_id)
        ids = {r["candidate_id"] for r in body["shortlist"]}
        assert body["exposure_cap"] == 1
        assert not ids & proposed, "a candidate is on two open shortlists"
        if proposed and body["capped_count"] > 0:
            break
        proposed |= ids
    else:
        raise AssertionError("the cap never left anybody out")
    assert "capped" not in body


# ----------------------------------------------------------------------------- decisions


def test_rejection_needs_a_reason_and_only_account_managers_decide(api, open_vacancy_ids):
    _, row = own_proposal(api, open_vacancy_ids)
    url = f"{V}/proposals/{row['proposal_id']}/decision"
    response = api("am").post(url, {"decision": "reject"}, content_type="application/json")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"reason"}
    response = api("am").post(url, {"decision": "maybe"}, content_type="application/json")
    assert response.status_code == 422 and "decision" in response.json()["errors"]
    response = api("am").post(url, "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"]
    assert_denied(api("coordinator").post(url, {"decision": "reject", "reason": "x"},
                                          content_type="application/json"), "coordinator")
    response = api("am").post(url, {"decision": "reject", "reason": "geen rijbewijs"},
                              content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    again = api("am").post(url, {"decision": "reject", "reason": "again"},
                           content_type="application/json")
    assert again.status_code == 422 and "proposal" in again.json()["errors"]


def test_decision_placement_outcome(api, open_vacancy_ids):
    _, row = own_proposal(api, open_vacancy_ids)
    url = f"{V}/proposals/{row['proposal_id']}/decision"
    response = api("am").post(url, {"decision": "accept"}, content_type="application/json")
    assert response.status_code == 422 and "start_date" in response.json()["errors"]
    response = api("am").post(url, {"decision": "accept", "start_date": "2026-12-01",
                                    "hours_per_week": 24}, content_type="application/json")
    assert response.status_code == 200, response.content
    accepted = response.json()
    assert accepted["status"] == "accepted" and accepted["placement_id"].startswith("W")
    outcome = f"{V}/placements/{accepted['placement_id']}/outcome"
    response = api("am").post(outcome, {"status": "ended"}, content_type="application/json")
    assert response.status_code == 422
    assert {"end_date", "reason"} <= set(response.json()["errors"])
    assert_denied(api("am_other").post(outcome, {"status": "ongoing"},
                                       content_type="application/json"), "am_other")
    assert_denied(api("analyst").post(outcome, {"status": "ongoing"},
                                      content_type="application/json"), "analyst")
    response = api("am").post(outcome, {"status": "ended", "end_date": "2027-03-01",
                                        "reason": "contract afgelopen"},
                              content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["end_date"], body["candidate_id"]) == \
        ("ended", "2027-03-01", row["candidate_id"])
    assert last_entry().action == "outcome"
    missing = api("am").post(f"{V}/placements/W9999999/outcome", {"status": "ongoing"},
                             content_type="application/json")
    assert missing.status_code == 404


# ----------------------------------------------------------------------------- runs


def test_only_coordinators_start_and_approve_regional_runs(api):
    assert_denied(api("am").post(f"{V}/runs", {"kind": "assign", "params": {}},
                                 content_type="application/json"), "am")
    assert_denied(api("analyst").post(f"{V}/runs", {"kind": "assign", "params": {}},
                                      content_type="application/json"), "analyst")
    response = api("coordinator").post(f"{V}/runs", {"kind": "assign", "params": {}},
                                       content_type="application/json")
    assert response.status_code == 200, response.content
    run = response.json()
    assert (run["kind"], run["status"]) == ("assign", "queued")
    status = api("coordinator").get(f"{V}/runs/{run['id']}")
    assert status.status_code == 200 and status.json()["id"] == run["id"]
    assert_denied(api("am").get(f"{V}/runs/{run['id']}"), "am")
    approve = {"start_date": "2026-12-01"}
    assert_denied(api("analyst").post(f"{V}/runs/{run['id']}/approve", approve,
                                      content_type="application/json"), "analyst")
    response = api("coordinator").post(f"{V}/runs/{run['id']}/approve", approve,
                                       content_type="application/json")
    assert response.status_code == 422 and "run" in response.json()["errors"]
    response = api("coordinator").post(f"{V}/runs", {"kind": "assign", "params": {"x": 1}},
                                       content_type="application/json")
    assert response.status_code == 422 and "x" in response.json()["errors"]
    response = api("coordinator").post(f"{V}/runs", {"kind": "plan"},
                                       content_type="application/json")
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    assert api("coordinator").get(f"{V}/runs/{run['id']}/proposals").status_code == 200
    missing = api("coordinator").get(f"{V}/runs/{run['id']}/files/summary.xlsx")
    assert missing.status_code == 404
    cancelled = api("coordinator").post(f"{V}/runs/{run['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.content


def test_only_analysts_train_and_promote(api, registry_dir, tmp_path, monkeypatch):
    copy = tmp_path / "registry"
    shutil.copytree(registry_dir, copy)
    monkeypatch.setattr(django_settings, "MODELS_DIR", str(copy))
    assert_denied(api("coordinator").post(f"{V}/runs", {"kind": "train", "params": {}},
                                          content_type="application/json"), "coordinator")
    listed = api("coordinator").get(f"{V}/models")
    assert listed.status_code == 200
    active = next(m["version"] for m in listed.json() if m["active"])
    url = f"{V}/models/{active}/promote"
    assert_denied(api("coordinator").post(url, {"reason": "better"},
                                          content_type="application/json"), "coordinator")
    assert_denied(api("admin").get(f"{V}/models"), "admin")
    response = api("analyst").post(url, {}, content_type="application/json")
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = api("analyst").post(url, {"reason": "   "}, content_type="application/json")
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = api("analyst").post(url, {"reason": "better calibrated"},
                                   content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["active"] == active
    entry = last_entry("promote")
    assert entry.actor == "analyst" and entry.detail["reason"] == "better calibrated"
    unknown = api("analyst").post(f"{V}/models/20000101T000000Z-abcdef/promote",
                                  {"reason": "x"}, content_type="application/json")
    assert unknown.status_code == 404


# ----------------------------------------------------------------------------- audit log


def test_administrators_read_the_audit_log_coordinators_cannot(api):
    response = api("admin").get(f"{V}/audit", {"action": "token", "limit": 3})
    assert response.status_code == 200, response.content
    body = response.json()
    assert 0 < len(body["entries"]) <= 3 and {e["action"] for e in body["entries"]} == {"token"}
    assert [e["seq"] for e in body["entries"]] == sorted((e["seq"] for e in body["entries"]),
                                                         reverse=True)
    assert last_entry().action == "read_audit"
    assert_denied(api("coordinator").get(f"{V}/audit"), "coordinator")
    bad = api("admin").get(f"{V}/audit", {"action": "nonsense"})
    assert bad.status_code == 422 and "action" in bad.json()["errors"]
    bad = api("admin").get(f"{V}/audit", {"limit": 0})
    assert bad.status_code == 422 and "limit" in bad.json()["errors"]
    bad = api("admin").get(f"{V}/audit", {"until": "0282-03-01T13:54:05-16:40"})
    assert bad.status_code == 422 and "until" in bad.json()["errors"]
    since = api("admin").get(f"{V}/audit", {"since": "2000-01-01T00:00:00+02:00",
                                             "actor": "fixture", "action": "user_add"})
    assert since.status_code == 200 and since.json()["count"] == 5


# ----------------------------------------------------------------------------- imports


def _upload(client, folder):
    return upload(client, f"{V}/imports", folder)


def test_an_import_with_one_bad_row_is_422_with_the_problem_and_imports_nothing(
        api, bad_export):
    export = bad_export
    records = Record.objects.count()
    assert_denied(_upload(api("coordinator"), export), "coordinator")
    response = _upload(api("admin"), export)
    assert response.status_code == 422, response.content
    body = response.json()
    errors = [p for p in body["problems"] if p["severity"] == "error"]
    assert [(p["file"], p["row"], p["column"], p["value"], p["rule"]) for p in errors] == \
        [("vacancies.csv", 5, "hours_per_week", "zeventig", "type")]
    assert body["errors"]["files"]
    assert Record.objects.count() == records
    listed = api("admin").get(f"{V}/imports").json()
    assert listed[0]["status"] == "rejected" and listed[0]["problem_count"] >= 1
    assert DataImport.objects.order_by("-id").first().status == "rejected"
    assert_denied(api("coordinator").get(f"{V}/imports"), "coordinator")


def test_an_upload_without_files_or_with_bad_names_is_422(api, tmp_path):
    response = api("admin").post(f"{V}/imports", {})
    assert response.status_code == 422 and "files" in response.json()["errors"]
    bad = tmp_path / "run.sh"
    bad.write_text("echo")
    with open(bad, "rb") as handle:
        response = api("admin").post(f"{V}/imports", {"files": [handle]})
    assert response.status_code == 422 and "files" in response.json()["errors"]


def test_a_valid_upload_of_the_same_export_changes_nothing(api, sample_dir):
    records = Record.objects.count()
    response = _upload(api("admin"), sample_dir)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "unchanged" and "candidates.csv" in {f["name"] for f in body["files"]}
    assert Record.objects.count() == records


def test_analysts_start_training_runs(api):
    response = api("analyst").post(f"{V}/runs", {"kind": "train", "params": {}},
                                   content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "train"
    assert api("analyst").get(f"{V}/runs/{response.json()['id']}").status_code == 200


def test_a_done_run_is_approved_and_its_files_handed_out_to_coordinators(
        api, tmp_path, open_vacancy_ids, groningen_candidates):
    from matching.web.models import Proposal, Run

    (tmp_path / "summary.csv").write_text("vacancy_id,candidate_id\n")
    run = Run.objects.create(kind="assign", status="done", created_by="coordinator",
                             output_dir=str(tmp_path), result={"files": ["summary.csv"]})
    proposal = Proposal.objects.create(source="run", run=run, vacancy_id=open_vacancy_ids[0],
                                       candidate_id=groningen_candidates[0][0], rank=1,
                                       probability=0.5, model_version="x")
    url = f"{V}/runs/{run.pk}/files/summary.csv"
    assert_denied(api("analyst").get(url), "analyst")
    response = api("coordinator").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"vacancy_id")
    assert last_entry().action == "export"
    listed = api("coordinator").get(f"{V}/runs/{run.pk}/proposals").json()
    assert [p["id"] for p in listed] == [proposal.pk]
    approve = f"{V}/runs/{run.pk}/approve"
    assert_denied(api("am").post(approve, {"start_date": "2026-12-01"},
                                 content_type="application/json"), "am")
    response = api("coordinator").post(approve, {"start_date": "2026-12-01",
                                                 "proposal_ids": [proposal.pk]},
                                       content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == 1 and body["placements"][0].startswith("W")

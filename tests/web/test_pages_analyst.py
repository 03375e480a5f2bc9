"""The analyst's pages: model versions, one version's charts and comparison, promotion with a
reason, training in the background, the documents of a version and the role rules."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from django.test import override_settings

from matching.web import engine
from matching.web.models import AuditEntry, Run

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
CANDIDATE = "20300101T000000Z-abcdef"


@pytest.fixture
def registry_copy(registry_dir, tmp_path):
    """A registry of our own with a second (candidate) version next to the active one; its
    folder holds a reliability chart as the model report writes it."""
    copy = tmp_path / "registry"
    shutil.copytree(registry_dir, copy)
    active = (copy / "ACTIVE").read_text().strip()
    shutil.copytree(copy / active, copy / CANDIDATE)
    meta_path = copy / CANDIDATE / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["version"] = CANDIDATE
    meta["metrics"]["model"]["roc_auc"] = 0.9
    meta_path.write_text(json.dumps(meta))
    (copy / CANDIDATE / "reliability.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text("not for you")
    with override_settings(MODELS_DIR=str(copy)):
        engine.invalidate()
        yield {"path": copy, "active": active}
    engine.invalidate()


def _text(response) -> str:
    return response.content.decode()


def test_the_models_page_lists_versions_with_their_metrics(page, registry_copy):
    response = page("analyst").get("/modellen/")
    assert response.status_code == 200
    html = _text(response)
    assert registry_copy["active"] in html and CANDIDATE in html
    assert f'href="/modellen/{CANDIDATE}/"' in html
    assert "ROC AUC" in html and "0,900" in html  # the candidate's AUC, the Dutch way
    assert "<caption" in html and 'scope="col"' in html
    assert 'action="/modellen/trainen/"' in html


def test_a_version_page_shows_calibration_fairness_and_the_comparison(page, registry_copy):
    response = page("analyst").get(f"/modellen/{CANDIDATE}/")
    assert response.status_code == 200
    html = _text(response)
    assert f'src="/modellen/{CANDIDATE}/reliability.png"' in html  # the report's chart
    assert html.count("<svg") >= 2 and "<circle" in html and "<rect" in html  # drawn charts
    assert re.search(r'<circle cx="\d+(\.\d+)?" cy="\d+(\.\d+)?"', html)
    assert not re.search(r' (cx|cy|x|y|x1|y1|width|height)="-?\d+,\d', html)  # no "12,5"
    assert "Eerlijkheid per groep" in html and "Doelgroep" in html
    assert "Vergelijking met de actieve versie" in html and registry_copy["active"] in html
    assert re.search(r"ROC AUC</th>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>0,900</td>", html)
    assert "beter" in html
    assert 'style="' not in html and "<script>" not in html  # the CSP allows neither
    assert 'name="reason"' in html and 'for="id_reason"' in html
    active = page("analyst").get(f"/modellen/{registry_copy['active']}/")
    assert active.status_code == 200
    assert "Dit is de actieve versie" in _text(active) and 'name="reason"' not in _text(active)
    assert page("analyst").get("/modellen/20000101T000000Z-000000/").status_code == 404


def test_the_documents_of_a_version_are_served_and_nothing_else(page, registry_copy):
    client = page("analyst")
    chart = client.get(f"/modellen/{CANDIDATE}/reliability.png")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/png"
    assert b"".join(chart.streaming_content) == PNG
    for name in ("metadata.json", "model.skops", "..%2Fsecret.txt", "score_histogram.png"):
        assert client.get(f"/modellen/{CANDIDATE}/{name}").status_code == 404, name
    assert client.get(f"/modellen/{CANDIDATE}/../../secret.txt").status_code == 404
    assert client.get("/modellen/../reliability.png").status_code == 404
    assert page("am").get(f"/modellen/{CANDIDATE}/reliability.png").status_code == 403


def test_promotion_needs_a_reason_then_makes_the_version_active(page, registry_copy):
    client = page("analyst")
    promotes = AuditEntry.objects.filter(action="promote").count()
    response = client.post(f"/modellen/{CANDIDATE}/", {"reason": "  "})
    assert response.status_code == 422
    assert "Geef een reden op." in _text(response) and 'aria-invalid="true"' in _text(response)
    assert engine.registry().active() == registry_copy["active"]
    assert AuditEntry.objects.filter(action="promote").count() == promotes
    response = client.post(f"/modellen/{CANDIDATE}/", {"reason": "beter gekalibreerd"})
    assert response.status_code == 302 and response["Location"].endswith("?promoted=1")
    assert engine.registry().active() == CANDIDATE
    entry = AuditEntry.objects.filter(action="promote").order_by("-seq").first()
    assert entry.actor == "analyst" and entry.model_version == CANDIDATE
    assert entry.detail["reason"] == "beter gekalibreerd"
    assert entry.detail["previous"] == registry_copy["active"]
    assert "is nu het actieve model" in _text(client.get(response["Location"]))


def test_training_queues_a_run_and_links_to_its_progress(page, registry_copy):
    client = page("analyst")
    response = client.post("/modellen/trainen/", {"as_of": "", "horizon_months": ""})
    assert response.status_code == 302
    run = Run.objects.order_by("-pk").first()
    assert run.kind == "train" and run.status == "queued" and run.created_by == "analyst"
    assert response["Location"] == f"/modellen/?run={run.pk}"
    html = _text(client.get(response["Location"]))
    assert f"Trainingsrun {run.pk}" in html and f'href="/runs/{run.pk}/"' in html
    assert "<progress" in html and 'hx-trigger="every 3s"' in html
    assert "in de wachtrij" in html and "bekijken" not in html
    Run.objects.filter(pk=run.pk).update(status="done", progress=1.0, model_version=CANDIDATE)
    html = _text(client.get(response["Location"]))
    assert "klaar" in html and "hx-trigger" not in html
    assert f'href="/modellen/{CANDIDATE}/">Nieuwe versie {CANDIDATE} bekijken' in html
    runs = Run.objects.count()
    bad = client.post("/modellen/trainen/", {"horizon_months": "99"})
    assert bad.status_code == 422 and "van 1 tot 60" in _text(bad)
    assert Run.objects.count() == runs


def test_a_coordinator_cannot_promote_or_train_an_account_manager_sees_no_models(
        page, registry_copy):
    before = engine.registry().active()
    response = page("coordinator").post(f"/modellen/{CANDIDATE}/", {"reason": "ik wil het"})
    assert response.status_code == 403
    assert engine.registry().active() == before
    denied = AuditEntry.objects.order_by("-seq").first()
    assert (denied.action, denied.actor) == ("denied", "coordinator")
    runs = Run.objects.count()
    assert page("coordinator").post("/modellen/trainen/", {}).status_code == 403
    assert Run.objects.count() == runs
    assert page("coordinator").get("/modellen/").status_code == 200  # coordinators may look
    for path in ("/modellen/", f"/modellen/{CANDIDATE}/"):
        assert page("am").get(path).status_code == 403
        assert page("admin").get(path).status_code == 403
    assert page(None).get("/modellen/").status_code == 302  # to the sign-in page

"""The coordinator's pages: starting a regional assignment run from the form, its progress
partial, the result page (KPIs, coverage chart, baselines, map), approval one by one (htmx)
and in bulk, the exports, and the role rules (403 for account managers and analysts)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from matching.web import worker
from matching.web.models import AuditEntry, Placement, Proposal, Run


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(django_settings, "RUNS_DIR", tmp_path / "runs")
    return tmp_path / "runs"


def _pair(dataset):
    candidate = sorted(dataset.available_candidates["candidate_id"])[0]
    vacancy = sorted(dataset.open_vacancies["vacancy_id"])[0]
    return candidate, vacancy


def test_the_form_queues_a_run_with_the_given_policy(page, dataset):
    co = page("coordinator")
    listing = co.get("/runs/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert 'name="objective"' in body and 'name="locked_file"' in body
    candidate, vacancy = _pair(dataset)
    forbidden = SimpleUploadedFile("forbidden.csv", f"candidate_id,vacancy_id\n{candidate},{vacancy}\n"
                                   .encode(), content_type="text/csv")
    response = co.post("/runs/", {"objective": "durable+sroi", "min_score": "0,3",
                                  "max_per_employer": "4", "time_limit_s": "30",
                                  "min_share": "doelgroepregister=20%",
                                  "locked": "", "forbidden_file": forbidden})
    assert response.status_code == 302
    run = Run.objects.order_by("-pk").first()
    assert response["Location"] == f"/runs/{run.pk}/"
    assert run.status == Run.Status.QUEUED and run.created_by == "coordinator"
    assert run.params["objective"] == "durable+sroi"
    assert run.params["min_score"] == pytest.approx(0.3)
    assert run.params["max_per_employer"] == 4 and run.params["time_limit_s"] == 30
    assert run.params["min_share"] == {"doelgroepregister": pytest.approx(0.2)}
    assert run.params["forbidden"] == [[candidate, vacancy]] and run.params["locked"] == []
    assert run.params["lang"] == "nl"
    assert f"run:{run.pk}" in AuditEntry.objects.filter(action="run_start").order_by("-seq") \
        .first().subjects
    assert f"/runs/{run.pk}/" in co.get("/runs/").content.decode()


def test_a_bad_locked_pair_is_shown_at_its_field_and_queues_nothing(page, dataset):
    co = page("coordinator")
    _, vacancy = _pair(dataset)
    before = Run.objects.count()
    response = co.post("/runs/", {"objective": "durable", "locked": f"NO-SUCH-CANDIDATE,{vacancy}"})
    assert response.status_code == 422 and Run.objects.count() == before
    body = response.content.decode()
    assert re.search(r'id="e-locked"[^>]*>[^<]*NO-SUCH-CANDIDATE', body)
    assert 'aria-invalid="true"' in body and "NO-SUCH-CANDIDATE" in body  # the input is kept
    bad = co.post("/runs/", {"min_score": "hoog"})
    assert bad.status_code == 422 and 'id="e-min_score"' in bad.content.decode()
    assert Run.objects.count() == before


def test_the_progress_partial_shows_the_stage_and_a_value(page):
    co = page("coordinator")
    co.post("/runs/", {"objective": "durable"})
    run = Run.objects.order_by("-pk").first()
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING, stage="scoring", progress=0.15)
    partial = co.get(f"/runs/{run.pk}/voortgang/", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body
    assert re.search(r'<progress[^>]*max="100"[^>]*value="15"', body)
    assert 'aria-live="polite"' in body and 'hx-trigger="every 2s"' in body
    assert f'hx-get="/runs/{run.pk}/voortgang/"' in body
    assert "kansen berekenen" in body and "bezig" in body  # the stage, in Dutch
    page_ = co.get(f"/runs/{run.pk}/").content.decode()
    assert 'id="run-progress"' in page_ and "<progress" in page_
    Run.objects.filter(pk=run.pk).update(status=Run.Status.FAILED, error="boom")
    final = co.get(f"/runs/{run.pk}/voortgang/", HTTP_HX_REQUEST="true")
    assert final["HX-Refresh"] == "true" and "every 2s" not in final.content.decode()


def test_a_done_run_shows_its_result_approves_and_exports(page, runs_dir, dataset):
    co = page("coordinator")
    assert co.post("/runs/", {"objective": "durable"}).status_code == 302
    run = Run.objects.order_by("-pk").first()
    assert worker.work(once=True, heartbeat=False) == 1
    run.refresh_from_db()
    assert run.status == Run.Status.DONE, run.error
    summary = run.result["summary"]
    body = co.get(f"/runs/{run.pk}/").content.decode()
    # the KPIs
    assert "Verwachte duurzame plaatsingen" in body and "Voorgestelde plaatsingen" in body
    assert f'<p class="count">{summary["n_assigned"]}</p>' in body
    # the coverage chart: one bar per project of the result, and the table
    projects = (runs_dir / str(run.pk) / "project_coverage.csv").read_text(encoding="utf-8-sig") \
        .strip().splitlines()[1:]
    chart = re.search(r'<svg class="chart coverage-chart".*?</svg>', body, re.S).group(0)
    assert "<title" in chart and len(re.findall(r'<g class="bar"', chart)) == len(projects) > 0
    table = re.search(r'<table class="utrecht-table coverage-table">.*?</table>', body, re.S).group(0)
    assert table.count('scope="row"') == len(projects)
    # the gain against the local-only and greedy baselines
    for method, gain in (("local_only", summary["gain_vs_local_pct"]),
                         ("greedy", summary["gain_vs_greedy_pct"])):
        row = re.search(rf'data-method="{method}".*?</tr>', body, re.S).group(0)
        assert f"{gain:.1f}".replace(".", ",") + "%" in row
    # the map: an svg with at least one line, a title and a text alternative
    flow_map = re.search(r'<svg class="chart flow-map".*?</svg>', body, re.S).group(0)
    assert "<line " in flow_map and "<title" in flow_map and "<desc" in flow_map
    assert 'id="co-map-alt"' in body and "style=" not in flow_map + chart
    # coordinates are plain numbers, never localised (a Dutch decimal comma breaks the SVG)
    assert not re.search(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height)="[^"]*,', flow_map + chart)
    # the exports: Excel and HTML download as attachments, audited
    for name in ("assignments.xlsx", "report.html"):
        assert f'/runs/{run.pk}/bestanden/{name}' in body
        before = AuditEntry.objects.filter(action="export", actor="coordinator").count()
        download = co.get(f"/runs/{run.pk}/bestanden/{name}")
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        assert name in download["Content-Disposition"]
        assert b"".join(download.streaming_content)
        entry = AuditEntry.objects.filter(action="export", actor="coordinator").order_by("-seq")
        assert entry.count() == before + 1 and entry.first().detail["file"] == name
    assert co.get(f"/runs/{run.pk}/bestanden/../../etc/passwd").status_code == 404
    # approve one by one through htmx: a row comes back
    proposals = list(Proposal.objects.filter(run=run, status="open").order_by("pk"))
    assert len(proposals) == summary["n_assigned"]
    first, second = proposals[0], proposals[1]
    assert f'id="proposal-{first.pk}"' in body
    row = co.post(f"/runs/{run.pk}/goedkeuren/", {"proposal_id": str(first.pk),
                                                  "decision": "accept",
                                                  "start_date": "2026-03-01"},
                  HTTP_HX_REQUEST="true")
    text = row.content.decode()
    assert row.status_code == 200 and text.lstrip().startswith("<tr") and "<html" not in text
    assert 'data-status="accepted"' in text
    assert Placement.objects.filter(proposal_id=first.pk).count() == 1
    no_reason = co.post(f"/runs/{run.pk}/goedkeuren/", {"proposal_id": str(second.pk),
                                                        "decision": "reject"},
                        HTTP_HX_REQUEST="true")
    assert no_reason.status_code == 422 and "reason" in no_reason.content.decode()
    rejected = co.post(f"/runs/{run.pk}/goedkeuren/", {"proposal_id": str(second.pk),
                                                       "decision": "reject",
                                                       f"reason_{second.pk}": "te ver"},
                       HTTP_HX_REQUEST="true")
    assert rejected.status_code == 200 and 'data-status="rejected"' in rejected.content.decode()
    # bulk: all open proposals become placements
    still_open = Proposal.objects.filter(run=run, status="open").count()
    bulk = co.post(f"/runs/{run.pk}/goedkeuren/", {"scope": "all", "start_date": "2026-03-01"})
    assert bulk.status_code == 200
    assert Proposal.objects.filter(run=run, status="open").count() == 0
    made = Placement.objects.filter(proposal__run=run).count()
    assert made == 1 + still_open
    assert f"{still_open} voorstellen goedgekeurd" in bulk.content.decode()
    # the analyst sees the result but not the proposals, and may not approve
    analyst = page("analyst")
    seen = analyst.get(f"/runs/{run.pk}/")
    assert seen.status_code == 200 and 'id="proposals"' not in seen.content.decode()
    assert analyst.get(f"/runs/{run.pk}/bestanden/report.html").status_code == 403


@pytest.mark.parametrize("name", ["am", "analyst"])
def test_others_may_not_start_or_approve(page, name):
    run = Run.objects.create(kind=Run.Kind.ASSIGN, params={}, created_by="coordinator",
                             status=Run.Status.DONE)
    proposal = Proposal.objects.create(source=Proposal.Source.RUN, run=run, vacancy_id="V1",
                                       candidate_id="C1", rank=1, probability=0.5,
                                       model_version="x")
    client = page(name)
    before = Run.objects.count()
    start = client.post("/runs/", {"objective": "durable"})
    assert start.status_code == 403 and Run.objects.count() == before
    for data in ({"scope": "all", "start_date": "2026-03-01"},
                 {"proposal_id": str(proposal.pk), "start_date": "2026-03-01"}):
        response = client.post(f"/runs/{run.pk}/goedkeuren/", data)
        assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == "open"
    assert AuditEntry.objects.filter(action="denied", actor=name).exists()
    assert "Geen toegang" in start.content.decode()


def test_a_runs_proposals_are_shown_a_page_at_a_time(page, runs_dir, monkeypatch):
    from matching.web.models import Proposal
    from matching.web.pages import coordinator

    coordinator_client = page("coordinator")
    coordinator_client.post("/runs/", {"objective": "durable"})
    assert worker.work(once=True, heartbeat=False) == 1
    run_id = Proposal.objects.filter(source="run").values_list("run_id", flat=True).first()
    total = Proposal.objects.filter(run_id=run_id).count()
    assert total > 5
    monkeypatch.setattr(coordinator, "PROPOSALS_PER_PAGE", 5)
    first = coordinator_client.get(f"/runs/{run_id}/").content.decode()
    second = coordinator_client.get(f"/runs/{run_id}/?page=2").content.decode()
    pages = -(-total // 5)
    assert f"Pagina 1 van {pages}" in first and f"Pagina 2 van {pages}" in second
    rows = Proposal.objects.filter(run_id=run_id).order_by("id")
    ids_first = [p.candidate_id for p in rows if f"proposal-{p.pk}\"" in first]
    ids_second = [p.candidate_id for p in rows if f"proposal-{p.pk}\"" in second]
    assert len(ids_first) == 5 and len(ids_second) == 5 and not set(ids_first) & set(ids_second)

"""Background runs in-process: role rules, field errors, an assignment and a training run
executed by the worker (``work(once=True)``), cancellation, approval and exports.

The worker runs here without its heartbeat thread: the test database (in memory on SQLite)
is seen by this thread's connection only. Real processes: ``test_worker_processes.py``.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from django.conf import settings as django_settings

from matching.model.registry import Registry
from matching.web import runs, worker
from matching.web.models import AuditEntry, Placement, Proposal, Run
from matching.web.permissions import Denied
from matching.web.services import FieldError, NotFound


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(django_settings, "RUNS_DIR", tmp_path / "runs")
    return tmp_path / "runs"


def _denied(users, name, call, *args, **kwargs):
    before = AuditEntry.objects.filter(action="denied", actor=name).count()
    with pytest.raises(Denied):
        call(users[name], *args, **kwargs)
    entry = AuditEntry.objects.filter(action="denied", actor=name).order_by("-seq").first()
    assert AuditEntry.objects.filter(action="denied", actor=name).count() == before + 1
    assert entry.outcome == "denied"


def test_who_may_start_which_run(users):
    run = runs.start_run(users["coordinator"], "assign", {})
    assert run.status == Run.Status.QUEUED and run.kind == "assign"
    assert len(run.input_sha256) == 64 and run.params["objective"] == "durable"
    entry = AuditEntry.objects.filter(action="run_start").order_by("-seq").first()
    assert entry.actor == "coordinator" and f"run:{run.pk}" in entry.subjects
    assert entry.input_sha256 == run.input_sha256
    for name in ("analyst", "am", "admin"):
        _denied(users, name, runs.start_run, "assign", {})
    train = runs.start_run(users["analyst"], "train", {"horizon_months": 6})
    assert train.kind == "train" and train.params["horizon_months"] == 6
    for name in ("coordinator", "am"):
        _denied(users, name, runs.start_run, "train", {})


def test_same_inputs_same_hash_and_other_options_another(users):
    a = runs.start_run(users["coordinator"], "assign", {"min_score": 0.3})
    b = runs.start_run(users["coordinator"], "assign", {"min_score": 0.3})
    c = runs.start_run(users["coordinator"], "assign", {"min_score": 0.4})
    assert a.input_sha256 == b.input_sha256 != c.input_sha256


def test_bad_params_are_field_errors(users, dataset):
    co = users["coordinator"]
    vacancy = sorted(dataset.open_vacancies["vacancy_id"])[0]
    cases = [
        ({"min_score": 2}, "min_score"),
        ({"min_score": "high"}, "min_score"),
        ({"objective": "fastest"}, "objective"),
        ({"locked": [["NO-SUCH-CANDIDATE", vacancy]]}, "locked"),
        ({"forbidden": [["x"]]}, "forbidden"),
        ({"min_share": {"doelgroepregister": 1.5}}, "min_share"),
        ({"min_share": {"no-such-group": 0.2}}, "min_share"),
        ({"max_per_employer": 0}, "max_per_employer"),
        ({"time_limit_s": 601}, "time_limit_s"),
        ({"lang": "de"}, "lang"),
        ({"colour": "red"}, "colour"),
    ]
    for params, field in cases:
        with pytest.raises(FieldError) as caught:
            runs.start_run(co, "assign", params)
        assert field in caught.value.errors, (params, caught.value.errors)
    an = users["analyst"]
    for params, field in [({"as_of": "01-03-2026"}, "as_of"), ({"as_of": "2999-01-01"}, "as_of"),
                          ({"horizon_months": 61}, "horizon_months"),
                          ({"horizon_months": 1.5}, "horizon_months")]:
        with pytest.raises(FieldError) as caught:
            runs.start_run(an, "train", params)
        assert field in caught.value.errors
    with pytest.raises(FieldError) as caught:
        runs.start_run(co, "simulate", {})
    assert "kind" in caught.value.errors
    assert not Run.objects.exists()


def test_a_locked_pair_that_cannot_hold_is_a_field_error(users, dataset):
    candidates = dataset.candidates
    unavailable = candidates.loc[candidates["status"] != "available", "candidate_id"]
    vacancy = sorted(dataset.open_vacancies["vacancy_id"])[0]
    if unavailable.empty:
        pytest.skip("the sample has no unavailable candidate")
    with pytest.raises(FieldError) as caught:
        runs.start_run(users["coordinator"], "assign",
                       {"locked": [[unavailable.iloc[0], vacancy]]})
    assert "not available" in caught.value.errors["locked"]


def test_status_and_cancel_of_a_queued_run(users):
    run = runs.start_run(users["coordinator"], "assign", {"lang": "en"})
    for name in ("coordinator", "analyst"):
        status = runs.run_status(users[name], run.pk)
        assert status["status"] == "queued" and status["progress"] == 0.0
        assert status["created_by"] == "coordinator" and status["files"] == []
    _denied(users, "am", runs.run_status, run.pk)
    _denied(users, "am", runs.cancel_run, run.pk)
    with pytest.raises(NotFound):
        runs.run_status(users["coordinator"], 999_999)
    cancelled = runs.cancel_run(users["analyst"], run.pk)
    assert cancelled.status == Run.Status.CANCELLED and cancelled.finished_at is not None
    entry = AuditEntry.objects.filter(action="run_cancel").order_by("-seq").first()
    assert entry.actor == "analyst" and entry.subjects == [f"run:{run.pk}"]
    assert entry.detail["was"] == "queued"
    with pytest.raises(FieldError):
        runs.cancel_run(users["coordinator"], run.pk)
    assert worker.work(once=True, heartbeat=False) == 0  # nothing left to execute


def test_an_assignment_run_end_to_end(users, runs_dir, dataset):
    co = users["coordinator"]
    run = runs.start_run(co, "assign", {"objective": "durable", "lang": "en"})
    assert worker.work(once=True, worker_id="test-worker", heartbeat=False) == 1
    status = runs.run_status(co, run.pk)
    assert status["status"] == "done", status["error"]
    assert status["progress"] == 1.0 and status["stage"] == "done"
    assert status["model_version"] and status["error"] is None
    summary = status["result"]
    assert {"assignments.csv", "summary.json", "report.html"} <= set(status["files"])
    proposals = runs.run_proposals(co, run.pk)
    assert len(proposals) == summary["n_assigned"] > 0
    assert sum(p["probability"] for p in proposals) == pytest.approx(
        summary["expected_durable"], abs=1e-3 * len(proposals))
    assert all(p["status"] == "open" for p in proposals)
    stored = Proposal.objects.filter(run=run)
    assert all(p.source == "run" and p.model_version == status["model_version"] for p in stored)
    municipality = dict(zip(dataset.candidates["candidate_id"],
                            dataset.candidates["municipality_code"], strict=True))
    assert all(p.organisation == municipality[p.candidate_id] for p in stored)
    assert AuditEntry.objects.filter(action="view_run", actor="coordinator").exists()
    finish = AuditEntry.objects.filter(action="run_finish").order_by("-seq").first()
    assert finish.outcome == "ok" and f"run:{run.pk}" in finish.subjects

    # who may see proposals, approve and export
    for call, args in ((runs.run_proposals, ()), (runs.approve_run, (None, date(2026, 3, 1))),
                       (runs.run_file, ("summary.json",))):
        _denied(users, "analyst", call, run.pk, *args)
    assert runs.run_status(users["analyst"], run.pk)["status"] == "done"

    # files: only the listed names, never a path outside the run's folder
    path = runs.run_file(co, run.pk, "summary.json")
    assert path.is_file() and path.parent == runs_dir / str(run.pk)
    assert AuditEntry.objects.filter(action="export", actor="coordinator").exists()
    for name in ("../../etc/passwd", "/etc/passwd", "nope.csv", ""):
        with pytest.raises(NotFound):
            runs.run_file(co, run.pk, name)

    # approval: unknown ids refused, then all open ones accepted as placements
    with pytest.raises(FieldError):
        runs.approve_run(co, run.pk, [10**9], date(2026, 3, 1))
    with pytest.raises(FieldError):
        runs.approve_run(co, run.pk, None, "soon")
    first = proposals[0]["id"]
    one = runs.approve_run(co, run.pk, [first], "2026-03-01")
    assert one["accepted"] == 1 and Placement.objects.filter(proposal_id=first).exists()
    rest = runs.approve_run(co, run.pk, None, date(2026, 3, 1))
    assert rest["accepted"] + rest["skipped"] == len(proposals) - 1 and rest["open"] == 0
    assert Placement.objects.filter(proposal__run=run).count() == 1 + rest["accepted"]
    assert rest["accepted"] == len(proposals) - 1  # an optimal assignment: one job each
    assert AuditEntry.objects.filter(action="decision", actor="coordinator").count() \
        == len(proposals)


def test_an_approval_of_a_run_not_done_is_refused(users):
    run = runs.start_run(users["coordinator"], "assign", {})
    with pytest.raises(FieldError):
        runs.approve_run(users["coordinator"], run.pk, None, date(2026, 3, 1))


def test_a_run_without_an_active_model_fails_with_the_reason(users, runs_dir, tmp_path,
                                                            monkeypatch):
    monkeypatch.setattr(django_settings, "MODELS_DIR", str(tmp_path / "empty-registry"))
    run = runs.start_run(users["coordinator"], "assign", {})
    worker.work(once=True, heartbeat=False)
    status = runs.run_status(users["coordinator"], run.pk)
    assert status["status"] == "failed" and "no active model" in status["error"]
    finish = AuditEntry.objects.filter(action="run_finish").order_by("-seq").first()
    assert finish.outcome == "failed"
    assert not Proposal.objects.filter(run_id=run.pk).exists()


def test_a_cancel_requested_while_running_stops_at_the_next_stage(users, runs_dir):
    run = runs.start_run(users["coordinator"], "assign", {})
    claimed = worker.claim("test-worker")
    assert claimed.pk == run.pk and claimed.status == Run.Status.RUNNING
    assert runs.cancel_run(users["coordinator"], run.pk).cancel_requested
    assert worker.execute(claimed, heartbeat=False) == Run.Status.CANCELLED
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED and not Proposal.objects.filter(run=run).exists()


def test_workers_claim_the_oldest_queued_run_each_once(users):
    first = runs.start_run(users["coordinator"], "assign", {})
    second = runs.start_run(users["analyst"], "train", {})
    a, b = worker.claim("worker-a"), worker.claim("worker-b")
    assert (a.pk, a.worker, b.pk, b.worker) == (first.pk, "worker-a", second.pk, "worker-b")
    assert a.started_at is not None and a.heartbeat_at is not None
    assert worker.claim("worker-c") is None
    assert runs.run_status(users["analyst"], second.pk)["status"] == "running"


def test_a_stale_running_run_is_marked_failed(users, monkeypatch):
    from datetime import timedelta

    from django.conf import settings as django_settings
    from django.utils import timezone

    run = runs.start_run(users["coordinator"], "assign", {})
    worker.claim("gone-worker")
    stale_s = float(django_settings.WORKER_STALE_S)
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=stale_s - 5))
    assert runs.run_status(users["analyst"], run.pk)["status"] == "running"  # not yet stale
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=stale_s + 1))
    status = runs.run_status(users["analyst"], run.pk)
    assert status["status"] == "failed"
    assert status["error"].startswith("the worker stopped (no heartbeat since ")
    entry = AuditEntry.objects.filter(action="run_finish").order_by("-seq").first()
    assert entry.outcome == "failed" and entry.actor == "gone-worker"
    assert runs.mark_stale_runs() == 0


@pytest.mark.slow
def test_a_training_run_registers_a_model_without_promoting_it(users, registry_dir, tmp_path,
                                                               monkeypatch):
    registry_path = tmp_path / "registry"
    shutil.copytree(registry_dir, registry_path)
    monkeypatch.setattr(django_settings, "MODELS_DIR", str(registry_path))
    active = Registry(registry_path).active()
    run = runs.start_run(users["analyst"], "train", {})
    assert worker.work(once=True, heartbeat=False) == 1
    status = runs.run_status(users["analyst"], run.pk)
    assert status["status"] == "done", status["error"]
    version = status["model_version"]
    assert version and version != active
    registry = Registry(registry_path)
    assert registry.active() == active
    assert version in registry.versions()
    assert status["result"]["version"] == version and status["result"]["promoted"] is False
    entry = AuditEntry.objects.filter(action="train").order_by("-seq").first()
    assert entry.actor == "analyst" and version in entry.subjects

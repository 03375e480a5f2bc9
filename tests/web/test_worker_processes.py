"""The worker and the web server as real processes on their own database.

(a) a run queued through the HTTP API while no worker is up is executed by a worker started
later, and its result is readable from a restarted web process; (b) a worker killed with
SIGKILL mid-run is found out by its missing heartbeat; (c) SIGTERM stops a worker cleanly and
marks its run failed ("worker stopped").
"""

from __future__ import annotations

import json
import signal

import pytest

from .processes import (  # noqa: F401  (the fixtures service and service_db)
    Http,
    free_port,
    run_row,
    service_db_fixture,
    service_fixture,
    wait_for,
)

pytestmark = pytest.mark.slow

USERS = {"coordinator": "coordinator"}

QUEUE = ("from django.contrib.auth import get_user_model\n"
         "from matching.web import runs\n"
         "user = get_user_model().objects.get(username='coordinator')\n"
         "print(json.dumps(runs.start_run(user, 'assign', {'lang': 'en'}).pk))\n")


def _serve(service, port: int):
    return service.start("serve", "--port", str(port), "--threads", "2", name="serve")


def test_a_run_queued_without_a_worker_is_done_later_and_outlives_the_web_process(
        service, sample_dir):
    service.prepare(sample_dir, USERS)
    port = free_port()
    http = Http(port, service.token("coordinator"))
    web = _serve(service, port)
    wait_for(http.up, 30, lambda: f"the web process to answer\n{web.output()}", every=0.2)
    status, body = http.call("POST", "/runs", {"kind": "assign", "params": {"lang": "en"}})
    assert status == 200, body
    run_id = body["id"]
    assert body["status"] == "queued"
    status, body = http.call("GET", f"/runs/{run_id}")
    assert status == 200 and body["status"] == "queued", body

    web.terminate()  # the web process goes away
    assert run_row(service.url, run_id)["status"] == "queued"  # nobody worked on it

    worker = service.start("worker", "--poll", "0.2", name="worker")
    web = _serve(service, port)
    wait_for(http.up, 30, lambda: f"the restarted web process\n{web.output()}", every=0.2)
    wait_for(lambda: run_row(service.url, run_id)["status"] in ("done", "failed"), 120,
             lambda: f"the run to end\n{worker.output()}", every=0.2)
    status, body = http.call("GET", f"/runs/{run_id}")
    assert status == 200 and body["status"] == "done", (body, worker.output())
    assert body["progress"] == 1.0 and body["result"]["n_assigned"] > 0
    assert "summary.json" in body["files"]
    status, summary = http.call("GET", f"/runs/{run_id}/files/summary.json")
    assert status == 200
    summary = summary if isinstance(summary, dict) else json.loads(summary)
    assert summary["n_assigned"] == body["result"]["n_assigned"]
    status, proposals = http.call("GET", f"/runs/{run_id}/proposals")
    assert status == 200 and len(proposals) == body["result"]["n_assigned"]

    assert worker.terminate() == 0, worker.output()  # idle: a clean stop
    assert f"run {run_id} done" in worker.output()
    web.terminate()


def test_a_worker_killed_mid_run_is_reported_failed_by_its_missing_heartbeat(
        service, sample_dir):
    service.extra_env.update({"SROI_MATCH_HEARTBEAT_S": "0.5", "SROI_MATCH_STALE_S": "2"})
    service.prepare(sample_dir, USERS)
    run_id = service.python(QUEUE)
    worker = service.start("worker", "--poll", "0.1", name="worker")
    started = wait_for(lambda: (row := run_row(service.url, run_id))["status"] == "running"
                       and row, 60, lambda: f"the run to start\n{worker.output()}", every=0.05)
    # the heartbeat thread stamps the run while the workflow computes (within one stage)
    seen = [(started["stage"], started["heartbeat_at"])]

    def beat_within_a_stage() -> bool:
        row = run_row(service.url, run_id)
        seen.append((row["stage"], row["heartbeat_at"]))
        (stage_a, beat_a), (stage_b, beat_b) = seen[-2:]
        return stage_a == stage_b and beat_a != beat_b

    wait_for(beat_within_a_stage, 10, lambda: f"a heartbeat: {seen}", every=0.1)
    assert run_row(service.url, run_id)["status"] == "running", worker.output()
    worker.signal(signal.SIGKILL)
    worker.kill()
    assert run_row(service.url, run_id)["status"] == "running"  # nobody has noticed yet
    wait_for(lambda: service.python(
        "from matching.web import runs\nprint(json.dumps(runs.mark_stale_runs()))\n") == 1
        or run_row(service.url, run_id)["status"] == "failed", 30, "the stale run", every=0.5)
    row = run_row(service.url, run_id)
    assert row["status"] == "failed"
    assert row["error"].startswith("the worker stopped (no heartbeat since ")
    # a new worker finds nothing to do, and the failure is in the audit log
    service.cli("worker", "--once")
    entries = service.python("from matching.web.models import AuditEntry\n"
                             "print(json.dumps([[e.action, e.outcome] for e in "
                             "AuditEntry.objects.filter(action='run_finish')]))\n")
    assert entries == [["run_finish", "failed"]]


def test_sigterm_stops_the_worker_and_marks_its_run_failed(service, sample_dir):
    service.extra_env.update({"SROI_MATCH_HEARTBEAT_S": "0.5"})
    service.prepare(sample_dir, USERS)
    run_id = service.python(QUEUE)
    worker = service.start("worker", "--poll", "0.1", name="worker")
    wait_for(lambda: run_row(service.url, run_id)["status"] == "running", 60,
             lambda: f"the run to start\n{worker.output()}", every=0.05)
    assert worker.terminate() == 0, worker.output()
    row = run_row(service.url, run_id)
    assert (row["status"], row["error"]) in (("failed", "worker stopped"), ("done", "")), row
    assert "stopped after 1 run(s)" in worker.output()

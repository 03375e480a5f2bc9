"""The worker: executes queued runs, one at a time, through the workflows the CLI uses.

``sroi-match worker`` calls :func:`work`. Several workers may share one database: a run is
claimed atomically (PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``; SQLite: the connection's
IMMEDIATE transactions serialise the conditional ``UPDATE … WHERE status='queued'``).
While a run executes, a heartbeat thread (its own database connection) stamps
``heartbeat_at`` every ``WORKER_HEARTBEAT_S`` seconds; a run whose heartbeat stops is marked
failed by :func:`matching.web.runs.mark_stale_runs`. Stage and progress are stored at each
stage boundary of the workflow, where a requested cancellation is honoured as well.

No matching logic here: assignment is :func:`matching.workflows.assign.run_assignment`, its
files :func:`matching.reports.assign_outputs.write_outputs`, training
:func:`matching.workflows.train.train_and_register`. The database error field and the log
hold ids and exception messages only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.db import DatabaseError, close_old_connections, connection, connections, transaction
from django.utils import timezone

from matching.core.errors import ModelError
from matching.web import audit, engine
from matching.web.models import Proposal, Run, User
from matching.web.permissions import role_of
from matching.web.runs import mark_stale_runs

__all__ = ["WorkerStopped", "claim", "execute", "work"]

log = logging.getLogger("matching.web")

ASSIGN_STAGES = {"loading": 0.02, "profiles": 0.05, "scoring": 0.15, "solving": 0.5,
                 "baselines": 0.7, "outputs": 0.8, "writing": 0.85, "saving": 0.97}
TRAIN_STAGES = {"loading": 0.02, "training": 0.1, "saving": 0.95}
"""The progress (0–1) a run has reached when it enters each stage."""


class WorkerStopped(BaseException):
    """The worker process was told to stop (SIGTERM/SIGINT) while a run executed."""


class RunCancelled(Exception):
    """A cancellation was requested; raised at the next stage boundary."""


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ----------------------------------------------------------------------------- claim


def claim(worker_id: str) -> Run | None:
    """Take the oldest queued run for ``worker_id`` (atomically), or None when none waits."""
    while True:
        now = timezone.now()
        with transaction.atomic():
            queued = Run.objects.filter(status=Run.Status.QUEUED).order_by("pk")
            if connection.vendor == "postgresql":
                queued = queued.select_for_update(skip_locked=True)
            pk = queued.values_list("pk", flat=True).first()
            if pk is None:
                return None
            taken = Run.objects.filter(pk=pk, status=Run.Status.QUEUED).update(
                status=Run.Status.RUNNING, started_at=now, heartbeat_at=now,
                worker=worker_id[:100], stage="starting", progress=0.0)
        if taken:
            return Run.objects.get(pk=pk)
        # cancelled or taken by another worker between the read and the update: next one


# ----------------------------------------------------------------------------- heartbeat


class _Heartbeat(threading.Thread):
    """Stamps the run's ``heartbeat_at`` from its own thread (and database connection)."""

    def __init__(self, run_pk: int, interval_s: float) -> None:
        super().__init__(name=f"heartbeat-run-{run_pk}", daemon=True)
        self.run_pk = run_pk
        self.interval_s = max(0.05, float(interval_s))
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            while not self._halt.wait(self.interval_s):
                try:
                    Run.objects.filter(pk=self.run_pk, status=Run.Status.RUNNING).update(
                        heartbeat_at=timezone.now())
                except DatabaseError as exc:
                    log.warning("run %s: heartbeat not stored (%s)", self.run_pk,
                                type(exc).__name__)
        finally:
            connections.close_all()  # this thread's connections only

    def halt(self) -> None:
        self._halt.set()
        self.join(timeout=max(5.0, 2 * self.interval_s))


# ----------------------------------------------------------------------------- execution


class _StopState:
    """What the signal handler and the loop share."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.interruptible = False
        self.signal_name = ""

    @property
    def requested(self) -> bool:
        return self.event.is_set()


class _Execution:
    """One run being executed: stage and progress updates, cancellation checks."""

    def __init__(self, run: Run, stages: dict[str, float]) -> None:
        self.run = run
        self.stages = stages
        self.progress = 0.0

    def _cancel_requested(self) -> bool:
        """A cancellation was asked for, or the run was ended meanwhile (found stale)."""
        row = Run.objects.filter(pk=self.run.pk).values_list("cancel_requested", "status").first()
        return row is None or bool(row[0]) or row[1] != Run.Status.RUNNING

    def enter(self, label: str) -> None:
        if self._cancel_requested():
            raise RunCancelled(label)
        self.progress = max(self.progress, self.stages.get(label, self.progress))
        Run.objects.filter(pk=self.run.pk, status=Run.Status.RUNNING).update(
            stage=label[:100], progress=self.progress, heartbeat_at=timezone.now())
        log.info("run %s: %s", self.run.pk, label)

    @contextlib.contextmanager
    def stage(self, label: str) -> Iterator[None]:
        """The workflows' ``progress(label)``: a stage boundary on entry and on exit."""
        self.enter(label)
        yield
        if self._cancel_requested():
            raise RunCancelled(label)


def _jsonable(value: Any) -> Any:
    """Plain JSON (no NaN: PostgreSQL's jsonb refuses it; numpy scalars as numbers)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, bool | int | str):
        return value
    return json.loads(json.dumps(value, default=str))


def _finish(run: Run, status: str, *, error: str = "", outcome: str = "failed") -> bool:
    """End a running run as failed or cancelled (unless it ended otherwise meanwhile)."""
    with transaction.atomic():
        changed = Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING).update(
            status=status, error=error[:4000], finished_at=timezone.now(), stage=status)
        if changed:
            audit.record("run_finish", actor=run.worker or "worker", role="system",
                         subjects=[f"run:{run.pk}"], outcome=outcome,
                         model_version=run.model_version, input_sha256=run.input_sha256,
                         detail={"kind": run.kind, "status": status})
    return bool(changed)


def _settings_for(run: Run) -> Any:
    params = run.params or {}
    if run.kind == Run.Kind.ASSIGN:
        return engine.engine_settings(lang=params.get("lang"), min_score=params.get("min_score"))
    return engine.engine_settings(horizon_months=params.get("horizon_months"))


def _pair_frame(pairs: list[list[str]] | None) -> Any:
    import pandas as pd

    if not pairs:
        return None
    return pd.DataFrame([list(p) for p in pairs], columns=["candidate_id", "vacancy_id"],
                        dtype=object)


def _folder_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _execute_assign(run: Run, ex: _Execution, stop: _StopState) -> None:
    from matching.core.folders import StagedFolder
    from matching.reports.assign_outputs import write_outputs
    from matching.workflows.assign import AssignOptions, check_locks, run_assignment

    params = run.params or {}
    with ex.stage("loading"):
        eng = engine.current()
        if eng.model is None:
            raise ModelError("no active model: an analyst trains one (a training run, or "
                             "sroi-match train --db) and promotes it")
        settings = _settings_for(run)
        locked, forbidden = _pair_frame(params.get("locked")), _pair_frame(params.get("forbidden"))
        check_locks(eng.dataset, locked, forbidden)  # the data may have changed since queued
    run.model_version = eng.model_version or ""
    Run.objects.filter(pk=run.pk).update(model_version=run.model_version)
    options = AssignOptions(objective=params.get("objective", "durable"),
                            min_score=params.get("min_score"),
                            max_per_employer=params.get("max_per_employer"),
                            min_share=params.get("min_share") or None,
                            time_limit_s=float(params.get("time_limit_s") or 60.0),
                            lang=settings.lang)
    result = run_assignment(eng.dataset, eng.model, settings, options=options, locked=locked,
                            forbidden=forbidden, progress=ex.stage)
    folder = Path(django_settings.RUNS_DIR) / str(run.pk)
    with ex.stage("writing"), StagedFolder(folder, marker="summary.json",
                                           what=f"the output folder of run {run.pk}") as staged:
        write_outputs(result, staged.path, lang=settings.lang, report=True)
        staged.publish()
    files = _folder_files(folder)
    summary = _jsonable(result.summary.to_dict())
    municipality = dict(zip(eng.dataset.candidates["candidate_id"],
                            eng.dataset.candidates["municipality_code"], strict=False))
    table = result.assignments.sort_values(["vacancy_id", "probability", "candidate_id"],
                                           ascending=[True, False, True], kind="mergesort")
    rank: dict[str, int] = {}
    proposals = []
    for cid, vid, probability in table[["candidate_id", "vacancy_id", "probability"]] \
            .itertuples(index=False):
        rank[vid] = rank.get(vid, 0) + 1
        organisation = municipality.get(cid)
        proposals.append(Proposal(
            source=Proposal.Source.RUN, run_id=run.pk, vacancy_id=str(vid),
            candidate_id=str(cid), rank=rank[vid], probability=float(probability),
            organisation=organisation if isinstance(organisation, str) else "",
            model_version=run.model_version))
    ex.enter("saving")
    stop.interruptible = False  # the results are complete: finish even when told to stop
    with transaction.atomic():
        done = Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING).update(
            status=Run.Status.DONE, stage="done", progress=1.0, finished_at=timezone.now(),
            result={"summary": summary, "files": files}, output_dir=str(folder),
            model_version=run.model_version, heartbeat_at=timezone.now())
        if not done:
            log.warning("run %s ended meanwhile (stale or cancelled); its results are dropped",
                        run.pk)
            return
        Proposal.objects.bulk_create(proposals)
        audit.record("run_finish", actor=run.worker, role="system", subjects=[f"run:{run.pk}"],
                     model_version=run.model_version, input_sha256=run.input_sha256,
                     detail={"kind": run.kind, "status": Run.Status.DONE,
                             "proposals": len(proposals), "files": len(files),
                             "expected_durable": summary.get("expected_durable")})
    log.info("run %s done: %d proposals", run.pk, len(proposals))


def _execute_train(run: Run, ex: _Execution, stop: _StopState) -> None:
    from matching.web.store import load_from_db
    from matching.workflows.train import train_and_register

    params = run.params or {}
    with ex.stage("loading"):
        settings = _settings_for(run)
        dataset = load_from_db(settings).dataset
    registry = engine.registry()
    with registry.lock():
        outcome = train_and_register(registry, dataset, settings, as_of=params.get("as_of"),
                                     promote=False, progress=ex.stage)
    ex.enter("saving")
    stop.interruptible = False  # registered: finish even when told to stop
    payload = _jsonable(outcome.payload)
    creator = User.objects.filter(username=run.created_by).first()
    with transaction.atomic():
        done = Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING).update(
            status=Run.Status.DONE, stage="done", progress=1.0, finished_at=timezone.now(),
            result=payload, model_version=outcome.version, heartbeat_at=timezone.now())
        audit.record("train", actor=run.created_by, role=role_of(creator) or "analyst",
                     subjects=[outcome.version, f"run:{run.pk}"], model_version=outcome.version,
                     input_sha256=run.input_sha256,
                     detail={"run": run.pk, "promoted": outcome.promoted,
                             "promotion_refused": outcome.refused,
                             "previous_active": payload.get("previous_active")})
        if done:
            audit.record("run_finish", actor=run.worker, role="system",
                         subjects=[f"run:{run.pk}"], model_version=outcome.version,
                         input_sha256=run.input_sha256,
                         detail={"kind": run.kind, "status": Run.Status.DONE,
                                 "promoted": outcome.promoted})
    engine.invalidate()
    log.info("run %s done: model %s registered (promoted: %s)", run.pk, outcome.version,
             outcome.promoted)


def execute(run: Run, *, heartbeat: bool = True, stop: _StopState | None = None) -> str:
    """Execute a claimed (running) run to its end; returns its final status.

    Raises :class:`WorkerStopped` after marking the run failed when the worker was told to
    stop during it.
    """
    stop = stop or _StopState()
    stages = ASSIGN_STAGES if run.kind == Run.Kind.ASSIGN else TRAIN_STAGES
    ex = _Execution(run, stages)
    beat = _Heartbeat(run.pk, float(django_settings.WORKER_HEARTBEAT_S)) if heartbeat else None
    if beat is not None:
        beat.start()
    log.info("run %s (%s) started by worker %s", run.pk, run.kind, run.worker)
    try:
        stop.interruptible = True
        if stop.requested:
            raise WorkerStopped(stop.signal_name or "stop")
        if run.kind == Run.Kind.ASSIGN:
            _execute_assign(run, ex, stop)
        else:
            _execute_train(run, ex, stop)
    except WorkerStopped:
        stop.interruptible = False
        _finish(run, Run.Status.FAILED, error="worker stopped")
        log.warning("run %s: the worker stopped during the run", run.pk)
        raise
    except RunCancelled as exc:
        stop.interruptible = False
        _finish(run, Run.Status.CANCELLED, error=f"cancelled on request (before {exc})",
                outcome="cancelled")
        log.info("run %s cancelled at stage %s", run.pk, exc)
    except Exception as exc:  # any failure ends the run, with its message
        stop.interruptible = False
        message = str(exc).strip() or type(exc).__name__
        _finish(run, Run.Status.FAILED, error=message)
        log.error("run %s failed (%s)", run.pk, type(exc).__name__)
        log.debug("run %s failure", run.pk, exc_info=True)
    finally:
        stop.interruptible = False
        if beat is not None:
            beat.halt()
    return str(Run.objects.filter(pk=run.pk).values_list("status", flat=True).first())


# ----------------------------------------------------------------------------- loop


@contextlib.contextmanager
def _signals(stop: _StopState, enabled: bool) -> Iterator[None]:
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        stop.signal_name = signal.Signals(signum).name
        stop.event.set()
        if stop.interruptible:
            stop.interruptible = False
            raise WorkerStopped(stop.signal_name)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def work(once: bool = False, worker_id: str | None = None, poll_s: float = 1.0, *,
         heartbeat: bool = True, handle_signals: bool = False,
         stop: threading.Event | None = None) -> int:
    """Execute queued runs until stopped; returns how many runs this call executed.

    ``once``: execute at most one run (none when the queue is empty) and return.
    ``heartbeat``: stamp ``heartbeat_at`` from a thread (off only in single-connection tests).
    ``handle_signals``: SIGTERM/SIGINT stop the loop; a run in progress is marked failed
    ("worker stopped") unless it finishes first. ``stop``: an event that ends the loop.
    """
    worker_id = worker_id or default_worker_id()
    state = _StopState()
    if stop is not None:
        state.event = stop
    executed = 0
    last_stale_check = 0.0
    log.info("worker %s started", worker_id)
    with _signals(state, handle_signals):
        try:
            while not state.requested:
                if not connection.in_atomic_block:  # (tests run inside a transaction)
                    close_old_connections()
                now = time.monotonic()
                if now - last_stale_check >= float(django_settings.WORKER_STALE_S) / 2:
                    mark_stale_runs()
                    last_stale_check = now
                run = claim(worker_id)
                if run is not None:
                    executed += 1
                    execute(run, heartbeat=heartbeat, stop=state)
                if once:
                    break
                if run is None:
                    state.event.wait(poll_s)
        except WorkerStopped:
            pass
    log.info("worker %s stopped after %d run(s)", worker_id, executed)
    return executed

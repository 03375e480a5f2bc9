"""Background runs (regional assignment, training) as the service offers them.

The HTTP API, the pages and the command line call these functions; the worker
(:mod:`matching.web.worker`) executes the queued runs. Each function checks its role rule
first (:mod:`matching.web.permissions`), validates input field by field (:class:`FieldError`,
HTTP 422) and writes its audit entry. No matching logic here: the worker calls the workflows.

A run's life: ``queued`` → ``running`` → ``done`` | ``failed`` | ``cancelled``. A queued run
is cancelled at once; a running one at the worker's next stage boundary. A running run whose
worker stopped sending heartbeats for ``WORKER_STALE_S`` seconds is marked failed
(:func:`mark_stale_runs`, applied by :func:`run_status` and by each worker on start).
"""

from __future__ import annotations

import logging
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from matching.core.errors import DataError
from matching.web import audit, engine
from matching.web.models import Proposal, Run, User
from matching.web.permissions import Action, require, role_of
from matching.web.services import FieldError, NotFound, decide
from matching.web.store import data_version

__all__ = ["ASSIGN_FIELDS", "TRAIN_FIELDS", "approve_run", "cancel_run", "mark_stale_runs",
           "run_file", "run_files", "run_proposals", "run_status", "start_run"]

log = logging.getLogger("matching.web")

ASSIGN_FIELDS = ("objective", "min_score", "locked", "forbidden", "min_share",
                 "max_per_employer", "time_limit_s", "lang")
TRAIN_FIELDS = ("as_of", "horizon_months")
OBJECTIVES = ("durable", "durable+sroi")
LANGS = ("nl", "en")
SYSTEM = "system"  # the actor of entries the service writes by itself (stale runs)


# ----------------------------------------------------------------------------- validation


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None (booleans and text are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _pairs(value: Any, name: str, errors: dict[str, str]) -> list[tuple[str, str]] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        errors[name] = "a list of [candidate_id, vacancy_id] pairs"
        return None
    pairs: list[tuple[str, str]] = []
    for i, pair in enumerate(value):
        if (not isinstance(pair, list | tuple) or len(pair) != 2
                or not all(isinstance(x, str) and x.strip() for x in pair)):
            errors[name] = f"item {i}: a pair [candidate_id, vacancy_id] of two ids"
            return None
        pairs.append((pair[0].strip(), pair[1].strip()))
    if len(set(pairs)) != len(pairs):
        errors[name] = "a pair is listed twice"
        return None
    return pairs


def _frame(pairs: list[tuple[str, str]] | None) -> Any:
    import pandas as pd

    return pd.DataFrame(pairs or [], columns=["candidate_id", "vacancy_id"], dtype=object)


def _check_pairs_known(dataset: Any, name: str, pairs: list[tuple[str, str]],
                       errors: dict[str, str]) -> None:
    candidates = set(dataset.candidates["candidate_id"])
    vacancies = set(dataset.vacancies["vacancy_id"])
    problems = []
    for cid, vid in pairs:
        if cid not in candidates:
            problems.append(f"{cid!r} is not a known candidate")
        if vid not in vacancies:
            problems.append(f"{vid!r} is not a known vacancy")
    if problems:
        errors[name] = "; ".join(problems[:10]) + (" …" if len(problems) > 10 else "")


def _clean_assign(params: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    objective = params.get("objective", "durable")
    if objective not in OBJECTIVES:
        errors["objective"] = f"one of {', '.join(OBJECTIVES)}"
    out["objective"] = objective
    if params.get("min_score") is not None:
        number = _number(params["min_score"])
        if number is None or not 0.0 <= number < 1.0:
            errors["min_score"] = "a number from 0 to 1 (1 excluded)"
        out["min_score"] = number
    else:
        out["min_score"] = None
    if params.get("max_per_employer") is not None:
        number = _integer(params["max_per_employer"])
        if number is None or number < 1:
            errors["max_per_employer"] = "a whole number, at least 1"
        out["max_per_employer"] = number
    else:
        out["max_per_employer"] = None
    limit = _number(params.get("time_limit_s", 60.0))
    if limit is None or not 1.0 <= limit <= 600.0:
        errors["time_limit_s"] = "seconds, from 1 to 600"
    out["time_limit_s"] = limit
    lang = params.get("lang", "nl")
    if lang not in LANGS:
        errors["lang"] = f"one of {', '.join(LANGS)}"
    out["lang"] = lang
    shares = params.get("min_share")
    clean_shares: dict[str, float] = {}
    if shares is not None:
        if not isinstance(shares, dict):
            errors["min_share"] = "an object {target_group: share from 0 to 1}"
        else:
            for group, share in shares.items():
                number = _number(share)
                if not isinstance(group, str) or not group.strip():
                    errors["min_share"] = "target groups are non-empty codes"
                elif number is None or not 0.0 <= number <= 1.0:
                    errors["min_share"] = f"{group}: a share from 0 to 1"
                else:
                    clean_shares[group.strip().lower()] = number
    out["min_share"] = clean_shares or None
    locked = _pairs(params.get("locked"), "locked", errors)
    forbidden = _pairs(params.get("forbidden"), "forbidden", errors)
    needs_data = bool(locked or forbidden or clean_shares)
    if needs_data and not errors:
        dataset = engine.current().dataset
        if locked:
            _check_pairs_known(dataset, "locked", locked, errors)
        if forbidden:
            _check_pairs_known(dataset, "forbidden", forbidden, errors)
        if clean_shares:
            _check_share_groups(dataset, clean_shares, errors)
        if not errors:
            from matching.workflows.assign import check_locks

            try:
                check_locks(dataset, _frame(locked), _frame(forbidden))
            except DataError as exc:
                errors["locked"] = str(exc)
    out["locked"] = [list(p) for p in locked or []]
    out["forbidden"] = [list(p) for p in forbidden or []]
    if errors:
        raise FieldError(errors)
    return out


def _check_share_groups(dataset: Any, shares: dict[str, float], errors: dict[str, str]) -> None:
    from matching.data import reference

    known = set(reference.target_groups()["code"]) | set(dataset.valuation["target_group"])
    unknown = sorted(g for g in shares if g not in known)
    if unknown:
        errors["min_share"] = (f"unknown target group(s) {', '.join(unknown)}; known: "
                               f"{', '.join(sorted(known))}")


def _clean_train(params: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {"as_of": None, "horizon_months": None}
    as_of = params.get("as_of")
    if as_of is not None:
        try:
            if not isinstance(as_of, str) or len(as_of) != 10:
                raise ValueError
            day = date.fromisoformat(as_of)
        except ValueError:
            errors["as_of"] = "an ISO date (2026-03-01)"
        else:
            if day > timezone.localdate():
                errors["as_of"] = "not after today"
            out["as_of"] = day.isoformat()
    horizon = params.get("horizon_months")
    if horizon is not None:
        number = _integer(horizon)
        if number is None or not 1 <= number <= 60:
            errors["horizon_months"] = "a whole number of months, from 1 to 60"
        out["horizon_months"] = number
    if errors:
        raise FieldError(errors)
    return out


# ----------------------------------------------------------------------------- start, status


def start_run(user: User, kind: str, params: dict) -> Run:
    """Queue an assignment (coordinators) or a training (analysts) run with valid ``params``."""
    if kind not in Run.Kind.values:
        raise FieldError({"kind": f"one of {', '.join(Run.Kind.values)}"})
    require(user, Action.START_ASSIGN if kind == Run.Kind.ASSIGN else Action.TRAIN,
            subjects=(f"run:{kind}",))
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise FieldError({"params": "an object of options"})
    allowed = ASSIGN_FIELDS if kind == Run.Kind.ASSIGN else TRAIN_FIELDS
    unknown = sorted(str(k) for k in params if k not in allowed)
    if unknown:
        raise FieldError({k: f"not an option of a {kind} run (options: {', '.join(allowed)})"
                          for k in unknown})
    version = data_version()
    if version == 0:
        raise FieldError({"data": "the database holds no data yet: import an export first"})
    clean = _clean_assign(params) if kind == Run.Kind.ASSIGN else _clean_train(params)
    active = engine.registry().active() or ""
    digest = audit.inputs_hash({"kind": kind, "params": clean, "data_version": version,
                                "model_version": active})
    with transaction.atomic():
        run = Run.objects.create(kind=kind, params=clean, created_by=user.username,
                                 input_sha256=digest, model_version=active)
        audit.record("run_start", actor=user.username, role=role_of(user),
                     subjects=[f"run:{run.pk}"], model_version=active, input_sha256=digest,
                     detail={"kind": kind, "data_version": version, **_option_counts(clean)})
    log.info("run %s (%s) queued by %s", run.pk, kind, user.username)
    return run


def _option_counts(params: dict[str, Any]) -> dict[str, Any]:
    """The options for the audit log: scalars as they are, pair lists as counts."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key in ("locked", "forbidden"):
            out[f"n_{key}"] = len(value or [])
        else:
            out[key] = value
    return out


def _get(run_id: int) -> Run:
    run = Run.objects.filter(pk=_run_pk(run_id)).first()
    if run is None:
        raise NotFound(f"no run {run_id}")
    return run


def _run_pk(run_id: Any) -> int:
    try:
        return int(run_id)
    except (TypeError, ValueError):
        raise NotFound(f"no run {run_id}") from None


def run_files(run: Run) -> list[str]:
    """Names of the report files of a finished run (relative to its output folder)."""
    return [str(name) for name in (run.result or {}).get("files", [])] \
        if run.kind == Run.Kind.ASSIGN else []


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def run_status(user: User, run_id: int) -> dict:
    """Where a run is: status, stage, progress, times, error, its result's summary, files."""
    require(user, Action.VIEW_RUN, subjects=(f"run:{run_id}",))
    mark_stale_runs()
    run = _get(run_id)
    result = run.result or {}
    summary = result.get("summary") if run.kind == Run.Kind.ASSIGN else result
    return {
        "id": run.pk, "kind": run.kind, "status": run.status, "stage": run.stage,
        "progress": float(run.progress), "created_by": run.created_by,
        "created_at": _iso(run.created_at), "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at), "heartbeat_at": _iso(run.heartbeat_at),
        "cancel_requested": run.cancel_requested, "error": run.error or None,
        "params": _option_counts(run.params or {}), "result": summary or None,
        "model_version": run.model_version or None, "input_sha256": run.input_sha256,
        "files": run_files(run),
    }


def cancel_run(user: User, run_id: int) -> Run:
    """Cancel a queued run at once; ask a running one to stop at its next stage boundary."""
    require(user, Action.CANCEL_RUN, subjects=(f"run:{run_id}",))
    run = _get(run_id)
    now = timezone.now()
    with transaction.atomic():
        if Run.objects.filter(pk=run.pk, status=Run.Status.QUEUED).update(
                status=Run.Status.CANCELLED, finished_at=now, cancel_requested=True,
                stage="cancelled"):
            was = Run.Status.QUEUED
        elif Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING).update(
                cancel_requested=True):
            was = Run.Status.RUNNING
        else:
            run.refresh_from_db()
            raise FieldError({"run": f"the run is {run.status} already"})
        audit.record("run_cancel", actor=user.username, role=role_of(user),
                     subjects=[f"run:{run.pk}"], model_version=run.model_version,
                     input_sha256=run.input_sha256, detail={"kind": run.kind, "was": was})
    run.refresh_from_db()
    log.info("run %s: cancel requested by %s (was %s)", run.pk, user.username, was)
    return run


# ----------------------------------------------------------------------------- results


def _proposal_dict(p: Proposal) -> dict[str, Any]:
    return {"id": p.pk, "candidate_id": p.candidate_id, "vacancy_id": p.vacancy_id,
            "rank": p.rank, "probability": p.probability, "status": p.status,
            "reason": p.reason, "organisation": p.organisation}


def run_proposals(user: User, run_id: int) -> list[dict]:
    """The proposals of an assignment run (coordinators; audited as ``view_run``)."""
    require(user, Action.APPROVE_RUN, subjects=(f"run:{run_id}",))
    run = _get(run_id)
    proposals = list(run.proposals.order_by("vacancy_id", "rank", "pk"))
    audit.record("view_run", actor=user.username, role=role_of(user),
                 subjects=[f"run:{run.pk}", *(p.candidate_id for p in proposals),
                           *(p.vacancy_id for p in proposals)],
                 model_version=run.model_version, input_sha256=run.input_sha256,
                 detail={"proposals": len(proposals)})
    return [_proposal_dict(p) for p in proposals]


def _start_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FieldError({"start_date": "the placements' start date (2026-03-01)"})


def approve_run(user: User, run_id: int, proposal_ids: list[int] | None,
                start_date: date | str) -> dict:
    """Accept a done run's proposals (all open ones with ``proposal_ids`` None), all or none.

    Each is accepted through :func:`matching.web.services.decide` (a placement, audited);
    a proposal that an earlier acceptance withdrew (the same person, a filled vacancy) is
    skipped and counted.
    """
    require(user, Action.APPROVE_RUN, subjects=(f"run:{run_id}",))
    run = _get(run_id)
    if run.status != Run.Status.DONE:
        raise FieldError({"run": f"only a done run can be approved (this one is {run.status})"})
    day = _start_date(start_date)
    own = run.proposals.all()
    if proposal_ids is None:
        ids = list(own.filter(status=Proposal.Status.OPEN).order_by("pk")
                   .values_list("pk", flat=True))
    else:
        if not isinstance(proposal_ids, list | tuple) or not all(
                _integer(i) is not None for i in proposal_ids):
            raise FieldError({"proposal_ids": "a list of proposal ids"})
        ids = [int(i) for i in proposal_ids]
        known = set(own.filter(pk__in=ids).values_list("pk", flat=True))
        strangers = [i for i in ids if i not in known]
        if strangers:
            raise FieldError({"proposal_ids": "not proposals of this run: "
                              + ", ".join(map(str, strangers[:20]))})
        not_open = list(own.filter(pk__in=ids).exclude(status=Proposal.Status.OPEN)
                        .values_list("pk", flat=True))
        if not_open:
            raise FieldError({"proposal_ids": "decided already: "
                              + ", ".join(map(str, not_open[:20]))})
    accepted: list[int] = []
    placements: list[str] = []
    skipped = 0
    with transaction.atomic():
        for pk in ids:
            if Proposal.objects.filter(pk=pk).values_list("status", flat=True).first() \
                    != Proposal.Status.OPEN:
                skipped += 1  # withdrawn by an acceptance before it
                continue
            outcome = decide(user, pk, "accept", start_date=day)
            accepted.append(pk)
            if outcome.placement_id:
                placements.append(outcome.placement_id)
    log.info("run %s: %d proposals accepted, %d skipped by %s", run.pk, len(accepted),
             skipped, user.username)
    return {"run_id": run.pk, "accepted": len(accepted), "skipped": skipped,
            "proposal_ids": accepted, "placements": placements,
            "open": own.filter(status=Proposal.Status.OPEN).count()}


def run_file(user: User, run_id: int, name: str) -> Path:
    """A report file of a run's output folder (coordinators; audited as ``export``)."""
    require(user, Action.EXPORT_RUN, subjects=(f"run:{run_id}",))
    run = _get(run_id)
    if name not in run_files(run) or not run.output_dir:
        raise NotFound(f"run {run.pk} has no file {name!r}")
    folder = Path(run.output_dir).resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise NotFound(f"run {run.pk} has no file {name!r}")
    audit.record("export", actor=user.username, role=role_of(user), subjects=[f"run:{run.pk}"],
                 model_version=run.model_version, input_sha256=run.input_sha256,
                 detail={"file": name, "bytes": path.stat().st_size})
    return path


# ----------------------------------------------------------------------------- stale runs


def mark_stale_runs() -> int:
    """Mark failed every running run whose worker sent no heartbeat for ``WORKER_STALE_S``."""
    cutoff = timezone.now() - timedelta(seconds=float(django_settings.WORKER_STALE_S))
    count = 0
    stale = Run.objects.filter(status=Run.Status.RUNNING, heartbeat_at__lt=cutoff)
    for run in list(stale.only("pk", "heartbeat_at", "worker", "kind", "model_version",
                               "input_sha256")):
        since = timezone.localtime(run.heartbeat_at).isoformat(timespec="seconds")
        error = f"the worker stopped (no heartbeat since {since})"
        with transaction.atomic():
            changed = Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING,
                                         heartbeat_at=run.heartbeat_at).update(
                status=Run.Status.FAILED, error=error, finished_at=timezone.now())
            if not changed:
                continue  # it finished, or sent a heartbeat, meanwhile
            audit.record("run_finish", actor=run.worker or SYSTEM, role=SYSTEM,
                         subjects=[f"run:{run.pk}"], outcome="failed",
                         model_version=run.model_version, input_sha256=run.input_sha256,
                         detail={"kind": run.kind, "status": Run.Status.FAILED,
                                 "reason": "no heartbeat"})
        log.warning("run %s: marked failed, its worker %s sent no heartbeat since %s",
                    run.pk, run.worker or "?", since)
        count += 1
    return count

"""The audit log: append-only, hash-chained, verified by ``sroi-match audit verify``.

Every entry holds the actor, their role, the action, the pseudonymous ids involved, the model
version, a hash of the inputs and the time; never a personal attribute. Entry *n* carries
the hash of entry *n-1* (``prev_hash``) and its own hash over all its fields, so changing,
removing or reordering an entry breaks the chain; ``seq`` runs 1, 2, 3 … without gaps, so a
removed entry is found even where the chain is recomputed. The database itself refuses
UPDATE and DELETE on the table (triggers, migration 0002); the application has no code path
that changes an entry.

Appends are serialised: on PostgreSQL by a transaction-level advisory lock, on SQLite by the
IMMEDIATE transactions the connection uses (``matching.web.dburl``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from matching.web.models import AuditEntry

__all__ = ["ACTIONS", "GENESIS", "AuditProblem", "entry_hash", "head", "inputs_hash", "record",
           "verify"]

GENESIS = "0" * 64
_LOCK_KEY = 0x5201_A0D1  # pg_advisory_xact_lock key of the audit chain
_sqlite_writers = threading.Lock()
"""On SQLite, the threads of one process queue here for the write lock instead of sleeping
in SQLite's busy handler (whose growing back-off turns a queue into second-long waits)."""

ACTIONS: dict[str, str] = {
    "login": "a user signed in",
    "login_failed": "a sign-in failed (wrong name or password, or throttled)",
    "logout": "a user signed out",
    "denied": "a request the user's role does not allow (answered 403)",
    "view_candidate": "a candidate's details were shown",
    "view_shortlist": "a shortlist was shown (for a vacancy or a candidate)",
    "run_start": "a background run (assignment or training) was queued",
    "run_cancel": "a run was cancelled",
    "run_finish": "a run finished, failed or was found dead",
    "view_run": "a run's proposals were shown",
    "decision": "a proposal was accepted or rejected",
    "outcome": "a placement's outcome was recorded",
    "export": "a file with personal data was handed out",
    "read_dataset": "the command line read the whole dataset from the database (--db)",
    "import": "a data export was imported (or rejected)",
    "train": "a model was trained and registered",
    "promote": "a model version was made active",
    "user_add": "a user was created",
    "token": "an API token was issued",
    "read_audit": "the audit log was read or exported",
}
"""Every action the log records, with its meaning (docs/security.md)."""

_FIELDS = ("seq", "at", "actor", "role", "action", "outcome", "subjects", "model_version",
           "input_sha256", "detail", "prev_hash")


def _canonical(values: dict[str, Any]) -> bytes:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")


def _at_text(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(entry: AuditEntry) -> str:
    """sha256 over every field of the entry but its own hash."""
    values = {name: getattr(entry, name) for name in _FIELDS}
    values["at"] = _at_text(entry.at)
    return hashlib.sha256(_canonical(values)).hexdigest()


def inputs_hash(payload: Any) -> str:
    """sha256 of a JSON-able description of a request's inputs (ids, options, file hashes)."""
    return hashlib.sha256(_canonical(payload)).hexdigest()


def record(action: str, *, actor: str, role: str, subjects: Sequence[str] = (),
           model_version: str = "", input_sha256: str = "", outcome: str = "ok",
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry (in its own transaction, or the caller's when inside one).

    ``subjects`` are pseudonymous ids (candidate, vacancy, run, model version ids); ``detail``
    holds counts, options and reasons, never a personal attribute.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    # Only outside a transaction: inside one this thread may hold SQLite's write lock already,
    # and waiting here for a thread that waits for that lock would deadlock.
    queue = (_sqlite_writers if connection.vendor == "sqlite" and not connection.in_atomic_block
             else contextlib.nullcontext())
    with queue, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
        # Microsecond-exact UTC time, so the stored value hashes as it was written.
        at = datetime.now(UTC)
        entry = AuditEntry(
            seq=(last.seq + 1) if last else 1, at=at, actor=str(actor)[:150],
            role=str(role)[:20], action=action, outcome=outcome,
            subjects=sorted({str(s) for s in subjects}), model_version=model_version or "",
            input_sha256=input_sha256 or "", detail=dict(detail or {}),
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class AuditProblem:
    """One break in the chain."""

    seq: int | None
    id: int | None
    problem: str

    def __str__(self) -> str:
        return f"entry seq={self.seq} (id {self.id}): {self.problem}"


def verify(entries: Iterable[AuditEntry] | None = None) -> tuple[int, list[AuditProblem]]:
    """Check the whole chain; returns the number of entries and every problem found.

    Finds a changed entry (its hash does not match its fields), a removed one (a gap in
    ``seq`` and a ``prev_hash`` that points nowhere) and reordered ones (``seq`` out of the
    insertion order, or a chain link that does not match the entry before).
    """
    rows = list(entries if entries is not None else AuditEntry.objects.order_by("id"))
    problems: list[AuditProblem] = []
    prev_hash, prev_seq = GENESIS, 0
    for entry in rows:
        if entry.seq != prev_seq + 1:
            what = ("missing entries before it" if entry.seq > prev_seq + 1
                    else "out of order")
            problems.append(AuditProblem(entry.seq, entry.id,
                                         f"sequence jumps from {prev_seq} to {entry.seq} "
                                         f"({what})"))
        if entry.prev_hash != prev_hash:
            problems.append(AuditProblem(entry.seq, entry.id,
                                         "does not link to the entry before it "
                                         "(an entry was removed, inserted or moved)"))
        if entry_hash(entry) != entry.hash:
            problems.append(AuditProblem(entry.seq, entry.id,
                                         "its content does not match its hash (changed)"))
        prev_hash, prev_seq = entry.hash, entry.seq
    return len(rows), problems


def head() -> tuple[int, str]:
    """The last entry's ``seq`` and hash: write it down to detect a truncated tail later."""
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
    return (last.seq, last.hash) if last else (0, GENESIS)

"""What the service keeps: users and tokens, imports and their records, runs, proposals,
placements and the audit log.

The database is an interface concern (docs/architecture.md): these models persist what the
workflows take and return; no matching logic lives here.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", "account manager"
    COORDINATOR = "coordinator", "coordinator"
    ANALYST = "analyst", "analyst"
    ADMIN = "admin", "administrator"


class User(AbstractUser):
    """A person using the service, with exactly one role.

    ``organisations`` lists the municipalities (CBS codes ``GMxxxx``) or organisation ids an
    account manager works for; it decides whose personal details they see.
    """

    role = models.CharField(max_length=20, choices=Role.choices)
    organisations = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "sroi_user"


class ApiToken(models.Model):
    """A bearer token; only its sha256 is stored (the token is shown once)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)


class DataImport(models.Model):
    """One import of a data-contract export, kept whether it changed anything or not."""

    class Status(models.TextChoices):
        IMPORTED = "imported"
        UNCHANGED = "unchanged"
        REJECTED = "rejected"

    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=Status.choices)
    location = models.CharField(max_length=500, blank=True)
    files = models.JSONField(default=list)        # [{name, table, sha256, rows}]
    counts = models.JSONField(default=dict)       # {table: {added, changed, removed, unchanged}}
    extraction_date = models.CharField(max_length=10, blank=True)
    problems = models.JSONField(default=list)     # with status rejected: every problem

    class Meta:
        ordering = ["id"]


class Record(models.Model):
    """One version of one row of a contract table, as its text cells.

    The current version has ``closed_by`` empty; a newer export closes it and adds the next
    version, so history is kept.
    """

    table = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    row = models.IntegerField()
    cells = models.JSONField()
    digest = models.CharField(max_length=64)
    organisation = models.CharField(max_length=50, blank=True)
    opened_by = models.ForeignKey(DataImport, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(DataImport, on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["table", "key"]),
                   models.Index(fields=["table", "closed_by"])]
        constraints = [models.UniqueConstraint(fields=["table", "key"],
                                               condition=Q(closed_by__isnull=True),
                                               name="one_current_version")]


class Run(models.Model):
    """A background job (regional assignment or training) on the persistent queue."""

    class Kind(models.TextChoices):
        ASSIGN = "assign"
        TRAIN = "train"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(default=dict)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=100, blank=True)
    progress = models.FloatField(default=0.0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    output_dir = models.CharField(max_length=500, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    input_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"])]


class Shortlist(models.Model):
    """A shortlist for one vacancy as proposed: its proposals are the rows.

    Open while any proposal on it is undecided; the exposure cap counts a candidate's
    undecided proposals on open shortlists.
    """

    vacancy_id = models.CharField(max_length=200, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    model_version = models.CharField(max_length=100)
    data_version = models.BigIntegerField()
    top = models.IntegerField()
    lang = models.CharField(max_length=2)
    result = models.JSONField()      # ShortlistResult.to_dict(), the reasons included
    capped = models.JSONField(default=list)  # candidates left out by the exposure cap
    is_open = models.BooleanField(default=True)


class Proposal(models.Model):
    """One proposed pair, from a shortlist or a run, until a person decides on it."""

    class Source(models.TextChoices):
        SHORTLIST = "shortlist"
        RUN = "run"

    class Status(models.TextChoices):
        OPEN = "open"
        ACCEPTED = "accepted"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    source = models.CharField(max_length=10, choices=Source.choices)
    shortlist = models.ForeignKey(Shortlist, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="proposals")
    run = models.ForeignKey(Run, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="proposals")
    vacancy_id = models.CharField(max_length=200, db_index=True)
    candidate_id = models.CharField(max_length=200, db_index=True)
    organisation = models.CharField(max_length=50, blank=True)
    rank = models.IntegerField()
    probability = models.FloatField()
    model_version = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["candidate_id", "status"])]


class Placement(models.Model):
    """An accepted proposal: a person started work. Its outcome is recorded later.

    These rows join the imported placement history that ``train --db`` learns from.
    """

    class Status(models.TextChoices):
        ONGOING = "ongoing"
        ENDED = "ended"

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="placement")
    candidate_id = models.CharField(max_length=200, db_index=True)
    vacancy_id = models.CharField(max_length=200)
    start_date = models.DateField()
    hours_per_week = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ONGOING)
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)
    outcome_by = models.CharField(max_length=150, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    @property
    def placement_id(self) -> str:
        return f"W{self.pk:07d}"


class AuditEntry(models.Model):
    """One entry of the append-only, hash-chained audit log (matching.web.audit).

    The database refuses UPDATE and DELETE on this table (triggers, migration 0002).
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    role = models.CharField(max_length=20)
    action = models.CharField(max_length=40, db_index=True)
    outcome = models.CharField(max_length=10, default="ok")
    subjects = models.JSONField(default=list)
    model_version = models.CharField(max_length=100, blank=True)
    input_sha256 = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]

"""Request and response schemas of the HTTP API (django-ninja / pydantic).

Every error answer has one shape, :class:`Error`: ``detail`` (a sentence), ``errors`` (field →
message, for bad input) and, for a rejected import, ``problems`` (every contract problem with
its file, row, column, value and rule).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, field_validator

# Free text that reaches the database: no NUL (PostgreSQL refuses it in text and JSON).
TEXT = r"^[^\x00]*$"
ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$"
"""A candidate, vacancy, project or organisation id as the data contract allows them."""
PLACEMENT_ID = r"^W\d{1,12}$"
MODEL_VERSION = r"^\d{8}T\d{6}Z-[0-9a-f]{6}(-\d{1,6})?$"
FILE_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}$"
"""A report file of a run, relative to its output folder."""
MAX_PK = 2**62
"""Database keys are 64-bit; larger numbers are no record (and would not fit a query)."""

Reason = Annotated[str, Field(max_length=2000, pattern=TEXT)]


class Problem(Schema):
    """One break of the data contract in an uploaded export."""

    file: str | None = None
    table: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    rule: str | None = None
    message: str | None = None
    severity: str | None = None


class Error(Schema):
    """Every error answer (400, 401, 403, 404, 409, 422)."""

    detail: str
    errors: dict[str, str] | None = None
    problems: list[Problem] | None = None


class Loose(BaseModel):
    """An object whose fields are documented elsewhere (shortlists, candidates, runs); a
    pydantic model rather than a ninja ``Schema`` so that its further fields are kept."""

    model_config = ConfigDict(extra="allow")


class Me(Schema):
    username: str
    role: str
    organisations: list[str]
    actions: list[str]


class Vacancy(Schema):
    vacancy_id: str
    project_id: str | None = None
    employer_id: str | None = None
    title: str | None = None
    occupation: str | None = None
    municipality_code: str | None = None
    hours_per_week: float | None = None
    positions: int | None = None
    start_date: date | None = None
    status: str | None = None


class VacancyList(Schema):
    count: int
    vacancies: list[Vacancy]


class RunIn(Schema):
    kind: Literal["assign", "train"]
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("params")
    @classmethod
    def _small_and_clean(cls, value: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(value, default=str)
        if len(text) > 100_000:
            raise ValueError("at most 100000 characters of options")
        if "\\u0000" in text:
            raise ValueError("no NUL characters")
        return value


class RunOut(Loose):
    id: int
    kind: str
    status: str


class ApproveIn(Schema):
    proposal_ids: list[Annotated[int, Field(ge=1, le=MAX_PK)]] | None = \
        Field(default=None, max_length=10_000)
    start_date: date


class DecisionIn(Schema):
    decision: Literal["accept", "reject"]
    reason: Reason = ""
    start_date: date | None = None
    hours_per_week: float | None = None


class DecisionOut(Schema):
    proposal_id: int
    status: str
    placement_id: str | None = None
    withdrawn: int


class OutcomeIn(Schema):
    status: Literal["ongoing", "ended"]
    end_date: date | None = None
    reason: Reason = ""


class PlacementOut(Schema):
    placement_id: str
    candidate_id: str
    vacancy_id: str
    start_date: date
    hours_per_week: float | None = None
    status: str
    end_date: date | None = None
    end_reason: str = ""


class ImportFile(Loose):
    name: str


class ImportOut(Schema):
    import_id: int
    status: str
    counts: dict[str, dict[str, int]]
    files: list[ImportFile]
    warnings: list[str]


class ImportRecord(Schema):
    import_id: int
    created_at: datetime
    actor: str
    status: str
    location: str
    files: list[ImportFile]
    counts: dict[str, dict[str, int]]
    extraction_date: str
    problem_count: int


class ModelInfo(Schema):
    version: str
    created_at: str | None = None
    active: bool
    n_train: int | None = None
    n_test: int | None = None
    roc_auc: float | None = None
    ece: float | None = None
    brier: float | None = None


class PromoteIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=2000, pattern=TEXT)]


class PromoteOut(Schema):
    active: str
    previous: str | None = None


class AuditOut(Schema):
    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    outcome: str
    subjects: list[str]
    model_version: str
    input_sha256: str
    detail: dict[str, Any]
    hash: str


class AuditList(Schema):
    count: int
    entries: list[AuditOut]

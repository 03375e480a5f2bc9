"""Service functions the HTTP API needs beyond :mod:`matching.web.services`.

Vacancies, imports by upload, the model registry and the audit log. As in ``services``: each
function asks :func:`matching.web.permissions.require` first and writes its audit entry; no
role rule lives here.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from matching.web import audit, engine, store
from matching.web.models import AuditEntry, DataImport, User
from matching.web.permissions import Action, require, role_of
from matching.web.services import FieldError, NotFound

__all__ = ["audit_entries", "import_upload", "list_imports", "list_models", "list_vacancies",
           "promote_model"]

_UPLOAD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(csv|xlsx|json)$", re.IGNORECASE)
MAX_UPLOAD_FILES = 20


class Upload(Protocol):
    name: str
    size: int

    def chunks(self) -> Iterable[bytes]: ...


# ----------------------------------------------------------------------------- vacancies


def _cell(value: Any) -> Any:
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def list_vacancies(user: User, *, project: str | None = None, municipality: str | None = None,
                   occupation: str | None = None, start_from: date | None = None,
                   start_to: date | None = None, status: str | None = "open",
                   limit: int = 500) -> dict[str, Any]:
    """Vacancies (open by default), filtered by project, work municipality, occupation (code
    or a part of its label) and planned start."""
    require(user, Action.VIEW_VACANCIES)
    if start_from and start_to and start_from > start_to:
        raise FieldError({"start_to": "before start_from"})
    frame = engine.current().dataset.vacancies
    keep = frame["vacancy_id"].notna()
    if status:
        keep &= frame["status"] == status
    if project:
        keep &= frame["project_id"] == project
    if municipality:
        keep &= frame["municipality_code"].fillna("").str.upper() == municipality.upper()
    if occupation:
        keep &= frame["occupation"].fillna("").str.lower().str.contains(occupation.lower(),
                                                                        regex=False)
    starts = frame["start_date"].dt.date
    if start_from:
        keep &= frame["start_date"].notna() & (starts >= start_from)
    if start_to:
        keep &= frame["start_date"].notna() & (starts <= start_to)
    chosen = frame[keep].sort_values("vacancy_id")
    columns = ("vacancy_id", "project_id", "employer_id", "title", "occupation",
               "municipality_code", "hours_per_week", "positions", "start_date", "status")
    rows = []
    for record in chosen.head(limit).to_dict("records"):
        row = {c: _cell(record.get(c)) for c in columns}
        row["positions"] = int(row["positions"]) if row["positions"] is not None else None
        rows.append(row)
    return {"count": int(keep.sum()), "vacancies": rows}


# ----------------------------------------------------------------------------- imports


def import_upload(user: User, files: list[Upload]) -> store.ImportOutcome:
    """Import the uploaded files of one export (all or nothing, as ``store.import_export``).

    Raises :class:`FieldError` for a bad upload and ``ValidationError`` (every problem) when
    the export breaks the contract; nothing is imported then.
    """
    require(user, Action.IMPORT)
    errors: dict[str, str] = {}
    if not files:
        errors["files"] = "upload the files of one export (candidates.csv, vacancies.csv, ...)"
    elif len(files) > MAX_UPLOAD_FILES:
        errors["files"] = f"at most {MAX_UPLOAD_FILES} files"
    names = [Path(str(f.name or "")).name for f in files]
    bad = [n for n in names if not _UPLOAD_NAME.match(n)]
    if bad:
        errors["files"] = ("file names of letters, digits and _.- ending in .csv, .xlsx or "
                           f".json: {', '.join(repr(n[:60]) for n in bad[:5])}")
    elif len({n.lower() for n in names}) != len(names):
        errors["files"] = "each file once"
    total = sum(int(f.size or 0) for f in files)
    if total > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        errors["files"] = f"at most {django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes in all"
    if errors:
        raise FieldError(errors)
    with tempfile.TemporaryDirectory(prefix="sroi-upload-") as tmp:
        folder = Path(tmp) / f"upload-{timezone.now():%Y%m%dT%H%M%S}"
        folder.mkdir()
        for name, upload in zip(names, files, strict=True):
            with open(folder / name, "wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
        return store.import_export(folder, actor=user.username, role=role_of(user),
                                   settings=engine.engine_settings())


def list_imports(user: User, *, limit: int = 100) -> list[dict[str, Any]]:
    """The latest imports (newest first), accepted, unchanged and rejected."""
    require(user, Action.IMPORT)
    rows = DataImport.objects.order_by("-id")[:limit]
    return [{"import_id": d.pk, "created_at": d.created_at, "actor": d.actor, "status": d.status,
             "location": d.location, "files": d.files, "counts": d.counts,
             "extraction_date": d.extraction_date, "problem_count": len(d.problems or [])}
            for d in rows]


# ----------------------------------------------------------------------------- models


def list_models(user: User) -> list[dict[str, Any]]:
    """The registered model versions (oldest first), the active one marked."""
    require(user, Action.VIEW_MODELS)
    return engine.registry().list()


def promote_model(user: User, version: str, reason: str) -> dict[str, Any]:
    """Make ``version`` the active model (audited with the reason)."""
    require(user, Action.PROMOTE, subjects=(f"model:{version}",))
    if not (reason or "").strip():
        raise FieldError({"reason": "say why this version becomes the active model"})
    registry = engine.registry()
    if version not in registry.versions():
        raise NotFound(f"no model version {version}")
    with registry.lock():
        previous = registry.active()
        registry.promote(version)
        audit.record("promote", actor=user.username, role=role_of(user),
                     subjects=[f"model:{version}"], model_version=version,
                     detail={"reason": reason[:500], "previous": previous})
    engine.invalidate()
    return {"active": version, "previous": previous}


# ----------------------------------------------------------------------------- audit log


def audit_entries(user: User, *, action: str | None = None, actor: str | None = None,
                  since: datetime | None = None, until: datetime | None = None,
                  limit: int = 100) -> dict[str, Any]:
    """Audit entries (newest first), filtered; the reading itself is an entry."""
    require(user, Action.READ_AUDIT)
    if action and action not in audit.ACTIONS:
        raise FieldError({"action": f"one of {', '.join(sorted(audit.ACTIONS))}"})
    if since and until and since > until:
        raise FieldError({"until": "before since"})
    query = AuditEntry.objects.all()
    if action:
        query = query.filter(action=action)
    if actor:
        query = query.filter(actor=actor)
    if since:
        query = query.filter(at__gte=since)
    if until:
        query = query.filter(at__lte=until)
    with transaction.atomic():
        count = query.count()
        entries = [{"seq": e.seq, "at": e.at, "actor": e.actor, "role": e.role,
                    "action": e.action, "outcome": e.outcome, "subjects": e.subjects,
                    "model_version": e.model_version, "input_sha256": e.input_sha256,
                    "detail": e.detail, "hash": e.hash}
                   for e in query.order_by("-seq")[:limit]]
        audit.record("read_audit", actor=user.username, role=role_of(user),
                     detail={"action": action, "actor": actor,
                             "since": since.isoformat() if since else None,
                             "until": until.isoformat() if until else None,
                             "limit": limit, "count": count})
    return {"count": count, "entries": entries}

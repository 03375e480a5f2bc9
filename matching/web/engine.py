"""The warm engine of a service process: dataset, model and matcher, built once per version.

Building profiles for a region takes seconds, a shortlist from warm profiles a fraction of
one, so each web or worker process keeps the current dataset (rebuilt from the database) and
the active model, and rebuilds them only when a new import changed the data or another model
was promoted.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings

from matching.core.config import Settings, load_settings
from matching.core.errors import ModelError
from matching.data.dataset import Dataset
from matching.model.registry import LoadedModel, Registry
from matching.web import store
from matching.web.store import data_version, load_from_db

__all__ = ["Engine", "current", "engine_settings", "invalidate", "registry"]

_lock = threading.Lock()
_engine: Engine | None = None
_checked = (-1.0, -1)  # (monotonic time, store generation) of the last version check
CHECK_EVERY_S = 2.0
"""How often a process asks the database whether the data or the active model changed: a
new import or promotion elsewhere reaches a warm process within this many seconds (one in
this process at once)."""


def engine_settings(**overrides: Any) -> Settings:
    """The engine's settings, as the command line loads them (file, then environment)."""
    term_cache = str(os.path.join(django_settings.MODELS_DIR, ".cache", "terms.json"))
    overrides.setdefault("term_cache", term_cache)
    return load_settings(django_settings.ENGINE_CONFIG, environ=os.environ, **overrides)


def registry() -> Registry:
    return Registry(django_settings.MODELS_DIR)


@dataclass
class Engine:
    """One version of the data with one model version."""

    data_version: int
    dataset: Dataset
    settings: Settings
    model: LoadedModel | None
    model_version: str | None
    _matcher: Any = field(default=None, repr=False)
    _candidates: Any = field(default=None, repr=False)

    @property
    def matcher(self) -> Any:
        from matching.workflows.shortlist import Matcher

        if self.model is None:
            raise ModelError("no active model: an analyst trains one (sroi-match train --db, "
                             "or a training run) and promotes it")
        if self._matcher is None:
            self._matcher = Matcher(self.dataset, self.model, self.settings)
        return self._matcher

    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        """A candidate's converted fields (lists as lists, dates as ISO text), or None."""
        if self._candidates is None:
            self._candidates = self.dataset.candidates.set_index("candidate_id", drop=False)
        if candidate_id not in self._candidates.index:
            return None
        row = self._candidates.loc[candidate_id]
        out: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, tuple):
                out[key] = list(value)
            elif hasattr(value, "isoformat"):
                out[key] = None if value != value else value.date().isoformat()
            elif value is None or (isinstance(value, float) and value != value):
                out[key] = None
            else:
                try:
                    import pandas as pd

                    out[key] = None if pd.isna(value) else (value.item() if hasattr(value, "item")
                                                             else value)
                except (TypeError, ValueError):
                    out[key] = value
        return out

    def vacancy(self, vacancy_id: str) -> dict[str, Any] | None:
        vacancies = self.dataset.vacancies
        match = vacancies[vacancies["vacancy_id"] == vacancy_id]
        if match.empty:
            return None
        row = match.iloc[0]
        return {"vacancy_id": vacancy_id, "project_id": row["project_id"],
                "title": row["title"], "status": row["status"],
                "positions": None if row["positions"] != row["positions"] else int(row["positions"]),
                "municipality_code": row["municipality_code"]
                if isinstance(row["municipality_code"], str) else None}


def current() -> Engine:
    """The engine for the current data and active model (rebuilt when either changed)."""
    global _engine, _checked
    now = time.monotonic()
    engine_now = _engine
    if (engine_now is not None and now - _checked[0] < CHECK_EVERY_S
            and _checked[1] == store.generation()):
        return engine_now
    version = data_version()
    reg = registry()
    active = reg.active()
    with _lock:
        if (_engine is not None and _engine.data_version == version
                and _engine.model_version == active):
            _checked = (now, store.generation())
            return _engine
        settings = engine_settings()
        dataset = load_from_db(settings).dataset
        model = reg.load(active) if active else None
        _engine = Engine(version, dataset, settings, model, active)
        _checked = (now, store.generation())
        return _engine


def invalidate() -> None:
    global _engine, _checked
    with _lock:
        _engine = None
        _checked = (-1.0, -1)

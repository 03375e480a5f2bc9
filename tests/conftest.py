"""Shared session fixtures: one small generated dataset and ONE trained, registered model.

Training is the slow step, so it happens once per test session. Tests that need a different
dataset derive it from :func:`dataset` with :func:`replace_rows` (the model stays the same: a
model scores pairs of any dataset).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from matching.core.config import Settings
from matching.data.dataset import Dataset

SAMPLE_SEED = 5
"""Seed of the session sample (400 available candidates, 60 open vacancies, 1500 placements)."""

FIXTURES = Path(__file__).parent / "fixtures"


def replace_rows(dataset: Dataset, table: str, key: str,
                 changes: Mapping[str, Mapping[str, Any]]) -> Dataset:
    """A copy of ``dataset`` with cells of ``table`` changed: ``{id: {column: value}}``.

    ``Dataset`` is frozen and its frames are shared between tests, so the frame is copied
    before any cell is set.
    """
    frame = dataset.table(table).copy()
    for ident, cells in changes.items():
        rows = frame.index[frame[key] == ident]
        assert len(rows) == 1, f"{ident!r} is not a unique {key} of {table}"
        for column, value in cells.items():
            if isinstance(value, tuple | list):  # tuple cells need .at, not .loc
                frame.at[rows[0], column] = tuple(value)
            else:
                frame.loc[rows[0], column] = value
    return dataclasses.replace(dataset, **{table: frame})


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Default settings plus a term-resolution cache (as the CLI uses), so that the many
    profiles built from the session dataset and its variants resolve free text only once."""
    return Settings(term_cache=str(tmp_path_factory.mktemp("cache") / "terms.json"))


@pytest.fixture(scope="session")
def sample_data():
    from matching.synthetic.sample import generate

    return generate(400, 60, 12, 1500, seed=SAMPLE_SEED)


@pytest.fixture(scope="session")
def dataset(sample_data) -> Dataset:
    return sample_data.dataset


@pytest.fixture(scope="session")
def registry_dir(tmp_path_factory, dataset: Dataset, settings: Settings) -> Path:
    """A registry folder holding one active model trained on :func:`dataset`.

    Treat it as read-only: tests that train, promote or roll back use their own registry.
    """
    from matching.model.registry import Registry
    from matching.model.training import train_model
    from matching.workflows.train import register_model

    path = tmp_path_factory.mktemp("registry")
    result = train_model(dataset, settings)
    register_model(Registry(path), result, activate=True, report=False)
    return path


@pytest.fixture(scope="session")
def model(registry_dir: Path):
    """The session's :class:`~matching.model.registry.LoadedModel`."""
    from matching.model.registry import Registry

    return Registry(registry_dir).load()


@pytest.fixture(scope="session")
def open_vacancy_ids(dataset: Dataset) -> list[str]:
    return sorted(dataset.open_vacancies["vacancy_id"])


@pytest.fixture(scope="session")
def available_candidate_ids(dataset: Dataset) -> list[str]:
    return sorted(dataset.available_candidates["candidate_id"])

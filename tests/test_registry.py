"""Model registry: round trip, atomic activation, refusal of tampered and untrusted artifacts."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from features.spec import FEATURE_NAMES
from matching.core.config import Settings
from matching.core.errors import ArtifactError, ModelError, NoTrainingDataError
from matching.data.dataset import Dataset
from matching.model.registry import LoadedModel, Registry, file_sha256
from matching.model.scoring import score_features
from matching.model.training import train_from_frame
from matching.synthetic.feature_frame import synthetic_feature_frame
from matching.synthetic.sample import generate
from matching.workflows.train import ensure_model, register_model

FAST = {"max_iter": 40}
SETTINGS = Settings(seed=3)


class SneakyTransformer(TransformerMixin, BaseEstimator):
    """A custom type that is not on the allow-list."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


@pytest.fixture(scope="module")
def result():
    frame, truth = synthetic_feature_frame(900, seed=5)
    return train_from_frame(frame, SETTINGS, truth=truth, model_params=FAST)


@pytest.fixture(scope="module")
def populated(tmp_path_factory, result) -> Path:
    """A registry with two versions, none active (built once, copied per test)."""
    path = tmp_path_factory.mktemp("registry")
    reg = Registry(path)
    register_model(reg, result, lang="en")
    register_model(reg, result, report=False)
    return path


@pytest.fixture
def registry(populated, tmp_path) -> Registry:
    target = tmp_path / "models"
    shutil.copytree(populated, target)
    return Registry(target)


def test_round_trip_promote_rollback(registry: Registry, result) -> None:
    v1, v2 = registry.versions()
    assert registry.active() is None
    assert [row["version"] for row in registry.list()] == [v1, v2]
    registry.promote(v1)
    assert registry.active() == v1
    assert (registry.path / "ACTIVE").read_text().strip() == v1
    registry.promote(v2)
    assert registry.active() == v2
    assert [row["active"] for row in registry.list()] == [False, True]
    assert registry.rollback() == v1
    assert registry.active() == v1
    assert registry.history() == [v1]
    with pytest.raises(ModelError, match="roll back"):
        registry.rollback()
    assert not list(registry.path.glob(".*tmp")), "temporary pointer files left behind"
    loaded = registry.load()
    assert isinstance(loaded, LoadedModel) and loaded.version == v1
    X = result.test[list(FEATURE_NAMES)]
    np.testing.assert_allclose(score_features(loaded, X), score_features(result.pipeline, X))


def test_version_folder_contents(registry: Registry) -> None:
    v1 = registry.versions()[0]
    folder = registry.path / v1
    for name in ("model.skops", "metadata.json", "model_card.md", "report.html",
                 "reliability.png", "score_histogram.png", "permutation_importance.png",
                 "metrics.json"):
        assert (folder / name).is_file(), name
    meta = registry.show(v1)
    assert meta["artifact"]["sha256"] == file_sha256(folder / "model.skops")
    assert meta["feature_schema"]["names"] == list(FEATURE_NAMES)
    assert set(meta["libraries"]) >= {"sklearn", "numpy", "skops", "sroi-match"}
    assert len(meta["training_data_fingerprint"]) == 64
    assert {"train", "test", "censored"} <= set(meta["counts"])
    assert set(meta["reference"]) == set(FEATURE_NAMES)
    assert meta["metrics"]["model"]["roc_auc"] > 0.5
    card = (folder / "model_card.md").read_text()
    assert "a person decides" in card
    assert "Reliability curve" in (folder / "report.html").read_text()


def test_activation_is_atomic(registry: Registry, monkeypatch) -> None:
    v1, v2 = registry.versions()
    registry.promote(v1)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        registry.promote(v2)
    monkeypatch.undo()
    assert registry.active() == v1
    assert not list(registry.path.glob(".*tmp"))


def test_tampered_artifact_is_refused(registry: Registry) -> None:
    v1 = registry.versions()[0]
    artifact = registry.path / v1 / "model.skops"
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="hash"):
        registry.load(v1)
    with pytest.raises(ArtifactError, match="tampered"):
        registry.promote(v1)
    assert registry.active() is None


def test_untrusted_type_is_refused(registry: Registry) -> None:
    v1 = registry.versions()[0]
    folder = registry.path / v1
    evil = Pipeline([("sneaky", SneakyTransformer()), ("id", SneakyTransformer())])
    sio.dump(evil, folder / "model.skops")
    meta = json.loads((folder / "metadata.json").read_text())
    meta["artifact"]["sha256"] = file_sha256(folder / "model.skops")
    (folder / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match="SneakyTransformer"):
        registry.load(v1)


def _edit_metadata(registry: Registry, version: str, edit) -> None:
    path = registry.path / version / "metadata.json"
    meta = json.loads(path.read_text())
    edit(meta)
    path.write_text(json.dumps(meta))


def test_schema_and_version_mismatch_are_refused(registry: Registry) -> None:
    v1, v2 = registry.versions()
    _edit_metadata(registry, v1, lambda m: m["feature_schema"].update(hash="0" * 16))
    with pytest.raises(ArtifactError, match="feature schema"):
        registry.load(v1)
    _edit_metadata(registry, v2, lambda m: m["libraries"].update(sklearn="0.24.2"))
    with pytest.raises(ArtifactError, match="retrain with `sroi-match train`"):
        registry.load(v2)


def test_unknown_and_malformed_versions(registry: Registry) -> None:
    with pytest.raises(ModelError, match="not a model version"):
        registry.show("../../etc")
    with pytest.raises(ModelError, match="not found"):
        registry.load("20990101T000000Z-abcdef")
    with pytest.raises(ModelError, match="no active model"):
        registry.load()


def test_compare_versions(registry: Registry) -> None:
    v1, v2 = registry.versions()
    table = registry.compare(v1, v2)
    row = table[(table["scorer"] == "model") & (table["metric"] == "roc_auc")].iloc[0]
    assert row["difference"] == pytest.approx(0.0)


def test_ensure_model_uses_active_or_refuses_without_history(registry: Registry,
                                                              tmp_path) -> None:
    empty = pd.DataFrame(columns=["placement_id", "candidate_id", "vacancy_id", "start_date",
                                  "end_date"])
    dataset = Dataset(candidates=pd.DataFrame(), projects=pd.DataFrame(),
                      vacancies=pd.DataFrame(), placements=empty, valuation=pd.DataFrame())
    with pytest.raises(NoTrainingDataError, match="placement history"):
        ensure_model(dataset, SETTINGS, Registry(tmp_path / "empty"))
    v1 = registry.versions()[0]
    registry.promote(v1)
    loaded = ensure_model(dataset, SETTINGS, registry)
    assert loaded.version == v1 and not loaded.freshly_trained


@pytest.mark.slow
def test_ensure_model_trains_from_history(tmp_path) -> None:
    data = generate(150, 15, n_projects=8, n_placements=400, seed=4)
    registry = Registry(tmp_path / "models")
    loaded = ensure_model(data.dataset, SETTINGS, registry)
    assert loaded.freshly_trained
    assert registry.active() == loaded.version
    assert not ensure_model(data.dataset, SETTINGS, registry).freshly_trained

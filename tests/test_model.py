"""Training, time-aware grouped split, monotonicity, calibration and metrics of the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.spec import FEATURE_NAMES
from matching.core.config import Settings
from matching.core.errors import NoTrainingDataError
from matching.data.dataset import Dataset
from matching.model.labels import durable_labels
from matching.model.metrics import (
    bootstrap_intervals,
    evaluate,
    expected_calibration_error,
    reliability_curve,
    shortlist_metrics,
)
from matching.model.scoring import score_features
from matching.model.training import (
    rolling_origin_splits,
    time_grouped_split,
    train_from_frame,
    train_model,
)
from matching.synthetic.feature_frame import synthetic_feature_frame, true_probability

SETTINGS = Settings(seed=7)


@pytest.fixture(scope="module")
def trained():
    frame, truth = synthetic_feature_frame(3000, seed=11)
    return train_from_frame(frame, SETTINGS, truth=truth)


@pytest.fixture(params=[0, 1, 2, 3, 4])
def global_random_seed(request) -> int:
    return request.param


@pytest.mark.parametrize("drop", ["test", "train"])
def test_split_has_no_leakage(global_random_seed: int, drop: str) -> None:
    frame, _ = synthetic_feature_frame(600, seed=global_random_seed, n_candidates=250)
    train_idx, test_idx, dropped = time_grouped_split(frame, 0.25, drop=drop)
    train, test = frame.iloc[train_idx], frame.iloc[test_idx]
    assert set(train["candidate_id"]).isdisjoint(test["candidate_id"])
    assert train["start_date"].max() < test["start_date"].min()
    assert dropped > 0  # some candidates have placements on both sides of the cut-off
    assert len(train) + len(test) + dropped == len(frame)
    assert len(test) / len(frame) >= 0.1
    # the test period never starts before the median start date
    assert test["start_date"].min() >= frame["start_date"].median()
    assert len(train) >= len(frame) // 2 - dropped


def test_train_result_leakage_and_counts(trained) -> None:
    counts = trained.counts
    assert counts["train"] > 0 and counts["test"] > 0
    assert counts["censored"] > 0
    assert counts["final"] == counts["placements_labelled"] - counts["early_endings_excluded"]
    test_start = pd.Timestamp(trained.params["test_period_start"])
    assert trained.test["start_date"].min() == test_start
    assert {"score", "baseline_score", "oracle_score", "label"} <= set(trained.test.columns)
    assert set(trained.metrics) == {"model", "baseline", "oracle"}


@pytest.mark.parametrize("drop", ["test", "train"])
def test_rolling_origin_splits_have_no_leakage(global_random_seed: int, drop: str) -> None:
    frame, _ = synthetic_feature_frame(800, seed=global_random_seed, n_candidates=300)
    folds = rolling_origin_splits(frame, 4, 0.3, drop=drop)
    assert len(folds) == 4
    seen_test: set[int] = set()
    previous_train = 0
    for train_idx, test_idx, dropped in folds:
        train, test = frame.iloc[train_idx], frame.iloc[test_idx]
        assert set(train["candidate_id"]).isdisjoint(test["candidate_id"])
        assert train["start_date"].max() < test["start_date"].min()
        assert seen_test.isdisjoint(test_idx.tolist())  # test periods do not overlap
        seen_test |= set(test_idx.tolist())
        assert dropped >= 0
        if drop == "test":
            assert len(train) > previous_train  # expanding window
            previous_train = len(train)
    assert len(seen_test) >= 0.1 * len(frame)


def test_rolling_origin_metrics(trained) -> None:
    cv = trained.cv_metrics
    assert set(cv) == {"model", "baseline", "oracle"}
    assert cv["model"]["n"] > trained.metrics["model"]["n"]
    assert cv["model"]["n"] == sum(f["test"] for f in trained.cv_folds)
    assert cv["oracle"]["roc_auc"] - cv["model"]["roc_auc"] < 0.05
    for key in ("ece_ci_low", "ece_ci_high", "auc_gap_ci_low", "auc_gap_ci_high", "ece_floor"):
        assert key in cv["model"] and key in trained.metrics["model"], key
    m = trained.metrics["model"]
    assert m["ece_ci_low"] <= m["ece"] <= m["ece_ci_high"]
    assert m["auc_gap_ci_low"] <= m["auc_gap_to_reference"] <= m["auc_gap_ci_high"]
    meta = trained.metadata()
    assert meta["metrics_cv"] is cv and len(meta["cv_folds"]) == len(trained.cv_folds)


def test_bootstrap_intervals_group_and_floor() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0.2, 0.9, 2000)
    y = (rng.random(2000) < p).astype(float)
    groups = np.repeat(np.arange(500), 4)
    ci = bootstrap_intervals(y, p, groups, p, n_boot=200, seed=1)
    assert ci["auc_gap_to_reference"] == 0.0
    assert ci["auc_gap_ci_low"] == ci["auc_gap_ci_high"] == 0.0
    assert ci["ece_ci_low"] < ci["ece_ci_high"]
    # calibrated scores: the ECE is within the calibrated floor's spread
    assert expected_calibration_error(y, p) <= ci["ece_floor_q95"]
    # a shifted score is flagged
    assert expected_calibration_error(y, np.clip(p + 0.1, 0, 1)) > ci["ece_floor_q95"]


def test_model_quality_on_synthetic_truth(trained) -> None:
    model, oracle = trained.metrics["model"], trained.metrics["oracle"]
    assert model["roc_auc"] > 0.7
    assert oracle["roc_auc"] - model["roc_auc"] < 0.05
    assert trained.metrics["baseline"]["roc_auc"] > 0.7


def test_calibration_on_large_synthetic_sample(trained) -> None:
    fresh, _ = synthetic_feature_frame(20_000, seed=99)
    X = fresh[list(FEATURE_NAMES)]
    p_true = true_probability(X)
    y = np.random.default_rng(5).random(len(X)) < p_true
    scores = score_features(trained.pipeline, X)
    assert expected_calibration_error(y, scores) <= 0.05
    assert abs(scores.mean() - y.mean()) < 0.03


def _grid_scores(pipeline, rows: pd.DataFrame, feature: str, values) -> np.ndarray:
    grid = rows.loc[rows.index.repeat(len(values))].reset_index(drop=True)
    grid[feature] = np.tile(values, len(rows))
    return score_features(pipeline, grid).reshape(len(rows), len(values))


def test_monotone_travel_and_certificates(trained) -> None:
    rows, _ = synthetic_feature_frame(40, seed=3)
    X = rows[list(FEATURE_NAMES)]
    travel = _grid_scores(trained.pipeline, X, "travel_km", np.linspace(0, 150, 16))
    assert (np.diff(travel, axis=1) <= 1e-12).all(), "more travel_km raised a score"
    certs = _grid_scores(trained.pipeline, X, "missing_required_certificates", [0.0, 1.0])
    assert (certs[:, 0] >= certs[:, 1] - 1e-12).all(), "a missing certificate raised a score"


def test_audit_columns_are_not_inputs(trained) -> None:
    rows, _ = synthetic_feature_frame(50, seed=4)
    shuffled = rows.copy()
    for col in [c for c in rows if c.startswith("audit_")]:
        shuffled[col] = shuffled[col].sample(frac=1, random_state=0).to_numpy()
    np.testing.assert_array_equal(score_features(trained.pipeline, rows),
                                  score_features(trained.pipeline, shuffled))
    hgb = trained.pipeline.named_steps["model"].calibrated_classifiers_[0].estimator
    assert hgb.n_features_in_ == len(FEATURE_NAMES)


def test_score_features_array_chunks_and_jobs(trained) -> None:
    rows, _ = synthetic_feature_frame(500, seed=5)
    X = rows[list(FEATURE_NAMES)].to_numpy()
    plain = score_features(trained.pipeline, X)
    chunked = score_features(trained.pipeline, X, n_jobs=2, chunk=200)
    np.testing.assert_allclose(plain, chunked)
    with pytest.raises(ValueError, match="shape"):
        score_features(trained.pipeline, X[:, :3])


@pytest.mark.slow
def test_determinism_same_seed_same_scores() -> None:
    frame, _ = synthetic_feature_frame(800, seed=21)
    a = train_from_frame(frame, SETTINGS)
    b = train_from_frame(frame.sample(frac=1, random_state=1), SETTINGS)
    assert a.fingerprint == b.fingerprint
    rows = frame[list(FEATURE_NAMES)].head(50)
    np.testing.assert_allclose(score_features(a.pipeline, rows), score_features(b.pipeline, rows))


def test_no_training_data() -> None:
    empty = pd.DataFrame(columns=["placement_id", "candidate_id", "vacancy_id", "start_date",
                                  "end_date", "hours_per_week"])
    dataset = Dataset(candidates=pd.DataFrame(), projects=pd.DataFrame(),
                      vacancies=pd.DataFrame(), placements=empty, valuation=pd.DataFrame())
    with pytest.raises(NoTrainingDataError, match="no placement history"):
        train_model(dataset, SETTINGS)
    frame, _ = synthetic_feature_frame(300, seed=2)
    with pytest.raises(NoTrainingDataError, match="not enough placement outcomes"):
        train_from_frame(frame, SETTINGS, as_of=frame["start_date"].min())


def test_metrics_basics() -> None:
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    m = evaluate(y, p, np.array(["a", "a", "b", "b"]))
    assert m["roc_auc"] == pytest.approx(0.75)
    assert m["brier"] == pytest.approx(np.mean((p - y) ** 2))
    assert m["n_vacancies"] == 2
    curve = reliability_curve(y, p, n_bins=2)
    assert curve["n"].sum() == 4
    perfect = shortlist_metrics(np.array(["v"] * 4), np.array([1, 1, 0, 0]),
                                np.array([0.9, 0.8, 0.2, 0.1]), k=2)
    assert perfect["precision_at_k"] == 1.0 and perfect["ndcg_at_k"] == 1.0
    worst = shortlist_metrics(np.array(["v"] * 4), np.array([1, 1, 0, 0]),
                              np.array([0.1, 0.2, 0.8, 0.9]), k=2)
    assert worst["precision_at_k"] == 0.0 and worst["ndcg_at_k"] == 0.0


def test_ece_detects_miscalibration() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(20_000)
    y = rng.random(20_000) < p
    assert expected_calibration_error(y, p) < 0.02
    assert expected_calibration_error(y, np.clip(p + 0.15, 0, 1)) > 0.1
    assert expected_calibration_error(y, p, strategy="uniform") < 0.02


def test_labels_drive_training_horizon() -> None:
    frame, _ = synthetic_feature_frame(300, seed=8)
    six = durable_labels(frame, 6)
    twelve = durable_labels(frame, 12)
    assert twelve["censored"].sum() > six["censored"].sum()

"""Evaluate a trained model: test-split metrics, rolling-origin folds, the current-pool check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from features.spec import FEATURE_NAMES
from matching.model.estimators import (
    CV_FOLDS,
    MIN_LABELLED,
    _fit_baseline,
    _fit_model,
    _proba,
    build_model,
)
from matching.model.fairness import FairnessAudit, audit_fairness
from matching.model.metrics import bootstrap_intervals, evaluate, reliability_curve
from matching.model.sanity import SanityReport, check_pool
from matching.model.scoring import limited_threads
from matching.model.splits import rolling_origin_splits

if TYPE_CHECKING:
    from matching.core.config import Settings
    from matching.data.dataset import Dataset

N_BOOTSTRAP = 500
"""Candidate-grouped bootstrap resamples of the metrics' 95% intervals."""


def evaluate_test(test: pd.DataFrame, truth: Any, seed: int
                  ) -> tuple[dict[str, dict[str, float]], dict[str, pd.DataFrame], FairnessAudit]:
    """Metrics, reliability curves and the fairness audit of a scored test split.

    ``test`` holds ``label``, ``score`` and ``baseline_score`` (and ``candidate_id``,
    ``vacancy_id``); with a ``truth`` the oracle's probabilities are added to it as
    ``oracle_score``. The model's metrics get candidate-grouped bootstrap intervals.
    """
    y_test = test["label"].to_numpy()
    vac = test["vacancy_id"].to_numpy() if "vacancy_id" in test else None
    metrics = {
        "model": evaluate(y_test, test["score"].to_numpy(), vac),
        "baseline": evaluate(y_test, test["baseline_score"].to_numpy(), vac),
    }
    reliability = {
        "model": reliability_curve(y_test, test["score"].to_numpy()),
        "baseline": reliability_curve(y_test, test["baseline_score"].to_numpy()),
    }
    if truth is not None:
        oracle = np.asarray(
            truth.probability(test["candidate_id"].to_numpy(), test["vacancy_id"].to_numpy()),
            dtype=float,
        )
        test["oracle_score"] = oracle
        metrics["oracle"] = evaluate(y_test, oracle, vac)
        reliability["oracle"] = reliability_curve(y_test, oracle)
    metrics["model"].update(bootstrap_intervals(
        y_test, test["score"].to_numpy(), test["candidate_id"].astype(str).to_numpy(),
        test["oracle_score"].to_numpy() if truth is not None else None,
        n_boot=N_BOOTSTRAP, seed=seed))
    return metrics, reliability, audit_fairness(test, "score", "label")


def _rolling_origin(
    labelled: pd.DataFrame, settings: Settings, *, truth: Any, calibration: str,
    model_params: Mapping[str, Any] | None, split_drop: str,
) -> tuple[dict[str, dict[str, float]], dict[str, pd.DataFrame], list[dict[str, Any]]]:
    """Pooled out-of-fold metrics of the rolling-origin evaluation (see module docstring)."""
    pooled: list[pd.DataFrame] = []
    folds: list[dict[str, Any]] = []
    for train_idx, test_idx, n_dropped in rolling_origin_splits(labelled, drop=split_drop):
        train, test = labelled.iloc[train_idx], labelled.iloc[test_idx]
        y_train = train["label"].to_numpy()
        groups = train["candidate_id"].astype(str).to_numpy()
        if (len(train) < MIN_LABELLED // 2 or len(np.unique(y_train)) < 2
                or len(np.unique(groups)) < CV_FOLDS):
            continue
        X_train, X_test = train.loc[:, list(FEATURE_NAMES)], test.loc[:, list(FEATURE_NAMES)]
        model = _fit_model(build_model(settings.seed, calibration, 1,
                                       model_params), X_train, y_train, groups)
        baseline = _fit_baseline(X_train, y_train)
        part = test.loc[:, ["candidate_id", "vacancy_id", "start_date", "label"]].copy()
        part["score"] = _proba(model, X_test)
        part["baseline_score"] = _proba(baseline, X_test)
        part["fold"] = len(folds)
        pooled.append(part)
        folds.append({"cutoff": str(pd.Timestamp(test["start_date"].min()).date()),
                      "end": str(pd.Timestamp(test["start_date"].max()).date()),
                      "train": len(train), "test": len(test), "dropped": n_dropped})
    if not pooled:
        return {}, {}, folds
    oof = pd.concat(pooled, ignore_index=True)
    y = oof["label"].to_numpy()
    vac = oof["vacancy_id"].to_numpy()
    groups = oof["candidate_id"].astype(str).to_numpy()
    scores = {"model": oof["score"].to_numpy(), "baseline": oof["baseline_score"].to_numpy()}
    if truth is not None:
        scores["oracle"] = np.asarray(truth.probability(oof["candidate_id"].to_numpy(), vac),
                                      dtype=float)
    metrics = {name: evaluate(y, p, vac) for name, p in scores.items()}
    metrics["model"].update(bootstrap_intervals(
        y, scores["model"], groups, scores.get("oracle"), n_boot=N_BOOTSTRAP, seed=settings.seed))
    reliability = {name: reliability_curve(y, p) for name, p in scores.items()}
    return metrics, reliability, folds


POOL_CHECK_MAX_PAIRS = 400_000
"""At most this many serving pairs are scored for the training-time sanity check."""


def check_current_pool(dataset: Dataset, pipeline: Any, profile: Mapping[str, Any],
                       settings: Settings) -> SanityReport | None:
    """Score the dataset's current pool (available x open, after blocking) and check it.

    ``None`` when the dataset has no available candidates or no open vacancies.
    """
    from features.blocking import iter_candidate_pairs
    from features.profiles import build_profiles

    active = dataset.active()
    if len(active.candidates) == 0 or len(active.vacancies) == 0:
        return None
    profiles = build_profiles(active, settings)
    parts, vacs, n = [], [], 0
    for block in iter_candidate_pairs(profiles, settings, with_features=True):
        if len(block.cand_idx) == 0:
            continue
        parts.append(block.features[:, :len(FEATURE_NAMES)])
        vacs.append(block.vac_idx)
        n += len(block.cand_idx)
        if n >= POOL_CHECK_MAX_PAIRS:
            break
    if not parts:
        return None
    X = pd.DataFrame(np.vstack(parts), columns=list(FEATURE_NAMES))
    with limited_threads(1):
        scores = pipeline.predict_proba(X)[:, 1]
    return check_pool(profile, X, scores, np.concatenate(vacs))

"""Build and fit the model and baseline pipelines: calibrated monotone boosting, logistic regression."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from features.spec import FEATURE_NAMES, MONOTONIC_CST
from matching.core.errors import NoTrainingDataError
from matching.model.scoring import limited_threads

HGB_PARAMS: dict[str, Any] = {
    "learning_rate": 0.1,
    "max_iter": 100,
    "max_depth": 2,
    "max_leaf_nodes": None,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "early_stopping": False,
}
"""Gradient-boosting parameters (fixed iteration count: deterministic and fast enough).

Shallow trees (depth 2: main effects plus pairwise interactions) with many small steps. On
generated sample data (seeds 1-3, ~2,900 training placements) depth 1, 2 and 3 and
15-leaf trees were within 0.005 ROC AUC of each other (test-set noise is ~0.015); deeper
trees were slower and not better. 100 steps of 0.1 matched 300 steps of 0.05 in AUC and
calibration and score ~4x faster (the calibrated model averages 5 fold models, so every
prediction walks 5 x 100 trees)."""

CV_FOLDS = 5
MIN_LABELLED = 50
"""Fewest labelled (non-censored) placements a model is trained on."""
MIN_PER_CLASS = 10
"""Fewest durable and not-durable placements each."""


def _select() -> ColumnTransformer:
    return ColumnTransformer(
        [("features", "passthrough", list(FEATURE_NAMES))],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def build_model(
    seed: int,
    calibration: str = "isotonic",
    n_jobs: int = 1,
    model_params: Mapping[str, Any] | None = None,
) -> Pipeline:
    """The unfitted scoring pipeline: feature selection -> calibrated monotone boosting.

    ``model_params`` override :data:`HGB_PARAMS` (experiments, fast tests).
    """
    if calibration not in {"isotonic", "sigmoid"}:
        raise ValueError(f"calibration must be 'isotonic' or 'sigmoid', got {calibration!r}")
    hgb = HistGradientBoostingClassifier(
        monotonic_cst=list(MONOTONIC_CST), random_state=seed,
        **{**HGB_PARAMS, **(model_params or {})},
    )
    return Pipeline([
        ("select", _select()),
        ("model", CalibratedClassifierCV(hgb, method=calibration, cv=GroupKFold(CV_FOLDS),
                                         n_jobs=n_jobs)),
    ])


def build_baseline() -> Pipeline:
    """The unfitted logistic-regression baseline (median imputation + indicators, scaling)."""
    return Pipeline([
        ("select", _select()),
        ("impute", SimpleImputer(strategy="median", add_indicator=True,
                                 keep_empty_features=True)),
        ("scale", StandardScaler()),
        ("model", LogisticRegression(max_iter=2000)),
    ])


def _fit_model(pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray) -> Pipeline:
    n_groups = len(np.unique(groups))
    if n_groups < CV_FOLDS:
        raise NoTrainingDataError(
            f"only {n_groups} distinct candidates in the training data; calibration needs at "
            f"least {CV_FOLDS}"
        )
    with limited_threads(1), sklearn.config_context(enable_metadata_routing=True):
        pipeline.fit(X, y, groups=groups)
    return pipeline


def _fit_baseline(X: pd.DataFrame, y: np.ndarray) -> Pipeline:
    with limited_threads(1):
        return build_baseline().fit(X, y)


def _proba(pipeline: Pipeline, X: pd.DataFrame) -> np.ndarray:
    with limited_threads(1):
        return pipeline.predict_proba(X)[:, 1]


def _importance(pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, seed: int
                ) -> dict[str, float]:
    """Permutation importance (mean drop in ROC AUC over 5 repeats) of each model feature."""
    from sklearn.inspection import permutation_importance

    if len(np.unique(y)) < 2:
        return {}
    with limited_threads(1):
        res = permutation_importance(pipeline, X, y, scoring="roc_auc", n_repeats=5,
                                     random_state=seed, n_jobs=1)
    return {name: round(float(v), 5) for name, v in zip(X.columns, res.importances_mean,
                                                         strict=True)}

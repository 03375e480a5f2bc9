"""The result of one training run (:class:`TrainResult`), its metadata and data fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from features.spec import FEATURE_NAMES, MONOTONIC_CST, feature_schema_hash
from matching.model.fairness import FairnessAudit


@dataclass
class TrainResult:
    """Everything one training run produced: models, evaluation, audit and provenance."""

    pipeline: Pipeline
    """The model refitted on all labelled placements: the artifact to register."""
    baseline: Pipeline
    """The logistic baseline refitted on all labelled placements."""
    eval_pipeline: Pipeline
    """The model fitted on the training split (the one the metrics describe)."""
    eval_baseline: Pipeline
    test: pd.DataFrame
    """Test placements: ids, start_date, label, features, audit columns, ``score``,
    ``baseline_score`` and (with a truth) ``oracle_score``."""
    metrics: dict[str, dict[str, float]]
    """``{"model": …, "baseline": …, "oracle": …}`` on the test split."""
    reliability: dict[str, pd.DataFrame]
    fairness: FairnessAudit
    counts: dict[str, int]
    reference: dict[str, float]
    params: dict[str, Any]
    fingerprint: str
    as_of: str
    timings: dict[str, float] = field(default_factory=dict)
    cv_metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    """Rolling-origin evaluation (pooled out-of-fold predictions): ``{"model": …,
    "baseline": …, "oracle": …}``, empty when there were too few placements for it."""
    cv_reliability: dict[str, pd.DataFrame] = field(default_factory=dict)
    cv_folds: list[dict[str, Any]] = field(default_factory=list)
    """Per fold: ``cutoff``, ``end``, ``train``, ``test``, ``dropped``."""
    feature_profile: dict[str, Any] = field(default_factory=dict)
    """:func:`matching.model.sanity.feature_profile` of the training rows (drift reference)."""
    history: dict[str, Any] = field(default_factory=dict)
    """:func:`matching.model.labels.history_summary`: reference date, its reason, censoring."""
    sanity: dict[str, Any] | None = None
    """:class:`matching.model.sanity.SanityReport` of the dataset's current pool (``train_model``)."""
    importance: dict[str, float] = field(default_factory=dict)
    """Permutation importance (drop in ROC AUC on the test split) of each feature."""
    comparison: dict[str, Any] | None = None
    """:func:`matching.model.compare.compare_with_active`, set before registering."""

    def metadata(self) -> dict[str, Any]:
        """The training part of a model's ``metadata.json`` (the registry adds the rest)."""
        return {
            "training_data_fingerprint": self.fingerprint,
            "as_of": self.as_of,
            "counts": dict(self.counts),
            "feature_schema": {"names": list(FEATURE_NAMES), "hash": feature_schema_hash(),
                               "monotonic_cst": list(MONOTONIC_CST)},
            "parameters": self.params,
            "metrics": self.metrics,
            "metrics_cv": self.cv_metrics,
            "cv_folds": self.cv_folds,
            "fairness": {
                "table": _records(self.fairness.table),
                "warnings": list(self.fairness.warnings),
            },
            "reference": self.reference,
            "feature_profile": self.feature_profile,
            "history": self.history,
            "sanity": self.sanity,
            "importance": self.importance,
            "comparison_with_active": self.comparison,
            "timings_s": self.timings,
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def data_fingerprint(frame: pd.DataFrame) -> str:
    """sha256 over the labelled feature frame (sorted by placement, features + label).

    The same history gives the same fingerprint whatever the row order of the input.
    """
    cols = [c for c in ("placement_id", *FEATURE_NAMES, "label") if c in frame.columns]
    key = "placement_id" if "placement_id" in frame.columns else cols[0]
    ordered = frame.loc[:, cols].sort_values(key, kind="stable")
    text = ordered.to_csv(index=False, float_format="%.12g", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

"""Compare a freshly trained model with the registry's active model on the same test split."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from features.spec import FEATURE_NAMES
from matching.core.errors import ModelError
from matching.model.metrics import evaluate
from matching.model.registry import Registry
from matching.model.scoring import score_features

log = logging.getLogger(__name__)

KEY_METRICS = ("roc_auc", "average_precision", "brier", "ece", "precision_at_k", "ndcg_at_k")
LOWER_IS_BETTER = frozenset({"brier", "ece"})
MIN_COMPARED = 30


def unseen_by(active_metadata: dict[str, Any], test: pd.DataFrame) -> np.ndarray:
    """Mask of test placements the active model cannot have been trained on.

    The active model learned from placements whose follow-up was complete on its reference
    date (``as_of``): horizon date on or before it. A placement whose horizon date lies after
    the active model's ``as_of`` was not a training row of that model.
    """
    as_of = active_metadata.get("as_of")
    horizon = (active_metadata.get("parameters") or {}).get("horizon_months")
    if not as_of or not horizon or "start_date" not in test:
        return np.zeros(len(test), dtype=bool)
    horizon_date = pd.to_datetime(test["start_date"]) + pd.DateOffset(months=int(horizon))
    return (horizon_date > pd.Timestamp(as_of)).to_numpy()


def compare_with_active(registry: Registry, result: Any) -> dict[str, Any] | None:
    """Metrics of the new and the active model on the newest placements neither was fitted on.

    The new model is represented by its evaluation fit (trained on the earlier part of the
    history only); the comparison set is its test period restricted to placements the active
    model cannot have seen (:func:`unseen_by`): outcomes that arrived since the active model
    was trained. Identical data gives an empty set, and the result says so instead of
    comparing the active model on rows it was fitted on. Returns ``None`` when there is no
    active model, and a note instead of metrics when the active model cannot be loaded.
    """
    active = registry.active()
    if active is None:
        return None
    test = result.test
    try:
        old_model = registry.load(active)
    except ModelError as exc:
        return {"active_version": active, "note": f"active model not comparable: {exc}"}
    fresh = unseen_by(old_model.metadata, test)
    n = int(fresh.sum())
    base = {"active_version": active, "n_test": len(test), "n_compared": n,
            "active_as_of": old_model.metadata.get("as_of")}
    if n < MIN_COMPARED or len(np.unique(test.loc[fresh, "label"])) < 2:
        return {**base, "note": (
            f"only {n} held-out placement(s) started after the active model's data "
            f"(as of {base['active_as_of']}): too few to compare fairly (at least "
            f"{MIN_COMPARED} with both outcomes are needed). Append new outcomes to the "
            "placements table and retrain to see drift before promoting.")}
    part = test.loc[fresh]
    y = part["label"].to_numpy(dtype=float)
    vac = part["vacancy_id"].to_numpy()
    new = evaluate(y, part["score"].to_numpy(dtype=float), vac)
    old = evaluate(y, score_features(old_model, part[list(FEATURE_NAMES)]), vac)
    rows = {}
    for metric in KEY_METRICS:
        a, b = float(old.get(metric, np.nan)), float(new.get(metric, np.nan))
        better = (b < a) if metric in LOWER_IS_BETTER else (b > a)
        rows[metric] = {"active": a, "new": b, "difference": b - a,
                        "new_is_better": bool(better) if np.isfinite(a - b) else None}
    period = pd.to_datetime(part["start_date"])
    return {**base, "metrics": rows,
            "period": [str(period.min().date()), str(period.max().date())],
            "note": "both scored on the newest held-out placements that neither model was "
                    "trained on (the new model by its fit on the earlier period)"}

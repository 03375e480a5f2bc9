"""Compare a freshly trained model with the registry's active model on the same test split."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from features.spec import FEATURE_NAMES
from matching.errors import ModelError
from matching.metrics import evaluate
from matching.registry import Registry
from matching.scoring import score_features

log = logging.getLogger(__name__)

KEY_METRICS = ("roc_auc", "average_precision", "brier", "ece", "precision_at_k", "ndcg_at_k")
LOWER_IS_BETTER = frozenset({"brier", "ece"})


def compare_with_active(registry: Registry, result: Any) -> dict[str, Any] | None:
    """Metrics of the new model and of the active one on the new run's test split.

    Both are scored on exactly the same held-out placements (the active model may have seen
    some of them in its own training, which favours it; the report says so). Returns ``None``
    when there is no active model, and a note instead of metrics when the active model cannot
    be loaded (e.g. an incompatible feature schema after an upgrade).
    """
    active = registry.active()
    if active is None:
        return None
    test = result.test
    y = test["label"].to_numpy(dtype=float)
    vac = test["vacancy_id"].to_numpy()
    new = evaluate(y, test["score"].to_numpy(dtype=float), vac)
    try:
        old_model = registry.load(active)
    except ModelError as exc:
        return {"active_version": active, "note": f"active model not comparable: {exc}"}
    old = evaluate(y, score_features(old_model, test[list(FEATURE_NAMES)]), vac)
    rows = {}
    for metric in KEY_METRICS:
        a, b = float(old.get(metric, np.nan)), float(new.get(metric, np.nan))
        better = (b < a) if metric in LOWER_IS_BETTER else (b > a)
        rows[metric] = {"active": a, "new": b, "difference": b - a,
                        "new_is_better": bool(better) if np.isfinite(a - b) else None}
    return {"active_version": active, "n_test": len(test), "metrics": rows,
            "note": "both scored on the new run's held-out placements; the active model may "
                    "have been trained on some of them"}

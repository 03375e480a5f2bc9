"""Quality metrics of a durable-placement model: discrimination, calibration and shortlists.

* ``roc_auc``, ``average_precision`` and ``brier`` come from scikit-learn.
* The **expected calibration error** (ECE) uses 10 **equal-frequency** bins (score deciles):
  ``sum_b n_b / n * |mean score_b - observed rate_b|``. Equal-frequency bins are used because
  durable-placement scores bunch in the middle of the range; equal-width bins would leave the
  tails nearly empty and make the estimate noisy. ``strategy="uniform"`` gives equal-width bins.
* **Shortlist metrics** rebuild, from the history, the shortlist an account manager would have
  seen: test placements are grouped by vacancy, and every vacancy with at least two placements
  ranks its placed candidates by score. Relevance is the durable label. ``precision@k`` is the
  share of durable placements among the top ``min(k, n)``; ``NDCG@k`` uses the binary gain
  ``label / log2(rank + 1)`` and skips vacancies without any durable placement (no ideal order).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

__all__ = [
    "evaluate",
    "expected_calibration_error",
    "metrics_table",
    "reliability_curve",
    "shortlist_metrics",
]

N_BINS = 10


def _bins(p: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    if strategy == "quantile":
        # Rank-based equal-frequency bins: ties never produce empty or degenerate edges.
        order = np.argsort(p, kind="stable")
        bins = np.empty(len(p), dtype=int)
        bins[order] = np.arange(len(p)) * n_bins // max(len(p), 1)
        return bins
    if strategy == "uniform":
        return np.clip((p * n_bins).astype(int), 0, n_bins - 1)
    raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}")


def reliability_curve(
    y: np.ndarray, p: np.ndarray, n_bins: int = N_BINS, strategy: str = "quantile"
) -> pd.DataFrame:
    """Mean score against observed durable rate per bin.

    Returns
    -------
    DataFrame
        One row per non-empty bin: ``bin``, ``n``, ``mean_score``, ``observed_rate``.

    Examples
    --------
    >>> curve = reliability_curve(np.array([0, 1, 0, 1]), np.array([.1, .9, .2, .8]), n_bins=2)
    >>> curve[["n", "observed_rate"]].values.tolist()
    [[2.0, 0.0], [2.0, 1.0]]
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if len(p) == 0:
        return pd.DataFrame(columns=["bin", "n", "mean_score", "observed_rate"])
    frame = pd.DataFrame({"bin": _bins(p, n_bins, strategy), "p": p, "y": y})
    grouped = frame.groupby("bin", sort=True)
    return pd.DataFrame(
        {
            "bin": grouped.size().index.to_numpy(),
            "n": grouped.size().to_numpy(dtype=float),
            "mean_score": grouped["p"].mean().to_numpy(),
            "observed_rate": grouped["y"].mean().to_numpy(),
        }
    )


def expected_calibration_error(
    y: np.ndarray, p: np.ndarray, n_bins: int = N_BINS, strategy: str = "quantile"
) -> float:
    """Weighted mean absolute gap between mean score and observed rate over ``n_bins`` bins.

    Examples
    --------
    >>> round(expected_calibration_error(np.array([0, 1]), np.array([0.0, 1.0]), n_bins=2), 3)
    0.0
    """
    curve = reliability_curve(y, p, n_bins, strategy)
    if curve.empty:
        return float("nan")
    weights = curve["n"] / curve["n"].sum()
    return float((weights * (curve["mean_score"] - curve["observed_rate"]).abs()).sum())


def _dcg(labels: np.ndarray) -> float:
    return float((labels / np.log2(np.arange(2, len(labels) + 2))).sum())


def shortlist_metrics(
    vacancy_ids: np.ndarray, y: np.ndarray, p: np.ndarray, k: int = 3
) -> dict[str, float]:
    """precision@k and NDCG@k of per-vacancy shortlists rebuilt from the history.

    Parameters
    ----------
    vacancy_ids, y, p : array-like
        Vacancy of each placement, its durable label and its score.
    k : int
        Shortlist length. ``precision@k`` only tells scorers apart for vacancies with more
        than ``k`` placements (otherwise the shortlist is every placement), so ``precision@1``
        (is the top-ranked placement durable?) is reported as well.

    Returns
    -------
    dict
        ``precision_at_k``, ``ndcg_at_k``, ``precision_at_1`` (``NaN`` when no vacancy
        qualifies), ``n_vacancies`` (vacancies with >= 2 placements) and ``k``.

    Examples
    --------
    >>> m = shortlist_metrics(np.array(["v", "v", "v"]), np.array([1, 0, 0]),
    ...                       np.array([.9, .2, .1]), k=1)
    >>> m["precision_at_k"], m["ndcg_at_k"]
    (1.0, 1.0)
    """
    frame = pd.DataFrame({"v": np.asarray(vacancy_ids), "y": np.asarray(y, float),
                          "p": np.asarray(p, float)})
    precisions: list[float] = []
    top1: list[float] = []
    ndcgs: list[float] = []
    for _, group in frame.groupby("v", sort=True):
        if len(group) < 2:
            continue
        ranked = group.sort_values("p", ascending=False, kind="stable")["y"].to_numpy()
        precisions.append(float(ranked[:k].mean()))
        top1.append(float(ranked[0]))
        ideal = _dcg(np.sort(ranked)[::-1][:k])
        if ideal > 0:
            ndcgs.append(_dcg(ranked[:k]) / ideal)

    def mean(values: list[float]) -> float:
        return float(np.mean(values)) if values else float("nan")

    return {
        "precision_at_k": mean(precisions),
        "ndcg_at_k": mean(ndcgs),
        "precision_at_1": mean(top1),
        "n_vacancies": float(len(precisions)),
        "k": float(k),
    }


def evaluate(
    y: np.ndarray,
    p: np.ndarray,
    vacancy_ids: np.ndarray | None = None,
    *,
    k: int = 3,
    n_bins: int = N_BINS,
) -> dict[str, float]:
    """Every metric of one set of scores on one set of labelled placements.

    Returns
    -------
    dict
        ``n``, ``base_rate``, ``mean_score``, ``roc_auc``, ``average_precision``, ``brier``,
        ``ece`` and, when ``vacancy_ids`` are given, ``precision_at_k``, ``ndcg_at_k``,
        ``precision_at_1``, ``n_vacancies`` and ``k``. Rank metrics are ``NaN`` when only one class occurs.
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    two_classes = len(np.unique(y)) == 2
    out: dict[str, float] = {
        "n": float(len(y)),
        "base_rate": float(y.mean()) if len(y) else float("nan"),
        "mean_score": float(p.mean()) if len(p) else float("nan"),
        "roc_auc": float(roc_auc_score(y, p)) if two_classes else float("nan"),
        "average_precision": float(average_precision_score(y, p)) if two_classes else float("nan"),
        "brier": float(brier_score_loss(y, p)) if len(y) else float("nan"),
        "ece": expected_calibration_error(y, p, n_bins),
    }
    if vacancy_ids is not None:
        out.update(shortlist_metrics(vacancy_ids, y, p, k=k))
    return out


def metrics_table(metrics: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """Side-by-side table: one column per scorer (model, baseline, oracle), one row per metric."""
    return pd.DataFrame({name: pd.Series(values) for name, values in metrics.items()})

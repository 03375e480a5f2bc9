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
* :func:`bootstrap_intervals` gives percentile bootstrap intervals of the ECE, the ROC AUC and
  (with reference scores, e.g. the oracle) the AUC gap, resampling **candidates** (all of a
  person's placements together), because placements of one person are not independent.
  A 10-bin ECE has a positive bias of roughly ``sqrt(2 / pi) * sqrt(p (1 - p) * bins / n)``
  (about 0.03 at n = 1,000 and 0.017 at n = 3,000 for p near 0.6): even perfectly calibrated
  scores, such as the oracle's, show an ECE of that size on a small test set.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

__all__ = [
    "bootstrap_intervals",
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
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if len(p) == 0:
        return float("nan")
    bins = _bins(p, n_bins, strategy)
    gap = np.bincount(bins, weights=p - y, minlength=n_bins)
    return float(np.abs(gap).sum() / len(p))


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC via ranks (ties averaged); ``NaN`` with one class."""
    pos = y > 0.5
    n_pos = int(pos.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = pd.Series(p).rank(method="average").to_numpy()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def bootstrap_intervals(
    y: np.ndarray,
    p: np.ndarray,
    groups: np.ndarray | None = None,
    p_reference: np.ndarray | None = None,
    *,
    n_boot: int = 500,
    level: float = 0.95,
    seed: int = 0,
    n_bins: int = N_BINS,
) -> dict[str, float]:
    """Percentile bootstrap intervals of ECE and ROC AUC, resampling groups (candidates).

    Parameters
    ----------
    y, p : array-like
        Labels and scores.
    groups : array-like, optional
        Resampling unit of each row (e.g. candidate id); each row on its own when omitted.
    p_reference : array-like, optional
        Reference scores of the same rows (the oracle): adds the AUC gap
        ``auc(reference) - auc(p)``, its interval, and the reference's ECE interval.
    n_boot, level, seed : resamples, interval level, random seed.

    Returns
    -------
    dict
        ``ece_ci_low``, ``ece_ci_high``, ``roc_auc_ci_low``, ``roc_auc_ci_high`` and with a
        reference ``auc_gap_to_reference``, ``auc_gap_ci_low``, ``auc_gap_ci_high``,
        ``reference_ece_ci_low``, ``reference_ece_ci_high``; ``n_boot``; and
        ``ece_floor`` / ``ece_floor_q95``: the mean and 95th percentile of the ECE the same
        scores would show if they were perfectly calibrated (labels drawn as
        Bernoulli(score), "consistency resampling"). An ECE below ``ece_floor_q95`` is
        consistent with perfect calibration at this sample size.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.random(400); y = (rng.random(400) < p).astype(float)
    >>> ci = bootstrap_intervals(y, p, n_boot=200)
    >>> ci["ece_ci_low"] < expected_calibration_error(y, p) < ci["ece_ci_high"]
    True
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    n = len(y)
    codes = (np.arange(n) if groups is None
             else pd.factorize(np.asarray(groups), sort=False)[0])
    n_groups = int(codes.max()) + 1 if n else 0
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=n_groups)
    starts = np.cumsum(sizes) - sizes
    rng = np.random.default_rng(seed)
    ref = None if p_reference is None else np.asarray(p_reference, dtype=float)
    ece, auc, gap, ref_ece = [], [], [], []
    for _ in range(n_boot if n_groups > 1 else 0):
        g = rng.integers(0, n_groups, n_groups)
        counts = sizes[g]
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        rows = order[np.repeat(starts[g], counts) + offsets]
        yy, pp = y[rows], p[rows]
        ece.append(expected_calibration_error(yy, pp, n_bins))
        a = _auc(yy, pp)
        auc.append(a)
        if ref is not None:
            rr = ref[rows]
            gap.append(_auc(yy, rr) - a)
            ref_ece.append(expected_calibration_error(yy, rr, n_bins))
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]

    def interval(values: list[float]) -> tuple[float, float]:
        arr = np.asarray(values, dtype=float)
        arr = arr[np.isfinite(arr)]
        if len(arr) == 0:
            return float("nan"), float("nan")
        low, high = np.percentile(arr, q)
        return float(low), float(high)

    floor = [expected_calibration_error((rng.random(n) < p).astype(float), p, n_bins)
             for _ in range(n_boot if n else 0)]
    out: dict[str, float] = {"n_boot": float(len(ece))}
    if floor:
        out["ece_floor"] = float(np.mean(floor))
        out["ece_floor_q95"] = float(np.percentile(floor, 95))
    out["ece_ci_low"], out["ece_ci_high"] = interval(ece)
    out["roc_auc_ci_low"], out["roc_auc_ci_high"] = interval(auc)
    if ref is not None:
        out["auc_gap_to_reference"] = _auc(y, ref) - _auc(y, p)
        out["auc_gap_ci_low"], out["auc_gap_ci_high"] = interval(gap)
        out["reference_ece_ci_low"], out["reference_ece_ci_high"] = interval(ref_ece)
    return out


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

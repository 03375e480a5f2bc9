"""Sanity checks that stop a silently broken model: saturation, base rate and feature drift.

A model can be fitted well and still be useless on the pairs it has to score: a feature of a
past placement computed from today's values (time travel), a reference date years ahead, or a
new export whose fields mean something else. Every pair then looks certain, and nothing in
the test metrics (computed on the same broken history) shows it. These checks compare what
the model sees and says *at serving time* with what it learned from:

* **predicted durable rate** of the serving pool against the historic base rate (the share of
  durable placements among labelled placements). Pool pairs are all feasible pairs, a wider
  set than the placed ones, so the rate may sit below the base rate; a pool that is
  predicted far *above* the best the history ever achieved is suspect;
* **saturation**: the share of pool pairs scored above 0.95;
* **feature drift**: the population stability index (PSI) of each feature between the
  training placements that pass the hard constraints a serving pair must pass (within reach,
  no missing required certificate) and the serving pairs that matter: the best ``top_k``
  pairs of each vacancy (the pairs a shortlist shows and an assignment picks). PSI < 0.1 is
  stable, 0.1–0.25 a moderate shift, > 0.25 a major one (the common credit-scoring
  convention). Every PSI is reported; a feature is a *warning* when its PSI is major **and**
  its mean moved by more than ``MAX_SMD`` training standard deviations (the standardised mean
  difference): placed pairs and serving pairs differ in shape by selection (past practice
  chose differently from the model), which PSI alone flags on healthy data, while a feature
  that moved out of the region the model learned from (a start delay of two years in
  training against weeks at serving) is what breaks a model. Only features the model relies
  on (permutation importance at least ``MIN_IMPORTANCE`` drop in ROC AUC, when the profile
  carries importances) can raise the warning: a drifted feature the model ignores cannot
  mislead it. Features fixed by blocking (``within_reach``,
  ``missing_required_certificates``) are not compared.

:func:`feature_profile` summarises the training features when a model is trained (stored in
the model's metadata as ``feature_profile``); :func:`check_pool` compares a scored pool with
it. Both training (on the dataset's current pool) and scoring (``assign``) run the check;
``train --promote`` refuses a model that fails it unless forced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from matching.texts import format as fmt

__all__ = [
    "PSI_MAJOR",
    "SanityReport",
    "check_pool",
    "feature_profile",
    "population_stability_index",
]

PSI_MAJOR = 0.25
"""PSI above which a feature's serving distribution counts as a major shift."""
SATURATION_LEVEL = 0.95
MAX_SATURATED_SHARE = 0.5
"""Warn when more than this share of pool pairs is scored above ``SATURATION_LEVEL``."""
MAX_RATE_EXCESS = 0.15
"""Warn when the pool's mean predicted rate exceeds the historic base rate by more than this."""
MAX_SMD = 1.0
"""A drifted feature's mean moved by more than this many training standard deviations."""
MIN_IMPORTANCE = 0.005
"""Drop in ROC AUC below which a feature is too unimportant to raise a drift warning."""
BLOCKED_FEATURES = frozenset({"within_reach", "missing_required_certificates"})
"""Features that blocking fixes for every serving pair: not compared for drift."""
TOP_K = 5
N_BINS = 10

_MESSAGES = {
    "saturated": {
        "nl": "{share} van de paren krijgt een kans boven {level}: het model verzadigt "
              "(vrijwel alles lijkt zeker)",
        "en": "{share} of the pairs score above {level}: the model saturates "
              "(nearly everything looks certain)",
    },
    "rate_excess": {
        "nl": "voorspelde duurzaamheid in de pool {pool} ligt ver boven het historische "
              "aandeel duurzame plaatsingen {base}",
        "en": "the pool's predicted durable rate {pool} lies far above the historic "
              "durable rate {base}",
    },
    "drift": {
        "nl": "kenmerk {feature}: verdeling bij gebruik wijkt sterk af van de training "
              "(PSI {psi} > {limit}; training gemiddeld {train_mean}, nu {serve_mean})",
        "en": "feature {feature}: its serving distribution differs strongly from training "
              "(PSI {psi} > {limit}; training mean {train_mean}, now {serve_mean})",
    },
}


_SHARES = frozenset({"share", "level", "pool", "base"})
_FIXED2 = frozenset({"psi", "limit"})


def _shown(figures: dict[str, Any], lang: str) -> dict[str, Any]:
    """The figures of a warning as people read them in ``lang`` (one formatter)."""
    out = dict(figures)
    for key, value in figures.items():
        if key in _SHARES:
            out[key] = fmt.percent(value, lang)
        elif key in _FIXED2:
            out[key] = fmt.number(value, lang, 2)
        elif key in ("train_mean", "serve_mean"):
            out[key] = _three_digits(value, lang)
    return out


def _three_digits(x: float, lang: str) -> str:
    """About three significant digits (764, 12.5, 0.012) in ``lang``."""
    if not np.isfinite(x) or x == 0:
        return fmt.number(x, lang)
    decimals = max(0, min(3, 2 - int(np.floor(np.log10(abs(x))))))
    return fmt.number(x, lang, decimals)


@dataclass(frozen=True)
class SanityReport:
    """The outcome of :func:`check_pool`."""

    n_pairs: int
    base_rate: float | None
    pool_rate: float
    saturated_share: float
    psi: dict[str, float]
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """Each ``{"rule": ..., "message_nl": ..., "message_en": ..., **figures}``."""

    @property
    def ok(self) -> bool:
        return not self.warnings

    def messages(self, lang: str = "nl") -> list[str]:
        return [w[f"message_{lang}"] if f"message_{lang}" in w else w["message_en"]
                for w in self.warnings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_pairs": self.n_pairs,
            "base_rate": self.base_rate,
            "pool_rate": self.pool_rate,
            "saturated_share": self.saturated_share,
            "psi": dict(self.psi),
            "warnings": list(self.warnings),
            "ok": self.ok,
        }


def _edges(values: np.ndarray, n_bins: int) -> list[float]:
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return []
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, n_bins + 1)[1:-1]))
    return [float(e) for e in edges]


def _shares(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    """Shares per bin: ``len(edges) + 1`` value bins (right-closed) and one for missing."""
    values = np.asarray(values, dtype=float)
    missing = ~np.isfinite(values)
    counts = np.zeros(len(edges) + 2)
    if (~missing).any():
        idx = np.searchsorted(np.asarray(edges, dtype=float), values[~missing], side="left")
        counts[:len(edges) + 1] = np.bincount(idx, minlength=len(edges) + 1)
    counts[-1] = missing.sum()
    total = counts.sum()
    return counts / total if total else counts


def population_stability_index(expected: Sequence[float], actual: Sequence[float],
                               floor: float = 1e-4) -> float:
    """PSI = sum((a - e) * ln(a / e)) over bins, with shares floored at ``floor``.

    Examples
    --------
    >>> round(population_stability_index([0.5, 0.5], [0.5, 0.5]), 6)
    0.0
    >>> round(population_stability_index([0.9, 0.1], [0.1, 0.9]), 2)
    3.52
    """
    e = np.maximum(np.asarray(expected, dtype=float), floor)
    a = np.maximum(np.asarray(actual, dtype=float), floor)
    return float(np.sum((a - e) * np.log(a / e)))


def feature_profile(X: pd.DataFrame, labels: np.ndarray | None = None,
                    n_bins: int = N_BINS) -> dict[str, Any]:
    """Decile edges and shares of each training feature, and the historic base rate.

    Stored with a model (``metadata["feature_profile"]``) so that serving pools can be
    compared with what the model learned from, without keeping the training rows.
    """
    features: dict[str, Any] = {}
    n_all = len(X)
    if {"within_reach", "missing_required_certificates"} <= set(X.columns):
        feasible = ((X["within_reach"] == 1) & (X["missing_required_certificates"] == 0)).to_numpy()
        X = X.loc[feasible]
    for name in X.columns:
        values = X[name].to_numpy(dtype=float)
        edges = _edges(values, n_bins)
        finite = values[np.isfinite(values)]
        features[str(name)] = {
            "edges": edges,
            "shares": [float(s) for s in _shares(values, edges)],
            "mean": float(finite.mean()) if len(finite) else None,
            "std": float(finite.std()) if len(finite) else None,
        }
    out: dict[str, Any] = {"n": n_all, "n_feasible": len(X), "features": features}
    if labels is not None and len(labels):
        out["base_rate"] = float(np.mean(labels))
    return out


def _top_pairs(scores: np.ndarray, vacancy: np.ndarray | None, k: int) -> np.ndarray:
    if vacancy is None or len(scores) == 0:
        return np.arange(len(scores))
    frame = pd.DataFrame({"v": vacancy, "s": -scores, "i": np.arange(len(scores))})
    frame = frame.sort_values(["v", "s", "i"], kind="stable")
    return frame.groupby("v", sort=False).head(k)["i"].to_numpy()


def check_pool(
    profile: Mapping[str, Any] | None,
    X: pd.DataFrame | Callable[[np.ndarray], pd.DataFrame],
    scores: np.ndarray,
    vacancy_ids: np.ndarray | None = None,
    *,
    top_k: int = TOP_K,
) -> SanityReport:
    """Compare a scored serving pool with the training profile of the model.

    Parameters
    ----------
    profile : mapping or None
        :func:`feature_profile` of the training rows (``None``: only saturation is checked).
    X : DataFrame or callable
        Features of the pool's pairs (the model's feature columns; others are ignored), or a
        function that returns the features of the given row positions (so that a large pool
        need not keep every pair's features: only the top pairs are compared).
    scores : ndarray
        The model's probabilities for the rows of ``X``.
    vacancy_ids : ndarray, optional
        Vacancy of each row; drift is measured on the best ``top_k`` pairs of each vacancy.
    """
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    pool_rate = float(scores.mean()) if n else float("nan")
    saturated = float((scores > SATURATION_LEVEL).mean()) if n else 0.0
    base = None if profile is None else profile.get("base_rate")
    warnings: list[dict[str, Any]] = []

    def warn(rule: str, **figures: Any) -> None:
        texts = _MESSAGES[rule]
        warnings.append({"rule": rule, **figures,
                         "message_nl": texts["nl"].format(**_shown(figures, "nl")),
                         "message_en": texts["en"].format(**_shown(figures, "en"))})

    if n and saturated > MAX_SATURATED_SHARE:
        warn("saturated", share=saturated, level=SATURATION_LEVEL)
    if n and base is not None and pool_rate > float(base) + MAX_RATE_EXCESS:
        warn("rate_excess", pool=pool_rate, base=float(base))
    psi: dict[str, float] = {}
    if n and profile is not None:
        top = _top_pairs(scores, vacancy_ids, top_k)
        Xt = X(top) if callable(X) else X.iloc[top]
        for name, ref in profile.get("features", {}).items():
            if name not in Xt.columns or name in BLOCKED_FEATURES:
                continue
            values = Xt[name].to_numpy(dtype=float)
            value = population_stability_index(ref["shares"], _shares(values, ref["edges"]))
            psi[name] = round(value, 4)
            finite = values[np.isfinite(values)]
            if value <= PSI_MAJOR or not len(finite) or ref.get("mean") is None:
                continue
            train_mean, serve_mean = float(ref["mean"]), float(finite.mean())
            spread = max(float(ref.get("std") or 0.0), 1e-9)
            importance = (profile.get("importance") or {}).get(name)
            relied_on = importance is None or float(importance) >= MIN_IMPORTANCE
            if relied_on and abs(serve_mean - train_mean) / spread > MAX_SMD:
                warn("drift", feature=name, psi=value, limit=PSI_MAJOR,
                     train_mean=train_mean, serve_mean=serve_mean)
    return SanityReport(n_pairs=n, base_rate=None if base is None else float(base),
                        pool_rate=pool_rate, saturated_share=saturated, psi=psi,
                        warnings=warnings)

"""A synthetic placement-feature frame with a known logistic truth (tests and benchmarks).

The frame has the shape :func:`features.history.placement_features` returns — ids, dates,
the ``FEATURE_NAMES`` columns and ``audit_*`` columns — so the model, calibration, explanation
and fairness code can be exercised without building a dataset. The true durable probability
is ``sigmoid(TRUE_WEIGHTS · standardised features + intercept)`` with signs that follow each
feature's monotone direction; outcomes are drawn from it and end dates derived from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.spec import FEATURE_NAMES

__all__ = ["SyntheticTruth", "synthetic_feature_frame"]

TRUE_WEIGHTS: dict[str, float] = {
    "required_skill_coverage": 1.2,
    "preferred_skill_coverage": 0.4,
    "occupation_match_level": 0.35,
    "missing_required_certificates": -0.8,
    "hours_fit": 0.8,
    "travel_km": -0.025,
    "reach_ratio": -0.3,
    "within_reach": 0.3,
    "education_gap": 0.15,
    "dutch_gap": 0.3,
    "has_startkwalificatie": 0.4,
    "support_coverage": 0.9,
    "start_delay_days": -0.01,
    "permanent_contract": 0.5,
}
INTERCEPT = -1.6


@dataclass(frozen=True)
class SyntheticTruth:
    """True durable probability per (candidate, vacancy) pair of a synthetic frame."""

    table: dict[tuple[str, str], float]

    def probability(self, candidate_ids: np.ndarray, vacancy_ids: np.ndarray) -> np.ndarray:
        return np.array([self.table[(c, v)] for c, v in zip(candidate_ids, vacancy_ids,
                                                            strict=True)])


def _features(rng: np.random.Generator, n: int) -> pd.DataFrame:
    travel = rng.gamma(2.0, 12.0, n)
    reach = np.where(rng.random(n) < 0.5, 45.0, 25.0)
    edu = rng.integers(-3, 4, n).astype(float)
    edu[rng.random(n) < 0.15] = np.nan
    dutch = rng.integers(-2, 3, n).astype(float)
    dutch[rng.random(n) < 0.1] = np.nan
    sk = rng.integers(0, 2, n).astype(float)
    sk[np.isnan(edu)] = np.nan
    return pd.DataFrame({
        "required_skill_coverage": rng.choice([0, 1 / 3, 0.5, 2 / 3, 1.0], n),
        "preferred_skill_coverage": rng.choice([0, 0.5, 1.0], n),
        "occupation_match_level": rng.integers(0, 5, n).astype(float),
        "missing_required_certificates": rng.choice([0, 0, 0, 1, 2], n).astype(float),
        "hours_fit": np.clip(1 - np.abs(rng.normal(0, 0.25, n)), 0, 1),
        "travel_km": travel,
        "reach_ratio": travel / reach,
        "within_reach": (travel <= reach).astype(float),
        "education_gap": edu,
        "dutch_gap": dutch,
        "has_startkwalificatie": sk,
        "support_coverage": rng.choice([0, 0.5, 1.0, 1.0], n),
        "start_delay_days": np.where(rng.random(n) < 0.7, 0.0, rng.integers(1, 60, n)),
        "target_group_eligible": (rng.random(n) < 0.9).astype(float),
        "sroi_value_eur": rng.uniform(2_000, 40_000, n),
        "permanent_contract": (rng.random(n) < 0.3).astype(float),
        "contract_months": rng.choice([6.0, 12.0, 24.0], n),
    })[list(FEATURE_NAMES)]


def true_probability(X: pd.DataFrame) -> np.ndarray:
    """The known truth of the synthetic frame (missing values count as 0 / neutral)."""
    z = np.full(len(X), INTERCEPT)
    for name, w in TRUE_WEIGHTS.items():
        z += w * X[name].fillna(0.0).to_numpy(dtype=float)
    return 1 / (1 + np.exp(-z))


def synthetic_feature_frame(
    n: int = 2000,
    *,
    seed: int = 0,
    n_candidates: int | None = None,
    n_vacancies: int | None = None,
    start: str = "2022-01-01",
    days: int = 1100,
) -> tuple[pd.DataFrame, SyntheticTruth]:
    """``n`` synthetic placements with features, outcomes, dates and audit columns.

    Examples
    --------
    >>> frame, truth = synthetic_feature_frame(50, seed=1)
    >>> frame.shape[0], set(FEATURE_NAMES) <= set(frame.columns)
    (50, True)
    """
    rng = np.random.default_rng(seed)
    n_candidates = n_candidates or max(n * 2 // 3, 1)
    n_vacancies = n_vacancies or max(n // 3, 1)
    X = _features(rng, n)
    p = true_probability(X)
    durable = rng.random(n) < p
    starts = pd.Timestamp(start) + pd.to_timedelta(np.sort(rng.integers(0, days, n)), unit="D")
    tenure_short = rng.integers(5, 170, n)  # days: ends before 6 months
    tenure_long = rng.integers(200, 900, n)
    end = starts + pd.to_timedelta(np.where(durable, tenure_long, tenure_short), unit="D")
    still = durable & (rng.random(n) < 0.6)
    end = pd.Series(end).where(~still, pd.NaT)
    last = starts.max()
    end = end.where(end <= last, pd.NaT)  # nothing is known after the last start
    cands = np.array([f"K{i:05d}" for i in rng.integers(0, n_candidates, n)])
    vacs = np.array([f"V{i:05d}" for i in rng.integers(0, n_vacancies, n)])
    frame = pd.DataFrame({
        "placement_id": [f"P{i:06d}" for i in range(n)],
        "candidate_id": cands,
        "vacancy_id": vacs,
        "start_date": starts,
        "end_date": end.to_numpy(),
    })
    frame = pd.concat([frame, X], axis=1)
    frame["audit_target_group"] = rng.choice(["participatiewet", "doelgroepregister", "ww",
                                              "nug", "statushouder"], n)
    frame["audit_birth_year"] = rng.integers(1960, 2005, n).astype(float)
    frame["audit_municipality_code"] = rng.choice(["GM0014", "GM0080", "GM1970", "GM0106"], n)
    frame["audit_province"] = np.where(frame["audit_municipality_code"] == "GM0106",
                                       "Drenthe", "Groningen")
    table: dict[tuple[str, str], float] = {}
    for c, v, prob in zip(cands, vacs, p, strict=True):
        table.setdefault((c, v), float(prob))
    return frame, SyntheticTruth(table)

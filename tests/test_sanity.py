"""Sanity checks that stop a silently broken model (saturation, base rate, drift)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.model.sanity import check_pool, feature_profile, population_stability_index


def _training(n: int = 2000, delay_mean: float = 764.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "start_delay_days": rng.normal(delay_mean, 200.0, n).clip(0),
        "hours_fit": rng.uniform(0.5, 1.0, n),
        "within_reach": np.ones(n),
        "missing_required_certificates": np.zeros(n),
    })


def test_psi_is_zero_for_equal_and_large_for_disjoint_distributions():
    assert population_stability_index([0.25] * 4, [0.25] * 4) == 0.0
    assert population_stability_index([0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]) > 1.0


def test_time_travel_feature_is_flagged_when_the_model_relies_on_it():
    # Training: start delays computed from today's availability (mean 764 days);
    # serving: 0-90 days. The model leans on the feature (importance 0.2).
    X = _training()
    profile = {**feature_profile(X, np.ones(len(X))), "importance": {"start_delay_days": 0.2}}
    rng = np.random.default_rng(1)
    serve = pd.DataFrame({"start_delay_days": rng.uniform(0, 90, 500),
                          "hours_fit": rng.uniform(0.5, 1.0, 500)})
    scores = rng.uniform(0.3, 0.9, 500)
    report = check_pool(profile, serve, scores, np.repeat(np.arange(100), 5))
    rules = [w["rule"] for w in report.warnings]
    assert rules == ["drift"] and report.warnings[0]["feature"] == "start_delay_days"
    assert report.psi["start_delay_days"] > 0.25 and report.psi["hours_fit"] < 0.25
    assert "start_delay_days" in report.messages("nl")[0]
    # the same shift on a feature the model ignores is reported but does not warn
    ignored = {**profile, "importance": {"start_delay_days": 0.0}}
    assert check_pool(ignored, serve, scores, np.repeat(np.arange(100), 5)).ok


def test_saturation_and_rate_excess():
    X = _training(delay_mean=10.0)
    profile = feature_profile(X, np.r_[np.ones(1200), np.zeros(800)])  # base rate 0.6
    serve = X.iloc[:400].reset_index(drop=True)
    saturated = check_pool(profile, serve, np.full(400, 0.9999))
    assert {w["rule"] for w in saturated.warnings} == {"saturated", "rate_excess"}
    assert saturated.saturated_share == 1.0 and saturated.base_rate == 0.6
    healthy = check_pool(profile, serve, np.random.default_rng(2).uniform(0.3, 0.85, 400))
    assert healthy.ok, healthy.warnings


def test_profile_compares_only_feasible_training_rows():
    X = _training(delay_mean=10.0).assign(
        within_reach=np.r_[np.zeros(1000), np.ones(1000)])
    profile = feature_profile(X)
    assert profile["n"] == 2000 and profile["n_feasible"] == 1000

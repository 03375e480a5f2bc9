"""Fairness audit: groups, age bands, warnings on a constructed miscalibrated group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.model.fairness import age_band, audit_fairness


def _frame(n: int = 10_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.2, 0.8, n)
    y = (rng.random(n) < p).astype(int)
    groups = rng.choice(["participatiewet", "ww", "wajong"], n, p=[0.45, 0.45, 0.10])
    return pd.DataFrame({
        "score": p,
        "label": y,
        "start_date": pd.Timestamp("2025-01-01"),
        "audit_target_group": groups,
        "audit_birth_year": rng.integers(1960, 2004, n).astype(float),
        "audit_municipality_code": rng.choice(["GM0014", "GM0080"], n),
        "audit_province": "Groningen",
    })


def test_calibrated_groups_raise_no_warning() -> None:
    audit = audit_fairness(_frame())
    assert audit.warnings == []
    assert set(audit.table["attribute"]) == {"target_group", "age_band", "municipality",
                                            "province"}
    assert (audit.table["calibration_error"].dropna() < 0.05).all()
    table, warnings = audit  # unpacks as (DataFrame, list)
    assert isinstance(table, pd.DataFrame) and warnings == []


def test_miscalibrated_group_triggers_warning() -> None:
    frame = _frame()
    wajong = frame["audit_target_group"] == "wajong"
    frame.loc[wajong, "score"] = np.clip(frame.loc[wajong, "score"] + 0.15, 0, 1)
    audit = audit_fairness(frame)
    flagged = audit.table[audit.table["warning"]]
    assert list(zip(flagged["attribute"], flagged["group"], strict=True)) == [
        ("target_group", "wajong")]
    assert len(audit.warnings) == 1 and "wajong" in audit.warnings[0]
    row = flagged.iloc[0]
    assert row["calibration_error"] > 0.05
    assert row["mean_score"] > row["observed_rate"]
    nl = audit_fairness(frame, lang="nl")
    assert "kalibratiefout" in nl.warnings[0]


def test_small_groups_are_not_evaluated_or_disclosed() -> None:
    frame = _frame(400)
    frame.loc[:5, "audit_target_group"] = "statushouder"  # 6 placements
    frame.loc[:5, "score"] = 0.99
    frame.loc[:5, "label"] = 0
    audit = audit_fairness(frame)
    row = audit.table[audit.table["group"] == "statushouder"].iloc[0]
    assert row["n"] == 6 and not row["evaluated"] and not row["warning"]
    assert np.isnan(row["mean_score"]) and np.isnan(row["observed_rate"])


def test_noise_in_small_groups_does_not_warn() -> None:
    frame = _frame(4000)
    small = frame.index[:40]
    frame.loc[small, "audit_target_group"] = "bbl"
    frame.loc[small, "score"] = 0.5
    frame.loc[small, "label"] = [1] * 17 + [0] * 23  # 42.5% observed: 7.5 points off, ~1 se
    audit = audit_fairness(frame)
    row = audit.table[audit.table["group"] == "bbl"].iloc[0]
    assert row["evaluated"] and row["calibration_error"] > 0.05
    assert row["z"] < 2 and not row["warning"]


def test_age_bands() -> None:
    bands = age_band(pd.Series([1999.0, 1998.0, 1976.0, 1975.0, np.nan]), 2025)
    assert bands.tolist() == ["<27", "27-49", "27-49", ">=50", "unknown"]


def test_missing_audit_columns_are_skipped() -> None:
    frame = _frame(100)[["score", "label", "audit_target_group"]]
    audit = audit_fairness(frame)
    assert set(audit.table["attribute"]) == {"target_group"}

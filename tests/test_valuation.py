"""SROI valuation: building blocks, placement value, obligations and table checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from matching.core.config import Settings
from matching.data.reference import default_valuation
from matching.data.valuation import (
    block_value_per_year,
    placement_value,
    project_obligations,
    validate_valuation_frame,
)

VAL = default_valuation()


# ------------------------------------------------------------------ building blocks


def test_block_tiers_by_benefit_months() -> None:
    value, max_months = block_value_per_year(
        VAL, ["participatiewet", "participatiewet", "participatiewet", "ww", "ww", "wajong"],
        [0, 23, 24, 11, 12, 100])
    assert value.tolist() == [30000, 30000, 40000, 10000, 15000, 40000]
    assert max_months[:5].tolist() == [24, 24, 24, 12, 12]
    assert np.isnan(max_months[5])


def test_block_missing_months_take_lowest_tier_and_unknown_group_is_zero() -> None:
    value, max_months = block_value_per_year(
        VAL, ["participatiewet", "ww", "onbekend", None], [np.nan, None, 10, 10])
    assert value.tolist() == [30000, 10000, 0, 0]
    assert np.isnan(max_months[2:]).all()


def test_block_group_case_insensitive_and_broadcast() -> None:
    value, _ = block_value_per_year(VAL, np.array([" WW ", "Wajong"], dtype=object), 20)
    assert value.tolist() == [15000, 40000]


# ------------------------------------------------------------------ placement value


def test_participatiewet_long_term_fulltime_year() -> None:
    assert placement_value(VAL, "participatiewet", 30, 36, 12).item() == pytest.approx(40000)


def test_ww_capped_at_twelve_months() -> None:
    # 10000 x 18/36 x min(24, 12)/12
    assert placement_value(VAL, "ww", 6, 18, 24).item() == pytest.approx(5000)


def test_hours_capped_at_fulltime_and_months_by_group_limit() -> None:
    assert placement_value(VAL, "participatiewet", 0, 40, 36).item() == pytest.approx(60000)
    # no limit for wajong: three full-time years count
    assert placement_value(VAL, "wajong", 0, 36, 36).item() == pytest.approx(120000)


def test_missing_contract_uses_default_months() -> None:
    s = Settings(default_contract_months=6)
    assert placement_value(VAL, "nug", 0, 36, np.nan, settings=s).item() == pytest.approx(5000)
    assert placement_value(VAL, "nug", 0, 36, None).item() == pytest.approx(10000)


def test_unknown_group_is_worth_nothing_even_with_bonuses() -> None:
    value = placement_value(VAL, "geen", 0, 36, 12, birth_year=1950, reference_year=2026,
                            permanent=True)
    assert value.item() == 0


def test_age_bonus_only_with_birth_year() -> None:
    base = placement_value(VAL, "wajong", 0, 36, 12)
    with_age = placement_value(VAL, "wajong", 0, 36, 12, birth_year=1970, reference_year=2026)
    young = placement_value(VAL, "wajong", 0, 36, 12, birth_year=1977, reference_year=2026)
    unknown_age = placement_value(VAL, "wajong", 0, 36, 12, birth_year=np.nan,
                                  reference_year=2026)
    assert base.item() == pytest.approx(40000)
    assert with_age.item() == pytest.approx(45000)
    assert young.item() == pytest.approx(40000)  # 49 years old
    assert unknown_age.item() == pytest.approx(40000)
    # exactly 50 counts; bonus per counted year and pro rata for hours
    half = placement_value(VAL, "ww", 0, 18, 24, birth_year=1976, reference_year=2026)
    assert half.item() == pytest.approx(5000 + 5000 * 0.5 * 1.0)


def test_permanent_bonus_once() -> None:
    value = placement_value(VAL, "wajong", 0, 36, [12, 24, 24], permanent=[True, True, False])
    assert value.tolist() == pytest.approx([50000, 90000, 80000])
    nullable = pd.array([True, None], dtype="boolean")
    assert placement_value(VAL, "wajong", 0, 36, 12, permanent=nullable).tolist() == \
        pytest.approx([50000, 40000])


def test_custom_bonus_settings() -> None:
    s = Settings(bonus_permanent_eur=0.0, bonus_age50_per_year_eur=1000.0, fulltime_hours=40.0)
    value = placement_value(VAL, "wajong", 0, 40, 12, birth_year=1960, reference_year=2026,
                            permanent=True, settings=s)
    assert value.item() == pytest.approx(41000)


def test_vectorised_matches_scalar_calls_with_pandas_inputs() -> None:
    frame = pd.DataFrame({
        "tg": ["participatiewet", "ww", "wajong", "statushouder", "werkervaringsplek", "x"],
        "bm": pd.array([30, 14, None, 0, 2, 1], dtype="Int64"),
        "hours": [36.0, 24.0, 32.0, 20.0, 36.0, 36.0],
        "months": [6.0, np.nan, 24.0, 36.0, 3.0, 12.0],
        "born": [1960.0, np.nan, 1990.0, 1970.0, 1980.0, 1950.0],
        "perm": pd.array([True, False, None, True, False, True], dtype="boolean"),
    })
    vector = placement_value(VAL, frame["tg"], frame["bm"], frame["hours"], frame["months"],
                             birth_year=frame["born"], reference_year=2026,
                             permanent=frame["perm"])
    scalars = [
        placement_value(VAL, r.tg, None if pd.isna(r.bm) else int(r.bm), r.hours, r.months,
                        birth_year=r.born, reference_year=2026,
                        permanent=bool(r.perm) if not pd.isna(r.perm) else False).item()
        for r in frame.itertuples()
    ]
    assert vector.shape == (6,)
    assert vector.tolist() == pytest.approx(scalars)
    assert vector[-1] == 0


@hsettings(max_examples=60, deadline=None)
@given(
    group=st.sampled_from(sorted(set(VAL["target_group"]))),
    benefit=st.integers(0, 120),
    hours=st.floats(1, 60),
    extra_hours=st.floats(0, 10),
    months=st.integers(1, 60),
)
def test_value_non_negative_and_monotone(group: str, benefit: int, hours: float,
                                         extra_hours: float, months: int) -> None:
    low = placement_value(VAL, group, benefit, hours, months).item()
    more_hours = placement_value(VAL, group, benefit, hours + extra_hours, months).item()
    longer = placement_value(VAL, group, benefit, hours, months + 1).item()
    assert 0 <= low <= more_hours + 1e-9
    assert low <= longer + 1e-9


# ------------------------------------------------------------------ obligations


def test_project_obligations_cap_override_and_outstanding() -> None:
    projects = pd.DataFrame({
        "project_id": ["p1", "p2", "p3", "p4"],
        "contract_value_eur": [10_000_000.0, 1_000_000.0, 500_000.0, np.nan],
        "sroi_percentage": [5.0, 2.0, 5.0, 5.0],
        "obligation_eur": [np.nan, np.nan, 12_000.0, np.nan],
        "realised_eur": [np.nan, 30_000.0, 2_000.0, 0.0],
    }, index=[2, 3, 4, 5])
    out = project_obligations(projects, Settings())
    assert list(out.columns) == ["project_id", "obligation_eur", "realised_eur",
                                 "outstanding_eur"]
    assert list(out.index) == [2, 3, 4, 5]
    assert out["obligation_eur"].tolist() == [300_000, 20_000, 12_000, 0]
    assert out["realised_eur"].tolist() == [0, 30_000, 2_000, 0]
    assert out["outstanding_eur"].tolist() == [300_000, 0, 10_000, 0]
    assert (out["outstanding_eur"] >= 0).all()


def test_project_obligations_cap_is_a_setting_and_optional_columns() -> None:
    projects = pd.DataFrame({"project_id": ["a"], "contract_value_eur": [10_000_000.0],
                             "sroi_percentage": [5.0]})
    out = project_obligations(projects, Settings(obligation_cap_eur=400_000.0))
    assert out.loc[0, "obligation_eur"] == 400_000
    assert out.loc[0, "outstanding_eur"] == 400_000
    assert project_obligations(projects).loc[0, "obligation_eur"] == 300_000


# ------------------------------------------------------------------ table checks


def test_validate_default_is_clean() -> None:
    assert validate_valuation_frame(VAL) == []


def test_validate_reports_problems() -> None:
    bad = pd.DataFrame({
        "target_group": ["ww", "ww", "nug", "nug", "bbl"],
        "benefit_months_min": [0, 6, 0, 12, 5],
        "benefit_months_max": [12, None, 6, None, 2],
        "value_per_year_eur": [10000, 15000, 10000, -1, 20000],
        "max_months": [12, 12, 12, 12, -3],
    })
    messages = validate_valuation_frame(bad)
    assert any("overlap" in m and "'ww'" in m for m in messages)
    assert any("gap" in m and "'nug'" in m for m in messages)
    assert "value_per_year_eur is negative in row 5" in messages
    assert "max_months is negative in row 6" in messages
    assert "benefit_months_max <= benefit_months_min in row 6" in messages
    assert validate_valuation_frame(pd.DataFrame({"tier": ["a"]})) == [
        "missing column target_group", "missing column value_per_year_eur"]


def test_gap_falls_back_to_lower_tier() -> None:
    custom = pd.DataFrame({"target_group": ["ww", "ww"], "benefit_months_min": [0, 24],
                           "benefit_months_max": [12, None], "value_per_year_eur": [1.0, 2.0],
                           "max_months": [None, None]})
    value, _ = block_value_per_year(custom, "ww", [5, 18, 30])
    assert value.tolist() == [1.0, 1.0, 2.0]

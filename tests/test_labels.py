"""Durable labels and censoring (matching.model.labels)."""

from __future__ import annotations

import pandas as pd
import pytest

from matching.model.labels import (
    default_as_of,
    durable_labels,
    history_summary,
    label_counts,
    resolve_as_of,
)

AS_OF = pd.Timestamp("2025-01-01")


def _placements() -> pd.DataFrame:
    return pd.DataFrame({
        "placement_id": ["running_3m", "ended_2m", "employed_7m", "ended_8m", "ended_future"],
        "start_date": pd.to_datetime(
            ["2024-10-01", "2024-01-01", "2024-06-01", "2024-01-01", "2024-11-01"]),
        "end_date": pd.to_datetime([None, "2024-03-01", None, "2024-09-01", "2024-12-15"]),
    })


def test_censoring_and_labels_at_six_months() -> None:
    out = durable_labels(_placements(), horizon_months=6, as_of=AS_OF).set_index("placement_id")
    # started 3 months before as_of and still running: censored, not a negative
    assert bool(out.loc["running_3m", "censored"])
    assert pd.isna(out.loc["running_3m", "label"])
    # ended after 2 months: not durable
    assert out.loc["ended_2m", "label"] == 0
    assert not out.loc["ended_2m", "censored"]
    # still employed after 7 months: durable
    assert out.loc["employed_7m", "label"] == 1
    # ended after 8 months: durable at 6 months
    assert out.loc["ended_8m", "label"] == 1
    # ended early but inside an open window: known 0, follow-up incomplete
    assert out.loc["ended_future", "label"] == 0
    assert not out.loc["ended_future", "follow_up_complete"]
    assert out.loc["employed_7m", "follow_up_complete"]


def test_horizon_twelve_changes_labels() -> None:
    out = durable_labels(_placements(), horizon_months=12, as_of=AS_OF).set_index("placement_id")
    # 7 months employed is not enough to know a 12-month outcome
    assert bool(out.loc["employed_7m", "censored"])
    # ended after 8 months: not durable at 12 months
    assert out.loc["ended_8m", "label"] == 0
    assert out.loc["ended_2m", "label"] == 0


def test_calendar_months_and_end_on_horizon_date() -> None:
    p = pd.DataFrame({
        "start_date": pd.to_datetime(["2024-01-31", "2024-01-31"]),
        "end_date": pd.to_datetime(["2024-07-31", "2024-07-30"]),
    })
    out = durable_labels(p, horizon_months=6, as_of="2025-01-01")
    assert out["horizon_date"].iloc[0] == pd.Timestamp("2024-07-31")
    assert out["label"].tolist() == [1, 0]


def test_end_after_as_of_is_unknown() -> None:
    p = pd.DataFrame({"start_date": pd.to_datetime(["2024-10-01"]),
                      "end_date": pd.to_datetime(["2024-11-15"])})
    out = durable_labels(p, horizon_months=6, as_of="2024-11-01")
    assert bool(out["censored"].iloc[0])


def test_default_as_of_is_latest_start_not_a_planned_end() -> None:
    p = _placements()
    # the latest end date (2024-12-15) is a planned end; the history covers up to 2024-11-01
    assert default_as_of(p) == pd.Timestamp("2024-11-01")
    out = durable_labels(p, horizon_months=6)
    assert out.attrs["as_of"].startswith("2024-11-01")
    counts = label_counts(out)
    assert counts.total == 5
    assert counts.durable + counts.not_durable + counts.censored == 5
    assert out.attrs["label_counts"]["censored"] == counts.censored


def test_empty_table_and_bad_horizon() -> None:
    empty = pd.DataFrame({"start_date": pd.to_datetime([]), "end_date": pd.to_datetime([])})
    out = durable_labels(empty, horizon_months=6)
    assert len(out) == 0
    with pytest.raises(ValueError, match="horizon_months"):
        durable_labels(_placements(), horizon_months=0)


def test_resolve_as_of_order_and_reasons() -> None:
    p = _placements()
    assert resolve_as_of(p, today="2026-01-01").to_dict() == {
        "as_of": "2024-11-01", "reason": "latest_start"}
    assert resolve_as_of(p, "2024-11-20", today="2026-01-01").to_dict() == {
        "as_of": "2024-11-20", "reason": "declared"}
    # never later than today, whatever the export claims
    assert resolve_as_of(p, "2027-01-01", today="2026-01-01").to_dict() == {
        "as_of": "2026-01-01", "reason": "today_cap"}
    future = p.assign(start_date=p["start_date"] + pd.DateOffset(years=3))
    assert resolve_as_of(future, today="2026-01-01").reason == "today_cap"
    # an explicit --as-of is taken as given
    assert resolve_as_of(p, "2024-11-20", given="2024-06-01").to_dict() == {
        "as_of": "2024-06-01", "reason": "given"}
    assert resolve_as_of(p.iloc[:0]).reason == "empty"
    assert "extractiedatum" in resolve_as_of(p, "2024-11-20").describe("nl")


def test_planned_end_dates_are_not_outcomes() -> None:
    # A real export: a placement started 2 months before the export with a contract that runs
    # two years ahead. With the latest *end* date as reference it would look durable.
    p = pd.DataFrame({"start_date": pd.to_datetime(["2024-09-01", "2024-01-01", "2024-10-15"]),
                      "end_date": pd.to_datetime(["2026-09-01", "2024-03-01", "2026-10-15"])})
    as_of = resolve_as_of(p, "2024-11-01", today="2026-01-01")
    out = durable_labels(p, 6, as_of.date)
    assert out["censored"].tolist() == [True, False, True]
    summary = history_summary(p, as_of, 6)
    assert summary["future_end_dates"] == 2
    assert summary["censored"] == 2 and summary["labelled"] == 1
    assert summary["reason"] == "declared" and summary["as_of"] == "2024-11-01"

"""No time travel: features of a past placement are those of the snapshot at its start."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.history import placement_features
from features.pairs import pair_features
from features.profiles import Vocabularies, build_profiles
from features.spec import AT_PLACEMENT, CONTEXT_NAMES, FEATURE_NAMES, PAIR_COLUMNS
from tests.test_features import make_dataset


@pytest.fixture(scope="module")
def vocabularies() -> Vocabularies:
    return Vocabularies.from_reference()


def test_historic_features_equal_snapshot_at_start(vocabularies):
    # Today's table: c1 is available only from 2026-12-01 (a value known only today); c2 has no
    # availability at all. Their placements started in 2024, 10 and 0 days after the vacancies.
    today = make_dataset(
        [{"available_from": "2026-12-01"}, {"available_from": None}],
        [{"start_date": "2024-03-01"}, {"start_date": "2024-05-01"}],
        [{"placement_id": "pl1", "candidate_id": "c1", "vacancy_id": "v1",
          "start_date": pd.Timestamp("2024-03-11"), "end_date": pd.NaT, "hours_per_week": 32.0},
         {"placement_id": "pl2", "candidate_id": "c2", "vacancy_id": "v2",
          "start_date": pd.Timestamp("2024-05-01"), "end_date": pd.NaT, "hours_per_week": 32.0}])
    rows = placement_features(today, build_profiles(today, vocabularies=vocabularies))

    # The snapshot at each start: the person was available on the day they started.
    snapshot = make_dataset(
        [{"available_from": "2024-03-11"}, {"available_from": "2024-05-01"}],
        [{"start_date": "2024-03-01"}, {"start_date": "2024-05-01"}])
    expected = pair_features(build_profiles(snapshot, vocabularies=vocabularies),
                             np.array([0, 1]), np.array([0, 1]))
    np.testing.assert_allclose(rows[list(PAIR_COLUMNS)].to_numpy(), expected, equal_nan=True)
    assert rows["start_delay_days"].tolist() == [10.0, 0.0]

    # Serving time on today's table would have said 1,006 days for c1: that value must not leak.
    serving = pair_features(build_profiles(today, vocabularies=vocabularies),
                            np.array([0]), np.array([0]))
    assert serving[0, PAIR_COLUMNS.index("start_delay_days")] > 1000


def test_every_pair_column_documents_when_it_is_known():
    assert set(AT_PLACEMENT) == set(PAIR_COLUMNS)
    assert "today" in AT_PLACEMENT["start_delay_days"]


def test_context_columns_are_never_model_inputs():
    assert set(CONTEXT_NAMES) == {"sroi_value_eur", "target_group_eligible"}
    assert not set(CONTEXT_NAMES) & set(FEATURE_NAMES)
    assert PAIR_COLUMNS[:len(FEATURE_NAMES)] == FEATURE_NAMES

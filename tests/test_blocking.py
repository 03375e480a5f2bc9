"""Blocking: every constraint excludes the right pairs, counts add up, chunking changes nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from test_features import make_dataset

from features.blocking import CONSTRAINTS, candidate_pairs, iter_candidate_pairs
from features.pairs import pair_features, pair_travel_km
from features.profiles import NO_DATE, Profiles, Vocabularies, build_profiles
from features.spec import PAIR_COLUMNS
from matching.core.config import Settings


@pytest.fixture(scope="module")
def vocabularies() -> Vocabularies:
    return Vocabularies.from_reference()


@pytest.fixture(scope="module")
def sample_profiles() -> Profiles:
    from matching.synthetic.sample import generate

    return build_profiles(generate(120, 25, 6, 40, seed=11).dataset)


def oracle(p: Profiles, settings: Settings) -> dict[tuple[int, int], list[str]]:
    """Constraints each raw pair fails, one pair at a time in plain Python."""
    c, v = p.candidates, p.vacancies
    n_c, n_v = len(c), len(v)
    ci = np.repeat(np.arange(n_c), n_v)
    vi = np.tile(np.arange(n_v), n_c)
    _, travel, _ = pair_travel_km(p, ci, vi)
    out = {}
    for k, (i, j) in enumerate(zip(ci.tolist(), vi.tolist(), strict=True)):
        fails = []
        if not c.available[i]:
            fails.append("candidate_available")
        if not v.open[j]:
            fails.append("vacancy_open")
        g = int(c.target_group[i])
        if g < 0 or not (int(v.eligible_groups[j, g // 64]) >> (g % 64)) & 1:
            fails.append("target_group_eligible")
        held = [int(w) for w in c.certificates[i]]
        if any(int(r) & ~h for r, h in zip(v.required_certificates[j], held, strict=True)):
            fails.append("certificates_held")
        if not travel[k] <= c.max_travel_km[i]:
            fails.append("within_reach")
        a, s = int(c.available_from[i]), int(v.start_date[j])
        if a != NO_DATE and s != NO_DATE and a > s + settings.availability_grace_days:
            fails.append("available_in_time")
        ratio = c.hours[i] / v.hours[j]
        if not (settings.hours_ratio_min <= ratio <= settings.hours_ratio_max) or (
                c.is_bbl[i] and v.hours[j] < 16):
            fails.append("hours_compatible")
        out[(i, j)] = fails
    return out


def check_against_oracle(p: Profiles, settings: Settings, **kw) -> None:
    result = candidate_pairs(p, settings, near_misses=True, **kw)
    truth = oracle(p, settings)
    kept = {k for k, f in truth.items() if not f}
    assert set(zip(result.pairs["cand_idx"], result.pairs["vac_idx"], strict=True)) == kept
    assert result.raw_pairs == len(truth) == result.kept + sum(result.removed.values())
    for name in CONSTRAINTS:
        assert result.failing[name] == sum(name in f for f in truth.values()), name
        assert result.removed[name] == sum(bool(f) and f[0] == name for f in truth.values())
    near = {
        (i, j): f[0] for (i, j), f in truth.items()
        if len(f) == 1 and f[0] not in ("candidate_available", "vacancy_open")
    }
    got = dict(zip(zip(result.near_misses["cand_idx"], result.near_misses["vac_idx"],
                       strict=True), result.near_misses["constraint"], strict=True))
    assert got == near


def test_hand_made_constraints(vocabularies):
    settings = Settings()
    ds = make_dataset(
        [
            {},                                                   # c1 fits v1
            {"status": "placed"},                                 # c2 not available
            {"target_group": "ww"},                               # c3 not eligible for v2
            {"certificates": ("VCA basis",)},                     # c4 holds VCA only
            {"postcode": "8881"},                                 # c5 on Terschelling
            {"available_from": "2026-06-01"},                     # c6 late
            {"hours_per_week": 8.0},                              # c7 too few hours
            {"target_group": "bbl", "hours_per_week": 12.0},      # c8 BBL
        ],
        [
            {"start_date": "2026-03-01", "hours_per_week": 32.0},
            {"eligible_target_groups": ("wajong", "participatiewet", "bbl"),
             "start_date": "2026-05-15", "hours_per_week": 32.0},
            {"required_certificates": ("VCA", "heftruck"), "hours_per_week": 12.0},
            {"status": "filled"},
        ],
    )
    p = build_profiles(ds, settings, vocabularies=vocabularies)
    result = candidate_pairs(p, settings, near_misses=True)
    kept = set(zip(result.pairs["candidate_id"], result.pairs["vacancy_id"], strict=True))
    assert ("c1", "v1") in kept and ("c1", "v2") in kept
    assert not any(c == "c2" for c, _ in kept)
    assert not any(v == "v4" for _, v in kept)
    assert ("c3", "v1") in kept and ("c3", "v2") not in kept
    assert not any(v == "v3" and c != "c8" for c, v in kept)  # only c8 fits 12 h … but no certs
    assert ("c8", "v3") not in kept
    assert not any(c == "c5" for c, _ in kept)
    assert ("c6", "v2") in kept and ("c6", "v1") not in kept  # 2026-06-01 > 2026-03-01 + 31
    assert not any(c == "c7" for c, _ in kept)
    assert ("c8", "v1") not in kept and ("c8", "v2") not in kept  # 12/32 < 0.5
    near = {(r.candidate_id, r.vacancy_id): r.constraint for r in result.near_misses.itertuples()}
    assert near[("c3", "v2")] == "target_group_eligible"
    assert near[("c5", "v1")] == "within_reach"
    assert near[("c6", "v1")] == "available_in_time"
    assert near[("c7", "v1")] == "hours_compatible"
    assert not any(c == "c2" for c, _ in near) and not any(v == "v4" for _, v in near)
    check_against_oracle(p, settings)


def test_bbl_needs_sixteen_hours(vocabularies):
    ds = make_dataset([{"target_group": "bbl", "hours_per_week": 12.0}],
                      [{"hours_per_week": 12.0}, {"hours_per_week": 16.0}])
    settings = Settings(hours_ratio_min=0.5, hours_ratio_max=2.0)
    result = candidate_pairs(build_profiles(ds, settings, vocabularies=vocabularies), settings)
    assert result.pairs["vacancy_id"].tolist() == ["v2"]
    assert result.removed["hours_compatible"] == 1


def test_municipality_is_never_a_filter(vocabularies):
    ds = make_dataset([{"postcode": "9711", "municipality_code": "GM0080"}],
                      [{"postcode": "9712", "municipality_code": "GM0014"}])
    assert candidate_pairs(build_profiles(ds, vocabularies=vocabularies)).kept == 1


def test_sample_matches_oracle(sample_profiles):
    check_against_oracle(sample_profiles, sample_profiles.settings)


def test_features_of_kept_pairs(sample_profiles):
    result = candidate_pairs(sample_profiles)
    X = pair_features(sample_profiles, result.pairs["cand_idx"].to_numpy(),
                      result.pairs["vac_idx"].to_numpy())
    np.testing.assert_array_equal(result.pairs[list(PAIR_COLUMNS)].to_numpy(), X)
    assert (result.pairs["within_reach"] == 1).all()
    assert (result.pairs["missing_required_certificates"] == 0).all()
    assert (result.pairs["target_group_eligible"] == 1).all()
    ids = sample_profiles.candidates.ids[result.pairs["cand_idx"].to_numpy()]
    assert result.pairs["candidate_id"].tolist() == ids.tolist()


def test_without_features(sample_profiles):
    bare = candidate_pairs(sample_profiles, with_features=False)
    full = candidate_pairs(sample_profiles)
    assert list(bare.pairs.columns) == ["candidate_id", "vacancy_id", "cand_idx", "vac_idx"]
    pd.testing.assert_frame_equal(bare.pairs, full.pairs[list(bare.pairs.columns)])


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.integers(min_value=1, max_value=4000), data=st.data())
def test_chunked_equals_unchunked(sample_profiles, chunk, data):
    n_c, n_v = len(sample_profiles.candidates), len(sample_profiles.vacancies)
    cands = data.draw(st.none() | st.lists(st.integers(0, n_c - 1), min_size=1, max_size=40,
                                           unique=True))
    vacs = data.draw(st.none() | st.lists(st.integers(0, n_v - 1), min_size=1, max_size=12,
                                          unique=True))
    full = candidate_pairs(sample_profiles, candidates=cands, vacancies=vacs, near_misses=True,
                           chunk_pairs=10**9)
    part = candidate_pairs(sample_profiles, candidates=cands, vacancies=vacs, near_misses=True,
                           chunk_pairs=chunk)
    pd.testing.assert_frame_equal(full.pairs, part.pairs)
    assert full.removed == part.removed and full.failing == part.failing
    assert full.raw_pairs == part.raw_pairs == (len(cands) if cands else n_c) * (
        len(vacs) if vacs else n_v)
    assert part.raw_pairs == part.kept + sum(part.removed.values())

    def key(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values(["vac_idx", "cand_idx"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(key(full.near_misses), key(part.near_misses))


def test_iterator_blocks_are_bounded(sample_profiles):
    n_c = len(sample_profiles.candidates)
    for chunk in (7, n_c, 3 * n_c + 5):
        blocks = list(iter_candidate_pairs(sample_profiles, chunk_pairs=chunk))
        assert all(b.raw_pairs <= max(chunk, 1) for b in blocks)
        total = candidate_pairs(sample_profiles)
        assert sum(len(b.pairs) for b in blocks) == total.kept
        assert sum(b.raw_pairs for b in blocks) == total.raw_pairs


def test_subsets_by_id_and_order(sample_profiles):
    ids = sample_profiles.candidates.ids[[5, 1, 3]].tolist()
    vac = sample_profiles.vacancies.ids[[2, 0]].tolist()
    result = candidate_pairs(sample_profiles, candidates=ids, vacancies=vac, chunk_pairs=1)
    assert result.raw_pairs == 6
    order = [(vac.index(v), ids.index(c)) for c, v in
             zip(result.pairs["candidate_id"], result.pairs["vacancy_id"], strict=True)]
    assert order == sorted(order)
    from features.errors import UnknownIdError

    with pytest.raises(UnknownIdError) as info:
        candidate_pairs(sample_profiles, candidates=["nobody"])
    assert (info.value.kind, info.value.value) == ("candidate", "nobody")


def test_empty_selection(sample_profiles):
    result = candidate_pairs(sample_profiles, candidates=[], near_misses=True)
    assert result.raw_pairs == 0 and result.kept == 0
    assert list(result.pairs.columns[:4]) == ["candidate_id", "vacancy_id", "cand_idx", "vac_idx"]
    assert "constraint" in result.near_misses.columns


def test_block_arrays_match_block_frame(sample_profiles):
    for block in iter_candidate_pairs(sample_profiles, chunk_pairs=500):
        assert len(block) == len(block.cand_idx) == len(block.vac_idx) == len(block.pairs)
        np.testing.assert_array_equal(block.pairs["cand_idx"].to_numpy(), block.cand_idx)
        np.testing.assert_array_equal(block.pairs[list(PAIR_COLUMNS)].to_numpy(),
                                      block.features)
        expected = pair_features(sample_profiles, block.cand_idx, block.vac_idx)
        np.testing.assert_array_equal(block.features, expected)
    bare = next(iter_candidate_pairs(sample_profiles, with_features=False))
    assert bare.features is None and "travel_km" not in bare.pairs

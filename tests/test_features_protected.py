"""Protected attributes are never features: not by name, and not by effect."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from features.blocking import candidate_pairs
from features.pairs import pair_features
from features.profiles import Vocabularies, build_profiles
from features.spec import FEATURE_NAMES
from matching.data.schema import PROTECTED_COLUMNS

FORBIDDEN_WORDS = ("birth", "gender", "sex", "nationality", "municipality", "province",
                   "postcode", "age", "geslacht", "leeftijd", "gemeente")


def mentions_protected(name: str) -> bool:
    tokens = re.split(r"[^a-z0-9]+", name.lower())
    return any(word in tokens or (len(word) > 3 and word in name.lower())
               for word in FORBIDDEN_WORDS)


def test_word_check_catches_protected_names():
    assert mentions_protected("candidate_age") and mentions_protected("home_municipality_km")
    assert mentions_protected("birth_year") and not mentions_protected("required_skill_coverage")


@pytest.mark.parametrize("name", FEATURE_NAMES)
def test_feature_names_mention_no_protected_attribute(name):
    assert not mentions_protected(name)
    assert name not in PROTECTED_COLUMNS


def test_transformer_output_names_mention_no_protected_attribute():
    from features.transformer import PairFeatureTransformer

    names = PairFeatureTransformer().get_feature_names_out()
    assert list(names) == list(FEATURE_NAMES)
    assert not any(mentions_protected(str(n)) for n in names)


@pytest.fixture(scope="module")
def sample():
    from matching.synthetic.sample import generate

    return generate(80, 15, 4, 30, seed=3).dataset


@pytest.fixture(scope="module")
def vocabularies():
    return Vocabularies.from_reference()


def _perturbed(dataset, seed: int):
    """Same dataset with every candidate's birth year, gender, nationality and municipality
    code changed (postcode kept)."""
    rng = np.random.default_rng(seed)
    cands = dataset.candidates.copy()
    n = len(cands)
    cands["birth_year"] = rng.integers(1950, 2005, n).astype(np.float64)
    cands["gender"] = rng.choice(["f", "m", "x"], n)
    cands["nationality"] = rng.choice(["Nederlands", "Syrisch", "Pools", "Eritrees"], n)
    has_postcode = cands["postcode"].notna()
    cands.loc[has_postcode, "municipality_code"] = rng.choice(
        ["GM0014", "GM0080", "GM0093", "GM1952"], int(has_postcode.sum()))
    from dataclasses import replace

    return replace(dataset, candidates=cands)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_protected_attributes_change_no_feature(sample, vocabularies, seed):
    base = build_profiles(sample, vocabularies=vocabularies)
    other = build_profiles(_perturbed(sample, seed), vocabularies=vocabularies)
    n_c, n_v = len(base.candidates), len(base.vacancies)
    ci = np.repeat(np.arange(n_c), n_v)
    vi = np.tile(np.arange(n_v), n_c)
    np.testing.assert_array_equal(pair_features(base, ci, vi), pair_features(other, ci, vi))
    a, b = candidate_pairs(base, near_misses=True), candidate_pairs(other, near_misses=True)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.near_misses, b.near_misses)
    assert a.removed == b.removed


def test_protected_attributes_change_no_transformer_output(sample):
    from features.transformer import PairFeatureTransformer, wide_pairs

    cands = sample.candidates["candidate_id"].tolist()[:20]
    vacs = (sample.vacancies["vacancy_id"].tolist() * 20)[:20]
    X = wide_pairs(sample, cands, vacs)
    Y = wide_pairs(_perturbed(sample, 5), cands, vacs)
    t = PairFeatureTransformer().fit(X)
    pd.testing.assert_frame_equal(t.transform(X), t.transform(Y))


def test_history_keeps_audit_columns_apart(sample):
    from features.history import placement_features

    rows = placement_features(sample)
    audit = [c for c in rows.columns if c.startswith("audit_")]
    assert {"audit_birth_year", "audit_municipality_code", "audit_province",
            "audit_target_group"} <= set(audit)
    assert not set(audit) & set(FEATURE_NAMES)

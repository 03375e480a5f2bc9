"""Feature values on hand-made pairs with known answers, and the sklearn transformer."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.geo import haversine_km
from features.pairs import pair_details, pair_features
from features.profiles import Vocabularies, build_profiles
from features.spec import FEATURE_NAMES, PAIR_COLUMNS, PAIR_INDEX
from matching.core.config import Settings
from matching.data.dataset import Dataset
from matching.data.reference import default_valuation
from matching.data.valuation import placement_value

ROOT = Path(__file__).resolve().parents[1]

CANDIDATE_DEFAULTS: dict[str, object] = {
    "postcode": "9711", "municipality_code": None, "target_group": "participatiewet",
    "benefit_months": np.nan, "birth_year": np.nan, "skills": (), "certificates": (),
    "occupations": (), "education_level": None, "dutch_level": None, "hours_per_week": 32.0,
    "mobility": "car", "max_travel_km": np.nan, "support_needs": (), "available_from": pd.NaT,
    "status": "available", "gender": None, "nationality": None,
}
VACANCY_DEFAULTS: dict[str, object] = {
    "project_id": "p1", "employer_id": "e1", "title": "Medewerker", "occupation": None,
    "postcode": "9711", "municipality_code": None, "required_skills": (),
    "preferred_skills": (), "required_certificates": (), "hours_per_week": 32.0,
    "positions": 1.0, "start_date": pd.NaT, "contract_months": np.nan, "permanent": False,
    "min_education_level": None, "min_dutch_level": None, "support_offered": (),
    "eligible_target_groups": (), "status": "open",
}


def make_dataset(candidates: list[dict], vacancies: list[dict],
                 placements: list[dict] | None = None) -> Dataset:
    """Canonical frames from partial rows (defaults above)."""
    cand = pd.DataFrame([{"candidate_id": f"c{i + 1}", **CANDIDATE_DEFAULTS, **row}
                         for i, row in enumerate(candidates)])
    vac = pd.DataFrame([{"vacancy_id": f"v{j + 1}", **VACANCY_DEFAULTS, **row}
                        for j, row in enumerate(vacancies)])
    for frame, cols in ((cand, ("available_from",)), (vac, ("start_date",))):
        for col in cols:
            frame[col] = pd.to_datetime(frame[col])
    vac["permanent"] = pd.array(vac["permanent"], dtype="boolean")
    for frame in (cand, vac):
        frame.index = frame.index + 2
    projects = pd.DataFrame({
        "project_id": ["p1"], "name": ["Project"], "contracting_authority": ["GM0014"],
        "contractor_id": ["k1"], "contract_value_eur": [1e6], "sroi_percentage": [5.0],
    })
    place = pd.DataFrame(placements or [], columns=[
        "placement_id", "candidate_id", "vacancy_id", "start_date", "end_date",
        "hours_per_week"])
    return Dataset(cand, projects, vac, place, default_valuation())


@pytest.fixture(scope="module")
def vocabularies() -> Vocabularies:
    return Vocabularies.from_reference()


def features_of(dataset: Dataset, vocabularies: Vocabularies, settings: Settings | None = None
                ) -> pd.DataFrame:
    """Features of every (candidate i, vacancy i) pair, or of all candidates with vacancy 0."""
    p = build_profiles(dataset, settings, vocabularies=vocabularies)
    n_c, n_v = len(p.candidates), len(p.vacancies)
    ci = np.arange(n_c)
    vi = np.arange(n_c) if n_v == n_c else np.zeros(n_c, dtype=int)
    return pd.DataFrame(pair_features(p, ci, vi), columns=list(PAIR_COLUMNS))


def test_feature_matrix_shape_and_order(vocabularies):
    ds = make_dataset([{}, {}], [{}])
    p = build_profiles(ds, vocabularies=vocabularies)
    X = pair_features(p, np.array([0, 1]), np.array([0, 0]))
    assert X.shape == (2, len(PAIR_COLUMNS)) and X.dtype == np.float64
    empty = pair_features(p, np.array([], dtype=int), np.array([], dtype=int))
    assert empty.shape == (0, len(PAIR_COLUMNS))
    with pytest.raises(ValueError):
        pair_features(p, np.array([0, 1]), np.array([0]))


def test_skills_dutch_english_and_typos(vocabularies):
    ds = make_dataset(
        [{"skills": ("metselen",)}, {"skills": ("Bricklaying",)}, {"skills": ("Metslen",)},
         {"skills": ("schilderen",)}, {"skills": ()}],
        [{"required_skills": ("metselwerk",), "preferred_skills": ("bricklaying", "voegen")}],
    )
    f = features_of(ds, vocabularies)
    assert f["required_skill_coverage"].tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    # "voegen" is a second preferred skill: half covered by the bricklayers.
    pref = f["preferred_skill_coverage"].tolist()
    assert pref[:3] == [0.5, 0.5, 0.5] and pref[3:] == [0.0, 0.0]


def test_no_requirements_count_as_covered(vocabularies):
    f = features_of(make_dataset([{"skills": ("metselen",)}], [{}]), vocabularies)
    assert f.loc[0, "required_skill_coverage"] == 1.0
    assert f.loc[0, "preferred_skill_coverage"] == 1.0
    assert f.loc[0, "support_coverage"] == 1.0


def test_unresolved_requirement_still_counts_and_is_reported(vocabularies):
    ds = make_dataset(
        [{"skills": ("Piano stemmen",)}, {"skills": ("metselen", "piano  stemmen")},
         {"skills": ()}],
        [{"required_skills": ("metselen", "piano stemmen")}],
    )
    p = build_profiles(ds, vocabularies=vocabularies)
    X = pair_features(p, np.arange(3), np.zeros(3, dtype=int))
    assert X[:, PAIR_INDEX["required_skill_coverage"]].tolist() == [0.5, 1.0, 0.0]
    report = p.report()
    rows = {(r.source, r.term): r.count for r in report.itertuples()}
    assert rows[("candidates.skills", "Piano stemmen")] == 1
    assert rows[("candidates.skills", "piano  stemmen")] == 1
    assert rows[("vacancies.required_skills", "piano stemmen")] == 1
    assert list(report.columns) == ["source", "term", "count"]


def test_unresolved_counts_per_source(vocabularies):
    ds = make_dataset(
        [{"certificates": ("Zwemdiploma A",)}, {"certificates": ("Zwemdiploma A",)},
         {"occupations": ("qwxzv blorp",)}],
        [{"required_certificates": ("Zwemdiploma A",)}],
    )
    report = build_profiles(ds, vocabularies=vocabularies).report()
    counts = {(r.source, r.term): r.count for r in report.itertuples()}
    assert counts[("candidates.certificates", "Zwemdiploma A")] == 2
    assert counts[("vacancies.required_certificates", "Zwemdiploma A")] == 1
    assert counts[("candidates.occupations", "qwxzv blorp")] == 1


def test_missing_certificates(vocabularies):
    ds = make_dataset(
        [{"certificates": ("VCA basis",)}, {"certificates": ("B-VCA", "heftruckcertificaat")},
         {"certificates": ()}, {"certificates": ("VOL-VCA",)}],
        [{"required_certificates": ("VCA", "Heftruck")}],
    )
    f = features_of(ds, vocabularies)
    assert f["missing_required_certificates"].tolist() == [1.0, 0.0, 2.0, 2.0]


def test_island_ferry_penalty(vocabularies):
    settings = Settings()
    ds = make_dataset(
        [{"postcode": "8881"}, {"postcode": "8881"}, {"postcode": "8911"}],
        [{"postcode": "8911"}, {"postcode": "8897"}, {"postcode": "8912"}],
    )
    f = features_of(ds, vocabularies, settings)
    terschelling_leeuwarden = float(haversine_km(53.3664, 5.2213, 53.2016, 5.7969))
    assert f.loc[0, "travel_km"] == pytest.approx(
        terschelling_leeuwarden + settings.ferry_penalty_km, abs=1e-6)
    same_island = float(haversine_km(53.3664, 5.2213, 53.4043, 5.3777))
    assert f.loc[1, "travel_km"] == pytest.approx(same_island, abs=1e-6)
    assert f.loc[2, "travel_km"] < 5
    # A car reaches 45 km by default: the island commute is out of reach, the others in.
    assert f["within_reach"].tolist() == [0.0, 1.0, 1.0]
    assert f.loc[0, "reach_ratio"] == pytest.approx(f.loc[0, "travel_km"] / 45.0)


def test_ferry_penalty_is_a_setting(vocabularies):
    ds = make_dataset([{"postcode": "8881"}], [{"postcode": "8911"}])
    low = features_of(ds, vocabularies, Settings(ferry_penalty_km=0.0))
    high = features_of(ds, vocabularies, Settings(ferry_penalty_km=100.0))
    assert high.loc[0, "travel_km"] - low.loc[0, "travel_km"] == pytest.approx(100.0)


def test_location_fallback_to_municipality(vocabularies):
    ds = make_dataset([{"postcode": None, "municipality_code": "GM0080"}, {"postcode": "0000",
                       "municipality_code": "GM0080"}], [{"postcode": "8911"}])
    p = build_profiles(ds, vocabularies=vocabularies)
    assert p.candidates.lat.tolist() == pytest.approx([53.1707, 53.1707])
    assert p.candidates.municipality.tolist() == [p.municipality_codes.index("GM0080")] * 2


def test_reach_defaults_by_mobility(vocabularies):
    settings = Settings()
    ds = make_dataset(
        [{"mobility": "car"}, {"mobility": "bike"}, {"mobility": None},
         {"mobility": "bike", "max_travel_km": 70.0}], [{}])
    p = build_profiles(ds, settings, vocabularies=vocabularies)
    d = settings.default_travel_km
    assert p.candidates.max_travel_km.tolist() == [d["car"], d["bike"], d["unknown"], 70.0]


def test_occupation_levels(vocabularies):
    ds = make_dataset(
        [{"occupations": ("metselaar",)}, {"occupations": ("7112",)},
         {"occupations": ("steenhouwer",)}, {"occupations": ("dakdekker",)},
         {"occupations": ("opperman bouw",)}, {"occupations": ()},
         {"occupations": ("opperman bouw", "bricklayer")}],
        [{"occupation": "metselaar"}],
    )
    f = features_of(ds, vocabularies)
    assert f["occupation_match_level"].tolist() == [4.0, 3.0, 2.0, 1.0, 0.0, 0.0, 4.0]


def test_vacancy_occupation_from_isco_code_and_title(vocabularies):
    ds = make_dataset([{"occupations": ("metselaar",)}] * 3,
                      [{"occupation": "7112"}, {"occupation": None, "title": "Metselaar"},
                       {"occupation": None, "title": "Allround kanjer"}])
    f = features_of(ds, vocabularies)
    assert f["occupation_match_level"].tolist() == [3.0, 4.0, 0.0]


def test_hours_fit(vocabularies):
    ds = make_dataset([{"hours_per_week": h} for h in (32.0, 24.0, 40.0, 8.0)],
                      [{"hours_per_week": 32.0}])
    f = features_of(ds, vocabularies)
    assert f["hours_fit"].tolist() == pytest.approx([1.0, 0.75, 0.75, 0.25])


def test_education_and_dutch_gaps_with_unknowns(vocabularies):
    ds = make_dataset(
        [{"education_level": "mbo2", "dutch_level": "B1"},
         {"education_level": None, "dutch_level": None},
         {"education_level": "hbo", "dutch_level": "A2"},
         {"education_level": "vmbo", "dutch_level": "A1"}],
        [{"min_education_level": "mbo3", "min_dutch_level": "A2"},
         {"min_education_level": "mbo3", "min_dutch_level": "A2"},
         {"min_education_level": None, "min_dutch_level": None},
         {"min_education_level": "vmbo", "min_dutch_level": "B1"}],
    )
    f = features_of(ds, vocabularies)
    gap = f["education_gap"].tolist()
    assert gap[0] == -1.0 and math.isnan(gap[1]) and gap[2] == 0.0 and gap[3] == 0.0
    dutch = f["dutch_gap"].tolist()
    assert dutch[0] == 1.0 and math.isnan(dutch[1]) and dutch[2] == 0.0 and dutch[3] == -2.0
    skq = f["has_startkwalificatie"].tolist()
    assert skq[0] == 1.0 and math.isnan(skq[1]) and skq[2] == 1.0 and skq[3] == 0.0


def test_support_coverage(vocabularies):
    ds = make_dataset(
        [{"support_needs": ("jobcoach", "wage_subsidy")}, {"support_needs": ("jobcoach",)},
         {"support_needs": ()}, {"support_needs": ("structured_work",)}],
        [{"support_offered": ("jobcoach",)}])
    f = features_of(ds, vocabularies)
    assert f["support_coverage"].tolist() == [0.5, 1.0, 1.0, 0.0]


def test_start_delay(vocabularies):
    ds = make_dataset(
        [{"available_from": "2026-03-01"}, {"available_from": "2026-01-01"},
         {"available_from": None}, {"available_from": "2026-03-01"}],
        [{"start_date": "2026-02-01"}, {"start_date": "2026-02-01"},
         {"start_date": "2026-02-01"}, {"start_date": None}])
    f = features_of(ds, vocabularies)
    assert f["start_delay_days"].tolist() == [28.0, 0.0, 0.0, 0.0]


def test_target_group_eligibility(vocabularies):
    ds = make_dataset(
        [{"target_group": "wajong"}, {"target_group": "ww"}, {"target_group": "ww"}],
        [{"eligible_target_groups": ("wajong", "wsw")}] * 2 + [{"eligible_target_groups": ()}])
    f = features_of(ds, vocabularies)
    assert f["target_group_eligible"].tolist() == [1.0, 0.0, 1.0]


def test_sroi_value_matches_valuation(vocabularies):
    rng = np.random.default_rng(0)
    groups = ["participatiewet", "wajong", "ww", "nug", "bbl", "statushouder", "wia"]
    n = 40
    cands = [{"target_group": groups[i % len(groups)],
              "benefit_months": float(rng.integers(0, 60)) if i % 5 else np.nan,
              "birth_year": float(rng.integers(1960, 2005))} for i in range(n)]
    vacs = [{"hours_per_week": float(rng.integers(8, 41)),
             "contract_months": float(rng.integers(1, 36)) if i % 3 else np.nan,
             "permanent": bool(i % 4 == 0)} for i in range(n)]
    ds = make_dataset(cands, vacs)
    settings = Settings()
    f = features_of(ds, vocabularies, settings)
    expected = placement_value(
        ds.valuation, ds.candidates["target_group"], ds.candidates["benefit_months"],
        ds.vacancies["hours_per_week"], ds.vacancies["contract_months"],
        permanent=ds.vacancies["permanent"], settings=settings)
    np.testing.assert_allclose(f["sroi_value_eur"].to_numpy(), expected, rtol=1e-12)
    assert f["contract_months"].tolist() == [
        settings.default_contract_months if math.isnan(v["contract_months"]) else
        v["contract_months"] for v in vacs]
    assert f["permanent_contract"].tolist() == [float(v["permanent"]) for v in vacs]


def test_pair_details(vocabularies):
    ds = make_dataset(
        [{"postcode": "8881", "skills": ("metselen",), "certificates": ("VCA",),
          "support_needs": ("jobcoach", "wage_subsidy"), "birth_year": 1960.0,
          "target_group": "wajong"}],
        [{"postcode": "8911", "required_skills": ("metselen", "voegen"),
          "required_certificates": ("VCA", "heftruck"), "support_offered": ("jobcoach",),
          "start_date": "2026-04-01", "contract_months": 12.0}])
    p = build_profiles(ds, Settings(lang="en"), vocabularies=vocabularies)
    d = pair_details(p, np.array([0]), np.array([0])).iloc[0]
    assert d["candidate_id"] == "c1" and d["vacancy_id"] == "v1"
    assert d["ferry"] and d["travel_km"] == pytest.approx(d["distance_km"] + 60.0)
    assert d["required_skills_covered"] == ("Bricklaying",)
    assert d["required_skills_missing"] == ("Pointing",)
    assert d["certificates_missing"] == ("Forklift licence",)
    assert d["support_missing"] == ("wage_subsidy",)
    assert d["home_municipality_code"] == "GM0093" and d["work_municipality_code"] == "GM0080"
    assert (d["hours_candidate"], d["hours_vacancy"]) == (32.0, 32.0)
    # Display value includes the age bonus (66 in 2026); the feature does not.
    feature = pair_features(p, np.array([0]), np.array([0]))[0, PAIR_INDEX["sroi_value_eur"]]
    assert d["sroi_value_eur"] == pytest.approx(feature + 5000.0 * 32 / 36)


# ------------------------------------------------------------------------------ transformer


def _sample_pairs():
    from matching.synthetic.sample import generate

    ds = generate(40, 8, 3, 0, seed=5).dataset
    rng = np.random.default_rng(1)
    c = ds.candidates["candidate_id"].to_numpy()[rng.integers(0, len(ds.candidates), 60)]
    v = ds.vacancies["vacancy_id"].to_numpy()[rng.integers(0, len(ds.vacancies), 60)]
    return ds, c, v


def test_transformer_matches_pair_features():
    from features.transformer import PairFeatureTransformer, wide_pairs

    ds, c, v = _sample_pairs()
    X = wide_pairs(ds, c, v)
    out = PairFeatureTransformer().fit(X).transform(X)
    p = build_profiles(ds)
    expected = pair_features(p, p.candidate_index(c), p.vacancy_index(v))[:, :len(FEATURE_NAMES)]
    assert list(out.columns) == list(FEATURE_NAMES)
    np.testing.assert_allclose(out.to_numpy(), expected, equal_nan=True)


def test_transformer_clone_pipeline_and_names():
    from sklearn.base import clone
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.validation import NotFittedError

    from features.transformer import PairFeatureTransformer, wide_pairs

    ds, c, v = _sample_pairs()
    X = wide_pairs(ds, c, v)
    y = np.arange(len(X)) % 2
    t = PairFeatureTransformer(ferry_penalty_km=30.0, default_travel_km={"car": 50.0})
    t2 = clone(t)
    assert t2.get_params() == t.get_params()
    with pytest.raises(NotFittedError):
        t2.transform(X)
    pipe = Pipeline([("features", t2), ("impute", SimpleImputer()), ("scale", StandardScaler()),
                     ("m", LogisticRegression(max_iter=1000))])
    pipe.fit(X, y)
    assert pipe.predict_proba(X).shape == (len(X), 2)
    assert list(pipe[:-1].get_feature_names_out()) == list(FEATURE_NAMES)
    fitted = pipe.named_steps["features"]
    assert fitted.n_features_in_ == X.shape[1]
    assert list(fitted.feature_names_in_) == list(X.columns)
    assert list(fitted.unresolved_.columns) == ["source", "term", "count"]


def test_transformer_setting_changes_values():
    from features.transformer import PairFeatureTransformer, wide_pairs

    ds = make_dataset([{"postcode": "8881"}], [{"postcode": "8911"}])
    X = wide_pairs(ds, ["c1"], ["v1"])
    a = PairFeatureTransformer(ferry_penalty_km=0.0).fit(X).transform(X)
    b = PairFeatureTransformer(ferry_penalty_km=60.0).fit(X).transform(X)
    assert b.loc[0, "travel_km"] - a.loc[0, "travel_km"] == pytest.approx(60.0)


# ------------------------------------------------------------------------------ history


def test_placement_features_rows_and_audit_columns(vocabularies):
    from features.history import placement_features

    ds = make_dataset(
        [{"birth_year": 1970.0, "postcode": "8881", "status": "placed"}, {"birth_year": 1999.0}],
        [{"status": "closed"}, {}],
        placements=[
            {"placement_id": "pl1", "candidate_id": "c1", "vacancy_id": "v1",
             "start_date": pd.Timestamp("2025-01-01"), "end_date": pd.NaT,
             "hours_per_week": 32.0},
            {"placement_id": "pl2", "candidate_id": "c2", "vacancy_id": "v2",
             "start_date": pd.Timestamp("2025-02-01"), "end_date": pd.Timestamp("2025-03-01"),
             "hours_per_week": 24.0},
        ])
    p = build_profiles(ds, vocabularies=vocabularies)
    rows = placement_features(ds, p)
    assert rows["placement_id"].tolist() == ["pl1", "pl2"]
    expected = pair_features(p, np.array([0, 1]), np.array([0, 1]))
    same = [c for c in PAIR_COLUMNS if c != "start_delay_days"]  # dated: see test_history.py
    np.testing.assert_allclose(rows[same].to_numpy(), expected[:, [PAIR_INDEX[c] for c in same]],
                               equal_nan=True)
    assert rows["audit_birth_year"].tolist() == [1970.0, 1999.0]
    assert rows["audit_municipality_code"].tolist() == ["GM0093", "GM0014"]
    assert rows["audit_province"].tolist() == ["Friesland", "Groningen"]
    audit = [c for c in rows.columns if c.startswith("audit_")]
    assert not set(audit) & set(FEATURE_NAMES)


# ------------------------------------------------------------------------------ docs


def test_features_doc_is_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_features_doc.py"), "--stdout"],
        capture_output=True, text=True, check=True, cwd=ROOT)
    committed = (ROOT / "docs" / "features.md").read_text(encoding="utf-8")
    assert committed == result.stdout, "run: python scripts/gen_features_doc.py"


def test_fitted_transformer_round_trips_through_joblib(tmp_path):
    import joblib

    from features.transformer import PairFeatureTransformer, wide_pairs

    ds, c, v = _sample_pairs()
    X = wide_pairs(ds, c, v)
    t = PairFeatureTransformer().fit(X)
    joblib.dump(t, tmp_path / "t.joblib")
    again = joblib.load(tmp_path / "t.joblib")
    pd.testing.assert_frame_equal(again.transform(X), t.transform(X))


def test_public_names_of_the_features_package():
    import features

    assert features.__all__ == sorted(features.__all__, key=lambda n: (not n.isupper(), n))
    assert set(features.__all__) == {
        "CONSTRAINTS", "FEATURE_NAMES", "BlockingResult", "Gazetteer", "PairBlock",
        "PairFeatureTransformer", "Profiles", "UnresolvedTerms", "Vocabularies", "Vocabulary",
        "build_profiles", "candidate_pairs", "haversine_km", "iter_candidate_pairs",
        "pair_details", "pair_features", "placement_features", "wide_pairs",
    }
    for name in features.__all__:
        assert getattr(features, name) is not None
    with pytest.raises(AttributeError):
        _ = features.no_such_name

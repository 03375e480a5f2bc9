"""The synthetic sample generator and its ground truth (matching.synthetic.sample, matching.synthetic.ground_truth)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.spec import FEATURES
from features.vocabulary import Vocabulary
from matching.data import reference
from matching.data.loading import load_dataset
from matching.synthetic.ground_truth import Coefficients, GroundTruth
from matching.synthetic.sample import (
    TARGET_GROUP_MIX,
    SampleData,
    generate,
    load_truth,
    render_tables,
    write_sample,
)

REPO = Path(__file__).resolve().parents[1]
SIZES = {"n_candidates": 1500, "n_vacancies": 200, "n_projects": 40, "n_placements": 3000}
REF = pd.Timestamp("2026-11-01")


@pytest.fixture(scope="module")
def sample() -> SampleData:
    return generate(**SIZES, seed=11)


@pytest.fixture(scope="module")
def written(sample: SampleData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(sample, tmp_path_factory.mktemp("sample"))


def _vocabulary(frame: pd.DataFrame) -> Vocabulary:
    return Vocabulary(
        [(r.code, [n for n in (r.label_nl, r.label_en, *r.synonyms) if isinstance(n, str)])
         for r in frame.itertuples(index=False)], cutoff=88.0)


# ----------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a = write_sample(generate(120, 15, n_projects=5, n_placements=200, seed=3), tmp_path / "a")
    b = write_sample(generate(120, 15, n_projects=5, n_placements=200, seed=3), tmp_path / "b")
    names = sorted(p.name for p in a.iterdir())
    assert names == ["candidates.csv", "courses.csv", "manifest.json", "placements.csv",
                     "projects.csv", "tenders.csv", "vacancies.csv"]
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_different_seeds_differ() -> None:
    a = render_tables(generate(120, 15, n_projects=5, n_placements=200, seed=3))
    b = render_tables(generate(120, 15, n_projects=5, n_placements=200, seed=4))
    assert all(a[name] != b[name] for name in a)


# ----------------------------------------------------------------------------- shape


def test_sizes(sample: SampleData) -> None:
    ds = sample.dataset
    assert (ds.candidates["status"] == "available").sum() == SIZES["n_candidates"]
    assert (ds.vacancies["status"] == "open").sum() == SIZES["n_vacancies"]
    assert len(ds.projects) == SIZES["n_projects"]
    assert len(ds.placements) == SIZES["n_placements"]
    assert set(ds.candidates["status"]) == {"available", "placed", "inactive"}
    assert set(ds.vacancies["status"]) == {"open", "filled", "closed"}
    for frame in (ds.candidates, ds.projects, ds.vacancies, ds.placements):
        assert frame.index[0] == 2 and frame.index.is_monotonic_increasing
    assert sample.manifest["seed"] == 11
    assert sample.manifest["sizes"] == {**SIZES, "n_courses": 24, "n_tenders": 20}
    assert (len(ds.courses), len(ds.tenders)) == (24, 20)
    assert sample.manifest["reference_date"] == "2026-11-01"
    assert sample.manifest["extraction_date"] == "2026-11-01"


def test_referential_integrity(sample: SampleData) -> None:
    ds = sample.dataset
    assert ds.vacancies["project_id"].isin(ds.projects["project_id"]).all()
    assert ds.placements["candidate_id"].isin(ds.candidates["candidate_id"]).all()
    assert ds.placements["vacancy_id"].isin(ds.vacancies["vacancy_id"]).all()
    for frame, key in ((ds.candidates, "candidate_id"), (ds.vacancies, "vacancy_id"),
                       (ds.projects, "project_id"), (ds.placements, "placement_id")):
        assert frame[key].is_unique
    # placed people hold a running job; open vacancies have no history
    running = ds.placements[ds.placements["end_date"].isna()]
    placed = ds.candidates.loc[ds.candidates["status"] == "placed", "candidate_id"]
    assert set(placed) == set(running["candidate_id"])
    open_ids = ds.vacancies.loc[ds.vacancies["status"] == "open", "vacancy_id"]
    assert not ds.placements["vacancy_id"].isin(open_ids).any()


def test_no_candidate_holds_two_jobs_at_once(sample: SampleData) -> None:
    pl = sample.dataset.placements.sort_values(["candidate_id", "start_date"])
    end = pl["end_date"].fillna(pd.Timestamp.max)
    prev_end = end.groupby(pl["candidate_id"]).shift(1)
    assert not (prev_end > pl["start_date"]).any()


def test_region_and_contract_rules(sample: SampleData) -> None:
    ds = sample.dataset
    muni = reference.municipalities()
    in_scope = set(muni.loc[muni["in_scope"], "gm_code"])
    assert set(ds.candidates["municipality_code"]) <= in_scope
    assert set(ds.vacancies["municipality_code"]) <= in_scope
    pc = reference.postcodes().drop_duplicates("pc4").set_index("pc4")["gm_code"]
    assert (ds.candidates["postcode"].map(pc) == ds.candidates["municipality_code"]).all()
    pj = ds.projects
    works = pj["contract_type"] == "works"
    assert (pj.loc[works, "contract_value_eur"] >= 250_000).all()
    assert (pj.loc[~works, "contract_value_eur"] >= 100_000).all()
    assert pj["sroi_percentage"].between(2, 5).all()
    assert (pj["end_date"] >= pj["start_date"]).all()
    c = ds.candidates
    assert c["hours_per_week"].between(4, 40).all()
    assert (c.loc[c["target_group"] == "bbl", "hours_per_week"] >= 16).all()
    age = REF.year - c["birth_year"]
    assert age.between(18, 66).all()
    assert 0.25 <= c["education_level"].isna().mean() <= 0.45


def test_target_group_mix(sample: SampleData) -> None:
    shares = sample.dataset.candidates["target_group"].value_counts(normalize=True)
    for group, share in TARGET_GROUP_MIX.items():
        assert abs(shares.get(group, 0.0) - share) < 0.03, group


def test_correlations_by_target_group(sample: SampleData) -> None:
    c = sample.dataset.candidates
    needs_coach = c["support_needs"].map(lambda t: "jobcoach" in t)
    sheltered = c["target_group"].isin(["wsw", "wajong", "doelgroepregister"])
    assert needs_coach[sheltered].mean() > needs_coach[c["target_group"] == "ww"].mean() + 0.3
    cefr = {lvl: i for i, lvl in enumerate(("A0", "A1", "A2", "B1", "B2", "C1", "C2"))}
    dutch = c["dutch_level"].map(cefr)
    assert dutch[c["target_group"] == "statushouder"].mean() < dutch[~sheltered].mean() - 1.5
    language = c["support_needs"].map(lambda t: "language_support" in t)
    assert language[c["target_group"] == "statushouder"].mean() > 0.5
    young = c["target_group"] == "jongere_zonder_sk"
    assert not c.loc[young, "education_level"].isin(
        ["mbo2", "mbo3", "mbo4", "havo", "vwo", "hbo", "wo"]).any()


# ----------------------------------------------------------------------------- noise


def test_noisy_terms_resolve_to_the_true_id(sample: SampleData) -> None:
    ds, truth = sample.dataset, sample.truth
    for kind, frame, cols in (
        ("skill", reference.skills(), (("candidates", "skills"),
                                       ("vacancies", "required_skills"),
                                       ("vacancies", "preferred_skills"))),
        ("certificate", reference.certificates(), (("candidates", "certificates"),
                                                   ("vacancies", "required_certificates"))),
    ):
        vocab = _vocabulary(frame)
        canonical = {n for r in frame.itertuples(index=False)
                     for n in (r.code, r.label_nl, r.label_en, *r.synonyms)}
        pairs = []
        for table, col in cols:
            noisy = ds.table(table)[col]
            clean = getattr(truth, table)[col]
            assert [len(t) for t in noisy] == [len(t) for t in clean]
            pairs += [(w, c) for a, b in zip(noisy, clean, strict=True)
                      for w, c in zip(a, b, strict=True)]
        changed = [(w, c) for w, c in pairs if w not in canonical]
        assert len(changed) > 0.1 * len(pairs), kind  # noise is really there
        ok = np.mean([vocab.resolve(w) == c for w, c in changed])
        if kind == "certificate":
            assert all(vocab.resolve(w) == c for w, c in pairs)
        else:
            assert ok >= 0.95, (kind, ok)


# ----------------------------------------------------------------------------- truth


def test_probability_is_in_open_unit_interval(sample: SampleData) -> None:
    truth = sample.truth
    rng = np.random.default_rng(0)
    c = truth.candidates["candidate_id"].to_numpy()[rng.integers(0, len(truth.candidates), 50_000)]
    v = truth.vacancies["vacancy_id"].to_numpy()[rng.integers(0, len(truth.vacancies), 50_000)]
    p = truth.probability(c, v)
    assert p.shape == (50_000,)
    assert ((p > 0) & (p < 1)).all()
    assert p.std() > 0.1
    with pytest.raises(KeyError):
        truth.probability(["nobody"], [v[0]])
    with pytest.raises(ValueError):
        truth.probability(c[:2], v[:3])


def test_coefficient_signs_follow_feature_directions() -> None:
    b = Coefficients()
    assert min(np.diff(b.occupation_level)) >= 0
    for name in ("required_skill_coverage", "required_skill_coverage_same_occupation",
                 "preferred_skill_coverage", "hours_fit", "poor_hours_fit",
                 "education_shortfall", "dutch_shortfall", "support_coverage", "poor_support",
                 "permanent_contract"):
        assert getattr(b, name) >= 0, name
    for name in ("first_missing_certificate", "further_missing_certificate", "travel_per_km",
                 "beyond_reach", "no_startkwalificatie", "no_startkwalificatie_per_dutch_level",
                 "start_delay_per_30_days", "accumulated_gap"):
        assert getattr(b, name) <= 0, name
    # at level >= 3 skills weigh less, so moving up to level 3 never lowers the logit
    assert b.required_skill_coverage >= b.required_skill_coverage_same_occupation


_STEPS = {
    "required_skill_coverage": 0.25, "preferred_skill_coverage": 0.25,
    "occupation_match_level": 1, "missing_required_certificates": 1, "hours_fit": 0.1,
    "travel_km": 5.0, "reach_ratio": 0.3, "education_gap": 1.0, "dutch_gap": 1.0,
    "has_startkwalificatie": 1.0, "support_coverage": 0.25, "start_delay_days": 20.0,
    "permanent_contract": 1.0,
}
_LIMITS = {"required_skill_coverage": (0, 1), "preferred_skill_coverage": (0, 1),
           "occupation_match_level": (0, 4), "hours_fit": (0, 1), "support_coverage": (0, 1),
           "has_startkwalificatie": (0, 1), "permanent_contract": (0, 1)}


def test_truth_is_monotone_in_every_quantity(sample: SampleData) -> None:
    """Step every quantity of real and random pairs in its feature direction: logit never drops."""
    truth = sample.truth
    direction = {f.name: f.monotone for f in FEATURES}
    rng = np.random.default_rng(5)
    n = 20_000
    ci = rng.integers(0, len(truth.candidates), n)
    vi = rng.integers(0, len(truth.vacancies), n)
    q = {k: np.asarray(v, dtype=float) for k, v in truth.quantities_at(ci, vi).items()}
    q["reach_ratio"] = rng.uniform(0, 4, n)  # cover both sides of the hinge
    q["dutch_gap"] = np.where(np.isnan(q["dutch_gap"]), np.nan, rng.integers(-3, 4, n))
    q["occupation_match_level"] = q["occupation_match_level"].astype(int)
    base = truth.logit_of(q)
    assert np.isfinite(base).all()
    for name, step in _STEPS.items():
        sign = direction[name]
        assert sign != 0, name
        moved = dict(q)
        low, high = _LIMITS.get(name, (-np.inf, np.inf))
        value = np.clip(q[name] + sign * step, low, high)
        moved[name] = value.astype(int) if name == "occupation_match_level" else value
        after = truth.logit_of(moved)
        known = ~np.isnan(q[name])
        assert (after[known] >= base[known] - 1e-12).all(), name
        assert (after[known] > base[known] + 1e-9).any(), f"{name} has no effect"


def test_truth_is_not_additive(sample: SampleData) -> None:
    """Thresholds and interactions: the effects documented in docs/ground-truth.md."""
    truth = sample.truth
    q0 = {k: np.asarray(v, dtype=float)
          for k, v in truth.quantities_at(np.zeros(1, int), np.zeros(1, int)).items()}
    q0.update(required_skill_coverage=np.array([1.0]), preferred_skill_coverage=np.array([1.0]),
              occupation_match_level=np.array([4]), missing_required_certificates=np.array([0.0]),
              hours_fit=np.array([1.0]), travel_km=np.array([10.0]), reach_ratio=np.array([0.2]),
              education_gap=np.array([0.0]), dutch_gap=np.array([0.0]),
              has_startkwalificatie=np.array([1.0]), support_coverage=np.array([1.0]),
              start_delay_days=np.array([0.0]), permanent_contract=np.array([0.0]))

    def logit(**change: float) -> float:
        q = dict(q0)
        q.update({k: np.array([v]) for k, v in change.items()})
        return float(truth.logit_of(q)[0])

    # reach: within reach barely matters, beyond it hurts sharply
    assert logit(reach_ratio=0.2) - logit(reach_ratio=0.9) < 0.1
    assert logit(reach_ratio=1.0) - logit(reach_ratio=1.5) > 0.5
    # occupation: a step at level 3
    assert logit(occupation_match_level=3) - logit(occupation_match_level=2) > \
        2 * (logit(occupation_match_level=2) - logit(occupation_match_level=0))
    # hours: a poor fit hurts far more per unit than a near fit
    assert logit(hours_fit=0.4) - logit(hours_fit=0.3) > \
        5 * (logit(hours_fit=1.0) - logit(hours_fit=0.9))
    # no startkwalificatie hurts more without a Dutch margin
    assert logit(dutch_gap=2, has_startkwalificatie=1) - logit(dutch_gap=2, has_startkwalificatie=0) \
        < logit(dutch_gap=0, has_startkwalificatie=1) - logit(dutch_gap=0, has_startkwalificatie=0)
    # several serious gaps compound
    one = logit(missing_required_certificates=1) - logit()
    both = logit(missing_required_certificates=1, reach_ratio=1.01) - logit(reach_ratio=1.01)
    assert both < one


def test_adding_a_missing_certificate_never_lowers_p(sample: SampleData) -> None:
    truth = sample.truth
    pl = sample.dataset.placements
    q = truth.quantities(pl["candidate_id"], pl["vacancy_id"])
    lacking = q[q["missing_required_certificates"] > 0].head(300)
    assert len(lacking) > 20
    cands = truth.candidates.set_index("candidate_id")
    vacs = truth.vacancies.set_index("vacancy_id")
    # one hypothetical candidate per pair: the same profile plus the vacancy's certificates
    rows = cands.loc[lacking["candidate_id"]].reset_index()
    rows["certificates"] = [
        tuple(dict.fromkeys(have + vacs.at[v, "required_certificates"]))
        for have, v in zip(rows["certificates"], lacking["vacancy_id"], strict=True)]
    rows["candidate_id"] = [f"X{i}" for i in range(len(rows))]
    extended = truth.with_profiles(candidates=pd.concat([truth.candidates, rows]))
    p_new = extended.probability(rows["candidate_id"], lacking["vacancy_id"])
    assert (p_new >= lacking["probability"].to_numpy() - 1e-12).all()
    assert (p_new > lacking["probability"].to_numpy()).mean() > 0.99


def test_longer_distance_never_raises_p(sample: SampleData) -> None:
    truth = sample.truth
    base = truth.candidates.iloc[[0]]
    pcs = reference.postcodes().drop_duplicates("pc4")
    muni = reference.municipalities()
    pcs = pcs[pcs["gm_code"].isin(muni.loc[muni["in_scope"], "gm_code"])]
    moved = base.loc[base.index.repeat(len(pcs))].reset_index(drop=True)
    moved["postcode"] = pcs["pc4"].to_numpy()
    moved["municipality_code"] = pcs["gm_code"].to_numpy()
    moved["candidate_id"] = [f"M{i}" for i in range(len(moved))]
    other = truth.with_profiles(candidates=moved)
    for vacancy in truth.vacancies["vacancy_id"].iloc[:5]:
        q = other.quantities(moved["candidate_id"], [vacancy] * len(moved))
        q = q.sort_values("travel_km", kind="stable")
        assert q["travel_km"].max() > 100  # the islands' ferry penalty is in
        assert (np.diff(q["probability"].to_numpy()) <= 1e-12).all()


def test_truth_ignores_protected_attributes(sample: SampleData) -> None:
    truth = sample.truth
    pl = sample.dataset.placements
    before = truth.probability(pl["candidate_id"], pl["vacancy_id"])
    changed = truth.candidates.copy()
    rng = np.random.default_rng(1)
    for col in ("birth_year", "gender", "nationality", "target_group", "benefit_months"):
        changed[col] = rng.permutation(changed[col].to_numpy())
    after = truth.with_profiles(candidates=changed).probability(pl["candidate_id"],
                                                                 pl["vacancy_id"])
    np.testing.assert_array_equal(before, after)


def test_truth_is_independent_of_features_package() -> None:
    for name in ("ground_truth.py", "truth_encoding.py", "coefficients.py"):
        source = (REPO / "matching" / "synthetic" / name).read_text(encoding="utf-8")
        assert "from features" not in source and "import features" not in source, name


# ----------------------------------------------------------------------------- outcomes


def _observed(sample: SampleData) -> tuple[pd.DataFrame, pd.Series]:
    pl = sample.dataset.placements
    horizon = pl["start_date"] + pd.DateOffset(months=6)
    observed = horizon <= REF
    durable = pl["end_date"].isna() | (pl["end_date"] >= horizon)
    return pl[observed], durable[observed]


def test_durable_rate_and_oracle_auc(sample: SampleData) -> None:
    pl, durable = _observed(sample)
    assert 0.55 <= durable.mean() <= 0.72
    # outcomes were drawn with the start delay known at the placement, not today's availability
    p = sample.truth.historic_probability(pl["candidate_id"], pl["vacancy_id"], pl["start_date"])
    assert abs(p.mean() - durable.mean()) < 0.04
    ranks = pd.Series(p).rank().to_numpy()
    pos = durable.to_numpy()
    auc = (ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum())
    assert 0.72 <= auc <= 0.88
    stats = sample.manifest["stats"]
    assert abs(stats["durable_rate"] - durable.mean()) < 0.01


def test_history_spans_four_years_and_is_censored(sample: SampleData) -> None:
    pl = sample.dataset.placements
    assert pl["start_date"].min() >= REF - pd.DateOffset(years=4, months=1)
    assert pl["start_date"].max() < REF
    assert (pl["end_date"].dropna() < REF).all()
    recent = pl["start_date"] + pd.DateOffset(months=6) > REF
    assert (recent & pl["end_date"].isna()).sum() > 50  # censored: still running
    assert (~recent & pl["end_date"].notna()).sum() > 100
    # past practice is imperfect: some placements lack a certificate or are out of reach
    q = sample.truth.quantities(pl["candidate_id"], pl["vacancy_id"])
    assert 0.05 < (q["missing_required_certificates"] > 0).mean() < 0.4
    assert 0.05 < (q["reach_ratio"] > 1).mean() < 0.5
    assert (q["occupation_match_level"] >= 2).mean() > 0.4


# ----------------------------------------------------------------------------- files


def test_generate_equals_loaded_files(sample: SampleData, written: Path) -> None:
    loaded = load_dataset(written).dataset
    for name in ("candidates", "projects", "vacancies", "placements", "valuation", "courses",
                 "tenders"):
        pd.testing.assert_frame_equal(sample.dataset.table(name), loaded.table(name), obj=name)


def test_load_truth_round_trip(sample: SampleData, written: Path, tmp_path: Path) -> None:
    manifest = json.loads((written / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"candidates.csv", "projects.csv", "vacancies.csv",
                                      "placements.csv", "courses.csv", "tenders.csv"}
    truth = load_truth(written)
    assert isinstance(truth, GroundTruth)
    pl = sample.dataset.placements
    np.testing.assert_array_equal(truth.probability(pl["candidate_id"], pl["vacancy_id"]),
                                  sample.truth.probability(pl["candidate_id"], pl["vacancy_id"]))
    # an edited file, a missing manifest or a foreign folder give no truth
    edited = tmp_path / "edited"
    shutil.copytree(written, edited)
    with (edited / "vacancies.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert load_truth(edited) is None
    (edited / "manifest.json").unlink()
    assert load_truth(edited) is None
    assert load_truth(tmp_path / "nowhere") is None


def test_committed_sample_is_current() -> None:
    folder = REPO / "data" / "sample"
    assert (folder / "manifest.json").is_file(), "data/sample is committed with its manifest"
    assert load_truth(folder) is not None, (
        "data/sample differs from the generator's output: regenerate it with "
        "`sroi-match sample --out data/sample`")

"""Robustness worlds of the sample generator: binding obligations, the knobs of
:func:`matching.synthetic.sample.generate` and the no-time-travel rule of historic outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.vocabulary import normalise_term
from matching.data import reference
from matching.data.valuation import placement_value, project_obligations
from matching.synthetic import sample as sample_module
from matching.synthetic.sample import (
    SampleData,
    base_rate_shift_for,
    generate,
    load_truth,
    render_tables,
    write_sample,
)

SIZES = {"n_candidates": 1500, "n_vacancies": 200, "n_projects": 40, "n_placements": 3000}
SMALL = {"n_candidates": 400, "n_vacancies": 40, "n_projects": 12, "n_placements": 1200}
REF = pd.Timestamp("2026-11-01")
HORIZON = pd.Timedelta(days=183)


@pytest.fixture(scope="module")
def base() -> SampleData:
    return generate(**SIZES, seed=11)


def _coverage(sample: SampleData) -> pd.Series:
    """Per running project with an outstanding obligation: value of all its open positions
    (building block × hours/36 × months, averaged over the available people) / outstanding."""
    ds = sample.dataset
    projects = ds.projects
    running = (projects["start_date"] <= REF) & (projects["end_date"] > REF)
    left = project_obligations(projects).set_index("project_id")["outstanding_eur"]
    left = left[projects.loc[running, "project_id"].to_numpy()]
    left = left[left > 0]
    vac = ds.vacancies[ds.vacancies["status"] == "open"]
    people = ds.candidates[ds.candidates["status"] == "available"]
    val = reference.default_valuation()
    value = np.array([
        placement_value(val, people["target_group"].to_numpy(), people["benefit_months"].to_numpy(),
                        h, m, permanent=np.full(len(people), bool(p))).mean()
        for h, m, p in zip(vac["hours_per_week"], vac["contract_months"],
                           vac["permanent"].fillna(False), strict=True)])
    by_project = pd.Series(value * vac["positions"].to_numpy()).groupby(
        vac["project_id"].to_numpy()).sum()
    return by_project.reindex(left.index).fillna(0.0) / left


# ----------------------------------------------------------------------------- obligations


def test_binding_obligations_spread_around_full_coverage(base: SampleData) -> None:
    cover = _coverage(base)
    assert len(cover) >= 10
    assert 0.5 <= cover.median() <= 2.0
    assert (cover < 1.0).any()  # some projects are short of positions
    assert (cover > 1.0).any()
    assert cover.max() / cover.min() > 2  # a spread, not one factor for all
    assert (base.dataset.vacancies["status"] == "open").sum() == SIZES["n_vacancies"]
    stats = base.manifest["stats"]["obligation_coverage"]
    assert stats["median"] == pytest.approx(cover.median(), rel=0.02)
    assert base.manifest["options"]["obligations"] == "binding"
    # the data contract still holds: thresholds, an explicit obligation where above the cap
    pj = base.dataset.projects
    works = pj["contract_type"] == "works"
    assert (pj.loc[works, "contract_value_eur"] >= 250_000).all()
    assert (pj.loc[~works, "contract_value_eur"] >= 100_000).all()
    assert (pj["realised_eur"] >= 0).all()


def test_loose_obligations_reproduce_the_old_overcoverage() -> None:
    loose = generate(**SIZES, seed=11, obligations="loose")
    cover = _coverage(loose)
    assert cover.median() > 4
    assert cover.min() > 1.5  # every project has far more positions than it needs
    assert (loose.dataset.vacancies["status"] == "open").sum() == SIZES["n_vacancies"]
    # only the running projects' money differs from the binding world
    binding = generate(**SIZES, seed=11)
    for name in ("candidates", "vacancies", "placements"):
        pd.testing.assert_frame_equal(loose.dataset.table(name), binding.dataset.table(name))
    finished = loose.dataset.projects["end_date"] <= REF
    pd.testing.assert_frame_equal(loose.dataset.projects[finished],
                                  binding.dataset.projects[finished])
    with pytest.raises(ValueError, match="obligations"):
        generate(**SMALL, seed=1, obligations="tight")


# ----------------------------------------------------------------------------- base rate


def test_base_rate_shift_moves_the_durable_rate(base: SampleData) -> None:
    low = generate(**SIZES, seed=11, base_rate_shift=-2.0)
    high = generate(**SIZES, seed=11, base_rate_shift=1.0)
    rate = {k: s.manifest["stats"]["mean_true_probability"]
            for k, s in (("low", low), ("base", base), ("high", high))}
    assert rate["low"] < rate["base"] - 0.2
    assert rate["high"] > rate["base"] + 0.08
    labels = {k: s.manifest["stats"]["durable_rate"] for k, s in (("low", low), ("high", high))}
    assert labels["low"] < base.manifest["stats"]["durable_rate"] - 0.2 < labels["high"]
    assert low.manifest["coefficients"]["intercept"] == pytest.approx(2.0)
    assert low.truth.coefficients.intercept == pytest.approx(2.0)


def test_base_rate_shift_for_hits_a_target() -> None:
    shift = base_rate_shift_for(0.3, **SMALL, seed=2)
    world = generate(**SMALL, seed=2, base_rate_shift=shift)
    assert shift < -1
    assert abs(world.manifest["stats"]["mean_true_probability"] - 0.3) < 0.02


# ----------------------------------------------------------------------------- label noise


def test_label_noise_flips_the_requested_share(base: SampleData) -> None:
    noisy = generate(**SIZES, seed=11, label_noise=0.2)
    out = noisy.outcomes
    assert len(out) == SIZES["n_placements"]
    assert abs(out["flipped"].mean() - 0.2) < 0.03
    assert noisy.manifest["stats"]["labels_flipped"] == int(out["flipped"].sum())
    changed = out["durable"] != out["drawn_durable"]
    assert (changed == out["flipped"]).all()
    # the truth is the same: outcomes are drawn from it, then flipped
    pl = noisy.dataset.placements
    p = noisy.truth.historic_probability(pl["candidate_id"], pl["vacancy_id"], pl["start_date"])
    np.testing.assert_allclose(p, out["probability"])
    obs = out[out["observed"]]
    expected = (obs["probability"] * 0.8 + (1 - obs["probability"]) * 0.2).mean()
    assert abs(obs["durable"].mean() - expected) < 0.03
    assert noisy.manifest["stats"]["oracle_auc"] < base.manifest["stats"]["oracle_auc"] - 0.08
    # who was placed where and when is the history without noise; only the ends change
    a, b = base.dataset.placements, noisy.dataset.placements
    pd.testing.assert_frame_equal(a.drop(columns="end_date"), b.drop(columns="end_date"))
    np.testing.assert_array_equal(base.outcomes["probability"], out["probability"])
    assert (base.outcomes["durable"] != out["durable"])[out["flipped"]].all()
    assert not base.outcomes["flipped"].any()
    assert (base.outcomes["durable"] == base.outcomes["drawn_durable"]).all()


# ----------------------------------------------------------------------------- recent share


@pytest.mark.parametrize("share", [0.1, 0.5])
def test_recent_share(share: float) -> None:
    world = generate(**SMALL, seed=3, recent_share=share)
    pl = world.dataset.placements
    recent = (pl["start_date"] + HORIZON > REF).mean()
    assert abs(recent - share) < 0.04
    assert pl["start_date"].min() >= REF - pd.DateOffset(years=4, months=1)
    assert world.manifest["stats"]["placements_recent"] == round(recent * len(pl))


def test_recent_share_default_is_the_natural_share(base: SampleData) -> None:
    pl = base.dataset.placements
    assert 0.15 < (pl["start_date"] + HORIZON > REF).mean() < 0.4
    assert base.manifest["options"]["recent_share"] is None


# ----------------------------------------------------------------------------- planned ends


def test_planned_end_dates_only_on_running_placements(base: SampleData) -> None:
    planned = generate(**SIZES, seed=11, planned_end_dates=True)
    a, b = base.dataset.placements, planned.dataset.placements
    pd.testing.assert_frame_equal(a.drop(columns="end_date"), b.drop(columns="end_date"))
    running = a["end_date"].isna()
    assert running.sum() > 100
    assert b["end_date"].notna().all()
    assert (b.loc[running, "end_date"] > REF).all()
    assert (b.loc[running, "end_date"] <= REF + pd.Timedelta(days=730)).all()
    pd.testing.assert_series_equal(a.loc[~running, "end_date"], b.loc[~running, "end_date"])
    assert (b.loc[~running, "end_date"] < REF).all()
    # outcomes and statuses do not change
    pd.testing.assert_frame_equal(base.outcomes, planned.outcomes)
    pd.testing.assert_frame_equal(base.dataset.candidates, planned.dataset.candidates)


# ----------------------------------------------------------------------------- renamed skills


def _unknown_skill_share(world: SampleData) -> float:
    frame = reference.skills()
    known = {normalise_term(n) for r in frame.itertuples(index=False)
             for n in (r.code, r.label_nl, r.label_en, *r.synonyms) if isinstance(n, str)}
    terms = [t for row in world.dataset.candidates["skills"] for t in row]
    for col in ("required_skills", "preferred_skills"):
        terms += [t for row in world.dataset.vacancies[col] for t in row]
    return float(np.mean([normalise_term(t) not in known for t in terms]))


def test_renamed_skills_are_present(base: SampleData) -> None:
    renamed = generate(**SIZES, seed=11, renamed_skills=0.3)
    before, after = _unknown_skill_share(base), _unknown_skill_share(renamed)
    assert before < 0.1
    assert 0.22 < after - before < 0.36
    # the truth still knows the true codes; certificates are untouched
    for table, col in (("candidates", "skills"), ("vacancies", "required_skills")):
        pd.testing.assert_series_equal(getattr(base.truth, table)[col],
                                       getattr(renamed.truth, table)[col])
    pd.testing.assert_series_equal(base.dataset.candidates["certificates"],
                                   renamed.dataset.candidates["certificates"])
    words = " ".join(t for row in renamed.dataset.candidates["skills"] for t in row).lower()
    assert "ervaring met" in words and "medewerker" in words and "." in words


# ----------------------------------------------------------------------------- no time travel


def test_historic_probability_ignores_current_availability(base: SampleData) -> None:
    truth = base.truth
    pl = base.dataset.placements
    before = truth.historic_probability(pl["candidate_id"], pl["vacancy_id"], pl["start_date"])
    np.testing.assert_allclose(before, base.outcomes["probability"])
    changed = truth.candidates.copy()
    changed["available_from"] = REF + pd.Timedelta(days=90)
    other = truth.with_profiles(candidates=changed)
    after = other.historic_probability(pl["candidate_id"], pl["vacancy_id"], pl["start_date"])
    np.testing.assert_array_equal(before, after)
    # the serving-time probability does use the current availability
    serving_before = truth.probability(pl["candidate_id"], pl["vacancy_id"])
    serving_after = other.probability(pl["candidate_id"], pl["vacancy_id"])
    assert (serving_after < serving_before - 1e-9).mean() > 0.5
    # the delay known at the placement: start - vacancy start, at least 0
    vac_start = base.dataset.vacancies.set_index("vacancy_id")["start_date"]
    delay = (pl["start_date"] - vac_start[pl["vacancy_id"]].to_numpy()).dt.days.clip(lower=0)
    np.testing.assert_array_equal(base.outcomes["start_delay_days"].to_numpy(), delay.to_numpy())
    q = truth.quantities(pl["candidate_id"][:5], pl["vacancy_id"][:5],
                         start_delay_days=np.full(5, 200.0))
    assert (q["start_delay_days"] == 200).all()


def test_generator_history_ignores_current_availability(monkeypatch: pytest.MonkeyPatch) -> None:
    """Change everyone's current availability inside the generator: the history is identical."""
    baseline = generate(**SMALL, seed=4)
    original = sample_module._candidates

    def later(*args: object, **kwargs: object) -> dict:
        out = original(*args, **kwargs)
        ref = args[3]
        out["available"] = np.full(len(out["available"]), int(ref) + 110, dtype=np.int64)
        return out

    monkeypatch.setattr(sample_module, "_candidates", later)
    moved = generate(**SMALL, seed=4)
    assert not moved.dataset.candidates["available_from"].equals(
        baseline.dataset.candidates["available_from"])
    pd.testing.assert_frame_equal(baseline.dataset.placements, moved.dataset.placements)
    pd.testing.assert_frame_equal(baseline.outcomes, moved.outcomes)


# ----------------------------------------------------------------------------- manifest, sizes


def test_manifest_declares_the_extraction_date(tmp_path: Path) -> None:
    world = generate(**SMALL, seed=5, reference_date="2025-06-15")
    assert world.manifest["extraction_date"] == "2025-06-15"
    written = json.loads((write_sample(world, tmp_path) / "manifest.json").read_text("utf-8"))
    assert written["extraction_date"] == "2025-06-15"
    assert written["reference_date"] == "2025-06-15"


def test_knobs_are_deterministic_and_round_trip(tmp_path: Path) -> None:
    knobs = {"base_rate_shift": -1.0, "label_noise": 0.1, "recent_share": 0.4,
             "planned_end_dates": True, "renamed_skills": 0.2, "obligations": "loose"}
    a = generate(**SMALL, seed=6, **knobs)
    assert render_tables(a) == render_tables(generate(**SMALL, seed=6, **knobs))
    assert render_tables(a) != render_tables(generate(**SMALL, seed=6))
    folder = write_sample(a, tmp_path / "world")
    truth = load_truth(folder)
    assert truth is not None
    assert truth.coefficients.intercept == pytest.approx(3.0)
    pl = a.dataset.placements
    np.testing.assert_array_equal(
        truth.historic_probability(pl["candidate_id"], pl["vacancy_id"], pl["start_date"]),
        a.outcomes["probability"].to_numpy())


@pytest.mark.parametrize("n_placements", [500, pytest.param(20_000, marks=pytest.mark.slow)])
def test_placement_counts(n_placements: int) -> None:
    world = generate(600, 60, n_projects=20, n_placements=n_placements, seed=7)
    pl = world.dataset.placements
    assert len(pl) == n_placements == len(world.outcomes)
    ordered = pl.sort_values(["candidate_id", "start_date"])
    prev_end = ordered["end_date"].fillna(pd.Timestamp.max).groupby(
        ordered["candidate_id"]).shift(1)
    assert not (prev_end > ordered["start_date"]).any()


def test_knob_values_are_checked() -> None:
    for bad in ({"label_noise": 1.5}, {"recent_share": -0.1}, {"renamed_skills": 2.0},
                {"base_rate_shift": float("nan")}):
        with pytest.raises(ValueError):
            generate(**SMALL, seed=1, **bad)

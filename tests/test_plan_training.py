"""The training-plan use case on a small generated world: rules, explanations, CLI."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from features.blocking import candidate_pairs
from features.pairs import pair_features
from features.profiles import build_profiles
from matching.cli import main
from matching.core.errors import DataError
from matching.model.demand import forecast_demand
from matching.optimize.training import evaluate_plan
from matching.workflows.plan_training import (
    PROBE_PREFIX,
    PlanOptions,
    _probes,
    _trained_profiles,
    plan_training,
)


@pytest.fixture(scope="module")
def run(dataset, model, settings):
    return plan_training(dataset, model, settings, options=PlanOptions(
        budget_eur=15_000.0, horizon_months=12, budget_curve=(0.5, 1.0)))


def test_the_plan_is_optimal_within_budget_seats_and_dates(run, dataset) -> None:
    s = run.summary
    plan = run.plan
    assert s["solver"]["status"] == "OPTIMAL" and s["solver"]["gap"] == 0.0
    assert 0 < s["spent_eur"] <= 15_000.0
    assert s["enrolments"] == len(run.enrolments) == len(plan.enrolments) > 0
    # Seats per session and one course per person.
    assert not plan.enrolments["cand"].duplicated().any()
    # Each trained person's job starts on or after the last course day.
    for e in run.enrolments.itertuples(index=False):
        assert e.vacancy_id is not None
        assert e.vacancy_id in e.unlocks
        assert e.probability_after > e.probability_before
        assert e.expected_gain > 0
    jobs = dataset.vacancies.set_index("vacancy_id")["start_date"]
    for e in run.enrolments.itertuples(index=False):
        if e.vacancy_id in jobs.index and pd.notna(jobs[e.vacancy_id]):
            assert pd.Timestamp(e.end_date) <= jobs[e.vacancy_id]
    # Only available people are trained.
    available = set(dataset.available_candidates["candidate_id"])
    assert set(run.enrolments["candidate_id"]) <= available
    # The orders add up to what is spent.
    assert run.orders["total_eur"].sum() == pytest.approx(s["spent_eur"])
    assert (run.orders["participants"] <= run.orders["seats"]).all()


def test_the_optimum_gains_at_least_what_each_baseline_gains(run) -> None:
    s = run.summary
    for name, fig in s["baselines"].items():
        assert fig["spent_eur"] <= s["budget_eur"] + 1e-6, name
        assert s["expected_durable_gain"] >= fig["expected_durable_gain"] - 1e-6, name
    curve = run.budget_curve
    best = curve[curve["method"] == "optimal"].set_index("budget_eur")["gain"]
    assert best.is_monotonic_increasing  # more money never plans fewer placements
    for _, rows in curve.groupby("budget_eur"):
        opt = rows.loc[rows["method"] == "optimal", "gain"].item()
        assert (rows["gain"] <= opt + 1e-6).all()


def test_json_figures_are_the_plans_own_evaluation(run) -> None:
    ev = evaluate_plan(run.problem, run.plan.enrolments)
    assert run.summary["expected_durable"] == pytest.approx(ev.expected_durable, abs=1e-4)
    assert run.summary["expected_durable_gain"] == pytest.approx(
        ev.expected_durable - run.plan.baseline_durable, abs=1e-4)


def test_a_trained_profile_is_the_profile_with_the_course_added(dataset, settings) -> None:
    """Pair features after a course equal those of the same person with the certificate
    written into the candidates table (the planner edits encoded profiles, not tables)."""
    pool = dataset.available_candidates.reset_index(drop=True)
    course = dataset.courses[dataset.courses["certificates"].map(len) > 0].iloc[0]
    probe = _probes(pd.DataFrame([course]), pool.iloc[0])
    assert probe["candidate_id"].str.startswith(PROBE_PREFIX).all()
    tables = dataclasses.replace(dataset, candidates=pd.concat([pool, probe], ignore_index=True))
    profiles = build_profiles(tables, settings)
    people = np.arange(min(25, len(pool)))
    after = _trained_profiles(profiles, people, len(pool))
    edited = pool.iloc[people].copy()
    edited["certificates"] = [tuple(dict.fromkeys(c + tuple(course["certificates"])))
                              for c in edited["certificates"]]
    edited["skills"] = [tuple(dict.fromkeys(c + tuple(course["skills"]))) for c in edited["skills"]]
    edited["available_from"] = pd.NaT
    direct = build_profiles(dataclasses.replace(dataset, candidates=edited), settings)
    vac = np.arange(len(profiles.vacancies))
    ci = np.repeat(np.arange(len(people)), len(vac))
    vi = np.tile(vac, len(people))
    assert np.allclose(pair_features(after, ci, vi), pair_features(direct, ci, vi), equal_nan=True)
    kept_after = candidate_pairs(after, with_features=False).pairs[["cand_idx", "vac_idx"]]
    kept_direct = candidate_pairs(direct, with_features=False).pairs[["cand_idx", "vac_idx"]]
    pd.testing.assert_frame_equal(kept_after.reset_index(drop=True),
                                  kept_direct.reset_index(drop=True))


def test_no_courses_is_a_data_error(dataset, model, settings) -> None:
    empty = dataclasses.replace(dataset, courses=dataset.courses.iloc[:0])
    with pytest.raises(DataError, match="courses"):
        plan_training(empty, model, settings, options=PlanOptions(budget_eur=1000.0))
    with pytest.raises(DataError, match="budget"):
        plan_training(dataset, model, settings, options=PlanOptions(budget_eur=-5.0))


def test_tender_demand_follows_the_valuation_rules(dataset, settings) -> None:
    """One tender of EUR 4m at 5%: obligation 200k, split over two occupations, placements
    starting evenly over its first year, half of which lies in a six-month horizon."""
    history = build_profiles(dataset, settings)
    as_of = pd.Timestamp("2027-01-01")
    tender = pd.DataFrame([{
        "tender_id": "T1", "name": "Dijkversterking", "contracting_authority": "GM0014",
        "postcode": "9711", "municipality_code": "GM0014", "contract_type": "works",
        "expected_start": as_of, "duration_months": 36.0, "occupations": ("9312", "8342"),
        "sector": "infra", "contract_value_eur": 4e6, "sroi_percentage": 5.0,
        "probability": 0.8}])
    pool = dataset.available_candidates
    f = forecast_demand(
        tenders=tender, open_occupations=[], open_certificates=[], open_positions=np.zeros(0),
        history_profiles=history, history_titles=dataset.vacancies["title"].reset_index(drop=True),
        pool=pool, valuation=dataset.valuation, tender_occupations=[["9312", "8342"]],
        obligation_cap_eur=300_000.0, as_of=as_of, horizon_end=as_of + pd.DateOffset(months=6))
    tp = f.tender_placements.set_index("occupation")
    assert set(tp.index) == {"9312", "8342"}
    from features.valuation import placement_value
    for occ in ("9312", "8342"):
        from matching.model.demand import occupation_profiles, profile_for
        prof = profile_for(occ, occupation_profiles(history, dataset.vacancies["title"].reset_index(drop=True)))
        value = placement_value(dataset.valuation, pool["target_group"].to_numpy(),
                                pool["benefit_months"].to_numpy(), np.full(len(pool), prof.hours),
                                np.full(len(pool), prof.contract_months), settings=settings)
        total = 100_000.0 / value[value > 0].mean()
        assert tp.loc[occ, "expected_total"] == pytest.approx(total)
        assert tp.loc[occ, "in_horizon"] == pytest.approx(total * 181 / 365, rel=0.01)
        assert tp.loc[occ, "expected"] == pytest.approx(0.8 * tp.loc[occ, "in_horizon"])
    occ = f.by_occupation.set_index("occupation")
    assert (occ["low"] <= occ["expected"]).all() and (occ["expected"] <= occ["high"]).all()
    assert (occ["low"] >= occ["open_positions"]).all()
    assert len(f.vacancies) and set(f.vacancies["project_id"]) == {"T1"}


def test_cli_plan_training_json(tmp_path, sample_data, registry_dir) -> None:
    from matching.synthetic.render import write_sample

    data = write_sample(sample_data, tmp_path / "data")
    models = tmp_path / "models"
    shutil.copytree(registry_dir, models)
    out = tmp_path / "plan"
    code = main(["plan-training", "--data", str(data), "--models", str(models),
                 "--budget", "15000", "--horizon-months", "12", "--format", "json",
                 "--out", str(out), "--no-report"])
    assert code == 0
    assert (out / "summary.json").exists() and (out / "training_plan.xlsx").exists()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in ("budget_eur", "spent_eur", "enrolments", "expected_durable_gain"):
        assert key in summary
        for name in ("most_requested_nearest", "near_misses_first"):
            assert key in summary["baselines"][name] or key == "budget_eur"
    assert summary["budget_eur"] == 15000.0


def test_cli_plan_training_bad_input_exits_2(tmp_path, sample_data, registry_dir, capsys) -> None:
    from matching.synthetic.render import write_sample

    data = write_sample(sample_data, tmp_path / "data")
    (data / "courses.csv").unlink()
    models = tmp_path / "models"
    shutil.copytree(registry_dir, models)
    assert main(["plan-training", "--data", str(data), "--models", str(models),
                 "--budget", "1000", "--format", "json"]) == 2
    assert "courses" in capsys.readouterr().err
    assert main(["plan-training", "--data", str(data), "--budget", "-3",
                 "--format", "json"]) == 2

"""The training planner's MIP against brute force on small instances, and its rules."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from matching.core.errors import DataError
from matching.optimize.training import TrainingProblem, evaluate_plan, solve_training_plan


def random_problem(seed: int, n_c: int = 6, n_v: int = 4, n_courses: int = 2) -> TrainingProblem:
    rng = np.random.default_rng(seed)
    capacity = rng.integers(1, 3, n_v)
    vacancy_start = rng.integers(0, 60, n_v)
    pairs = [(c, v, round(float(rng.uniform(0.2, 0.9)), 3))
             for c in range(n_c) for v in range(n_v) if rng.random() < 0.3]
    sessions = []
    for k in range(n_courses):
        for start in sorted(rng.choice(40, size=2, replace=False)):
            sessions.append((k, int(start), int(start + rng.integers(5, 25)),
                             int(rng.integers(1, 3)), float(rng.choice([200, 450, 900]))))
    sess = pd.DataFrame(sessions, columns=["course", "start", "end", "seats", "cost_eur"])
    options = [(c, s) for c in range(n_c) for s in range(len(sess)) if rng.random() < 0.4]
    trained = []
    for c in range(n_c):
        for k in range(n_courses):
            for v in range(n_v):
                if rng.random() < 0.35:
                    trained.append((c, v, k, round(float(rng.uniform(0.3, 0.95)), 3)))
    return TrainingProblem(
        n_candidates=n_c, capacity=capacity, vacancy_start=vacancy_start,
        pairs=pd.DataFrame(pairs, columns=["cand", "vac", "weight"]),
        sessions=sess, options=pd.DataFrame(options, columns=["cand", "session"]),
        trained=pd.DataFrame(trained, columns=["cand", "vac", "course", "weight"]))


def matching_value(problem: TrainingProblem, plan: dict[int, int]) -> float:
    """Best assignment by the Hungarian method on vacancy slots (independent of min-cost flow)."""
    slots = [v for v in range(len(problem.capacity)) for _ in range(problem.capacity[v])]
    w = np.zeros((problem.n_candidates, len(slots)))
    for c, v, weight in problem.pairs.itertuples(index=False):
        for j, slot in enumerate(slots):
            if slot == v:
                w[c, j] = max(w[c, j], weight)
    for c, v, k, weight in problem.trained.itertuples(index=False):
        s = plan.get(c)
        if s is None:
            continue
        course, end = problem.sessions.loc[s, "course"], problem.sessions.loc[s, "end"]
        if course == k and end <= problem.vacancy_start[v]:
            for j, slot in enumerate(slots):
                if slot == v:
                    w[c, j] = max(w[c, j], weight)
    rows, cols = linear_sum_assignment(w, maximize=True)
    return float(w[rows, cols].sum())


def brute_force(problem: TrainingProblem, budget: float) -> tuple[float, float]:
    """(best expected durable placements, least cost reaching it) over every feasible plan."""
    by_cand: dict[int, list[int]] = {}
    for c, s in problem.options.itertuples(index=False):
        by_cand.setdefault(c, []).append(s)
    people = sorted(by_cand)
    best = (-1.0, 0.0)
    for choice in itertools.product(*[[None, *by_cand[c]] for c in people]):
        plan = {c: s for c, s in zip(people, choice, strict=True) if s is not None}
        cost = sum(problem.sessions.loc[s, "cost_eur"] for s in plan.values())
        if cost > budget + 1e-9:
            continue
        seats = pd.Series(list(plan.values()), dtype=int).value_counts()
        if any(seats.get(s, 0) > problem.sessions.loc[s, "seats"] for s in seats.index):
            continue
        value = matching_value(problem, plan)
        if value > best[0] + 1e-9 or (abs(value - best[0]) <= 1e-9 and cost < best[1]):
            best = (value, cost)
    return best


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("budget", [0.0, 500.0, 1400.0, 1e6])
def test_optimal_against_brute_force(seed: int, budget: float) -> None:
    problem = random_problem(seed)
    plan = solve_training_plan(problem, budget)
    best, cost = brute_force(problem, budget)
    assert plan.status == "OPTIMAL"
    assert plan.expected_durable == pytest.approx(best, abs=1e-6)
    assert plan.spent_eur <= budget + 1e-9
    # Among the optimal plans, the cheapest (the cost tie-break).
    assert plan.spent_eur == pytest.approx(cost, abs=1e-6)
    # The plan respects seats and one course per person, and its figure is its own evaluation.
    assert not plan.enrolments["cand"].duplicated().any()
    seats = plan.enrolments["session"].value_counts()
    assert all(seats[s] <= problem.sessions.loc[s, "seats"] for s in seats.index)
    assert matching_value(problem, dict(zip(plan.enrolments["cand"], plan.enrolments["session"], strict=True))
                          ) == pytest.approx(plan.expected_durable, abs=1e-6)


def test_no_budget_is_the_assignment_without_training() -> None:
    problem = random_problem(3)
    plan = solve_training_plan(problem, 0.0)
    assert plan.enrolments.empty and plan.spent_eur == 0.0
    assert plan.expected_durable == pytest.approx(matching_value(problem, {}), abs=1e-9)
    assert plan.gain == pytest.approx(0.0, abs=1e-9)


def test_a_course_that_ends_after_the_vacancy_starts_unlocks_nothing() -> None:
    sessions = pd.DataFrame({"course": [0, 0], "start": [0, 0], "end": [20, 40],
                             "seats": [5, 5], "cost_eur": [100.0, 50.0]})
    problem = TrainingProblem(
        n_candidates=1, capacity=np.array([1]), vacancy_start=np.array([30]),
        pairs=pd.DataFrame({"cand": [], "vac": [], "weight": []}).astype({"cand": int, "vac": int}),
        sessions=sessions, options=pd.DataFrame({"cand": [0, 0], "session": [0, 1]}),
        trained=pd.DataFrame({"cand": [0], "vac": [0], "course": [0], "weight": [0.8]}))
    plan = solve_training_plan(problem, 1000.0)
    # The cheaper session ends on day 40, after the job starts on day 30: only session 0 helps.
    assert plan.enrolments["session"].tolist() == [0]
    assert plan.expected_durable == pytest.approx(0.8)
    late_only = solve_training_plan(
        TrainingProblem(**{**problem.__dict__,
                           "options": pd.DataFrame({"cand": [0], "session": [1]})}), 1000.0)
    assert late_only.enrolments.empty and late_only.expected_durable == 0.0


def test_evaluate_plan_rejects_a_person_in_two_sessions() -> None:
    problem = random_problem(1)
    with pytest.raises(DataError, match="two sessions"):
        evaluate_plan(problem, pd.DataFrame({"cand": [0, 0], "session": [0, 1]}))


def test_bad_problem_is_a_data_error() -> None:
    problem = random_problem(2)
    bad = TrainingProblem(**{**problem.__dict__, "pairs": problem.pairs.assign(weight=1.5)})
    with pytest.raises(DataError, match="weight"):
        solve_training_plan(bad, 100.0)
    with pytest.raises(DataError, match="budget"):
        solve_training_plan(problem, -1.0)

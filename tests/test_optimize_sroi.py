"""Tests of the CP-SAT SROI mode (objective, caps, shares, errors, status handling, brute force)
and of the practice baselines (greedy and sequential never beat the optimum)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimize_helpers import (
    HYPOTHESIS,
    assert_invariants,
    chosen_set,
    feasible_choices,
    instances,
    make_pairs,
)
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

import matching.optimize as optimize
import matching.optimize.sroi as sroi_optimize
from matching.core.errors import DataError, SolverError
from matching.optimize import (
    CPSAT_STATUS_MESSAGES,
    AssignmentResult,
    solve_assignment,
    solve_sroi_assignment,
)
from matching.optimize.baselines import greedy_assignment, sequential_assignment

# --------------------------------------------------------------------------- baselines


@HYPOTHESIS
@given(instances(), st.permutations(list(range(4))))
def test_baselines_never_beat_optimum(instance: tuple[pd.DataFrame, dict[str, int]], order: list[int]) -> None:
    pairs, capacity = instance
    best = solve_assignment(pairs, capacity)
    greedy = greedy_assignment(pairs, capacity)
    sequential = sequential_assignment(pairs, capacity, vacancy_order=[f"v{j}" for j in order])
    for result in (greedy, sequential):
        assert_invariants(result, pairs, capacity)
        assert result.status == "HEURISTIC"
        assert result.objective <= best.objective + 1e-9
        assert (result.assignments["weight"] > 0).all()


def test_greedy_is_suboptimal_on_the_textbook_case() -> None:
    pairs = make_pairs([("a", "x", 0.9), ("a", "y", 0.8), ("b", "x", 0.7)])
    capacity = {"x": 1, "y": 1}
    assert solve_assignment(pairs, capacity).objective == pytest.approx(1.5)
    assert greedy_assignment(pairs, capacity).objective == pytest.approx(0.9)
    assert sequential_assignment(pairs, capacity).objective == pytest.approx(0.9)
    assert sequential_assignment(pairs, capacity, vacancy_order=["y"]).objective == pytest.approx(1.5)


# --------------------------------------------------------------------------- CP-SAT status


def test_cpsat_status_table_covers_every_ortools_status() -> None:
    names = set(cp_model_pb2.CpSolverStatus.keys())
    assert names == set(CPSAT_STATUS_MESSAGES)
    for name in names:
        error = optimize.cpsat_status_error(name)
        assert (error is None) == (name in {"OPTIMAL", "FEASIBLE"})


@pytest.mark.parametrize("status", ["INFEASIBLE", "MODEL_INVALID", "UNKNOWN"])
def test_every_unusable_cpsat_status_raises_solver_error(monkeypatch: pytest.MonkeyPatch, status: str) -> None:
    class FakeSolver(cp_model.CpSolver):
        def solve(self, model: Any, solution_callback: Any = None) -> Any:
            return getattr(cp_model, status)

    monkeypatch.setattr(sroi_optimize.cp_model, "CpSolver", FakeSolver)
    pairs = make_pairs([("a", "x", 0.9)], sroi_value=[1000.0])
    with pytest.raises(SolverError, match=status):
        solve_sroi_assignment(pairs, {"x": 1}, project_of={"x": "p"}, outstanding={"p": 1000})


# --------------------------------------------------------------------------- SROI mode


def sroi_brute_force(
    pairs: pd.DataFrame, capacity: Mapping[str, int], project_of: Mapping[str, str], outstanding: Mapping[str, float],
    sroi_weight: float, employer_of: Mapping[str, str] | None = None, max_per_employer: int | None = None,
    group_of: Mapping[str, str] | None = None, min_share: Mapping[str, float] | None = None,
) -> float:
    info = {(c, v): (w, val) for c, v, w, val in pairs[["candidate_id", "vacancy_id", "weight", "sroi_value"]].itertuples(index=False)}
    best = -np.inf
    for choice in feasible_choices(pairs, capacity):
        if max_per_employer is not None and employer_of is not None:
            per: dict[str, int] = {}
            for _, v in choice:
                per[employer_of[v]] = per.get(employer_of[v], 0) + 1
            if any(n > max_per_employer for n in per.values()):
                continue
        if min_share and group_of is not None:
            total = len(choice)
            if any(sum(group_of.get(c) == g for c, _ in choice) < s * total - 1e-12 for g, s in min_share.items()):
                continue
        covered: dict[str, float] = {}
        for c, v in choice:
            if v in project_of:
                covered[project_of[v]] = covered.get(project_of[v], 0.0) + info[c, v][1]
        bonus = sum(min(covered.get(p, 0.0) / out, 1.0) for p, out in outstanding.items() if out > 0)
        best = max(best, sum(info[p][0] for p in choice) + sroi_weight * bonus)
    return best


def sroi_objective(result: AssignmentResult, pairs: pd.DataFrame, project_of: Mapping[str, str],
                   outstanding: Mapping[str, float], sroi_weight: float) -> float:
    merged = result.assignments.merge(pairs, on=["candidate_id", "vacancy_id"], suffixes=("", "_in"))
    merged["project"] = merged["vacancy_id"].map(project_of)
    covered = merged.groupby("project")["sroi_value"].sum()
    bonus = sum(min(covered.get(p, 0.0) / out, 1.0) for p, out in outstanding.items() if out > 0)
    return float(merged["weight"].sum()) + sroi_weight * bonus


def test_sroi_bonus_changes_the_choice_to_cover_an_uncovered_project() -> None:
    # Pure probability: ann→v1 (0.80) and bob→v3 (0.60) = 1.40 beats ann→v2 + bob→v1 = 1.35,
    # so project P2 (v2) stays uncovered; the bonus 0.5 for covering P2 turns that around.
    pairs = make_pairs(
        [("ann", "v1", 0.80), ("ann", "v2", 0.70), ("bob", "v1", 0.65), ("bob", "v3", 0.60)],
        sroi_value=[0.0, 15_000.0, 0.0, 0.0],
    )
    capacity = {"v1": 1, "v2": 1, "v3": 1}
    project_of = {"v1": "P1", "v2": "P2", "v3": "P1"}
    outstanding = {"P1": 0.0, "P2": 15_000.0}
    plain = solve_assignment(pairs, capacity)
    assert chosen_set(plain) == {("ann", "v1"), ("bob", "v3")}
    sroi = solve_sroi_assignment(pairs, capacity, project_of=project_of, outstanding=outstanding, sroi_weight=0.5)
    assert chosen_set(sroi) == {("ann", "v2"), ("bob", "v1")}
    assert sroi.objective == pytest.approx(0.70 + 0.65 + 0.5)
    assert sroi.status == "OPTIMAL" and sroi.gap == 0.0 and sroi.bound >= sroi.objective
    cov = sroi.coverage.set_index("project_id")
    assert cov.loc["P2", "covered_share"] == 1.0 and np.isnan(cov.loc["P1", "covered_share"])


def test_no_reward_beyond_the_obligation() -> None:
    # ann already covers P fully; bob at v1 would add EUR 10k more to P, but that earns nothing,
    # so bob goes to v2 (no project) where his weight is higher.
    pairs = make_pairs(
        [("ann", "v1", 0.50), ("bob", "v1", 0.30), ("bob", "v2", 0.35)],
        sroi_value=[10_000.0, 10_000.0, 0.0],
    )
    result = solve_sroi_assignment(pairs, {"v1": 2, "v2": 1}, project_of={"v1": "P"},
                                   outstanding={"P": 10_000.0}, sroi_weight=0.5)
    assert chosen_set(result) == {("ann", "v1"), ("bob", "v2")}
    assert result.objective == pytest.approx(0.50 + 0.35 + 0.5)
    assert result.coverage.set_index("project_id").loc["P", "covered_eur"] == 10_000.0


def test_max_per_employer_and_min_share_are_respected() -> None:
    rows = [(f"c{i}", f"v{j}", 0.9 - 0.05 * i) for i in range(6) for j in range(3)]
    pairs = make_pairs(rows, sroi_value=[5000.0] * len(rows))
    employer_of = {"v0": "E1", "v1": "E1", "v2": "E2"}
    group_of = {f"c{i}": ("wajong" if i >= 4 else "ww") for i in range(6)}
    result = solve_sroi_assignment(
        pairs, {"v0": 2, "v1": 2, "v2": 2}, project_of={"v0": "P"}, outstanding={"P": 5000.0},
        max_per_employer=2, employer_of=employer_of, min_share={"wajong": 0.5}, group_of=group_of,
    )
    a = result.assignments
    assert a["vacancy_id"].map(employer_of).value_counts().max() <= 2
    assert (a["candidate_id"].map(group_of) == "wajong").sum() >= 0.5 * len(a)
    assert len(a) == 4  # 2 wajong + 2 others is the best that meets 50 %


def test_sroi_run_is_deterministic() -> None:
    rng = np.random.default_rng(5)
    rows = [(f"c{i:02d}", f"v{j}", float(rng.integers(30, 90)) / 100) for i in range(30) for j in range(6) if rng.random() < 0.6]
    pairs = make_pairs(rows, sroi_value=list(rng.integers(0, 4, len(rows)) * 5000.0))
    kwargs = {"project_of": {f"v{j}": f"P{j % 3}" for j in range(6)}, "outstanding": {"P0": 10_000, "P1": 20_000, "P2": 5_000},
              "sroi_weight": 0.5, "num_workers": 2, "deterministic": True, "seed": 3}
    capacity = {f"v{j}": 2 for j in range(6)}
    first = solve_sroi_assignment(pairs, capacity, **kwargs)
    second = solve_sroi_assignment(pairs.sample(frac=1.0, random_state=1), capacity, **kwargs)
    assert first.assignments.equals(second.assignments)
    assert first.objective == second.objective


def test_sroi_locks_beyond_employer_cap_are_a_data_error() -> None:
    pairs = make_pairs([("a", "x", 0.5), ("b", "y", 0.5)], sroi_value=[0.0, 0.0])
    locked = pd.DataFrame({"candidate_id": ["a", "b"], "vacancy_id": ["x", "y"]})
    with pytest.raises(DataError, match="max_per_employer=1 at employer 'E'"):
        solve_sroi_assignment(pairs, {"x": 1, "y": 1}, project_of={}, outstanding={}, locked=locked,
                              max_per_employer=1, employer_of={"x": "E", "y": "E"})


def test_sroi_missing_mappings_are_data_errors() -> None:
    pairs = make_pairs([("a", "x", 0.5)], sroi_value=[0.0])
    with pytest.raises(DataError, match="employer_of"):
        solve_sroi_assignment(pairs, {"x": 1}, project_of={}, outstanding={}, max_per_employer=1)
    with pytest.raises(DataError, match="group_of"):
        solve_sroi_assignment(pairs, {"x": 1}, project_of={}, outstanding={}, min_share={"ww": 0.5})
    with pytest.raises(DataError, match="sroi_value"):
        solve_sroi_assignment(pairs.drop(columns="sroi_value"), {"x": 1}, project_of={}, outstanding={})


def test_infeasible_locks_and_shares_raise_solver_error() -> None:
    pairs = make_pairs([("a", "x", 0.5), ("b", "x", 0.4)], sroi_value=[0.0, 0.0])
    locked = pd.DataFrame({"candidate_id": ["a"], "vacancy_id": ["x"]})
    with pytest.raises(SolverError, match="INFEASIBLE"):
        solve_sroi_assignment(pairs, {"x": 2}, project_of={}, outstanding={}, locked=locked,
                              min_share={"wajong": 1.0}, group_of={"a": "ww", "b": "wajong"})


@st.composite
def sroi_instances(draw: st.DrawFn) -> dict[str, Any]:
    pairs, capacity = draw(instances(max_candidates=5, max_vacancies=3))
    n = len(pairs)
    pairs["sroi_value"] = [v * 2500.0 for v in draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))]
    vacs = sorted(capacity)
    project_of = {v: draw(st.sampled_from(["P0", "P1"])) for v in vacs if draw(st.booleans()) or v == "v0"}
    outstanding = {p: draw(st.sampled_from([0.0, 2500.0, 5000.0, 7500.0])) for p in ("P0", "P1")}
    cands = sorted(pairs["candidate_id"].unique()) if n else []
    extra: dict[str, Any] = {}
    if draw(st.booleans()):
        extra["employer_of"] = {v: draw(st.sampled_from(["E0", "E1"])) for v in vacs}
        extra["max_per_employer"] = draw(st.integers(0, 2))
    if draw(st.booleans()):
        extra["group_of"] = {c: draw(st.sampled_from(["ww", "wajong"])) for c in cands}
        extra["min_share"] = {"wajong": draw(st.sampled_from([0.0, 0.25, 1 / 3, 0.5, 1.0]))}
    return {"pairs": pairs, "capacity": capacity, "project_of": project_of, "outstanding": outstanding,
            "sroi_weight": draw(st.sampled_from([0.0, 0.3, 0.5, 2.0])), **extra}


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(sroi_instances())
def test_sroi_optimum_equals_brute_force(inst: dict[str, Any]) -> None:
    pairs, capacity = inst["pairs"], inst["capacity"]
    kwargs = {k: v for k, v in inst.items() if k not in {"pairs", "capacity"}}
    result = solve_sroi_assignment(pairs, capacity, num_workers=1, time_limit_s=10, **kwargs)
    assert result.status == "OPTIMAL"
    assert not result.assignments["candidate_id"].duplicated().any()
    assert (result.assignments["weight"] > 0).all()
    expected = sroi_brute_force(pairs, capacity, kwargs["project_of"], kwargs["outstanding"], kwargs["sroi_weight"],
                                kwargs.get("employer_of"), kwargs.get("max_per_employer"),
                                kwargs.get("group_of"), kwargs.get("min_share"))
    tolerance = (len(pairs) + 2) * 1e-6 * max(1.0, kwargs["sroi_weight"])
    assert result.objective == pytest.approx(expected, abs=tolerance)
    assert result.objective == pytest.approx(
        sroi_objective(result, pairs, kwargs["project_of"], kwargs["outstanding"], kwargs["sroi_weight"]), abs=1e-9)
    if "max_per_employer" in kwargs:
        per = result.assignments["vacancy_id"].map(kwargs["employer_of"]).value_counts()
        assert (per.max() if len(per) else 0) <= kwargs["max_per_employer"]


@pytest.mark.slow
def test_sroi_regional_instance_reaches_small_gap() -> None:
    from benchmarks.bench_optimize import synthetic_sroi_instance

    inst = synthetic_sroi_instance(600, 80, 30, seed=2)
    plain = solve_assignment(inst["pairs"], inst["capacity"])
    result = solve_sroi_assignment(inst["pairs"], inst["capacity"], project_of=inst["project_of"],
                                   outstanding=inst["outstanding"], sroi_weight=0.5, time_limit_s=8)
    assert result.gap <= 0.01
    placements_only = float(result.assignments["weight"].sum())
    assert placements_only <= plain.objective + 1e-6  # the bonus is paid for with placements
    assert result.objective >= plain.objective


# --------------------------------------------------------------------------- parameters and model


def small_sroi_case() -> dict[str, Any]:
    """Three candidates, three vacancies of two employers, one project, one target group."""
    pairs = make_pairs(
        [("a", "x", 0.9), ("a", "y", 0.4), ("b", "x", 0.5), ("b", "z", 0.6), ("c", "y", 0.7), ("c", "z", 0.3)],
        sroi_value=[0.0, 8000.0, 0.0, 6000.0, 8000.0, 2000.0],
    )
    return {"pairs": pairs, "capacity": {"x": 1, "y": 1, "z": 2},
            "project_of": {"y": "P", "z": "P"}, "outstanding": {"P": 10_000.0},
            "employer_of": {"x": "E1", "y": "E1", "z": "E2"}, "group_of": {"a": "ww", "b": "wajong", "c": "ww"}}


def test_solve_sroi_with_dataclasses_equals_the_keyword_form() -> None:
    case = small_sroi_case()
    obligations = sroi_optimize.SroiObligations(project_of=case["project_of"], outstanding=case["outstanding"],
                                                employer_of=case["employer_of"], group_of=case["group_of"])
    params = sroi_optimize.SroiParams(sroi_weight=0.4, max_per_employer=1, min_share={"wajong": 0.3}, num_workers=1)
    grouped = optimize.solve_sroi(case["pairs"], case["capacity"], obligations, params)
    keywords = solve_sroi_assignment(
        case["pairs"], case["capacity"], project_of=case["project_of"], outstanding=case["outstanding"],
        employer_of=case["employer_of"], group_of=case["group_of"], sroi_weight=0.4, max_per_employer=1,
        min_share={"wajong": 0.3}, num_workers=1,
    )
    assert grouped.assignments.equals(keywords.assignments)
    assert grouped.objective == keywords.objective and grouped.status == keywords.status == "OPTIMAL"
    assert chosen_set(grouped) == {("a", "x"), ("b", "z")}  # employer cap 1: E1 once, E2 once


def test_keyword_form_passes_every_argument_into_the_dataclasses(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake(pairs: Any, capacity: Any, obligations: Any, params: Any, *, locked: Any, forbidden: Any) -> str:
        seen.update(obligations=obligations, params=params, locked=locked, forbidden=forbidden)
        return "result"

    monkeypatch.setattr(sroi_optimize, "solve_sroi", fake)
    locked, forbidden = pd.DataFrame({"l": [1]}), pd.DataFrame({"f": [1]})
    result = solve_sroi_assignment(
        make_pairs([]), {}, project_of={"x": "P"}, outstanding={"P": 1.0}, sroi_weight=0.7, value_column="eur",
        max_per_employer=3, employer_of={"x": "E"}, min_share={"g": 0.2}, group_of={"a": "g"}, locked=locked,
        forbidden=forbidden, time_limit_s=7.0, num_workers=5, seed=11, deterministic=True, gap_limit=0.01,
        cpsat_params={"log_search_progress": False}, weight_scale=1000,
    )
    assert result == "result"
    assert seen["locked"] is locked and seen["forbidden"] is forbidden
    ob = seen["obligations"]
    assert (ob.project_of, ob.outstanding, ob.employer_of, ob.group_of) == ({"x": "P"}, {"P": 1.0}, {"x": "E"}, {"a": "g"})
    assert seen["params"] == sroi_optimize.SroiParams(
        sroi_weight=0.7, value_column="eur", max_per_employer=3, min_share={"g": 0.2}, time_limit_s=7.0,
        num_workers=5, seed=11, deterministic=True, gap_limit=0.01, cpsat_params={"log_search_progress": False},
        weight_scale=1000,
    )


def test_sroi_params_are_frozen_with_the_documented_defaults() -> None:
    params = sroi_optimize.SroiParams()
    with pytest.raises(AttributeError):
        params.seed = 1  # type: ignore[misc]
    assert (params.sroi_weight, params.weight_scale) == (0.5, 1_000_000)
    assert (params.value_column, params.max_per_employer, params.min_share) == ("sroi_value", None, None)
    assert (params.time_limit_s, params.num_workers, params.seed, params.deterministic, params.gap_limit) == (
        60.0, 2, 0, False, 0.0)
    assert params.employer_cap is None and sroi_optimize.SroiParams(max_per_employer=2.0).employer_cap == 2

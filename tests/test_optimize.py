"""Tests of the assignment solvers: optimality, invariants, determinism, errors, SROI mode."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model
from scipy.optimize import linear_sum_assignment

import matching.optimize as optimize
import matching.optimize.flow as flow
import matching.optimize.sroi as sroi_optimize
from matching.core.errors import DataError, SolverError
from matching.optimize import (
    CPSAT_STATUS_MESSAGES,
    MCF_STATUS_MESSAGES,
    AssignmentResult,
    solve_assignment,
    solve_sroi_assignment,
)
from matching.optimize.baselines import greedy_assignment, sequential_assignment

ORLIB_DIR = Path(__file__).resolve().parent / "data" / "orlib"
ORLIB_SHA256 = {  # of the uncompressed files, as in OR-Library's distribution (tests/data/README.md)
    100: "90c9c7cd7c8845ff2cb86a2372b0819d0d3e8071114cb1ca00f4979cc0412449",
    500: "21c8d76c64fe7ae7d5e125a1909ca2cbabb34b7ed25c44fc1d644988e6115f33",
}
REGRESSION_DIR = Path(__file__).resolve().parent / "regressions"
SCALE = 1_000_000
HYPOTHESIS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- helpers


def make_pairs(rows: list[tuple[str, str, float]], **extra: list[Any]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["candidate_id", "vacancy_id", "weight"])
    frame["weight"] = frame["weight"].astype(float)
    for name, values in extra.items():
        frame[name] = values
    return frame


def chosen_set(result: AssignmentResult) -> set[tuple[str, str]]:
    return set(result.assignments[["candidate_id", "vacancy_id"]].itertuples(index=False, name=None))


def feasible_choices(
    pairs: pd.DataFrame, capacity: Mapping[str, int], locked: set[tuple[str, str]] = frozenset(),
) -> list[tuple[tuple[str, str], ...]]:
    """Every feasible assignment (each candidate: nothing or one of its positive pairs)."""
    options: dict[str, list[str | None]] = {}
    for c, v, w in pairs[["candidate_id", "vacancy_id", "weight"]].itertuples(index=False):
        options.setdefault(c, [None])
        if w > 0 or (c, v) in locked:
            options[c].append(v)
    options.update({c: [v] for c, v in locked})  # a locked candidate has no other choice
    cands = sorted(options)
    out = []
    for combo in itertools.product(*(options[c] for c in cands)):
        chosen = tuple((c, v) for c, v in zip(cands, combo, strict=True) if v is not None)
        counts: dict[str, int] = {}
        for _, v in chosen:
            counts[v] = counts.get(v, 0) + 1
        if all(n <= capacity.get(v, 0) for v, n in counts.items()):
            out.append(chosen)
    return out


def brute_force(pairs: pd.DataFrame, capacity: Mapping[str, int], locked: set[tuple[str, str]] = frozenset()) -> float:
    weight = {(c, v): w for c, v, w in pairs[["candidate_id", "vacancy_id", "weight"]].itertuples(index=False)}
    return max(sum(weight[p] for p in choice) for choice in feasible_choices(pairs, capacity, locked))


def assert_invariants(result: AssignmentResult, pairs: pd.DataFrame, capacity: Mapping[str, int]) -> None:
    a = result.assignments
    assert list(a.columns) == ["candidate_id", "vacancy_id", "weight"]
    assert not a["candidate_id"].duplicated().any(), "a candidate is assigned twice"
    counts = a["vacancy_id"].value_counts()
    assert all(n <= capacity.get(v, 0) for v, n in counts.items()), "capacity exceeded"
    merged = a.merge(pairs, on=["candidate_id", "vacancy_id"], suffixes=("", "_in"))
    assert len(merged) == len(a), "an assigned pair is not an input pair"
    assert np.allclose(merged["weight"], merged["weight_in"])
    assert a.equals(a.sort_values(["vacancy_id", "candidate_id"]).reset_index(drop=True))
    assert result.objective == pytest.approx(float(a["weight"].sum()), abs=1e-9)
    assert result.n_assigned == len(a)


@st.composite
def instances(draw: st.DrawFn, max_candidates: int = 6, max_vacancies: int = 4) -> tuple[pd.DataFrame, dict[str, int]]:
    """Random valid tiny instances: weights on a 0.01 grid (exact at the 1e-6 scale), some ≤ 0."""
    n_c = draw(st.integers(1, max_candidates))
    n_v = draw(st.integers(1, max_vacancies))
    cands = [f"c{i}" for i in range(n_c)]
    vacs = [f"v{j}" for j in range(n_v)]
    all_pairs = [(c, v) for c in cands for v in vacs]
    keep = draw(st.lists(st.booleans(), min_size=len(all_pairs), max_size=len(all_pairs)))
    weights = draw(st.lists(st.integers(-20, 100), min_size=len(all_pairs), max_size=len(all_pairs)))
    rows = [(c, v, w / 100) for (c, v), k, w in zip(all_pairs, keep, weights, strict=True) if k]
    capacity = {v: draw(st.integers(1, 2)) for v in vacs}
    return make_pairs(rows), capacity


# --------------------------------------------------------------------------- optimality


@HYPOTHESIS
@given(instances())
def test_optimum_equals_brute_force(instance: tuple[pd.DataFrame, dict[str, int]]) -> None:
    pairs, capacity = instance
    result = solve_assignment(pairs, capacity)
    assert_invariants(result, pairs, capacity)
    assert result.status == "OPTIMAL" and result.gap == 0.0
    assert result.objective == pytest.approx(brute_force(pairs, capacity), abs=1e-9)
    assert (result.assignments["weight"] > 0).all()


@HYPOTHESIS
@given(instances(), st.randoms(use_true_random=False))
def test_locks_and_forbidden_respected_and_optimal(instance: tuple[pd.DataFrame, dict[str, int]], rnd: Any) -> None:
    pairs, capacity = instance
    rows = list(pairs[["candidate_id", "vacancy_id"]].itertuples(index=False, name=None))
    rnd.shuffle(rows)
    locked, used, load = [], set(), {}
    for c, v in rows[:2]:
        if c not in used and load.get(v, 0) < capacity[v]:
            locked.append((c, v))
            used.add(c)
            load[v] = load.get(v, 0) + 1
    forbidden = [p for p in rows[2:4] if p not in locked]
    locked_df = pd.DataFrame(locked, columns=["candidate_id", "vacancy_id"])
    forbidden_df = pd.DataFrame(forbidden, columns=["candidate_id", "vacancy_id"])
    result = solve_assignment(pairs, capacity, locked=locked_df, forbidden=forbidden_df)
    chosen = chosen_set(result)
    assert set(locked) <= chosen
    assert not set(forbidden) & chosen
    allowed = pairs[~pairs.set_index(["candidate_id", "vacancy_id"]).index.isin(forbidden)]
    assert result.objective == pytest.approx(brute_force(allowed, capacity, set(locked)), abs=1e-9)
    for baseline in (greedy_assignment, sequential_assignment):
        base = baseline(pairs, capacity, locked=locked_df, forbidden=forbidden_df)
        assert set(locked) <= chosen_set(base) and not set(forbidden) & chosen_set(base)
        assert base.objective <= result.objective + 1e-9


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


def dense_slots_optimum(pairs: pd.DataFrame, capacity: dict[str, int]) -> float:
    """Oracle: scipy Hungarian algorithm on candidates × vacancy slots, 0 for missing pairs."""
    cands = sorted(pairs["candidate_id"].unique())
    slots = [v for v in sorted(capacity) for _ in range(capacity[v])]
    matrix = np.zeros((len(cands), len(slots)))
    ci = {c: i for i, c in enumerate(cands)}
    for c, v, w in pairs.itertuples(index=False):
        for j, s in enumerate(slots):
            if s == v:
                matrix[ci[c], j] = max(w, 0.0)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    picked = matrix[rows, cols]
    return float(picked[picked > 0].sum())


@pytest.mark.parametrize("seed", range(6))
def test_matches_scipy_linear_sum_assignment(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_c, n_v = int(rng.integers(40, 90)), int(rng.integers(5, 20))
    rows = []
    for c in range(n_c):
        if rng.random() < 0.15:  # some candidates have no pair at all
            continue
        for v in rng.choice(n_v, size=int(rng.integers(1, 6)), replace=False):
            rows.append((f"c{c:03d}", f"v{v:02d}", float(rng.uniform(-0.3, 1.0))))
    pairs = make_pairs(rows)
    capacity = {f"v{v:02d}": int(rng.integers(1, 4)) for v in range(n_v)}
    result = solve_assignment(pairs, capacity)
    assert_invariants(result, pairs, capacity)
    assert (result.assignments["weight"] > 0).all()
    tolerance = result.n_assigned * 0.5 / SCALE
    assert result.objective == pytest.approx(dense_slots_optimum(pairs, capacity), abs=tolerance)


def read_orlib(n: int) -> np.ndarray:
    """The cost matrix of the vendored OR-Library instance ``assign{n}`` (plain or gzipped)."""
    plain = ORLIB_DIR / f"assign{n}.txt"
    data = plain.read_bytes() if plain.exists() else gzip.decompress(plain.with_suffix(".txt.gz").read_bytes())
    assert hashlib.sha256(data).hexdigest() == ORLIB_SHA256[n], f"assign{n} is not the OR-Library file"
    numbers = np.array(data.split(), dtype=np.int64)
    assert numbers[0] == n and len(numbers) == 1 + n * n
    return numbers[1:].reshape(n, n)


@pytest.mark.parametrize(("n", "optimum"), [(100, 305), pytest.param(500, 991, marks=pytest.mark.slow)])
def test_orlib_assignment_optimum(n: int, optimum: int) -> None:
    cost = read_orlib(n)
    pairs = make_pairs([(f"r{i:03d}", f"c{j:03d}", float(101 - cost[i, j])) for i in range(n) for j in range(n)])
    result = solve_assignment(pairs, {f"c{j:03d}": 1 for j in range(n)})
    assert result.n_assigned == n
    assert round(float((101 - result.assignments["weight"]).sum())) == optimum


# --------------------------------------------------------------------------- behaviour


def test_vacancy_missing_from_capacity_gets_nobody() -> None:
    pairs = make_pairs([("a", "x", 0.9), ("b", "y", 0.8)])
    result = solve_assignment(pairs, {"y": 1})
    assert chosen_set(result) == {("b", "y")}


def test_nonpositive_and_subresolution_weights_never_chosen() -> None:
    pairs = make_pairs([("a", "x", 0.0), ("b", "x", -0.5), ("c", "y", 1e-9), ("d", "y", 0.2)])
    result = solve_assignment(pairs, pd.Series({"x": 5, "y": 5}))
    assert chosen_set(result) == {("d", "y")}


def test_empty_input_gives_empty_result() -> None:
    result = solve_assignment(make_pairs([]), {})
    assert result.n_assigned == 0 and result.objective == 0.0
    assert list(result.assignments.columns) == ["candidate_id", "vacancy_id", "weight"]


def test_locked_pair_absent_from_pairs_counts_with_weight_zero() -> None:
    pairs = make_pairs([("a", "x", 0.9), ("b", "x", 0.5)])
    locked = pd.DataFrame({"candidate_id": ["b"], "vacancy_id": ["y"]})
    result = solve_assignment(pairs, {"x": 1, "y": 1}, locked=locked)
    assert chosen_set(result) == {("a", "x"), ("b", "y")}
    assert result.objective == pytest.approx(0.9)


def test_locked_pair_with_nonpositive_weight_is_still_placed() -> None:
    pairs = make_pairs([("a", "x", -0.1), ("b", "x", 0.5)])
    locked = pd.DataFrame({"candidate_id": ["a"], "vacancy_id": ["x"]})
    assert chosen_set(solve_assignment(pairs, {"x": 1}, locked=locked)) == {("a", "x")}


@HYPOTHESIS
@given(instances(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(instance: tuple[pd.DataFrame, dict[str, int]], rnd: Any) -> None:
    pairs, capacity = instance
    order = list(range(len(pairs)))
    rnd.shuffle(order)
    first = solve_assignment(pairs, capacity)
    again = solve_assignment(pairs, capacity)
    shuffled = solve_assignment(pairs.iloc[order], capacity)
    assert first.assignments.equals(again.assignments)
    assert first.assignments.equals(shuffled.assignments)
    assert first.objective == shuffled.objective
    for baseline in (greedy_assignment, sequential_assignment):
        assert baseline(pairs, capacity).assignments.equals(baseline(pairs.iloc[order], capacity).assignments)


def test_ties_are_broken_identically_in_any_row_order() -> None:
    rows = [(f"c{i}", f"v{j}", 0.5) for i in range(8) for j in range(4)]
    pairs = make_pairs(rows)
    capacity = {f"v{j}": 1 for j in range(4)}
    reference = solve_assignment(pairs, capacity).assignments
    for seed in range(5):
        shuffled = pairs.sample(frac=1.0, random_state=seed)
        assert solve_assignment(shuffled, capacity).assignments.equals(reference)
        assert greedy_assignment(shuffled, capacity).assignments.equals(greedy_assignment(pairs, capacity).assignments)


def test_large_random_instance_agrees_with_scipy_and_greedy() -> None:
    """50k pairs: the optimum equals SciPy's (slots matching) and beats greedy. Its time budget is
    a benchmark row (``benchmarks/bench_budgets.py``), not a wall-clock assertion."""
    from benchmarks.bench_budgets import solve_instance
    from benchmarks.bench_optimize import scipy_optimum

    pairs, capacity = solve_instance()
    result = solve_assignment(pairs, capacity)
    assert result.status == "OPTIMAL" and result.gap == 0.0
    assert_invariants(result, pairs, capacity.to_dict())
    assert result.objective == pytest.approx(scipy_optimum(pairs, capacity), abs=result.n_assigned * 0.5 / SCALE)
    assert greedy_assignment(pairs, capacity).objective <= result.objective
    assert result.wall_time_s >= 0.0


# --------------------------------------------------------------------------- errors


def test_duplicate_pair_is_a_data_error() -> None:
    pairs = make_pairs([("a", "x", 0.9), ("a", "x", 0.5)])
    with pytest.raises(DataError, match=r"duplicate.*'a', 'x'"):
        solve_assignment(pairs, {"x": 1})


def test_candidate_locked_twice_is_a_data_error() -> None:
    pairs = make_pairs([("a", "x", 0.9), ("a", "y", 0.5)])
    locked = pd.DataFrame({"candidate_id": ["a", "a"], "vacancy_id": ["x", "y"]})
    with pytest.raises(DataError, match="locked more than once: 'a'"):
        solve_assignment(pairs, {"x": 1, "y": 1}, locked=locked)


def test_more_locks_than_capacity_is_a_data_error() -> None:
    pairs = make_pairs([("a", "x", 0.9), ("b", "x", 0.5)])
    locked = pd.DataFrame({"candidate_id": ["a", "b"], "vacancy_id": ["x", "x"]})
    with pytest.raises(DataError, match=r"'x' \(2 locked, capacity 1\)"):
        solve_assignment(pairs, {"x": 1}, locked=locked)


def test_locked_and_forbidden_is_a_data_error() -> None:
    pairs = make_pairs([("a", "x", 0.9)])
    both = pd.DataFrame({"candidate_id": ["a"], "vacancy_id": ["x"]})
    with pytest.raises(DataError, match="also forbidden"):
        solve_assignment(pairs, {"x": 1}, locked=both, forbidden=both)


@pytest.mark.parametrize(
    ("pairs", "capacity", "message"),
    [
        (pd.DataFrame({"candidate_id": ["a"], "vacancy_id": ["x"]}), {"x": 1}, "lack column"),
        (make_pairs([("a", "x", float("nan"))]), {"x": 1}, "finite"),
        (make_pairs([("a", "x", 0.5)]), {"x": -1}, "whole number"),
        (make_pairs([("a", "x", 0.5)]), {"x": 1.5}, "whole number"),
        (make_pairs([("a", None, 0.5)]), {"x": 1}, "missing ids"),
        (make_pairs([("a", "x", 1e15)]), {"x": 1}, "overflow"),
    ],
)
def test_invalid_input_is_a_data_error(pairs: pd.DataFrame, capacity: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        solve_assignment(pairs, capacity)


def test_mcf_status_table_covers_every_ortools_status() -> None:
    names = set(min_cost_flow.SimpleMinCostFlow.Status.__members__)
    assert names == set(MCF_STATUS_MESSAGES)
    for name in names:
        error = optimize.mcf_status_error(name)
        assert (error is None) == (name == "OPTIMAL")
        assert error is None or name in str(error)
    assert isinstance(optimize.mcf_status_error("SOMETHING_NEW"), SolverError)


def test_cpsat_status_table_covers_every_ortools_status() -> None:
    names = set(cp_model_pb2.CpSolverStatus.keys())
    assert names == set(CPSAT_STATUS_MESSAGES)
    for name in names:
        error = optimize.cpsat_status_error(name)
        assert (error is None) == (name in {"OPTIMAL", "FEASIBLE"})


@pytest.mark.parametrize(
    "status", [s for s in min_cost_flow.SimpleMinCostFlow.Status.__members__ if s != "OPTIMAL"]
)
def test_every_non_optimal_flow_status_raises_solver_error(monkeypatch: pytest.MonkeyPatch, status: str) -> None:
    class FakeFlow(min_cost_flow.SimpleMinCostFlow):
        def solve(self) -> Any:
            return min_cost_flow.SimpleMinCostFlow.Status.__members__[status]

    monkeypatch.setattr(flow.min_cost_flow, "SimpleMinCostFlow", FakeFlow)
    with pytest.raises(SolverError, match=status):
        solve_assignment(make_pairs([("a", "x", 0.9)]), {"x": 1})


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


# --------------------------------------------------------------------------- regressions and API


def regression_cases() -> list[Path]:
    return sorted(REGRESSION_DIR.glob("*.json"))


@pytest.mark.parametrize("path", regression_cases(), ids=lambda p: p.stem)
def test_regression_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    columns = ["candidate_id", "vacancy_id", "weight", *case.get("extra_columns", [])]
    pairs = pd.DataFrame(case["pairs"], columns=columns)
    kwargs = dict(case.get("kwargs", {}))
    for key in ("locked", "forbidden"):
        if key in case:
            kwargs[key] = pd.DataFrame(case[key], columns=["candidate_id", "vacancy_id"])
    solver = {"solve_assignment": solve_assignment, "solve_sroi_assignment": solve_sroi_assignment,
              "greedy_assignment": greedy_assignment, "sequential_assignment": sequential_assignment}[case["solver"]]
    result = solver(pairs, case["capacity"], **kwargs)
    assert result.objective == pytest.approx(case["expected"]["objective"], abs=1e-6)
    assert [list(p) for p in result.assignments[["candidate_id", "vacancy_id"]].itertuples(index=False)] == \
        case["expected"]["assignments"]


def test_public_names() -> None:
    import matching.optimize.baselines as baselines

    assert flow.__all__ == ["AssignmentResult", "solve_assignment"]
    assert {"AssignmentResult", "solve_assignment", "solve_sroi_assignment", "greedy_assignment",
            "sequential_assignment"} <= set(optimize.__all__)
    assert baselines.__all__ == ["greedy_assignment", "sequential_assignment"]

"""Tests of the min-cost-flow solver: optimality (brute force, SciPy, OR-Library), invariants,
row-order determinism, input errors, status handling, regression cases and public names."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from optimize_helpers import (
    HYPOTHESIS,
    SCALE,
    assert_invariants,
    brute_force,
    chosen_set,
    instances,
    make_pairs,
)
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

import matching.optimize as optimize
import matching.optimize.flow as flow
from matching.core.errors import DataError, SolverError
from matching.optimize import MCF_STATUS_MESSAGES, solve_assignment, solve_sroi_assignment
from matching.optimize.baselines import greedy_assignment, sequential_assignment

ORLIB_DIR = Path(__file__).resolve().parent / "data" / "orlib"
ORLIB_SHA256 = {  # of the uncompressed files, as in OR-Library's distribution (tests/data/README.md)
    100: "90c9c7cd7c8845ff2cb86a2372b0819d0d3e8071114cb1ca00f4979cc0412449",
    500: "21c8d76c64fe7ae7d5e125a1909ca2cbabb34b7ed25c44fc1d644988e6115f33",
}
REGRESSION_DIR = Path(__file__).resolve().parent / "regressions"


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

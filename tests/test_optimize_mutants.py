"""Tests written against surviving mutants of matching/optimize (docs/mutation-testing.md).

Each test pins a behaviour the other optimiser tests left open: the exact CP-SAT model
(variables, coverage constraints, no redundant constraints), the reported bound and gap, the
fallback to a better warm start, CP-SAT parameters, log lines, error messages and coverage
rows. Small instances only; every solve is OPTIMAL within a second.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
import pytest
from optimize_helpers import chosen_set, make_pairs
from ortools.sat.python import cp_model

import matching.optimize.flow as flow
import matching.optimize.sroi as sroi_optimize
from matching.core.errors import DataError
from matching.optimize import SroiParams, solve_assignment, solve_sroi_assignment
from matching.optimize.sroi_data import check_sroi_inputs


def case() -> dict[str, Any]:
    """ann covers project P only at v2 (weight 0.5); v1 (0.6) has no project; w has capacity 0."""
    pairs = make_pairs([("ann", "v1", 0.6), ("ann", "v2", 0.5), ("bob", "w", 0.9)],
                       sroi_value=[0.0, 20_000.0, 0.0])
    return {"pairs": pairs, "capacity": {"v1": 1, "v2": 1, "w": 0}, "project_of": {"v2": "P"},
            "outstanding": {"P": 20_000.0}}


def built_model(params: SroiParams, **extra: Any) -> tuple[Any, Any]:
    c = case()
    prep = flow.prepare_pairs(c["pairs"], c["capacity"], extra_columns=["sroi_value"])
    data = check_sroi_inputs(prep, "sroi_value", c["project_of"], c["outstanding"], params.max_per_employer,
                             extra.get("employer_of"), params.min_share, extra.get("group_of"))
    return sroi_optimize._build_model(prep, data, params), data


def test_model_has_one_variable_per_usable_pair_and_one_coverage_variable() -> None:
    built, _ = built_model(SroiParams(sroi_weight=0.5))
    assert built.rows.tolist() == [0, 1]  # bob→w: capacity 0, no variable
    assert built.cover_projects == [0] and len(built.cover) == 1
    assert built.bonus_scale == 500_000
    constraints = built.model.proto.constraints
    assert len(constraints) == 2  # ann once; coverage of P (no capacity can bind)
    assert constraints[0].has_at_most_one() and list(constraints[0].at_most_one.literals) == [0, 1]
    coverage = constraints[1].linear  # 20000 · y − 500000 · 20000 · x(ann→v2) ≤ 0
    assert constraints[1].has_linear() and list(coverage.vars) == [1, 2]
    assert list(coverage.coeffs) == [-500_000 * 20_000, 20_000]


def test_a_zero_min_share_adds_no_constraint() -> None:
    groups = {"ann": "ww", "bob": "wajong"}
    without, _ = built_model(SroiParams(sroi_weight=0.5), group_of=groups)
    zero, _ = built_model(SroiParams(sroi_weight=0.5, min_share={"wajong": 0.0}), group_of=groups)
    half, _ = built_model(SroiParams(sroi_weight=0.5, min_share={"wajong": 0.5}), group_of=groups)
    n = len(without.model.proto.constraints)
    assert len(zero.model.proto.constraints) == n and len(half.model.proto.constraints) == n + 1


def test_bound_is_the_objective_plus_the_rounding_slack_and_gap_is_reported() -> None:
    c = case()
    result = solve_sroi_assignment(c["pairs"], c["capacity"], project_of=c["project_of"],
                                   outstanding=c["outstanding"], sroi_weight=0.5, num_workers=1)
    assert chosen_set(result) == {("ann", "v2")} and result.objective == pytest.approx(1.0)
    slack = (0.5 * 2 + 1.5 * 1) / 1_000_000  # min(2 variables, 2 candidates, capacity 2); 1 project
    assert result.bound == pytest.approx(result.objective + slack, abs=1e-9)
    assert result.gap == 0.0


def test_a_feasible_status_reports_the_relative_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    class Feasible(cp_model.CpSolver):
        def status_name(self, status: Any = None) -> str:
            return "FEASIBLE"

    monkeypatch.setattr(sroi_optimize.cp_model, "CpSolver", Feasible)
    c = case()
    result = solve_sroi_assignment(c["pairs"], c["capacity"], project_of=c["project_of"],
                                   outstanding=c["outstanding"], sroi_weight=0.5, num_workers=1)
    assert result.status == "FEASIBLE"
    assert result.gap == pytest.approx((result.bound - result.objective) / max(1.0, result.objective))
    assert result.gap > 0


def test_a_better_warm_start_replaces_a_poor_cpsat_solution(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the hint and stopped at its first solution, CP-SAT may return a poor assignment;
    # the solver keeps the warm start when that is better (here: the optimum).
    monkeypatch.setattr(sroi_optimize, "_add_warm_start_hint", lambda *args: None)
    rows = [(f"c{i}", f"v{j}", 0.3 + 0.1 * ((i + j) % 5)) for i in range(6) for j in range(4)]
    pairs = make_pairs(rows, sroi_value=[5000.0 * ((i * j) % 3) for i in range(6) for j in range(4)])
    kwargs = {"project_of": {"v0": "P", "v1": "P", "v2": "Q"}, "outstanding": {"P": 10_000.0, "Q": 5000.0},
              "sroi_weight": 0.5, "num_workers": 1}
    best = solve_sroi_assignment(pairs, {f"v{j}": 1 for j in range(4)}, **kwargs)
    first = solve_sroi_assignment(pairs, {f"v{j}": 1 for j in range(4)}, **kwargs,
                                  cpsat_params={"stop_after_first_solution": True, "cp_model_presolve": False})
    assert first.objective == pytest.approx(best.objective, abs=1e-6)


def test_valid_cpsat_params_are_applied_and_invalid_ones_are_data_errors() -> None:
    solver = sroi_optimize._solver(SroiParams(cpsat_params={"log_search_progress": True}, num_workers=3,
                                              seed=7, gap_limit=0.25, deterministic=True, time_limit_s=9.0), 0.0)
    p = solver.parameters
    assert (p.log_search_progress, p.num_workers, p.random_seed, p.relative_gap_limit) == (True, 3, 7, 0.25)
    assert p.interleave_search and p.max_deterministic_time == 9.0 and not p.cp_model_presolve
    with pytest.raises(DataError, match="not a valid CP-SAT parameter"):
        sroi_optimize._solver(SroiParams(cpsat_params={"no_such_field": 1}), 0.0)


def test_default_keyword_call_uses_the_default_params(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    monkeypatch.setattr(sroi_optimize, "solve_sroi", lambda *args, **kwargs: seen.append(args[3]))
    solve_sroi_assignment(make_pairs([]), {}, project_of={}, outstanding={})
    assert seen == [SroiParams()]


def test_log_lines_name_pairs_and_variables(caplog: pytest.LogCaptureFixture) -> None:
    c = case()
    with caplog.at_level(logging.INFO, logger="matching.optimize"):
        solve_assignment(c["pairs"], c["capacity"])
        solve_sroi_assignment(c["pairs"], c["capacity"], project_of=c["project_of"],
                              outstanding=c["outstanding"], num_workers=1)
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("min-cost flow: 3 pairs, 1 assigned") for m in messages)
    assert any(m.startswith("CP-SAT SROI: 2 pair variables, 1 projects, status OPTIMAL") for m in messages)


def test_coverage_rows_columns_and_tiny_obligations() -> None:
    pairs = make_pairs([("ann", "v1", 0.6)], sroi_value=[1000.0])
    result = solve_sroi_assignment(pairs, {"v1": 1}, project_of={"v1": "Q"}, outstanding={"P": 0.5},
                                   num_workers=1)
    cov = result.coverage.set_index("project_id")
    assert list(result.coverage.columns) == ["project_id", "outstanding_eur", "covered_eur", "covered_share"]
    assert cov.index.tolist() == ["P", "Q"]  # Q is named only by project_of
    assert cov.loc["P", "covered_share"] == 0.0 and np.isnan(cov.loc["Q", "covered_share"])
    assert cov.loc["Q", "covered_eur"] == 1000.0


def test_sroi_input_error_messages() -> None:
    pairs = make_pairs([("a", "x", 0.5), ("b", "y", 0.5), ("c", "x", 0.4), ("d", "y", 0.4)], sroi_value=[0.0] * 4)
    with pytest.raises(DataError, match="outstanding must be a finite EUR amount ≥ 0 per project; bad: 'P'"):
        solve_sroi_assignment(pairs, {"x": 2, "y": 2}, project_of={}, outstanding={"P": -1.0})
    with pytest.raises(DataError, match="employer_of has no employer for vacancy 'y'"):
        solve_sroi_assignment(pairs, {"x": 2, "y": 2}, project_of={}, outstanding={}, max_per_employer=1,
                              employer_of={"x": "E"})
    locked = pd.DataFrame({"candidate_id": ["a", "b", "c", "d"], "vacancy_id": ["x", "y", "x", "y"]})
    with pytest.raises(DataError, match=r"at employer 'E1' \(2 locked\), 'E2' \(2 locked\)$"):
        solve_sroi_assignment(pairs, {"x": 2, "y": 2}, project_of={}, outstanding={}, locked=locked,
                              max_per_employer=1, employer_of={"x": "E2", "y": "E1"})


def test_flow_helpers_examples_and_overflow() -> None:
    assert flow._examples(["a", "b"]) == "'a', 'b'"
    assert flow._examples(list("abcdefg"), limit=2) == "'a', 'b' … (7 in total)"
    with pytest.raises(DataError, match="overflow"):
        flow._scaled_weights(np.array([1.0]), 2**40, 2**23)
    assert flow._scaled_weights(np.array([0.25, 1.0]), 4, 2).tolist() == [1, 4]


def test_flow_input_messages_name_the_table_and_the_duplicates() -> None:
    pairs = make_pairs([("a", "x", 0.5)])
    with pytest.raises(DataError, match=r"capacity lists vacancies twice: 'x'$"):
        solve_assignment(pairs, pd.Series([1, 1], index=["x", "x"]))
    with pytest.raises(DataError, match=r"^locked lacks column\(s\) \['vacancy_id'\]"):
        solve_assignment(pairs, {"x": 1}, locked=pd.DataFrame({"candidate_id": ["a"]}))

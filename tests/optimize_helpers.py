"""Shared helpers of the optimiser tests (test_optimize_flow.py, test_optimize_sroi.py).

Tiny-instance builders, a brute-force oracle for the plain assignment problem, the common
result invariants and a Hypothesis strategy of random valid instances.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from matching.optimize import AssignmentResult

SCALE = 1_000_000
HYPOTHESIS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


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

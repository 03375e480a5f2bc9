"""Baseline assignments with the solver's signature: greedy and sequential shortlists.

Both are heuristics that coordinators could run by hand. They are the benchmark the optimal
solvers in :mod:`matching.optimize.flow` must beat and a test oracle (neither may ever score above
the optimum). They take the same checked input (:func:`matching.optimize.flow.prepare_pairs`):
weights ≤ 0 are never chosen, locked pairs are placed first, ties are broken by
``(candidate_id, vacancy_id)``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from matching.core.errors import DataError
from matching.optimize.flow import AssignmentResult, PreparedPairs, build_result, prepare_pairs

__all__ = ["greedy_assignment", "sequential_assignment"]


def _start(prep: PreparedPairs) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Place the locked pairs; return chosen mask, taken candidates, remaining capacity, free rows."""
    chosen = prep.locked.copy()
    taken = np.zeros(len(prep.candidates), dtype=bool)
    taken[prep.cand[prep.locked]] = True
    remaining = prep.capacity - np.bincount(prep.vac[prep.locked], minlength=len(prep.capacity))
    free = np.flatnonzero((prep.weight > 0) & ~taken[prep.cand] & (remaining[prep.vac] > 0))
    return chosen, taken, remaining, free


def greedy_assignment(
    pairs: pd.DataFrame,
    capacity: Mapping[Any, int] | pd.Series,
    *,
    locked: pd.DataFrame | None = None,
    forbidden: pd.DataFrame | None = None,
) -> AssignmentResult:
    """Take pairs from the highest weight down while candidate and vacancy are still free.

    Ties in weight are broken by ``(candidate_id, vacancy_id)``. Same signature and result
    as :func:`matching.optimize.flow.solve_assignment`, with ``status="HEURISTIC"``.

    Examples
    --------
    >>> pairs = pd.DataFrame({"candidate_id": ["ann", "ann", "bob"],
    ...                       "vacancy_id": ["v1", "v2", "v1"],
    ...                       "weight": [0.9, 0.8, 0.7]})
    >>> r = greedy_assignment(pairs, {"v1": 1, "v2": 1})
    >>> r.assignments.values.tolist(), round(r.objective, 6)
    ([['ann', 'v1', 0.9]], 0.9)
    """
    started = time.perf_counter()
    prep = prepare_pairs(pairs, capacity, locked=locked, forbidden=forbidden)
    chosen, taken, remaining, free = _start(prep)
    order = free[np.lexsort((prep.vac[free], prep.cand[free], -prep.weight[free]))]
    for row, c, v in zip(order.tolist(), prep.cand[order].tolist(), prep.vac[order].tolist(), strict=True):
        if not taken[c] and remaining[v] > 0:
            taken[c] = True
            remaining[v] -= 1
            chosen[row] = True
    return build_result(prep, chosen, status="HEURISTIC", solver="greedy", started=started)


def sequential_assignment(
    pairs: pd.DataFrame,
    capacity: Mapping[Any, int] | pd.Series,
    *,
    vacancy_order: Sequence[Any] | None = None,
    locked: pd.DataFrame | None = None,
    forbidden: pd.DataFrame | None = None,
) -> AssignmentResult:
    """Sequential shortlists: each vacancy in turn takes its best remaining candidates.

    Parameters
    ----------
    pairs, capacity, locked, forbidden
        As in :func:`matching.optimize.flow.solve_assignment`.
    vacancy_order : sequence, optional
        The order in which vacancies choose (e.g. by publication date). Vacancies not
        listed follow in sorted id order; default is sorted id order. A vacancy listed
        twice is a DataError.

    Examples
    --------
    >>> pairs = pd.DataFrame({"candidate_id": ["ann", "ann", "bob"],
    ...                       "vacancy_id": ["v1", "v2", "v1"],
    ...                       "weight": [0.9, 0.8, 0.7]})
    >>> r = sequential_assignment(pairs, {"v1": 1, "v2": 1}, vacancy_order=["v2", "v1"])
    >>> r.assignments.values.tolist()
    [['bob', 'v1', 0.7], ['ann', 'v2', 0.8]]
    """
    started = time.perf_counter()
    prep = prepare_pairs(pairs, capacity, locked=locked, forbidden=forbidden)
    n_vac = len(prep.vacancies)
    rank = np.arange(n_vac)
    if vacancy_order is not None:
        listed = pd.Index(list(vacancy_order), dtype=object)
        if listed.has_duplicates:
            raise DataError(f"vacancy_order lists vacancies twice: {listed[listed.duplicated()].unique().tolist()}")
        position = pd.Index(prep.vacancies, dtype=object).get_indexer(listed)
        position = position[position >= 0]
        rest = np.setdiff1d(np.arange(n_vac), position, assume_unique=True)
        rank = np.empty(n_vac, dtype=np.int64)
        rank[np.concatenate([position, rest]).astype(np.int64)] = np.arange(n_vac)
    chosen, taken, remaining, free = _start(prep)
    order = free[np.lexsort((prep.cand[free], -prep.weight[free], rank[prep.vac[free]]))]
    for row, c, v in zip(order.tolist(), prep.cand[order].tolist(), prep.vac[order].tolist(), strict=True):
        if not taken[c] and remaining[v] > 0:
            taken[c] = True
            remaining[v] -= 1
            chosen[row] = True
    return build_result(prep, chosen, status="HEURISTIC", solver="sequential", started=started)

"""Optimal regional assignment of candidates to vacancies (min-cost flow and CP-SAT).

This module owns the input checks, the result type and the min-cost-flow solver; the
SROI-aware CP-SAT solver lives in :mod:`matching.optimize.sroi`; both are exported by :mod:`matching.optimize`.
Both take a tidy, sparse table of *allowed* pairs
(``candidate_id``, ``vacancy_id``, ``weight``) and a capacity per vacancy, and return an
:class:`AssignmentResult`.

* :func:`solve_assignment` -- maximum total weight, each candidate at most once, each
  vacancy at most its capacity; exact, via OR-Tools min-cost flow.
* :func:`solve_sroi_assignment` -- the same plus a concave bonus for covering each project's
  outstanding SROI obligation, an optional cap per employer and minimum shares per target
  group; via OR-Tools CP-SAT, warm-started with the min-cost-flow solution.

The baselines with the same signature live in :mod:`matching.optimize.baselines`.

Integer scale
-------------
Both solvers work on integers. A weight ``w`` becomes ``round(w * weight_scale)``
(:attr:`matching.core.config.Settings.weight_scale`, default ``1_000_000``, i.e. a resolution of
``1e-6`` per pair). This is the only place where weights are scaled. Consequences:

* the optimum is exact on the rounded weights, so the reported float objective is within
  ``0.5 * n_assigned / weight_scale`` of the true float optimum;
* a pair whose positive weight rounds to 0 is below the resolution and is never chosen;
* SROI mode uses the same scale for the bonus: a project's coverage share is represented
  in units of ``1 / round(sroi_weight * weight_scale)``, and EUR values are rounded to
  whole euros.

Ties
----
Rows are sorted by ``(candidate_id, vacancy_id)`` before the network is built, so the
arcs always come in the same order and the (deterministic) min-cost-flow algorithm breaks
ties between equal-weight optima by that order: the same set of pairs, in any row order,
gives the same assignment, byte for byte.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow

from matching.core.config import Settings
from matching.core.errors import DataError, SolverError

__all__ = ["AssignmentResult", "solve_assignment"]

logger = logging.getLogger(__name__)

_DEFAULTS = Settings()
_INT_LIMIT = 2**62
"""Headroom below int64 for every integer the solvers add up."""

PAIR_COLUMNS: tuple[str, str, str] = ("candidate_id", "vacancy_id", "weight")
ID_COLUMNS: list[str] = ["candidate_id", "vacancy_id"]

MCF_STATUS_MESSAGES: Mapping[str, str | None] = {
    "OPTIMAL": None,
    "NOT_SOLVED": "min-cost flow was not solved (the solver returned NOT_SOLVED)",
    "FEASIBLE": "min-cost flow found a feasible flow but did not prove it optimal",
    "INFEASIBLE": "min-cost flow network is infeasible (supplies cannot be routed)",
    "UNBALANCED": "min-cost flow network is unbalanced (supplies do not sum to demands)",
    "BAD_RESULT": "min-cost flow produced an inconsistent result (internal solver error)",
    "BAD_COST_RANGE": "arc costs overflow int64 in min-cost flow; lower weight_scale",
    "BAD_CAPACITY_RANGE": "arc capacities overflow int64 in min-cost flow",
}
"""Every ``SimpleMinCostFlow.Status``; ``None`` means success, a message means SolverError."""

@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """The outcome of one assignment run.

    Attributes
    ----------
    assignments : pandas.DataFrame
        Columns ``candidate_id``, ``vacancy_id``, ``weight``; sorted by vacancy, then
        candidate; a fresh ``RangeIndex``.
    objective : float
        Sum of the chosen weights in the original float units (SROI mode: plus
        ``sroi_weight`` times the summed capped coverage shares).
    status : str
        ``"OPTIMAL"``, ``"FEASIBLE"`` (CP-SAT stopped before proving optimality) or
        ``"HEURISTIC"`` (greedy and sequential baselines).
    solver : str
        Which algorithm produced the result.
    wall_time_s : float
        Wall-clock seconds including input checks.
    gap : float or None
        Relative gap ``|bound - objective| / max(1, |objective|)``; ``0.0`` when proven
        optimal, ``None`` for heuristics.
    bound : float or None
        Best proven upper bound on the objective (float units), ``None`` for heuristics.
    coverage : pandas.DataFrame or None
        SROI mode only: one row per project with ``project_id``, ``outstanding_eur``,
        ``covered_eur`` and ``covered_share`` (capped at 1; ``NaN`` when nothing is
        outstanding).

    Examples
    --------
    >>> r = solve_assignment(pd.DataFrame({"candidate_id": ["c1"], "vacancy_id": ["v1"],
    ...                                    "weight": [0.5]}), {"v1": 1})
    >>> r.n_assigned, r.status
    (1, 'OPTIMAL')
    """

    assignments: pd.DataFrame
    objective: float
    status: str
    solver: str
    wall_time_s: float
    gap: float | None = None
    bound: float | None = None
    coverage: pd.DataFrame | None = None

    @property
    def n_assigned(self) -> int:
        """Number of candidates placed."""
        return len(self.assignments)


# --------------------------------------------------------------------------- input checks


@dataclass
class PreparedPairs:
    """Checked pairs in canonical order, shared by every solver and baseline.

    ``pairs`` is sorted by ``(candidate_id, vacancy_id)``; row ``i`` has candidate code
    ``cand[i]`` (index into ``candidates``) and vacancy code ``vac[i]`` (index into
    ``vacancies``). Locked pairs missing from the input were appended with weight 0.
    """

    pairs: pd.DataFrame
    cand: np.ndarray
    vac: np.ndarray
    weight: np.ndarray
    candidates: np.ndarray
    vacancies: np.ndarray
    capacity: np.ndarray
    locked: np.ndarray
    """Boolean mask over rows: the pair is forced in."""

    @property
    def eligible(self) -> np.ndarray:
        """Rows a solver may choose: positive weight, or locked."""
        return (self.weight > 0) | self.locked


def _examples(values: Sequence[Any], limit: int = 5) -> str:
    shown = ", ".join(repr(v) for v in list(values)[:limit])
    return shown + (f" … ({len(values)} in total)" if len(values) > limit else "")


def _id_frame(frame: pd.DataFrame | None, name: str) -> pd.DataFrame | None:
    if frame is None:
        return None
    missing = [c for c in ID_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{name} lacks column(s) {missing}; expected {ID_COLUMNS}")
    out = frame[ID_COLUMNS].reset_index(drop=True)
    if out.isna().any().any():
        raise DataError(f"{name} has missing ids in row(s) {_examples(np.flatnonzero(out.isna().any(axis=1)))}")
    return out


def _capacity_series(capacity: Mapping[Any, int] | pd.Series) -> pd.Series:
    cap = capacity.copy() if isinstance(capacity, pd.Series) else pd.Series(dict(capacity), dtype=object)
    if cap.index.has_duplicates:
        raise DataError(f"capacity lists vacancies twice: {_examples(cap.index[cap.index.duplicated()].unique())}")
    values = pd.to_numeric(cap, errors="coerce").astype(float)
    bad = values.isna() | (values < 0) | (values != np.floor(values))
    if bad.any():
        raise DataError(
            f"capacity must be a whole number ≥ 0; got {_examples([f'{k}={cap[k]!r}' for k in cap.index[bad]])}"
        )
    return values.astype(np.int64)


def prepare_pairs(
    pairs: pd.DataFrame,
    capacity: Mapping[Any, int] | pd.Series,
    *,
    locked: pd.DataFrame | None = None,
    forbidden: pd.DataFrame | None = None,
    extra_columns: Sequence[str] = (),
) -> PreparedPairs:
    """Check the solver input and bring it into canonical, sorted form.

    Raises :class:`~matching.core.errors.DataError` for missing columns, missing ids, non-finite
    weights, duplicate pairs, invalid capacities and conflicting locks (a candidate locked
    twice, more locks on a vacancy than its capacity, a locked pair that is forbidden).

    Examples
    --------
    >>> p = prepare_pairs(pd.DataFrame({"candidate_id": ["b", "a"], "vacancy_id": ["v", "v"],
    ...                                 "weight": [0.2, 0.9]}), {"v": 1})
    >>> p.pairs["candidate_id"].tolist(), p.capacity.tolist()
    (['a', 'b'], [1])
    """
    columns = [*PAIR_COLUMNS, *extra_columns]
    missing = [c for c in columns if c not in pairs.columns]
    if missing:
        raise DataError(f"pairs lack column(s) {missing}; expected {columns}")
    frame = pairs[columns].reset_index(drop=True)
    if frame[ID_COLUMNS].isna().any().any():
        rows = np.flatnonzero(frame[ID_COLUMNS].isna().any(axis=1))
        raise DataError(f"pairs have missing ids in row(s) {_examples(rows)}")
    for col in ["weight", *extra_columns]:
        values = pd.to_numeric(frame[col], errors="coerce").astype(float)
        bad = ~np.isfinite(values.to_numpy())
        if bad.any():
            raise DataError(f"pairs column {col!r} must be finite numbers; bad row(s) {_examples(np.flatnonzero(bad))}")
        frame[col] = values

    locked_ids = _id_frame(locked, "locked")
    forbidden_ids = _id_frame(forbidden, "forbidden")
    if forbidden_ids is not None and len(forbidden_ids):
        if locked_ids is not None and len(locked_ids):
            clash = locked_ids.merge(forbidden_ids.drop_duplicates(), on=ID_COLUMNS)
            if len(clash):
                raise DataError(f"locked pair(s) are also forbidden: {_examples(list(clash.itertuples(index=False, name=None)))}")
        keys = pd.MultiIndex.from_frame(frame[ID_COLUMNS])
        drop = keys.isin(pd.MultiIndex.from_frame(forbidden_ids))
        frame = frame.loc[~drop].reset_index(drop=True)

    cap = _capacity_series(capacity)
    if locked_ids is not None and len(locked_ids):
        twice = locked_ids["candidate_id"][locked_ids["candidate_id"].duplicated()].unique()
        if len(twice):
            raise DataError(f"candidate(s) locked more than once: {_examples(list(twice))}")
        counts = locked_ids["vacancy_id"].value_counts()
        over = [
            f"{v!r} ({n} locked, capacity {int(cap.get(v, 0))})"
            for v, n in counts.sort_index().items() if n > int(cap.get(v, 0))
        ]
        if over:
            raise DataError(f"more locked pairs than capacity at vacancy {', '.join(over)}")
        keys = pd.MultiIndex.from_frame(frame[ID_COLUMNS])
        absent = locked_ids.loc[~pd.MultiIndex.from_frame(locked_ids).isin(keys)]
        if len(absent):
            filler = absent.assign(**{c: 0.0 for c in ["weight", *extra_columns]})
            frame = pd.concat([frame, filler[columns]], ignore_index=True)

    cand_codes, candidates = pd.factorize(frame["candidate_id"], sort=True)
    vac_raw, vac_seen = pd.factorize(frame["vacancy_id"])
    vac_ids = pd.Index(vac_seen).union(cap.index).sort_values()
    vac_codes = vac_ids.get_indexer(vac_seen)[vac_raw]
    key = cand_codes.astype(np.int64) * max(len(vac_ids), 1) + vac_codes
    if len(key) > 1 and not (np.diff(key) > 0).all():
        order = np.argsort(key, kind="stable")
        key, cand_codes, vac_codes = key[order], cand_codes[order], vac_codes[order]
        frame = frame.take(order).reset_index(drop=True)
    if len(frame) > 1:
        dup = np.diff(key) == 0
        if dup.any():
            rows = np.flatnonzero(dup)
            examples = list(frame.loc[rows, ID_COLUMNS].itertuples(index=False, name=None))
            raise DataError(f"duplicate (candidate_id, vacancy_id) pair(s): {_examples(examples)}")

    locked_mask = np.zeros(len(frame), dtype=bool)
    if locked_ids is not None and len(locked_ids):
        locked_mask = pd.MultiIndex.from_frame(frame[ID_COLUMNS]).isin(pd.MultiIndex.from_frame(locked_ids))
    return PreparedPairs(
        pairs=frame,
        cand=cand_codes.astype(np.int64),
        vac=vac_codes.astype(np.int64),
        weight=frame["weight"].to_numpy(dtype=float),
        candidates=np.asarray(candidates, dtype=object),
        vacancies=np.asarray(vac_ids, dtype=object),
        capacity=cap.reindex(vac_ids, fill_value=0).to_numpy(dtype=np.int64),
        locked=np.asarray(locked_mask, dtype=bool),
    )


def build_result(
    prep: PreparedPairs,
    chosen: np.ndarray,
    *,
    status: str,
    solver: str,
    started: float,
    objective: float | None = None,
    gap: float | None = None,
    bound: float | None = None,
    coverage: pd.DataFrame | None = None,
) -> AssignmentResult:
    """Assemble an :class:`AssignmentResult` from a boolean row mask over ``prep.pairs``.

    Examples
    --------
    >>> p = prepare_pairs(pd.DataFrame({"candidate_id": ["a"], "vacancy_id": ["v"],
    ...                                 "weight": [0.5]}), {"v": 1})
    >>> build_result(p, np.array([True]), status="OPTIMAL", solver="x", started=0.0).objective
    0.5
    """
    rows = np.flatnonzero(chosen)
    rows = rows[np.lexsort((prep.cand[rows], prep.vac[rows]))]
    assignments = prep.pairs.loc[rows, list(PAIR_COLUMNS)].reset_index(drop=True)
    value = float(prep.weight[rows].sum()) if objective is None else float(objective)
    return AssignmentResult(
        assignments=assignments,
        objective=value,
        status=status,
        solver=solver,
        wall_time_s=time.perf_counter() - started,
        gap=gap,
        bound=bound,
        coverage=coverage,
    )


def _scaled_weights(weight: np.ndarray, weight_scale: int, n_terms: int) -> np.ndarray:
    """Scale float weights to int64 once, refusing anything that could overflow."""
    if not isinstance(weight_scale, int | np.integer) or weight_scale <= 0:
        raise DataError(f"weight_scale must be a positive integer, got {weight_scale!r}")
    top = float(np.abs(weight).max()) if len(weight) else 0.0
    if top * weight_scale * max(n_terms, 1) >= _INT_LIMIT:
        raise DataError(
            f"weights up to {top:g} × weight_scale {weight_scale} × {n_terms} terms overflow "
            f"int64 (limit 2**62); lower weight_scale or rescale the weights"
        )
    return np.rint(weight * weight_scale).astype(np.int64)


# --------------------------------------------------------------------------- min-cost flow


def mcf_status_error(status_name: str) -> SolverError | None:
    """Translate a min-cost-flow status name into ``None`` (success) or a SolverError.

    Examples
    --------
    >>> mcf_status_error("OPTIMAL") is None
    True
    >>> str(mcf_status_error("INFEASIBLE")).startswith("min-cost flow network is infeasible")
    True
    """
    if status_name not in MCF_STATUS_MESSAGES:
        return SolverError(f"min-cost flow returned unknown status {status_name!r}")
    message = MCF_STATUS_MESSAGES[status_name]
    return None if message is None else SolverError(f"{message} (status {status_name})")


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes in ``range(size)`` → (used codes ascending, position of each code among them)."""
    used = np.zeros(size, dtype=bool)
    used[codes] = True
    return np.flatnonzero(used), (np.cumsum(used) - 1)[codes]


def _solve_flow(
    prep: PreparedPairs,
    weight_scale: int,
    *,
    weight: np.ndarray | None = None,
    employer: np.ndarray | None = None,
    employer_cap: int | None = None,
) -> np.ndarray:
    """Exact maximum-weight b-matching of the unlocked part; returns the chosen-row mask.

    Network: every free candidate node has supply 1 and two ways out, an arc per allowed
    pair to its vacancy node (capacity 1, cost ``-round(weight * weight_scale)``) and a
    bypass arc straight to the sink (cost 0: "not assigned"). Each vacancy node reaches
    the sink with capacity = capacity left after the locked pairs -- or, with ``employer``
    (an employer code per vacancy code) and ``employer_cap``, reaches its employer's node,
    which reaches the sink with capacity ``employer_cap`` minus that employer's locks. The
    sink absorbs all supply, so a minimum-cost flow is a maximum-weight assignment.
    ``weight`` overrides ``prep.weight`` (the SROI warm start uses adjusted weights).
    """
    weight = prep.weight if weight is None else weight
    chosen = prep.locked.copy()
    cand_locked = np.zeros(len(prep.candidates), dtype=bool)
    cand_locked[prep.cand[prep.locked]] = True
    remaining = prep.capacity - np.bincount(prep.vac[prep.locked], minlength=len(prep.capacity))
    w_int = _scaled_weights(weight, weight_scale, len(weight) + 1)
    usable = (w_int > 0) & (prep.weight > 0) & ~cand_locked[prep.cand] & (remaining[prep.vac] > 0)
    if employer is not None and employer_cap is not None:
        emp_left = employer_cap - np.bincount(employer[prep.vac[prep.locked]], minlength=employer.max() + 1)
        usable &= emp_left[employer[prep.vac]] > 0
    rows = np.flatnonzero(usable)
    if len(rows) == 0:
        return chosen
    cand_nodes, cand_local = _compact(prep.cand[rows], len(prep.candidates))
    vac_nodes, vac_local = _compact(prep.vac[rows], len(prep.vacancies))
    n_c, n_v = len(cand_nodes), len(vac_nodes)
    if employer is not None and employer_cap is not None:
        emp_nodes, emp_local = np.unique(employer[vac_nodes], return_inverse=True)
        n_e = len(emp_nodes)
        sink = n_c + n_v + n_e
        vac_heads = n_c + n_v + emp_local
        tail_tail = [n_c + n_v + np.arange(n_e)]
        head_tail = [np.full(n_e, sink)]
        cap_tail = [emp_left[emp_nodes]]
    else:
        n_e = 0
        sink = n_c + n_v
        vac_heads = np.full(n_v, sink)
        tail_tail, head_tail, cap_tail = [], [], []
    max_cost = int(w_int[rows].max())
    if max_cost * (sink + 2) >= _INT_LIMIT or max_cost * n_c >= _INT_LIMIT:
        raise DataError(
            f"scaled weights up to {max_cost} on {sink + 1} nodes overflow the min-cost-flow "
            f"cost range; lower weight_scale (now {weight_scale})"
        )
    tails = np.concatenate([cand_local, np.arange(n_c), n_c + np.arange(n_v), *tail_tail])
    heads = np.concatenate([n_c + vac_local, np.full(n_c, sink), vac_heads, *head_tail])
    capacities = np.concatenate(
        [np.ones(len(rows) + n_c, dtype=np.int64), remaining[vac_nodes], *cap_tail]
    ).astype(np.int64)
    costs = np.concatenate([-w_int[rows], np.zeros(n_c + n_v + n_e, dtype=np.int64)])
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_c] = 1
    supplies[sink] = -n_c

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, costs
    )
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    error = mcf_status_error(getattr(status, "name", str(status)))
    if error is not None:
        raise error
    arc_flow = flow.flows(np.arange(len(rows), dtype=np.int32))
    chosen[rows[arc_flow > 0]] = True
    return chosen


def solve_assignment(
    pairs: pd.DataFrame,
    capacity: Mapping[Any, int] | pd.Series,
    *,
    locked: pd.DataFrame | None = None,
    forbidden: pd.DataFrame | None = None,
    weight_scale: int = _DEFAULTS.weight_scale,
) -> AssignmentResult:
    """Maximum-weight assignment of candidates to vacancies by min-cost flow.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Allowed pairs: ``candidate_id``, ``vacancy_id``, ``weight`` (float, higher is
        better; typically the durable-placement probability). Pairs with weight ≤ 0 are
        never chosen. A duplicate ``(candidate_id, vacancy_id)`` is a DataError.
    capacity : mapping or pandas.Series
        Places per vacancy; a vacancy missing here has capacity 0.
    locked : pandas.DataFrame, optional
        ``candidate_id``, ``vacancy_id`` pairs forced into the assignment (they use
        capacity and count in the objective with their weight, or 0 when the pair is not
        in ``pairs``). A candidate locked twice, or more locks than a vacancy's capacity,
        is a DataError naming it.
    forbidden : pandas.DataFrame, optional
        ``candidate_id``, ``vacancy_id`` pairs dropped from ``pairs`` (a convenience; a
        forbidden pair that is also locked is a DataError).
    weight_scale : int, default 1_000_000
        Integer scale of the weights (see the module docstring).

    Returns
    -------
    AssignmentResult
        ``status`` ``"OPTIMAL"``, ``gap`` ``0.0``.

    Raises
    ------
    DataError
        Invalid input (see :func:`prepare_pairs`) or weights too large for the scale.
    SolverError
        The min-cost-flow solver returned anything but OPTIMAL.

    Examples
    --------
    >>> pairs = pd.DataFrame({"candidate_id": ["ann", "ann", "bob"],
    ...                       "vacancy_id": ["v1", "v2", "v1"],
    ...                       "weight": [0.9, 0.8, 0.7]})
    >>> r = solve_assignment(pairs, {"v1": 1, "v2": 1})
    >>> r.assignments.values.tolist()
    [['bob', 'v1', 0.7], ['ann', 'v2', 0.8]]
    >>> round(r.objective, 6)
    1.5
    """
    started = time.perf_counter()
    prep = prepare_pairs(pairs, capacity, locked=locked, forbidden=forbidden)
    chosen = _solve_flow(prep, weight_scale)
    objective = float(prep.weight[chosen].sum())
    result = build_result(
        prep, chosen, status="OPTIMAL", solver="ortools.min_cost_flow", started=started,
        objective=objective, gap=0.0, bound=objective,
    )
    logger.info(
        "min-cost flow: %d pairs, %d assigned, %.3f s", len(prep.pairs), result.n_assigned, result.wall_time_s
    )
    return result

"""SROI-aware assignment with OR-Tools CP-SAT (split from :mod:`matching.optimize.flow`).

Maximises expected durable placements plus a concave bonus for covering each project's
outstanding SROI obligation (no reward beyond it), with an optional cap per employer and
minimum shares per target group; warm-started with min-cost-flow solutions. The integer scale
and tie rules are those documented in :mod:`matching.optimize.flow`, which re-exports
:func:`solve_sroi_assignment`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model, cp_model_helper

from matching.core.errors import DataError, SolverError
from matching.optimize.flow import (
    _DEFAULTS,
    _INT_LIMIT,
    AssignmentResult,
    PreparedPairs,
    _examples,
    _scaled_weights,
    _solve_flow,
    build_result,
    prepare_pairs,
)

logger = logging.getLogger(__name__)

CPSAT_STATUS_MESSAGES: Mapping[str, str | None] = {
    "OPTIMAL": None,
    "FEASIBLE": None,
    "INFEASIBLE": "the constraints contradict each other (check locked pairs against "
    "max_per_employer and min_share)",
    "MODEL_INVALID": "CP-SAT rejected the model as invalid",
    "UNKNOWN": "CP-SAT found no solution within the time limit; raise time_limit_s",
}
"""Every ``CpSolverStatus``; ``None`` means a usable solution, a message means SolverError."""


# --------------------------------------------------------------------------- CP-SAT (SROI)


def cpsat_status_error(status_name: str) -> SolverError | None:
    """Translate a CP-SAT status name into ``None`` (usable solution) or a SolverError.

    Examples
    --------
    >>> cpsat_status_error("FEASIBLE") is None
    True
    >>> isinstance(cpsat_status_error("UNKNOWN"), SolverError)
    True
    """
    if status_name not in CPSAT_STATUS_MESSAGES:
        return SolverError(f"CP-SAT returned unknown status {status_name!r}")
    message = CPSAT_STATUS_MESSAGES[status_name]
    return None if message is None else SolverError(f"{message} (status {status_name})")



def _lookup(mapping: Mapping[Any, Any] | pd.Series, keys: np.ndarray) -> np.ndarray:
    series = mapping if isinstance(mapping, pd.Series) else pd.Series(dict(mapping), dtype=object)
    return series.reindex(pd.Index(keys, dtype=object)).to_numpy(dtype=object)


@dataclass
class _SroiData:
    """Checked SROI inputs, aligned with the rows of :class:`PreparedPairs`."""

    projects: list[Any]
    """Every project named in ``outstanding`` or ``project_of`` (sorted by ``str``)."""
    outstanding: np.ndarray
    """EUR outstanding per project in ``projects``."""
    project: np.ndarray
    """Project code per pair row (index into ``projects``); -1 when the vacancy has none."""
    value: np.ndarray
    """EUR per pair row (float, as given)."""
    employer: np.ndarray | None
    """Employer code per *vacancy code* when ``max_per_employer`` is set."""
    employer_names: list[Any]
    group: np.ndarray | None
    """Group code per pair row (-1: no group) when ``min_share`` is set."""
    shares: list[tuple[Any, Fraction]]


def _check_sroi_inputs(
    prep: PreparedPairs,
    value_column: str,
    project_of: Mapping[Any, Any] | pd.Series,
    outstanding: Mapping[Any, float] | pd.Series,
    max_per_employer: int | None,
    employer_of: Mapping[Any, Any] | pd.Series | None,
    min_share: Mapping[Any, float] | None,
    group_of: Mapping[Any, Any] | pd.Series | None,
) -> _SroiData:
    value = prep.pairs[value_column].to_numpy(dtype=float)
    if (value < 0).any():
        raise DataError(f"pairs column {value_column!r} must be ≥ 0 EUR; bad row(s) {_examples(np.flatnonzero(value < 0))}")
    out = (outstanding if isinstance(outstanding, pd.Series) else pd.Series(dict(outstanding), dtype=object))
    out = pd.to_numeric(out, errors="coerce").astype(float)
    bad = out.isna() | (out < 0) | ~np.isfinite(out)
    if bad.any():
        raise DataError(f"outstanding must be a finite EUR amount ≥ 0 per project; bad: {_examples(out.index[bad].tolist())}")
    vac_project = _lookup(project_of, prep.vacancies)
    projects = sorted(set(out.index) | {p for p in vac_project if not pd.isna(p)}, key=str)
    project_index = pd.Index(projects, dtype=object)
    vac_project_code = np.where(
        pd.isna(vac_project), -1, project_index.get_indexer(pd.Index(vac_project, dtype=object))
    )
    employer, employer_names = None, []
    if max_per_employer is not None:
        if employer_of is None:
            raise DataError("max_per_employer needs employer_of (vacancy → employer)")
        if int(max_per_employer) != max_per_employer or max_per_employer < 0:
            raise DataError(f"max_per_employer must be a whole number ≥ 0, got {max_per_employer!r}")
        vac_employer = _lookup(employer_of, prep.vacancies)
        used = np.unique(prep.vac)
        unknown = [prep.vacancies[v] for v in used if pd.isna(vac_employer[v])]
        if unknown:
            raise DataError(f"employer_of has no employer for vacancy {_examples(unknown)}")
        filled = np.where(pd.isna(vac_employer), "", vac_employer).astype(object)
        codes, names = pd.factorize(pd.Series(filled, dtype=object), sort=True)
        employer, employer_names = codes.astype(np.int64), list(names)
        locks = np.bincount(employer[prep.vac[prep.locked]], minlength=len(employer_names))
        over = [f"{employer_names[e]!r} ({n} locked)" for e, n in enumerate(locks) if n > max_per_employer]
        if over:
            raise DataError(f"locked pairs exceed max_per_employer={max_per_employer} at employer {', '.join(over)}")
    group, shares = None, []
    if min_share:
        if group_of is None:
            raise DataError("min_share needs group_of (candidate → target group)")
        for g in sorted(min_share, key=str):
            share = float(min_share[g])
            if not 0 <= share <= 1:
                raise DataError(f"min_share[{g!r}] must be a fraction in [0, 1], got {min_share[g]!r}")
            shares.append((g, Fraction(share).limit_denominator(1000)))
        cand_group = pd.Index(_lookup(group_of, prep.candidates), dtype=object)
        group = pd.Index([g for g, _ in shares], dtype=object).get_indexer(cand_group)[prep.cand]
    return _SroiData(
        projects=projects,
        outstanding=out.reindex(project_index, fill_value=0.0).to_numpy(dtype=float),
        project=vac_project_code[prep.vac],
        value=value,
        employer=employer,
        employer_names=employer_names,
        group=group,
        shares=shares,
    )


def _covered(data: _SroiData, chosen: np.ndarray) -> np.ndarray:
    rows = chosen & (data.project >= 0)
    return np.bincount(data.project[rows], weights=data.value[rows], minlength=len(data.projects))


def _sroi_objective(prep: PreparedPairs, data: _SroiData, chosen: np.ndarray, sroi_weight: float) -> float:
    """The float objective: chosen weights plus ``sroi_weight`` × capped coverage shares."""
    covered, out = _covered(data, chosen), data.outstanding
    share = np.minimum(covered[out > 0] / out[out > 0], 1.0)
    return float(prep.weight[chosen].sum()) + sroi_weight * float(share.sum())


def _share_deficit(data: _SroiData, chosen: np.ndarray) -> np.ndarray:
    """Per ``min_share`` group: ``num · placed − den · placed_in_group`` (> 0 means violated)."""
    if data.group is None:
        return np.zeros(0, dtype=np.int64)
    total = int(chosen.sum())
    counts = np.bincount(data.group[chosen & (data.group >= 0)], minlength=len(data.shares))
    return np.array(
        [share.numerator * total - share.denominator * int(counts[code])
         for code, (_, share) in enumerate(data.shares)],
        dtype=np.int64,
    )


def _drop_for_shares(prep: PreparedPairs, data: _SroiData, chosen: np.ndarray) -> np.ndarray:
    """Unassign the lowest-weight placements outside a short group until the shares hold."""
    chosen = chosen.copy()
    for _ in range(int(chosen.sum())):
        deficit = _share_deficit(data, chosen)
        if (deficit <= 0).all():
            break
        short = int(np.argmax(deficit))
        drop = np.flatnonzero(chosen & ~prep.locked & (data.group != short))
        if len(drop) == 0:
            break
        chosen[drop[np.lexsort((drop, prep.weight[drop]))[0]]] = False
    return chosen


def _sroi_warm_start(
    prep: PreparedPairs, data: _SroiData, sroi_weight: float, weight_scale: int, employer_cap: int | None,
    rounds: int = 4, price_rounds: int = 15,
) -> np.ndarray:
    """A good starting assignment by repeated min-cost flow (deterministic heuristic).

    1. Target-group shares: raise a bonus on the weights of each short group's pairs until
       the flow meets every ``min_share`` (Lagrangian style; finally unassign low-weight
       placements outside short groups if the bonuses do not suffice).
    2. SROI coverage: each round gives every pair its weight plus the coverage it would add
       to its project given the other placements of the best assignment so far, solves the
       flow again (employer caps are exact in the network) and keeps the result if its
       true objective is higher and the shares still hold.
    3. Project prices: ``price_rounds`` flows in which each project pays a price per EUR
       of (capped) value, lowered when the project ends over-covered and raised when it
       ends under-covered; the best share-feasible assignment seen is kept.

    CP-SAT proves the rest.
    """
    def solve(weight: np.ndarray) -> np.ndarray:
        return _solve_flow(prep, weight_scale, weight=weight, employer=data.employer, employer_cap=employer_cap)

    def feasible(chosen: np.ndarray) -> bool:
        return bool((_share_deficit(data, chosen) <= 0).all())

    def with_bonus(bonus: np.ndarray) -> np.ndarray:
        return prep.weight + np.where(data.group >= 0, bonus[np.maximum(data.group, 0)], 0.0)

    base = prep.weight
    best = solve(base)
    if data.group is not None and not feasible(best):
        bonus = np.zeros(len(data.shares))
        step = 0.05 * float(np.abs(prep.weight).max(initial=1.0))
        for _ in range(12):  # grow the bonus of short groups until the shares hold ...
            short = _share_deficit(data, best) > 0
            if not short.any():
                break
            bonus[short] += step
            step *= 1.6
            best = solve(with_bonus(bonus))
        if feasible(best):  # ... then shrink all bonuses together as far as they still hold
            low, high = 0.0, 1.0
            for _ in range(8):
                middle = (low + high) / 2
                trial = solve(with_bonus(middle * bonus))
                if feasible(trial):
                    high, best = middle, trial
                else:
                    low = middle
            base = with_bonus(high * bonus)
        else:
            best = _drop_for_shares(prep, data, best)
    best_value = _sroi_objective(prep, data, best, sroi_weight)
    has_project = data.project >= 0
    out = np.where(data.outstanding > 0, data.outstanding, np.inf)
    if sroi_weight <= 0 or not (data.outstanding > 0).any():
        return best
    for damping in np.linspace(1.0, 0.5, rounds):
        covered = _covered(data, best)
        current = np.where(has_project, covered[np.maximum(data.project, 0)] - data.value * best, 0.0)
        need = np.where(has_project, out[np.maximum(data.project, 0)], np.inf)
        gain = np.where(has_project, (np.minimum(current + data.value, need) - np.minimum(current, need)) / need, 0.0)
        candidate = solve(base + damping * sroi_weight * gain)
        value = _sroi_objective(prep, data, candidate, sroi_weight)
        if value > best_value + 0.5 / weight_scale and feasible(candidate):
            best, best_value = candidate, value
    # Price adjustment: each project pays a price per EUR covered (at most its full bonus
    # per EUR); over-covered projects lower their price, under-covered ones raise it.
    project = np.maximum(data.project, 0)
    capped_value = np.where(has_project, np.minimum(data.value, data.outstanding[project]), 0.0)
    top_price = np.where(data.outstanding > 0, sroi_weight / np.where(data.outstanding > 0, data.outstanding, 1.0), 0.0)
    price = top_price.copy()
    for _ in range(price_rounds):
        candidate = solve(base + price[project] * capped_value)
        value = _sroi_objective(prep, data, candidate, sroi_weight)
        if value > best_value + 0.5 / weight_scale and feasible(candidate):
            best, best_value = candidate, value
        covered = _covered(data, candidate)
        over, under = covered > data.outstanding, covered < data.outstanding
        price = np.where(over, 0.8 * price, np.where(under, np.minimum(1.15 * price, top_price), price))
    return best


class _ProtoModel:
    """Writes a CP-SAT model straight into its ``CpModelProto`` with bulk array operations.

    The typed ``CpModel`` API creates one Python object per variable and per term; at 170k
    pair variables that costs about 6 s of a 60 s budget. This writer fills the same
    proto fields (variables, ``at_most_one``, ``linear``, objective, hint) from numpy arrays
    in well under a second; the model is validated before solving.
    """

    def __init__(self) -> None:
        self.model = cp_model.CpModel()
        self.proto = self.model.proto

    def new_vars(self, count: int, lower: int, upper: int) -> np.ndarray:
        first = len(self.proto.variables)
        template = cp_model_helper.IntegerVariableProto()
        template.domain.extend([int(lower), int(upper)])
        self.proto.variables.extend([template] * count)
        return np.arange(first, first + count, dtype=np.int64)

    def fix(self, index: int, value: int) -> None:
        var = self.proto.variables[int(index)]
        var.domain.clear()
        var.domain.extend([int(value), int(value)])

    def at_most_one(self, literals: np.ndarray) -> None:
        self.proto.constraints.add().at_most_one.literals.extend(literals.tolist())

    def linear(self, variables: np.ndarray, coeffs: np.ndarray, lower: int, upper: int) -> None:
        linear = self.proto.constraints.add().linear
        linear.vars.extend(np.asarray(variables).tolist())
        linear.coeffs.extend(np.asarray(coeffs, dtype=np.int64).tolist())
        linear.domain.extend([int(lower), int(upper)])

    def maximize(self, variables: np.ndarray, coeffs: np.ndarray) -> None:
        objective = self.proto.objective
        objective.vars.extend(np.asarray(variables).tolist())
        objective.coeffs.extend((-np.asarray(coeffs, dtype=np.int64)).tolist())
        objective.scaling_factor = -1.0

    def hint(self, variables: np.ndarray, values: np.ndarray) -> None:
        self.proto.solution_hint.vars.extend(np.asarray(variables).tolist())
        self.proto.solution_hint.values.extend(np.asarray(values, dtype=np.int64).tolist())


_INT64_MAX = np.iinfo(np.int64).max


def solve_sroi_assignment(
    pairs: pd.DataFrame,
    capacity: Mapping[Any, int] | pd.Series,
    *,
    project_of: Mapping[Any, Any] | pd.Series,
    outstanding: Mapping[Any, float] | pd.Series,
    sroi_weight: float = _DEFAULTS.sroi_weight,
    value_column: str = "sroi_value",
    max_per_employer: int | None = None,
    employer_of: Mapping[Any, Any] | pd.Series | None = None,
    min_share: Mapping[Any, float] | None = None,
    group_of: Mapping[Any, Any] | pd.Series | None = None,
    locked: pd.DataFrame | None = None,
    forbidden: pd.DataFrame | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
    deterministic: bool = False,
    gap_limit: float = 0.0,
    cpsat_params: Mapping[str, Any] | None = None,
    weight_scale: int = _DEFAULTS.weight_scale,
) -> AssignmentResult:
    """SROI-aware assignment by CP-SAT: placements plus capped obligation coverage.

    Maximises ``Σ weight·x + sroi_weight · Σ_p min(covered_p, outstanding_p) / outstanding_p``
    where ``covered_p`` sums ``pairs[value_column]`` (EUR the pair contributes to its
    vacancy's project) over the chosen pairs of project ``p``. Projects with nothing
    outstanding add nothing, and coverage beyond the obligation earns nothing. Constraints:
    each candidate at most once, each vacancy at most its capacity, at most
    ``max_per_employer`` placements per employer (over all its vacancies), and for every
    target group ``g`` in ``min_share``: placed candidates of ``g`` ≥ share × all placed.

    The model is exact on the given pairs (integer scale: see the module docstring; the
    coverage share of a project is an integer ``y_p ∈ [0, round(sroi_weight ·
    weight_scale)]`` with ``outstanding_p · y_p ≤ round(sroi_weight · weight_scale) ·
    covered_p``, EUR rounded to whole euros). It is warm-started with a min-cost-flow
    assignment on linearised SROI gains.

    Parameters
    ----------
    pairs, capacity, locked, forbidden, weight_scale
        As in :func:`solve_assignment`; ``pairs`` also needs ``value_column``.
    project_of : mapping or pandas.Series
        Vacancy → project; a vacancy without a project earns no SROI bonus.
    outstanding : mapping or pandas.Series
        Project → outstanding obligation in EUR (missing means 0).
    sroi_weight : float, default from :class:`~matching.core.config.Settings`
        Objective units (expected placements) gained per fully covered project.
    value_column : str, default ``"sroi_value"``
        Column of ``pairs`` with each pair's EUR contribution (≥ 0).
    max_per_employer : int, optional
        Cap on placements per employer; needs ``employer_of`` (vacancy → employer)
        covering every vacancy in ``pairs``.
    min_share : mapping, optional
        Target group → minimum share of all placements (a fraction in [0, 1], taken as a
        fraction with denominator ≤ 1000); needs ``group_of`` (candidate → target group;
        a candidate missing there is in no group).
    time_limit_s : float, default 60
        Wall-clock budget of the whole call; CP-SAT gets what is left after building the
        model and the warm start (at least 1 s).
    num_workers, seed
        CP-SAT ``num_workers`` and ``random_seed``.
    deterministic : bool, default False
        Use CP-SAT's interleaved (deterministic) multi-worker search and cap the
        deterministic time at ``time_limit_s``: the same input, seed and workers then give
        the same assignment unless the wall-clock limit strikes first.
    gap_limit : float, default 0
        Stop as soon as the relative gap between solution and bound is at most this
        (CP-SAT ``relative_gap_limit``); e.g. ``0.005`` for "within 0.5 % of optimal".
    cpsat_params : mapping, optional
        Extra ``SatParameters`` fields set last, for tuning and diagnosis (e.g.
        ``{"log_search_progress": True}``); an unknown field is a DataError.

    Returns
    -------
    AssignmentResult
        ``status`` ``"OPTIMAL"`` or ``"FEASIBLE"``, with ``gap``, ``bound`` and ``coverage``.

    Raises
    ------
    DataError
        Invalid input, missing mappings, or locks that already break a cap.
    SolverError
        CP-SAT returned INFEASIBLE, MODEL_INVALID or UNKNOWN (no solution).

    Examples
    --------
    >>> pairs = pd.DataFrame({"candidate_id": ["ann", "ann"], "vacancy_id": ["v1", "v2"],
    ...                       "weight": [0.6, 0.5], "sroi_value": [0.0, 20_000.0]})
    >>> r = solve_sroi_assignment(pairs, {"v1": 1, "v2": 1}, project_of={"v2": "p2"},
    ...                           outstanding={"p2": 20_000}, sroi_weight=0.5)
    >>> r.assignments["vacancy_id"].tolist(), round(r.objective, 6), r.status
    (['v2'], 1.0, 'OPTIMAL')
    """
    started = time.perf_counter()
    prep = prepare_pairs(pairs, capacity, locked=locked, forbidden=forbidden, extra_columns=[value_column])
    if not (np.isfinite(sroi_weight) and sroi_weight >= 0):
        raise DataError(f"sroi_weight must be a finite number ≥ 0, got {sroi_weight!r}")
    data = _check_sroi_inputs(
        prep, value_column, project_of, outstanding, max_per_employer, employer_of, min_share, group_of
    )
    employer_cap = None if max_per_employer is None else int(max_per_employer)

    # ---- integer data: one variable per row a solver may choose (locked ones fixed to 1)
    rows = np.flatnonzero(prep.eligible & (prep.capacity[prep.vac] > 0))
    n = len(rows)
    w_int = _scaled_weights(prep.weight[rows], weight_scale, n + len(data.projects) + 1)
    bonus_scale = round(sroi_weight * weight_scale)
    value_eur = np.rint(data.value[rows]).astype(np.int64)
    out_eur = np.rint(data.outstanding).astype(np.int64)
    if bonus_scale * (int(value_eur.sum()) + int(out_eur.max(initial=0))) >= _INT_LIMIT:
        raise DataError(f"SROI values overflow int64 at weight_scale {weight_scale}; lower it")

    builder = _ProtoModel()
    x = builder.new_vars(n, 0, 1)
    for i in np.flatnonzero(prep.locked[rows]):
        builder.fix(x[i], 1)
    cand_r, vac_r = prep.cand[rows], prep.vac[rows]
    for members in np.split(np.arange(n), np.flatnonzero(np.diff(cand_r)) + 1):
        if len(members) > 1:
            builder.at_most_one(x[members])
    by_vac = np.argsort(vac_r, kind="stable")
    for members in np.split(by_vac, np.flatnonzero(np.diff(vac_r[by_vac])) + 1):
        cap = int(prep.capacity[vac_r[members[0]]]) if len(members) else 0
        if len(members) > cap:
            builder.linear(x[members], np.ones(len(members)), 0, cap)
    if data.employer is not None and employer_cap is not None:
        emp_r = data.employer[vac_r]
        by_emp = np.argsort(emp_r, kind="stable")
        for members in np.split(by_emp, np.flatnonzero(np.diff(emp_r[by_emp])) + 1):
            if len(members) > employer_cap:
                builder.linear(x[members], np.ones(len(members)), 0, employer_cap)
    if data.group is not None and n:
        group_r = data.group[rows]
        for code, (_, share) in enumerate(data.shares):
            if share > 0:  # den · Σ_{g} x − num · Σ x ≥ 0
                coeffs = np.where(group_r == code, share.denominator, 0) - share.numerator
                builder.linear(x, coeffs, 0, _INT64_MAX)
    cover_vars, cover_projects, project_r = [], [], data.project[rows]
    if bonus_scale > 0:
        for p in np.flatnonzero(out_eur > 0):
            members = np.flatnonzero((project_r == p) & (value_eur > 0))
            if len(members):
                y = builder.new_vars(1, 0, bonus_scale)
                # out_p · y_p − bonus_scale · Σ min(value, out_p) · x ≤ 0. Capping each value
                # at out_p changes no integer solution (y_p ≤ bonus_scale anyway) but
                # tightens the LP relaxation: no fraction of one big placement covers it all.
                capped = np.minimum(value_eur[members], out_eur[p])
                builder.linear(
                    np.concatenate([y, x[members]]),
                    np.concatenate([[out_eur[p]], -bonus_scale * capped]),
                    -_INT64_MAX, 0,
                )
                cover_vars.append(y)
                cover_projects.append(p)
    cover = np.concatenate(cover_vars) if cover_vars else np.zeros(0, dtype=np.int64)
    builder.maximize(np.concatenate([x, cover]), np.concatenate([w_int, np.ones(len(cover), np.int64)]))

    warm = _sroi_warm_start(prep, data, sroi_weight, weight_scale, employer_cap)
    in_project = warm[rows] & (project_r >= 0)
    capped_eur = np.minimum(value_eur, out_eur[np.maximum(project_r, 0)]) if len(out_eur) else value_eur
    warm_eur = np.bincount(project_r[in_project], weights=capped_eur[in_project], minlength=len(data.projects))
    cover_hint = [min(bonus_scale, bonus_scale * int(warm_eur[p]) // int(out_eur[p])) for p in cover_projects]
    builder.hint(np.concatenate([x, cover]), np.concatenate([warm[rows], cover_hint]).astype(np.int64))
    invalid = builder.model.validate()
    if invalid:
        raise SolverError(f"{CPSAT_STATUS_MESSAGES['MODEL_INVALID']}: {invalid}")

    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(1.0, float(time_limit_s) - (time.perf_counter() - started))
    params.num_workers = int(num_workers)
    params.random_seed = int(seed)
    params.relative_gap_limit = float(gap_limit)
    # Presolve is off: on 170k pair variables it spends 6-14 s (probing, symmetry, overlap
    # detection) without tightening the LP bound, and its dual reductions make the warm
    # start infeasible for the presolved model, so the search would start from scratch.
    params.cp_model_presolve = False
    if deterministic:
        params.interleave_search = True
        params.max_deterministic_time = float(time_limit_s)
    for key, value in (cpsat_params or {}).items():
        try:
            setattr(params, key, value)
        except (AttributeError, TypeError, ValueError) as exc:
            raise DataError(f"cpsat_params: {key}={value!r} is not a valid CP-SAT parameter ({exc})") from exc
    status = solver.solve(builder.model)
    status_name = solver.status_name(status)
    error = cpsat_status_error(status_name)
    if error is not None:
        raise error

    if status_name == "OPTIMAL" and solver.best_objective_bound > solver.objective_value:
        status_name = "FEASIBLE"  # stopped by gap_limit, not proven optimal
    chosen = np.zeros(len(prep.pairs), dtype=bool)
    chosen[rows] = np.asarray(solver.response_proto.solution, dtype=np.int64)[:n] > 0
    objective = _sroi_objective(prep, data, chosen, sroi_weight)
    if _sroi_objective(prep, data, warm, sroi_weight) > objective and (_share_deficit(data, warm) <= 0).all():
        chosen, objective = warm, _sroi_objective(prep, data, warm, sroi_weight)
    # Rounding: ≤ 0.5 per placed weight, ≤ 1.5 units per project share (floor of y_p and
    # rounding of sroi_weight · weight_scale); the model rounds EUR to whole euros.
    max_placed = min(n, len(prep.candidates), int(prep.capacity.sum()))
    slack = (0.5 * max_placed + 1.5 * len(cover)) / weight_scale
    bound = max(objective, solver.best_objective_bound / weight_scale + slack)
    gap = 0.0 if status_name == "OPTIMAL" else (bound - objective) / max(1.0, abs(objective))
    covered = _covered(data, chosen)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(data.outstanding > 0, np.minimum(covered / data.outstanding, 1.0), np.nan)
    coverage = pd.DataFrame({
        "project_id": pd.Series(data.projects, dtype=object), "outstanding_eur": data.outstanding,
        "covered_eur": covered, "covered_share": share,
    })
    logger.info(
        "CP-SAT SROI: %d pair variables, %d projects, status %s, gap %.4f, %.3f s",
        n, len(cover), status_name, gap, time.perf_counter() - started,
    )
    return build_result(
        prep, chosen, status=status_name, solver="ortools.cp_sat", started=started,
        objective=objective, gap=gap, bound=bound, coverage=coverage,
    )


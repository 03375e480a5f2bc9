"""SROI-aware assignment with OR-Tools CP-SAT (split from :mod:`matching.optimize.flow`).

Maximises expected durable placements plus a concave bonus for covering each project's
outstanding SROI obligation (no reward beyond it), with an optional cap per employer and
minimum shares per target group; warm-started with min-cost-flow solutions
(:func:`matching.optimize.sroi_data.sroi_warm_start`). The integer scale and tie rules are
those documented in :mod:`matching.optimize.flow`.

The model is built with the public ``ortools.sat.python.cp_model`` API only (``CpModel``,
``new_bool_var``, ``add_at_most_one``, ``add_linear_constraint``, ``maximize`` with
``LinearExpr.weighted_sum``, ``add_hint``; solver settings via ``CpSolver.parameters``).
What to solve is split in two frozen dataclasses: :class:`SroiObligations` (the mappings:
vacancy → project, project → outstanding EUR, vacancy → employer, candidate → group) and
:class:`SroiParams` (objective weight, caps, shares, scale and solver settings);
:func:`solve_sroi` takes them, :func:`solve_sroi_assignment` is the keyword-argument form.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from matching.core.errors import DataError, SolverError
from matching.optimize.flow import (
    _DEFAULTS,
    _INT_LIMIT,
    AssignmentResult,
    PreparedPairs,
    _scaled_weights,
    build_result,
    prepare_pairs,
)
from matching.optimize.sroi_data import (
    SroiData,
    check_sroi_inputs,
    covered_eur,
    share_deficit,
    sroi_objective,
    sroi_warm_start,
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


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, eq=False)
class SroiObligations:
    """The SROI mappings a solve needs beyond the pairs (see :func:`solve_sroi_assignment`).

    Examples
    --------
    >>> SroiObligations(project_of={"v1": "p1"}, outstanding={"p1": 10_000.0}).employer_of is None
    True
    """

    project_of: Mapping[Any, Any] | pd.Series
    """Vacancy → project; a vacancy without a project earns no SROI bonus."""
    outstanding: Mapping[Any, float] | pd.Series
    """Project → outstanding obligation in EUR (missing means 0)."""
    employer_of: Mapping[Any, Any] | pd.Series | None = None
    """Vacancy → employer; needed by :attr:`SroiParams.max_per_employer`."""
    group_of: Mapping[Any, Any] | pd.Series | None = None
    """Candidate → target group; needed by :attr:`SroiParams.min_share`."""


@dataclass(frozen=True)
class SroiParams:
    """How to solve: objective weight, caps and shares, integer scale and CP-SAT settings.

    The fields are the keyword arguments of :func:`solve_sroi_assignment` with the same names
    and defaults (documented there).

    Examples
    --------
    >>> SroiParams(time_limit_s=10).num_workers, SroiParams().value_column
    (2, 'sroi_value')
    """

    sroi_weight: float = _DEFAULTS.sroi_weight
    value_column: str = "sroi_value"
    max_per_employer: int | None = None
    min_share: Mapping[Any, float] | None = None
    time_limit_s: float = 60.0
    num_workers: int = 2
    seed: int = 0
    deterministic: bool = False
    gap_limit: float = 0.0
    cpsat_params: Mapping[str, Any] | None = None
    weight_scale: int = _DEFAULTS.weight_scale

    @property
    def employer_cap(self) -> int | None:
        """``max_per_employer`` as an ``int`` (``None``: no cap)."""
        return None if self.max_per_employer is None else int(self.max_per_employer)


# --------------------------------------------------------------------------- model


_INT64_MAX = np.iinfo(np.int64).max


@dataclass
class _SroiModel:
    """A built CP-SAT model and how its variables map back to the pairs."""

    model: cp_model.CpModel
    rows: np.ndarray
    """Rows of :class:`PreparedPairs` that have a variable (``x[i]`` is row ``rows[i]``)."""
    x: list[cp_model.IntVar]
    """One 0/1 variable per row in ``rows``; a locked row's domain is fixed to ``[1, 1]``."""
    cover: list[cp_model.IntVar]
    """Coverage share ``y_p`` per project in ``cover_projects``."""
    cover_projects: list[int]
    value_eur: np.ndarray
    """Whole EUR per variable row."""
    out_eur: np.ndarray
    """Whole EUR outstanding per project."""
    bonus_scale: int
    """``round(sroi_weight · weight_scale)``: the integer value of one fully covered project."""


def _add_sum_at_most(model: cp_model.CpModel, variables: list[cp_model.IntVar], cap: int) -> None:
    """``0 ≤ Σ variables ≤ cap``."""
    model.add_linear_constraint(cp_model.LinearExpr.sum(variables), 0, cap)


def _add_capacity_constraints(
    model: cp_model.CpModel, x: np.ndarray, groups: np.ndarray, caps: np.ndarray | int
) -> None:
    """``Σ x ≤ cap`` per value of ``groups`` (only where it can bind, i.e. more members than cap).

    ``caps`` is one cap per group code or one cap for all; members keep their row order.
    """
    order = np.argsort(groups, kind="stable")
    for members in np.split(order, np.flatnonzero(np.diff(groups[order])) + 1):
        if not len(members):
            continue
        cap = int(caps if np.isscalar(caps) else caps[groups[members[0]]])
        if len(members) > cap:
            _add_sum_at_most(model, x[members].tolist(), cap)


def _add_share_constraints(model: cp_model.CpModel, x: np.ndarray, group_r: np.ndarray, data: SroiData) -> None:
    """Per ``min_share`` group ``g`` with share ``num/den > 0``: ``den · Σ_g x − num · Σ x ≥ 0``."""
    for code, (_, share) in enumerate(data.shares):
        if share > 0:
            coeffs = np.where(group_r == code, share.denominator, 0) - share.numerator
            model.add_linear_constraint(cp_model.LinearExpr.weighted_sum(x.tolist(), coeffs.tolist()), 0, _INT64_MAX)


def _add_coverage(
    model: cp_model.CpModel, x: np.ndarray, project_r: np.ndarray, value_eur: np.ndarray,
    out_eur: np.ndarray, bonus_scale: int,
) -> tuple[list[cp_model.IntVar], list[int]]:
    """One share variable ``y_p ∈ [0, bonus_scale]`` per project that something can cover.

    ``out_p · y_p − bonus_scale · Σ min(value, out_p) · x ≤ 0``. Capping each value at
    ``out_p`` changes no integer solution (``y_p ≤ bonus_scale`` anyway) but tightens the LP
    relaxation: no fraction of one big placement covers it all. Returns the ``y`` variables
    and their project codes.
    """
    cover: list[cp_model.IntVar] = []
    cover_projects: list[int] = []
    if bonus_scale <= 0:
        return cover, cover_projects
    for p in np.flatnonzero(out_eur > 0):
        members = np.flatnonzero((project_r == p) & (value_eur > 0))
        if len(members):
            y = model.new_int_var(0, bonus_scale, "")
            capped = np.minimum(value_eur[members], out_eur[p])
            terms = [y, *x[members].tolist()]
            coeffs = [int(out_eur[p]), *(-bonus_scale * capped).tolist()]
            model.add_linear_constraint(cp_model.LinearExpr.weighted_sum(terms, coeffs), -_INT64_MAX, 0)
            cover.append(y)
            cover_projects.append(int(p))
    return cover, cover_projects


def _build_model(prep: PreparedPairs, data: SroiData, params: SroiParams) -> _SroiModel:
    """The CP-SAT model: variables, constraints and objective (see :func:`solve_sroi_assignment`)."""
    rows = np.flatnonzero(prep.eligible & (prep.capacity[prep.vac] > 0))
    n = len(rows)
    w_int = _scaled_weights(prep.weight[rows], params.weight_scale, n + len(data.projects) + 1)
    bonus_scale = round(params.sroi_weight * params.weight_scale)
    value_eur = np.rint(data.value[rows]).astype(np.int64)
    out_eur = np.rint(data.outstanding).astype(np.int64)
    if bonus_scale * (int(value_eur.sum()) + int(out_eur.max(initial=0))) >= _INT_LIMIT:
        raise DataError(f"SROI values overflow int64 at weight_scale {params.weight_scale}; lower it")

    model = cp_model.CpModel()
    locked = prep.locked[rows].tolist()
    x = np.empty(n, dtype=object)
    x[:] = [model.new_int_var(1, 1, "") if lock else model.new_bool_var("") for lock in locked]
    cand_r, vac_r = prep.cand[rows], prep.vac[rows]
    for members in np.split(np.arange(n), np.flatnonzero(np.diff(cand_r)) + 1):
        if len(members) > 1:  # each candidate at most once
            model.add_at_most_one(x[members].tolist())
    _add_capacity_constraints(model, x, vac_r, prep.capacity)
    if data.employer is not None and params.employer_cap is not None:
        _add_capacity_constraints(model, x, data.employer[vac_r], params.employer_cap)
    if data.group is not None and n:
        _add_share_constraints(model, x, data.group[rows], data)
    cover, cover_projects = _add_coverage(model, x, data.project[rows], value_eur, out_eur, bonus_scale)
    model.maximize(cp_model.LinearExpr.weighted_sum([*x.tolist(), *cover], [*w_int.tolist(), *[1] * len(cover)]))
    return _SroiModel(model=model, rows=rows, x=x.tolist(), cover=cover, cover_projects=cover_projects,
                      value_eur=value_eur, out_eur=out_eur, bonus_scale=bonus_scale)


def _add_warm_start_hint(built: _SroiModel, data: SroiData, warm: np.ndarray) -> None:
    """Hint every variable with the warm start: ``x`` as chosen, ``y_p`` its floored share."""
    project_r = data.project[built.rows]
    in_project = warm[built.rows] & (project_r >= 0)
    out_eur, value_eur, bonus = built.out_eur, built.value_eur, built.bonus_scale
    capped_eur = np.minimum(value_eur, out_eur[np.maximum(project_r, 0)]) if len(out_eur) else value_eur
    warm_eur = np.bincount(project_r[in_project], weights=capped_eur[in_project], minlength=len(data.projects))
    for var, value in zip(built.x, warm[built.rows].tolist(), strict=True):
        built.model.add_hint(var, int(value))
    for var, p in zip(built.cover, built.cover_projects, strict=True):
        built.model.add_hint(var, min(bonus, bonus * int(warm_eur[p]) // int(out_eur[p])))


def _solver(params: SroiParams, started: float) -> cp_model.CpSolver:
    """A ``CpSolver`` with the time left of the budget and the settings of ``params``."""
    solver = cp_model.CpSolver()
    settings = solver.parameters
    settings.max_time_in_seconds = max(1.0, float(params.time_limit_s) - (time.perf_counter() - started))
    settings.num_workers = int(params.num_workers)
    settings.random_seed = int(params.seed)
    settings.relative_gap_limit = float(params.gap_limit)
    # Presolve is off: on 170k pair variables it spends 6-14 s (probing, symmetry, overlap
    # detection) without tightening the LP bound, and its dual reductions make the warm
    # start infeasible for the presolved model, so the search would start from scratch.
    settings.cp_model_presolve = False
    if params.deterministic:
        settings.interleave_search = True
        settings.max_deterministic_time = float(params.time_limit_s)
    for key, value in (params.cpsat_params or {}).items():
        try:
            setattr(settings, key, value)
        except (AttributeError, TypeError, ValueError) as exc:
            raise DataError(f"cpsat_params: {key}={value!r} is not a valid CP-SAT parameter ({exc})") from exc
    return solver


def _coverage_frame(data: SroiData, chosen: np.ndarray) -> pd.DataFrame:
    """One row per project: outstanding, covered EUR and the covered share (capped at 1)."""
    covered = covered_eur(data, chosen)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(data.outstanding > 0, np.minimum(covered / data.outstanding, 1.0), np.nan)
    return pd.DataFrame({
        "project_id": pd.Series(data.projects, dtype=object), "outstanding_eur": data.outstanding,
        "covered_eur": covered, "covered_share": share,
    })


# --------------------------------------------------------------------------- solve


def solve_sroi(
    pairs: pd.DataFrame,
    capacity: Mapping[Any, int] | pd.Series,
    obligations: SroiObligations,
    params: SroiParams = SroiParams(),
    *,
    locked: pd.DataFrame | None = None,
    forbidden: pd.DataFrame | None = None,
) -> AssignmentResult:
    """SROI-aware assignment by CP-SAT; :func:`solve_sroi_assignment` with the inputs grouped.

    Examples
    --------
    >>> pairs = pd.DataFrame({"candidate_id": ["ann", "ann"], "vacancy_id": ["v1", "v2"],
    ...                       "weight": [0.6, 0.5], "sroi_value": [0.0, 20_000.0]})
    >>> r = solve_sroi(pairs, {"v1": 1, "v2": 1},
    ...                SroiObligations(project_of={"v2": "p2"}, outstanding={"p2": 20_000}),
    ...                SroiParams(sroi_weight=0.5))
    >>> r.assignments["vacancy_id"].tolist(), round(r.objective, 6), r.status
    (['v2'], 1.0, 'OPTIMAL')
    """
    started = time.perf_counter()
    prep = prepare_pairs(pairs, capacity, locked=locked, forbidden=forbidden, extra_columns=[params.value_column])
    sroi_weight = params.sroi_weight
    if not (np.isfinite(sroi_weight) and sroi_weight >= 0):
        raise DataError(f"sroi_weight must be a finite number ≥ 0, got {sroi_weight!r}")
    data = check_sroi_inputs(
        prep, params.value_column, obligations.project_of, obligations.outstanding, params.max_per_employer,
        obligations.employer_of, params.min_share, obligations.group_of,
    )
    built = _build_model(prep, data, params)
    warm = sroi_warm_start(prep, data, sroi_weight, params.weight_scale, params.employer_cap)
    _add_warm_start_hint(built, data, warm)
    invalid = built.model.validate()
    if invalid:
        raise SolverError(f"{CPSAT_STATUS_MESSAGES['MODEL_INVALID']}: {invalid}")

    solver = _solver(params, started)
    status_name = solver.status_name(solver.solve(built.model))
    error = cpsat_status_error(status_name)
    if error is not None:
        raise error
    if status_name == "OPTIMAL" and solver.best_objective_bound > solver.objective_value:
        status_name = "FEASIBLE"  # stopped by gap_limit, not proven optimal

    chosen = np.zeros(len(prep.pairs), dtype=bool)
    solution = np.asarray(solver.response_proto.solution, dtype=np.int64)
    chosen[built.rows] = solution[[var.index for var in built.x]] > 0
    objective = sroi_objective(prep, data, chosen, sroi_weight)
    if sroi_objective(prep, data, warm, sroi_weight) > objective and (share_deficit(data, warm) <= 0).all():
        chosen, objective = warm, sroi_objective(prep, data, warm, sroi_weight)
    # Rounding: ≤ 0.5 per placed weight, ≤ 1.5 units per project share (floor of y_p and
    # rounding of sroi_weight · weight_scale); the model rounds EUR to whole euros.
    n, n_cover = len(built.rows), len(built.cover)
    max_placed = min(n, len(prep.candidates), int(prep.capacity.sum()))
    slack = (0.5 * max_placed + 1.5 * n_cover) / params.weight_scale
    bound = max(objective, solver.best_objective_bound / params.weight_scale + slack)
    gap = 0.0 if status_name == "OPTIMAL" else (bound - objective) / max(1.0, abs(objective))
    logger.info(
        "CP-SAT SROI: %d pair variables, %d projects, status %s, gap %.4f, %.3f s",
        n, n_cover, status_name, gap, time.perf_counter() - started,
    )
    return build_result(
        prep, chosen, status=status_name, solver="ortools.cp_sat", started=started,
        objective=objective, gap=gap, bound=bound, coverage=_coverage_frame(data, chosen),
    )


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

    The keyword form of :func:`solve_sroi`: the arguments are gathered into
    :class:`SroiObligations` (``project_of``, ``outstanding``, ``employer_of``, ``group_of``)
    and :class:`SroiParams` (the rest but ``locked`` and ``forbidden``).

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
    obligations = SroiObligations(project_of=project_of, outstanding=outstanding,
                                  employer_of=employer_of, group_of=group_of)
    params = SroiParams(
        sroi_weight=sroi_weight, value_column=value_column, max_per_employer=max_per_employer,
        min_share=min_share, time_limit_s=time_limit_s, num_workers=num_workers, seed=seed,
        deterministic=deterministic, gap_limit=gap_limit, cpsat_params=cpsat_params,
        weight_scale=weight_scale,
    )
    return solve_sroi(pairs, capacity, obligations, params, locked=locked, forbidden=forbidden)

"""Training plan: which enrolments (candidate, course session) unlock the most durable placements.

The problem (:class:`TrainingProblem`) is given as index tables, built by the workflow
(:mod:`matching.workflows.plan_training`):

* ``pairs``: who can fill which vacancy *today* (``cand``, ``vac``, ``weight`` = the
  durable-placement probability);
* ``sessions``: course start dates (``course``, ``start``, ``end`` as day numbers, ``seats``,
  ``cost_eur``);
* ``options``: who may enrol in which session (``cand``, ``session``): the person lacks what the
  course gives, is available when it starts and can reach it;
* ``trained``: the pairs a course opens or improves (``cand``, ``vac``, ``course``, ``weight``
  after the course), usable only through a session that ends on or before the vacancy starts.

:func:`solve_training_plan` chooses enrolments within the budget and the seats so that the
expected number of durable placements of the best assignment afterwards is largest. The
model is a mixed-integer program, solved to proven optimality (zero gap) with HiGHS through
OR-Tools' model builder::

    max  Σ w_u y_u + Σ w_t y_t − ε Σ cost_o z_o
    s.t. Σ_{u∋c} y_u + Σ_{o∋c} z_o ≤ 1                  each person: one job, or one course
         Σ_{u∋v} y_u + Σ_{t∋v} y_t ≤ positions_v         each vacancy
         Σ_{t∋(c,k)} y_t ≤ Σ_{o∋(c,k)} z_o               trained jobs only after that course
         y_t ≤ Σ_{o∋(c,k), end_o ≤ start_v} z_o          ... through a session that ends in time
         Σ_{o∋s} z_o ≤ seats_s                            seats per session
         Σ cost_o z_o ≤ budget
         z ∈ {0, 1},  0 ≤ y ≤ 1

A person takes at most one course (the candidate row) and fills at most one vacancy. For fixed
enrolments the rest is a bipartite b-matching, whose linear relaxation is integral, so only
the enrolments are integer variables. ``ε`` (:attr:`TrainingProblem.cost_epsilon`, per euro)
only breaks ties: of two plans with the same expected placements the cheaper one wins, and an
enrolment that unlocks nothing is never bought. :func:`evaluate_plan` scores any set of
enrolments (a baseline's, or the optimum's) with the exact min-cost-flow assignment, so every
method is judged by the same yardstick.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder as mb

from matching.core.errors import DataError, SolverError
from matching.optimize.flow import solve_assignment

__all__ = [
    "PlanEvaluation",
    "TrainingPlan",
    "TrainingProblem",
    "evaluate_plan",
    "most_requested_first",
    "near_misses_first",
    "solve_training_plan",
]


@dataclass(frozen=True)
class TrainingProblem:
    """One planning instance as integer-indexed tables (see the module docstring).

    Candidates are ``0 .. n_candidates - 1``, vacancies ``0 .. len(capacity) - 1``, sessions
    the rows of ``sessions`` (a ``RangeIndex``), courses any integer code.
    """

    n_candidates: int
    capacity: np.ndarray
    """Positions per vacancy (int)."""
    vacancy_start: np.ndarray
    """Start day of each vacancy (days since 1970-01-01): a trained person needs a session
    that ends on or before it."""
    pairs: pd.DataFrame
    """``cand``, ``vac``, ``weight``: eligible today, without training."""
    sessions: pd.DataFrame
    """``course``, ``start``, ``end``, ``seats``, ``cost_eur``."""
    options: pd.DataFrame
    """``cand``, ``session``: allowed enrolments."""
    trained: pd.DataFrame
    """``cand``, ``vac``, ``course``, ``weight``: pairs a course opens or improves."""
    cost_epsilon: float = 1e-7
    """Objective penalty per euro spent (tie-break only; see the module docstring)."""

    def check(self) -> None:
        """Raise :class:`DataError` naming the first inconsistent table."""
        n_c, n_v, n_s = self.n_candidates, len(self.capacity), len(self.sessions)
        checks = (
            ("pairs", self.pairs, {"cand": n_c, "vac": n_v}),
            ("options", self.options, {"cand": n_c, "session": n_s}),
            ("trained", self.trained, {"cand": n_c, "vac": n_v}),
        )
        for name, frame, ranges in checks:
            for col, n in ranges.items():
                if col not in frame.columns:
                    raise DataError(f"training problem: {name} needs a {col!r} column")
                values = frame[col].to_numpy()
                if len(values) and (values.min() < 0 or values.max() >= n):
                    raise DataError(f"training problem: {name}.{col} out of range 0..{n - 1}")
        for name, frame in (("pairs", self.pairs), ("trained", self.trained)):
            w = frame["weight"].to_numpy(dtype=float)
            if len(w) and (not np.isfinite(w).all() or (w < 0).any() or (w > 1).any()):
                raise DataError(f"training problem: {name}.weight must lie in [0, 1]")
        if self.pairs.duplicated(["cand", "vac"]).any():
            raise DataError("training problem: a (cand, vac) pair occurs twice in pairs")
        if self.trained.duplicated(["cand", "vac", "course"]).any():
            raise DataError("training problem: a (cand, vac, course) occurs twice in trained")
        if self.options.duplicated(["cand", "session"]).any():
            raise DataError("training problem: an option occurs twice")
        s = self.sessions
        if len(s) and ((s["seats"] < 0).any() or (s["cost_eur"] < 0).any()
                       or (s["end"] < s["start"]).any()):
            raise DataError("training problem: sessions need seats >= 0, cost >= 0, end >= start")


@dataclass
class PlanEvaluation:
    """The best assignment once a set of enrolments has been made (:func:`evaluate_plan`)."""

    expected_durable: float
    assignments: pd.DataFrame
    """``cand``, ``vac``, ``weight``, ``session`` (-1: without training)."""
    spent_eur: float


@dataclass
class TrainingPlan:
    """The optimal plan (:func:`solve_training_plan`)."""

    enrolments: pd.DataFrame
    """``cand``, ``session``, ``course``, ``cost_eur``."""
    evaluation: PlanEvaluation
    baseline_durable: float
    """Expected durable placements of the best assignment without any training."""
    budget_eur: float
    status: str
    """``OPTIMAL`` (zero gap) or ``FEASIBLE`` (time limit reached; ``gap`` says how far)."""
    objective: float
    bound: float
    gap: float
    solve_s: float
    build_s: float
    size: dict[str, int] = field(default_factory=dict)

    @property
    def expected_durable(self) -> float:
        return self.evaluation.expected_durable

    @property
    def gain(self) -> float:
        return self.evaluation.expected_durable - self.baseline_durable

    @property
    def spent_eur(self) -> float:
        return float(self.enrolments["cost_eur"].sum())


# --------------------------------------------------------------------------- helpers
def _usable_trained(problem: TrainingProblem) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Trained pairs reachable through at least one option whose session ends in time.

    Returns the pairs (with ``row`` = their position) and the (pair row, option row) links
    of the sessions that end in time.
    """
    opts = problem.options.reset_index(drop=True)
    opts = opts.assign(opt=np.arange(len(opts)),
                       course=problem.sessions["course"].to_numpy()[opts["session"].to_numpy()],
                       end=problem.sessions["end"].to_numpy()[opts["session"].to_numpy()])
    trained = problem.trained.reset_index(drop=True)
    links = trained.assign(row=np.arange(len(trained))).merge(
        opts[["cand", "course", "opt", "end"]], on=["cand", "course"], how="inner")
    start = problem.vacancy_start[links["vac"].to_numpy()]
    links = links[links["end"].to_numpy() <= start]
    usable = np.unique(links["row"].to_numpy())
    trained = trained.iloc[usable].reset_index(drop=True)
    remap = np.full(len(problem.trained), -1, dtype=np.int64)
    remap[usable] = np.arange(len(usable))
    links = pd.DataFrame({"row": remap[links["row"].to_numpy()], "opt": links["opt"].to_numpy()})
    return trained, links


def _highs(time_limit_s: float, threads: int, seed: int) -> mb.Solver:
    solver = mb.Solver("highs")
    if not solver.solver_is_supported():  # pragma: no cover - OR-Tools builds without HiGHS
        solver = mb.Solver("scip")
        solver.set_time_limit_in_seconds(time_limit_s)
        return solver
    solver.set_solver_specific_parameters(
        f"output_flag=false\nmip_rel_gap=0\nmip_abs_gap=1e-9\nthreads={max(1, threads)}\n"
        f"random_seed={seed}")
    solver.set_time_limit_in_seconds(time_limit_s)
    return solver


# --------------------------------------------------------------------------- evaluation
def evaluate_plan(problem: TrainingProblem, enrolments: pd.DataFrame) -> PlanEvaluation:
    """The best assignment (exact min-cost flow) given these enrolments (``cand``, ``session``).

    An enrolled person may fill any vacancy they are eligible for today, or a vacancy their
    course opens or improves if it starts on or after the session's end (the better weight of
    the two counts); everyone else only today's pairs.
    """
    enrolments = enrolments[["cand", "session"]].reset_index(drop=True)
    if enrolments["cand"].duplicated().any():
        raise DataError("a person is enrolled in two sessions")
    sessions = problem.sessions
    spent = float(sessions["cost_eur"].to_numpy()[enrolments["session"].to_numpy()].sum()) \
        if len(enrolments) else 0.0
    base = problem.pairs[["cand", "vac", "weight"]].assign(session=-1)
    parts = [base]
    if len(enrolments):
        e = enrolments.assign(
            course=sessions["course"].to_numpy()[enrolments["session"].to_numpy()],
            end=sessions["end"].to_numpy()[enrolments["session"].to_numpy()])
        t = problem.trained.merge(e, on=["cand", "course"], how="inner")
        t = t[t["end"].to_numpy() <= problem.vacancy_start[t["vac"].to_numpy()]]
        parts.append(t[["cand", "vac", "weight", "session"]])
    allowed = pd.concat(parts, ignore_index=True)
    allowed = allowed.sort_values(["cand", "vac", "weight"], ascending=[True, True, False],
                                  kind="mergesort").drop_duplicates(["cand", "vac"])
    allowed = allowed[allowed["weight"] > 0]
    if allowed.empty:
        empty = pd.DataFrame({"cand": [], "vac": [], "weight": [], "session": []})
        return PlanEvaluation(0.0, empty.astype({"cand": int, "vac": int, "session": int}), spent)
    result = solve_assignment(
        allowed.rename(columns={"cand": "candidate_id", "vac": "vacancy_id"})[
            ["candidate_id", "vacancy_id", "weight"]],
        pd.Series(problem.capacity, index=np.arange(len(problem.capacity))))
    chosen = result.assignments.rename(columns={"candidate_id": "cand", "vacancy_id": "vac"})
    chosen = chosen[["cand", "vac"]].astype(np.int64).merge(
        allowed.astype({"cand": np.int64, "vac": np.int64}), on=["cand", "vac"], how="left")
    chosen = chosen.sort_values(["vac", "cand"], kind="mergesort").reset_index(drop=True)
    return PlanEvaluation(float(chosen["weight"].sum()), chosen, spent)


# --------------------------------------------------------------------------- the optimum
def solve_training_plan(problem: TrainingProblem, budget_eur: float, *,
                        time_limit_s: float = 120.0, threads: int = 2,
                        seed: int = 0) -> TrainingPlan:
    """The enrolments within ``budget_eur`` and the seats that maximise expected durable
    placements (see the module docstring for the model).

    Raises
    ------
    DataError
        An inconsistent problem or a negative budget.
    SolverError
        The solver found no feasible plan (it always exists: enrol nobody) or failed.
    """
    if not np.isfinite(budget_eur) or budget_eur < 0:
        raise DataError(f"the budget must be a non-negative amount, got {budget_eur}")
    problem.check()
    t0 = time.perf_counter()
    trained, links = _usable_trained(problem)
    options = problem.options.reset_index(drop=True)
    sessions = problem.sessions
    o_sess = options["session"].to_numpy()
    o_cand = options["cand"].to_numpy()
    o_cost = sessions["cost_eur"].to_numpy(dtype=float)[o_sess]
    o_course = sessions["course"].to_numpy()[o_sess]
    pairs = problem.pairs.reset_index(drop=True)
    n_o, n_u, n_t = len(options), len(pairs), len(trained)
    n_c, n_v, n_s = problem.n_candidates, len(problem.capacity), len(sessions)

    # Only options that can lead somewhere are variables (others are never worth buying).
    useful = np.zeros(n_o, dtype=bool)
    if len(links):
        useful[np.unique(links["opt"].to_numpy())] = True

    z = np.arange(n_o)
    yu = n_o + np.arange(n_u)
    yt = n_o + n_u + np.arange(n_t)
    n_var = n_o + n_u + n_t
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    ub: list[np.ndarray] = []
    row0 = 0

    def block(r: np.ndarray, c: np.ndarray, v: np.ndarray | float) -> None:
        rows.append(np.asarray(r, dtype=np.int64))
        cols.append(np.asarray(c, dtype=np.int64))
        vals.append(np.broadcast_to(np.asarray(v, dtype=float), np.shape(r)).copy())

    # Candidate rows.
    block(row0 + pairs["cand"].to_numpy(), yu, 1.0)
    block(row0 + o_cand, z, 1.0)
    ub.append(np.ones(n_c))
    row0 += n_c
    # Vacancy rows.
    block(row0 + pairs["vac"].to_numpy(), yu, 1.0)
    block(row0 + trained["vac"].to_numpy(), yt, 1.0)
    ub.append(problem.capacity.astype(float))
    row0 += n_v
    # (candidate, course) rows.
    ck_t = trained["cand"].to_numpy().astype(np.int64) * (int(o_course.max(initial=0)) + 1) \
        + trained["course"].to_numpy()
    ck_o = o_cand.astype(np.int64) * (int(o_course.max(initial=0)) + 1) + o_course
    keys, inverse = np.unique(np.concatenate([ck_t, ck_o]), return_inverse=True)
    block(row0 + inverse[:n_t], yt, 1.0)
    block(row0 + inverse[n_t:], z, -1.0)
    ub.append(np.zeros(len(keys)))
    row0 += len(keys)
    # Timing rows, only where some session of that course ends too late for the vacancy.
    if n_t:
        n_ok = np.bincount(links["row"].to_numpy(), minlength=n_t)
        n_all = np.bincount(inverse[n_t:], minlength=len(keys))[inverse[:n_t]]
        late = np.flatnonzero(n_ok < n_all)
        if len(late):
            r_of = np.full(n_t, -1, dtype=np.int64)
            r_of[late] = np.arange(len(late))
            block(row0 + r_of[late], yt[late], 1.0)
            lk = links[r_of[links["row"].to_numpy()] >= 0]
            block(row0 + r_of[lk["row"].to_numpy()], z[lk["opt"].to_numpy()], -1.0)
            ub.append(np.zeros(len(late)))
            row0 += len(late)
    # Seats.
    block(row0 + o_sess, z, 1.0)
    ub.append(sessions["seats"].to_numpy(dtype=float))
    row0 += n_s
    # Budget.
    block(np.full(n_o, row0), z, o_cost)
    ub.append(np.array([float(budget_eur)]))
    row0 += 1

    matrix = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                           shape=(row0, n_var))
    objective = np.concatenate([-problem.cost_epsilon * o_cost,
                                pairs["weight"].to_numpy(dtype=float),
                                trained["weight"].to_numpy(dtype=float)])
    upper = np.ones(n_var)
    upper[z[~useful]] = 0.0
    model = mb.Model()
    model.helper.fill_model_from_sparse_data(np.zeros(n_var), upper, objective,
                                             np.full(row0, -np.inf), np.concatenate(ub), matrix)
    model.helper.set_maximize(True)
    for i in z[useful]:
        model.helper.set_var_integrality(int(i), True)
    build_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    solver = _highs(time_limit_s, threads, seed)
    status = solver.solve(model)
    solve_s = time.perf_counter() - t1
    if status not in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
        raise SolverError(
            f"the training planner's MIP ended with status {status.name} after "
            f"{solve_s:.0f} s (time limit {time_limit_s:.0f} s) on {int(useful.sum())} "
            f"enrolment options and {n_u + n_t} pairs: no plan to report; give more time "
            "(--time-limit) or a shorter horizon")
    values = solver.values(model.get_variables()).to_numpy()
    chosen = np.flatnonzero(values[:n_o] > 0.5)
    enrolments = pd.DataFrame({
        "cand": o_cand[chosen].astype(np.int64), "session": o_sess[chosen].astype(np.int64),
        "course": o_course[chosen], "cost_eur": o_cost[chosen]})
    evaluation = evaluate_plan(problem, enrolments)
    # Enrolments whose person ends up in a job that needs no course are not bought (they
    # cannot occur at the optimum because of the cost tie-break, unless the solver stopped).
    kept = set(evaluation.assignments.loc[evaluation.assignments["session"] >= 0, "cand"])
    enrolments = enrolments[enrolments["cand"].isin(kept)].reset_index(drop=True)
    evaluation = evaluate_plan(problem, enrolments)
    baseline = evaluate_plan(problem, enrolments.iloc[:0]).expected_durable
    objective_value = float(solver.objective_value)
    bound = float(solver.best_objective_bound)
    gap = abs(bound - objective_value) / max(1.0, abs(objective_value))
    proven = status == mb.SolveStatus.OPTIMAL
    return TrainingPlan(
        enrolments=enrolments, evaluation=evaluation, baseline_durable=baseline,
        budget_eur=float(budget_eur), status="OPTIMAL" if proven else "FEASIBLE",
        objective=objective_value, bound=bound, gap=0.0 if proven else gap,
        solve_s=solve_s, build_s=build_s,
        size={"options": int(useful.sum()), "pairs": n_u, "trained_pairs": n_t,
              "rows": int(row0), "nonzeros": int(matrix.nnz)})


# --------------------------------------------------------------------------- baselines
def _fill(problem: TrainingProblem, budget_eur: float,
          wanted: list[tuple[int, int, int]]) -> pd.DataFrame:
    """Enrol in order: each ``(cand, course, first_day_needed)`` in the earliest session of that
    course the person may take, that ends by that day and has a seat, while the money lasts
    (an enrolment that does not fit the rest of the budget is skipped)."""
    sessions = problem.sessions
    seats = sessions["seats"].to_numpy(dtype=np.int64).copy()
    cost = sessions["cost_eur"].to_numpy(dtype=float)
    s_course = sessions["course"].to_numpy()
    s_end = sessions["end"].to_numpy()
    order = problem.options.sort_values(["cand", "session"], kind="mergesort")
    o_cand = order["cand"].to_numpy()
    o_sess = order["session"].to_numpy()
    first = np.searchsorted(o_cand, np.arange(problem.n_candidates + 1))
    cheapest = float(cost.min()) if len(cost) else np.inf
    left = float(budget_eur)
    taken: dict[int, int] = {}
    for cand, course, need_by in wanted:
        if left + 1e-9 < cheapest:
            break
        if cand in taken:
            continue
        mine = o_sess[first[cand]:first[cand + 1]]
        ok = mine[(s_course[mine] == course) & (s_end[mine] <= need_by) & (seats[mine] > 0)
                  & (cost[mine] <= left + 1e-9)]
        if not len(ok):
            continue
        s = int(ok[np.lexsort((ok, cost[ok], s_end[ok]))[0]])
        taken[cand] = s
        seats[s] -= 1
        left -= cost[s]
    out = pd.DataFrame({"cand": list(taken), "session": list(taken.values())}, dtype=np.int64)
    return out.assign(course=sessions["course"].to_numpy()[out["session"].to_numpy()],
                      cost_eur=cost[out["session"].to_numpy()])


def _unlocking(problem: TrainingProblem) -> pd.DataFrame:
    """Trained pairs the person cannot fill today at all (a near miss: only the course lacks)."""
    today = problem.pairs[["cand", "vac"]].assign(today=True)
    t = problem.trained.merge(today, on=["cand", "vac"], how="left")
    return t[t["today"].isna()].drop(columns="today")


def near_misses_first(problem: TrainingProblem, budget_eur: float) -> pd.DataFrame:
    """Baseline "near misses first": the people who miss only what a course gives for a
    vacancy, best predicted fit first, each trained for that vacancy, until the money runs out.
    """
    t = _unlocking(problem)
    t = t.assign(need_by=problem.vacancy_start[t["vac"].to_numpy()])
    t = t.sort_values(["weight", "cand", "vac"], ascending=[False, True, True], kind="mergesort")
    wanted = list(zip(t["cand"].to_numpy().tolist(), t["course"].to_numpy().tolist(),
                      t["need_by"].to_numpy().tolist(), strict=True))
    return _fill(problem, budget_eur, wanted)


def most_requested_first(problem: TrainingProblem, budget_eur: float,
                         course_order: list[int], travel_km: pd.Series) -> pd.DataFrame:
    """Baseline "train for the most requested missing certificate, nearest people first".

    ``course_order``: courses (their codes in ``sessions.course``) from the most requested
    missing certificate down. For each in turn, the people it would unlock a vacancy for,
    nearest first (``travel_km`` of each trained pair, by its position in ``trained``), are
    enrolled until the vacancies needing it are covered or its seats run out; then the next.
    """
    t = _unlocking(problem)
    t = t.assign(km=travel_km.reindex(t.index).to_numpy(dtype=float),
                 need_by=problem.vacancy_start[t["vac"].to_numpy()])
    wanted: list[tuple[int, int, int]] = []
    for course in course_order:
        rows = t[t["course"] == course]
        if rows.empty:
            continue
        demand = int(problem.capacity[np.unique(rows["vac"].to_numpy())].sum())
        nearest = rows.sort_values(["km", "cand", "vac"], kind="mergesort").drop_duplicates("cand")
        # Each person is trained in time for the latest-starting vacancy the course opens for them.
        latest = rows.groupby("cand")["need_by"].max()
        wanted.extend((int(c), int(course), int(latest[c]))
                      for c in nearest["cand"].to_numpy()[:demand])
    return _fill(problem, budget_eur, wanted)

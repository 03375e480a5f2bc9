"""Use case: plan training from the regional tender calendar (``sroi-match plan-training``).

Steps: demand in the horizon (open vacancies and the tender calendar, :mod:`matching.model.demand`)
→ profiles of the pool, the open and the forecast vacancies → today's pairs, scored by the
model → for each course, the pairs it would open or improve: the person's profile *after* the
course (its certificates, skills, Dutch or education level added) blocked and scored again →
sessions (course start dates inside the horizon) and who may take them → the exact plan
(:func:`matching.optimize.training.solve_training_plan`) and the two baselines, each scored by
the same exact assignment → explanations per enrolment, orders per provider, the
demand/supply table and the budget curve.

Decisions where the issue is silent (documented in ``docs/training.md``):

* a person takes at most one course in the horizon, and the course must be reachable
  (within their ``max_travel_km``; a course without a location is reachable from anywhere);
* a trained person counts only for vacancies that start on or after the session's last day;
  a vacancy without a start date, or one that started already, needs someone now;
* courses that give the same thing (two providers of B-VCA) open the same pairs; each keeps
  its own seats, dates, price and location;
* a pair counts for the plan when its probability after the course is at least ``min_score``
  and better than today's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from features.blocking import iter_candidate_pairs
from features.geo import haversine_km
from features.profile_types import CandidateProfiles, Profiles
from features.profiles import NO_DATE, build_profiles
from features.spec import PAIR_INDEX
from matching.core.config import Settings
from matching.core.errors import DataError
from matching.data.dataset import Dataset
from matching.model.demand import DemandForecast, forecast_demand
from matching.model.scoring import score_features
from matching.optimize.training import (
    TrainingPlan,
    TrainingProblem,
    evaluate_plan,
    most_requested_first,
    near_misses_first,
    solve_training_plan,
)

__all__ = ["BASELINES", "PlanOptions", "TrainingPlanRun", "plan_training"]

Progress = Callable[[str], contextlib.AbstractContextManager]

BASELINES = ("most_requested_nearest", "near_misses_first")
"""The baselines run beside the optimum, in this order."""
PROBE_PREFIX = "~course~"
IMPROVES_BY = 1e-3
"""A trained pair counts when its probability beats today's by at least this much."""


@contextlib.contextmanager
def _no_progress(_label: str) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class PlanOptions:
    """Options of one planning run (documented in the CLI help)."""

    budget_eur: float
    horizon_months: int = 12
    as_of: str | None = None
    """Planning date; default the dataset's extraction date, else today (never later)."""
    time_limit_s: float = 120.0
    explain: bool = True
    budget_curve: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0)
    """Budgets (as multiples of ``budget_eur``) of the gain-per-euro chart."""
    trained_per_vacancy: int | None = 30
    """Per course and vacancy, the people considered for it after the course: the best by
    required-skill coverage, then the nearest (``None``: everyone). Bounds the pairs scored
    at region scale; the price of this pruning is measured in ``benchmarks`` (on the sample
    the optimum is the same, see docs/training.md)."""


@dataclass
class TrainingPlanRun:
    """Everything one planning run produced (written by :mod:`matching.reports.training_report`)."""

    summary: dict[str, Any]
    enrolments: pd.DataFrame
    orders: pd.DataFrame
    demand_occupation: pd.DataFrame
    demand_certificate: pd.DataFrame
    budget_curve: pd.DataFrame
    baselines: dict[str, pd.DataFrame]
    forecast: DemandForecast
    plan: TrainingPlan
    problem: TrainingProblem
    timings: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- dates
def _as_of(dataset: Dataset, options: PlanOptions) -> pd.Timestamp:
    today = pd.Timestamp(dt.date.today())
    raw = options.as_of or dataset.extraction_date
    if raw is None:
        return today
    try:
        day = pd.Timestamp(raw).normalize()
    except (ValueError, TypeError) as exc:
        raise DataError(f"--as-of must be a date (YYYY-MM-DD), got {raw!r}") from exc
    return min(day, today)


def _day(ts: pd.Timestamp) -> int:
    return int((ts - pd.Timestamp("1970-01-01")).days)


# --------------------------------------------------------------------------- inputs
def _probes(courses: pd.DataFrame, template: pd.Series) -> pd.DataFrame:
    """One inactive pseudo-candidate per course: its gifts encoded by the profile pipeline."""
    rows = []
    for course in courses.itertuples(index=False):
        row = template.copy()
        row["candidate_id"] = f"{PROBE_PREFIX}{course.course_id}"
        row["postcode"] = course.postcode
        row["municipality_code"] = course.municipality_code
        if pd.isna(course.postcode) and pd.isna(course.municipality_code):
            row["postcode"] = template["postcode"]
            row["municipality_code"] = template["municipality_code"]
        row["skills"] = tuple(course.skills)
        row["certificates"] = tuple(course.certificates)
        row["occupations"] = ()
        row["education_level"] = course.education_level
        row["dutch_level"] = course.dutch_level
        row["status"] = "inactive"
        row["support_needs"] = ()
        row["available_from"] = pd.NaT
        rows.append(row)
    return pd.DataFrame(rows).reset_index(drop=True)


def _sessions(courses: pd.DataFrame, group_of: np.ndarray, as_of: pd.Timestamp,
              horizon_end: pd.Timestamp) -> pd.DataFrame:
    rows = []
    for k, course in enumerate(courses.itertuples(index=False)):
        length = math.ceil(float(course.duration_weeks) * 7.0)
        for start in course.start_dates:
            start = pd.Timestamp(start)
            end = start + pd.Timedelta(days=max(length - 1, 0))
            if start < as_of or end > horizon_end:
                continue
            rows.append({"course": int(group_of[k]), "course_row": k, "start": _day(start),
                         "end": _day(end), "seats": int(course.seats),
                         "cost_eur": float(course.cost_eur), "start_date": start,
                         "end_date": end})
    cols = ["course", "course_row", "start", "end", "seats", "cost_eur", "start_date", "end_date"]
    return pd.DataFrame(rows, columns=cols)


def _take(cands: CandidateProfiles, idx: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    n = len(cands)
    for f in dataclasses.fields(cands):
        value = getattr(cands, f.name)
        if isinstance(value, np.ndarray) and value.shape[:1] == (n,):
            out[f.name] = value[idx].copy()
        elif isinstance(value, tuple) and len(value) == n:
            out[f.name] = tuple(value[i] for i in idx)
        else:
            out[f.name] = value
    return out


def _trained_profiles(profiles: Profiles, cand_idx: np.ndarray, probe: int) -> Profiles:
    """The candidates ``cand_idx`` as they would be after the course of probe row ``probe``."""
    c = profiles.candidates
    fields = _take(c, cand_idx)
    fields["certificates"] = fields["certificates"] | c.certificates[probe]
    fields["skills"] = fields["skills"] | c.skills[probe]
    for name in ("dutch_rank", "education_rank", "startkwalificatie"):
        gift = getattr(c, name)[probe]
        if not np.isnan(gift):
            fields[name] = np.fmax(fields[name], gift)
    fields["available_from"] = np.full(len(cand_idx), NO_DATE, dtype=c.available_from.dtype)
    fields["certificate_ids"] = tuple(tuple(dict.fromkeys(ids + c.certificate_ids[probe]))
                                      for ids in fields["certificate_ids"])
    fields["skill_ids"] = tuple(tuple(dict.fromkeys(ids + c.skill_ids[probe]))
                                for ids in fields["skill_ids"])
    return dataclasses.replace(profiles, candidates=CandidateProfiles(**fields))


def _lacks(c: CandidateProfiles, cand: np.ndarray, probe: int) -> np.ndarray:
    """Which of ``cand`` lack something the course of ``probe`` gives."""
    lacks = ((c.certificates[probe] & ~c.certificates[cand]) != 0).any(axis=1)
    lacks |= ((c.skills[probe] & ~c.skills[cand]) != 0).any(axis=1)
    for name in ("dutch_rank", "education_rank"):
        gift = getattr(c, name)[probe]
        if not np.isnan(gift):
            have = getattr(c, name)[cand]
            lacks |= np.isnan(have) | (have < gift)
    return lacks


def _asks_for(profiles: Profiles, probe: int) -> np.ndarray:
    """Vacancies that ask for something the course of ``probe`` gives."""
    c, v = profiles.candidates, profiles.vacancies
    asks = ((v.required_certificates & c.certificates[probe]) != 0).any(axis=1)
    asks |= (((v.required_skills | v.preferred_skills) & c.skills[probe]) != 0).any(axis=1)
    if not np.isnan(c.dutch_rank[probe]):
        asks |= np.nan_to_num(v.min_dutch_rank, nan=-1) > 0
    if not np.isnan(c.education_rank[probe]):
        asks |= ~np.isnan(v.min_education_rank)
    return asks


def _score_pairs(profiles: Profiles, model: Any, settings: Settings, cand: np.ndarray,
                 vac: np.ndarray, per_vacancy: int | None = None) -> pd.DataFrame:
    """Block, featurise and score; with ``per_vacancy``, only that many pairs per vacancy
    are scored: the best by required-skill coverage, then the nearest (see
    :attr:`PlanOptions.trained_per_vacancy`)."""
    cands, vacs, feats = [], [], []
    for block in iter_candidate_pairs(profiles, settings, candidates=cand, vacancies=vac):
        if len(block.cand_idx) == 0:
            continue
        cands.append(block.cand_idx.astype(np.int64))
        vacs.append(block.vac_idx.astype(np.int64))
        feats.append(block.features)
    if not cands:
        return pd.DataFrame({"cand": np.zeros(0, np.int64), "vac": np.zeros(0, np.int64),
                             "weight": np.zeros(0), "travel_km": np.zeros(0)})
    ci, vi = np.concatenate(cands), np.concatenate(vacs)
    X = np.concatenate(feats) if len(feats) > 1 else feats[0]
    travel = X[:, PAIR_INDEX["travel_km"]].astype(float)
    if per_vacancy is not None:
        coverage = X[:, PAIR_INDEX["required_skill_coverage"]]
        order = np.lexsort((ci, travel, -coverage, vi))
        ranked = vi[order]
        first = np.searchsorted(ranked, ranked, side="left")
        keep = np.sort(order[np.arange(len(order)) - first < per_vacancy])
        ci, vi, X, travel = ci[keep], vi[keep], X[keep], travel[keep]
    return pd.DataFrame({"cand": ci, "vac": vi,
                         "weight": score_features(model, X, n_jobs=settings.n_jobs),
                         "travel_km": travel})


# --------------------------------------------------------------------------- the run
def plan_training(dataset: Dataset, model: Any, settings: Settings | None = None, *,
                  options: PlanOptions, progress: Progress | None = None) -> TrainingPlanRun:
    """Plan enrolments within ``options.budget_eur`` over ``options.horizon_months``.

    Raises
    ------
    DataError
        No courses table, a budget or horizon out of range, or nothing to plan for.
    """
    settings = settings or Settings()
    progress = progress or _no_progress
    if not (options.budget_eur >= 0 and math.isfinite(options.budget_eur)):
        raise DataError(f"--budget must be a non-negative amount in euros, got {options.budget_eur}")
    if not 1 <= options.horizon_months <= 60:
        raise DataError(f"--horizon-months must be 1 to 60, got {options.horizon_months}")
    courses = dataset.courses.reset_index(drop=True)
    if courses.empty:
        raise DataError("the dataset has no courses table: add courses.csv (see "
                        "docs/data-contract.md, table courses) to plan training")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    as_of = _as_of(dataset, options)
    horizon_end = as_of + pd.DateOffset(months=options.horizon_months)
    pool = dataset.available_candidates.reset_index(drop=True)
    if pool.empty:
        raise DataError("no available candidates to train")
    probes = _probes(courses, pool.iloc[0])

    # Demand: the region's vacancies give each occupation's typical requirements.
    with progress("demand"):
        vac = dataset.vacancies
        starts = vac["start_date"]
        in_horizon = (vac["status"] == "open") & (starts.isna() | (starts <= horizon_end))
        open_vac = vac[in_horizon].reset_index(drop=True)
        history = build_profiles(dataclasses.replace(
            dataset, candidates=probes, placements=dataset.placements.iloc[:0]), settings)
        open_rows = np.flatnonzero(in_horizon.to_numpy())
        hv = history.vacancies
        vocab = history.vocabularies
        tenders = dataset.tenders.reset_index(drop=True)
        tender_codes = [[found[0] for term in terms if (found := vocab.occupation(term))]
                        for terms in tenders["occupations"]] if len(tenders) else []
        forecast = forecast_demand(
            tenders=tenders,
            open_occupations=[hv.occupation_code[i] for i in open_rows],
            open_certificates=[hv.certificate_ids[i] for i in open_rows],
            open_positions=open_vac["positions"].fillna(1).to_numpy(dtype=float),
            history_profiles=history, history_titles=vac["title"].reset_index(drop=True),
            pool=pool, valuation=dataset.valuation, tender_occupations=tender_codes,
            obligation_cap_eur=settings.obligation_cap_eur, as_of=as_of,
            horizon_end=horizon_end)
    timings["demand"] = time.perf_counter() - t0

    # The planning pool: the candidates (course probes last), open and forecast vacancies.
    t = time.perf_counter()
    with progress("profiles"):
        vacancies = open_vac
        if len(forecast.vacancies):
            vacancies = pd.concat([open_vac, forecast.vacancies.astype(
                {c: open_vac[c].dtype for c in ("hours_per_week", "positions", "contract_months")})],
                ignore_index=True)
        projects = pd.concat([dataset.projects, forecast.projects], ignore_index=True) \
            if len(forecast.projects) else dataset.projects
        planning = dataclasses.replace(
            dataset, candidates=pd.concat([pool, probes], ignore_index=True),
            vacancies=vacancies, projects=projects, placements=dataset.placements.iloc[:0])
        profiles = build_profiles(planning, settings)
    n_pool, n_vac = len(pool), len(vacancies)
    c, v = profiles.candidates, profiles.vacancies
    as_of_day = _day(as_of)
    vacancy_start = np.where(v.start_date == NO_DATE, as_of_day,
                             np.maximum(v.start_date.astype(np.int64), as_of_day))
    timings["profiles"] = time.perf_counter() - t

    # Today's pairs.
    t = time.perf_counter()
    with progress("scoring"):
        today = _score_pairs(profiles, model, settings, np.arange(n_pool), np.arange(n_vac))
        today = today[today["weight"] >= settings.min_score].reset_index(drop=True)
    timings["pairs_today"] = time.perf_counter() - t

    # Course groups: courses that give the same thing open the same pairs.
    probe_rows = n_pool + np.arange(len(courses))
    keys = [(c.certificates[p].tobytes(), c.skills[p].tobytes(), float(c.dutch_rank[p]),
             float(c.education_rank[p])) for p in probe_rows]
    group_ids: dict[tuple, int] = {}
    group_of = np.array([group_ids.setdefault(k, len(group_ids)) for k in keys], dtype=np.int64)
    sessions = _sessions(courses, group_of, as_of, horizon_end)

    t = time.perf_counter()
    trained_parts = []
    today_w = today.set_index(["cand", "vac"])["weight"]
    with progress("courses"):
        for g in range(len(group_ids)):
            g_sessions = sessions[sessions["course"] == g]
            if g_sessions.empty:
                continue
            probe = int(probe_rows[np.flatnonzero(group_of == g)[0]])
            earliest_end = int(g_sessions["end"].min())
            vac_g = np.flatnonzero(_asks_for(profiles, probe) & (vacancy_start >= earliest_end))
            cand_g = np.flatnonzero(_lacks(c, np.arange(n_pool), probe))
            if len(vac_g) == 0 or len(cand_g) == 0:
                continue
            after = _trained_profiles(profiles, cand_g, probe)
            scored = _score_pairs(after, model, settings, np.arange(len(cand_g)), vac_g,
                                  per_vacancy=options.trained_per_vacancy)
            scored["cand"] = cand_g[scored["cand"].to_numpy()]
            before = today_w.reindex(pd.MultiIndex.from_frame(scored[["cand", "vac"]])
                                     ).fillna(0.0).to_numpy()
            keep = (scored["weight"].to_numpy() >= settings.min_score) & (
                scored["weight"].to_numpy() >= before + IMPROVES_BY)
            trained_parts.append(scored[keep].assign(course=g, before=before[keep]))
    trained = pd.concat(trained_parts, ignore_index=True) if trained_parts else pd.DataFrame(
        {"cand": np.zeros(0, np.int64), "vac": np.zeros(0, np.int64), "weight": np.zeros(0),
         "travel_km": np.zeros(0), "course": np.zeros(0, np.int64), "before": np.zeros(0)})
    timings["pairs_trained"] = time.perf_counter() - t

    # Who may take which session: lacks the gift, has a pair it opens, available, in reach.
    options_frame = _options(profiles, courses, probe_rows, sessions, trained, settings)
    problem = TrainingProblem(
        n_candidates=n_pool, capacity=v.positions.astype(np.int64), vacancy_start=vacancy_start,
        pairs=today[["cand", "vac", "weight"]],
        sessions=sessions[["course", "start", "end", "seats", "cost_eur"]],
        options=options_frame, trained=trained[["cand", "vac", "course", "weight"]])

    t = time.perf_counter()
    with progress("solving"):
        plan = solve_training_plan(problem, options.budget_eur, time_limit_s=options.time_limit_s,
                                   threads=max(1, settings.n_jobs if settings.n_jobs > 0 else 2),
                                   seed=settings.seed)
    timings["solve"] = time.perf_counter() - t

    t = time.perf_counter()
    order = _course_order(forecast, profiles, probe_rows, group_of, len(group_ids))
    with progress("baselines"):
        baselines = _baselines(problem, options.budget_eur, order, trained["travel_km"])
        curve = _budget_curve(problem, options, plan, baselines, order, trained["travel_km"])
    timings["baselines"] = time.perf_counter() - t

    t = time.perf_counter()
    with progress("explaining"):
        enrolments = _explain(problem, plan, profiles, courses, sessions, trained, vacancies,
                              options.explain)
        orders = _orders(plan, courses, sessions)
        occupation = _supply(forecast.by_occupation, problem, plan, profiles)
    timings["explain"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    def figures(enrolled: pd.DataFrame) -> dict[str, Any]:
        ev = evaluate_plan(problem, enrolled)
        gain = ev.expected_durable - plan.baseline_durable
        return {"spent_eur": round(ev.spent_eur, 2), "enrolments": len(enrolled),
                "expected_durable": round(ev.expected_durable, 4),
                "expected_durable_gain": round(gain, 4),
                "gain_per_1000_eur": round(1000 * gain / ev.spent_eur, 4) if ev.spent_eur else None}

    summary = {
        "as_of": as_of.date().isoformat(), "horizon_end": horizon_end.date().isoformat(),
        "horizon_months": options.horizon_months, "budget_eur": round(options.budget_eur, 2),
        **figures(plan.enrolments[["cand", "session"]]),
        "expected_durable_without_training": round(plan.baseline_durable, 4),
        "solver": {"status": plan.status, "gap": plan.gap, "solve_s": round(plan.solve_s, 3),
                   "build_s": round(plan.build_s, 3), **plan.size},
        "pool": {"candidates": n_pool, "vacancies": n_vac,
                 "open_vacancies": len(open_vac), "forecast_vacancies": len(forecast.vacancies),
                 "positions": int(v.positions.sum()), "courses": len(courses),
                 "sessions": len(sessions), "pairs_today": len(today),
                 "pairs_after_training": len(trained), "options": len(options_frame)},
        "demand_sources": forecast.sources,
        "baselines": {name: figures(frame[["cand", "session"]]) for name, frame in baselines.items()},
        "timings_s": {k: round(x, 3) for k, x in timings.items()},
    }
    best = max((b["gain_per_1000_eur"] or 0.0) for b in summary["baselines"].values())
    mine = summary["gain_per_1000_eur"] or 0.0
    summary["gain_per_euro_vs_best_baseline"] = round(mine / best, 3) if best > 0 else None
    return TrainingPlanRun(summary, enrolments, orders, occupation, forecast.by_certificate,
                           curve, baselines, forecast, plan, problem, timings)


def _options(profiles: Profiles, courses: pd.DataFrame, probe_rows: np.ndarray,
             sessions: pd.DataFrame, trained: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    c = profiles.candidates
    rows = []
    if trained.empty or sessions.empty:
        return pd.DataFrame({"cand": np.zeros(0, np.int64), "session": np.zeros(0, np.int64)})
    people = trained.groupby("course")["cand"].unique()
    for s, session in sessions.iterrows():
        cands = people.get(session["course"])
        if cands is None:
            continue
        course = courses.iloc[int(session["course_row"])]
        free = c.available_from[cands].astype(np.int64)
        ok = (free == NO_DATE) | (free <= session["start"] + settings.availability_grace_days)
        if pd.notna(course["postcode"]) or pd.notna(course["municipality_code"]):
            probe = probe_rows[int(session["course_row"])]
            km = haversine_km(c.lat[cands], c.lon[cands], c.lat[probe], c.lon[probe])
            ok &= np.nan_to_num(km, nan=np.inf) <= c.max_travel_km[cands]
        rows.append(pd.DataFrame({"cand": cands[ok].astype(np.int64), "session": s}))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        {"cand": np.zeros(0, np.int64), "session": np.zeros(0, np.int64)})
    return out.astype(np.int64)


def _course_order(forecast: DemandForecast, profiles: Profiles, probe_rows: np.ndarray,
                  group_of: np.ndarray, n_groups: int) -> list[int]:
    """Certificate courses, the most requested certificate (open + forecast positions) first."""
    demand = forecast.by_certificate.set_index("certificate")["expected"]
    scores = []
    for g in range(n_groups):
        probe = int(probe_rows[np.flatnonzero(group_of == g)[0]])
        certs = profiles.candidates.certificate_ids[probe]
        if certs:
            scores.append((-float(sum(demand.get(x, 0.0) for x in certs)), g))
    return [g for _, g in sorted(scores)]


def _baselines(problem: TrainingProblem, budget: float, order: list[int],
               travel: pd.Series) -> dict[str, pd.DataFrame]:
    return {"most_requested_nearest": most_requested_first(problem, budget, order, travel),
            "near_misses_first": near_misses_first(problem, budget)}


def _budget_curve(problem: TrainingProblem, options: PlanOptions, plan: TrainingPlan,
                  baselines: dict[str, pd.DataFrame], order: list[int],
                  travel: pd.Series) -> pd.DataFrame:
    rows = []
    for factor in sorted(set(options.budget_curve) | {1.0}):
        budget = options.budget_eur * factor
        if factor == 1.0:
            opt, base = plan, baselines
        else:
            opt = solve_training_plan(problem, budget, time_limit_s=options.time_limit_s)
            base = _baselines(problem, budget, order, travel)
        methods = {"optimal": opt.enrolments[["cand", "session"]], **base}
        for name, frame in methods.items():
            ev = evaluate_plan(problem, frame[["cand", "session"]])
            gain = ev.expected_durable - plan.baseline_durable
            rows.append({"budget_eur": budget, "method": name, "spent_eur": ev.spent_eur,
                         "enrolments": len(frame), "gain": gain,
                         "gain_per_1000_eur": 1000 * gain / ev.spent_eur if ev.spent_eur else 0.0})
    return pd.DataFrame(rows)


def _explain(problem: TrainingProblem, plan: TrainingPlan, profiles: Profiles,
             courses: pd.DataFrame, sessions: pd.DataFrame, trained: pd.DataFrame,
             vacancies: pd.DataFrame, marginal: bool) -> pd.DataFrame:
    """One row per enrolment: the job it leads to, what it unlocks, its gain, the alternatives."""
    e = plan.enrolments
    cols = ["candidate_id", "course_id", "course", "provider", "start_date", "end_date",
            "cost_eur", "vacancy_id", "vacancy_title", "project_id", "probability_after",
            "probability_before", "expected_gain", "unlocks", "n_unlocked", "alternatives"]
    if e.empty:
        return pd.DataFrame(columns=cols)
    assigned = plan.evaluation.assignments.set_index("cand")
    ids = profiles.candidates.ids
    vac_ids = profiles.vacancies.ids
    total = plan.evaluation.expected_durable
    rows = []
    options = problem.options
    for row in e.itertuples(index=False):
        s = sessions.iloc[int(row.session)]
        course = courses.iloc[int(s["course_row"])]
        mine = trained[(trained["cand"] == row.cand) & (trained["course"] == row.course)]
        mine = mine[problem.vacancy_start[mine["vac"].to_numpy()] >= s["end"]]
        mine = mine.sort_values(["weight", "vac"], ascending=[False, True], kind="mergesort")
        job = assigned.loc[row.cand] if row.cand in assigned.index else None
        vac = int(job["vac"]) if job is not None else -1
        before = float(mine.loc[mine["vac"] == vac, "before"].max()) if vac >= 0 else 0.0
        if marginal:
            without = e[e["cand"] != row.cand][["cand", "session"]]
            gain = total - evaluate_plan(problem, without).expected_durable
        else:
            gain = float(job["weight"]) - before if job is not None else 0.0
        # Alternatives: people not enrolled whom the same course would fit for the same job.
        others = trained[(trained["vac"] == vac) & (trained["course"] == row.course)
                         & ~trained["cand"].isin(e["cand"])
                         & trained["cand"].isin(options.loc[options["session"] == row.session,
                                                            "cand"])]
        others = others.sort_values(["weight", "cand"], ascending=[False, True]).head(3)
        rows.append({
            "candidate_id": ids[row.cand], "course_id": course["course_id"],
            "course": course["name"], "provider": course["provider"],
            "start_date": s["start_date"].date(), "end_date": s["end_date"].date(),
            "cost_eur": float(row.cost_eur),
            "vacancy_id": vac_ids[vac] if vac >= 0 else None,
            "vacancy_title": vacancies["title"].iloc[vac] if vac >= 0 else None,
            "project_id": vacancies["project_id"].iloc[vac] if vac >= 0 else None,
            "probability_after": float(job["weight"]) if job is not None else None,
            "probability_before": before,
            "expected_gain": gain,
            "unlocks": tuple(vac_ids[mine["vac"].to_numpy()[:5]]),
            "n_unlocked": len(mine),
            "alternatives": tuple(f"{ids[int(a.cand)]} ({a.weight:.2f})"
                                  for a in others.itertuples(index=False)),
        })
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["start_date", "course_id", "candidate_id"], kind="mergesort"
                           ).reset_index(drop=True)


def _orders(plan: TrainingPlan, courses: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """What to book per provider: course, start date, participants, price, total."""
    cols = ["provider", "course_id", "course", "location", "start_date", "end_date",
            "participants", "seats", "price_eur", "total_eur"]
    if plan.enrolments.empty:
        return pd.DataFrame(columns=cols)
    counts = plan.enrolments.groupby("session").size()
    rows = []
    for s, n in counts.items():
        session = sessions.iloc[int(s)]
        course = courses.iloc[int(session["course_row"])]
        where = course["postcode"] if pd.notna(course["postcode"]) else course["municipality_code"]
        rows.append({"provider": course["provider"], "course_id": course["course_id"],
                     "course": course["name"], "location": where if pd.notna(where) else None,
                     "start_date": session["start_date"].date(),
                     "end_date": session["end_date"].date(), "participants": int(n),
                     "seats": int(session["seats"]), "price_eur": float(session["cost_eur"]),
                     "total_eur": float(session["cost_eur"]) * int(n)})
    return pd.DataFrame(rows, columns=cols).sort_values(
        ["provider", "start_date", "course_id"], kind="mergesort").reset_index(drop=True)


def _supply(by_occupation: pd.DataFrame, problem: TrainingProblem, plan: TrainingPlan,
            profiles: Profiles) -> pd.DataFrame:
    """Demand per occupation beside supply: people eligible today, filled without and with the plan."""
    codes = np.array([(x or "")[:4] for x in profiles.vacancies.occupation_code], dtype=object)
    pairs = problem.pairs
    eligible = pd.Series(pairs["cand"].to_numpy()).groupby(codes[pairs["vac"].to_numpy()]).nunique()
    without = evaluate_plan(problem, plan.enrolments.iloc[:0]).assignments
    filled0 = pd.Series(1, index=codes[without["vac"].to_numpy()]).groupby(level=0).sum() \
        if len(without) else pd.Series(dtype=float)
    with_plan = plan.evaluation.assignments
    filled1 = pd.Series(1, index=codes[with_plan["vac"].to_numpy()]).groupby(level=0).sum() \
        if len(with_plan) else pd.Series(dtype=float)
    out = by_occupation.copy()
    out["eligible_today"] = eligible.reindex(out["occupation"]).fillna(0).astype(int).to_numpy()
    out["filled_without_training"] = filled0.reindex(out["occupation"]).fillna(0).astype(int).to_numpy()
    out["filled_with_plan"] = filled1.reindex(out["occupation"]).fillna(0).astype(int).to_numpy()
    return out

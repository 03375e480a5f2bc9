"""Batch regional assignment: blocking → features → scores → optimiser → outputs.

One pool, every project: candidates are assigned to open vacancies across the whole region,
whatever municipality they live in. The exact core maximises the sum of calibrated
durable-placement probabilities (:func:`matching.optimize.solve_assignment`); the SROI-aware
mode adds a capped reward for covering each project's outstanding obligation
(:func:`matching.optimize.solve_sroi_assignment`). Three baselines run on the same pairs:
greedy (highest score first), local only (each candidate only to vacancies in their own
municipality, as without regional cooperation) and sequential shortlists.

Protected attributes never drive a decision: the solver's SROI values leave out the age bonus;
the coverage report uses the full official valuation (bonuses included).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from features.blocking import iter_candidate_pairs
from features.pairs import pair_details, pair_features
from features.profiles import build_profiles
from features.spec import FEATURE_NAMES, PAIR_COLUMNS, PAIR_INDEX
from matching.core.config import Settings
from matching.core.errors import DataError, ValidationError
from matching.data import reference
from matching.data.dataset import Dataset
from matching.data.schema import Problem
from matching.data.valuation import project_obligations
from matching.model.explain import explain_pairs
from matching.model.sanity import check_pool
from matching.model.scoring import score_features
from matching.optimize import AssignmentResult, solve_assignment, solve_sroi_assignment
from matching.optimize.baselines import greedy_assignment, sequential_assignment
from matching.texts.i18n import text
from matching.texts.phrases import percent, reasons_text
from matching.workflows.assign_summary import (
    AssignSummary,
    BaselineSummary,
    RunSettings,
    SanitySummary,
    SolverSummary,
    SroiPrice,
)

log = logging.getLogger(__name__)

Progress = Callable[[str], contextlib.AbstractContextManager]


@contextlib.contextmanager
def _no_progress(_label: str) -> Iterator[None]:
    yield


@dataclass
class AssignmentRun:
    """Everything one assignment run produced (written by
    :func:`matching.reports.assign_outputs.write_outputs`).

    ``summary`` is the typed :class:`~matching.workflows.assign_summary.AssignSummary`; the frames are
    the output tables; ``baselines`` holds each method's full solver result.
    """

    summary: AssignSummary
    assignments: pd.DataFrame
    pairs: pd.DataFrame
    unfilled: pd.DataFrame
    unassigned: pd.DataFrame
    coverage: pd.DataFrame
    flows: pd.DataFrame
    baselines: dict[str, AssignmentResult] = field(default_factory=dict)


@dataclass(frozen=True)
class AssignOptions:
    """Options of one run (documented in the CLI help and README)."""

    objective: str = "durable"
    min_score: float | None = None
    max_per_employer: int | None = None
    min_share: Mapping[str, float] | None = None
    time_limit_s: float = 60.0
    lang: str = "nl"
    explain: bool = True


# --------------------------------------------------------------------------- pair files
def read_pair_file(path: str, kind: str, dataset: Dataset) -> pd.DataFrame:
    """Read a locked / forbidden pairs file (CSV or XLSX with candidate_id, vacancy_id).

    Every unknown id or missing column is reported at once as a :class:`ValidationError`.
    """
    from matching.data.loading import read_table_file

    frame = read_table_file(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    problems: list[Problem] = []
    for col in ("candidate_id", "vacancy_id"):
        if col not in frame.columns:
            problems.append(Problem(path, None, col, None, "missing_column",
                                    f"{kind} pairs file needs a {col!r} column"))
    if problems:
        raise ValidationError(problems)
    frame = frame[["candidate_id", "vacancy_id"]].astype(str).map(str.strip)
    known = {"candidate_id": set(dataset.candidates["candidate_id"]),
             "vacancy_id": set(dataset.vacancies["vacancy_id"])}
    for col, ids in known.items():
        for row, value in frame[col].items():
            if value not in ids:
                problems.append(Problem(path, int(row), col, value, "dangling_reference",
                                        f"{value!r} is not a known {col.removesuffix('_id')}"))
    dup = frame.duplicated(keep="first")
    for row in frame.index[dup]:
        problems.append(Problem(path, int(row), "candidate_id", frame.at[row, "candidate_id"],
                                "duplicate_id", f"pair listed twice in the {kind} file"))
    if problems:
        raise ValidationError(problems)
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- pipeline
def _score_all_pairs(profiles: Any, model: Any, settings: Settings,
                     progress: Progress) -> tuple[pd.DataFrame, int]:
    """Block, featurise and score every pair in bounded-memory blocks."""
    parts = []
    raw = 0
    i_travel = PAIR_INDEX["travel_km"]
    i_value = PAIR_INDEX["sroi_value_eur"]
    with progress("scoring"):
        blocks = iter_candidate_pairs(
            profiles, settings, candidates=profiles.candidates.available,
            vacancies=profiles.vacancies.open, with_features=True)
        for block in blocks:
            raw += int(block.raw_pairs)
            if len(block.cand_idx) == 0:
                continue
            p = score_features(model, block.features, n_jobs=settings.n_jobs)
            parts.append(pd.DataFrame({
                "cand_idx": block.cand_idx.astype(np.int32),
                "vac_idx": block.vac_idx.astype(np.int32),
                "weight": p.astype(np.float64),
                "travel_km": block.features[:, i_travel].astype(np.float32),
                "sroi_value_eur": block.features[:, i_value].astype(np.float64),
            }))
    if parts:
        scored = pd.concat(parts, ignore_index=True)
    else:
        scored = pd.DataFrame({"cand_idx": np.zeros(0, np.int32), "vac_idx": np.zeros(0, np.int32),
                               "weight": np.zeros(0), "travel_km": np.zeros(0, np.float32),
                               "sroi_value_eur": np.zeros(0)})
    scored["candidate_id"] = profiles.candidates.ids[scored["cand_idx"].to_numpy()]
    scored["vacancy_id"] = profiles.vacancies.ids[scored["vac_idx"].to_numpy()]
    return scored, raw


def _locked_rows(profiles: Any, model: Any, locked: pd.DataFrame) -> pd.DataFrame:
    """Score locked pairs directly: an agreed match holds even if blocking would drop it."""
    ci = profiles.candidate_index(locked["candidate_id"]).astype(np.int64)
    vi = profiles.vacancy_index(locked["vacancy_id"]).astype(np.int64)
    feats = pair_features(profiles, ci, vi)
    p = score_features(model, feats) if len(ci) else np.zeros(0)
    return pd.DataFrame({
        "cand_idx": ci.astype(np.int32), "vac_idx": vi.astype(np.int32),
        "weight": np.maximum(p, 1e-6), "travel_km": feats[:, PAIR_INDEX["travel_km"]].astype(np.float32),
        "sroi_value_eur": feats[:, PAIR_INDEX["sroi_value_eur"]],
        "candidate_id": locked["candidate_id"].to_numpy(), "vacancy_id": locked["vacancy_id"].to_numpy(),
    })


def _expected(result: AssignmentResult, weights: pd.Series) -> float:
    if result.assignments.empty:
        return 0.0
    keys = pd.MultiIndex.from_frame(result.assignments[["candidate_id", "vacancy_id"]])
    return float(weights.reindex(keys).fillna(0.0).sum())


def _sanity(profiles: Any, model: Any, scored: pd.DataFrame) -> SanitySummary:
    """The model's sanity checks on this pool (:func:`matching.model.sanity.check_pool`)."""
    metadata = getattr(model, "metadata", None) or {}

    def features(rows: np.ndarray) -> pd.DataFrame:
        ci = scored["cand_idx"].to_numpy()[rows].astype(np.int64)
        vi = scored["vac_idx"].to_numpy()[rows].astype(np.int64)
        return pd.DataFrame(pair_features(profiles, ci, vi)[:, :len(FEATURE_NAMES)],
                            columns=list(FEATURE_NAMES))

    report = check_pool(metadata.get("feature_profile"), features,
                        scored["weight"].to_numpy(), scored["vac_idx"].to_numpy())
    for message in report.messages("en"):
        log.warning("sanity check: %s", message)
    out = report.to_dict()
    out["psi"] = {k: round(v, 3) for k, v in out["psi"].items()}
    for key in ("base_rate", "pool_rate", "saturated_share"):
        if out[key] is not None:
            out[key] = round(float(out[key]), 4)
    for w in out["warnings"]:
        for k, v in list(w.items()):
            if isinstance(v, float):
                w[k] = round(v, 4)
    return SanitySummary(**out)


def _gain_pct(value: float, reference: float) -> float | None:
    """Percent gain of ``value`` over ``reference`` (2 decimals); None when nothing to compare."""
    return round(100.0 * (value - reference) / reference, 2) if reference > 0 else None


def run_assignment(dataset: Dataset, model: Any, settings: Settings | None = None, *,
                   options: AssignOptions | None = None, locked: pd.DataFrame | None = None,
                   forbidden: pd.DataFrame | None = None,
                   progress: Progress | None = None) -> AssignmentRun:
    """Assign the region's available candidates to all open vacancies.

    Parameters
    ----------
    dataset : Dataset
    model : LoadedModel
        Calibrated durable-placement model.
    settings : Settings
    options : AssignOptions
        Objective, threshold, side constraints, time limit, language.
    locked, forbidden : DataFrame, optional
        Pairs (candidate_id, vacancy_id) already agreed (they use capacity) or never allowed.
    progress : callable, optional
        ``progress(label)`` returns a context manager around each long step (the CLI shows a
        spinner); nothing is shown by default.
    """
    settings = settings or Settings()
    options = options or AssignOptions()
    progress = progress or _no_progress
    min_score = settings.min_score if options.min_score is None else float(options.min_score)
    if not 0.0 <= min_score < 1.0:
        raise DataError(f"--min-score must be in [0, 1), got {min_score}")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    with progress("profiles"):
        profiles = build_profiles(dataset.active(), settings)
    timings["profiles"] = time.perf_counter() - t0

    t = time.perf_counter()
    scored, raw_pairs = _score_all_pairs(profiles, model, settings, progress)
    timings["block_features_score"] = time.perf_counter() - t
    sanity = _sanity(profiles, model, scored)

    vacancies = dataset.vacancies.set_index("vacancy_id", drop=False)
    candidates = dataset.candidates.set_index("candidate_id", drop=False)
    open_vac = vacancies[vacancies["status"] == "open"]
    capacity = open_vac["positions"].fillna(1).astype(int)

    locked = locked if locked is not None else pd.DataFrame(columns=["candidate_id", "vacancy_id"])
    forbidden = forbidden if forbidden is not None else pd.DataFrame(columns=["candidate_id", "vacancy_id"])
    check_locks(dataset, locked, forbidden)

    # Pairs given to the solver: above threshold, not forbidden, plus every locked pair.
    eligible = _without(scored[scored["weight"] >= min_score], forbidden)
    if len(locked):
        eligible = pd.concat([_without(eligible, locked), _locked_rows(profiles, model, locked)],
                             ignore_index=True)
    pairs = eligible.sort_values(["candidate_id", "vacancy_id"], kind="mergesort").reset_index(drop=True)
    codes = np.asarray(profiles.municipality_codes, dtype=object)
    pairs["home_gm"] = codes[profiles.candidates.municipality[pairs["cand_idx"].to_numpy()]]
    pairs["work_gm"] = codes[profiles.vacancies.municipality[pairs["vac_idx"].to_numpy()]]
    solver_pairs = pairs[["candidate_id", "vacancy_id", "weight"]]
    lock_arg = locked if len(locked) else None

    # Exact core (or SROI-aware mode).
    t = time.perf_counter()
    with progress("solving"):
        if options.objective == "durable":
            if options.max_per_employer or options.min_share:
                raise DataError("--max-per-employer and --min-share need --objective durable+sroi")
            result = solve_assignment(solver_pairs, capacity, locked=lock_arg,
                                      weight_scale=settings.weight_scale)
        elif options.objective == "durable+sroi":
            _check_shares(options.min_share, dataset)
            obligations = project_obligations(dataset.projects, settings).set_index("project_id")
            result = solve_sroi_assignment(
                pairs[["candidate_id", "vacancy_id", "weight", "sroi_value_eur"]].rename(
                    columns={"sroi_value_eur": "sroi_value"}),
                capacity,
                project_of=open_vac["project_id"].to_dict(),
                outstanding=obligations["outstanding_eur"].to_dict(),
                sroi_weight=settings.sroi_weight,
                max_per_employer=options.max_per_employer,
                employer_of=open_vac["employer_id"].to_dict(),
                min_share=dict(options.min_share) if options.min_share else None,
                group_of=candidates["target_group"].to_dict(),
                locked=lock_arg, time_limit_s=options.time_limit_s, seed=settings.seed,
            )
        else:
            raise DataError(f"unknown objective {options.objective!r}; use durable or durable+sroi")
    timings["solve"] = time.perf_counter() - t

    # Baselines on the same pairs.
    t = time.perf_counter()
    weights = pairs.set_index(["candidate_id", "vacancy_id"])["weight"]
    is_local = (pairs["home_gm"] == pairs["work_gm"]).to_numpy(copy=True)
    if len(locked):  # agreed matches hold in every scenario
        is_local |= weights.index.isin(pd.MultiIndex.from_frame(locked[["candidate_id", "vacancy_id"]]))
    local_pairs = pairs[is_local]
    with progress("baselines"):
        baselines = {
            "optimal": result,
            "greedy": greedy_assignment(solver_pairs, capacity, locked=lock_arg),
            "local_only": solve_assignment(local_pairs[["candidate_id", "vacancy_id", "weight"]],
                                           capacity, locked=lock_arg,
                                           weight_scale=settings.weight_scale),
            "sequential": sequential_assignment(solver_pairs, capacity, locked=lock_arg),
        }
    timings["baselines"] = time.perf_counter() - t

    t = time.perf_counter()
    with progress("outputs"):
        chosen = result.assignments[["candidate_id", "vacancy_id"]].merge(
            pairs, on=["candidate_id", "vacancy_id"], how="left")
        assignments = _assignment_table(chosen, profiles, model, dataset, options, settings)
        # Reasons and alternatives only from pairs that were allowed (never a forbidden one).
        allowed = _without(scored, forbidden)
        unfilled = _unfilled(open_vac, capacity, chosen, allowed, min_score, options.lang)
        unassigned = _unassigned(dataset, chosen, allowed, min_score, options.lang)
        coverage = _coverage(dataset, assignments, settings)
        flows = _flows(assignments)
    timings["outputs"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    expected = {name: _expected(res, weights) for name, res in baselines.items()}
    local = expected["local_only"]
    sroi_price: SroiPrice | None = None
    if options.objective == "durable+sroi":
        # What the SROI objective cost: the durable-only optimum over the same pairs.
        durable_only = solve_assignment(solver_pairs, capacity, locked=lock_arg,
                                        weight_scale=settings.weight_scale)
        best = _expected(durable_only, weights)
        moved = len(set(map(tuple, durable_only.assignments[["candidate_id", "vacancy_id"]]
                            .to_numpy().tolist()))
                    ^ set(map(tuple, result.assignments[["candidate_id", "vacancy_id"]]
                              .to_numpy().tolist())))
        sroi_price = SroiPrice(durable_only_expected=round(best, 4),
                               expected_durable_cost=round(best - expected["optimal"], 4),
                               pairs_changed=moved // 2 + moved % 2)
    summary = AssignSummary(
        objective=options.objective, expected_durable=expected["optimal"],
        objective_value=float(result.objective), n_assigned=len(result.assignments),
        n_candidates_available=int((dataset.candidates["status"] == "available").sum()),
        n_vacancies_open=len(open_vac), n_positions=int(capacity.sum()),
        n_raw_pairs=int(raw_pairs), n_scored_pairs=len(scored), n_pairs=len(pairs),
        n_locked=len(locked), n_forbidden=len(forbidden),
        model_version=str(model.metadata.get("version", "unknown")),
        solver=SolverSummary(name=result.solver, status=result.status,
                             gap=getattr(result, "gap", 0.0),
                             wall_time_s=round(result.wall_time_s, 3)),
        baselines={name: BaselineSummary(expected_durable=round(expected[name], 4),
                                         n_assigned=len(res.assignments))
                   for name, res in baselines.items()},
        gain_vs_local_pct=_gain_pct(expected["optimal"], local),
        gain_vs_greedy_pct=_gain_pct(expected["optimal"], expected["greedy"]),
        min_score=min_score, timings_s={k: round(v, 3) for k, v in timings.items()},
        settings=RunSettings(min_score=min_score, weight_scale=settings.weight_scale,
                             sroi_weight=settings.sroi_weight,
                             max_per_employer=options.max_per_employer,
                             min_share=dict(options.min_share) if options.min_share else None,
                             seed=settings.seed),
        created_for=dataset.path, lang=options.lang, sanity=sanity, sroi_price=sroi_price,
    )
    log.info("assigned %d of %d positions; expected durable %.1f (local only %.1f) in %.1fs",
             summary.n_assigned, summary.n_positions, expected["optimal"], local, timings["total"])
    return AssignmentRun(summary=summary, assignments=assignments,
                         pairs=pairs.drop(columns=["cand_idx", "vac_idx"]), unfilled=unfilled,
                         unassigned=unassigned, coverage=coverage, flows=flows, baselines=baselines)


def _check_shares(min_share: Mapping[str, float] | None, dataset: Dataset) -> None:
    """Every --min-share group must be a known target group (else nobody could be assigned)."""
    if not min_share:
        return
    known = set(reference.target_groups()["code"]) | set(dataset.valuation["target_group"])
    unknown = sorted(g for g in min_share if g not in known)
    if unknown:
        raise DataError(f"--min-share: unknown target group(s) {', '.join(map(repr, unknown))}; "
                        f"known: {', '.join(sorted(known))}")


def _without(pairs: pd.DataFrame, drop: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` without the (candidate_id, vacancy_id) pairs listed in ``drop``."""
    if drop is None or len(drop) == 0 or len(pairs) == 0:
        return pairs
    keys = pd.MultiIndex.from_frame(drop[["candidate_id", "vacancy_id"]])
    return pairs[~pd.MultiIndex.from_frame(pairs[["candidate_id", "vacancy_id"]]).isin(keys)]


def check_locks(dataset: Dataset, locked: pd.DataFrame | None,
                forbidden: pd.DataFrame | None) -> None:
    """Refuse locked pairs that cannot hold (also used by ``assign --dry-run``).

    A locked vacancy must be open, a locked candidate available, a pair not both locked and
    forbidden, a candidate locked once, and a vacancy's locks within its positions.
    """
    locked = locked if locked is not None else pd.DataFrame(columns=["candidate_id", "vacancy_id"])
    forbidden = forbidden if forbidden is not None else pd.DataFrame(columns=["candidate_id", "vacancy_id"])
    vacancies = dataset.vacancies.set_index("vacancy_id", drop=False)
    open_vac = vacancies[vacancies["status"] == "open"]
    _check_locks(locked, forbidden, open_vac, dataset.candidates.set_index("candidate_id", drop=False))
    twice = locked["candidate_id"][locked["candidate_id"].duplicated()].unique()
    problems = [f"candidate {c} is locked to more than one vacancy" for c in twice]
    per_vacancy = locked.groupby("vacancy_id").size()
    positions = open_vac["positions"].fillna(1).astype(int)
    for vid, n in per_vacancy.items():
        if vid in positions.index and n > positions[vid]:
            problems.append(f"vacancy {vid} has {n} locked pairs but {positions[vid]} position(s)")
    if problems:
        raise DataError("; ".join(problems))


def _check_locks(locked: pd.DataFrame, forbidden: pd.DataFrame, open_vac: pd.DataFrame,
                 candidates: pd.DataFrame) -> None:
    problems: list[str] = []
    for cid, vid in locked[["candidate_id", "vacancy_id"]].itertuples(index=False):
        if vid not in open_vac.index:
            problems.append(f"locked pair ({cid}, {vid}): vacancy is not open")
        elif cid not in candidates.index:
            problems.append(f"locked pair ({cid}, {vid}): candidate is unknown")
        elif candidates.at[cid, "status"] != "available":
            problems.append(f"locked pair ({cid}, {vid}): candidate is not available")
    if len(locked) and len(forbidden):
        both = locked.merge(forbidden, on=["candidate_id", "vacancy_id"])
        problems += [f"pair ({c}, {v}) is both locked and forbidden" for c, v in both.itertuples(index=False)]
    if problems:
        raise DataError("; ".join(problems))


def _municipality_names() -> dict[str, str]:
    table = reference.municipalities()
    return dict(zip(table["gm_code"], table["name"], strict=True))


def _assignment_table(chosen: pd.DataFrame, profiles: Any, model: Any, dataset: Dataset,
                      options: AssignOptions, settings: Settings) -> pd.DataFrame:
    cols = ["candidate_id", "vacancy_id", "project_id", "employer_id", "probability", "distance_km",
            "home_gm", "home_municipality", "work_gm", "work_municipality", "target_group",
            "sroi_value_eur", "reasons"]
    if chosen.empty:
        return pd.DataFrame(columns=cols)
    chosen = chosen.sort_values(["vacancy_id", "candidate_id"], kind="mergesort").reset_index(drop=True)
    ci = chosen["cand_idx"].to_numpy()
    vi = chosen["vac_idx"].to_numpy()
    details = pair_details(profiles, ci, vi).reset_index(drop=True)
    vac = dataset.vacancies.set_index("vacancy_id")
    cand = dataset.candidates.set_index("candidate_id")
    names = _municipality_names()
    table = pd.DataFrame({
        "candidate_id": chosen["candidate_id"],
        "vacancy_id": chosen["vacancy_id"],
        "project_id": vac.loc[chosen["vacancy_id"], "project_id"].to_numpy(),
        "employer_id": vac.loc[chosen["vacancy_id"], "employer_id"].to_numpy(),
        "probability": chosen["weight"].round(4),
        "distance_km": details["distance_km"].round(1),
        "home_gm": chosen["home_gm"],
        "home_municipality": chosen["home_gm"].map(names),
        "work_gm": chosen["work_gm"],
        "work_municipality": chosen["work_gm"].map(names),
        "target_group": cand.loc[chosen["candidate_id"], "target_group"].to_numpy(),
        "sroi_value_eur": details["sroi_value_eur"].round(0),
    })
    if options.explain:
        feats = pd.DataFrame(pair_features(profiles, ci, vi), columns=list(PAIR_COLUMNS))
        expl = explain_pairs(model, feats, lang=options.lang, top=3)
        table["reasons"] = [reasons_text(e.to_dict()) for e in expl]
    else:
        table["reasons"] = ""
    return table[cols]


def _unfilled(open_vac: pd.DataFrame, capacity: pd.Series, chosen: pd.DataFrame,
              scored: pd.DataFrame, min_score: float, lang: str) -> pd.DataFrame:
    filled = chosen.groupby("vacancy_id").size()
    remaining = capacity - filled.reindex(capacity.index).fillna(0).astype(int)
    remaining = remaining[remaining > 0]
    any_pair = set(scored["vacancy_id"])
    above = set(scored.loc[scored["weight"] >= min_score, "vacancy_id"])
    reasons = [
        "no_eligible_candidate" if v not in any_pair else
        "all_below_threshold" if v not in above else "taken_by_better_matches"
        for v in remaining.index
    ]
    frame = pd.DataFrame({
        "vacancy_id": remaining.index.astype(str),
        "project_id": open_vac.loc[remaining.index, "project_id"].to_numpy(),
        "positions_open": remaining.to_numpy().astype(int),
        "reason": reasons,
    })
    frame["reason_text"] = [text(f"unfilled_{r}", lang) for r in frame["reason"]]
    return frame.sort_values("vacancy_id", kind="mergesort").reset_index(drop=True)


def _unassigned(dataset: Dataset, chosen: pd.DataFrame, scored: pd.DataFrame, min_score: float,
                lang: str) -> pd.DataFrame:
    available = dataset.candidates.loc[dataset.candidates["status"] == "available", "candidate_id"]
    left = sorted(set(available) - set(chosen["candidate_id"]))
    best = (scored.sort_values(["candidate_id", "weight", "vacancy_id"], ascending=[True, False, True],
                               kind="mergesort")
            .drop_duplicates("candidate_id").set_index("candidate_id"))
    rows = []
    for cid in left:
        if cid not in best.index:
            rows.append((cid, None, None, text("unassigned_no_pair", lang)))
            continue
        vid, p = best.at[cid, "vacancy_id"], float(best.at[cid, "weight"])
        reason = (text("unassigned_below_threshold", lang) if p < min_score else
                  text("unassigned_taken", lang, vacancy=vid, pct=percent(p, lang)))
        rows.append((cid, vid, round(p, 4), reason))
    return pd.DataFrame(rows, columns=["candidate_id", "best_vacancy_id", "best_probability", "reason_text"])


def _coverage(dataset: Dataset, assignments: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Obligation coverage per project before and after.

    The assigned value of a project is the sum of the ``sroi_value_eur`` of its rows in
    ``assignments`` (the official valuation from :func:`features.pairs.pair_details`, bonuses
    included), so the coverage table always adds up to the assignment list.
    """
    projects = dataset.projects.set_index("project_id")
    obligations = project_obligations(dataset.projects, settings).set_index("project_id")
    value = pd.Series(0.0, index=projects.index)
    if len(assignments):
        per_project = assignments.groupby("project_id")["sroi_value_eur"].sum()
        value = value.add(per_project, fill_value=0.0)
    frame = pd.DataFrame({
        "project_id": projects.index.astype(str),
        "name": projects["name"].to_numpy(),
        "contracting_authority": projects["contracting_authority"].to_numpy(),
        "obligation_eur": obligations.loc[projects.index, "obligation_eur"].to_numpy(),
        "realised_eur": obligations.loc[projects.index, "realised_eur"].to_numpy(),
        "outstanding_before_eur": obligations.loc[projects.index, "outstanding_eur"].to_numpy(),
        "assigned_value_eur": value.loc[projects.index].round(0).to_numpy(),
    })
    frame["outstanding_after_eur"] = (frame["outstanding_before_eur"] - frame["assigned_value_eur"]).clip(lower=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ob = frame["obligation_eur"].replace(0, np.nan)
        frame["coverage_before"] = (frame["realised_eur"] / ob).round(4)
        frame["coverage_after"] = ((frame["realised_eur"] + frame["assigned_value_eur"]) / ob).round(4)
    return frame.sort_values("project_id", kind="mergesort").reset_index(drop=True)


def _flows(assignments: pd.DataFrame) -> pd.DataFrame:
    cols = ["home_gm", "home_municipality", "work_gm", "work_municipality", "n"]
    if assignments.empty:
        return pd.DataFrame(columns=cols)
    flows = (assignments.groupby(["home_gm", "home_municipality", "work_gm", "work_municipality"],
                                 dropna=False).size().rename("n").reset_index())
    return flows.sort_values(["n", "home_gm", "work_gm"], ascending=[False, True, True],
                             kind="mergesort").reset_index(drop=True)[cols]


@dataclass(frozen=True)
class DryRun:
    """Problem sizes of an assignment, computed without scoring or solving."""

    n_candidates: int
    n_vacancies: int
    n_positions: int
    raw_pairs: int
    pairs: int
    removed: dict[str, int]
    n_locked: int
    n_forbidden: int


def dry_run(dataset: Dataset, settings: Settings, locked: pd.DataFrame | None = None,
            forbidden: pd.DataFrame | None = None) -> DryRun:
    """Validate the locks and count the pairs blocking leaves (``assign --dry-run``)."""
    from features.blocking import candidate_pairs

    check_locks(dataset, locked, forbidden)
    profiles = build_profiles(dataset.active(), settings)
    result = candidate_pairs(profiles, settings, with_features=False)
    open_vac = dataset.vacancies[dataset.vacancies["status"] == "open"]
    return DryRun(
        n_candidates=int((dataset.candidates["status"] == "available").sum()),
        n_vacancies=len(open_vac), n_positions=int(open_vac["positions"].fillna(1).sum()),
        raw_pairs=int(result.raw_pairs), pairs=len(result.pairs),
        removed={k: int(v) for k, v in result.removed.items()},
        n_locked=0 if locked is None else len(locked),
        n_forbidden=0 if forbidden is None else len(forbidden))

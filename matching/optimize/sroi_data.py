"""Checked SROI inputs and their evaluation, shared by the CP-SAT model and its warm start.

:func:`check_sroi_inputs` aligns the SROI mappings (project, outstanding obligation, employer,
target group) with the rows of :class:`~matching.optimize.flow.PreparedPairs`;
:func:`sroi_objective`, :func:`covered_eur` and :func:`share_deficit` evaluate an assignment in
float units; :func:`sroi_warm_start` finds a good starting assignment by repeated min-cost flow.
Used by :mod:`matching.optimize.sroi`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from matching.core.errors import DataError
from matching.optimize.flow import PreparedPairs, _examples, _solve_flow


def _lookup(mapping: Mapping[Any, Any] | pd.Series, keys: np.ndarray) -> np.ndarray:
    """``mapping[key]`` for every key (``NaN`` where missing), as an object array."""
    series = mapping if isinstance(mapping, pd.Series) else pd.Series(dict(mapping), dtype=object)
    return series.reindex(pd.Index(keys, dtype=object)).to_numpy(dtype=object)


@dataclass
class SroiData:
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


def check_sroi_inputs(
    prep: PreparedPairs,
    value_column: str,
    project_of: Mapping[Any, Any] | pd.Series,
    outstanding: Mapping[Any, float] | pd.Series,
    max_per_employer: int | None,
    employer_of: Mapping[Any, Any] | pd.Series | None,
    min_share: Mapping[Any, float] | None,
    group_of: Mapping[Any, Any] | pd.Series | None,
) -> SroiData:
    """Check the SROI inputs and align them with the rows of ``prep`` (DataError if invalid)."""
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
    return SroiData(
        projects=projects,
        outstanding=out.reindex(project_index, fill_value=0.0).to_numpy(dtype=float),
        project=vac_project_code[prep.vac],
        value=value,
        employer=employer,
        employer_names=employer_names,
        group=group,
        shares=shares,
    )


def covered_eur(data: SroiData, chosen: np.ndarray) -> np.ndarray:
    """EUR covered per project in ``data.projects`` by the chosen rows (uncapped)."""
    rows = chosen & (data.project >= 0)
    return np.bincount(data.project[rows], weights=data.value[rows], minlength=len(data.projects))


def sroi_objective(prep: PreparedPairs, data: SroiData, chosen: np.ndarray, sroi_weight: float) -> float:
    """The float objective: chosen weights plus ``sroi_weight`` × capped coverage shares."""
    covered, out = covered_eur(data, chosen), data.outstanding
    share = np.minimum(covered[out > 0] / out[out > 0], 1.0)
    return float(prep.weight[chosen].sum()) + sroi_weight * float(share.sum())


def share_deficit(data: SroiData, chosen: np.ndarray) -> np.ndarray:
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


def drop_for_shares(prep: PreparedPairs, data: SroiData, chosen: np.ndarray) -> np.ndarray:
    """Unassign the lowest-weight placements outside a short group until the shares hold."""
    chosen = chosen.copy()
    for _ in range(int(chosen.sum())):
        deficit = share_deficit(data, chosen)
        if (deficit <= 0).all():
            break
        short = int(np.argmax(deficit))
        drop = np.flatnonzero(chosen & ~prep.locked & (data.group != short))
        if len(drop) == 0:
            break
        chosen[drop[np.lexsort((drop, prep.weight[drop]))[0]]] = False
    return chosen


def sroi_warm_start(
    prep: PreparedPairs, data: SroiData, sroi_weight: float, weight_scale: int, employer_cap: int | None,
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
        return bool((share_deficit(data, chosen) <= 0).all())

    def with_bonus(bonus: np.ndarray) -> np.ndarray:
        return prep.weight + np.where(data.group >= 0, bonus[np.maximum(data.group, 0)], 0.0)

    base = prep.weight
    best = solve(base)
    if data.group is not None and not feasible(best):
        bonus = np.zeros(len(data.shares))
        step = 0.05 * float(np.abs(prep.weight).max(initial=1.0))
        for _ in range(12):  # grow the bonus of short groups until the shares hold ...
            short = share_deficit(data, best) > 0
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
            best = drop_for_shares(prep, data, best)
    best_value = sroi_objective(prep, data, best, sroi_weight)
    has_project = data.project >= 0
    out = np.where(data.outstanding > 0, data.outstanding, np.inf)
    if sroi_weight <= 0 or not (data.outstanding > 0).any():
        return best
    for damping in np.linspace(1.0, 0.5, rounds):
        covered = covered_eur(data, best)
        current = np.where(has_project, covered[np.maximum(data.project, 0)] - data.value * best, 0.0)
        need = np.where(has_project, out[np.maximum(data.project, 0)], np.inf)
        gain = np.where(has_project, (np.minimum(current + data.value, need) - np.minimum(current, need)) / need, 0.0)
        candidate = solve(base + damping * sroi_weight * gain)
        value = sroi_objective(prep, data, candidate, sroi_weight)
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
        value = sroi_objective(prep, data, candidate, sroi_weight)
        if value > best_value + 0.5 / weight_scale and feasible(candidate):
            best, best_value = candidate, value
        covered = covered_eur(data, candidate)
        over, under = covered > data.outstanding, covered < data.outstanding
        price = np.where(over, 0.8 * price, np.where(under, np.minimum(1.15 * price, top_price), price))
    return best

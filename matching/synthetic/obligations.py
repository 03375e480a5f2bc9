"""SROI obligations of running projects bound to the value of their open positions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.core.config import Settings
from matching.data import reference
from matching.data import valuation as _valuation
from matching.synthetic.distributions import (
    TARGET_GROUP_MIX,
)

_COVERAGE_SIGMA = 0.42
"""Log-sd of a running project's coverage factor (binding obligations): 90% within 0.5-2."""


def _position_values(vac: dict, rows: np.ndarray, groups: np.ndarray, benefit: np.ndarray,
                     settings: Settings) -> np.ndarray:
    """Expected SROI value of one position of each vacancy ``rows``, over the given people.

    :func:`matching.data.valuation.placement_value` (building block × hours/36 × counted months /
    12, plus the permanent-contract bonus; no age bonus) averaged over the people's
    (block value, max months) tiers.
    """
    val = reference.default_valuation()
    if len(groups) == 0:  # nobody available: the target-group mix at its lowest tiers
        groups = np.array(list(TARGET_GROUP_MIX), dtype=object)
        weights_in = np.array(list(TARGET_GROUP_MIX.values()))
        benefit = np.full(len(groups), np.nan)
    else:
        weights_in = np.ones(len(groups))
    per_year, max_months = _valuation.block_value_per_year(val, groups, benefit)
    key = pd.DataFrame({"v": per_year, "m": np.nan_to_num(max_months, nan=-1.0), "w": weights_in})
    tiers = key.groupby(["v", "m"], sort=True)["w"].sum().reset_index()
    mini = pd.DataFrame({"target_group": [f"t{i}" for i in range(len(tiers))],
                         "value_per_year_eur": tiers["v"].to_numpy(),
                         "max_months": tiers["m"].where(tiers["m"] >= 0).to_numpy()})
    weight = tiers["w"].to_numpy() / tiers["w"].sum()
    values = _valuation.placement_value(
        mini, mini["target_group"].to_numpy(dtype=object)[None, :], None,
        vac["hours"][rows][:, None], vac["months"][rows][:, None],
        permanent=vac["permanent"][rows][:, None], settings=settings)
    return values @ weight


def _open_position_values(vac: dict, status: np.ndarray, groups: np.ndarray,
                          benefit: np.ndarray, n_projects: int, settings: Settings) -> np.ndarray:
    """Per project: the expected SROI value of filling all its open positions."""
    open_rows = np.flatnonzero(vac["is_open"])
    avail = status == "available"
    pos_value = _position_values(vac, open_rows, groups[avail], benefit[avail], settings)
    return np.bincount(vac["project"][open_rows], weights=pos_value * vac["positions"][open_rows],
                       minlength=n_projects)


def _bind_obligations(aux: np.random.Generator, pj: pd.DataFrame, value_j: np.ndarray,
                      settings: Settings) -> pd.DataFrame:
    """Running projects whose outstanding obligation matches their open positions.

    Per running project j with open positions worth ``value_j`` (:func:`_position_values`
    over the available candidates, times positions), a coverage factor
    ``f_j = exp(N(0, 0.42))`` sets the outstanding obligation ``O_j = V_j / f_j``. The
    realised share ``r_j`` drawn earlier (elapsed share × U(0.3, 1.1), at most 0.9) is kept,
    so the obligation is ``G_j = O_j / (1 - r_j)``; the contract value becomes ``G_j / pct``
    (÷ the explicit obligation's fraction for the 10% with an explicit ``obligation_eur``),
    rounded to €1,000 and at least the contract-type threshold. When ``pct × value``
    exceeds the obligation cap, the obligation is written explicitly as ``obligation_eur``
    (the cap only applies to computed obligations). ``realised_eur`` is the obligation minus
    ``O_j`` (rounded to €100). A running project without open vacancies has fulfilled its
    obligation. Finished projects are left as drawn.
    """
    pj = pj.copy()
    n = len(pj)
    factor = np.exp(aux.normal(0.0, _COVERAGE_SIGMA, n))
    running = pj["_running"].to_numpy()
    pct = pj["sroi_percentage"].to_numpy() / 100.0
    value0 = pj["contract_value_eur"].to_numpy()
    given0 = pj["obligation_eur"].to_numpy(dtype=float)
    override = ~np.isnan(given0)
    obligation0 = np.where(override, given0, np.minimum(pct * value0, settings.obligation_cap_eur))
    realised0 = pj["realised_eur"].to_numpy(dtype=float)
    share = np.clip(realised0 / np.maximum(obligation0, 1.0), 0.0, 0.9)
    bind = running & (value_j > 0)
    outstanding = np.where(bind, value_j / factor, 0.0)
    needed = outstanding / (1.0 - share)
    fraction = np.where(override, given0 / np.maximum(pct * value0, 1.0), 1.0)
    floor = np.where(pj["contract_type"].to_numpy() == "works", 250_000.0, 100_000.0)
    value = np.maximum(np.round(needed / (pct * fraction), -3), floor)
    computed = pct * value
    explicit = override | (computed > settings.obligation_cap_eur)
    obligation = np.where(explicit, np.round(needed, -2), computed)
    realised = np.maximum(np.round(obligation - outstanding, -2), 0.0)
    done = running & ~bind  # running, no open positions: the obligation is fulfilled
    pj["contract_value_eur"] = np.where(bind, value, value0)
    pj["obligation_eur"] = np.where(bind, np.where(explicit, obligation, np.nan), given0)
    pj["realised_eur"] = np.where(
        bind, realised,
        np.where(done, np.ceil(obligation0 / 100.0) * 100.0, realised0))
    return pj


def _coverage_stats(pj: pd.DataFrame, value_j: np.ndarray, settings: Settings) -> dict:
    """How far the open positions of running projects would cover their outstanding obligation."""
    running = pj["_running"].to_numpy()
    left = _valuation.project_obligations(pj, settings)["outstanding_eur"].to_numpy()
    has = running & (left > 0)
    cover = value_j[has] / left[has]
    some = len(cover) > 0
    return {
        "running_projects": int(running.sum()),
        "outstanding_eur": round(float(left[running].sum())),
        "open_positions_value_eur": round(float(value_j.sum())),
        "median": round(float(np.median(cover)), 3) if some else None,
        "min": round(float(cover.min()), 3) if some else None,
        "max": round(float(cover.max()), 3) if some else None,
        "share_below_1": round(float((cover < 1).mean()), 3) if some else None,
    }

"""SROI building blocks: the value of a placement towards a social-return obligation.

Fulfilment of an obligation is valued with *building blocks*: a fictive value per target
group per year of full-time work (``valuation`` table, default
``features/reference/data/valuation_default.csv``, the East-Netherlands uniform model; a region
may replace it). A placement is worth::

    value = block_value_per_year x min(hours, fulltime) / fulltime x months_counted / 12
            + bonuses

where ``months_counted = min(contract_months, max_months of the target group)`` and a missing
contract length defaults to ``FeatureSettings.default_contract_months``. Bonuses:
``bonus_age50_per_year_eur`` per counted year (pro rata for hours, like the block) when the
person is 50 or older, and ``bonus_permanent_eur`` once for a permanent contract. Bonuses only
apply to placements that count at all (a known target group with a positive block value).

The pair features use :func:`block_value_per_year` per candidate and the same arithmetic
without ``birth_year`` (:func:`features.pairs.pair_features`), so age never leaks into model
features; :func:`placement_value` with ``birth_year`` is the value shown in reports.
sroi-match re-exports both from ``matching.data.valuation``, beside the project obligations.

All functions are pure and vectorised over numpy arrays (scalars broadcast).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from features.settings import FeatureSettings

__all__ = ["block_value_per_year", "float_array", "placement_value"]

ArrayLike = Any
"""Scalar, sequence, numpy array or pandas Series."""


def float_array(values: ArrayLike) -> np.ndarray:
    """Values as a float64 array (``None``/``pd.NA``/non-numeric become ``NaN``)."""
    if values is None:
        return np.array(np.nan)
    if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        try:
            return values.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            values = values.to_numpy(dtype=object)
    arr = np.asarray(values)
    if arr.dtype.kind in "fiub":
        return arr.astype(float)
    flat = pd.to_numeric(pd.Series(arr.astype(object).ravel(), dtype=object), errors="coerce")
    return flat.astype(float).to_numpy().reshape(arr.shape)


def _bool_array(values: ArrayLike) -> np.ndarray:
    """Values as a bool array; missing counts as ``False``."""
    arr = np.asarray(values, dtype=object)
    flat = [bool(v) if v is not None and not pd.isna(v) else False for v in np.ravel(arr)]
    return np.array(flat, dtype=bool).reshape(arr.shape)


def _tiers(valuation: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per target group: tier lower bounds (sorted), values per year and max months."""
    groups = valuation["target_group"].astype(str).str.strip().str.lower()
    n = len(valuation)
    lo = (float_array(valuation["benefit_months_min"]) if "benefit_months_min" in valuation
          else np.zeros(n))
    lo = np.where(np.isnan(lo), 0.0, lo)
    value = float_array(valuation["value_per_year_eur"])
    max_m = float_array(valuation["max_months"]) if "max_months" in valuation else np.full(n, np.nan)
    out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for group in pd.unique(groups):
        idx = np.flatnonzero((groups == group).to_numpy())
        order = idx[np.argsort(lo[idx], kind="stable")]
        out[str(group)] = (lo[order], np.nan_to_num(value[order]), max_m[order])
    return out


def block_value_per_year(
    valuation: pd.DataFrame, target_group: ArrayLike, benefit_months: ArrayLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Building-block value per full-time year and the months a person counts for.

    Parameters
    ----------
    valuation : DataFrame
        The valuation table (``target_group``, ``value_per_year_eur`` and optionally
        ``benefit_months_min``, ``benefit_months_max``, ``max_months``).
    target_group : array-like of str
        Target-group codes (matched case-insensitively).
    benefit_months : array-like of float, optional
        Months on benefit; selects the tier whose ``[benefit_months_min,
        benefit_months_max)`` contains it. Missing values (and values below every tier)
        take the group's lowest tier; a value in a gap between tiers takes the nearest
        lower tier (:func:`validate_valuation_frame` reports gaps).

    Returns
    -------
    value_per_year : ndarray of float
        0 for an unknown or missing target group.
    max_months : ndarray of float
        ``NaN`` when the group counts without limit (or is unknown).

    Examples
    --------
    >>> from features.reference import default_valuation
    >>> v, m = block_value_per_year(default_valuation(), ["participatiewet", "ww", "wajong", "x"],
    ...                             [30, 6, None, 0])
    >>> v.tolist(), m.tolist()
    ([40000.0, 10000.0, 40000.0, 0.0], [24.0, 12.0, nan, nan])
    """
    groups = np.asarray(target_group, dtype=object)
    months = float_array(benefit_months)
    groups, months = np.broadcast_arrays(groups, months)
    value = np.zeros(groups.shape, dtype=float)
    max_months = np.full(groups.shape, np.nan)
    if groups.size == 0:
        return value, max_months
    codes, uniques = pd.factorize(pd.Series(np.ravel(groups), dtype=object))
    codes = codes.reshape(groups.shape)
    tiers = _tiers(valuation)
    for k, raw in enumerate(uniques):
        tier = tiers.get(str(raw).strip().lower())
        if tier is None:
            continue
        lo, vals, maxs = tier
        mask = codes == k
        b = months[mask]
        pick = np.searchsorted(lo, np.where(np.isnan(b), -np.inf, b), side="right") - 1
        pick = np.clip(pick, 0, len(lo) - 1)
        value[mask] = vals[pick]
        max_months[mask] = maxs[pick]
    return value, max_months


def placement_value(
    valuation: pd.DataFrame,
    target_group: ArrayLike,
    benefit_months: ArrayLike,
    hours_per_week: ArrayLike,
    contract_months: ArrayLike,
    *,
    birth_year: ArrayLike | None = None,
    reference_year: int | ArrayLike | None = None,
    permanent: ArrayLike | None = None,
    settings: FeatureSettings | None = None,
) -> np.ndarray:
    """SROI value (euro) of placing each person, vectorised.

    Parameters
    ----------
    valuation : DataFrame
        The valuation table, see :func:`block_value_per_year`.
    target_group, benefit_months : array-like
        The person's target group and months on benefit.
    hours_per_week : array-like of float
        Hours worked; counted up to ``settings.fulltime_hours`` (missing counts as 0).
    contract_months : array-like of float
        Contract length; missing takes ``settings.default_contract_months``. Counted up to
        the group's ``max_months``.
    birth_year : array-like of float, optional
        Enables the age-50 bonus (missing years give no bonus). Leave out for model
        features: age must never be a model input.
    reference_year : int or array-like, optional
        Year the age is computed for (e.g. the vacancy's start year); defaults to the
        current calendar year when ``birth_year`` is given.
    permanent : array-like of bool, optional
        Permanent contract offered; adds ``settings.bonus_permanent_eur`` once.
    settings : FeatureSettings, optional
        Full-time hours, bonuses and default contract length.

    Returns
    -------
    ndarray of float
        Value per placement, broadcast over all array arguments.

    Examples
    --------
    >>> from features.reference import default_valuation
    >>> val = default_valuation()
    >>> placement_value(val, "participatiewet", 30, 36, 12).item()
    40000.0
    >>> placement_value(val, ["ww", "wajong"], [6, 0], [18, 36], [24, None]).tolist()
    [5000.0, 40000.0]
    >>> placement_value(val, "wajong", 0, 36, 12, birth_year=1970, reference_year=2026,
    ...                 permanent=True).item()
    55000.0
    """
    settings = settings or FeatureSettings()
    per_year, max_months = block_value_per_year(valuation, target_group, benefit_months)
    hours = np.nan_to_num(float_array(hours_per_week), nan=0.0)
    contract = float_array(contract_months)
    contract = np.where(np.isnan(contract), float(settings.default_contract_months), contract)
    per_year, max_months, hours, contract = np.broadcast_arrays(
        per_year, max_months, hours, contract)
    fraction = np.clip(hours, 0.0, settings.fulltime_hours) / settings.fulltime_hours
    months = np.where(np.isnan(max_months), contract, np.minimum(contract, max_months))
    years = np.clip(months, 0.0, None) / 12.0
    value = per_year * fraction * years
    counts = per_year > 0
    if birth_year is not None:
        born = float_array(birth_year)
        year = float_array(_dt.date.today().year if reference_year is None else reference_year)
        age50 = np.nan_to_num(year - born, nan=-1.0) >= 50
        value = value + np.where(
            counts & age50, settings.bonus_age50_per_year_eur * fraction * years, 0.0)
    if permanent is not None:
        value = value + np.where(counts & _bool_array(permanent), settings.bonus_permanent_eur, 0.0)
    return np.asarray(value, dtype=float)

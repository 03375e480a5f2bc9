"""SROI valuation: what a placement is worth towards an obligation, and what is outstanding.

Fulfilment of a social-return obligation is valued with *building blocks*: a fictive value
per target group per year of full-time work (``valuation`` table, default
``matching/data/reference/data/valuation_default.csv``, the East-Netherlands uniform model; a
region may replace it). A placement is worth::

    value = block_value_per_year x min(hours, fulltime) / fulltime x months_counted / 12
            + bonuses

where ``months_counted = min(contract_months, max_months of the target group)`` and a missing
contract length defaults to ``Settings.default_contract_months``. Bonuses (documented as
unverified in ``DOMAIN.md``): ``Settings.bonus_age50_per_year_eur`` per counted year (pro rata
for hours, like the block) when the person is 50 or older, and ``Settings.bonus_permanent_eur``
once for a permanent contract. Bonuses only apply to placements that count at all (a known
target group with a positive block value).

Age is only used here for the official valuation in reports: the feature pipeline calls
:func:`placement_value` without ``birth_year`` so age never leaks into model features.

All functions are pure and vectorised over numpy arrays (scalars broadcast).
"""

from __future__ import annotations

import datetime as _dt
import itertools
from typing import Any

import numpy as np
import pandas as pd

from matching.core.config import Settings

__all__ = [
    "block_value_per_year",
    "placement_value",
    "project_obligations",
    "validate_valuation_frame",
]

ArrayLike = Any
"""Scalar, sequence, numpy array or pandas Series."""


def _float_array(values: ArrayLike) -> np.ndarray:
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
    lo = (_float_array(valuation["benefit_months_min"]) if "benefit_months_min" in valuation
          else np.zeros(n))
    lo = np.where(np.isnan(lo), 0.0, lo)
    value = _float_array(valuation["value_per_year_eur"])
    max_m = _float_array(valuation["max_months"]) if "max_months" in valuation else np.full(n, np.nan)
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
    >>> from matching.data.reference import default_valuation
    >>> v, m = block_value_per_year(default_valuation(), ["participatiewet", "ww", "wajong", "x"],
    ...                             [30, 6, None, 0])
    >>> v.tolist(), m.tolist()
    ([40000.0, 10000.0, 40000.0, 0.0], [24.0, 12.0, nan, nan])
    """
    groups = np.asarray(target_group, dtype=object)
    months = _float_array(benefit_months)
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
    settings: Settings | None = None,
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
    settings : Settings, optional
        Full-time hours, bonuses and default contract length.

    Returns
    -------
    ndarray of float
        Value per placement, broadcast over all array arguments.

    Examples
    --------
    >>> from matching.data.reference import default_valuation
    >>> val = default_valuation()
    >>> placement_value(val, "participatiewet", 30, 36, 12).item()
    40000.0
    >>> placement_value(val, ["ww", "wajong"], [6, 0], [18, 36], [24, None]).tolist()
    [5000.0, 40000.0]
    >>> placement_value(val, "wajong", 0, 36, 12, birth_year=1970, reference_year=2026,
    ...                 permanent=True).item()
    55000.0
    """
    settings = settings or Settings()
    per_year, max_months = block_value_per_year(valuation, target_group, benefit_months)
    hours = np.nan_to_num(_float_array(hours_per_week), nan=0.0)
    contract = _float_array(contract_months)
    contract = np.where(np.isnan(contract), float(settings.default_contract_months), contract)
    per_year, max_months, hours, contract = np.broadcast_arrays(
        per_year, max_months, hours, contract)
    fraction = np.clip(hours, 0.0, settings.fulltime_hours) / settings.fulltime_hours
    months = np.where(np.isnan(max_months), contract, np.minimum(contract, max_months))
    years = np.clip(months, 0.0, None) / 12.0
    value = per_year * fraction * years
    counts = per_year > 0
    if birth_year is not None:
        born = _float_array(birth_year)
        year = _float_array(_dt.date.today().year if reference_year is None else reference_year)
        age50 = np.nan_to_num(year - born, nan=-1.0) >= 50
        value = value + np.where(
            counts & age50, settings.bonus_age50_per_year_eur * fraction * years, 0.0)
    if permanent is not None:
        value = value + np.where(counts & _bool_array(permanent), settings.bonus_permanent_eur, 0.0)
    return np.asarray(value, dtype=float)


def project_obligations(projects: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Obligation, realised and outstanding value per project.

    ``obligation_eur`` is taken as given when present, else ``min(sroi_percentage / 100 x
    contract_value_eur, settings.obligation_cap_eur)``; missing numbers count as 0.
    ``outstanding_eur = max(obligation_eur - realised_eur, 0)``.

    Parameters
    ----------
    projects : DataFrame
        ``project_id``, ``contract_value_eur``, ``sroi_percentage`` and optionally
        ``obligation_eur`` and ``realised_eur``.
    settings : Settings, optional
        Supplies ``obligation_cap_eur``.

    Returns
    -------
    DataFrame
        ``project_id``, ``obligation_eur``, ``realised_eur``, ``outstanding_eur`` (float),
        with the index of ``projects``.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["a", "b", "c"],
    ...                   "contract_value_eur": [1e6, 2e7, 5e5],
    ...                   "sroi_percentage": [5, 5, 2], "obligation_eur": [None, None, 8000],
    ...                   "realised_eur": [10000, None, 9000]})
    >>> project_obligations(p).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'project_id': ['a', 'b', 'c'], 'obligation_eur': [50000.0, 300000.0, 8000.0],
     'realised_eur': [10000.0, 0.0, 9000.0], 'outstanding_eur': [40000.0, 300000.0, 0.0]}
    """
    settings = settings or Settings()
    n = len(projects)

    def column(name: str) -> np.ndarray:
        return _float_array(projects[name]) if name in projects else np.full(n, np.nan)

    computed = np.nan_to_num(column("sroi_percentage") / 100.0 * column("contract_value_eur"))
    computed = np.minimum(computed, settings.obligation_cap_eur)
    given = column("obligation_eur")
    obligation = np.where(np.isnan(given), computed, given)
    realised = np.nan_to_num(column("realised_eur"))
    return pd.DataFrame({
        "project_id": projects["project_id"].to_numpy() if "project_id" in projects else None,
        "obligation_eur": obligation,
        "realised_eur": realised,
        "outstanding_eur": np.maximum(obligation - realised, 0.0),
    }, index=projects.index)


def validate_valuation_frame(frame: pd.DataFrame) -> list[str]:
    """Sanity messages for a (replacement) valuation table; empty when it looks right.

    Checks required columns, negative or missing values, inverted tier bounds, overlapping
    tiers and gaps between tiers of one target group. Rows are numbered as in the file (header
    = row 1); a frame whose index is not a plain ``RangeIndex`` from 0 is taken to carry those
    row numbers already (as :mod:`matching.data.loading` produces).

    Examples
    --------
    >>> from matching.data.reference import default_valuation
    >>> validate_valuation_frame(default_valuation())
    []
    >>> bad = pd.DataFrame({"target_group": ["ww", "ww"], "benefit_months_min": [0, 6],
    ...                     "benefit_months_max": [12, None], "value_per_year_eur": [1, -5]})
    >>> validate_valuation_frame(bad)  # doctest: +NORMALIZE_WHITESPACE
    ['value_per_year_eur is negative in row 3',
     "target group 'ww': tiers overlap (benefit months 6-12)"]
    """
    missing = [c for c in ("target_group", "value_per_year_eur") if c not in frame]
    if missing:
        return [f"missing column {c}" for c in missing]
    messages: list[str] = []
    n = len(frame)
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0:
        rows = np.arange(n) + 2  # as the user sees it: header is row 1
    else:  # loaded frames carry the file's row numbers as index
        rows = frame.index.to_numpy()

    def numbers(name: str) -> np.ndarray:
        return _float_array(frame[name]) if name in frame else np.full(n, np.nan)

    lo, hi = numbers("benefit_months_min"), numbers("benefit_months_max")
    for name, values in (("value_per_year_eur", numbers("value_per_year_eur")),
                         ("max_months", numbers("max_months")), ("benefit_months_min", lo),
                         ("benefit_months_max", hi)):
        messages += [f"{name} is negative in row {r}" for r in rows[values < 0]]
    value = numbers("value_per_year_eur")
    messages += [f"value_per_year_eur is missing in row {r}" for r in rows[np.isnan(value)]]
    lo = np.where(np.isnan(lo), 0.0, lo)
    hi = np.where(np.isnan(hi), np.inf, hi)
    messages += [f"benefit_months_max <= benefit_months_min in row {r}" for r in rows[hi <= lo]]
    groups = frame["target_group"].astype(str).str.strip().str.lower().to_numpy()
    for group in pd.unique(groups):
        idx = np.flatnonzero(groups == group)
        idx = idx[np.argsort(lo[idx], kind="stable")]
        for a, b in itertools.pairwise(idx):
            if lo[b] < hi[a]:
                messages.append(f"target group {group!r}: tiers overlap (benefit months "
                                f"{_months(lo[b])}-{_months(min(hi[a], hi[b]))})")
            elif lo[b] > hi[a]:
                messages.append(f"target group {group!r}: gap between tiers (benefit months "
                                f"{_months(hi[a])}-{_months(lo[b])})")
    return messages


def _months(x: float) -> str:
    return "inf" if np.isinf(x) else f"{x:g}"

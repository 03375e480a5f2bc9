"""SROI valuation: what a placement is worth towards an obligation, and what is outstanding.

Fulfilment of a social-return obligation is valued with *building blocks*: a fictive value
per target group per year of full-time work (``valuation`` table, default
``features/reference/data/valuation_default.csv``, the East-Netherlands uniform model; a
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

The building-block arithmetic (:func:`block_value_per_year`, :func:`placement_value`) is
defined once in the features library (:mod:`features.valuation`), which the pair features
need, and re-exported here; the obligations per project and the valuation table checks are
sroi-match's own.

All functions are pure and vectorised over numpy arrays (scalars broadcast).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from features.valuation import block_value_per_year, float_array, placement_value
from matching.core.config import Settings

__all__ = [
    "block_value_per_year",
    "placement_value",
    "project_obligations",
    "validate_valuation_frame",
]


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
        return float_array(projects[name]) if name in projects else np.full(n, np.nan)

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
        return float_array(frame[name]) if name in frame else np.full(n, np.nan)

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

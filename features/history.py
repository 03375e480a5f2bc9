"""Training rows: the pair features of every past placement, with audit columns kept apart.

:func:`placement_features` returns one row per placement with the features of the placed
(candidate, vacancy) pair, computed from the profile rows as they stand in the tables (the
data contract says a placement refers to the profile *as at placement*), except where a
column is known only today: ``start_delay_days`` of a past placement is the delay that
actually happened (:func:`historic_start_delay`), never the candidate's current availability
(see ``docs/features.md``, "Known at placement time"). Columns prefixed
``audit_`` (target group, birth year, home municipality and province, and gender / nationality
when present) are for the fairness audit only: they are never in
:data:`features.spec.FEATURE_NAMES` and must never be fed to a model.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from features.inputs import PLACEMENT_COLUMNS, Tables
from features.pairs import pair_features
from features.profiles import NO_DATE, Profiles, build_profiles
from features.settings import FeatureSettings
from features.spec import PAIR_COLUMNS, PAIR_INDEX

__all__ = ["AUDIT_PREFIX", "placement_features"]

AUDIT_PREFIX = "audit_"
_PLACEMENT_COLUMNS = PLACEMENT_COLUMNS


def _home_municipality(dataset: Tables, profiles: Profiles, ci: np.ndarray) -> list[object]:
    """The candidate's municipality as given, else the one of the postcode."""
    given = (dataset.candidates["municipality_code"].reset_index(drop=True)
             if "municipality_code" in dataset.candidates else None)
    codes = profiles.municipality_codes
    out: list[object] = []
    for i in ci.tolist():
        value = given.iloc[i] if given is not None else None
        if not isinstance(value, str):
            k = int(profiles.candidates.municipality[i])
            value = codes[k] if k >= 0 else None
        out.append(value)
    return out


def historic_start_delay(placement_start: pd.Series, vacancy_start: np.ndarray) -> np.ndarray:
    """Days the placement started after its vacancy's start (0 when on time or unknown).

    The delay as it actually happened, from two dated fields. It replaces the serving-time
    definition (the candidate's *current* ``available_from`` against the vacancy's start),
    which for a past placement would use a value known only today (time travel).

    Examples
    --------
    >>> start = pd.Series(pd.to_datetime(["2024-03-11", "2024-01-01", None]))
    >>> vac = pd.to_datetime(["2024-03-01", "2024-02-01", "2024-02-01"]).to_numpy()
    >>> historic_start_delay(start, vac.astype("datetime64[D]").astype(np.int64)).tolist()
    [10.0, 0.0, 0.0]
    """
    days = pd.to_datetime(placement_start).to_numpy().astype("datetime64[D]")
    nat = np.isnat(days)
    start = np.where(nat, 0, days.astype(np.int64))
    vac = np.asarray(vacancy_start, dtype=np.int64)
    known = ~nat & (vac != NO_DATE)
    return np.where(known, np.maximum(start - vac, 0), 0).astype(np.float64)


def placement_features(
    dataset: Tables, profiles: Profiles | None = None, settings: FeatureSettings | None = None
) -> pd.DataFrame:
    """One row per placement: ids, dates, hours, the pair features and ``audit_`` columns.

    Parameters
    ----------
    dataset : Tables
        Any :class:`features.inputs.Tables` (e.g. sroi-match's ``Dataset``); must hold the placed candidates and vacancies (closed vacancies stay in the table).
    profiles : Profiles, optional
        ``build_profiles(dataset, settings)`` when omitted.
    settings : FeatureSettings, optional
        Used only to build the profiles when ``profiles`` is omitted.

    Returns
    -------
    DataFrame
        ``placement_id``, ``candidate_id``, ``vacancy_id``, ``start_date``, ``end_date``,
        ``hours_per_week``, every :data:`features.spec.FEATURE_NAMES` column, then
        ``audit_target_group``, ``audit_birth_year``, ``audit_municipality_code``,
        ``audit_province`` (and ``audit_gender``, ``audit_nationality`` when present).
        Placements whose candidate or vacancy is unknown are left out with a warning.

    Examples
    --------
    >>> from matching.synthetic.sample import generate
    >>> ds = generate(30, 8, 2, 10, seed=1).dataset
    >>> rows = placement_features(ds)
    >>> len(rows) == len(ds.placements), "audit_birth_year" in rows
    (True, True)
    """
    if profiles is None:
        profiles = build_profiles(dataset, settings)
    placements = dataset.placements.reset_index(drop=True)
    if len(placements) == 0:
        columns = [*_PLACEMENT_COLUMNS, *PAIR_COLUMNS,
                   *(AUDIT_PREFIX + c for c in ("target_group", "birth_year",
                                                "municipality_code", "province"))]
        return pd.DataFrame(columns=columns)
    ci = pd.Index(profiles.candidates.ids).get_indexer(placements["candidate_id"].astype(str))
    vi = pd.Index(profiles.vacancies.ids).get_indexer(placements["vacancy_id"].astype(str))
    known = (ci >= 0) & (vi >= 0)
    if not known.all():
        warnings.warn(
            f"{int((~known).sum())} placement(s) refer to an unknown candidate or vacancy and "
            "are left out of the training rows", stacklevel=2)
        placements = placements[known].reset_index(drop=True)
        ci, vi = ci[known], vi[known]
    out = pd.DataFrame({
        c: placements[c] if c in placements else pd.Series([None] * len(placements))
        for c in _PLACEMENT_COLUMNS
    })
    X = pair_features(profiles, ci, vi)
    X[:, PAIR_INDEX["start_delay_days"]] = historic_start_delay(
        placements["start_date"], profiles.vacancies.start_date[vi])
    out = pd.concat([out, pd.DataFrame(X, columns=list(PAIR_COLUMNS))], axis=1)

    cands = dataset.candidates.reset_index(drop=True)
    audit: dict[str, object] = {}
    audit["target_group"] = (cands["target_group"].iloc[ci].to_numpy()
                             if "target_group" in cands else None)
    audit["birth_year"] = (cands["birth_year"].iloc[ci].to_numpy(dtype=np.float64)
                           if "birth_year" in cands else np.full(len(ci), np.nan))
    municipality = _home_municipality(dataset, profiles, ci)
    audit["municipality_code"] = municipality
    from features import reference

    province = dict(zip(reference.municipalities()["gm_code"],
                        reference.municipalities()["province"], strict=True))
    audit["province"] = [province.get(m) if isinstance(m, str) else None for m in municipality]
    for optional in ("gender", "nationality"):
        if optional in cands:
            audit[optional] = cands[optional].iloc[ci].to_numpy()
    for name, values in audit.items():
        out[AUDIT_PREFIX + name] = values
    return out

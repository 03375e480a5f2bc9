"""Pair features: the :data:`features.spec.FEATURE_NAMES` of (candidate, vacancy) pairs, vectorised.

:func:`pair_features` works on index arrays into :class:`features.profiles.Profiles` and does
no per-pair Python: term overlaps are popcounts of packed ``uint64`` bitsets
(:func:`numpy.bitwise_count`), occupations compare integer ISCO prefixes, distances use unit
vectors, and the SROI value is the product of per-candidate block values and per-vacancy
hours and months (the formula of :func:`features.valuation.placement_value`, without the age
bonus: age must not leak into features).

:func:`pair_details` renders a few hundred pairs for people (labels, not bits).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from features.geo import EARTH_RADIUS_KM
from features.profiles import NO_DATE, Profiles, TermSpace
from features.spec import PAIR_COLUMNS, PAIR_INDEX
from features.valuation import placement_value

__all__ = ["REACH_FLOOR_KM", "pair_details", "pair_features", "pair_travel_km"]

REACH_FLOOR_KM = 1.0
"""``reach_ratio`` divides by ``max(max_travel_km, REACH_FLOOR_KM)`` so a zero reach stays finite."""


def _indices(profiles: Profiles, cand_idx: np.ndarray, vac_idx: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    ci = np.asarray(cand_idx, dtype=np.intp).ravel()
    vi = np.asarray(vac_idx, dtype=np.intp).ravel()
    if ci.shape != vi.shape:
        raise ValueError(f"cand_idx and vac_idx differ in length: {ci.shape[0]} != {vi.shape[0]}")
    return ci, vi


def _chord2(a: np.ndarray, b: np.ndarray, ai: np.ndarray, bi: np.ndarray) -> np.ndarray:
    """Squared chord between unit vectors ``a[ai]`` and ``b[bi]`` (x, y, z summed in order)."""
    total = np.zeros(len(ai), dtype=np.float64)
    for k in range(3):
        d = np.take(np.ascontiguousarray(a[:, k]), ai)
        d -= np.take(np.ascontiguousarray(b[:, k]), bi)
        d *= d
        total += d
    return total


def pair_travel_km(
    profiles: Profiles, cand_idx: np.ndarray, vac_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(distance_km, travel_km, ferry)`` of each pair.

    The distance is the great-circle distance between the home and work locations; travel adds
    ``FeatureSettings.ferry_penalty_km`` when a ferry is needed (see :mod:`features.geo`).

    Examples
    --------
    >>> from features.profiles import build_profiles
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(5, 2, 1, 0, seed=1).dataset)
    >>> d, t, ferry = pair_travel_km(p, np.array([0, 1]), np.array([0, 0]))
    >>> bool((t >= d).all())
    True
    """
    ci, vi = _indices(profiles, cand_idx, vac_idx)
    c, v = profiles.candidates, profiles.vacancies
    chord = np.sqrt(_chord2(c.xyz, v.xyz, ci, vi))
    chord *= 0.5
    np.minimum(chord, 1.0, out=chord)
    distance = np.arcsin(chord, out=chord)
    distance *= 2.0 * EARTH_RADIUS_KM
    travel = distance.copy()
    if c.island.any() or v.island.any():
        ferry = (np.take(c.island, ci) | np.take(v.island, vi)) & (
            np.take(c.municipality, ci) != np.take(v.municipality, vi))
        travel[ferry] += profiles.settings.ferry_penalty_km
    else:
        ferry = np.zeros(len(ci), dtype=bool)
    return distance, travel, ferry


def _popcount_and(a: np.ndarray, b: np.ndarray, ai: np.ndarray, bi: np.ndarray,
                  negate_a: bool = False) -> np.ndarray:
    """Per pair: number of bits set in ``a[ai] & b[bi]`` (or ``~a[ai] & b[bi]``).

    Only words that some row of ``b`` uses are visited.
    """
    total = np.zeros(len(ai), dtype=np.uint8 if b.shape[1] <= 3 else np.int64)
    for w in np.flatnonzero(b.any(axis=0)):
        bw = np.take(np.ascontiguousarray(b[:, w]), bi)
        aw = np.take(np.ascontiguousarray(a[:, w]), ai)
        if negate_a:
            np.invert(aw, out=aw)
        np.bitwise_and(aw, bw, out=aw)
        total += np.bitwise_count(aw)
    return total


def _share(hits: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, hits / np.where(n > 0, n, 1.0), 1.0)


def _occupation_level(profiles: Profiles, ci: np.ndarray, vi: np.ndarray) -> np.ndarray:
    c, v = profiles.candidates, profiles.vacancies
    level = np.zeros(len(ci), dtype=np.int8)
    vac = [np.take(a, vi) for a in (v.occupation_esco, v.occupation_isco4,
                                    v.occupation_isco3, v.occupation_isco2)]
    known = [x >= 0 for x in vac]
    for k in range(c.occupation_esco.shape[1]):
        if (c.occupation_isco2[:, k] < 0).all() and (c.occupation_esco[:, k] < 0).all():
            continue
        cand = (c.occupation_esco, c.occupation_isco4, c.occupation_isco3, c.occupation_isco2)
        for score, arr, vk, ok in zip((4, 3, 2, 1), cand, vac, known, strict=True):
            hit = np.take(np.ascontiguousarray(arr[:, k]), ci) == vk
            hit &= ok
            np.maximum(level, hit.view(np.int8) * np.int8(score), out=level)
    return level


def _gap(cand: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """Candidate minus minimum; 0 without a minimum; NaN when the candidate is unknown."""
    return cand - np.where(np.isnan(minimum), cand, minimum)


def _eligible(profiles: Profiles, ci: np.ndarray, vi: np.ndarray) -> np.ndarray:
    group = profiles.candidates.target_group[ci].astype(np.int64)
    known = group >= 0
    g = np.where(known, group, 0)
    words = profiles.vacancies.eligible_groups[vi, g // 64]
    bit = (words >> (g % 64).astype(np.uint64)) & np.uint64(1)
    return (known & (bit == 1)).astype(np.float64)


def _sroi_value(profiles: Profiles, ci: np.ndarray, vi: np.ndarray) -> np.ndarray:
    """The arithmetic of :func:`features.valuation.placement_value` without birth year."""
    settings = profiles.settings
    c, v = profiles.candidates, profiles.vacancies
    per_year = c.block_value_per_year[ci]
    max_months = c.block_max_months[ci]
    hours = np.nan_to_num(v.hours, nan=0.0)
    fraction = (np.clip(hours, 0.0, settings.fulltime_hours) / settings.fulltime_hours)[vi]
    contract = v.contract_months[vi]
    months = np.where(np.isnan(max_months), contract, np.minimum(contract, max_months))
    years = np.clip(months, 0.0, None) / 12.0
    value = per_year * fraction * years
    bonus = np.where((per_year > 0) & v.permanent[vi], settings.bonus_permanent_eur, 0.0)
    return value + bonus


def pair_features(profiles: Profiles, cand_idx: np.ndarray, vac_idx: np.ndarray) -> np.ndarray:
    """Pair matrix, shape ``(n, len(PAIR_COLUMNS))``, float64, in ``PAIR_COLUMNS`` order.

    The first ``len(FEATURE_NAMES)`` columns are the model features; the context columns
    (``target_group_eligible``, ``sroi_value_eur``) follow and are never model inputs.

    Parameters
    ----------
    profiles : Profiles
        From :func:`features.profiles.build_profiles`.
    cand_idx, vac_idx : ndarray of int
        Rows into ``profiles.candidates`` and ``profiles.vacancies``; pair ``k`` is
        ``(cand_idx[k], vac_idx[k])``.

    Returns
    -------
    ndarray
        Missing values are ``NaN`` (education / Dutch gaps, startkwalificatie, travel when a
        location is unknown). See :mod:`features.spec` for every definition.

    Examples
    --------
    >>> from features.profiles import build_profiles
    >>> from features.spec import PAIR_COLUMNS
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(5, 2, 1, 0, seed=1).dataset)
    >>> X = pair_features(p, np.array([0, 1, 2]), np.array([0, 0, 1]))
    >>> X.shape == (3, len(PAIR_COLUMNS))
    True
    """
    ci, vi = _indices(profiles, cand_idx, vac_idx)
    c, v = profiles.candidates, profiles.vacancies
    # Column-major: each feature is written contiguously (and a DataFrame takes it as is).
    out = np.empty((len(ci), len(PAIR_COLUMNS)), dtype=np.float64, order="F")

    def put(name: str, values: np.ndarray) -> None:
        out[:, PAIR_INDEX[name]] = values

    put("required_skill_coverage", _share(
        _popcount_and(c.skills, v.required_skills, ci, vi), v.n_required_skills[vi]))
    put("preferred_skill_coverage", _share(
        _popcount_and(c.skills, v.preferred_skills, ci, vi), v.n_preferred_skills[vi]))
    put("occupation_match_level", _occupation_level(profiles, ci, vi))
    put("missing_required_certificates",
        _popcount_and(c.certificates, v.required_certificates, ci, vi, negate_a=True))
    ch, vh = c.hours[ci], v.hours[vi]
    with np.errstate(invalid="ignore", divide="ignore"):
        put("hours_fit", np.clip(1.0 - np.abs(ch - vh) / vh, 0.0, 1.0))
    _, travel, _ = pair_travel_km(profiles, ci, vi)
    reach = c.max_travel_km[ci]
    put("travel_km", travel)
    put("reach_ratio", travel / np.maximum(reach, REACH_FLOOR_KM))
    put("within_reach", (travel <= reach).astype(np.float64))
    put("education_gap", _gap(c.education_rank[ci], v.min_education_rank[vi]))
    put("dutch_gap", _gap(c.dutch_rank[ci], v.min_dutch_rank[vi]))
    put("has_startkwalificatie", c.startkwalificatie[ci])
    put("support_coverage", _share(
        _popcount_and(v.support_offered, c.support_needs, vi, ci), c.n_support_needs[ci]))
    available = c.available_from[ci].astype(np.int64)
    start = v.start_date[vi].astype(np.int64)
    known = (available != NO_DATE) & (start != NO_DATE)
    put("start_delay_days", np.where(known, np.maximum(available - start, 0), 0).astype(np.float64))
    put("target_group_eligible", _eligible(profiles, ci, vi))
    put("sroi_value_eur", _sroi_value(profiles, ci, vi))
    put("permanent_contract", v.permanent[vi].astype(np.float64))
    put("contract_months", v.contract_months[vi])
    return out


# --------------------------------------------------------------------------------------------
# Display
# --------------------------------------------------------------------------------------------


def _labels(profiles: Profiles, space: TermSpace, kind: str, bits: list[int]) -> tuple[str, ...]:
    lang = profiles.settings.lang
    out = []
    for b in bits:
        key = space.keys[b]
        if kind == "support" or key.startswith("~"):
            out.append(space.labels[b])
        else:
            out.append(profiles.vocabularies.label(kind, key, lang))
    return tuple(out)


def _bits(space: TermSpace, row: np.ndarray) -> set[int]:
    return set(space.unpack(row))


def pair_details(profiles: Profiles, cand_idx: np.ndarray, vac_idx: np.ndarray) -> pd.DataFrame:
    """Human-readable details of a few hundred pairs (for shortlists and explanations).

    Columns: ``candidate_id``, ``vacancy_id``, ``distance_km``, ``travel_km``, ``ferry``,
    ``max_travel_km``, ``required_skills_covered`` / ``required_skills_missing`` /
    ``preferred_skills_covered`` / ``certificates_missing`` / ``support_needs`` /
    ``support_offered`` / ``support_missing`` (tuples of labels in ``FeatureSettings.lang``),
    ``hours_candidate``, ``hours_vacancy``, ``target_group``, ``target_group_eligible``,
    ``home_municipality_code``, ``work_municipality_code`` and ``sroi_value_eur`` — the value
    for reports, *with* the age bonus (reference year: the vacancy's start year, else the
    current year). Not a model input.

    Examples
    --------
    >>> from features.profiles import build_profiles
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(5, 2, 1, 0, seed=1).dataset)
    >>> pair_details(p, np.array([0]), np.array([1]))["vacancy_id"].tolist() == [p.vacancies.ids[1]]
    True
    """
    ci, vi = _indices(profiles, cand_idx, vac_idx)
    c, v = profiles.candidates, profiles.vacancies
    distance, travel, ferry = pair_travel_km(profiles, ci, vi)
    rows = []
    for i, j in zip(ci.tolist(), vi.tolist(), strict=True):
        cand_skills = _bits(profiles.skill_space, c.skills[i])
        req = profiles.skill_space.unpack(v.required_skills[j])
        pref = profiles.skill_space.unpack(v.preferred_skills[j])
        certs = _bits(profiles.certificate_space, c.certificates[i])
        req_certs = profiles.certificate_space.unpack(v.required_certificates[j])
        needs = profiles.support_space.unpack(c.support_needs[i])
        offered = profiles.support_space.unpack(v.support_offered[j])
        g = int(c.target_group[i])
        rows.append({
            "required_skills_covered": _labels(
                profiles, profiles.skill_space, "skill", [b for b in req if b in cand_skills]),
            "required_skills_missing": _labels(
                profiles, profiles.skill_space, "skill", [b for b in req if b not in cand_skills]),
            "preferred_skills_covered": _labels(
                profiles, profiles.skill_space, "skill", [b for b in pref if b in cand_skills]),
            "certificates_missing": _labels(
                profiles, profiles.certificate_space, "certificate",
                [b for b in req_certs if b not in certs]),
            "support_needs": _labels(profiles, profiles.support_space, "support", needs),
            "support_offered": _labels(profiles, profiles.support_space, "support", offered),
            "support_missing": _labels(
                profiles, profiles.support_space, "support", [b for b in needs if b not in offered]),
            "target_group": profiles.target_groups[g] if g >= 0 else None,
        })
    muni = profiles.municipality_codes

    def code(index: np.ndarray) -> list[str | None]:
        return [muni[k] if k >= 0 else None for k in index.tolist()]

    start = v.start_date[vi]
    this_year = _dt.date.today().year
    ref_year = np.where(
        start != NO_DATE,
        start.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970,
        this_year,
    )
    groups = [r["target_group"] for r in rows]
    value = placement_value(
        profiles.valuation, np.array(groups, dtype=object), c.benefit_months[ci], v.hours[vi],
        v.contract_months[vi], birth_year=c.birth_year[ci], reference_year=ref_year,
        permanent=v.permanent[vi], settings=profiles.settings,
    ) if len(ci) else np.zeros(0)
    frame = pd.DataFrame({
        "candidate_id": c.ids[ci],
        "vacancy_id": v.ids[vi],
        "distance_km": distance,
        "travel_km": travel,
        "ferry": ferry,
        "max_travel_km": c.max_travel_km[ci],
        "hours_candidate": c.hours[ci],
        "hours_vacancy": v.hours[vi],
        "target_group_eligible": _eligible(profiles, ci, vi).astype(bool),
        "home_municipality_code": code(c.municipality[ci]),
        "work_municipality_code": code(v.municipality[vi]),
        "sroi_value_eur": value,
    })
    details = pd.DataFrame(rows, columns=[
        "required_skills_covered", "required_skills_missing", "preferred_skills_covered",
        "certificates_missing", "support_needs", "support_offered", "support_missing",
        "target_group"])
    return pd.concat([frame, details], axis=1)

"""The documented ground truth of the synthetic sample: the true durable-placement probability.

The sample generator (:mod:`matching.synthetic.sample`) draws every placement outcome from this model,
so the model is an exact oracle: for any candidate-vacancy pair of a generated sample,
:meth:`GroundTruth.probability` returns the probability that the person is still employed
six months after starting in that job. The oracle lets tests and benchmarks measure how much
of the achievable quality a trained model, a ranking or an assignment reaches.

The model is a logistic function of pair quantities that follow the definitions of
:mod:`features.spec`, computed **independently** from the clean (noise-free) ids kept by the
generator (this module deliberately does not import :mod:`features`). It is deliberately not
additive-linear: it has hinges (beyond reach, poor hours fit, unmet support), a step
(occupation level 3), interactions (skills x occupation, no startkwalificatie x Dutch margin)
and a penalty for accumulated serious gaps (see :meth:`GroundTruth.logit_of` and
``docs/ground-truth.md`` for the formula and the domain reason of every term)::

    logit p = intercept
            + s_req(level) * (required_skill_coverage - 1)     # smaller slope at level >= 3
            + b_pref  * (preferred_skill_coverage - 1)
            + occ[occupation_match_level]                      # step at level 3
            + b_cert1 * [missing >= 1] + b_cert * max(missing - 1, 0)
            + b_hours * (hours_fit - 1) - b_poor_hours * max(t_h - hours_fit, 0)
            + b_km    * travel_km                              # incl. 60 km ferry penalty
            + b_reach * min(max(reach_ratio - 1, 0), cap)
            + b_edu   * min(education_gap, 0)                  # 0 when unknown
            + [no SK] * (b_sk + b_sk_nl * max(1 - dutch_gap, 0))
            + b_dutch * min(dutch_gap, 0)                      # 0 when unknown
            + b_supp  * (support_coverage - 1) - b_poor_supp * max(t_s - support_coverage, 0)
            + b_delay * min(start_delay_days, delay_cap) / 30
            + b_perm  * permanent_contract
            + b_gaps  * max(serious_gaps - 1, 0)

Every term is monotone in the feature's direction in
:data:`features.spec.FEATURES`, so the truth is monotone in each of them. Protected
attributes (birth year, gender, nationality, the home municipality or province) and the
target group do not enter: the truth is fair by construction, and any difference in
outcomes between groups arises only through the job-relevant quantities above. The
coefficients are listed in :class:`Coefficients` and in ``docs/ground-truth.md``.

Missing values are neutral: an unknown education or Dutch level contributes 0, an unknown
vacancy occupation gives level 0, a missing availability date counts as available.

The start delay depends on *when* a pair is asked about. For an open pair (serving time) it
is the candidate's current ``available_from`` against the vacancy's ``start_date``, as in
:meth:`GroundTruth.probability`. For a placement that already happened, the current
availability is a value known only today; the delay as known at the placement is
``max(placement start − vacancy start, 0)`` days (0 when the vacancy has no start date), and
:meth:`GroundTruth.historic_probability` uses it. The generator draws every historic outcome
from that probability, so no historic outcome depends on today's availability. Any
probability method takes ``start_delay_days=`` to set the delay explicitly.

Examples
--------
>>> from matching.synthetic.sample import generate
>>> sample = generate(60, 10, n_projects=4, n_placements=40, seed=1)
>>> p = sample.truth.probability(["C000001", "C000002"], ["V000001", "V000001"])
>>> p.shape, bool(((p > 0) & (p < 1)).all())
((2,), True)
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matching.core.config import Settings
from matching.data import reference
from matching.data.schema import CEFR_LEVELS, EDUCATION_RANK, STARTKWALIFICATIE, SUPPORT_NEEDS

__all__ = ["ISLAND_MUNICIPALITIES", "Coefficients", "GroundTruth", "haversine_km"]

ISLAND_MUNICIPALITIES: frozenset[str] = frozenset({"GM0096", "GM0093", "GM0060", "GM0088"})
"""Vlieland, Terschelling, Ameland, Schiermonnikoog: reached by ferry only."""

_CEFR_RANK = {level: i for i, level in enumerate(CEFR_LEVELS)}
_SUPPORT_BIT = {code: 1 << i for i, code in enumerate(SUPPORT_NEEDS)}
_EARTH_RADIUS_KM = 6371.0088
_NO_DATE = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Coefficients:
    """The coefficients of the ground-truth model (see the module docstring and
    ``docs/ground-truth.md``, which gives the domain reason of every term).

    Every term is non-decreasing in the quantities whose direction in
    :data:`features.spec.FEATURES` is +1 and non-increasing in those whose direction is -1.
    """

    intercept: float = 4.0
    """Logit of a perfect match (full coverage, same occupation, nearby, no gaps)."""
    required_skill_coverage: float = 1.4
    """Per unit of required-skill coverage, when the occupation is not (nearly) the same."""
    required_skill_coverage_same_occupation: float = 0.3
    """Per unit of required-skill coverage at occupation level >= 3: experience in the trade
    makes up for skills missing from the record."""
    preferred_skill_coverage: float = 0.3
    occupation_level: tuple[float, float, float, float, float] = (-0.8, -0.8, -0.7, 0.1, 0.3)
    """Contribution of the occupation match level 0 (none/unknown) … 4 (same ESCO occupation):
    a step at level 3 (same ISCO-08 unit group)."""
    first_missing_certificate: float = -1.3
    """When at least one required certificate is missing."""
    further_missing_certificate: float = -0.2
    """Per further missing required certificate."""
    hours_fit: float = 0.2
    """Per unit of hours fit (the gentle part)."""
    poor_hours_fit: float = 3.0
    """Per unit of hours fit below ``poor_hours_threshold`` (the steep part)."""
    poor_hours_threshold: float = 0.6
    travel_per_km: float = -0.002
    """Within reach distance barely matters."""
    beyond_reach: float = -1.4
    """Per unit of reach ratio above 1 (capped at ``beyond_reach_cap`` units)."""
    beyond_reach_cap: float = 2.0
    education_shortfall: float = 0.3
    """Per education rank below the vacancy's minimum (applied to ``min(gap, 0)``)."""
    no_startkwalificatie: float = -0.2
    """When the candidate is known to have no startkwalificatie …"""
    no_startkwalificatie_per_dutch_level: float = -0.35
    """… and per CEFR level the candidate's Dutch is short of one level above the vacancy's
    minimum (``max(1 - dutch_gap, 0)``; 0 when the Dutch level is unknown)."""
    dutch_shortfall: float = 0.45
    """Per CEFR level below the vacancy's minimum (applied to ``min(gap, 0)``)."""
    support_coverage: float = 0.2
    """Per unit of support coverage (the gentle part)."""
    poor_support: float = 2.2
    """Per unit of support coverage below ``poor_support_threshold`` (the steep part)."""
    poor_support_threshold: float = 0.5
    start_delay_per_30_days: float = -0.15
    start_delay_cap_days: float = 120.0
    permanent_contract: float = 0.35
    accumulated_gap: float = -0.3
    """Per serious gap beyond the first (see :meth:`GroundTruth.serious_gaps`)."""

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def haversine_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in km between arrays of WGS84 points.

    Examples
    --------
    >>> round(float(haversine_km(np.array([53.217]), np.array([6.570]),
    ...                          np.array([53.202]), np.array([5.797]))[0]))
    52
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


# ----------------------------------------------------------------------------- encoding


def _flatten(column: Iterable[Sequence[str]]) -> tuple[np.ndarray, list[str]]:
    """Row lengths and the flat list of items of a column of tuples."""
    column = list(column)
    lengths = np.fromiter(map(len, column), dtype=np.int64, count=len(column))
    return lengths, list(itertools.chain.from_iterable(column))


def _bitset(column: Iterable[Sequence[str]], codes: Sequence[str]) -> np.ndarray:
    """Encode a column of code tuples as packed bit sets, shape ``(words, n)`` uint64.

    Word-major, so that gathering one word for many rows is a fast 1-d take. Codes not in
    ``codes`` are ignored.
    """
    lengths, flat = _flatten(column)
    n = len(lengths)
    words = max(1, (len(codes) + 63) // 64)
    out = np.zeros((words, n), dtype=np.uint64)
    if not flat:
        return out
    pos = pd.Index(list(codes), dtype=object).get_indexer(np.asarray(flat, dtype=object))
    rows = np.repeat(np.arange(n), lengths)
    keep = pos >= 0
    rows, pos = rows[keep], pos[keep]
    bits = np.left_shift(np.uint64(1), (pos % 64).astype(np.uint64))
    np.bitwise_or.at(out, (pos // 64, rows), bits)
    return out


def _count_pair(a: np.ndarray, ai: np.ndarray, b: np.ndarray, bi: np.ndarray,
                mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: (bits of b[bi], bits of ``a[ai] & b[bi]`` or ``b[bi] & ~a[ai]``)."""
    n_b = np.zeros(len(ai), dtype=np.int64)
    n_x = np.zeros(len(ai), dtype=np.int64)
    for w in range(b.shape[0]):
        bw = b[w].take(bi)
        aw = a[w].take(ai)
        n_b += np.bitwise_count(bw)
        n_x += np.bitwise_count(bw & aw if mode == "and" else bw & ~aw)
    return n_b, n_x


def _coverage(have: np.ndarray, hi: np.ndarray, want: np.ndarray, wi: np.ndarray) -> np.ndarray:
    """Share of ``want[wi]`` bits present in ``have[hi]``; 1 where nothing is wanted."""
    n_want, n_hit = _count_pair(have, hi, want, wi, "and")
    return np.where(n_want > 0, n_hit / np.maximum(n_want, 1), 1.0)


def _days(values: pd.Series) -> np.ndarray:
    """Dates as int64 days since the epoch; missing as a sentinel far in the past."""
    dates = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    out = dates.astype(np.int64)
    out[np.isnat(dates)] = _NO_DATE
    return out


def _rank(values: pd.Series, ranks: dict[str, int]) -> np.ndarray:
    return values.map(ranks).fillna(-1).to_numpy(dtype=np.int16)


def _support_mask(column: Iterable[Sequence[str]]) -> np.ndarray:
    return np.fromiter(
        (sum(_SUPPORT_BIT.get(c, 0) for c in set(row)) for row in column), dtype=np.int64
    )


def _locations(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lat, lon and island number (-1 on the mainland) of each row's postcode/municipality."""
    pcs = reference.postcodes().drop_duplicates("pc4").set_index("pc4")
    gms = reference.municipalities().set_index("gm_code")
    n = len(frame)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    gm = np.full(n, "", dtype=object)
    if "postcode" in frame:
        pc = frame["postcode"].astype(object).where(frame["postcode"].notna(), "")
        pos = pcs.index.get_indexer(pc.to_numpy())
        ok = pos >= 0
        lat[ok] = pcs["lat"].to_numpy()[pos[ok]]
        lon[ok] = pcs["lon"].to_numpy()[pos[ok]]
        gm[ok] = pcs["gm_code"].to_numpy()[pos[ok]]
    if "municipality_code" in frame:
        code = frame["municipality_code"].astype(object).where(frame["municipality_code"].notna(), "")
        code = code.to_numpy()
        gm = np.where(gm == "", code, gm)
        missing = np.isnan(lat)
        pos = gms.index.get_indexer(code)
        use = missing & (pos >= 0)
        lat[use] = gms["lat"].to_numpy()[pos[use]]
        lon[use] = gms["lon"].to_numpy()[pos[use]]
    islands = sorted(ISLAND_MUNICIPALITIES)
    island = pd.Index(islands).get_indexer(gm.astype(str)).astype(np.int16)
    return lat, lon, island


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points as unit vectors, shape (3, n): chord length gives the great-circle distance."""
    phi, lmb = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(phi) * np.cos(lmb), np.cos(phi) * np.sin(lmb), np.sin(phi)])


def _distance_km(a: np.ndarray, ai: np.ndarray, b: np.ndarray, bi: np.ndarray) -> np.ndarray:
    """Great-circle distance between unit vectors ``a[:, ai]`` and ``b[:, bi]``."""
    sq = np.zeros(len(ai))
    for k in range(3):
        d = a[k].take(ai) - b[k].take(bi)
        sq += d * d
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(sq) / 2, 1.0))


@dataclass(frozen=True)
class _Side:
    """Encoded arrays of one side (candidates or vacancies), aligned with its frame."""

    xyz: np.ndarray
    island: np.ndarray
    skills: np.ndarray
    skills2: np.ndarray
    certificates: np.ndarray
    occ_esco: np.ndarray
    occ_isco: np.ndarray
    """ISCO-08 unit group (4 digits) per occupation slot, shape (slots, n); 0 = none."""
    occ_isco3: np.ndarray
    occ_isco2: np.ndarray
    education: np.ndarray
    dutch: np.ndarray
    hours: np.ndarray
    reach_km: np.ndarray
    support: np.ndarray
    day: np.ndarray
    permanent: np.ndarray


def _occupations(column: Iterable[Sequence[str]], width: int) -> tuple[np.ndarray, np.ndarray]:
    """ESCO index (-1 none) and ISCO-08 unit group (0 none) of up to ``width`` occupations."""
    occ = reference.occupations()
    ids = pd.Index(occ["occupation_id"].astype(str))
    isco_of = occ["isco_code"].astype(str).str.zfill(4).astype(int).to_numpy()
    rows = [tuple(r)[:width] for r in column]
    n = len(rows)
    esco = np.full((n, width), -1, dtype=np.int32)
    isco = np.zeros((n, width), dtype=np.int32)
    lengths, flat = _flatten(rows)
    if flat:
        r = np.repeat(np.arange(n), lengths)
        k = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat_arr = np.asarray(flat, dtype=object)
        pos = ids.get_indexer(flat_arr)
        is_code = np.fromiter((f.isdigit() for f in flat), dtype=bool, count=len(flat))
        esco[r, k] = np.where(pos >= 0, pos, -1)
        code_val = np.where(is_code, [int(f) if f.isdigit() else 0 for f in flat], 0)
        isco[r, k] = np.where(pos >= 0, isco_of[np.maximum(pos, 0)], code_val)
    return np.ascontiguousarray(esco.T), np.ascontiguousarray(isco.T)


# ----------------------------------------------------------------------------- model


class GroundTruth:
    """The exact durable-placement probability of any candidate-vacancy pair of a sample.

    Parameters
    ----------
    candidates, vacancies : pandas.DataFrame
        The CLEAN canonical attributes: the dataset's columns with list cells holding
        vocabulary ids instead of free text (skill and certificate ``code``; occupations
        as ESCO ``occupation_id`` or 4-digit ISCO-08 code, whichever the record holds).
    coefficients : Coefficients, optional
        The model's coefficients; the documented defaults when omitted.
    settings : Settings, optional
        Supplies the ferry penalty and the default reach by mobility.

    Examples
    --------
    >>> from matching.synthetic.sample import generate
    >>> truth = generate(50, 8, n_projects=3, n_placements=30, seed=3).truth
    >>> truth.probability_matrix(["C000001"], ["V000001", "V000002"]).shape
    (1, 2)
    """

    def __init__(
        self,
        candidates: pd.DataFrame,
        vacancies: pd.DataFrame,
        *,
        coefficients: Coefficients | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.coefficients = coefficients or Coefficients()
        self.settings = settings or Settings()
        self.candidates = candidates.reset_index(drop=True)
        self.vacancies = vacancies.reset_index(drop=True)
        self._cand_index = pd.Index(self.candidates["candidate_id"].astype(str), dtype=object)
        self._vac_index = pd.Index(self.vacancies["vacancy_id"].astype(str), dtype=object)
        skill_codes = tuple(reference.skills()["code"].astype(str))
        cert_codes = tuple(reference.certificates()["code"].astype(str))
        self._c = self._encode_candidates(self.candidates, skill_codes, cert_codes)
        self._v = self._encode_vacancies(self.vacancies, skill_codes, cert_codes)

    # -- encoding ---------------------------------------------------------------------

    def _encode_candidates(
        self, frame: pd.DataFrame, skill_codes: Sequence[str], cert_codes: Sequence[str]
    ) -> _Side:
        lat, lon, island = _locations(frame)
        esco, isco = _occupations(frame["occupations"], 3)
        defaults = self.settings.default_travel_km
        mobility = frame["mobility"].astype(object).where(frame["mobility"].notna(), "unknown")
        default_reach = mobility.map(lambda m: defaults.get(m, defaults["unknown"]))
        reach = frame["max_travel_km"].astype(float).fillna(default_reach.astype(float))
        skills = _bitset(frame["skills"], skill_codes)
        return _Side(
            xyz=_unit_vectors(lat, lon), island=island, skills=skills, skills2=skills,
            certificates=_bitset(frame["certificates"], cert_codes),
            occ_esco=esco, occ_isco=isco, occ_isco3=isco // 10, occ_isco2=isco // 100,
            education=_rank(frame["education_level"], EDUCATION_RANK),
            dutch=_rank(frame["dutch_level"], _CEFR_RANK),
            hours=frame["hours_per_week"].to_numpy(dtype=float),
            reach_km=np.maximum(reach.to_numpy(dtype=float), 0.5),
            support=_support_mask(frame["support_needs"]),
            day=_days(frame["available_from"]),
            permanent=np.zeros(len(frame), dtype=bool),
        )

    def _encode_vacancies(
        self, frame: pd.DataFrame, skill_codes: Sequence[str], cert_codes: Sequence[str]
    ) -> _Side:
        lat, lon, island = _locations(frame)
        occ = frame["occupation"].astype(object)
        esco, isco = _occupations([(o,) if isinstance(o, str) else () for o in occ], 1)
        return _Side(
            xyz=_unit_vectors(lat, lon), island=island,
            skills=_bitset(frame["required_skills"], skill_codes),
            skills2=_bitset(frame["preferred_skills"], skill_codes),
            certificates=_bitset(frame["required_certificates"], cert_codes),
            occ_esco=esco, occ_isco=isco, occ_isco3=isco // 10, occ_isco2=isco // 100,
            education=_rank(frame["min_education_level"], EDUCATION_RANK),
            dutch=_rank(frame["min_dutch_level"], _CEFR_RANK),
            hours=frame["hours_per_week"].to_numpy(dtype=float),
            reach_km=np.zeros(len(frame)),
            support=_support_mask(frame["support_offered"]),
            day=_days(frame["start_date"]),
            permanent=frame["permanent"].fillna(False).to_numpy(dtype=bool),
        )

    # -- lookup -----------------------------------------------------------------------

    def candidate_positions(self, candidate_ids: Iterable[str]) -> np.ndarray:
        """Row positions of candidate ids; raises ``KeyError`` for unknown ids."""
        return self._positions(self._cand_index, candidate_ids, "candidate")

    def vacancy_positions(self, vacancy_ids: Iterable[str]) -> np.ndarray:
        """Row positions of vacancy ids; raises ``KeyError`` for unknown ids."""
        return self._positions(self._vac_index, vacancy_ids, "vacancy")

    @staticmethod
    def _positions(index: pd.Index, ids: Iterable[str], kind: str) -> np.ndarray:
        if isinstance(ids, str):
            raise TypeError(f"{kind} ids must be a sequence of ids, not one string")
        if isinstance(ids, pd.Series | pd.Index):
            values = ids.array  # keeps pandas' (Arrow) string dtype: no object conversion
        else:
            values = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=object)
        # factorise first: pairs repeat ids, and hashing distinct ids once is cheaper
        codes, uniques = pd.factorize(values)
        upos = index.get_indexer(np.asarray(uniques, dtype=object))
        if (upos < 0).any() or (codes < 0).any():
            bad = [str(u) for u, p in zip(uniques, upos, strict=True) if p < 0][:5]
            raise KeyError(f"unknown {kind} id(s): {', '.join(bad) or 'missing id'}")
        return upos[codes]

    # -- the model --------------------------------------------------------------------

    def quantities_at(
        self, ci: np.ndarray, vi: np.ndarray, *, start_delay_days: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """The pair quantities the model uses, for row positions ``ci`` and ``vi``.

        Names follow :mod:`features.spec`; ``education_gap``, ``dutch_gap`` and
        ``has_startkwalificatie`` are ``NaN`` when unknown.

        ``start_delay_days`` overrides the start delay (one value per pair, or a scalar).
        Without it the delay is computed from the candidate's *current* ``available_from``
        and the vacancy's ``start_date``, which is right for open pairs (serving time). For a
        historic placement pass :meth:`historic_delay_at` instead: the current availability
        is not what was known when the placement started.
        """
        c, v = self._c, self._v
        ci = np.asarray(ci, dtype=np.int64)
        vi = np.asarray(vi, dtype=np.int64)
        req = _coverage(c.skills, ci, v.skills, vi)
        pref = _coverage(c.skills, ci, v.skills2, vi)
        v_esco, v_isco = v.occ_esco[0].take(vi), v.occ_isco[0].take(vi)
        v_isco3, v_isco2 = v.occ_isco3[0].take(vi), v.occ_isco2[0].take(vi)
        occ_level = np.zeros(len(ci), dtype=np.int64)
        for k in range(c.occ_isco.shape[0]):
            c_isco = c.occ_isco[k].take(ci)
            c_esco = c.occ_esco[k].take(ci)
            level = np.where(
                (c_esco >= 0) & (c_esco == v_esco), 4,
                np.where(c_isco == v_isco, 3,
                         np.where(c.occ_isco3[k].take(ci) == v_isco3, 2,
                                  np.where(c.occ_isco2[k].take(ci) == v_isco2, 1, 0))))
            known = (c_isco > 0) & (v_isco > 0)
            np.maximum(occ_level, np.where(known, level, 0), out=occ_level)
        _, missing = _count_pair(c.certificates, ci, v.certificates, vi, "andnot")
        vh = v.hours.take(vi)
        hours_fit = np.clip(1.0 - np.abs(c.hours.take(ci) - vh) / vh, 0.0, 1.0)
        km = _distance_km(c.xyz, ci, v.xyz, vi)
        ci_isl, vi_isl = c.island[ci], v.island[vi]
        ferry = (ci_isl != vi_isl) & ((ci_isl >= 0) | (vi_isl >= 0))
        km = km + np.where(ferry, self.settings.ferry_penalty_km, 0.0)
        reach_ratio = km / c.reach_km.take(ci)
        c_edu, v_edu = c.education[ci], v.education[vi]
        edu_gap = np.where(c_edu < 0, np.nan, np.where(v_edu < 0, 0, c_edu - v_edu)).astype(float)
        c_nl, v_nl = c.dutch[ci], v.dutch[vi]
        dutch_gap = np.where(c_nl < 0, np.nan, np.where(v_nl < 0, 0, c_nl - v_nl)).astype(float)
        sk_rank = min(EDUCATION_RANK[e] for e in STARTKWALIFICATIE)
        has_sk = np.where(c_edu < 0, np.nan, (c_edu >= sk_rank).astype(float))
        need = c.support[ci]
        n_need = np.bitwise_count(need.astype(np.uint64)).astype(float)
        n_hit = np.bitwise_count((need & v.support[vi]).astype(np.uint64)).astype(float)
        support = np.where(n_need > 0, n_hit / np.maximum(n_need, 1), 1.0)
        if start_delay_days is None:
            c_day, v_day = c.day[ci], v.day[vi]
            both = (c_day != _NO_DATE) & (v_day != _NO_DATE)
            delay = np.where(both, np.maximum(c_day - v_day, 0), 0).astype(float)
        else:
            delay = np.broadcast_to(np.asarray(start_delay_days, dtype=float), ci.shape).copy()
            if np.isnan(delay).any() or (delay < 0).any():
                raise ValueError("start_delay_days must be >= 0 and not missing")
        return {
            "required_skill_coverage": req,
            "preferred_skill_coverage": pref,
            "occupation_match_level": occ_level,
            "missing_required_certificates": missing,
            "hours_fit": hours_fit,
            "travel_km": km,
            "reach_ratio": reach_ratio,
            "education_gap": edu_gap,
            "dutch_gap": dutch_gap,
            "has_startkwalificatie": has_sk,
            "support_coverage": support,
            "start_delay_days": delay,
            "permanent_contract": v.permanent[vi].astype(float),
        }

    def logit_at(
        self, ci: np.ndarray, vi: np.ndarray, *, start_delay_days: np.ndarray | None = None
    ) -> np.ndarray:
        """The model's logit for row positions ``ci`` and ``vi`` (see :meth:`quantities_at`)."""
        return self.logit_of(self.quantities_at(ci, vi, start_delay_days=start_delay_days))

    def historic_delay_at(self, vi: np.ndarray, start_dates: object) -> np.ndarray:
        """Start delay of historic placements, as known when they started.

        ``max(placement start − vacancy start, 0)`` in days, for vacancy row positions ``vi``
        and the placements' ``start_dates`` (dates, or int days since 1970-01-01); 0 when
        either date is missing. The candidate's current ``available_from`` plays no part:
        it is a value known only today (no time travel).
        """
        vi = np.asarray(vi, dtype=np.int64)
        start = np.asarray(start_dates)
        if start.dtype.kind in "iu":
            day = start.astype(np.int64)
        else:
            day = _days(pd.Series(np.ravel(start)))
        day = np.broadcast_to(day, vi.shape)
        v_day = self._v.day[vi]
        both = (day != _NO_DATE) & (v_day != _NO_DATE)
        return np.where(both, np.maximum(day - v_day, 0), 0).astype(float)

    def serious_gaps(self, q: Mapping[str, np.ndarray]) -> np.ndarray:
        """Number of serious gaps of each pair (0-5), each a monotone indicator.

        A required certificate missing; beyond reach; hours fit below
        ``poor_hours_threshold``; support coverage below ``poor_support_threshold``; fewer
        than half the required skills while the occupation is not (nearly) the same.
        """
        b = self.coefficients
        occ_same = q["occupation_match_level"] >= 3
        return (
            (q["missing_required_certificates"] > 0).astype(int)
            + (q["reach_ratio"] > 1.0)
            + (q["hours_fit"] < b.poor_hours_threshold)
            + (q["support_coverage"] < b.poor_support_threshold)
            + ((q["required_skill_coverage"] < 0.5) & ~occ_same)
        )

    def logit_of(self, q: Mapping[str, np.ndarray]) -> np.ndarray:
        """The model's logit from pair quantities (the output of :meth:`quantities_at`)."""
        b = self.coefficients
        occ = np.asarray(b.occupation_level, dtype=float)
        level = np.asarray(q["occupation_match_level"], dtype=np.int64)
        req_slope = np.where(level >= 3, b.required_skill_coverage_same_occupation,
                             b.required_skill_coverage)
        missing = np.asarray(q["missing_required_certificates"], dtype=float)
        hours = np.asarray(q["hours_fit"], dtype=float)
        support = np.asarray(q["support_coverage"], dtype=float)
        dutch = np.asarray(q["dutch_gap"], dtype=float)
        no_sk = np.nan_to_num(1.0 - np.asarray(q["has_startkwalificatie"], dtype=float), nan=0.0)
        dutch_margin_short = np.nan_to_num(np.maximum(1.0 - dutch, 0.0), nan=0.0)
        return (
            b.intercept
            + req_slope * (np.asarray(q["required_skill_coverage"], dtype=float) - 1.0)
            + b.preferred_skill_coverage * (q["preferred_skill_coverage"] - 1.0)
            + occ[level]
            + b.first_missing_certificate * (missing > 0)
            + b.further_missing_certificate * np.maximum(missing - 1.0, 0.0)
            + b.hours_fit * (hours - 1.0)
            - b.poor_hours_fit * np.maximum(b.poor_hours_threshold - hours, 0.0)
            + b.travel_per_km * q["travel_km"]
            + b.beyond_reach * np.clip(q["reach_ratio"] - 1.0, 0.0, b.beyond_reach_cap)
            + b.education_shortfall * np.nan_to_num(np.minimum(q["education_gap"], 0.0))
            + no_sk * (b.no_startkwalificatie
                       + b.no_startkwalificatie_per_dutch_level * dutch_margin_short)
            + b.dutch_shortfall * np.nan_to_num(np.minimum(dutch, 0.0))
            + b.support_coverage * (support - 1.0)
            - b.poor_support * np.maximum(b.poor_support_threshold - support, 0.0)
            + b.start_delay_per_30_days
            * np.minimum(q["start_delay_days"], b.start_delay_cap_days) / 30.0
            + b.permanent_contract * q["permanent_contract"]
            + b.accumulated_gap * np.maximum(self.serious_gaps(q) - 1, 0)
        )

    def probability_at(
        self, ci: np.ndarray, vi: np.ndarray, *, start_delay_days: np.ndarray | None = None
    ) -> np.ndarray:
        """True durable probability for row positions ``ci`` and ``vi`` (vectorised)."""
        return 1.0 / (1.0 + np.exp(-self.logit_at(ci, vi, start_delay_days=start_delay_days)))

    def probability(
        self, candidate_ids: Iterable[str], vacancy_ids: Iterable[str], *,
        start_delay_days: np.ndarray | None = None,
    ) -> np.ndarray:
        """True probability that each pair is still employed ``horizon`` (6) months after start.

        Parameters
        ----------
        candidate_ids, vacancy_ids : sequences of str of equal length
            The pairs, element by element.
        start_delay_days : array-like of float, optional
            Overrides the start delay of each pair (see :meth:`quantities_at`); by default
            the delay of an open pair: current ``available_from`` against the vacancy's start.
            For placements that already happened use :meth:`historic_probability`.

        Returns
        -------
        numpy.ndarray of float64 in (0, 1)
        """
        ci = self.candidate_positions(candidate_ids)
        vi = self.vacancy_positions(vacancy_ids)
        if len(ci) != len(vi):
            raise ValueError(f"{len(ci)} candidate ids but {len(vi)} vacancy ids")
        return self.probability_at(ci, vi, start_delay_days=start_delay_days)

    def historic_probability(
        self, candidate_ids: Iterable[str], vacancy_ids: Iterable[str], start_dates: object
    ) -> np.ndarray:
        """True probability of placements that started on ``start_dates``.

        The same model as :meth:`probability`, with the start delay as known at the start of
        the placement (:meth:`historic_delay_at`: placement start − vacancy start, at least 0)
        instead of the candidate's current availability. The generator draws every historic
        outcome from exactly this probability.

        Examples
        --------
        >>> from matching.synthetic.sample import generate
        >>> s = generate(60, 10, n_projects=4, n_placements=40, seed=1)
        >>> pl = s.dataset.placements
        >>> p = s.truth.historic_probability(pl["candidate_id"], pl["vacancy_id"],
        ...                                  pl["start_date"])
        >>> bool(np.allclose(p, s.outcomes["probability"]))
        True
        """
        ci = self.candidate_positions(candidate_ids)
        vi = self.vacancy_positions(vacancy_ids)
        if len(ci) != len(vi):
            raise ValueError(f"{len(ci)} candidate ids but {len(vi)} vacancy ids")
        delay = self.historic_delay_at(vi, start_dates)
        return self.probability_at(ci, vi, start_delay_days=delay)

    def probability_matrix(
        self, candidate_ids: Iterable[str], vacancy_ids: Iterable[str]
    ) -> np.ndarray:
        """Probabilities of every candidate with every vacancy, shape ``(n_c, n_v)``."""
        ci = self.candidate_positions(candidate_ids)
        vi = self.vacancy_positions(vacancy_ids)
        cc, vv = np.meshgrid(ci, vi, indexing="ij")
        return self.probability_at(cc.ravel(), vv.ravel()).reshape(len(ci), len(vi))

    def quantities(
        self, candidate_ids: Iterable[str], vacancy_ids: Iterable[str], *,
        start_delay_days: np.ndarray | None = None,
    ) -> pd.DataFrame:
        """The pair quantities and the true probability, one row per pair."""
        ci = self.candidate_positions(candidate_ids)
        vi = self.vacancy_positions(vacancy_ids)
        out = pd.DataFrame(self.quantities_at(ci, vi, start_delay_days=start_delay_days))
        out.insert(0, "vacancy_id", self._vac_index[vi])
        out.insert(0, "candidate_id", self._cand_index[ci])
        out["probability"] = self.probability_at(ci, vi, start_delay_days=start_delay_days)
        return out

    def with_profiles(
        self, candidates: pd.DataFrame | None = None, vacancies: pd.DataFrame | None = None
    ) -> GroundTruth:
        """A truth with changed clean profiles (e.g. a certificate added), same coefficients."""
        return GroundTruth(
            self.candidates if candidates is None else candidates,
            self.vacancies if vacancies is None else vacancies,
            coefficients=self.coefficients, settings=self.settings,
        )

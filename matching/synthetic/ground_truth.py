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

The coefficients live in :mod:`matching.synthetic.coefficients` and the encoding of the clean
attributes as arrays in :mod:`matching.synthetic.truth_encoding`; this module holds the model
and re-exports :class:`Coefficients`, :func:`haversine_km` and :data:`ISLAND_MUNICIPALITIES`.

Examples
--------
>>> from matching.synthetic.sample import generate
>>> sample = generate(60, 10, n_projects=4, n_placements=40, seed=1)
>>> p = sample.truth.probability(["C000001", "C000002"], ["V000001", "V000001"])
>>> p.shape, bool(((p > 0) & (p < 1)).all())
((2,), True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from matching.core.config import Settings
from matching.data import reference
from matching.data.schema import EDUCATION_RANK, STARTKWALIFICATIE
from matching.synthetic.coefficients import Coefficients
from matching.synthetic.truth_encoding import (
    _NO_DATE,
    ISLAND_MUNICIPALITIES,
    _count_pair,
    _coverage,
    _days,
    _distance_km,
    _Side,
    encode_candidates,
    encode_vacancies,
    haversine_km,
)

__all__ = ["ISLAND_MUNICIPALITIES", "Coefficients", "GroundTruth", "haversine_km"]


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
        self._c: _Side = encode_candidates(self.candidates, self.settings, skill_codes,
                                           cert_codes)
        self._v: _Side = encode_vacancies(self.vacancies, skill_codes, cert_codes)

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

"""Candidates → :class:`features.profile_types.CandidateProfiles`, one row per candidate.

Works on the terms :func:`features.resolve.resolve_text` resolved; adds locations, reach,
education and language ranks, availability and the SROI building block of each candidate.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from features.cells import codes, column, days, floats, ranks
from features.geo import Gazetteer, unit_vectors
from features.inputs import CEFR_RANK, EDUCATION_RANK, STARTKWALIFICATIE
from features.profile_types import CandidateProfiles
from features.resolve import ResolvedText, occupation_arrays, pack_keys
from features.settings import FeatureSettings
from features.valuation import block_value_per_year

__all__ = ["encode_candidates", "reach_km"]


def reach_km(cand: pd.DataFrame, default_travel_km: Mapping[str, float]) -> np.ndarray:
    """One-way reach: the explicit ``max_travel_km``, else the default of the mobility.

    Examples
    --------
    >>> frame = pd.DataFrame({"max_travel_km": [7.0, None, None], "mobility": [None, "bike", None]})
    >>> reach_km(frame, {"bike": 12.0, "unknown": 25.0}).tolist()
    [7.0, 12.0, 25.0]
    """
    explicit = floats(column(cand, "max_travel_km", np.nan))
    fallback = float(default_travel_km.get("unknown", 25.0))
    by_mobility = np.array(
        [float(default_travel_km.get(m, fallback)) if m is not None else fallback
         for m in codes(column(cand, "mobility"))], dtype=np.float64)
    return np.where(np.isnan(explicit), by_mobility, explicit)


def _startkwalificatie(cand: pd.DataFrame) -> np.ndarray:
    """1 / 0 for a known education level (has a startkwalificatie or not), else NaN."""
    return np.array([np.nan if e is None or e not in EDUCATION_RANK else float(e in STARTKWALIFICATIE)
                     for e in codes(column(cand, "education_level"))], dtype=np.float64)


def encode_candidates(
    cand: pd.DataFrame,
    text: ResolvedText,
    gazetteer: Gazetteer,
    valuation: pd.DataFrame,
    settings: FeatureSettings,
) -> CandidateProfiles:
    """Arrays of the candidates of ``cand`` (a frame with a plain 0..n-1 index)."""
    occs = text.candidate_occupations
    k = max(1, max((len(o) for o in occs), default=1))
    esco, isco2, isco3, isco4 = occupation_arrays(occs, k)
    loc = gazetteer.locate(column(cand, "postcode"), column(cand, "municipality_code"))
    status = codes(column(cand, "status"))
    benefit = floats(column(cand, "benefit_months", np.nan))
    block, block_max = block_value_per_year(
        valuation, np.array(text.candidate_groups, dtype=object), benefit)
    bbl = text.group_index.get("bbl", -2)
    return CandidateProfiles(
        ids=np.array([str(i) for i in cand["candidate_id"]], dtype=object),
        skills=pack_keys(text.skill_space, text.candidate_skills),
        certificates=pack_keys(text.certificate_space, text.candidate_certificates),
        support_needs=pack_keys(text.support_space, text.support_needs),
        n_support_needs=np.array([len(s) for s in text.support_needs], dtype=np.float64),
        target_group=text.candidate_group,
        is_bbl=text.candidate_group == bbl,
        occupation_esco=esco,
        occupation_isco2=isco2,
        occupation_isco3=isco3,
        occupation_isco4=isco4,
        education_rank=ranks(column(cand, "education_level"), EDUCATION_RANK),
        dutch_rank=ranks(column(cand, "dutch_level"), CEFR_RANK),
        startkwalificatie=_startkwalificatie(cand),
        hours=floats(column(cand, "hours_per_week", np.nan)),
        lat=loc.lat,
        lon=loc.lon,
        xyz=unit_vectors(loc.lat, loc.lon),
        municipality=loc.municipality,
        island=loc.island,
        max_travel_km=reach_km(cand, settings.default_travel_km),
        available_from=days(column(cand, "available_from")),
        available=np.array([s is None or s == "available" for s in status], dtype=bool),
        benefit_months=benefit,
        block_value_per_year=block,
        block_max_months=block_max,
        birth_year=floats(column(cand, "birth_year", np.nan)),
        skill_ids=tuple(text.candidate_skills),
        certificate_ids=tuple(text.candidate_certificates),
        occupation_codes=tuple(tuple(code for code, _ in o) for o in occs),
        support_codes=tuple(text.support_needs),
    )

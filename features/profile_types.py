"""The encoded profiles: every candidate and vacancy of the tables as fixed-width arrays.

* term sets (skills, certificates, support) as packed bitsets, ``uint64`` words, one row per
  entity, over the bit spaces of :mod:`features.resolve`;
* codes as small integers (target group, municipality, project), ranks as ``float64`` with
  ``NaN`` for unknown, dates as ``int32`` days since 1970-01-01 (:data:`features.cells.NO_DATE`
  when missing);
* locations as PC4 centroids (fallback: municipality centroid) and unit vectors.

Built by :func:`features.profiles.build_profiles`; read by :mod:`features.pairs` and
:mod:`features.blocking`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from features.errors import UnknownIdError
from features.resolve import TermSpace
from features.settings import FeatureSettings
from features.vocabularies import Vocabularies
from features.vocabulary import UnresolvedTerms

__all__ = ["CandidateProfiles", "Profiles", "VacancyProfiles"]


@dataclass(frozen=True)
class CandidateProfiles:
    """All candidates as arrays (row ``i`` everywhere is candidate ``ids[i]``)."""

    ids: np.ndarray
    """Candidate ids (object array of str)."""
    skills: np.ndarray
    """Packed bitsets ``(n, words)`` over :attr:`Profiles.skill_space`."""
    certificates: np.ndarray
    """Packed bitsets over :attr:`Profiles.certificate_space`."""
    support_needs: np.ndarray
    """Packed bitsets over :attr:`Profiles.support_space`."""
    n_support_needs: np.ndarray
    target_group: np.ndarray
    """Index into :attr:`Profiles.target_groups` (int16, -1 missing)."""
    is_bbl: np.ndarray
    occupation_esco: np.ndarray
    """``(n, K)`` ESCO occupation index per wanted / previous occupation (-1 none)."""
    occupation_isco2: np.ndarray
    """``(n, K)`` ISCO sub-major group (2-digit prefix as int, -1 unknown)."""
    occupation_isco3: np.ndarray
    occupation_isco4: np.ndarray
    education_rank: np.ndarray
    """:data:`features.inputs.EDUCATION_RANK` (float64, NaN unknown)."""
    dutch_rank: np.ndarray
    """CEFR index A0=0 … C2=6 (float64, NaN unknown)."""
    startkwalificatie: np.ndarray
    """1 / 0 / NaN."""
    hours: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    xyz: np.ndarray
    """Unit vectors ``(n, 3)`` of the home location."""
    municipality: np.ndarray
    """Home municipality index into :attr:`Profiles.municipality_codes`, from the postcode when
    known (so the ``municipality_code`` column matters only without a usable postcode)."""
    island: np.ndarray
    max_travel_km: np.ndarray
    """Explicit maximum, else ``FeatureSettings.default_travel_km`` by mobility."""
    available_from: np.ndarray
    """int32 days since 1970-01-01, :data:`NO_DATE` when missing."""
    available: np.ndarray
    """Status is ``available`` (or missing)."""
    benefit_months: np.ndarray
    block_value_per_year: np.ndarray
    """SROI building block value per year of full-time work (from the valuation table)."""
    block_max_months: np.ndarray
    """Months the person counts for (``NaN`` when no limit)."""
    birth_year: np.ndarray
    """For the displayed SROI value (age bonus) only; never read by :func:`pair_features`."""
    skill_ids: tuple[tuple[str, ...], ...]
    """Per candidate: resolved skill ids (unresolved terms as ``~normalised``), for display."""
    certificate_ids: tuple[tuple[str, ...], ...]
    occupation_codes: tuple[tuple[str, ...], ...]
    """Per candidate: ISCO codes of the resolved occupations."""
    support_codes: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class VacancyProfiles:
    """All vacancies as arrays (row ``j`` everywhere is vacancy ``ids[j]``)."""

    ids: np.ndarray
    required_skills: np.ndarray
    n_required_skills: np.ndarray
    preferred_skills: np.ndarray
    n_preferred_skills: np.ndarray
    required_certificates: np.ndarray
    n_required_certificates: np.ndarray
    support_offered: np.ndarray
    eligible_groups: np.ndarray
    """Packed bitsets over :attr:`Profiles.target_groups` (all ones when the list is empty)."""
    occupation_esco: np.ndarray
    occupation_isco2: np.ndarray
    occupation_isco3: np.ndarray
    occupation_isco4: np.ndarray
    min_education_rank: np.ndarray
    min_dutch_rank: np.ndarray
    hours: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    xyz: np.ndarray
    municipality: np.ndarray
    island: np.ndarray
    start_date: np.ndarray
    open: np.ndarray
    project: np.ndarray
    """Index into :attr:`Profiles.project_ids` (-1 unknown)."""
    contract_months: np.ndarray
    """Contract length, ``FeatureSettings.default_contract_months`` when unknown."""
    permanent: np.ndarray
    positions: np.ndarray
    required_skill_ids: tuple[tuple[str, ...], ...]
    preferred_skill_ids: tuple[tuple[str, ...], ...]
    certificate_ids: tuple[tuple[str, ...], ...]
    support_codes: tuple[tuple[str, ...], ...]
    occupation_code: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Profiles:
    """Every candidate and vacancy of a dataset, normalised once.

    Examples
    --------
    >>> from features.profiles import build_profiles
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(5, 2, 1, 0, seed=1).dataset)
    >>> len(p.candidates), len(p.vacancies), p.candidate_index([p.candidates.ids[3]]).tolist()
    (5, 2, [3])
    """

    candidates: CandidateProfiles
    vacancies: VacancyProfiles
    skill_space: TermSpace
    certificate_space: TermSpace
    support_space: TermSpace
    target_groups: tuple[str, ...]
    municipality_codes: tuple[str, ...]
    project_ids: tuple[str, ...]
    vocabularies: Vocabularies
    unresolved: UnresolvedTerms
    settings: FeatureSettings
    valuation: pd.DataFrame

    @cached_property
    def candidate_ids(self) -> pd.api.extensions.ExtensionArray:
        """Candidate ids as a pandas string array (cheap ``take`` for pair frames)."""
        return pd.array(self.candidates.ids.tolist(), dtype="str")

    @cached_property
    def vacancy_ids(self) -> pd.api.extensions.ExtensionArray:
        """Vacancy ids as a pandas string array."""
        return pd.array(self.vacancies.ids.tolist(), dtype="str")

    def report(self) -> pd.DataFrame:
        """Unresolved terms: one row per (source, term) with its count, most frequent first."""
        return pd.DataFrame(self.unresolved.to_records(), columns=["source", "term", "count"])

    def candidate_index(self, ids: Iterable[str]) -> np.ndarray:
        """Row of each candidate id (raises :class:`~features.errors.UnknownIdError`)."""
        return _lookup(self.candidates.ids, ids, "candidate")

    def vacancy_index(self, ids: Iterable[str]) -> np.ndarray:
        """Row of each vacancy id (raises :class:`~features.errors.UnknownIdError`)."""
        return _lookup(self.vacancies.ids, ids, "vacancy")


def _lookup(all_ids: np.ndarray, ids: Iterable[str], kind: str) -> np.ndarray:
    """Row of each id in ``all_ids``; an unknown id raises with close suggestions."""
    wanted = [str(i) for i in ids]
    index = pd.Index(all_ids)
    found = index.get_indexer(wanted)
    if (found < 0).any():
        bad = wanted[int(np.flatnonzero(found < 0)[0])]
        raise UnknownIdError(kind, bad, difflib.get_close_matches(bad, [str(i) for i in all_ids]))
    return found.astype(np.intp)

"""What the features library reads: the tables, their columns and the codes in them.

Features never imports an application's data layer. It declares here what it needs:

* :class:`Tables` — any object with the frames ``candidates``, ``vacancies``, ``projects``,
  ``placements`` and ``valuation`` (``matching.data.dataset.Dataset`` is one, structurally);
* the columns it reads from each frame (:data:`CANDIDATE_COLUMNS` …); a missing optional
  column counts as empty, only the id columns are required;
* the code lists it encodes (:data:`EDUCATION_RANK`, :data:`STARTKWALIFICATIE`,
  :data:`CEFR_LEVELS`, :data:`SUPPORT_NEEDS`), the one definition that sroi-match's data
  contract (``matching.data.schema``) imports.

Cells are in canonical form: lists as tuples of str, numbers float64, dates datetime64,
codes lower case except CEFR levels (``A0`` … ``C2``) and municipality codes (``GM0014``).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pandas as pd

__all__ = [
    "CANDIDATE_COLUMNS",
    "CEFR_LEVELS",
    "CEFR_RANK",
    "EDUCATION_RANK",
    "PLACEMENT_COLUMNS",
    "PROJECT_COLUMNS",
    "STARTKWALIFICATIE",
    "SUPPORT_NEEDS",
    "VACANCY_COLUMNS",
    "VALUATION_COLUMNS",
    "Tables",
]

EDUCATION_RANK: dict[str, int] = {
    "none": 0, "vmbo": 1, "mbo1": 1, "mbo2": 2, "havo": 3, "mbo3": 3, "mbo4": 4, "vwo": 4,
    "hbo": 5, "wo": 6,
}
"""Ordinal rank of each education level (mbo2 and havo/vwo give a startkwalificatie)."""

STARTKWALIFICATIE: frozenset[str] = frozenset({"mbo2", "mbo3", "mbo4", "havo", "vwo", "hbo", "wo"})
"""Education levels that give a startkwalificatie (the basic qualification)."""

CEFR_LEVELS: tuple[str, ...] = ("A0", "A1", "A2", "B1", "B2", "C1", "C2")
"""Dutch language levels (CEFR) in ascending order; the index is the feature's rank."""

CEFR_RANK: dict[str, int] = {level: i for i, level in enumerate(CEFR_LEVELS)}
"""Rank of each CEFR level (A0=0 … C2=6)."""

SUPPORT_NEEDS: tuple[str, ...] = (
    "jobcoach", "workplace_adaptation", "wage_subsidy", "structured_work", "part_time",
    "no_risk_policy", "trial_placement", "language_support", "transport",
)
"""Support needs / employer instruments (same vocabulary for candidates and vacancies)."""

CANDIDATE_COLUMNS: tuple[str, ...] = (
    "candidate_id", "skills", "certificates", "support_needs", "target_group", "occupations",
    "postcode", "municipality_code", "max_travel_km", "mobility", "education_level",
    "dutch_level", "hours_per_week", "available_from", "status", "benefit_months", "birth_year",
)
"""Candidate columns features reads (``candidate_id`` required). The fairness audit of
:func:`features.history.placement_features` also copies ``gender`` and ``nationality`` when
present; they are never features."""

VACANCY_COLUMNS: tuple[str, ...] = (
    "vacancy_id", "required_skills", "preferred_skills", "required_certificates",
    "support_offered", "eligible_target_groups", "occupation", "title", "postcode",
    "municipality_code", "min_education_level", "min_dutch_level", "hours_per_week",
    "start_date", "status", "project_id", "contract_months", "permanent", "positions",
)
"""Vacancy columns features reads (``vacancy_id`` required)."""

PROJECT_COLUMNS: tuple[str, ...] = ("project_id",)
"""Project columns features reads (the order of projects only)."""

PLACEMENT_COLUMNS: tuple[str, ...] = (
    "placement_id", "candidate_id", "vacancy_id", "start_date", "end_date", "hours_per_week",
)
"""Placement columns of the training rows (``candidate_id``, ``vacancy_id``, ``start_date``
required)."""

VALUATION_COLUMNS: tuple[str, ...] = (
    "target_group", "value_per_year_eur", "benefit_months_min", "benefit_months_max",
    "max_months",
)
"""Valuation (SROI building block) columns; ``target_group`` and ``value_per_year_eur``
required, see :mod:`features.valuation`."""


@runtime_checkable
class Tables(Protocol):
    """The input tables of :func:`features.profiles.build_profiles` and
    :func:`features.history.placement_features`, satisfied structurally.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> empty = pd.DataFrame()
    >>> isinstance(SimpleNamespace(candidates=empty, vacancies=empty, projects=empty,
    ...                            placements=empty, valuation=empty), Tables)
    True
    """

    @property
    def candidates(self) -> pd.DataFrame: ...

    @property
    def vacancies(self) -> pd.DataFrame: ...

    @property
    def projects(self) -> pd.DataFrame: ...

    @property
    def placements(self) -> pd.DataFrame: ...

    @property
    def valuation(self) -> pd.DataFrame: ...

"""Vacancies → :class:`features.profile_types.VacancyProfiles`, one row per vacancy.

Works on the terms :func:`features.resolve.resolve_text` resolved; adds locations, minimum
ranks, start date, project index and the contract terms the SROI value depends on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.cells import codes, column, days, floats, ranks
from features.geo import Gazetteer, unit_vectors
from features.inputs import CEFR_RANK, EDUCATION_RANK
from features.profile_types import VacancyProfiles
from features.resolve import ResolvedText, occupation_arrays, pack_keys
from features.settings import FeatureSettings

__all__ = ["encode_vacancies", "project_indices"]


def project_indices(vac: pd.DataFrame, projects: pd.DataFrame | None
                    ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Per vacancy its project's index (-1 unknown), and every project id in index order.

    Projects follow the ``projects`` table, then first appearance among the vacancies.

    Examples
    --------
    >>> idx, ids = project_indices(pd.DataFrame({"project_id": ["b", None, "c"]}),
    ...                            pd.DataFrame({"project_id": ["a", "b"]}))
    >>> idx.tolist(), ids
    ([1, -1, 2], ('a', 'b', 'c'))
    """
    project_ids: list[str] = (
        [str(p) for p in projects["project_id"]] if projects is not None and len(projects) else []
    )
    index = {p: i for i, p in enumerate(project_ids)}
    out = []
    for p in codes(column(vac, "project_id")):
        if p is not None and p not in index:
            index[p] = len(project_ids)
            project_ids.append(p)
        out.append(index.get(p, -1) if p is not None else -1)
    return np.array(out, dtype=np.int32), tuple(project_ids)


def encode_vacancies(
    vac: pd.DataFrame,
    project: np.ndarray,
    text: ResolvedText,
    gazetteer: Gazetteer,
    settings: FeatureSettings,
) -> VacancyProfiles:
    """Arrays of the vacancies of ``vac`` (a frame with a plain 0..n-1 index).

    ``project`` is the first result of :func:`project_indices`.
    """
    occs = text.vacancy_occupations
    esco, isco2, isco3, isco4 = occupation_arrays(occs, 1)
    loc = gazetteer.locate(column(vac, "postcode"), column(vac, "municipality_code"))
    status = codes(column(vac, "status"))
    contract = floats(column(vac, "contract_months", np.nan))
    contract = np.where(np.isnan(contract), float(settings.default_contract_months), contract)
    permanent = (
        pd.array(column(vac, "permanent", False), dtype="boolean").fillna(False).to_numpy(bool)
    )
    positions = floats(column(vac, "positions", 1.0))
    positions = np.where(np.isnan(positions), 1.0, positions)
    return VacancyProfiles(
        ids=np.array([str(i) for i in vac["vacancy_id"]], dtype=object),
        required_skills=pack_keys(text.skill_space, text.required_skills),
        n_required_skills=np.array([len(s) for s in text.required_skills], dtype=np.float64),
        preferred_skills=pack_keys(text.skill_space, text.preferred_skills),
        n_preferred_skills=np.array([len(s) for s in text.preferred_skills], dtype=np.float64),
        required_certificates=pack_keys(text.certificate_space, text.required_certificates),
        n_required_certificates=np.array([len(s) for s in text.required_certificates],
                                         dtype=np.float64),
        support_offered=pack_keys(text.support_space, text.support_offered),
        eligible_groups=text.eligible_groups,
        occupation_esco=esco[:, 0],
        occupation_isco2=isco2[:, 0],
        occupation_isco3=isco3[:, 0],
        occupation_isco4=isco4[:, 0],
        min_education_rank=ranks(column(vac, "min_education_level"), EDUCATION_RANK),
        min_dutch_rank=ranks(column(vac, "min_dutch_level"), CEFR_RANK),
        hours=floats(column(vac, "hours_per_week", np.nan)),
        lat=loc.lat,
        lon=loc.lon,
        xyz=unit_vectors(loc.lat, loc.lon),
        municipality=loc.municipality,
        island=loc.island,
        start_date=days(column(vac, "start_date")),
        open=np.array([s is None or s == "open" for s in status], dtype=bool),
        project=project,
        contract_months=contract,
        permanent=permanent,
        positions=positions,
        required_skill_ids=tuple(text.required_skills),
        preferred_skill_ids=tuple(text.preferred_skills),
        certificate_ids=tuple(text.required_certificates),
        support_codes=tuple(text.support_offered),
        occupation_code=tuple(o[0][0] if o else "" for o in occs),
    )

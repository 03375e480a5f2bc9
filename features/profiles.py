"""Normalisation once per entity: candidates and vacancies become arrays the pair code can use.

:func:`build_profiles` (a :class:`features.inputs.Tables` object) and :func:`encode_profiles`
(bare frames) run the steps of the other modules, each with one job:

==============================  =============================================================
module                          job
==============================  =============================================================
:mod:`features.vocabularies`    the skill, certificate and occupation vocabularies
:mod:`features.resolve`         free text and codes → ids, bit spaces, target groups,
                                occupations (once per distinct term; misses are reported)
:mod:`features.candidates`      candidates → :class:`CandidateProfiles`
:mod:`features.vacancies`       vacancies → :class:`VacancyProfiles`
:mod:`features.profile_types`   the array dataclasses and :class:`Profiles`
:mod:`features.cells`           reading cells (lists, numbers, dates, codes)
==============================  =============================================================

Every unresolved term is counted per source (``candidates.skills`` …) in
:attr:`Profiles.unresolved` and listed by :meth:`Profiles.report`; nothing is dropped silently.
The public names of those modules stay importable from here.
"""

from __future__ import annotations

import os

import pandas as pd

from features.candidates import encode_candidates
from features.cells import NO_DATE
from features.geo import Gazetteer
from features.inputs import Tables
from features.profile_types import CandidateProfiles, Profiles, VacancyProfiles
from features.resolve import TermSpace, resolve_text
from features.settings import FeatureSettings
from features.vacancies import encode_vacancies, project_indices
from features.vocabularies import (
    LabelFirstVocabulary,
    Vocabularies,
    _label_names,  # noqa: F401  (imported from here by benchmarks)
)

__all__ = [
    "BBL_MIN_HOURS",
    "NO_DATE",
    "CandidateProfiles",
    "LabelFirstVocabulary",
    "Profiles",
    "TermSpace",
    "VacancyProfiles",
    "Vocabularies",
    "build_profiles",
    "encode_profiles",
]

BBL_MIN_HOURS = 16.0
"""A BBL apprentice needs a job of at least this many hours per week (learn-work agreement)."""


def build_profiles(
    dataset: Tables,
    settings: FeatureSettings | None = None,
    *,
    vocabularies: Vocabularies | None = None,
    gazetteer: Gazetteer | None = None,
    term_cache: str | os.PathLike[str] | None = None,
) -> Profiles:
    """Normalise every candidate and vacancy of ``dataset`` once.

    Parameters
    ----------
    dataset : Tables
        Canonical tables (see :mod:`features.inputs`), e.g. sroi-match's ``Dataset``.
    settings : FeatureSettings, optional
        Travel defaults, fuzzy cut-off, default contract length (any subclass, e.g.
        sroi-match's ``Settings``; kept as :attr:`Profiles.settings`).
    vocabularies : Vocabularies, optional
        Default :meth:`Vocabularies.from_reference` with ``settings.fuzzy_cutoff``.
    gazetteer : Gazetteer, optional
        Default: the shipped PC4 and municipality tables.
    term_cache : path, optional
        JSON file of earlier term resolutions (:mod:`features.term_cache`): loaded before and
        updated after encoding, so a second run skips fuzzy matching of known terms.

    Returns
    -------
    Profiles

    Examples
    --------
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(30, 5, 2, 0, seed=1).dataset)
    >>> len(p.candidates), len(p.vacancies)
    (30, 5)
    >>> list(p.report().columns)
    ['source', 'term', 'count']
    """
    if term_cache is None and settings is not None and settings.term_cache:
        term_cache = settings.term_cache
    if term_cache is not None:
        from features.term_cache import load_term_cache, save_term_cache

        cutoff = (settings or FeatureSettings()).fuzzy_cutoff
        vocabularies = vocabularies or Vocabularies.from_reference(cutoff=cutoff)
        known = load_term_cache(vocabularies, term_cache)
    profiles = encode_profiles(
        dataset.candidates,
        dataset.vacancies,
        dataset.projects,
        dataset.valuation,
        settings,
        vocabularies=vocabularies,
        gazetteer=gazetteer,
    )
    if term_cache is not None:
        from features.term_cache import KINDS, memo_of

        total = sum(len(memo_of(getattr(vocabularies, kind))) for kind in KINDS)
        if total != known:
            save_term_cache(vocabularies, term_cache)
    return profiles


def encode_profiles(
    candidates: pd.DataFrame,
    vacancies: pd.DataFrame,
    projects: pd.DataFrame | None = None,
    valuation: pd.DataFrame | None = None,
    settings: FeatureSettings | None = None,
    *,
    vocabularies: Vocabularies | None = None,
    gazetteer: Gazetteer | None = None,
) -> Profiles:
    """:func:`build_profiles` on bare frames (used by the scikit-learn transformer).

    ``valuation`` defaults to :func:`features.reference.default_valuation` when missing or
    empty; ``projects`` may be ``None`` (vacancy project indices then follow first appearance).
    """
    settings = settings if settings is not None else FeatureSettings()
    if vocabularies is None:
        vocabularies = Vocabularies.from_reference(cutoff=settings.fuzzy_cutoff)
    if gazetteer is None:
        gazetteer = _default_gazetteer()
    if valuation is None or len(valuation) == 0:
        from features import reference

        valuation = reference.default_valuation()
    cand = candidates.reset_index(drop=True)
    vac = vacancies.reset_index(drop=True)
    text = resolve_text(cand, vac, valuation, vocabularies)
    project, project_ids = project_indices(vac, projects)
    return Profiles(
        candidates=encode_candidates(cand, text, gazetteer, valuation, settings),
        vacancies=encode_vacancies(vac, project, text, gazetteer, settings),
        skill_space=text.skill_space,
        certificate_space=text.certificate_space,
        support_space=text.support_space,
        target_groups=tuple(text.target_groups),
        municipality_codes=gazetteer.municipality_codes,
        project_ids=project_ids,
        vocabularies=vocabularies,
        unresolved=text.unresolved,
        settings=settings,
        valuation=valuation,
    )


_GAZETTEER: list[Gazetteer] = []


def _default_gazetteer() -> Gazetteer:
    if not _GAZETTEER:
        _GAZETTEER.append(Gazetteer())
    return _GAZETTEER[0]

"""Feature engineering: profiles, geography, pair features, blocking and the sklearn transformer.

Public names are imported lazily (``features.X`` loads its module on first use), so that
``import features.spec`` stays light.

==============================  ============================================================
module                          job
==============================  ============================================================
:mod:`features.settings`        :class:`FeatureSettings`, the one set of feature defaults
:mod:`features.inputs`          the input tables (:class:`Tables`), columns and code lists
:mod:`features.errors`          the errors features raises on purpose
:mod:`features.reference`       the shipped reference tables (geography, vocabularies)
:mod:`features.spec`            the feature table (names, meaning, monotone direction)
:mod:`features.vocabulary`      free-text term → vocabulary id, once per distinct term
:mod:`features.vocabularies`    the skill, certificate and occupation vocabularies
:mod:`features.geo`             PC4 → coordinates, distance, ferry penalty, reach
:mod:`features.valuation`       SROI building blocks: the value of a placement
:mod:`features.profiles`        candidates and vacancies → arrays, once per entity (steps in
                                ``resolve``, ``candidates``, ``vacancies``, ``profile_types``,
                                ``cells``)
:mod:`features.pairs`           vectorised pair features and human-readable pair details
:mod:`features.blocking`        hard constraints over the cross product, in bounded memory
:mod:`features.transformer`     scikit-learn transformer over pairs in wide form
:mod:`features.history`         training rows from the placement history (+ audit columns)
:mod:`features.term_cache`      term resolutions cached between runs
==============================  ============================================================

The library never imports ``matching`` (an import-linter contract in ``pyproject.toml``); an
application passes its tables (anything shaped like :class:`features.inputs.Tables`) and its
settings (a :class:`features.settings.FeatureSettings`, or a subclass such as sroi-match's
``Settings``).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "CONSTRAINTS",
    "FEATURE_NAMES",
    "BlockingResult",
    "Gazetteer",
    "PairBlock",
    "PairFeatureTransformer",
    "Profiles",
    "UnresolvedTerms",
    "Vocabularies",
    "Vocabulary",
    "build_profiles",
    "candidate_pairs",
    "haversine_km",
    "iter_candidate_pairs",
    "pair_details",
    "pair_features",
    "placement_features",
    "wide_pairs",
]

_HOME: dict[str, str] = {
    "CONSTRAINTS": "features.blocking",
    "BlockingResult": "features.blocking",
    "PairBlock": "features.blocking",
    "candidate_pairs": "features.blocking",
    "iter_candidate_pairs": "features.blocking",
    "FEATURE_NAMES": "features.spec",
    "Gazetteer": "features.geo",
    "haversine_km": "features.geo",
    "PairFeatureTransformer": "features.transformer",
    "wide_pairs": "features.transformer",
    "Profiles": "features.profiles",
    "Vocabularies": "features.profiles",
    "build_profiles": "features.profiles",
    "UnresolvedTerms": "features.vocabulary",
    "Vocabulary": "features.vocabulary",
    "pair_details": "features.pairs",
    "pair_features": "features.pairs",
    "placement_features": "features.history",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'features' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""scikit-learn face of the pair features: :class:`PairFeatureTransformer` and :func:`wide_pairs`.

The transformer's input ``X`` is a DataFrame of pairs in *wide* form, one row per
(candidate, vacancy) pair:

* every candidate column of the data contract, prefixed ``candidate__``
  (``candidate__candidate_id``, ``candidate__skills``, ``candidate__postcode`` …);
* every vacancy column, prefixed ``vacancy__`` (``vacancy__vacancy_id``,
  ``vacancy__required_skills`` …).

Cells are in the canonical form of :mod:`features.inputs` (lists as tuples of str,
numbers float64, dates datetime64). ``candidate__candidate_id`` and ``vacancy__vacancy_id`` are
required; other missing columns count as empty. No ``project__`` columns are needed: the SROI
value depends on the candidate's target group and benefit months and the vacancy's hours,
contract length and permanence only. :func:`wide_pairs` builds ``X`` from a dataset.

``transform`` deduplicates candidates and vacancies by id, encodes them with exactly the code of
:func:`features.profiles.build_profiles` and returns :func:`features.pairs.pair_features` as a
DataFrame with :data:`features.spec.FEATURE_NAMES` columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from features.errors import UnknownIdError
from features.inputs import Tables
from features.pairs import pair_features
from features.profiles import Profiles, Vocabularies, encode_profiles
from features.settings import FeatureSettings
from features.spec import FEATURE_NAMES

__all__ = ["CANDIDATE_PREFIX", "VACANCY_PREFIX", "PairFeatureTransformer", "wide_pairs"]

CANDIDATE_PREFIX = "candidate__"
VACANCY_PREFIX = "vacancy__"

_DEFAULTS = FeatureSettings()
"""The defaults of the transformer's parameters: those of :class:`FeatureSettings`."""


def wide_pairs(
    dataset: Tables, candidate_ids: Sequence[str], vacancy_ids: Sequence[str]
) -> pd.DataFrame:
    """The wide-form ``X`` of :class:`PairFeatureTransformer` for pairs ``zip(candidate_ids,
    vacancy_ids)``.

    Examples
    --------
    >>> from matching.synthetic.sample import generate
    >>> ds = generate(5, 2, 1, 0, seed=1).dataset
    >>> c, v = ds.candidates["candidate_id"].iloc[0], ds.vacancies["vacancy_id"].iloc[0]
    >>> X = wide_pairs(ds, [c, c], [v, v])
    >>> X.shape[0], "candidate__skills" in X, "vacancy__required_skills" in X
    (2, True, True)
    """
    cand_ids = [str(c) for c in candidate_ids]
    vac_ids = [str(v) for v in vacancy_ids]
    if len(cand_ids) != len(vac_ids):
        raise ValueError(f"{len(cand_ids)} candidate ids but {len(vac_ids)} vacancy ids")
    cands = _rows(dataset.candidates, "candidate_id", cand_ids, "candidate")
    vacs = _rows(dataset.vacancies, "vacancy_id", vac_ids, "vacancy")
    return pd.concat(
        [cands.add_prefix(CANDIDATE_PREFIX), vacs.add_prefix(VACANCY_PREFIX)], axis=1
    )


def _rows(frame: pd.DataFrame, key: str, ids: list[str], kind: str) -> pd.DataFrame:
    index = pd.Index(frame[key].astype(str))
    found = index.get_indexer(ids)
    if (found < 0).any():
        raise UnknownIdError(kind, ids[int(np.flatnonzero(found < 0)[0])])
    return frame.iloc[found].reset_index(drop=True)


def _split(X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not isinstance(X, pd.DataFrame):
        raise TypeError("X must be a DataFrame of pairs in wide form (candidate__*, vacancy__*)")
    for column in (CANDIDATE_PREFIX + "candidate_id", VACANCY_PREFIX + "vacancy_id"):
        if column not in X.columns:
            raise ValueError(f"X lacks the column {column!r}")
    cand_cols = [c for c in X.columns if str(c).startswith(CANDIDATE_PREFIX)]
    vac_cols = [c for c in X.columns if str(c).startswith(VACANCY_PREFIX)]
    cands = X[cand_cols].rename(columns=lambda c: c[len(CANDIDATE_PREFIX):])
    vacs = X[vac_cols].rename(columns=lambda c: c[len(VACANCY_PREFIX):])
    return cands.reset_index(drop=True), vacs.reset_index(drop=True)


class PairFeatureTransformer(TransformerMixin, BaseEstimator):
    """Pairs in wide form → the model's feature table (:data:`features.spec.FEATURE_NAMES`).

    Parameters
    ----------
    fuzzy_cutoff : float
        rapidfuzz score (0-100) a free-text term needs to resolve (``FeatureSettings.fuzzy_cutoff``).
    ferry_penalty_km : float
        Added to the distance when an island crossing is needed.
    default_travel_km : mapping, optional
        Reach by mobility when ``max_travel_km`` is empty; merged over the
        :class:`~features.settings.FeatureSettings` default.
    default_contract_months : int
        Contract length assumed when a vacancy has none.
    fulltime_hours : float
        Full-time basis of the SROI valuation.
    bonus_permanent_eur : float
        SROI bonus for a permanent contract.
    valuation : DataFrame, optional
        SROI building blocks; default :func:`features.reference.default_valuation`.

    Attributes
    ----------
    vocabularies_ : Vocabularies
        The resolved skill, certificate and occupation vocabularies.
    unresolved_ : DataFrame
        Terms of the training pairs that resolved to nothing (``source``, ``term``, ``count``).
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> from matching.synthetic.sample import generate
    >>> ds = generate(6, 2, 1, 0, seed=1).dataset
    >>> X = wide_pairs(ds, ds.candidates["candidate_id"][:3], ds.vacancies["vacancy_id"].iloc[[0, 0, 1]])
    >>> t = PairFeatureTransformer().fit(X)
    >>> t.transform(X).shape == (3, len(FEATURE_NAMES))
    True
    >>> list(t.get_feature_names_out()) == list(FEATURE_NAMES)
    True
    """

    def __init__(
        self,
        *,
        fuzzy_cutoff: float = _DEFAULTS.fuzzy_cutoff,
        ferry_penalty_km: float = _DEFAULTS.ferry_penalty_km,
        default_travel_km: Mapping[str, float] | None = None,
        default_contract_months: int = _DEFAULTS.default_contract_months,
        fulltime_hours: float = _DEFAULTS.fulltime_hours,
        bonus_permanent_eur: float = _DEFAULTS.bonus_permanent_eur,
        valuation: pd.DataFrame | None = None,
    ) -> None:
        self.fuzzy_cutoff = fuzzy_cutoff
        self.ferry_penalty_km = ferry_penalty_km
        self.default_travel_km = default_travel_km
        self.default_contract_months = default_contract_months
        self.fulltime_hours = fulltime_hours
        self.bonus_permanent_eur = bonus_permanent_eur
        self.valuation = valuation

    def _settings(self) -> FeatureSettings:
        base = _DEFAULTS
        travel = dict(base.default_travel_km)
        travel.update(dict(self.default_travel_km or {}))
        return base.replace(
            fuzzy_cutoff=float(self.fuzzy_cutoff),
            ferry_penalty_km=float(self.ferry_penalty_km),
            default_travel_km=travel,
            default_contract_months=int(self.default_contract_months),
            fulltime_hours=float(self.fulltime_hours),
            bonus_permanent_eur=float(self.bonus_permanent_eur),
        )

    def _profiles(self, X: pd.DataFrame, vocabularies: Vocabularies
                  ) -> tuple[Profiles, np.ndarray, np.ndarray]:
        cands, vacs = _split(X)
        cand_ids = cands["candidate_id"].astype(str)
        vac_ids = vacs["vacancy_id"].astype(str)
        cands = cands.assign(candidate_id=cand_ids).drop_duplicates("candidate_id")
        vacs = vacs.assign(vacancy_id=vac_ids).drop_duplicates("vacancy_id")
        profiles = encode_profiles(
            cands, vacs, None, self.valuation, self._settings(), vocabularies=vocabularies)
        ci = pd.Index(profiles.candidates.ids).get_indexer(cand_ids)
        vi = pd.Index(profiles.vacancies.ids).get_indexer(vac_ids)
        return profiles, ci, vi

    def fit(self, X: pd.DataFrame, y: object = None) -> PairFeatureTransformer:
        """Build the vocabularies and report the terms of ``X`` that do not resolve."""
        _split(X)
        self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        self.vocabularies_ = Vocabularies.from_reference(cutoff=float(self.fuzzy_cutoff))
        profiles, _, _ = self._profiles(X, self.vocabularies_)
        self.unresolved_ = profiles.report()
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Feature table of the pairs in ``X`` (index kept)."""
        check_is_fitted(self)
        profiles, ci, vi = self._profiles(X, self.vocabularies_)
        values = pair_features(profiles, ci, vi)[:, :len(FEATURE_NAMES)]
        return pd.DataFrame(values, columns=list(FEATURE_NAMES), index=X.index)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """The :data:`features.spec.FEATURE_NAMES`."""
        return np.asarray(FEATURE_NAMES, dtype=object)

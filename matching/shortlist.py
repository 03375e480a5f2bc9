"""Ranked, explained shortlists: candidates for a vacancy, or vacancies for a candidate.

The whole region is searched: a candidate's municipality is never a filter, only the travel
distance is (through the ``within_reach`` hard constraint). Hard constraints come from
:mod:`features.blocking`; the ranking key is the calibrated probability of a durable
placement (``rank_by="probability"``) or the expected SROI value for the vacancy's project,
probability x placement value (``rank_by="value"``). Ties are broken by id, so the same input
gives the same shortlist.

:class:`Matcher` loads profiles and the model once and answers many requests (the CLI makes
one; an HTTP service keeps it alive).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from rapidfuzz import process

from features.blocking import CONSTRAINTS, candidate_pairs
from features.pairs import pair_details
from features.profiles import build_profiles
from features.spec import FEATURE_NAMES
from matching import reference
from matching.config import Settings
from matching.dataset import Dataset
from matching.errors import DataError, UnknownIdError
from matching.explain import explain_pairs
from matching.i18n import text
from matching.scoring import score_features

log = logging.getLogger(__name__)

RankBy = Literal["probability", "value"]
NOT_NEAR_MISS = frozenset({"candidate_available", "vacancy_open"})


@dataclass(frozen=True)
class ShortlistResult:
    """A shortlist as data: what the CLI renders and the HTTP service returns."""

    mode: Literal["vacancy", "candidate"]
    subject_id: str
    model_version: str
    rank_by: str
    considered: int
    excluded: dict[str, int]
    rows: list[dict[str, Any]]
    near_misses: list[dict[str, Any]]
    subject: dict[str, Any] = field(default_factory=dict)
    lang: str = "nl"
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        key = "vacancy_id" if self.mode == "vacancy" else "candidate_id"
        return {
            key: self.subject_id,
            "model_version": self.model_version,
            "rank_by": self.rank_by,
            "considered": self.considered,
            "excluded": dict(self.excluded),
            "shortlist": self.rows,
            "near_misses": self.near_misses,
            "subject": self.subject,
            "lang": self.lang,
        }


def suggest_ids(value: str, ids: list[str] | np.ndarray, limit: int = 3) -> list[str]:
    """Existing ids close to ``value`` (rapidfuzz), best first.

    Examples
    --------
    >>> suggest_ids("V-0012", ["V-0011", "V-0012x", "K-9"])
    ['V-0012x', 'V-0011']
    """
    found = process.extract(str(value), list(map(str, ids)), limit=limit, score_cutoff=60)
    return [match for match, _score, _i in found]


def _clean(value: Any) -> Any:
    """JSON-friendly scalars (NaN -> None, numpy -> python, tuples -> lists)."""
    if isinstance(value, tuple | list | np.ndarray):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if value is pd.NaT or (not isinstance(value, str | bool | int | float) and pd.isna(value)):
        return None
    return value


class Matcher:
    """Profiles, model and settings loaded once, for repeated shortlist requests.

    Parameters
    ----------
    dataset : Dataset
        A validated dataset.
    model : LoadedModel
        The scoring model (``matching.registry``) with ``pipeline`` and ``metadata``.
    settings : Settings
    profiles : Profiles, optional
        Pre-built profiles (built from ``dataset`` when omitted).
    """

    def __init__(self, dataset: Dataset, model: Any, settings: Settings | None = None,
                 profiles: Any | None = None) -> None:
        self.dataset = dataset
        self.model = model
        self.settings = settings or Settings()
        self.profiles = (profiles if profiles is not None
                         else build_profiles(dataset.active(), self.settings))
        self._cand_pos = {cid: i for i, cid in enumerate(self.profiles.candidates.ids)}
        self._vac_pos = {vid: i for i, vid in enumerate(self.profiles.vacancies.ids)}
        names = reference.municipalities()
        self._municipality_names = dict(zip(names["gm_code"], names["name"], strict=True))
        self._cands = dataset.candidates.set_index("candidate_id", drop=False)
        self._vacs = dataset.vacancies.set_index("vacancy_id", drop=False)
        self._projects = dataset.projects.set_index("project_id", drop=False)

    @property
    def model_version(self) -> str:
        return str(self.model.metadata.get("version", "unknown"))

    # ------------------------------------------------------------------ public
    def for_vacancy(self, vacancy_id: str, *, top: int = 10, rank_by: RankBy = "probability",
                    lang: str = "nl", n_near_misses: int = 5) -> ShortlistResult:
        """The best candidates for one open vacancy, with reasons and near misses."""
        t0 = time.perf_counter()
        vacancy_id = str(vacancy_id)
        if vacancy_id not in self._vacs.index:
            raise UnknownIdError("vacancy", vacancy_id, suggest_ids(vacancy_id, self._vacs.index))
        status = self._vacs.at[vacancy_id, "status"]
        if status != "open":
            raise DataError(text("vacancy_not_open", lang, id=vacancy_id, status=text(f"status_{status}", lang)))
        vi = self._vac_pos[vacancy_id]
        result = candidate_pairs(self.profiles, self.settings, vacancies=np.array([vi]),
                                 candidates=self.profiles.candidates.available,
                                 with_features=True, near_misses=True)
        rows, near = self._rank(result, top, rank_by, lang, n_near_misses, mode="vacancy")
        return ShortlistResult(
            mode="vacancy", subject_id=vacancy_id, model_version=self.model_version,
            rank_by=rank_by, considered=int(result.raw_pairs), excluded=self._excluded(result),
            rows=rows, near_misses=near, subject=self._vacancy_subject(vacancy_id), lang=lang,
            elapsed_s=time.perf_counter() - t0,
        )

    def for_candidate(self, candidate_id: str, *, top: int = 10,
                      rank_by: RankBy = "probability", lang: str = "nl",
                      n_near_misses: int = 5) -> ShortlistResult:
        """The best open vacancies for one available candidate, with reasons and near misses."""
        t0 = time.perf_counter()
        candidate_id = str(candidate_id)
        if candidate_id not in self._cands.index:
            raise UnknownIdError("candidate", candidate_id,
                                 suggest_ids(candidate_id, self._cands.index))
        status = self._cands.at[candidate_id, "status"]
        if status != "available":
            raise DataError(text("candidate_not_available", lang, id=candidate_id,
                                 status=text(f"status_{status}", lang)))
        ci = self._cand_pos[candidate_id]
        result = candidate_pairs(self.profiles, self.settings, candidates=np.array([ci]),
                                 vacancies=self.profiles.vacancies.open,
                                 with_features=True, near_misses=True)
        rows, near = self._rank(result, top, rank_by, lang, n_near_misses, mode="candidate")
        return ShortlistResult(
            mode="candidate", subject_id=candidate_id, model_version=self.model_version,
            rank_by=rank_by, considered=int(result.raw_pairs), excluded=self._excluded(result),
            rows=rows, near_misses=near, subject={"candidate_id": candidate_id}, lang=lang,
            elapsed_s=time.perf_counter() - t0,
        )

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _excluded(result: Any) -> dict[str, int]:
        return {name: int(result.removed.get(name, 0)) for name in CONSTRAINTS}

    def _vacancy_subject(self, vacancy_id: str) -> dict[str, Any]:
        vac = self._vacs.loc[vacancy_id]
        project = self._projects.loc[vac["project_id"]]
        return {
            "vacancy_id": vacancy_id,
            "title": _clean(vac["title"]),
            "project_id": _clean(vac["project_id"]),
            "project_name": _clean(project["name"]),
            "employer_id": _clean(vac["employer_id"]),
            "positions": _clean(vac["positions"]),
        }

    def _score(self, frame: pd.DataFrame) -> np.ndarray:
        if len(frame) == 0:
            return np.zeros(0)
        return score_features(self.model, frame[list(FEATURE_NAMES)])

    def _order(self, frame: pd.DataFrame, rank_by: RankBy, mode: str) -> pd.DataFrame:
        key_id = "candidate_id" if mode == "vacancy" else "vacancy_id"
        frame = frame.assign(_key=frame["score"] * (frame["sroi_value_eur"] if rank_by == "value" else 1.0))
        return frame.sort_values(["_key", key_id], ascending=[False, True], kind="mergesort")

    def _rank(self, result: Any, top: int, rank_by: RankBy, lang: str, n_near: int,
              mode: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Score every admissible pair, keep the best ``top``; the same for near misses.

        Admissible pairs and near misses are scored in one model call and the chosen rows are
        explained in one call (the per-call overhead of the tree ensemble dominates here).
        ``rank_by="value"`` multiplies by the ``sroi_value_eur`` feature, the placement's value
        without the age bonus, so that age never drives the ranking.
        """
        pairs = result.pairs
        near = result.near_misses
        if near is None or n_near <= 0:
            near = pairs.iloc[:0].assign(constraint=pd.Series(dtype=object))
        near = near[~near["constraint"].isin(NOT_NEAR_MISS)
                    & ~((near["constraint"] == "within_reach")
                        & (near["reach_ratio"] > self.settings.near_miss_reach_ratio))]
        scores = self._score(pd.concat([pairs[list(FEATURE_NAMES)], near[list(FEATURE_NAMES)]],
                                       ignore_index=True))
        best = self._order(pairs.assign(score=scores[:len(pairs)]), rank_by, mode).head(top)
        best_near = self._order(near.assign(score=scores[len(pairs):]), rank_by,
                                mode).head(n_near)
        chosen = pd.concat([best, best_near], ignore_index=True)
        explanations = explain_pairs(self.model, chosen[list(FEATURE_NAMES)], lang=lang, top=3)
        rows = self._rows(best, explanations[:len(best)], lang, mode)
        near_rows = self._rows(best_near, explanations[len(best):], lang, mode, near_miss=True)
        return rows, near_rows

    def _rows(self, frame: pd.DataFrame, explanations: list[Any], lang: str, mode: str,
              near_miss: bool = False) -> list[dict[str, Any]]:
        if frame.empty:
            return []
        ci = frame["cand_idx"].to_numpy()
        vi = frame["vac_idx"].to_numpy()
        details = pair_details(self.profiles, ci, vi).reset_index(drop=True)
        out: list[dict[str, Any]] = []
        for rank, (row, det, expl) in enumerate(
            zip(frame.itertuples(index=False), details.to_dict("records"), explanations, strict=True),
            start=1,
        ):
            record: dict[str, Any] = {"rank": rank}
            if mode == "vacancy":
                record["candidate_id"] = row.candidate_id
            else:
                record["vacancy_id"] = row.vacancy_id
                vac = self._vacs.loc[row.vacancy_id]
                record["title"] = _clean(vac["title"])
                record["project_id"] = _clean(vac["project_id"])
                record["employer_id"] = _clean(vac["employer_id"])
            record.update({
                "score": round(float(row.score), 4),
                "probability_pct": round(100 * float(row.score), 1),
            })
            record.update({k: _clean(v) for k, v in det.items()
                           if k not in ("candidate_id", "vacancy_id")})
            # The ranking value: probability x the age-free building-block value (the feature).
            record["expected_value_eur"] = round(float(row.score) * float(row.sroi_value_eur), 0)
            record["home_municipality"] = self._municipality_names.get(det["home_municipality_code"])
            record["work_municipality"] = self._municipality_names.get(det["work_municipality_code"])
            if near_miss:
                record["start_delay_days"] = _clean(float(row.start_delay_days))
                record["constraint"] = row.constraint
                record["constraint_text"] = text(f"constraint_{row.constraint}", lang)
            record["reasons"] = expl.to_dict()
            out.append(record)
        return out

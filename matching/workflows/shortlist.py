"""Ranked, explained shortlists: candidates for a vacancy, or vacancies for a candidate.

The whole region is searched: a candidate's municipality is never a filter, only the travel
distance is (through the ``within_reach`` hard constraint). Hard constraints come from
:mod:`features.blocking`; the ranking key is the calibrated probability of a durable
placement (``rank_by="probability"``) or the expected SROI value for the vacancy's project,
probability x placement value (``rank_by="value"``). Ties are broken by id, so the same input
gives the same shortlist.

Reasons come from the model features only (:mod:`matching.model.explain`); the SROI value and whether
the target group counts are context columns, shown as values, never as a reason. Every row
carries ``display``: the strings a person reads (one formatter, :mod:`matching.texts.phrases`; codes
labelled in the request's language, :func:`matching.texts.i18n.label`), so the table, the JSON and
the files show the same numbers. :func:`model_notes` adds what the active model says about
itself (e.g. that skills barely predict durability in the placement history).

:class:`Matcher` loads profiles and the model once and answers many requests (the CLI makes
one; an HTTP service keeps it alive).
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Collection, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from rapidfuzz import process

from features.blocking import CONSTRAINTS, candidate_pairs
from features.pairs import pair_details
from features.profiles import build_profiles
from features.spec import FEATURE_NAMES, spec
from matching.core.config import Settings
from matching.core.errors import DataError, UnknownIdError
from matching.data import reference
from matching.data.dataset import Dataset
from matching.model.explain import explain_pairs
from matching.model.scoring import score_features
from matching.texts.i18n import label, labels, text
from matching.texts.phrases import (
    eur,
    hours,
    km,
    number,
    percent,
    probability_pct,
    round_probability,
)
from matching.workflows.shortlist_result import (
    CandidateSubject,
    ModelNote,
    ShortlistResult,
    ShortlistRow,
    VacancySubject,
)

__all__ = ["SKILL_IMPORTANCE_RATIO", "Matcher", "ShortlistResult", "ShortlistRow", "model_notes",
           "near_miss_detail", "row_display", "suggest_ids"]

log = logging.getLogger(__name__)

RankBy = Literal["probability", "value"]
NOT_NEAR_MISS = frozenset({"candidate_available", "vacancy_open"})

SKILL_FEATURES: tuple[str, ...] = ("required_skill_coverage", "preferred_skill_coverage")
SKILL_IMPORTANCE_RATIO = 0.10
"""The shortlist says that skills barely predict durability when the model's permutation
importance of the skill features together (``required_skill_coverage`` +
``preferred_skill_coverage``, negative values counted as 0) is below this share of the
importance of the model's most important feature. Read from the model's
``metadata["importance"]`` (``{feature: mean drop in ROC AUC on the test split}``); no note when
it is absent."""


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


def _finite(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def model_notes(model: Any, lang: str = "nl") -> list[ModelNote]:
    """Notes on what the active model learnt, for the shortlist footer (and JSON ``notes``).

    ``skills_barely_predict``: the skill features' permutation importance together is below
    :data:`SKILL_IMPORTANCE_RATIO` of the top feature's (see there). Reads
    ``model.metadata["importance"]`` defensively: no note when it is absent or unusable.

    Examples
    --------
    >>> class M:
    ...     metadata = {"importance": {"occupation_match_level": 0.2, "reach_ratio": 0.1,
    ...                                "required_skill_coverage": 0.01}}
    >>> model_notes(M(), "en")[0].text.split(";")[0]
    'In the placement history, skills barely predict durability'
    >>> model_notes(object())
    []
    """
    metadata = getattr(model, "metadata", None)
    importance = metadata.get("importance") if isinstance(metadata, Mapping) else None
    if not isinstance(importance, Mapping):
        return []
    values = {name: v for name in FEATURE_NAMES
              if (v := _finite(importance.get(name))) is not None}
    if "required_skill_coverage" not in values or not values:
        return []
    top = max(values.values())
    if top <= 0:
        return []
    skills = sum(max(values.get(name, 0.0), 0.0) for name in SKILL_FEATURES)
    ratio = skills / top
    if ratio >= SKILL_IMPORTANCE_RATIO:
        return []
    leading = sorted((name for name in values if name not in SKILL_FEATURES and values[name] > 0),
                     key=lambda name: (-values[name], name))[:2]
    names = [spec(name).label_nl if lang == "nl" else spec(name).label_en for name in leading]
    top_text = f" {text('and', lang)} ".join(names) if names else "–"
    return [ModelNote(
        code="skills_barely_predict",
        text=text("note_skills_barely_predict", lang, top=top_text),
        skill_importance=round(skills, 5),
        top_importance=round(top, 5),
        ratio=round(ratio, 4),
        threshold=SKILL_IMPORTANCE_RATIO,
    )]


def _beyond_reach(excess_km: float, lang: str) -> str:
    """The distance beyond reach at a precision that never reads "0 km" (one decimal below
    half a km, ``< 0,1 km`` below that)."""
    if number(excess_km, lang) != "0":
        return km(excess_km, lang)
    if number(excess_km, lang, 1) not in ("0,0", "0.0"):
        return km(excess_km, lang, 1)
    return "< " + km(0.1, lang, 1)


def near_miss_detail(row: Mapping[str, Any], lang: str = "nl") -> str:
    """What exactly fails for a near miss: the missing certificate, the km beyond reach, …

    Examples
    --------
    >>> near_miss_detail({"constraint": "within_reach", "travel_km": 30.2, "max_travel_km": 30.0})
    '0,2 km buiten bereik'
    >>> near_miss_detail({"constraint": "hours_compatible", "hours_candidate": 36.0,
    ...                   "hours_vacancy": 20.0}, "en")
    'candidate 36 h, vacancy 20 h'
    """
    constraint = row.get("constraint")
    if constraint == "certificates_held":
        return ", ".join(str(c) for c in row.get("certificates_missing") or ())
    if constraint == "within_reach":
        travel, reach = _finite(row.get("travel_km")), _finite(row.get("max_travel_km"))
        if travel is None or reach is None:
            return text("constraint_within_reach", lang)
        distance = _beyond_reach(max(travel - reach, 0.0), lang)
        if row.get("mobility"):
            return text("beyond_reach_by", lang, distance=distance, reach=km(reach, lang),
                        mobility=label("mobility", row["mobility"], lang))
        return text("km_beyond_reach", lang, distance=distance)
    if constraint == "available_in_time" and _finite(row.get("start_delay_days")) is not None:
        days = number(row["start_delay_days"], lang)
        return text("day_late" if days == "1" else "days_late", lang, days=days)
    if constraint == "hours_compatible":
        return text("hours_detail", lang, candidate=hours(row.get("hours_candidate"), lang),
                    vacancy=hours(row.get("hours_vacancy"), lang))
    if constraint == "target_group_eligible":
        group = label("target_group", row.get("target_group"), lang)
        return f"{text('target_group', lang)}: {group}" if group else ""
    return ""


def _count(covered: Any, missing: Any) -> str:
    n_covered, n_missing = len(covered or ()), len(missing or ())
    total = n_covered + n_missing
    return f"{n_covered}/{total}" if total else "–"


def row_display(row: Mapping[str, Any], lang: str = "nl") -> dict[str, str]:
    """The strings a person reads for one shortlist row (the table renders exactly these).

    Examples
    --------
    >>> d = row_display({"score": 0.905, "distance_km": 13.04, "hours_candidate": 36.0,
    ...                  "hours_vacancy": 20.0, "sroi_value_eur": 15000.0,
    ...                  "target_group": "jongere_zonder_sk"}, "en")
    >>> d["probability"], d["distance"], d["hours"], d["sroi_value"], d["target_group"]
    ('91%', '13.0 km', '36/20 h', '€15,000', 'Young person without basic qualification')
    """
    needs = row.get("support_needs") or ()
    unmet = row.get("support_missing") or ()
    out = {
        "probability": percent(row.get("score"), lang),
        "distance": km(row.get("distance_km"), lang, 1),
        "skills": _count(row.get("required_skills_covered"), row.get("required_skills_missing")),
        "skills_missing": ", ".join(map(str, row.get("required_skills_missing") or ())),
        "certificates_missing": ", ".join(map(str, row.get("certificates_missing") or ())) or "–",
        "hours": hours(row.get("hours_candidate"), lang, of=row.get("hours_vacancy")),
        "support": f"{len(needs) - len(unmet)}/{len(needs)}" if needs else "–",
        "support_missing": ", ".join(labels("support", unmet, lang)),
        "target_group": label("target_group", row.get("target_group"), lang),
        "sroi_value": eur(row.get("sroi_value_eur"), lang),
    }
    if "expected_value_eur" in row:
        out["expected_value"] = eur(row.get("expected_value_eur"), lang)
    if row.get("mobility"):
        out["mobility"] = label("mobility", row["mobility"], lang)
    if row.get("constraint"):
        out["constraint"] = text(f"constraint_{row['constraint']}", lang)
        out["detail"] = near_miss_detail(row, lang)
    return out


class Matcher:
    """Profiles, model and settings loaded once, for repeated shortlist requests.

    Parameters
    ----------
    dataset : Dataset
        A validated dataset.
    model : LoadedModel
        The scoring model (``matching.model.registry``) with ``pipeline`` and ``metadata``.
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
        self._profiles_by_lang: dict[str, Any] = {}

    @property
    def model_version(self) -> str:
        return str(self.model.metadata.get("version", "unknown"))

    # ------------------------------------------------------------------ public
    def for_vacancy(self, vacancy_id: str, *, top: int = 10, rank_by: RankBy = "probability",
                    lang: str = "nl", n_near_misses: int = 5,
                    capped: Collection[str] = ()) -> ShortlistResult:
        """The best candidates for one open vacancy, with reasons and near misses.

        ``capped`` names candidates who already are on as many open shortlists as the
        exposure cap allows (the service counts them): they are left out of the proposals and
        near misses, and the result lists those of them who would have been proposed
        (``capped``), so the shortlist can say so.
        """
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
        rows, near, left_out = self._rank(result, top, rank_by, lang, n_near_misses,
                                          mode="vacancy", capped=frozenset(map(str, capped)))
        return ShortlistResult(
            mode="vacancy", subject_id=vacancy_id, model_version=self.model_version,
            rank_by=rank_by, considered=int(result.raw_pairs), excluded=self._excluded(result),
            rows=rows, near_misses=near, subject=self._vacancy_subject(vacancy_id), lang=lang,
            elapsed_s=time.perf_counter() - t0, notes=model_notes(self.model, lang),
            capped=left_out,
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
        rows, near, _ = self._rank(result, top, rank_by, lang, n_near_misses, mode="candidate")
        return ShortlistResult(
            mode="candidate", subject_id=candidate_id, model_version=self.model_version,
            rank_by=rank_by, considered=int(result.raw_pairs), excluded=self._excluded(result),
            rows=rows, near_misses=near, subject=self._candidate_subject(candidate_id, lang),
            lang=lang, elapsed_s=time.perf_counter() - t0, notes=model_notes(self.model, lang),
        )

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _excluded(result: Any) -> dict[str, int]:
        return {name: int(result.removed.get(name, 0)) for name in CONSTRAINTS}

    def _vacancy_subject(self, vacancy_id: str) -> VacancySubject:
        vac = self._vacs.loc[vacancy_id]
        project = self._projects.loc[vac["project_id"]]
        return VacancySubject(
            vacancy_id=vacancy_id,
            title=_clean(vac["title"]),
            project_id=_clean(vac["project_id"]),
            project_name=_clean(project["name"]),
            employer_id=_clean(vac["employer_id"]),
            positions=_clean(vac["positions"]),
        )

    def _candidate_subject(self, candidate_id: str, lang: str) -> CandidateSubject:
        cand = self._cands.loc[candidate_id]
        group, mobility = _clean(cand.get("target_group")), _clean(cand.get("mobility"))
        return CandidateSubject(
            candidate_id=candidate_id,
            target_group=group,
            target_group_label=label("target_group", group, lang) or None,
            mobility=mobility,
            mobility_label=label("mobility", mobility, lang) or None,
        )

    def _profiles_in(self, lang: str) -> Any:
        """The profiles with labels (skills, certificates) in ``lang``: the same profiles, only
        the language setting differs (pair_details labels in ``profiles.settings.lang``)."""
        if self.profiles.settings.lang == lang:
            return self.profiles
        if lang not in self._profiles_by_lang:
            self._profiles_by_lang[lang] = dataclasses.replace(
                self.profiles, settings=self.profiles.settings.replace(lang=lang))
        return self._profiles_by_lang[lang]

    def _score(self, frame: pd.DataFrame) -> np.ndarray:
        if len(frame) == 0:
            return np.zeros(0)
        return score_features(self.model, frame[list(FEATURE_NAMES)])

    def _order(self, frame: pd.DataFrame, rank_by: RankBy, mode: str) -> pd.DataFrame:
        key_id = "candidate_id" if mode == "vacancy" else "vacancy_id"
        frame = frame.assign(_key=frame["score"] * (frame["sroi_value_eur"] if rank_by == "value" else 1.0))
        return frame.sort_values(["_key", key_id], ascending=[False, True], kind="mergesort")

    def _rank(self, result: Any, top: int, rank_by: RankBy, lang: str, n_near: int,
              mode: str, capped: frozenset[str] = frozenset()
              ) -> tuple[list[ShortlistRow], list[ShortlistRow], list[str]]:
        """Score every admissible pair, keep the best ``top``; the same for near misses.

        Admissible pairs and near misses are scored in one model call and the chosen rows are
        explained in one call (the per-call overhead of the tree ensemble dominates here).
        ``rank_by="value"`` multiplies by the ``sroi_value_eur`` context column of the pair
        table (never a model input), the placement's value without the age bonus, so that age
        never drives the ranking.
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
        ordered = self._order(pairs.assign(score=scores[:len(pairs)]), rank_by, mode)
        ordered_near = self._order(near.assign(score=scores[len(pairs):]), rank_by, mode)
        left_out: list[str] = []
        if capped:
            is_capped = ordered["candidate_id"].isin(capped).to_numpy()
            kept_rank = np.cumsum(~is_capped)  # rank among the kept rows
            left_out = ordered["candidate_id"][is_capped & (kept_rank < top)].astype(str).tolist()
            ordered = ordered[~is_capped]
            ordered_near = ordered_near[~ordered_near["candidate_id"].isin(capped)]
        best = ordered.head(top)
        best_near = ordered_near.head(n_near)
        chosen = pd.concat([best, best_near], ignore_index=True)
        explanations = explain_pairs(self.model, chosen[list(FEATURE_NAMES)], lang=lang, top=3)
        rows = self._rows(best, explanations[:len(best)], lang, mode)
        near_rows = self._rows(best_near, explanations[len(best):], lang, mode, near_miss=True)
        return rows, near_rows, left_out

    def _rows(self, frame: pd.DataFrame, explanations: list[Any], lang: str, mode: str,
              near_miss: bool = False) -> list[ShortlistRow]:
        """The typed rows of ``frame`` (best first), explained and labelled in ``lang``.

        In vacancy mode the vacancy's title, project and employer are left out: the vacancy
        is the shortlist's subject (:class:`ShortlistRow` writes them for candidate mode only).
        """
        if frame.empty:
            return []
        ci = frame["cand_idx"].to_numpy()
        vi = frame["vac_idx"].to_numpy()
        details = pair_details(self._profiles_in(lang), ci, vi).reset_index(drop=True)
        out: list[ShortlistRow] = []
        for rank, (row, det, expl) in enumerate(
            zip(frame.itertuples(index=False), details.to_dict("records"), explanations, strict=True),
            start=1,
        ):
            record: dict[str, Any] = {"rank": rank, "candidate_id": row.candidate_id,
                                      "vacancy_id": row.vacancy_id}
            if mode != "vacancy":
                vac = self._vacs.loc[row.vacancy_id]
                record["title"] = _clean(vac["title"])
                record["project_id"] = _clean(vac["project_id"])
                record["employer_id"] = _clean(vac["employer_id"])
            record["score"] = round_probability(float(row.score))
            record["probability_pct"] = probability_pct(float(row.score))
            record.update({k: _clean(v) for k, v in det.items()
                           if k not in ("candidate_id", "vacancy_id")})
            for key in ("support_needs", "support_offered", "support_missing"):
                record[key] = labels("support", record.get(key), lang)
            record["target_group_label"] = label("target_group", record.get("target_group"),
                                                 lang) or None
            record["mobility"] = _clean(self._cands.at[row.candidate_id, "mobility"])
            record["mobility_label"] = label("mobility", record["mobility"], lang) or None
            # The ranking value: probability x the age-free building-block value (context).
            record["expected_value_eur"] = round(float(row.score) * float(row.sroi_value_eur), 0)
            record["home_municipality"] = self._municipality_names.get(det["home_municipality_code"])
            record["work_municipality"] = self._municipality_names.get(det["work_municipality_code"])
            if near_miss:
                record["start_delay_days"] = _clean(float(row.start_delay_days))
                record["constraint"] = row.constraint
                record["constraint_text"] = text(f"constraint_{row.constraint}", lang)
                record["constraint_detail"] = near_miss_detail(record, lang)
            record["display"] = row_display(record, lang)
            record["reasons"] = expl.to_dict()
            out.append(ShortlistRow(**record))
        return out

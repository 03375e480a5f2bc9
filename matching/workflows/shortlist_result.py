"""The typed result of a shortlist request: :class:`ShortlistResult` and its rows.

Every field is documented in the classes' ``Attributes`` sections. The JSON that
``shortlist --format json`` prints is :meth:`ShortlistResult.to_json`; the CSV and XLSX files
(:mod:`matching.reports.shortlist_files`) are made of the same serialised rows
(:meth:`ShortlistResult.row_dicts`). Key order follows the field declarations, so the output
stays byte-identical for the same input.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["CandidateSubject", "ModelNote", "ShortlistResult", "ShortlistRow", "VacancySubject"]


def _json(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class ModelNote:
    """What the active model says about itself, for the shortlist footer (JSON ``notes``).

    Attributes
    ----------
    code : str
        The note, e.g. ``skills_barely_predict``.
    text : str
        The sentence a person reads, in the shortlist's language.
    skill_importance : float
        Permutation importance of the skill features together (5 decimals).
    top_importance : float
        Permutation importance of the model's most important feature (5 decimals).
    ratio : float
        ``skill_importance / top_importance`` (4 decimals).
    threshold : float
        The ratio below which the note is given.
    """

    code: str
    text: str
    skill_importance: float
    top_importance: float
    ratio: float
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """The note as a plain dict, in field order."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class VacancySubject:
    """The vacancy a shortlist of candidates is for.

    Attributes
    ----------
    vacancy_id : str
        The vacancy.
    title : str or None
        Its title.
    project_id : str or None
        Its project (the SROI obligation it counts for).
    project_name : str or None
        The project's name.
    employer_id : str or None
        The contractor offering it.
    positions : float or None
        Its number of positions.
    """

    vacancy_id: str
    title: str | None = None
    project_id: str | None = None
    project_name: str | None = None
    employer_id: str | None = None
    positions: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The subject as a plain dict, in field order."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class CandidateSubject:
    """The candidate a shortlist of vacancies is for.

    Attributes
    ----------
    candidate_id : str
        The candidate.
    target_group : str or None
        Target-group code.
    target_group_label : str or None
        The target group in the shortlist's language.
    mobility : str or None
        Mobility code.
    mobility_label : str or None
        The mobility in the shortlist's language.
    """

    candidate_id: str
    target_group: str | None = None
    target_group_label: str | None = None
    mobility: str | None = None
    mobility_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The subject as a plain dict, in field order."""
        return dataclasses.asdict(self)


_CANDIDATE_MODE_ONLY = frozenset({"vacancy_id", "title", "project_id", "employer_id"})
_VACANCY_MODE_ONLY = frozenset({"candidate_id"})
_NEAR_MISS_ONLY = frozenset({"start_delay_days", "constraint", "constraint_text",
                             "constraint_detail"})


@dataclass(frozen=True, kw_only=True)
class ShortlistRow:
    """One proposal of a shortlist (or one near miss): a candidate-vacancy pair.

    The row always knows both ids; :meth:`to_dict` writes the pair from the shortlist's
    perspective: ``candidate_id`` for a vacancy's shortlist, ``vacancy_id``, ``title``,
    ``project_id`` and ``employer_id`` for a candidate's. The near-miss fields are written only
    for a near miss (``constraint`` set).

    Attributes
    ----------
    rank : int
        Position in the list, from 1.
    candidate_id : str
        The candidate.
    vacancy_id : str
        The vacancy.
    title : str or None
        The vacancy's title.
    project_id : str or None
        The vacancy's project.
    employer_id : str or None
        The vacancy's employer.
    score : float
        Calibrated probability of a durable placement (rounded half-up as shown).
    probability_pct : float
        ``score`` in percent, as shown.
    distance_km : float or None
        Straight-line distance between home and work.
    travel_km : float or None
        Travel distance (ferry crossings included).
    ferry : bool or None
        Whether the journey needs a ferry.
    max_travel_km : float or None
        The candidate's reach.
    hours_candidate : float or None
        Hours a week the candidate wants.
    hours_vacancy : float or None
        Hours a week the vacancy offers.
    target_group_eligible : bool or None
        Whether the candidate's target group counts for the project's obligation.
    home_municipality_code : str or None
        CBS code of the candidate's municipality.
    work_municipality_code : str or None
        CBS code of the vacancy's municipality.
    sroi_value_eur : float or None
        Official SROI value of the placement (context, never a reason).
    required_skills_covered : list of str
        Required skills the candidate has (labels in the shortlist's language).
    required_skills_missing : list of str
        Required skills the candidate lacks.
    preferred_skills_covered : list of str
        Preferred skills the candidate has.
    certificates_missing : list of str
        Required certificates the candidate lacks.
    support_needs : list of str
        Support the candidate needs (labels).
    support_offered : list of str
        Support the employer offers (labels).
    support_missing : list of str
        Support needed but not offered (labels).
    target_group : str or None
        Target-group code of the candidate.
    target_group_label : str or None
        The target group in the shortlist's language.
    mobility : str or None
        Mobility code of the candidate.
    mobility_label : str or None
        The mobility in the shortlist's language.
    expected_value_eur : float or None
        The ranking value: probability x the age-free placement value.
    home_municipality : str or None
        Name of the candidate's municipality.
    work_municipality : str or None
        Name of the vacancy's municipality.
    start_delay_days : float or None
        Near misses: days the candidate is available after the vacancy's start.
    constraint : str or None
        Near misses: the one hard constraint that fails; ``None`` for a proposal.
    constraint_text : str or None
        Near misses: that constraint in the shortlist's language.
    constraint_detail : str or None
        Near misses: what exactly fails (:func:`matching.workflows.shortlist.near_miss_detail`).
    display : dict of str to str
        The strings a person reads (:func:`matching.workflows.shortlist.row_display`).
    reasons : dict
        The explanation (:meth:`matching.model.explain.Explanation.to_dict`).
    """

    rank: int
    candidate_id: str
    vacancy_id: str
    title: str | None = None
    project_id: str | None = None
    employer_id: str | None = None
    score: float
    probability_pct: float
    distance_km: float | None = None
    travel_km: float | None = None
    ferry: bool | None = None
    max_travel_km: float | None = None
    hours_candidate: float | None = None
    hours_vacancy: float | None = None
    target_group_eligible: bool | None = None
    home_municipality_code: str | None = None
    work_municipality_code: str | None = None
    sroi_value_eur: float | None = None
    required_skills_covered: list[str] = field(default_factory=list)
    required_skills_missing: list[str] = field(default_factory=list)
    preferred_skills_covered: list[str] = field(default_factory=list)
    certificates_missing: list[str] = field(default_factory=list)
    support_needs: list[str] = field(default_factory=list)
    support_offered: list[str] = field(default_factory=list)
    support_missing: list[str] = field(default_factory=list)
    target_group: str | None = None
    target_group_label: str | None = None
    mobility: str | None = None
    mobility_label: str | None = None
    expected_value_eur: float | None = None
    home_municipality: str | None = None
    work_municipality: str | None = None
    start_delay_days: float | None = None
    constraint: str | None = None
    constraint_text: str | None = None
    constraint_detail: str | None = None
    display: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, Any] = field(default_factory=dict)

    @property
    def is_near_miss(self) -> bool:
        """True for a near miss (one hard constraint fails)."""
        return self.constraint is not None

    def to_dict(self, mode: Literal["vacancy", "candidate"] = "vacancy") -> dict[str, Any]:
        """The row as written to JSON, CSV and XLSX, from the perspective of ``mode``."""
        skip = _CANDIDATE_MODE_ONLY if mode == "vacancy" else _VACANCY_MODE_ONLY
        if not self.is_near_miss:
            skip = skip | _NEAR_MISS_ONLY
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in skip}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShortlistRow:
        """A row from its :meth:`to_dict` form (or any mapping of its field names)."""
        return cls(**data)


@dataclass(frozen=True)
class ShortlistResult:
    """A shortlist as data: what the CLI renders and the HTTP service returns.

    Attributes
    ----------
    mode : {"vacancy", "candidate"}
        Candidates for a vacancy, or vacancies for a candidate.
    subject_id : str
        The vacancy or candidate the shortlist is for.
    model_version : str
        Version of the scoring model.
    rank_by : str
        ``probability`` or ``value`` (expected SROI value).
    considered : int
        Pairs looked at in the whole region.
    excluded : dict of str to int
        Pairs removed per hard constraint (first failing).
    rows : list of ShortlistRow
        The proposals, best first.
    near_misses : list of ShortlistRow
        The best pairs excluded by exactly one hard constraint, best first.
    subject : VacancySubject or CandidateSubject or None
        The subject's details.
    lang : str
        Language of the labels, reasons and display strings.
    elapsed_s : float
        Seconds the request took (not serialised).
    notes : list of ModelNote
        What the active model says about itself (:func:`matching.workflows.shortlist.model_notes`),
        for the footer.
    capped : list of str
        Candidates who would have been proposed but are on as many open shortlists as the
        exposure cap allows, best first (only the service passes a cap).
    """

    mode: Literal["vacancy", "candidate"]
    subject_id: str
    model_version: str
    rank_by: str
    considered: int
    excluded: dict[str, int]
    rows: list[ShortlistRow]
    near_misses: list[ShortlistRow]
    subject: VacancySubject | CandidateSubject | None = None
    lang: str = "nl"
    elapsed_s: float = 0.0
    notes: list[ModelNote] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)

    def row_dicts(self) -> list[dict[str, Any]]:
        """The proposals as written (:meth:`ShortlistRow.to_dict` in this shortlist's mode)."""
        return [row.to_dict(self.mode) for row in self.rows]

    def near_miss_dicts(self) -> list[dict[str, Any]]:
        """The near misses as written."""
        return [row.to_dict(self.mode) for row in self.near_misses]

    def to_dict(self) -> dict[str, Any]:
        """The shortlist as plain JSON-ready data (the subject's id under its own key)."""
        key = "vacancy_id" if self.mode == "vacancy" else "candidate_id"
        return {
            key: self.subject_id,
            "model_version": self.model_version,
            "rank_by": self.rank_by,
            "considered": self.considered,
            "excluded": dict(self.excluded),
            "shortlist": self.row_dicts(),
            "near_misses": self.near_miss_dicts(),
            "subject": {} if self.subject is None else self.subject.to_dict(),
            "notes": [note.to_dict() for note in self.notes],
            "lang": self.lang,
            **({"capped": list(self.capped)} if self.capped else {}),
        }

    def to_json(self) -> str:
        """What ``shortlist --format json`` prints (2-space indent, no trailing newline)."""
        return _json(self.to_dict())

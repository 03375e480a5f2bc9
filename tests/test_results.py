"""The typed results (matching.workflows.assign_summary, matching.workflows.shortlist_result).

Every field is documented; the JSON is the fields in declaration order and reads back to the
same object. The byte-identity of the files on the sample is checked in test_assign.py
(``summary.json``) and test_shortlist.py (shortlist JSON rows).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re

import pytest

import matching
from matching.workflows import assign_summary, shortlist_result
from matching.workflows.assign_summary import (
    AssignSummary,
    BaselineSummary,
    RunSettings,
    SanitySummary,
    SolverSummary,
    SroiPrice,
)
from matching.workflows.shortlist_result import (
    CandidateSubject,
    ModelNote,
    ShortlistResult,
    ShortlistRow,
    VacancySubject,
)

RESULT_TYPES = [getattr(module, name) for module in (assign_summary, shortlist_result)
                for name in module.__all__]
NEAR_ONLY = ("start_delay_days", "constraint", "constraint_text", "constraint_detail")


def _documented(cls: type) -> dict[str, str]:
    """``{field: description}`` from the ``Attributes`` section of the class docstring."""
    doc = inspect.getdoc(cls) or ""
    section = doc.split("Attributes\n----------\n", 1)
    assert len(section) == 2, f"{cls.__name__} has no Attributes section"
    found: dict[str, str] = {}
    name = None
    for line in section[1].splitlines():
        head = re.match(r"^(\w+) : \S", line)
        if head:
            name = head.group(1)
            found[name] = ""
        elif line.startswith("    ") and name is not None:
            found[name] += line.strip() + " "
        elif line.strip() and not line.startswith(" "):
            break  # the next section
    return found


def _summary(**changes) -> AssignSummary:
    base = AssignSummary(
        objective="durable+sroi", expected_durable=12.345678901234, objective_value=13.5,
        n_assigned=3, n_candidates_available=10, n_vacancies_open=4, n_positions=5,
        n_raw_pairs=40, n_scored_pairs=20, n_pairs=18, n_locked=1, n_forbidden=2,
        model_version="v1",
        solver=SolverSummary(name="ortools.cp_sat", status="FEASIBLE", gap=0.0123,
                             wall_time_s=1.234),
        baselines={"optimal": BaselineSummary(12.3457, 3),
                   "greedy": BaselineSummary(11.0, 3),
                   "local_only": BaselineSummary(8.25, 2),
                   "sequential": BaselineSummary(10.5, 3)},
        gain_vs_local_pct=49.64, gain_vs_greedy_pct=None, min_score=0.25,
        timings_s={"profiles": 0.5, "total": 2.0},
        settings=RunSettings(min_score=0.25, weight_scale=1_000_000, sroi_weight=0.5,
                             max_per_employer=2, min_share={"wajong": 0.2}, seed=42),
        created_for="data/sample", lang="en",
        sanity=SanitySummary(n_pairs=20, base_rate=0.6262, pool_rate=None, saturated_share=0.0,
                             psi={"travel_km": 0.192},
                             warnings=[{"rule": "drift", "psi": 0.3, "message_nl": "Verschoven",
                                        "message_en": "Drifted"}], ok=False),
        sroi_price=SroiPrice(durable_only_expected=12.5, expected_durable_cost=0.1543,
                             pairs_changed=2),
    )
    return dataclasses.replace(base, **changes)


def _row(**changes) -> ShortlistRow:
    base = ShortlistRow(
        rank=1, candidate_id="C1", vacancy_id="V1", score=0.905, probability_pct=90.5,
        distance_km=12.04, travel_km=12.04, ferry=False, max_travel_km=30.0,
        hours_candidate=36.0, hours_vacancy=20.0, target_group_eligible=True,
        home_municipality_code="GM0080", work_municipality_code="GM0014", sroi_value_eur=12500.0,
        required_skills_missing=["Koken"], support_needs=["jobcoach"], target_group="wajong",
        target_group_label="Wajong", mobility="bike", mobility_label="fiets",
        expected_value_eur=11313.0, home_municipality="Leeuwarden", work_municipality="Groningen",
        display={"probability": "91%"}, reasons={"score": 0.905, "factors_for": []},
    )
    return dataclasses.replace(base, **changes)


# --------------------------------------------------------------------------- documentation
@pytest.mark.parametrize("cls", RESULT_TYPES, ids=lambda c: c.__name__)
def test_every_field_is_documented(cls) -> None:
    documented = _documented(cls)
    fields = [f.name for f in dataclasses.fields(cls)]
    assert list(documented) == fields, "Attributes lists every field, in declaration order"
    for name, description in documented.items():
        assert len(description.split()) >= 2, f"{cls.__name__}.{name} needs a description"


def test_the_documentation_check_catches_a_missing_field() -> None:
    @dataclasses.dataclass
    class Half:
        """Two fields, one documented.

        Attributes
        ----------
        a : int
            Documented.
        """

        a: int
        b: int

    assert list(_documented(Half)) == ["a"] != [f.name for f in dataclasses.fields(Half)]


def test_public_names_stay() -> None:
    assert matching.AssignmentRun.__annotations__["summary"] in ("AssignSummary", AssignSummary)
    assert matching.ShortlistResult is ShortlistResult


# --------------------------------------------------------------------------- assignment summary
def test_summary_dict_is_the_fields_in_order() -> None:
    summary = _summary()
    data = summary.to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(AssignSummary)]
    assert list(data["solver"]) == ["name", "status", "gap", "wall_time_s"]
    assert list(data["settings"]) == [f.name for f in dataclasses.fields(RunSettings)]
    assert list(data["sanity"]) == [f.name for f in dataclasses.fields(SanitySummary)]
    assert data["baselines"]["local_only"] == {"expected_durable": 8.25, "n_assigned": 2}
    assert data["sroi_price"] == {"durable_only_expected": 12.5, "expected_durable_cost": 0.1543,
                                  "pairs_changed": 2}
    assert AssignSummary.from_dict(data) == summary
    assert AssignSummary.from_dict(_summary(sroi_price=None).to_dict()).sroi_price is None


def test_summary_json_leaves_the_timings_to_timings_json() -> None:
    summary = _summary()
    files = [{"name": "a.csv", "bytes": 3, "sha256": "ab"}]
    text = summary.to_json(files=files)
    assert text.endswith("}\n") and "\n  \"objective\": \"durable+sroi\"," in text
    data = json.loads(text)
    names = [f.name for f in dataclasses.fields(AssignSummary) if f.name != "timings_s"]
    assert list(data) == [*names, "files"]
    assert "wall_time_s" not in data["solver"] and data["files"] == files
    assert data["expected_durable"] == 12.345678901234  # full precision, as computed
    again = AssignSummary.from_dict(data)
    assert again == summary.without_timings()
    assert again.to_json(files=files) == text
    timings = json.loads(summary.timings_json())
    assert timings == {"timings_s": {"profiles": 0.5, "total": 2.0}, "solver_wall_time_s": 1.234}
    assert AssignSummary.from_dict({**data, **timings}) == summary


def test_summary_json_with_timings_puts_them_after_the_reproducible_part() -> None:
    summary = _summary()
    data = json.loads(summary.to_json(deterministic=False))
    assert list(data)[-3:] == ["sroi_price", "timings_s", "solver_wall_time_s"]
    assert AssignSummary.from_dict(data) == summary


def test_summary_is_written_as_utf8_text() -> None:
    text = _summary(created_for="data/Súdwest-Fryslân").to_json()
    assert "Súdwest-Fryslân" in text


def test_unknown_summary_fields_are_refused() -> None:
    with pytest.raises(ValueError, match="surprise"):
        AssignSummary.from_dict({**_summary().to_dict(), "surprise": 1})


def test_sanity_messages_fall_back_to_english() -> None:
    sanity = _summary().sanity
    assert sanity.messages("nl") == ["Verschoven"]
    assert dataclasses.replace(sanity, warnings=[{"message_en": "Only"}]).messages("nl") == ["Only"]


def test_without_timings_clears_only_the_varying_values() -> None:
    summary = _summary()
    cleared = summary.without_timings()
    assert cleared.timings_s == {} and cleared.solver.wall_time_s is None
    assert cleared.solver.gap == summary.solver.gap
    assert dataclasses.replace(cleared, timings_s=summary.timings_s,
                               solver=summary.solver) == summary


# --------------------------------------------------------------------------- shortlist
def test_row_is_written_from_the_shortlists_side() -> None:
    row = _row(title="Kok", project_id="P1", employer_id="E1")
    order = [f.name for f in dataclasses.fields(ShortlistRow)]
    by_vacancy = row.to_dict("vacancy")
    assert list(by_vacancy) == [n for n in order if n not in
                                {"vacancy_id", "title", "project_id", "employer_id", *NEAR_ONLY}]
    by_candidate = row.to_dict("candidate")
    assert list(by_candidate)[:6] == ["rank", "vacancy_id", "title", "project_id", "employer_id",
                                      "score"]
    assert "candidate_id" not in by_candidate and "constraint" not in by_candidate
    assert ShortlistRow.from_dict({**by_candidate, "candidate_id": "C1"}) == row


def test_near_miss_rows_carry_their_constraint() -> None:
    near = _row(constraint="within_reach", constraint_text="outside travel range",
                constraint_detail="2 km beyond reach", start_delay_days=0.0)
    assert near.is_near_miss and not _row().is_near_miss
    data = near.to_dict("vacancy")
    assert list(data)[-6:] == [*NEAR_ONLY, "display", "reasons"]
    assert ShortlistRow.from_dict({**data, "vacancy_id": "V1"}) == near


def test_rows_need_their_ids_and_score() -> None:
    with pytest.raises(TypeError):
        ShortlistRow(rank=1, candidate_id="C1", vacancy_id="V1")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ShortlistRow.from_dict({**_row().to_dict(), "vacancy_id": "V1", "unknown": 1})


def test_shortlist_json_is_its_dict() -> None:
    note = ModelNote(code="skills_barely_predict", text="Skills barely predict",
                     skill_importance=0.004, top_importance=0.08, ratio=0.05, threshold=0.1)
    result = ShortlistResult(
        mode="vacancy", subject_id="V1", model_version="v1", rank_by="probability",
        considered=2, excluded={"within_reach": 1}, rows=[_row()],
        near_misses=[_row(rank=1, candidate_id="C2", constraint="within_reach")],
        subject=VacancySubject(vacancy_id="V1", title="Kok", positions=2.0), lang="en",
        notes=[note])
    data = result.to_dict()
    assert list(data) == ["vacancy_id", "model_version", "rank_by", "considered", "excluded",
                          "shortlist", "near_misses", "subject", "notes", "lang"]
    assert data["shortlist"] == result.row_dicts() == [_row().to_dict("vacancy")]
    assert data["near_misses"][0]["constraint"] == "within_reach"
    assert data["subject"] == {"vacancy_id": "V1", "title": "Kok", "project_id": None,
                               "project_name": None, "employer_id": None, "positions": 2.0}
    assert data["notes"] == [dataclasses.asdict(note)]
    assert result.to_json() == json.dumps(data, indent=2, ensure_ascii=False)
    assert json.loads(result.to_json()) == data
    other = dataclasses.replace(result, mode="candidate", subject_id="C1",
                                subject=CandidateSubject(candidate_id="C1"), notes=[])
    data = other.to_dict()
    assert next(iter(data)) == "candidate_id" and "candidate_id" not in data["shortlist"][0]
    assert data["subject"]["candidate_id"] == "C1" and data["notes"] == []
    assert dataclasses.replace(other, subject=None).to_dict()["subject"] == {}

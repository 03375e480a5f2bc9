"""Import and read-back: all or nothing, unchanged re-imports, history, the same dataset."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from matching.core.errors import ValidationError
from matching.web.models import AuditEntry, DataImport, Record
from matching.web.store import import_export, load_from_db


def test_dataset_from_database_equals_the_files(sample_dir):
    from matching.data.loading import load_dataset

    dataset = load_dataset(sample_dir).dataset
    loaded = load_from_db().dataset
    assert loaded.sources == dataset.sources
    for name in ("candidates", "projects", "vacancies", "placements", "valuation", "courses",
                 "tenders"):
        pd.testing.assert_frame_equal(loaded.table(name), dataset.table(name), obj=name)
    assert loaded.extraction_date == dataset.extraction_date


def test_courses_and_tenders_are_records_keyed_by_their_ids(sample_dir):
    """The training planner's tables go through the database like the others."""
    courses = pd.read_csv(sample_dir / "courses.csv", dtype=str, keep_default_na=False)
    stored = Record.objects.filter(table="courses", closed_by__isnull=True)
    assert sorted(stored.values_list("key", flat=True)) == sorted(courses["course_id"])
    first = stored.get(key=courses.loc[0, "course_id"])
    assert first.cells["start_dates"] == courses.loc[0, "start_dates"]
    assert Record.objects.filter(table="tenders", closed_by__isnull=True).count() == len(
        pd.read_csv(sample_dir / "tenders.csv", dtype=str))
    loaded = load_from_db().dataset
    assert isinstance(loaded.courses.iloc[0]["start_dates"], tuple)
    assert loaded.tenders["probability"].between(0, 1).all()


def test_reimporting_the_same_files_changes_nothing(db, sample_dir):
    before = list(Record.objects.order_by("pk").values_list("pk", "digest", "closed_by"))
    outcome = import_export(sample_dir, actor="t", role="admin")
    assert outcome.status == "unchanged"
    assert all(c["added"] == c["changed"] == c["removed"] == 0 for c in outcome.counts.values())
    assert list(Record.objects.order_by("pk").values_list("pk", "digest", "closed_by")) == before
    kept = DataImport.objects.get(pk=outcome.import_id)
    assert {f["name"]: f["sha256"] for f in kept.files}["candidates.csv"]
    assert kept.actor == "t"


def test_a_new_export_updates_records_and_keeps_history(db, sample_dir, tmp_path):
    export = tmp_path / "export"
    shutil.copytree(sample_dir, export)
    frame = pd.read_csv(export / "candidates.csv", dtype=str, keep_default_na=False)
    first = frame.loc[0, "candidate_id"]
    frame.loc[0, "hours_per_week"] = "12"
    placed = set(pd.read_csv(export / "placements.csv", dtype=str)["candidate_id"])
    dropped = next(c for c in frame["candidate_id"][::-1] if c not in placed)
    frame[frame["candidate_id"] != dropped].to_csv(export / "candidates.csv", index=False)
    outcome = import_export(export, actor="t", role="admin")
    assert outcome.status == "imported"
    assert outcome.counts["candidates"] == {"added": 0, "changed": 1, "removed": 1,
                                            "unchanged": len(frame) - 2}
    versions = Record.objects.filter(table="candidates", key=first).order_by("pk")
    assert [v.cells["hours_per_week"] for v in versions] == [versions[0].cells["hours_per_week"], "12"]
    assert versions[0].closed_by_id == outcome.import_id and versions[1].closed_by_id is None
    loaded = load_from_db().dataset
    assert dropped not in set(loaded.candidates["candidate_id"])
    assert float(loaded.candidates.set_index("candidate_id").at[first, "hours_per_week"]) == 12


def test_an_import_with_one_bad_row_imports_nothing(db, bad_export):
    export = bad_export
    records, imports = Record.objects.count(), DataImport.objects.count()
    with pytest.raises(ValidationError) as caught:
        import_export(export, actor="t", role="admin")
    bad = [p for p in caught.value.problems if p.severity == "error"]
    assert [(p.file, p.row, p.column, p.value, p.rule) for p in bad] == \
        [("vacancies.csv", 5, "hours_per_week", "zeventig", "type")]
    assert Record.objects.count() == records
    rejected = DataImport.objects.get(pk__gt=0, status="rejected")
    assert DataImport.objects.count() == imports + 1 and rejected.problems[0]["row"] == 5
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.outcome) == ("import", "rejected")

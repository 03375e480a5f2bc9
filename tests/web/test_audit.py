"""The audit log: one entry per action, refused changes, and a chain that finds tampering."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from matching.web import audit
from matching.web.models import AuditEntry


def _entries(n: int = 3) -> list[AuditEntry]:
    return [audit.record("view_candidate", actor=f"u{i}", role="coordinator",
                         subjects=[f"C{i:06d}"], model_version="m1",
                         input_sha256=audit.inputs_hash({"i": i})) for i in range(n)]


def _untriggered(sql: str, params: list) -> None:
    """Change the table the way an intruder with database rights would: around the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER sroi_audit_no_update")
            cursor.execute("DROP TRIGGER sroi_audit_no_delete")
        else:
            cursor.execute("ALTER TABLE sroi_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)


def test_entries_chain_and_verify_clean(db):
    _entries(3)
    count, problems = audit.verify()
    assert problems == [] and count == AuditEntry.objects.count()
    seqs = list(AuditEntry.objects.order_by("id").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    last, before = AuditEntry.objects.order_by("-seq")[:2]
    assert last.prev_hash == before.hash and last.hash == audit.entry_hash(last)


@pytest.mark.parametrize("statement", [
    "UPDATE sroi_auditentry SET actor = 'someone else'",
    "DELETE FROM sroi_auditentry",
])
def test_the_database_refuses_changes_to_the_log(db, statement):
    _entries(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.filter(actor="someone else").count() == 0


def test_the_application_cannot_change_an_entry(db):
    entry = _entries(1)[0]
    entry.actor = "someone else"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()


def test_verify_finds_a_changed_entry(db):
    target = _entries(3)[1]
    _untriggered("UPDATE sroi_auditentry SET actor = %s WHERE id = %s", ["mallory", target.pk])
    _, problems = audit.verify()
    assert [(p.seq, "changed" in p.problem) for p in problems] == [(target.seq, True)]


def test_verify_finds_a_removed_entry(db):
    target = _entries(3)[1]
    _untriggered("DELETE FROM sroi_auditentry WHERE id = %s", [target.pk])
    _, problems = audit.verify()
    assert {p.seq for p in problems} == {target.seq + 1}
    assert any("sequence jumps" in p.problem for p in problems)
    assert any("does not link" in p.problem for p in problems)


def test_verify_finds_reordered_entries(db):
    a, b, _ = _entries(3)
    # swap the contents of two rows, hashes included: each row still matches its own hash
    fields = ["seq", "at", "actor", "role", "action", "outcome", "subjects", "model_version",
              "input_sha256", "detail", "prev_hash", "hash"]
    rows = {e.pk: AuditEntry.objects.filter(pk=e.pk).values(*fields).get() for e in (a, b)}
    _untriggered("UPDATE sroi_auditentry SET hash = substr(hash, 2) || substr(hash, 1, 1), seq = -seq WHERE id IN (%s, %s)",
                 [a.pk, b.pk])
    for pk, other in ((a.pk, b.pk), (b.pk, a.pk)):
        AuditEntry.objects.filter(pk=pk).update(**rows[other])
    _, problems = audit.verify()
    assert problems and all("changed" not in p.problem for p in problems)
    assert any("out of order" in p.problem or "does not link" in p.problem for p in problems)


def test_no_personal_attributes_in_the_log(db, api, groningen_candidates):
    own = groningen_candidates[0][0]
    from matching.web.models import User
    from matching.web.services import candidate_details

    candidate_details(User.objects.get(username="am"), own)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "view_candidate" and entry.subjects == [own]
    text = repr(AuditEntry.objects.filter(pk=entry.pk).values().get())
    for personal in ("birth_year", "postcode", "gender", "nationality", "GM0014"):
        assert personal not in text


def test_unknown_action_is_refused(db):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("delete_everything", actor="x", role="admin")

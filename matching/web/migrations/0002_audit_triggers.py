"""The database refuses to change or delete audit entries (SQLite and PostgreSQL triggers)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER sroi_audit_no_update BEFORE UPDATE ON sroi_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END""",
    """CREATE TRIGGER sroi_audit_no_delete BEFORE DELETE ON sroi_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS sroi_audit_no_update",
                  "DROP TRIGGER IF EXISTS sroi_audit_no_delete"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION sroi_audit_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'the audit log is append-only: %% refused', TG_OP
           USING ERRCODE = 'integrity_constraint_violation';
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER sroi_audit_no_change BEFORE UPDATE OR DELETE ON sroi_auditentry
       FOR EACH ROW EXECUTE FUNCTION sroi_audit_append_only()""",
    """CREATE TRIGGER sroi_audit_no_truncate BEFORE TRUNCATE ON sroi_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION sroi_audit_append_only()""",
]
POSTGRES_REVERSE = ["DROP TRIGGER IF EXISTS sroi_audit_no_truncate ON sroi_auditentry",
                    "DROP TRIGGER IF EXISTS sroi_audit_no_change ON sroi_auditentry",
                    "DROP FUNCTION IF EXISTS sroi_audit_append_only()"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no audit triggers for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("sroi", "0001_initial")]
    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE})),
    ]

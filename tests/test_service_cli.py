"""The service's commands as a user runs them, in real processes on an embedded SQLite file:
migrate (WAL mode), import (all or nothing, exit 2 with every problem), users, tokens, and
``audit verify`` catching an entry changed behind the application's back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def _run(args, env, stdin: str | None = None, timeout: float = 300):
    return subprocess.run([sys.executable, "-m", "matching.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def service(tmp_path_factory, sample_data):
    from matching.synthetic.render import write_sample

    home = tmp_path_factory.mktemp("service-home")
    sample = write_sample(sample_data, home / "sample")
    db = home / "service.sqlite3"
    env = {**os.environ, "SROI_MATCH_HOME": str(home),
           "SROI_MATCH_DATABASE_URL": f"sqlite:///{db}"}
    done = _run(["migrate"], env)
    assert done.returncode == 0, done.stderr
    return env, db, sample


def test_the_embedded_database_runs_in_wal_mode(service):
    _, db, _ = service
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_import_is_all_or_nothing_and_reports_every_problem(service, tmp_path):
    env, db, sample = service
    bad = tmp_path / "bad"
    shutil.copytree(sample, bad)
    frame = pd.read_csv(bad / "candidates.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "hours_per_week"] = "veel"
    frame.loc[4, "target_group"] = ""
    frame.to_csv(bad / "candidates.csv", index=False)
    done = _run(["import", "--data", str(bad)], env)
    assert done.returncode == 2 and "nothing was imported" in done.stderr
    assert "candidates.csv" in done.stdout and "veel" in done.stdout
    assert "hours_per_week" in done.stdout and "target_group" in done.stdout
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM sroi_record").fetchone()[0] == 0
        assert con.execute("SELECT status FROM sroi_dataimport").fetchall() == [("rejected",)]
    good = _run(["import", "--data", str(sample), "--format", "json"], env)
    assert good.returncode == 0, good.stderr
    again = _run(["import", "--data", str(sample), "--format", "json"], env)
    assert '"status": "unchanged"' in again.stdout


def test_users_tokens_and_a_tampered_audit_log(service):
    env, db, _ = service
    added = _run(["users", "add", "jan", "--role", "account_manager", "--organisation",
                  "gm0014"], env, stdin="a-long-password-42\n")
    assert added.returncode == 0, added.stderr
    assert "account_manager (GM0014)" in added.stdout
    no_org = _run(["users", "add", "piet", "--role", "account_manager"], env,
                  stdin="a-long-password-42\n")
    assert no_org.returncode == 2 and "organisation" in no_org.stderr
    weak = _run(["users", "add", "kees", "--role", "analyst"], env, stdin="123\n")
    assert weak.returncode == 2 and "password" in weak.stderr
    token = _run(["users", "token", "jan"], env)
    assert token.returncode == 0 and token.stdout.startswith("sm_")
    clean = _run(["audit", "verify"], env)
    assert clean.returncode == 0 and "intact" in clean.stdout, clean.stderr
    with sqlite3.connect(db) as con:
        try:
            con.execute("UPDATE sroi_auditentry SET actor = 'x'")
            raise AssertionError("the trigger let an update through")
        except sqlite3.IntegrityError as exc:
            assert "append-only" in str(exc)
        # an intruder with file access: around the trigger
        con.execute("DROP TRIGGER sroi_audit_no_update")
        con.execute("UPDATE sroi_auditentry SET actor = 'mallory' WHERE seq = 2")
    tampered = _run(["audit", "verify"], env)
    assert tampered.returncode == 1
    assert "TAMPERED: entry seq=2" in tampered.stderr


def test_a_bad_database_url_is_bad_input(service):
    env, _, _ = service
    done = _run(["migrate", "--db", "mysql://x/y"], env)
    assert done.returncode == 2 and "unsupported database URL" in done.stderr


def test_serve_binds_loopback_by_default():
    from matching.cli.db_commands import serve

    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_commands_are_listed_in_help():
    done = subprocess.run([sys.executable, "-m", "matching.cli", "--help"], capture_output=True,
                          text=True, timeout=60)
    for command in ("migrate", "import", "users", "audit", "serve"):
        assert command in done.stdout

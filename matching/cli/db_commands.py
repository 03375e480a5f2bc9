"""The service's commands: ``migrate``, ``import``, ``users``, ``audit``, ``worker``, ``serve``.

Each takes ``--db URL`` (else ``SROI_MATCH_DATABASE_URL``, else the embedded SQLite file in
``SROI_MATCH_HOME``, default ``./var``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from matching.cli.app import State, cli, cli_actor, db_setup, handle_errors


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db URL`` for the service's commands, turned into a configured Django."""

    @wraps(func)
    def wrapper(*args: Any, db: str | None, **kwargs: Any) -> Any:
        handle_errors(db_setup)(db)  # a bad URL: a message and exit code 2
        return _database_errors(func)(*args, **kwargs)

    return click.option("--db", envvar="SROI_MATCH_DATABASE_URL", default=None, metavar="URL",
                        help="Database URL: sqlite:///PATH or postgresql://USER@HOST/NAME "
                             "(default: SROI_MATCH_DATABASE_URL, else "
                             "sqlite:///$SROI_MATCH_HOME/sroi-match.sqlite3).")(wrapper)


def _database_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.db import OperationalError, ProgrammingError

        from matching.core.errors import DataError

        try:
            return func(*args, **kwargs)
        except OperationalError as exc:
            raise DataError(f"cannot use the database: {exc}".strip()) from exc
        except ProgrammingError as exc:
            raise DataError(f"the database is not ready ({exc}); run sroi-match migrate "
                            "first") from exc

    return wrapper


# ----------------------------------------------------------------------------- migrate


@cli.command()
@db_option
@handle_errors
def migrate() -> None:
    """Create or update the service's database tables (the committed migrations)."""
    from django.conf import settings
    from django.core.management import call_command

    from matching.web.dburl import describe

    call_command("migrate", interactive=False, verbosity=0)
    click.echo(f"Database ready: {describe(settings.DATABASE_URL)}")


# ----------------------------------------------------------------------------- import


@cli.command("import")
@click.option("--data", type=click.Path(), required=True,
              help="Dataset folder (one file per table) or one .xlsx workbook.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@db_option
@click.pass_obj
@handle_errors
def import_(state: State, data: str, fmt: str) -> None:
    """Validate a data export and load it into the database, all or nothing.

    Any error imports nothing and prints every problem (file, row, column, value, rule),
    exit code 2. Re-importing the same files changes nothing; a newer export updates the
    records and keeps their history.
    """
    from matching.web.store import import_export

    actor, role = cli_actor()
    outcome = import_export(data, actor=actor, role=role, settings=state.settings())
    for warning in outcome.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if fmt == "json":
        click.echo(json.dumps({"import_id": outcome.import_id, "status": outcome.status,
                               "counts": outcome.counts, "files": outcome.files}, indent=2))
        return
    click.echo(f"Import {outcome.import_id}: {outcome.status}")
    for table, counts in outcome.counts.items():
        click.echo(f"  {table:<11} added {counts['added']:>6}  changed {counts['changed']:>6}  "
                   f"removed {counts['removed']:>6}  unchanged {counts['unchanged']:>6}")


# ----------------------------------------------------------------------------- users


@cli.group()
def users() -> None:
    """Manage the service's users (administrators' work)."""


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["account_manager", "coordinator", "analyst", "admin"]),
              required=True)
@click.option("--organisation", "organisations", multiple=True, metavar="GMxxxx",
              help="Account managers: a municipality (CBS code) or organisation id they work "
                   "for (repeatable).")
@db_option
@handle_errors
def users_add(name: str, role: str, organisations: tuple[str, ...]) -> None:
    """Create a user. The password is asked for (or read from standard input when it is not
    a terminal)."""
    from matching.web.services import add_user

    actor, actor_role = cli_actor()
    user = add_user(name, role, _read_password(), list(organisations), actor=actor,
                    actor_role=actor_role)
    orgs = f" ({', '.join(user.organisations)})" if user.organisations else ""
    click.echo(f"User {user.username} added as {user.role}{orgs}.")


@users.command("token")
@click.argument("name")
@db_option
@handle_errors
def users_token(name: str) -> None:
    """Print a new API token for NAME (shown once; send it as 'Authorization: Bearer TOKEN')."""
    from matching.web.services import issue_token

    actor, role = cli_actor()
    click.echo(issue_token(name, actor=actor, actor_role=role))


# ----------------------------------------------------------------------------- audit


@cli.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option("--expect-head", default=None, metavar="SEQ:HASH",
              help="A head printed by an earlier verify: also detects a removed tail.")
@db_option
@handle_errors
def audit_verify(expect_head: str | None) -> None:
    """Check the whole hash chain; exit 1 when any entry was changed, removed or reordered."""
    from matching.web import audit as log
    from matching.web.models import AuditEntry

    count, problems = log.verify()
    if expect_head:
        seq_text, _, wanted = expect_head.partition(":")
        entry = AuditEntry.objects.filter(seq=int(seq_text or 0)).first()
        if entry is None or entry.hash != wanted:
            problems.append(log.AuditProblem(int(seq_text or 0), None,
                                             "the expected head is missing or differs "
                                             "(entries at the end were removed or changed)"))
    seq, digest = log.head()
    if problems:
        for problem in problems:
            click.echo(f"TAMPERED: {problem}", err=True)
        click.echo(f"Audit log: {count} entries, {len(problems)} problem(s).", err=True)
        click.get_current_context().exit(1)
    click.echo(f"Audit log intact: {count} entries; head {seq}:{digest}")


# ----------------------------------------------------------------------------- serve


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default serves this machine only (put a TLS proxy "
                   "in front for anything else).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Request threads of the WSGI server.")
@click.option("--production", is_flag=True,
              help="Production settings (secure cookies, HSTS, HTTPS redirect behind a proxy "
                   "setting X-Forwarded-Proto; SROI_MATCH_SECRET_KEY required).")
@db_option
@handle_errors
def serve(host: str, port: int, threads: int, production: bool) -> None:
    """Serve the service (HTTP API and pages) with the waitress WSGI server."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from waitress import serve as waitress_serve

    from matching.core.errors import DataError

    if production:
        import os

        if not os.environ.get("SROI_MATCH_SECRET_KEY"):
            raise DataError("--production needs SROI_MATCH_SECRET_KEY in the environment")
        os.environ["DJANGO_SETTINGS_MODULE"] = "matching.web.settings_production"
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise DataError("the database needs migrating first: sroi-match migrate")
    connection.close()
    from matching.web.wsgi import application

    click.echo(f"Serving sroi-match on http://{host}:{port}/ (Ctrl+C stops)", err=True)
    waitress_serve(application, host=host, port=port, threads=threads, ident="sroi-match",
                   clear_untrusted_proxy_headers=True, channel_timeout=120)

"""``sroi-match demo``: the whole service on the sample in one command."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import click

from matching.cli.app import DEFAULT_DATA, cli, cli_actor, db_setup, handle_errors

DEMO_USERS = (  # name, role, organisations
    ("accountmanager", "account_manager", ["GM0014"]),
    ("coordinator", "coordinator", []),
    ("analyst", "analyst", []),
    ("admin", "admin", []),
)


def _password() -> str:
    return f"demo-{secrets.token_urlsafe(9)}"


@cli.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False), default="var/demo",
              show_default=True, help="Folder for the demo's SQLite database, models and runs.")
@click.option("--data", type=click.Path(), default=DEFAULT_DATA, show_default=True,
              help="The dataset to import.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Prepare everything, print the users, and exit.")
@handle_errors
def demo(folder: str, data: str, host: str, port: int, no_serve: bool) -> None:
    """Create a demo service on the sample: a SQLite database in DIR, the sample imported, a
    model trained (or the one there loaded), one regional assignment run, one user per role
    (names and passwords printed), then serve it on http://127.0.0.1:8000 with a worker.

    Running it again reuses the folder: the import is unchanged, the model and the run are
    kept, the demo users get new passwords.
    """
    home = Path(folder).absolute()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["SROI_MATCH_HOME"] = str(home)
    os.environ.setdefault("SROI_MATCH_MODELS", str(home / "models"))
    url = f"sqlite:///{home / 'sroi-match.sqlite3'}"
    db_setup(url)
    from django.core.management import call_command

    from matching.web import engine, runs, worker
    from matching.web.models import Run, User
    from matching.web.services import add_user
    from matching.web.store import import_export

    actor, role = cli_actor()
    call_command("migrate", interactive=False, verbosity=0)
    outcome = import_export(data, actor=actor, role=role, settings=engine.engine_settings())
    click.echo(f"Database {home / 'sroi-match.sqlite3'}: import {outcome.import_id} "
               f"{outcome.status}.", err=True)
    passwords: dict[str, str] = {}
    for name, user_role, organisations in DEMO_USERS:
        password = _password()
        user = User.objects.filter(username=name).first()
        if user is None:
            add_user(name, user_role, password, organisations, actor=actor, actor_role=role)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        passwords[name] = password
    registry = engine.registry()
    if registry.active() is None:
        click.echo("Training a model on the sample's placement history …", err=True)
        from matching.web.store import load_from_db
        from matching.workflows.train import train_and_register

        settings = engine.engine_settings()
        with registry.lock():
            trained = train_and_register(registry, load_from_db(settings).dataset, settings,
                                         promote=True, force=True)
        from matching.web import audit

        audit.record("train", actor=actor, role=role, subjects=[trained.version],
                     model_version=trained.version, detail={"promoted": trained.promoted})
    click.echo(f"Active model: {registry.active()}", err=True)
    if not Run.objects.filter(kind=Run.Kind.ASSIGN, status=Run.Status.DONE).exists():
        click.echo("Running one regional assignment …", err=True)
        coordinator = User.objects.get(username="coordinator")
        run = runs.start_run(coordinator, "assign", {})
        worker.work(once=True)
        run.refresh_from_db()
        click.echo(f"Run {run.pk}: {run.status} {run.error}".rstrip(), err=True)
    click.echo("Demo users (sign in at the address below):")
    for name, user_role, organisations in DEMO_USERS:
        orgs = f" ({', '.join(organisations)})" if organisations else ""
        click.echo(f"  {name:<15} {passwords[name]:<20} {user_role}{orgs}")
    click.echo(f"Address: http://{host}:{port}/")
    if no_serve:
        return
    from django.db import connections

    connections.close_all()
    env = {**os.environ, "SROI_MATCH_DATABASE_URL": url}
    background = subprocess.Popen([sys.executable, "-m", "matching.cli", "worker"], env=env)
    try:
        from waitress import serve as waitress_serve

        from matching.web.wsgi import application

        waitress_serve(application, host=host, port=port, threads=8, ident="sroi-match")
    finally:
        background.terminate()
        try:
            background.wait(timeout=30)
        except subprocess.TimeoutExpired:
            background.kill()

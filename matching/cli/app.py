"""The command group, the options every command shares, error handling and ``main``.

Exit codes: 0 success, 1 failure (solver or internal error), 2 bad input (invalid data, unknown
id, missing model history, bad option, a folder or registry in use).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager as contextlib_contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

from features.errors import FeaturesError
from matching.core.errors import SroiMatchError, ValidationError

log = logging.getLogger("matching")

DEFAULT_DATA = "data/sample"
DEFAULT_MODELS = "models"

# ----------------------------------------------------------------------------- plumbing


class State:
    """Options shared by every command (set on the group)."""

    def __init__(self, config: str | None, verbose: int, debug: bool) -> None:
        self.config = config
        self.verbose = verbose
        self.debug = debug
        self.db: str | None = None  # --db: read the dataset from the service's database

    def settings(self, **overrides: Any):
        from matching.core.config import load_settings

        return load_settings(self.config, environ=os.environ, **overrides)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _render_problems(problems, fmt: str) -> None:
    from matching.data.validation import render_problems

    text = render_problems(problems, fmt=fmt)
    click.echo(text)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Translate sroi-match errors into messages and exit codes; never a traceback for bad data."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        state: State = ctx.find_object(State) or State(None, 0, False)
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            fmt = kwargs.get("fmt") or "table"
            _render_problems(exc.problems, "json" if fmt == "json" else "table")
            errors = [p for p in exc.problems if getattr(p, "severity", "error") == "error"]
            if ctx.info_name == "import":
                click.echo(f"Invalid input: {len(errors)} problem(s); nothing was imported. "
                           "Fix them and import the export again.", err=True)
            else:
                click.echo(
                    f"Invalid input: {len(errors)} problem(s). Fix them, or rerun with "
                    "--skip-invalid to continue on the valid rows (rejects are written to a "
                    "file).",
                    err=True,
                )
            ctx.exit(2)
        except SroiMatchError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except FeaturesError as exc:  # bad input found by the feature library: exit 2
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # an internal bug: short message, traceback only with --debug
            if state.debug:
                raise
            click.echo(
                f"Internal error ({type(exc).__name__}: {exc}). This is a bug in sroi-match; "
                "rerun with --debug for the traceback and report it.",
                err=True,
            )
            ctx.exit(1)

    return wrapper


def _remember_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(State).db = value or os.environ.get("SROI_MATCH_DATABASE_URL", "")


def db_setup(url: str | None) -> str:
    """Configure the service's database for this process (Django); returns the URL used."""
    from matching.web import setup

    return setup(url or None)


def cli_actor() -> tuple[str, str]:
    """Who acts when the command line works on the database: the operating-system user,
    with the role ``operator`` (database access is the administrator's trust)."""
    import getpass

    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}", "operator"


def data_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of every command that reads a dataset."""
    func = click.option(
        "--db", is_flag=False, flag_value="", default=None, expose_value=False,
        callback=_remember_db, metavar="[URL]",
        help="Read the dataset from the service's database instead of --data: its URL, or "
             "without a value SROI_MATCH_DATABASE_URL or the default SQLite file.",
    )(func)
    func = click.option(
        "--rejects",
        type=click.Path(file_okay=False),
        default=None,
        help="Folder for rejected rows with --skip-invalid (default: <data>/../rejects or --out).",
    )(func)
    func = click.option(
        "--skip-invalid",
        is_flag=True,
        help="Continue on the valid rows; write every rejected row with its reasons.",
    )(func)
    func = click.option(
        "--valuation",
        type=click.Path(dir_okay=False),
        default=None,
        help="Replace the default SROI valuation table (CSV or XLSX).",
    )(func)
    func = click.option(
        "--data",
        type=click.Path(),
        default=DEFAULT_DATA,
        show_default=True,
        help="Dataset folder (one file per table) or one .xlsx workbook.",
    )(func)
    return func


def load_data(data: str, valuation: str | None, skip_invalid: bool, rejects: str | None,
              default_rejects: str | None = None, shown_rejects: str | None = None, *,
              settings):
    """Load and validate a dataset with the command's ``settings`` (``--config``, environment).

    Reports skipped rows; raises ValidationError when invalid. ``shown_rejects`` is the folder
    named to the user when ``default_rejects`` is a staging folder that will be moved there.
    """
    from matching.data.loading import load_dataset

    t0 = time.perf_counter()
    state = click.get_current_context().find_object(State)
    if state is not None and state.db is not None:
        db_setup(state.db)
        from matching.web import audit
        from matching.web.store import load_from_db

        result = load_from_db(settings)
        actor, role = cli_actor()
        audit.record("read_dataset", actor=actor, role=role, subjects=["dataset"],
                     detail={"command": click.get_current_context().info_name,
                             "candidates": len(result.dataset.candidates)})
        for warning in result.warnings:
            click.echo(f"Warning: {warning}", err=True)
        return result
    rejects_dir = rejects or default_rejects or str(Path(data).resolve().parent / "rejects")
    shown = rejects or shown_rejects or rejects_dir
    result = load_dataset(
        data, valuation=valuation, skip_invalid=skip_invalid,
        rejects_dir=rejects_dir if skip_invalid else None, settings=settings,
    )
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if skip_invalid and len(result.rejected):
        click.echo(
            f"Skipped {len(result.rejected)} invalid row(s); rejected rows with reasons "
            f"written to {shown}.",
            err=True,
        )
    ds = result.dataset
    log.info(
        "loaded %d candidates, %d projects, %d vacancies, %d placements in %.2fs",
        len(ds.candidates), len(ds.projects), len(ds.vacancies), len(ds.placements),
        time.perf_counter() - t0,
    )
    return result


# ----------------------------------------------------------------------------- group


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="sroi-match")
@click.option("--config", type=click.Path(dir_okay=False), default=None,
              help="TOML settings file (see docs/configuration.md). Environment variables "
                   "SROI_MATCH_<SETTING> override it.")
@click.option("-v", "--verbose", count=True, help="Log counts and timings (-vv for debug).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, config: str | None, verbose: int, debug: bool) -> None:
    """sroi-match: explained shortlists, durable-placement scoring and optimal regional
    assignment for Social Return (SROI) obligations.

    The tool proposes and explains; a person decides.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    ctx.obj = State(config, verbose, debug)


def _models_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--models", "models_dir", type=click.Path(file_okay=False),
                        default=DEFAULT_MODELS, show_default=True,
                        help="Model registry folder.")(func)


def _lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
                        help="Language of explanations and reports (default nl, or the "
                             "lang setting).")(func)


@contextlib_contextmanager
def _spinner(label: str):
    """A progress spinner on stderr for one long step (silent when not a terminal)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(f"[bold]{label}[/bold] …"):
        yield


def _parse_date(value: str, option: str) -> str:
    """An ISO (2026-03-01) or Dutch (01-03-2026) date as ISO text; exit 2 otherwise."""
    import pandas as pd

    for dayfirst in (False, True):
        try:
            fmt = "%d-%m-%Y" if dayfirst else "%Y-%m-%d"
            return pd.to_datetime(value.strip(), format=fmt).date().isoformat()
        except (ValueError, TypeError):
            continue
    raise click.BadParameter(f"{value!r} is not a date (use 2026-03-01 or 01-03-2026)",
                             param_hint=option)


def _term_cache(models_dir: str) -> str:
    """Term-resolution cache beside the model registry (free-text terms only)."""
    return str(Path(models_dir) / ".cache" / "terms.json")


def _notify(message: str) -> None:
    click.echo(message, err=True)


def _registry(models_dir: str):
    """The registry, after removing what a killed training left behind (and saying so)."""
    from matching.model.registry import Registry

    registry = Registry(models_dir)
    registry.recover(notify=_notify)
    return registry


def _model_for(dataset, settings, models_dir: str):
    from matching.workflows.train import ensure_model

    model = ensure_model(dataset, settings, _registry(models_dir))
    if model.freshly_trained:
        click.echo(f"No active model in {models_dir}: trained, registered and activated "
                   f"model {model.version} from the dataset's placement history.", err=True)
    return model


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    try:
        rv = cli.main(args=argv, prog_name="sroi-match", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 1
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


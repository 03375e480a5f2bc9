"""The ``sroi-match`` command line: parse → settings → service call → render → exit code.

Exit codes: 0 success, 1 failure (solver or internal error), 2 bad input (invalid data, unknown
id, missing model history, bad option). Library modules do the work; this module only wires
options to them, renders results and configures logging (the only place that does).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager as contextlib_contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

import click

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
            click.echo(
                f"Invalid input: {len(errors)} problem(s). Fix them, or rerun with "
                "--skip-invalid to continue on the valid rows (rejects are written to a file).",
                err=True,
            )
            ctx.exit(2)
        except SroiMatchError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
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


def data_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of every command that reads a dataset."""
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
              default_rejects: str | None = None, shown_rejects: str | None = None):
    """Load and validate a dataset; report skipped rows. Raises ValidationError when invalid.

    ``shown_rejects`` is the folder named to the user when ``default_rejects`` is a staging
    folder that will be moved there.
    """
    from matching.data.loading import load_dataset

    t0 = time.perf_counter()
    rejects_dir = rejects or default_rejects or str(Path(data).resolve().parent / "rejects")
    shown = rejects or shown_rejects or rejects_dir
    result = load_dataset(
        data, valuation=valuation, skip_invalid=skip_invalid,
        rejects_dir=rejects_dir if skip_invalid else None,
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


# ----------------------------------------------------------------------------- validate


@cli.command()
@data_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="How to print the problems.")
@handle_errors
def validate(data: str, valuation: str | None, skip_invalid: bool, rejects: str | None,
             fmt: str) -> None:
    """Check a dataset against the data contract and print every problem at once.

    Also reports the placement history's reference date (which as_of training will use and
    why, how many placements are censored, how many end dates lie after it) and warnings
    that do not block: unresolved skill and occupation terms, target groups the valuation
    does not value, placements that start after the extraction date, placements of
    candidates missing from the candidates table (left out of the history), an empty
    placement history, unusual dates. Empty tables, implausible dates and over-long text are
    errors (limits in docs/data-contract.md).

    Exits 0 when the data is clean (warnings or not), 2 when it is not.
    """
    from matching.data.loading import load_dataset
    from matching.data.validation import dataset_warnings, render_warnings, summarise_warnings
    from matching.model.labels import history_summary, resolve_as_of

    settings = click.get_current_context().find_object(State).settings()
    result = load_dataset(data, valuation=valuation, skip_invalid=skip_invalid, settings=settings,
                          rejects_dir=(rejects or str(Path(data).resolve().parent / "rejects"))
                          if skip_invalid else None)
    ds = result.dataset
    warnings = summarise_warnings(result.problems) + dataset_warnings(ds, settings)
    as_of = resolve_as_of(ds.placements, ds.extraction_date)
    history = history_summary(ds.placements, as_of, settings.horizon_months)
    if fmt == "json":
        click.echo(json.dumps({
            "valid": True,
            "counts": {name: len(ds.table(name)) for name in
                       ("candidates", "projects", "vacancies", "placements", "valuation")},
            "rejected": len(result.rejected),
            "extraction_date": ds.extraction_date,
            "history": {**history, "explanation": as_of.describe("en")},
            "warnings": [w.to_dict() for w in warnings],
        }, indent=2, default=str))
        return
    click.echo(
        f"OK: {len(ds.candidates)} candidates, {len(ds.projects)} projects, "
        f"{len(ds.vacancies)} vacancies, {len(ds.placements)} placements, "
        f"{len(ds.valuation)} valuation rows"
        + (f"; {len(result.rejected)} invalid row(s) skipped" if len(result.rejected) else "")
        + "."
    )
    declared = ds.extraction_date or "not declared (manifest.json, see docs/data-contract.md)"
    click.echo(f"Extraction date: {declared}.")
    click.echo(f"Reference date (as_of) for the placement history: {as_of.describe('en')}.")
    if history.get("total"):
        click.echo(
            f"Placement history: {history['labelled']} of {history['total']} placements have a "
            f"known outcome after {history['horizon_months']} months; {history['censored']} are "
            f"censored (horizon not reached by as_of); {history['future_end_dates']} end "
            "date(s) lie after as_of (planned ends: still employed on as_of).")
    if warnings:
        click.echo(f"\nWarnings ({len(warnings)}; they do not block):")
        click.echo(render_warnings(warnings, "table"))


# ----------------------------------------------------------------------------- sample


@cli.command()
@click.option("--out", type=click.Path(file_okay=False), required=True, help="Output folder.")
@click.option("--candidates", "n_candidates", type=click.IntRange(1), default=3000,
              show_default=True, help="Available candidates.")
@click.option("--vacancies", "n_vacancies", type=click.IntRange(1), default=400,
              show_default=True, help="Open vacancies.")
@click.option("--projects", "n_projects", type=click.IntRange(1), default=None,
              help="Projects (default: about one per five open vacancies).")
@click.option("--placements", "n_placements", type=click.IntRange(0), default=None,
              help="Historic placements (default: 2 per available candidate).")
@click.option("--seed", type=int, default=42, show_default=True)
@handle_errors
def sample(out: str, n_candidates: int, n_vacancies: int, n_projects: int | None,
           n_placements: int | None, seed: int) -> None:
    """Write a realistic synthetic Northern-NL dataset with a documented ground truth."""
    from matching.synthetic.sample import generate, write_sample

    t0 = time.perf_counter()
    kwargs: dict[str, Any] = {"seed": seed}
    if n_projects is not None:
        kwargs["n_projects"] = n_projects
    else:
        kwargs["n_projects"] = max(1, round(n_vacancies / 5))
    kwargs["n_placements"] = n_placements if n_placements is not None else 2 * n_candidates
    result = generate(n_candidates, n_vacancies, **kwargs)
    from matching.core.folders import StagedFolder

    with StagedFolder(Path(out), marker="manifest.json", notify=_notify) as staged:
        write_sample(result, staged.path)  # whole or absent, like every output folder
        staged.publish()
    ds = result.dataset
    click.echo(
        f"Wrote {len(ds.candidates)} candidates, {len(ds.projects)} projects, "
        f"{len(ds.vacancies)} vacancies, {len(ds.placements)} placements to {out} "
        f"(seed {seed}, {time.perf_counter() - t0:.1f}s)."
    )


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


# ----------------------------------------------------------------------------- train


@cli.command()
@data_options
@_models_option
@_lang_option
@click.option("--horizon-months", type=click.IntRange(1, 60), default=None,
              help="Durable = still employed this many months after start (default 6).")
@click.option("--as-of", default=None,
              help="Judge outcomes on this date (default: the dataset's declared extraction "
                   "date, else the latest start date in placements; never after today).")
@click.option("--promote", is_flag=True,
              help="Make the new model active (it is made active anyway when none is, "
                   "unless it fails the sanity checks).")
@click.option("--force", is_flag=True,
              help="Promote even when the model fails the sanity checks (saturation, "
                   "base rate, feature drift).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
@handle_errors
def train(state: State, data: str, valuation: str | None, skip_invalid: bool,
          rejects: str | None, models_dir: str, lang: str | None, horizon_months: int | None,
          as_of: str | None, promote: bool, force: bool, fmt: str) -> None:
    """Retrain the durable-placement model on the placement history and register it.

    Reports quality (ROC AUC, average precision, Brier, calibration error, shortlist
    precision/NDCG), the logistic baseline, the oracle on generated data, and a fairness audit;
    compares with the active model on the newest placements neither was trained on. A model
    that fails the sanity checks is registered but not made active unless --force is given.
    """
    from matching.model.registry import Registry

    settings = state.settings(horizon_months=horizon_months, lang=lang,
                              term_cache=_term_cache(models_dir))
    if as_of is not None:
        as_of = _parse_date(as_of, "--as-of")
    registry = Registry(models_dir)
    with registry.lock(notify=_notify):  # one training per registry; a second one exits 2
        payload, refused = _train_locked(registry, settings, data, valuation, skip_invalid,
                                         rejects, as_of, promote, force)
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2, default=str))
    else:
        from matching.cli.render import render_training

        render_training(payload, settings.lang)
    if refused:
        raise click.exceptions.Exit(1)


def _train_locked(registry, settings, data: str, valuation: str | None, skip_invalid: bool,
                  rejects: str | None, as_of: str | None, promote: bool,
                  force: bool) -> tuple[dict[str, Any], bool]:
    """Load, then train and register under the registry lock; (payload, promotion refused)."""
    from matching.synthetic.sample import load_truth
    from matching.workflows.train import train_and_register

    dataset = load_data(data, valuation, skip_invalid, rejects).dataset
    truth = load_truth(data) if Path(data).is_dir() else None
    outcome = train_and_register(registry, dataset, settings, as_of=as_of, truth=truth,
                                 promote=promote, force=force, progress=_spinner)
    return outcome.payload, outcome.refused


# ----------------------------------------------------------------------------- models


@cli.group()
def models() -> None:
    """List, inspect, promote and roll back model versions."""


@models.command("list")
@_models_option
@handle_errors
def models_list(models_dir: str) -> None:
    """List model versions (the active one marked with *)."""
    from matching.cli.render import render_model_list

    render_model_list(_registry(models_dir))


@models.command("show")
@click.argument("version", required=False)
@_models_option
@handle_errors
def models_show(version: str | None, models_dir: str) -> None:
    """Show a version's metadata (default: the active one)."""
    registry = _registry(models_dir)
    version = version or registry.active()
    if version is None:
        raise SroiMatchError("no active model; train one with `sroi-match train`")
    click.echo(json.dumps(registry.show(version), indent=2, default=str))


@models.command("promote")
@click.argument("version")
@_models_option
@handle_errors
def models_promote(version: str, models_dir: str) -> None:
    """Make VERSION the active model."""
    registry = _registry(models_dir)
    registry.load(version)  # refuse a tampered or incompatible artifact before activating it
    registry.promote(version)
    click.echo(f"Active model: {version}")


@models.command("rollback")
@_models_option
@handle_errors
def models_rollback(models_dir: str) -> None:
    """Make the previously active model active again."""
    version = _registry(models_dir).rollback()
    click.echo(f"Rolled back; active model: {version}")


# ----------------------------------------------------------------------------- shortlist


@cli.command()
@data_options
@_models_option
@_lang_option
@click.option("--vacancy", "vacancy_id", default=None, help="Shortlist candidates for this vacancy.")
@click.option("--candidate", "candidate_id", default=None,
              help="Shortlist vacancies for this candidate.")
@click.option("--top", type=click.IntRange(1, 500), default=10, show_default=True)
@click.option("--rank-by", type=click.Choice(["probability", "value"]), default="probability",
              show_default=True,
              help="probability: calibrated chance of a durable placement; value: expected SROI "
                   "value for the vacancy's project (probability x placement value).")
@click.option("--near-misses", "n_near", type=click.IntRange(0, 100), default=5,
              show_default=True, help="Best candidates excluded by exactly one hard constraint.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write csv/json/xlsx here (json and csv print to stdout without --out).")
@click.pass_obj
@handle_errors
def shortlist(state: State, data: str, valuation: str | None, skip_invalid: bool,
              rejects: str | None, models_dir: str, lang: str | None, vacancy_id: str | None,
              candidate_id: str | None, top: int, rank_by: str, n_near: int, fmt: str,
              out: str | None) -> None:
    """Ranked, explained shortlist: candidates for a vacancy, or vacancies for a candidate.

    The whole region is searched; a candidate's municipality is never a filter.
    """
    from matching.cli.render import write_shortlist
    from matching.workflows.shortlist import Matcher

    if (vacancy_id is None) == (candidate_id is None):
        raise click.UsageError("give exactly one of --vacancy ID or --candidate ID")
    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx needs --out FILE")
    settings = state.settings(lang=lang, term_cache=_term_cache(models_dir))
    dataset = load_data(data, valuation, skip_invalid, rejects).dataset
    model = _model_for(dataset, settings, models_dir)
    matcher = Matcher(dataset, model, settings)
    if vacancy_id is not None:
        result = matcher.for_vacancy(vacancy_id, top=top, rank_by=rank_by, lang=settings.lang,
                                     n_near_misses=n_near)
    else:
        result = matcher.for_candidate(candidate_id, top=top, rank_by=rank_by,
                                       lang=settings.lang, n_near_misses=n_near)
    write_shortlist(result, fmt, out)


# ----------------------------------------------------------------------------- assign


def _parse_shares(values: tuple[str, ...]) -> dict[str, float]:
    shares: dict[str, float] = {}
    for value in values:
        group, sep, share = value.partition("=")
        try:
            number = float(share)
        except ValueError:
            number = -1.0
        if not sep or not group.strip() or not 0.0 <= number <= 1.0:
            raise click.BadParameter(f"{value!r}: use GROUP=SHARE with SHARE in 0-1, "
                                     "e.g. doelgroepregister=0.3", param_hint="--min-share")
        shares[group.strip().lower()] = number
    return shares


@cli.command()
@data_options
@_models_option
@_lang_option
@click.option("--out", type=click.Path(file_okay=False), required=True, help="Output folder.")
@click.option("--objective", type=click.Choice(["durable", "durable+sroi"]), default="durable",
              show_default=True,
              help="durable: maximise expected durable placements (exact min-cost flow); "
                   "durable+sroi: also reward covering each project's outstanding obligation "
                   "(CP-SAT, time-limited).")
@click.option("--min-score", type=click.FloatRange(0, 1, max_open=True), default=None,
              help="Never assign pairs below this probability (default 0.25).")
@click.option("--locked", type=click.Path(dir_okay=False), default=None,
              help="CSV/XLSX of agreed pairs (candidate_id, vacancy_id); they use capacity.")
@click.option("--forbidden", type=click.Path(dir_okay=False), default=None,
              help="CSV/XLSX of pairs that must never be assigned.")
@click.option("--max-per-employer", type=click.IntRange(1), default=None,
              help="durable+sroi: at most N placements per employer.")
@click.option("--min-share", multiple=True, metavar="GROUP=SHARE",
              help="durable+sroi: minimum share of the assigned for a target group (repeatable).")
@click.option("--time-limit", type=click.FloatRange(1), default=60.0, show_default=True,
              help="durable+sroi: solver time limit in seconds.")
@click.option("--dry-run", is_flag=True, help="Validate and report sizes without solving.")
@click.option("--no-report", is_flag=True, help="Skip report.html and its charts.")
@click.pass_obj
@handle_errors
def assign(state: State, data: str, valuation: str | None, skip_invalid: bool,
           rejects: str | None, models_dir: str, lang: str | None, out: str, objective: str,
           min_score: float | None, locked: str | None, forbidden: str | None,
           max_per_employer: int | None, min_share: tuple[str, ...], time_limit: float,
           dry_run: bool, no_report: bool) -> None:
    """Assign the region's available candidates to all open vacancies, optimally.

    Maximises the expected number of durable placements across all projects, whatever
    municipality a candidate lives in; compares with greedy, local-only and sequential
    practice; writes assignments, audit pairs, coverage per project and a report to OUT.
    """
    from matching.cli.render import render_dry_run
    from matching.core.folders import StagedFolder

    settings = state.settings(lang=lang, min_score=min_score,
                              term_cache=_term_cache(models_dir))
    shares = _parse_shares(min_share)
    options = AssignArgs(data, valuation, skip_invalid, rejects, models_dir, objective,
                         min_score, locked, forbidden, max_per_employer, shares, time_limit,
                         no_report)
    if dry_run:  # writes nothing, so it needs no lock
        dataset, locked_pairs, forbidden_pairs = _assign_inputs(options, None, out)
        from matching.workflows.assign import dry_run

        render_dry_run(dry_run(dataset, settings, locked_pairs, forbidden_pairs))
        return
    # Written into a staging folder beside OUT and moved into place whole, under OUT's lock:
    # after a kill OUT holds the previous complete run or the new one (docs/safe-outputs.md).
    with StagedFolder(Path(out), marker="summary.json", notify=_notify) as staged:
        summary = _assign_into(settings, options, staged.path, out)
        staged.publish()
    from matching.cli.render import render_assign_summary

    render_assign_summary(summary, out, settings.lang)


@dataclass(frozen=True)
class AssignArgs:
    """The options of one ``assign`` call."""

    data: str
    valuation: str | None
    skip_invalid: bool
    rejects: str | None
    models_dir: str
    objective: str
    min_score: float | None
    locked: str | None
    forbidden: str | None
    max_per_employer: int | None
    shares: dict[str, float]
    time_limit: float
    no_report: bool


def _assign_inputs(args: AssignArgs, staging: Path | None, out: str):
    from matching.workflows.assign import check_locks, read_pair_file

    default_rejects = str((staging or Path(out)) / "rejects")
    rejects, shown = args.rejects, str(Path(out) / "rejects")
    if rejects and staging is not None:  # a --rejects inside OUT goes into the staged run
        inside = Path(rejects).absolute()
        if inside.is_relative_to(Path(out).absolute()):
            default_rejects = str(staging / inside.relative_to(Path(out).absolute()))
            rejects, shown = None, args.rejects
    result = load_data(args.data, args.valuation, args.skip_invalid, rejects,
                       default_rejects=default_rejects, shown_rejects=shown)
    dataset = result.dataset
    locked_pairs = read_pair_file(args.locked, "locked", dataset) if args.locked else None
    forbidden_pairs = (read_pair_file(args.forbidden, "forbidden", dataset)
                       if args.forbidden else None)
    check_locks(dataset, locked_pairs, forbidden_pairs)
    return dataset, locked_pairs, forbidden_pairs


def _assign_into(settings, args: AssignArgs, staging: Path, out: str):
    """Run the assignment and write its outputs into ``staging``; returns the summary."""
    from matching.reports.assign_outputs import write_outputs
    from matching.workflows.assign import AssignOptions, run_assignment

    dataset, locked_pairs, forbidden_pairs = _assign_inputs(args, staging, out)
    model = _model_for(dataset, settings, args.models_dir)
    options = AssignOptions(objective=args.objective, min_score=args.min_score,
                            max_per_employer=args.max_per_employer,
                            min_share=args.shares or None, time_limit_s=args.time_limit,
                            lang=settings.lang)
    run = run_assignment(dataset, model, settings, options=options, locked=locked_pairs,
                         forbidden=forbidden_pairs, progress=_spinner)
    with _spinner("writing outputs"):
        write_outputs(run, staging, lang=settings.lang, report=not args.no_report)
    return run.summary


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

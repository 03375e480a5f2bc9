"""``sroi-match shortlist`` and ``sroi-match assign``: the account manager's and coordinator's commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from matching.cli.app import (
    State,
    _lang_option,
    _model_for,
    _models_option,
    _notify,
    _spinner,
    _term_cache,
    cli,
    data_options,
    handle_errors,
    load_data,
)

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
    dataset = load_data(data, valuation, skip_invalid, rejects, settings=settings).dataset
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
        dataset, locked_pairs, forbidden_pairs = _assign_inputs(settings, options, None, out)
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


def _assign_inputs(settings, args: AssignArgs, staging: Path | None, out: str):
    from matching.workflows.assign import check_locks, read_pair_file

    default_rejects = str((staging or Path(out)) / "rejects")
    rejects, shown = args.rejects, str(Path(out) / "rejects")
    if rejects and staging is not None:  # a --rejects inside OUT goes into the staged run
        inside = Path(rejects).absolute()
        if inside.is_relative_to(Path(out).absolute()):
            default_rejects = str(staging / inside.relative_to(Path(out).absolute()))
            rejects, shown = None, args.rejects
    result = load_data(args.data, args.valuation, args.skip_invalid, rejects,
                       default_rejects=default_rejects, shown_rejects=shown, settings=settings)
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

    dataset, locked_pairs, forbidden_pairs = _assign_inputs(settings, args, staging, out)
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



"""``sroi-match plan-training``: the coordinator's training plan from the tender calendar."""

from __future__ import annotations

import json
from pathlib import Path

import click

from matching.cli.app import (
    State,
    _lang_option,
    _model_for,
    _models_option,
    _notify,
    _parse_date,
    _spinner,
    _term_cache,
    cli,
    data_options,
    handle_errors,
    load_data,
)


@cli.command("plan-training")
@data_options
@_models_option
@_lang_option
@click.option("--budget", "budget", type=click.FloatRange(0), required=True, metavar="EUR",
              help="Training budget in euros.")
@click.option("--horizon-months", type=click.IntRange(1, 60), default=12, show_default=True,
              help="Plan for vacancies that start within this many months.")
@click.option("--as-of", default=None, metavar="DATE",
              help="Planning date (default: the dataset's extraction date, else today).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Output folder for the plan (Excel, CSV, report.html, summary.json).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="json: print the summary (with the baselines) as JSON.")
@click.option("--time-limit", type=click.FloatRange(1), default=120.0, show_default=True,
              help="Solver time limit in seconds (the plan says whether it is proven optimal).")
@click.option("--no-report", is_flag=True, help="Skip report.html and its charts.")
@click.pass_obj
@handle_errors
def plan_training(state: State, data: str, valuation: str | None, skip_invalid: bool,
                  rejects: str | None, models_dir: str, lang: str | None, budget: float,
                  horizon_months: int, as_of: str | None, out: str | None, fmt: str,
                  time_limit: float, no_report: bool) -> None:
    """Which courses for whom: enrolments within a budget that unlock the most durable placements.

    Demand comes from the open vacancies and the regional tender calendar (table tenders);
    the offer from the courses table. A trained person counts only for vacancies that start
    after the course ends; people from anywhere in the region may be trained. The plan is
    solved exactly and compared with two rules of thumb (most requested certificate, nearest
    people first; near misses first).
    """
    from matching.workflows.plan_training import PlanOptions
    from matching.workflows.plan_training import plan_training as run_plan

    if out is None and fmt != "json":
        raise click.UsageError("give --out FOLDER for the plan's files, or --format json")
    settings = state.settings(lang=lang, term_cache=_term_cache(models_dir))
    day = _parse_date(as_of, "--as-of") if as_of else None
    result = load_data(data, valuation, skip_invalid, rejects, settings=settings)
    dataset = result.dataset
    model = _model_for(dataset, settings, models_dir)
    options = PlanOptions(budget_eur=float(budget), horizon_months=horizon_months, as_of=day,
                          time_limit_s=time_limit)
    run = run_plan(dataset, model, settings, options=options, progress=_spinner)
    if out is not None:
        from matching.core.folders import StagedFolder
        from matching.reports.training_outputs import write_training_outputs

        with StagedFolder(Path(out), marker="summary.json", notify=_notify) as staged:
            with _spinner("writing outputs"):
                write_training_outputs(run, staged.path, lang=settings.lang,
                                       report=not no_report)
            staged.publish()
    if fmt == "json":
        click.echo(json.dumps(run.summary, indent=2, sort_keys=True, default=str))
        return
    _render(run.summary, out, settings.lang)


def _render(summary: dict, out: str | None, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from matching.texts.format import eur, number

    console = Console()
    table = Table(title="Training plan" if lang == "en" else "Opleidingsplan")
    for col in ("method", "enrolments", "spent", "extra durable", "per EUR 1,000"):
        table.add_column(col, justify="left" if col == "method" else "right")
    rows = [("optimal", summary), *summary["baselines"].items()]
    for name, fig in rows:
        per = fig["gain_per_1000_eur"]
        table.add_row(name, str(fig["enrolments"]), eur(fig["spent_eur"], lang),
                      number(fig["expected_durable_gain"], lang, 2),
                      "-" if per is None else number(per, lang, 3))
    console.print(table)
    ratio = summary.get("gain_per_euro_vs_best_baseline")
    solver = summary["solver"]
    console.print(f"{summary['as_of']} .. {summary['horizon_end']}: solver {solver['status']} "
                  f"(gap {solver['gap']:.2g}) in {solver['solve_s']:.1f}s"
                  + (f"; {ratio:.2f}x the better baseline per euro" if ratio else ""))
    if out:
        console.print(f"Plan written to {out}")

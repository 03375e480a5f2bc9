"""``sroi-match validate`` and ``sroi-match sample``: the data commands."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from matching.cli.app import (
    State,
    _notify,
    cli,
    data_options,
    handle_errors,
)

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



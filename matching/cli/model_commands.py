"""``sroi-match train`` and ``sroi-match models …``: the analyst's commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from matching.cli.app import (
    State,
    _lang_option,
    _models_option,
    _notify,
    _parse_date,
    _registry,
    _spinner,
    _term_cache,
    cli,
    data_options,
    handle_errors,
    load_data,
)
from matching.core.errors import SroiMatchError

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

    state = click.get_current_context().find_object(State)
    from_db = state is not None and state.db is not None
    dataset = load_data(data, valuation, skip_invalid, rejects, settings=settings).dataset
    # a generated folder's ground truth belongs to that folder, never to the database's data
    truth = load_truth(data) if not from_db and Path(data).is_dir() else None
    outcome = train_and_register(registry, dataset, settings, as_of=as_of, truth=truth,
                                 promote=promote, force=force, progress=_spinner)
    if from_db:
        from matching.cli.app import cli_actor
        from matching.web import audit

        actor, role = cli_actor()
        audit.record("train", actor=actor, role=role, subjects=[outcome.version],
                     model_version=outcome.version,
                     detail={"promoted": outcome.promoted, "refused": outcome.refused,
                             "placements": len(dataset.placements)})
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



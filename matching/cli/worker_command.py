"""``sroi-match worker``: execute the service's queued runs (assignments, trainings)."""

from __future__ import annotations

import click

from matching.cli.app import cli, handle_errors
from matching.cli.db_commands import db_option


@cli.command()
@click.option("--once", is_flag=True,
              help="Execute at most one queued run, then exit (none waiting: exit at once).")
@click.option("--poll", "poll_s", type=click.FloatRange(0.05, 3600), default=1.0,
              show_default=True, metavar="SECONDS", help="How often to look for queued runs.")
@click.option("--id", "worker_id", default=None, metavar="NAME",
              help="This worker's name in the runs it executes (default HOST:PID).")
@click.option("--nice", type=click.IntRange(0, 19), default=10, show_default=True,
              help="Lower the worker's CPU priority by this much, so that the web server "
                   "beside it keeps answering while a regional run computes.")
@db_option
@handle_errors
def worker(once: bool, poll_s: float, worker_id: str | None, nice: int) -> None:
    """Execute queued runs, one at a time, until stopped (SIGTERM or Ctrl-C).

    On start, runs whose worker stopped sending heartbeats are marked failed. A run in
    progress when the worker is stopped is marked failed ("worker stopped") unless it
    finishes first. Several workers may share one database.
    """
    import logging
    import os

    from matching.web import runs

    if nice and hasattr(os, "nice"):
        os.nice(nice)
    from matching.web.worker import default_worker_id, work

    service_log = logging.getLogger("matching.web")  # each run's start and end (ids only)
    if service_log.getEffectiveLevel() > logging.INFO:
        service_log.setLevel(logging.INFO)
    worker_id = worker_id or default_worker_id()
    stale = runs.mark_stale_runs()
    if stale:
        click.echo(f"Marked {stale} run(s) failed: their worker stopped.", err=True)
    click.echo(f"Worker {worker_id} waiting for runs (poll every {poll_s:g} s).", err=True)
    executed = work(once=once, worker_id=worker_id, poll_s=poll_s, handle_signals=True)
    click.echo(f"Worker {worker_id} stopped after {executed} run(s).", err=True)

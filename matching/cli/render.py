"""Terminal and file rendering of CLI results (rich tables; CSV, JSON and XLSX files).

Only the CLI calls this module; results arrive as the typed results of the use cases
(:mod:`matching.workflows.assign_summary`, :mod:`matching.workflows.shortlist_result`), read
by attribute. Files
(and CSV on stdout) are written by :mod:`matching.core.tables`: atomically, and with no cell a
spreadsheet would evaluate as a formula.
"""

from __future__ import annotations

import math
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from matching.reports.shortlist_files import shortlist_text, write_shortlist_file
from matching.texts import format as fmt
from matching.texts.i18n import text
from matching.texts.phrases import reasons_text
from matching.workflows.assign_summary import AssignSummary
from matching.workflows.shortlist import near_miss_detail, row_display
from matching.workflows.shortlist_result import ShortlistResult, ShortlistRow

__all__ = ["near_miss_detail", "render_assign_summary", "render_dry_run",
           "render_model_list", "render_training", "write_shortlist"]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=max(120, Console().width))


def _num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float):  # metric tables are English: decimal point, as in the model card (en)
        return fmt.number(value, "en", digits)
    return str(value)


# ----------------------------------------------------------------------------- training
def _metrics_table(metrics: dict[str, Any], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    scorers = [s for s in ("model", "baseline", "oracle") if s in metrics]
    for scorer in scorers:
        table.add_column(scorer, justify="right")
    names = ["roc_auc", "average_precision", "brier", "ece", "ece_floor", "precision_at_k",
             "ndcg_at_k", "base_rate", "mean_score", "n"]
    for name in names:
        if any(name in metrics[s] for s in scorers):
            table.add_row(name, *(_num(metrics[s].get(name)) for s in scorers))
    return table


def render_training(payload: dict[str, Any], lang: str) -> None:
    console = _console()
    console.print(_metrics_table(payload["metrics"],
                                 f"Model {payload['version']} — held-out latest period"))
    if payload.get("metrics_cv"):
        console.print(_metrics_table(payload["metrics_cv"],
                                     "Rolling-origin evaluation (pooled out-of-period predictions)"))
    counts = payload["counts"]
    console.print("counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    history = payload.get("history") or {}
    if history:
        from matching.model.labels import AsOf

        as_of = AsOf(None if history.get("as_of") is None else pd.Timestamp(history["as_of"]),
                     history.get("reason", ""))
        console.print(
            f"{text('as_of_line', lang)}: {as_of.describe(lang)}; "
            + text("history_line", lang, **{k: history.get(k, 0) for k in (
                "labelled", "censored", "future_end_dates", "starts_after_as_of")}))
    sanity = payload.get("sanity") or {}
    for warning in sanity.get("warnings", []):
        message = warning.get(f"message_{lang}", warning.get("message_en", ""))
        console.print(f"[red]{text('sanity_warning', lang)}:[/red] {message}")
    comparison = payload.get("comparison_with_active")
    if comparison and "metrics" in comparison:
        cmp = Table(title=f"New vs active model {comparison['active_version']} (same test split)",
                    title_justify="left")
        for col in ("metric", "active", "new", "difference"):
            cmp.add_column(col, justify="right" if col != "metric" else "left")
        for name, row in comparison["metrics"].items():
            cmp.add_row(name, _num(row["active"]), _num(row["new"]), _num(row["difference"]))
        console.print(cmp)
    elif comparison:
        console.print(comparison.get("note", ""))
    for warning in payload.get("fairness_warnings", []):
        console.print(f"[yellow]fairness warning:[/yellow] {warning}")
    state = "active" if payload["promoted"] else f"not active (active: {payload['active']}; " \
        f"use --promote or `sroi-match models promote {payload['version']}`)"
    console.print(f"Registered model {payload['version']}: {state}. Report: {payload['report']}")
    if payload.get("promotion_refused"):
        console.print(f"[red]{text('promotion_refused', lang)}[/red]")


def render_model_list(registry: Any) -> None:
    rows = registry.list()
    if not rows:
        click.echo(f"No models in {registry.path}. Train one with `sroi-match train`.")
        return
    table = Table(title=f"Models in {registry.path}", title_justify="left")
    for col in ("", "version", "created_at", "n_train", "n_test", "roc_auc", "ece", "brier"):
        table.add_column(col)
    for row in rows:
        table.add_row("*" if row["active"] else "", row["version"], str(row["created_at"]),
                      _num(row["n_train"]), _num(row["n_test"]), _num(row["roc_auc"]),
                      _num(row["ece"]), _num(row["brier"]))
    _console().print(table)


# ----------------------------------------------------------------------------- shortlist
def _display(row: ShortlistRow, lang: str) -> dict[str, str]:
    return row.display or row_display(row.to_dict(), lang)


def _ident(result: ShortlistResult, row: ShortlistRow) -> str:
    """The other side of the pair: the candidate for a vacancy's shortlist, else the vacancy."""
    return str(row.candidate_id if result.mode == "vacancy" else row.vacancy_id)


def _place(result: ShortlistResult, row: ShortlistRow) -> str:
    return str((row.home_municipality if result.mode == "vacancy" else row.work_municipality) or "")


def _shortlist_table(result: ShortlistResult, rows: list[ShortlistRow], title: str,
                     near: bool = False) -> Table:
    """One compact row per proposal (its ``display`` strings); the reasons follow below."""
    lang = result.lang
    by_vacancy = result.mode == "vacancy"
    table = Table(title=title, title_justify="left", padding=(0, 1), collapse_padding=True)
    table.add_column(text("col_rank", lang), justify="right")
    table.add_column(text("col_candidate" if by_vacancy else "col_vacancy", lang))
    table.add_column(text("col_probability", lang), justify="right")
    table.add_column(text("col_distance", lang), justify="right")
    table.add_column(text("col_home", lang) if by_vacancy else text("col_work", lang))
    table.add_column(text("col_skills", lang), justify="right")
    table.add_column(text("col_certificates_missing", lang))
    table.add_column(text("col_hours", lang), justify="right")
    table.add_column(text("col_support", lang))
    table.add_column(text("col_sroi_value", lang), justify="right")
    if near:
        table.add_column(text("col_constraint", lang))
    for column in table.columns:
        column.no_wrap = True
        column.overflow = "ellipsis"
    for row in rows:
        shown = _display(row, lang)
        cells = [
            str(row.rank), _ident(result, row), shown["probability"], shown["distance"],
            _place(result, row), shown["skills"], shown["certificates_missing"], shown["hours"],
            shown["support"], shown["sroi_value"],
        ]
        if near:
            cells.append(shown.get("constraint", ""))
        table.add_row(*cells)
    return table


def _near_table(result: ShortlistResult, rows: list[ShortlistRow], title: str) -> Table:
    lang = result.lang
    by_vacancy = result.mode == "vacancy"
    table = Table(title=title, title_justify="left", padding=(0, 1), collapse_padding=True)
    for name, justify in (("col_rank", "right"),
                          ("col_candidate" if by_vacancy else "col_vacancy", "left"),
                          ("col_probability", "right"), ("col_distance", "right"),
                          ("col_home" if by_vacancy else "col_work", "left"),
                          ("col_constraint", "left"), ("col_detail", "left")):
        wraps = name in ("col_constraint", "col_detail")  # the long texts wrap, ids never
        table.add_column(text(name, lang), justify=justify, no_wrap=not wraps,
                         overflow="fold" if wraps else "ellipsis")
    for row in rows:
        shown = _display(row, lang)
        table.add_row(
            str(row.rank), _ident(result, row), shown["probability"], shown["distance"],
            _place(result, row), shown.get("constraint", ""), shown.get("detail", ""),
        )
    return table


def _print_reasons(console: Console, result: ShortlistResult, rows: list[ShortlistRow]) -> None:
    by_vacancy = result.mode == "vacancy"
    lang = result.lang
    for row in rows:
        shown = _display(row, lang)
        ident = row.candidate_id if by_vacancy else f"{row.vacancy_id} ({row.title})"
        console.print(f"[bold]{row.rank}. {ident}[/bold]", highlight=False)
        details = []
        if shown.get("skills_missing"):
            details.append(f"{text('missing', lang)}: {shown['skills_missing']}")
        if shown.get("support_missing"):
            details.append(f"{text('support_not_offered', lang)}: {shown['support_missing']}")
        if by_vacancy and shown.get("target_group"):
            details.append(f"{text('target_group', lang)}: {shown['target_group']}")
        for line in details:
            console.print(f"   · {line}", highlight=False, markup=False)
        for line in reasons_text(row.reasons, sep="\n").splitlines():
            console.print(f"   {line}", highlight=False, markup=False)


def write_shortlist(result: ShortlistResult, fmt: str, out: str | None) -> None:
    """Print or write a shortlist in the chosen format."""
    if fmt in ("json", "csv", "xlsx"):
        if out:
            write_shortlist_file(result, fmt, out)
            click.echo(f"Wrote {out}", err=True)
        else:
            click.echo(shortlist_text(result, fmt), nl=fmt == "json")
        return
    console = _console()
    lang = result.lang
    if result.mode == "vacancy":
        title = text("shortlist_title_vacancy", lang, id=result.subject_id,
                     title=getattr(result.subject, "title", ""))
        considered = text("considered", lang, n=result.considered)
    else:
        title = text("shortlist_title_candidate", lang, id=result.subject_id)
        considered = text("considered_candidate", lang, n=result.considered)
        group = getattr(result.subject, "target_group_label", None)
        mobility = getattr(result.subject, "mobility_label", None)
        if group or mobility:
            console.print(text("candidate_subject", lang, group=group or "–",
                               mobility=mobility or "–"),
                          highlight=False, markup=False)
    if result.rows:
        console.print(_shortlist_table(result, result.rows, title))
    else:
        console.print(title)
        console.print(text("no_rows", lang))
    excluded = ", ".join(f"{text('constraint_' + k, lang)} {v}" for k, v in result.excluded.items() if v)
    console.print(f"{considered} {excluded or text('none', lang)}")
    if result.near_misses:
        console.print(_near_table(result, result.near_misses, text("near_misses", lang)))
    if result.rows:
        console.print(f"\n[bold]{text('reasons_title', lang)}[/bold]")
        _print_reasons(console, result, result.rows)
    for note in result.notes:
        console.print(f"\n{note.text}", highlight=False, markup=False)
    console.print(f"{text('model_version', lang)}: {result.model_version}. {text('human_decides', lang)}")


# ----------------------------------------------------------------------------- assign
def render_assign_summary(summary: AssignSummary, out: str, lang: str) -> None:
    """Print the baselines table and the key figures of an assignment run."""
    console = _console()
    table = Table(title="Regional assignment" if lang == "en" else "Regionale toewijzing",
                  title_justify="left")
    table.add_column("method" if lang == "en" else "methode")
    table.add_column("expected durable" if lang == "en" else "verwacht duurzaam", justify="right")
    table.add_column("assigned" if lang == "en" else "toegewezen", justify="right")
    for name, row in summary.baselines.items():
        table.add_row(name, fmt.number(row.expected_durable, lang, 1), str(row.n_assigned))
    console.print(table)
    solver = summary.solver
    gap = solver.gap
    console.print(
        f"{summary.n_assigned} / {summary.n_positions} positions, "
        f"{summary.n_pairs} pairs to the solver ({summary.n_raw_pairs} raw); "
        f"solver {solver.name} {solver.status}"
        + (f", gap {fmt.percent(gap, lang, 2)}" if gap else "")
        + (f"; gain vs local only {fmt.percent_units(summary.gain_vs_local_pct, lang, 1, sign=True)}"
           if summary.gain_vs_local_pct is not None else "")
    )
    console.print(f"model {summary.model_version}; outputs in {out} (report.html). "
                  f"{text('human_decides', lang)}")
    price = summary.sroi_price
    if price:
        console.print(
            (f"SROI-aware objective: {price.pairs_changed} pair(s) differ from the "
             f"durable-only optimum, at a cost of {fmt.number(price.expected_durable_cost, lang, 2)} "
             f"expected durable placements ({fmt.number(price.durable_only_expected, lang, 1)} "
             "without SROI reward)")
            if lang == "en" else
            (f"SROI-doel: {price.pairs_changed} paar/paren wijken af van het optimum voor "
             f"alleen duurzaamheid, tegen {fmt.number(price.expected_durable_cost, lang, 2)} "
             f"verwachte duurzame plaatsingen minder "
             f"({fmt.number(price.durable_only_expected, lang, 1)} zonder SROI-beloning)"))
    for message in summary.sanity.messages(lang):
        console.print(f"[red]{text('sanity_warning', lang)}:[/red] {message}")


def render_dry_run(sizes: Any) -> None:
    """Print the problem sizes of ``assign --dry-run`` (see :func:`matching.workflows.assign.dry_run`)."""
    console = _console()
    console.print(f"Dry run: data valid. {sizes.n_candidates} available candidates, "
                  f"{sizes.n_vacancies} open vacancies with {sizes.n_positions} positions.")
    console.print(f"Raw pairs {sizes.raw_pairs:,}; after hard constraints {sizes.pairs:,}.")
    table = Table(title="Removed by hard constraint (first failing)", title_justify="left")
    table.add_column("constraint")
    table.add_column("pairs", justify="right")
    for name, count in sizes.removed.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print(f"locked pairs: {sizes.n_locked}, forbidden pairs: {sizes.n_forbidden}. "
                  "Nothing was solved or written.")

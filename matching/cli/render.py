"""Terminal and file rendering of CLI results (rich tables; CSV, JSON and XLSX files).

Only the CLI calls this module; results arrive as plain data from the service modules. Files
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
from matching.texts.i18n import text
from matching.texts.phrases import reasons_text
from matching.workflows.shortlist import near_miss_detail, row_display

__all__ = ["near_miss_detail", "render_assign_summary", "render_dry_run",
           "render_model_list", "render_training", "write_shortlist"]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=max(120, Console().width))


def _num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
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
def _display(row: dict[str, Any], lang: str) -> dict[str, str]:
    return row.get("display") or row_display(row, lang)


def _shortlist_table(result: Any, rows: list[dict[str, Any]], title: str,
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
        ident = row.get("candidate_id") if by_vacancy else row.get("vacancy_id")
        place = row.get("home_municipality") if by_vacancy else row.get("work_municipality")
        cells = [
            str(row["rank"]), str(ident), shown["probability"], shown["distance"],
            str(place or ""), shown["skills"], shown["certificates_missing"], shown["hours"],
            shown["support"], shown["sroi_value"],
        ]
        if near:
            cells.append(shown.get("constraint", ""))
        table.add_row(*cells)
    return table


def _near_table(result: Any, rows: list[dict[str, Any]], title: str) -> Table:
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
            str(row["rank"]), str(row.get("candidate_id") if by_vacancy else row.get("vacancy_id")),
            shown["probability"], shown["distance"],
            str((row.get("home_municipality") if by_vacancy else row.get("work_municipality")) or ""),
            shown.get("constraint", ""), shown.get("detail", ""),
        )
    return table


def _print_reasons(console: Console, result: Any, rows: list[dict[str, Any]]) -> None:
    by_vacancy = result.mode == "vacancy"
    lang = result.lang
    for row in rows:
        shown = _display(row, lang)
        ident = row.get("candidate_id") if by_vacancy else f"{row.get('vacancy_id')} ({row.get('title', '')})"
        console.print(f"[bold]{row['rank']}. {ident}[/bold]", highlight=False)
        details = []
        if shown.get("skills_missing"):
            details.append(f"{text('missing', lang)}: {shown['skills_missing']}")
        if shown.get("support_missing"):
            details.append(f"{text('support_not_offered', lang)}: {shown['support_missing']}")
        if by_vacancy and shown.get("target_group"):
            details.append(f"{text('target_group', lang)}: {shown['target_group']}")
        for line in details:
            console.print(f"   · {line}", highlight=False, markup=False)
        for line in reasons_text(row.get("reasons", {}), sep="\n").splitlines():
            console.print(f"   {line}", highlight=False, markup=False)


def write_shortlist(result: Any, fmt: str, out: str | None) -> None:
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
                     title=result.subject.get("title", ""))
        considered = text("considered", lang, n=result.considered)
    else:
        title = text("shortlist_title_candidate", lang, id=result.subject_id)
        considered = text("considered_candidate", lang, n=result.considered)
        subject = result.subject or {}
        if subject.get("target_group_label") or subject.get("mobility_label"):
            console.print(text("candidate_subject", lang,
                               group=subject.get("target_group_label") or "–",
                               mobility=subject.get("mobility_label") or "–"),
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
    for note in getattr(result, "notes", None) or []:
        console.print(f"\n{note['text']}", highlight=False, markup=False)
    console.print(f"{text('model_version', lang)}: {result.model_version}. {text('human_decides', lang)}")


# ----------------------------------------------------------------------------- assign
def render_assign_summary(summary: dict[str, Any], out: str, lang: str) -> None:
    console = _console()
    table = Table(title="Regional assignment" if lang == "en" else "Regionale toewijzing",
                  title_justify="left")
    table.add_column("method" if lang == "en" else "methode")
    table.add_column("expected durable" if lang == "en" else "verwacht duurzaam", justify="right")
    table.add_column("assigned" if lang == "en" else "toegewezen", justify="right")
    for name, row in summary["baselines"].items():
        table.add_row(name, f"{row['expected_durable']:.1f}", str(row["n_assigned"]))
    console.print(table)
    solver = summary["solver"]
    gap = solver.get("gap")
    console.print(
        f"{summary['n_assigned']} / {summary['n_positions']} positions, "
        f"{summary['n_pairs']} pairs to the solver ({summary['n_raw_pairs']} raw); "
        f"solver {solver['name']} {solver['status']}"
        + (f", gap {100 * gap:.2f}%" if gap else "")
        + (f"; gain vs local only {summary['gain_vs_local_pct']:+.1f}%"
           if summary.get("gain_vs_local_pct") is not None else "")
    )
    console.print(f"model {summary['model_version']}; outputs in {out} (report.html). "
                  f"{text('human_decides', lang)}")
    price = summary.get("sroi_price")
    if price:
        console.print(
            (f"SROI-aware objective: {price['pairs_changed']} pair(s) differ from the "
             f"durable-only optimum, at a cost of {price['expected_durable_cost']:.2f} expected "
             f"durable placements ({price['durable_only_expected']:.1f} without SROI reward)")
            if lang == "en" else
            (f"SROI-doel: {price['pairs_changed']} paar/paren wijken af van het optimum voor "
             f"alleen duurzaamheid, tegen {price['expected_durable_cost']:.2f} verwachte duurzame "
             f"plaatsingen minder ({price['durable_only_expected']:.1f} zonder SROI-beloning)"))
    for warning in (summary.get("sanity") or {}).get("warnings", []):
        message = warning.get(f"message_{lang}", warning.get("message_en", ""))
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

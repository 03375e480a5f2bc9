"""Problem rendering: problems and warnings as a terminal table, a JSON list or a DataFrame."""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import pandas as pd

from matching.data.schema import Problem
from matching.data.validation_warnings import FIRST_EXAMPLES, DataWarning

__all__ = ["PROBLEM_COLUMNS", "problems_frame", "render_problems", "render_warnings"]

PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "column", "value", "rule", "message", "severity")


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table with columns file, row, column, value, rule, message, severity.

    Examples
    --------
    >>> p = Problem("kandidaten.csv", 3, "hours_per_week", "0", "range", "'0' is outside ...")
    >>> problems_frame([p])[["row", "rule", "severity"]].to_dict("records")
    [{'row': 3, 'rule': 'range', 'severity': 'error'}]
    """
    records = [
        {"file": p.file, "row": p.row, "column": p.column, "value": p.value, "rule": p.rule,
         "message": p.message, "severity": p.severity}
        for p in problems
    ]
    frame = pd.DataFrame(records, columns=list(PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _cell(value: object, width: int | None = None) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    text = text.replace("\n", " ")
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def render_problems(problems: Iterable[Problem], fmt: str = "table") -> str:
    """Render problems for a terminal (``fmt="table"``) or as a JSON list (``fmt="json"``).

    The table has one line per problem with aligned columns; long values are shortened,
    messages never are.

    Examples
    --------
    >>> p = Problem("projects.csv", 2, "sroi_percentage", "150", "range", "'150' is outside the allowed range (>= 0 and <= 100)")
    >>> print(render_problems([p]))
    file          row  column           value  rule   severity  message
    projects.csv  2    sroi_percentage  150    range  error     '150' is outside the allowed range (>= 0 and <= 100)
    """
    problems = list(problems)
    if fmt == "json":
        return json.dumps(
            [{"file": p.file, "row": p.row, "column": p.column, "value": p.value, "rule": p.rule,
              "message": p.message, "severity": p.severity} for p in problems],
            ensure_ascii=False, indent=2,
        )
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use 'table' or 'json'")
    problems = _collapse_row_warnings(problems)
    header = ("file", "row", "column", "value", "rule", "severity", "message")
    widths = (None, None, None, 30, None, None, None)
    rows = [
        tuple(_cell(v, w) for v, w in zip(
            (p.file, p.row, p.column, p.value, p.rule, p.severity, p.message), widths,
            strict=True))
        for p in problems
    ]
    sizes = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
             for i, h in enumerate(header)]
    lines = [
        "  ".join(cell.ljust(sizes[i]) for i, cell in enumerate(line)).rstrip()
        for line in (header, *rows)
    ]
    return "\n".join(lines)


def _collapse_row_warnings(problems: list[Problem]) -> list[Problem]:
    """The first :data:`FIRST_EXAMPLES` row-level warnings of a rule, file and column, then one
    line that counts the rest (a history of 6,000 placements of unknown candidates must not
    bury the errors; ``--format json`` lists every one)."""
    def key(p: Problem) -> tuple[str, str, str | None] | None:
        return (p.rule, p.file, p.column) if p.severity == "warning" and p.row is not None \
            else None

    counts: dict[tuple[str, str, str | None], int] = {}
    for p in problems:
        k = key(p)
        if k is not None:
            counts[k] = counts.get(k, 0) + 1
    seen: dict[tuple[str, str, str | None], int] = {}
    out = []
    for p in problems:
        k = key(p)
        if k is None or counts[k] <= FIRST_EXAMPLES + 1:
            out.append(p)
            continue
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= FIRST_EXAMPLES:
            out.append(p)
        elif seen[k] == FIRST_EXAMPLES + 1:
            rest = counts[k] - FIRST_EXAMPLES
            out.append(Problem(p.file, None, p.column, None, p.rule,
                               f"… and {rest} more {p.rule} warning(s) of this column "
                               "(--format json lists every one)", p.table, "warning"))
    return out


def render_warnings(warnings: Iterable[DataWarning], fmt: str = "table") -> str:
    """Render dataset warnings for a terminal (``fmt="table"``) or as a JSON list.

    The table has one line per warning (rule, file, column, count, message), each followed by
    its examples, indented. An empty list renders as ``""`` (table) or ``[]`` (json).

    Examples
    --------
    >>> from matching.data.validation_warnings import WarningExample
    >>> w = DataWarning("unvalued_target_group", "candidates", "candidates.csv", "target_group",
    ...                 2, "2 candidate(s) have a target group without a row in the valuation table",
    ...                 (WarningExample("zzp", 2, (3, 7)),))
    >>> print(render_warnings([w]))
    rule                   file            column        count  message
    unvalued_target_group  candidates.csv  target_group  2      2 candidate(s) have a target group without a row in the valuation table
        'zzp' 2x (rows 3, 7)
    """
    warnings = list(warnings)
    if fmt == "json":
        return json.dumps([w.to_dict() for w in warnings], ensure_ascii=False, indent=2)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use 'table' or 'json'")
    if not warnings:
        return ""
    header = ("rule", "file", "column", "count", "message")
    rows = [(w.rule, w.file, _cell(w.column), str(w.count), w.message) for w in warnings]
    sizes = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(c.ljust(sizes[i]) for i, c in enumerate(header)).rstrip()]
    for warning, row in zip(warnings, rows, strict=True):
        lines.append("  ".join(c.ljust(sizes[i]) for i, c in enumerate(row)).rstrip())
        lines += [f"    {example.text()}" for example in warning.examples]
    return "\n".join(lines)

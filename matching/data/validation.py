"""Validation entry point: check converted tables against the data contract, every problem at once.

:func:`validate` runs every rule of :data:`matching.data.schema.RULES` that can be judged on the
converted tables (the loader reports ``unreadable_file``, ``unknown_column`` and ``type``
while reading, because only it sees the files, headers and raw cells). Checks are
vectorised per column; free-text certificate terms are resolved once per distinct term.

Each :class:`~matching.data.schema.Problem` names the file (``name.xlsx[sheet]`` for
workbooks), the row as the user sees it (header = row 1), the column, the raw value, the
rule and a message that names the bad value and what was allowed. ``severity`` is
``"error"`` except for the rules in :data:`WARNING_RULES`.

:func:`dataset_warnings` looks at a *loaded* dataset for things that do not block but that a
person should know before trusting the results (:data:`DATASET_WARNING_RULES`): skill and
occupation terms that do not resolve to the reference vocabularies, target groups the
valuation table does not value, and placements that start after the extraction date. Each
finding is one :class:`DataWarning` with a count and the first examples.

Values never reach a message or report at full length: :func:`shorten_value` cuts every
value longer than :data:`VALUE_SHOWN_MAX` characters to its first :data:`VALUE_PREVIEW`
characters plus its length (``'aaaa…(1000000 chars)'``), in problems, messages, warnings
and the ``_reasons`` of rejected rows.

The rule families live in their own modules, all re-exported here:
:mod:`~matching.data.validation_problems` (problem records, warning rules, value shortening),
:mod:`~matching.data.validation_rules` (table and row rules),
:mod:`~matching.data.validation_references` (foreign keys and reference data),
:mod:`~matching.data.validation_warnings` (dataset warnings and their summaries) and
:mod:`~matching.data.validation_render` (tables, JSON and frames of problems and warnings).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from matching.core.config import Settings
from matching.data.schema import Problem
from matching.data.validation_problems import (
    DATASET_WARNING_RULES,
    LEFT_OUT_RULES,
    ROWS_LISTED,
    VALUE_PREVIEW,
    VALUE_SHOWN_MAX,
    WARNING_RULES,
    make_problems,
    range_text,
    severity_of,
    shorten_value,
    sort_problems,
    too_long_mask,
)
from matching.data.validation_render import (
    PROBLEM_COLUMNS,
    problems_frame,
    render_problems,
    render_warnings,
)
from matching.data.validation_rules import Checker, reference_date
from matching.data.validation_warnings import (
    FIRST_EXAMPLES,
    NEAREST_CUTOFF,
    TOP_TERMS,
    UNRESOLVED_SHARE,
    DataWarning,
    WarningExample,
    dataset_warnings,
    summarise_warnings,
)

__all__ = [
    "DATASET_WARNING_RULES",
    "FIRST_EXAMPLES",
    "LEFT_OUT_RULES",
    "NEAREST_CUTOFF",
    "PROBLEM_COLUMNS",
    "ROWS_LISTED",
    "TOP_TERMS",
    "UNRESOLVED_SHARE",
    "VALUE_PREVIEW",
    "VALUE_SHOWN_MAX",
    "WARNING_RULES",
    "DataWarning",
    "WarningExample",
    "dataset_warnings",
    "make_problems",
    "problems_frame",
    "range_text",
    "render_problems",
    "render_warnings",
    "severity_of",
    "shorten_value",
    "sort_problems",
    "summarise_warnings",
    "too_long_mask",
    "validate",
]


def validate(
    tables: Mapping[str, pd.DataFrame],
    *,
    raw: Mapping[str, pd.DataFrame] | None = None,
    sources: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    location: str = "",
    extraction_date: str | None = None,
    today: str | pd.Timestamp | None = None,
) -> list[Problem]:
    """Check converted tables against the contract; return every problem found.

    A table that is given (named in ``sources``; without ``sources``: present in
    ``tables``) but has no rows is one problem (its ``empty_rule``) and nothing else, and
    references into it are not checked. A cell longer than its column allows is one
    ``too_long`` problem; the other rules see it as missing. Dates and years outside their
    column's window are ``implausible_date`` (``unusual_date`` for a possible but odd one).

    Parameters
    ----------
    tables : mapping of table name to DataFrame
        Tables in canonical form (see :mod:`matching.data.schema`); index = row as the user sees
        it. Absent required tables are reported as ``missing_table``.
    raw : mapping of table name to DataFrame, optional
        The cells as read (text), canonical column names, same index. Used to report raw
        values and to tell empty cells from cells that failed conversion (those were
        already reported as ``type`` by the loader). Columns absent from ``raw`` count as
        absent from the file. Defaults to ``tables`` itself.
    sources : mapping of table name to file label, optional
        ``candidates.csv`` or ``dataset.xlsx[kandidaten]``; defaults to the table name.
    settings : Settings, optional
        ``fuzzy_cutoff`` decides which free-text certificate terms resolve.
    location : str
        Label of the dataset (folder or workbook) used as ``file`` for ``missing_table``.
    extraction_date : str, optional
        The declared extraction date (ISO): the date windows end relative to it.
    today : date-like, optional
        Without an extraction date the windows end relative to this day (default today).

    Returns
    -------
    list of Problem
        Sorted by table, row and column; empty when the tables meet the contract.

    Examples
    --------
    >>> import pandas as pd
    >>> projects = pd.DataFrame({"project_id": ["P1"], "name": ["Dijk"],
    ...     "contracting_authority": ["GM0014"], "contractor_id": ["E1"],
    ...     "contract_value_eur": [1e6], "sroi_percentage": [150.0]}, index=[2])
    >>> [(p.row, p.column, p.rule) for p in validate({"projects": projects})
    ...  if p.table == "projects"]
    [(2, 'sroi_percentage', 'range')]
    """
    raw = dict(raw) if raw is not None else {}
    for name, frame in tables.items():
        raw.setdefault(name, frame)
    checker = Checker(tables, raw, dict(sources or {}), settings or Settings(), location,
                      reference_date(extraction_date, today))
    checker.check_tables()
    return sort_problems(checker.problems)

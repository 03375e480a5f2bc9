"""Rejected rows: set invalid rows aside (cascading along references) and write them out.

With ``skip_invalid`` the loader drops every row with an error, then every row whose
referenced parent row was dropped (``dangling_reference``, to a fixpoint), and writes
``rejected_<table>.csv`` with the rows as read plus ``_row`` and ``_reasons``. Rows of
:data:`~matching.data.validation.LEFT_OUT_RULES` warnings are left out here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from matching.core.errors import InputFileError
from matching.core.tables import write_csv
from matching.data.readers import RawTable
from matching.data.schema import TABLES, Problem
from matching.data.validation_problems import (
    LEFT_OUT_RULES,
    make_problems,
    shorten_value,
    sort_problems,
)


def leave_out(tables: dict[str, pd.DataFrame], problems: list[Problem]
              ) -> dict[str, pd.DataFrame]:
    """Drop the rows of :data:`~matching.data.validation.LEFT_OUT_RULES` warnings (placements of
    unknown candidates: they cannot be featurised, and the warning says so)."""
    rows: dict[str, set[int]] = {}
    for p in problems:
        if p.rule in LEFT_OUT_RULES and p.row is not None and p.table in tables:
            rows.setdefault(p.table, set()).add(p.row)
    out = dict(tables)
    for table, drop in rows.items():
        out[table] = tables[table].drop(index=sorted(drop), errors="ignore")
    return out


def empty_rejected() -> pd.DataFrame:
    return pd.DataFrame({"table": pd.Series(dtype="str"), "row": pd.Series(dtype="int64"),
                         "reasons": pd.Series(dtype="str")})


def _reason(p: Problem) -> str:
    return f"{p.column}: {p.message}" if p.column else p.message


def drop_invalid(tables: dict[str, pd.DataFrame], problems: list[Problem],
                 sources: Mapping[str, str]
                 ) -> tuple[dict[str, pd.DataFrame], list[Problem], pd.DataFrame]:
    """Drop rows with errors, then rows whose parent was dropped (cascade, to a fixpoint)."""
    bad: dict[str, set[int]] = {name: set() for name in tables}
    for p in problems:
        if p.severity == "error" and p.row is not None and p.table in bad:
            bad[p.table].add(p.row)
    kept = {name: frame.drop(index=sorted(bad[name])) for name, frame in tables.items()}
    cascade: list[Problem] = []
    changed = True
    while changed:
        changed = False
        for name, schema in TABLES.items():
            for fk in schema.foreign_keys:
                child, parent = kept[name], kept[fk.table]
                values = child[fk.column].astype(object)
                given = set(tables[fk.table][fk.target].dropna())  # unknown ids: reported
                lost = (values.notna() & values.isin(given)
                        & ~values.isin(set(parent[fk.target].dropna())))
                if not lost.any():
                    continue
                rows = lost.index[lost.to_numpy()]
                cascade += make_problems(
                    name, sources[name], fk.column, rows, values.loc[rows].tolist(),
                    "dangling_reference",
                    [f"{shorten_value(v)!r} was rejected from {fk.table} (see its problems), "
                     "so this row is rejected too" for v in values.loc[rows]])
                bad[name].update(int(r) for r in rows)
                kept[name] = child.drop(index=rows)
                changed = True
    problems = sort_problems([*problems, *cascade])
    reasons: dict[tuple[str, int], list[str]] = {}
    for p in problems:
        if p.severity == "error" and p.row is not None and p.table in bad:
            reasons.setdefault((p.table, p.row), []).append(_reason(p))
    rejected = pd.DataFrame(
        [{"table": t, "row": r, "reasons": "; ".join(reasons[(t, r)])}
         for t in TABLES for r in sorted(bad.get(t, ()))],
        columns=["table", "row", "reasons"],
    )
    rejected = rejected.astype({"table": "str", "row": "int64", "reasons": "str"})
    return kept, problems, rejected


def write_rejects(folder: Path, rejected: pd.DataFrame, originals: Mapping[str, RawTable]
                  ) -> None:
    """``rejected_<table>.csv``: the rows as read plus ``_row`` and ``_reasons``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for table, group in rejected.groupby("table", sort=False):
            raw = originals[table]
            rows = raw.frame.loc[group["row"].to_numpy()].copy()
            rows.insert(0, "_row", rows.index)
            rows["_reasons"] = group["reasons"].to_numpy()
            # no live formula from input text in a file a user opens in Excel
            write_csv(rows, folder / f"rejected_{table}.csv", sep=raw.sep)
    except OSError as exc:
        raise InputFileError(f"cannot write rejected rows to {folder}: {exc}") from exc

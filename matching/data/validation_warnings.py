"""Dataset warnings: findings that do not block, summarised with counts and first examples.

:func:`dataset_warnings` looks at a *loaded* dataset (:data:`DATASET_WARNING_RULES`): skill and
occupation terms that do not resolve to the reference vocabularies, target groups the valuation
table does not value, and placements that start after the extraction date.
:func:`summarise_warnings` turns the warning-level problems of :func:`validate` into the same
:class:`DataWarning` format.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd
from rapidfuzz import fuzz, process

from features.vocabulary import normalise_term
from matching.core.config import Settings
from matching.data.schema import RULES, TABLES, Problem
from matching.data.validation_problems import (
    DATASET_WARNING_RULES,
    LEFT_OUT_RULES,
    TABLE_ORDER,
    column_rank,
    isin,
    shorten_value,
)

if TYPE_CHECKING:
    from features.profiles import Vocabularies
    from matching.data.dataset import Dataset

__all__ = [
    "DATASET_WARNING_RULES",
    "FIRST_EXAMPLES",
    "LEFT_OUT_RULES",
    "NEAREST_CUTOFF",
    "TOP_TERMS",
    "UNRESOLVED_SHARE",
    "DataWarning",
    "WarningExample",
    "dataset_warnings",
    "summarise_warnings",
]

UNRESOLVED_SHARE = 0.02
"""Unresolved skill / occupation terms of a column are reported when they are more than this
share of the column's terms. A few typos are normal (the fuzzy match absorbs most; on the
committed sample about 0.5% of the skill terms stay unresolved); a larger share means a
vocabulary the reference does not know (another language, internal codes, abbreviations)."""

TOP_TERMS = 20
"""Unresolved terms listed per column, most frequent first."""

FIRST_EXAMPLES = 5
"""Examples listed for the other dataset warnings."""

NEAREST_CUTOFF = 70.0
"""Minimum rapidfuzz ``ratio`` score (0-100) for the "nearest known term" of an unresolved term."""

@dataclass(frozen=True)
class WarningExample:
    """One example behind a :class:`DataWarning`: a value, how often and where it occurs.

    ``rows`` are the first rows as the user sees them (header = row 1); ``nearest`` is the
    closest known vocabulary term for an unresolved term; ``id`` the row's key (e.g. the
    placement id).
    """

    value: str
    count: int = 1
    rows: tuple[int, ...] = ()
    nearest: str | None = None
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "rows": list(self.rows),
                "nearest": self.nearest, "id": self.id}

    def text(self) -> str:
        """``'Timmerne' 5x (rows 12, 40, 77); nearest: Timmeren``."""
        head = f"{shorten_value(self.id)}: " if self.id else ""
        parts = [f"{head}{shorten_value(self.value)!r}"
                 + (f" {self.count}x" if self.count > 1 else "")]
        if self.rows:
            more = "…" if self.count > len(self.rows) else ""
            label = "row" if len(self.rows) == 1 and not more else "rows"
            parts.append(f"({label} {', '.join(map(str, self.rows))}{more})")
        text = " ".join(parts)
        return text + (f"; nearest: {self.nearest}" if self.nearest else "")


@dataclass(frozen=True)
class DataWarning:
    """A finding that does not block: rule, where, how many and the first examples.

    ``count`` counts what the rule is about (term occurrences, candidates, placements); the
    ``examples`` are the most frequent (terms) or first (rows) cases.
    """

    rule: str
    table: str
    file: str
    column: str | None
    count: int
    message: str
    examples: tuple[WarningExample, ...] = ()

    @property
    def severity(self) -> str:
        return "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "table": self.table, "file": self.file,
                "column": self.column, "count": self.count, "message": self.message,
                "severity": self.severity, "examples": [e.to_dict() for e in self.examples]}


_TERM_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("unresolved_skill", "skill", "candidates", "skills"),
    ("unresolved_skill", "skill", "vacancies", "required_skills"),
    ("unresolved_skill", "skill", "vacancies", "preferred_skills"),
    ("unresolved_occupation", "occupation", "candidates", "occupations"),
    ("unresolved_occupation", "occupation", "vacancies", "occupation"),
    ("unresolved_skill", "skill", "courses", "skills"),
    ("unresolved_occupation", "occupation", "tenders", "occupations"),
)
"""(rule, vocabulary kind, table, column) of the free-text columns checked for unresolved
terms. Certificates are not here: an unresolved certificate is an error (``unknown_code``)."""

_RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


def _first_rows(rows: Iterable[object], n: int = 3) -> tuple[int, ...]:
    return tuple(sorted({int(r) for r in rows})[:n])  # type: ignore[call-overload]


@lru_cache(maxsize=2)
def _vocabularies(cutoff: float) -> Vocabularies:
    """The vocabularies the profiles resolve with (:mod:`features.profiles`), built once."""
    from features.profiles import Vocabularies

    return Vocabularies.from_reference(cutoff=cutoff)


class _Nearest:
    """The closest known name of a vocabulary (id, label or synonym) to an unresolved term.

    Plain edit similarity (:func:`rapidfuzz.fuzz.ratio`): the partial matching of ``WRatio``
    that resolution uses would suggest long names that merely contain a similar word.
    """

    def __init__(self, vocabularies: Vocabularies, kind: str) -> None:
        self.names: list[str] = []
        self.shown: list[str] = []
        for entry_id, names in vocabularies.entries.get(kind, []):
            for name in (*names, entry_id):
                norm = normalise_term(name)
                if norm:
                    self.names.append(norm)
                    self.shown.append(str(name))

    def __call__(self, term: str) -> str | None:
        best = process.extractOne(normalise_term(term), self.names, scorer=fuzz.ratio,
                                  score_cutoff=NEAREST_CUTOFF)
        return None if best is None else self.shown[best[2]]


def _column_terms(frame: pd.DataFrame, table: str, column: str) -> pd.Series:
    """Every term of a list column (or the value of a text column), index = row."""
    values = frame[column]
    if TABLES[table].column(column).kind == "list":
        values = values.explode()
    terms = values.dropna().astype(object)
    return terms[terms.map(lambda t: isinstance(t, str) and bool(t.strip()))]


def _unresolved_terms(dataset: Dataset, vocabularies: Vocabularies) -> list[DataWarning]:
    found: list[DataWarning] = []
    nearest: dict[str, _Nearest] = {}
    for rule, kind, table, column in _TERM_COLUMNS:
        frame = dataset.table(table)
        if column not in frame.columns or frame.empty:
            continue
        terms = _column_terms(frame, table, column)
        if terms.empty:
            continue
        distinct = list(dict.fromkeys(terms.tolist()))
        if kind == "skill":
            prefetch = getattr(vocabularies.skills, "prefetch", None)
            if prefetch is not None:
                prefetch(distinct)
            resolved = {t: vocabularies.skills.resolve(t) is not None for t in distinct}
        else:
            vocabularies.prefetch_occupations(distinct)
            resolved = {t: vocabularies.occupation(t) is not None for t in distinct}
        bad = terms[~terms.map(resolved).astype(bool)]
        if len(bad) <= UNRESOLVED_SHARE * len(terms):
            continue
        norm = bad.map(normalise_term)
        groups = sorted(norm.groupby(norm, sort=False).groups.items(),
                        key=lambda kv: (-len(kv[1]), kv[0]))
        near = nearest.setdefault(kind, _Nearest(vocabularies, kind))
        examples = []
        for key, _ in groups[:TOP_TERMS]:
            hits = bad[(norm == key).to_numpy()]
            spellings = hits.tolist()  # the most frequent way it is written, first on a tie
            spelling = max(dict.fromkeys(spellings), key=spellings.count)
            examples.append(WarningExample(str(spelling), len(hits), _first_rows(hits.index),
                                           near(str(spelling))))
        share = len(bad) / len(terms)
        found.append(DataWarning(
            rule, table, dataset.sources.get(table, table), column, len(bad),
            f"{len(bad)} of {len(terms)} {kind} terms ({share:.1%}; {len(groups)} distinct) do "
            f"not resolve to the {kind} vocabulary, so they only match the very same text; "
            "correct them or use a known term (most frequent first, with the nearest known "
            "term)",
            tuple(examples)))
    return found


def _unvalued_target_groups(dataset: Dataset) -> list[DataWarning]:
    valuation = dataset.valuation
    valued = (set(valuation["target_group"].dropna().astype(str).str.lower())
              if "target_group" in valuation.columns else set())
    where = dataset.sources.get("valuation", "the default valuation")
    found = []
    for table, column, what in (("candidates", "target_group", "candidate(s) have"),
                                ("vacancies", "eligible_target_groups", "vacancy row(s) list")):
        frame = dataset.table(table)
        if column not in frame.columns or frame.empty:
            continue
        codes = _column_terms(frame, table, column).astype(str)
        bad = codes[~isin(codes.str.lower(), valued)]
        if bad.empty:
            continue
        counts = sorted(bad.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))
        examples = tuple(WarningExample(str(code), int(n), _first_rows(bad.index[bad == code]))
                         for code, n in counts)
        rows = bad.index.nunique()
        listed = ", ".join(f"{c!r}" for c, _ in counts)
        found.append(DataWarning(
            "unvalued_target_group", table, dataset.sources.get(table, table), column, rows,
            f"{rows} {what} a target group without a row in the valuation table ({where}): "
            f"{listed}. Such placements count 0 EUR towards an SROI obligation; add the group "
            "to the valuation table (--valuation) if it should count.", examples))
    return found


def _starts_after_extraction(dataset: Dataset, today: pd.Timestamp | None) -> list[DataWarning]:
    placements = dataset.placements
    if placements.empty or "start_date" not in placements.columns:
        return []
    today = (pd.Timestamp.today() if today is None else pd.Timestamp(today)).normalize()
    declared = (pd.Timestamp(dataset.extraction_date).normalize()
                if dataset.extraction_date else None)
    if declared is not None and declared <= today:
        limit, what = declared, f"the declared extraction date {declared.date()}"
    elif declared is not None:
        limit, what = today, (f"today ({today.date()}; the declared extraction date "
                              f"{declared.date()} lies in the future)")
    else:
        limit, what = today, f"today ({today.date()}; no extraction date declared)"
    start = pd.to_datetime(placements["start_date"])
    late = placements[(start > limit).to_numpy()]
    if late.empty:
        return []
    ids = late["placement_id"] if "placement_id" in late.columns else pd.Series(None, late.index)
    examples = tuple(
        WarningExample(str(pd.Timestamp(day).date()), 1, (int(row),),
                       id=None if pd.isna(ident) else str(ident))
        for row, day, ident in zip(late.index[:FIRST_EXAMPLES],
                                   late["start_date"].iloc[:FIRST_EXAMPLES],
                                   ids.iloc[:FIRST_EXAMPLES], strict=True))
    return [DataWarning(
        "start_after_extraction", "placements", dataset.sources.get("placements", "placements"),
        "start_date", len(late),
        f"{len(late)} placement(s) start after {what}: a history export cannot hold them yet. "
        "They are planned placements, never outcomes (training counts them as censored); "
        "check the extraction date or the start dates.", examples)]


def dataset_warnings(
    dataset: Dataset,
    settings: Settings | None = None,
    *,
    vocabularies: Vocabularies | None = None,
    today: str | pd.Timestamp | None = None,
) -> list[DataWarning]:
    """Findings on a loaded dataset that do not block, each with a count and first examples.

    Rules (:data:`DATASET_WARNING_RULES`, documented in ``docs/data-contract.md``):

    * ``unresolved_skill`` / ``unresolved_occupation``: per column, when more than
      :data:`UNRESOLVED_SHARE` of its terms resolve to nothing; the :data:`TOP_TERMS` most
      frequent unresolved terms with the nearest known term. Terms are resolved exactly as
      :func:`features.profiles.build_profiles` resolves them;
    * ``unvalued_target_group``: candidates (and vacancies' eligible groups) whose target group
      has no row in the valuation table in use;
    * ``start_after_extraction``: placements that start after the declared extraction date (or
      after ``today`` when none is declared or it lies in the future).

    Parameters
    ----------
    dataset : Dataset
        A dataset as :func:`matching.data.loading.load_dataset` returns it.
    settings : Settings, optional
        ``fuzzy_cutoff`` decides which terms resolve; ``term_cache`` (when set) is read and
        updated, as when profiles are built.
    vocabularies : Vocabularies, optional
        Default :meth:`features.profiles.Vocabularies.from_reference` with the cut-off.
    today : date-like, optional
        The current date (default: today); only used when no extraction date is declared or
        the declared one lies in the future.

    Returns
    -------
    list of DataWarning
        In rule order, then table and column order; empty when there is nothing to report.

    Examples
    --------
    >>> from matching.data.dataset import Dataset
    >>> from matching.data.reference import default_valuation
    >>> candidates = pd.DataFrame({"candidate_id": ["C1", "C2"], "target_group": ["ww", "zzp"],
    ...     "skills": [("metselen",), ("kwispelen",)]}, index=[2, 3])
    >>> empty = pd.DataFrame()
    >>> ds = Dataset(candidates, empty, empty, empty, default_valuation())
    >>> [(w.rule, w.column, w.count) for w in dataset_warnings(ds)]
    [('unresolved_skill', 'skills', 1), ('unvalued_target_group', 'target_group', 1)]
    """
    settings = settings or Settings()
    if vocabularies is None:
        vocabularies = _vocabularies(float(settings.fuzzy_cutoff))
    cache = settings.term_cache or None
    if cache is not None:
        from features.term_cache import KINDS, load_term_cache, memo_of, save_term_cache

        known = load_term_cache(vocabularies, cache)
    found = _unresolved_terms(dataset, vocabularies)
    if cache is not None:
        total = sum(len(memo_of(getattr(vocabularies, kind))) for kind in KINDS)
        if total != known:
            save_term_cache(vocabularies, cache)
    found += _unvalued_target_groups(dataset)
    found += _starts_after_extraction(dataset, None if today is None else pd.Timestamp(today))
    return sorted(found, key=lambda w: (_RULE_ORDER.get(w.rule, len(_RULE_ORDER)),
                                        TABLE_ORDER.get(w.table, len(TABLE_ORDER)),
                                        column_rank(w.table, w.column)))


def summarise_warnings(problems: Iterable[Problem]) -> list[DataWarning]:
    """The warning-level problems (e.g. ``unknown_column``) as :class:`DataWarning` entries.

    Problems of the same rule, file and column become one entry whose examples are the first
    values and rows, so that ``validate`` lists every warning in one format. Row-level
    warnings (``history_candidate_unknown``, ``unusual_date``) are grouped by value: each
    example is a value with its count and first rows, and the message says how many rows
    there are (and, for :data:`LEFT_OUT_RULES`, that they are left out of the table).
    """
    groups: dict[tuple[str, str, str | None], list[Problem]] = {}
    for p in problems:
        if p.severity == "warning":
            groups.setdefault((p.rule, p.file, p.column), []).append(p)
    out = []
    for (rule, file, column), found in groups.items():
        if rule in _ROW_SUMMARIES:
            out.append(_row_summary(rule, file, column, found))
            continue
        examples = tuple(WarningExample(p.value, 1, () if p.row is None else (p.row,))
                         for p in found[:FIRST_EXAMPLES] if p.value is not None or p.row)
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        out.append(DataWarning(rule, found[0].table, file, column, len(found),
                               found[0].message + more, examples))
    return out


_ROW_SUMMARIES: dict[str, str] = {
    "history_candidate_unknown": (
        "{rows} placement(s) refer to {values} candidate(s) that do not appear in the "
        "candidates table ({target}): their profile at placement is unknown, so they cannot be "
        "featurised and are dropped from the loaded placement history; train and assign use "
        "the other placements. Add those candidates (placed and inactive people too) to keep "
        "them."),
    "unusual_date": (
        "{rows} row(s) have a {column} that is possible but odd: {first}"),
}
"""Summary messages of the row-level warnings, per rule."""


def _row_summary(rule: str, file: str, column: str | None, found: list[Problem]) -> DataWarning:
    """One :class:`DataWarning` for row-level warnings: count, values and first rows."""
    by_value: dict[str, list[int]] = {}
    for p in found:
        by_value.setdefault(p.value or "", []).append(-1 if p.row is None else p.row)
    examples = tuple(WarningExample(value, len(rows), _first_rows(r for r in rows if r >= 0))
                     for value, rows in list(by_value.items())[:FIRST_EXAMPLES])
    schema = TABLES.get(found[0].table)
    fk = next((fk for fk in (schema.foreign_keys if schema else ()) if fk.column == column),
              None)
    target = f"{fk.table}.{fk.target}" if fk else "the referenced table"
    message = _ROW_SUMMARIES[rule].format(rows=len(found), values=len(by_value), target=target,
                                          column=column, first=found[0].message)
    return DataWarning(rule, found[0].table, file, column, len(found), message, examples)

"""Durable-placement labels from the placement history, with censoring.

A placement is **durable** (``label = 1``) when the person is still employed ``horizon_months``
calendar months after the start (``start_date + pd.DateOffset(months=horizon_months)``, the
*horizon date*); it is **not durable** (``label = 0``) when the employment ended before the
horizon date. ``end_date`` is the day the employment ended, so an end date on or after the
horizon date counts as durable.

The outcome is judged *as of* a reference date ``as_of``: only what was known on that day
counts. A placement is **censored** (outcome unknown, ``label`` missing) when its horizon date
lies after ``as_of`` and it had not ended on or before ``as_of``: the person is still employed
(or ended only after ``as_of``) and the horizon has not passed. A censored placement is never
a negative; training drops it and counts it.

``follow_up_complete`` marks placements whose horizon date lies on or before ``as_of``. A
placement that ended early inside a still-open window has a *known* label 0, but its durable
peers from the same weeks are still censored: keeping only the early endings would bias a
recent sample towards failures. :mod:`matching.model.training` therefore learns from and evaluates on
placements with complete follow-up only and counts the early endings it leaves out.

``as_of`` is resolved by :func:`resolve_as_of`: the dataset's declared extraction date
(``extraction_date`` in the dataset's ``manifest.json``, see ``docs/data-contract.md``) when
there is one, else the latest ``start_date`` in the history, and never later than today. End
dates are **not** used: a real export carries *planned* end dates (a contract's end after the
export day), so the latest end date can lie years ahead. An end date after ``as_of`` is a
planned end: the person was still employed on ``as_of``, which is never an outcome. The
default is deterministic for a given table and extraction date (the "today" cap only bites
on a history that claims to start in the future).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["AsOf", "LabelCounts", "default_as_of", "durable_labels", "history_summary",
           "label_counts", "resolve_as_of"]


@dataclass(frozen=True)
class LabelCounts:
    """How many placements are durable, not durable and censored."""

    total: int
    durable: int
    not_durable: int
    censored: int
    early_endings: int = 0
    """Known not-durable placements whose follow-up window is still open (see module doc)."""

    @property
    def labelled(self) -> int:
        """Placements with a known outcome (durable + not durable)."""
        return self.durable + self.not_durable

    def to_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "durable": self.durable,
            "not_durable": self.not_durable,
            "censored": self.censored,
            "early_endings": self.early_endings,
            "labelled": self.labelled,
        }


AS_OF_REASONS: dict[str, dict[str, str]] = {
    "given": {"nl": "opgegeven met --as-of", "en": "given with --as-of"},
    "declared": {"nl": "extractiedatum van de dataset (manifest.json)",
                 "en": "the dataset's declared extraction date (manifest.json)"},
    "latest_start": {"nl": "laatste startdatum in de plaatsingshistorie (geen extractiedatum opgegeven)",
                     "en": "latest start date in the placement history (no extraction date declared)"},
    "today_cap": {"nl": "vandaag (de historie of extractiedatum ligt in de toekomst)",
                  "en": "today (the history or extraction date lies in the future)"},
    "empty": {"nl": "geen plaatsingen", "en": "no placements"},
}


@dataclass(frozen=True)
class AsOf:
    """The reference date outcomes are judged on, and why it was chosen."""

    date: pd.Timestamp | None
    reason: str
    """One of :data:`AS_OF_REASONS`: ``given``, ``declared``, ``latest_start``, ``today_cap``,
    ``empty``."""

    def describe(self, lang: str = "nl") -> str:
        """One line for a person, e.g. ``2026-11-01 (extractiedatum van de dataset …)``."""
        why = AS_OF_REASONS.get(self.reason, {}).get(lang, self.reason)
        day = "—" if self.date is None else str(self.date.date())
        return f"{day} ({why})"

    def to_dict(self) -> dict[str, str | None]:
        return {"as_of": None if self.date is None else str(self.date.date()),
                "reason": self.reason}


def resolve_as_of(
    placements: pd.DataFrame,
    extraction_date: str | pd.Timestamp | None = None,
    today: str | pd.Timestamp | None = None,
    given: str | pd.Timestamp | None = None,
) -> AsOf:
    """The reference date for labelling a placement history, with the reason.

    Order: ``given`` (an explicit ``--as-of``, taken as is); the dataset's declared
    ``extraction_date``; the latest ``start_date`` in ``placements``. A default is never
    later than ``today`` (default: the current date), so an export dated in the future cannot
    turn ongoing placements into outcomes.

    Examples
    --------
    >>> p = pd.DataFrame({"start_date": pd.to_datetime(["2024-01-01", "2024-03-01"]),
    ...                   "end_date": pd.to_datetime(["2026-05-01", None])})
    >>> resolve_as_of(p, today="2025-01-01").to_dict()
    {'as_of': '2024-03-01', 'reason': 'latest_start'}
    >>> resolve_as_of(p, "2024-06-30", today="2025-01-01").to_dict()
    {'as_of': '2024-06-30', 'reason': 'declared'}
    >>> resolve_as_of(p, "2030-01-01", today="2025-01-01").to_dict()
    {'as_of': '2025-01-01', 'reason': 'today_cap'}
    """
    if given is not None:
        return AsOf(pd.Timestamp(given).normalize(), "given")
    cap = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today).normalize()
    if extraction_date is not None and not (isinstance(extraction_date, float)
                                            and np.isnan(extraction_date)):
        date, reason = pd.Timestamp(extraction_date).normalize(), "declared"
    else:
        date = default_as_of(placements)
        if date is None:
            return AsOf(None, "empty")
        reason = "latest_start"
    if date > cap:
        return AsOf(cap, "today_cap")
    return AsOf(date, reason)


def default_as_of(placements: pd.DataFrame) -> pd.Timestamp | None:
    """The latest ``start_date`` in the table (``None`` when there is none).

    End dates are ignored on purpose: planned end dates lie after the export day.

    Examples
    --------
    >>> p = pd.DataFrame({"start_date": pd.to_datetime(["2024-01-01", "2024-03-01"]),
    ...                   "end_date": pd.to_datetime(["2026-05-01", None])})
    >>> default_as_of(p)
    Timestamp('2024-03-01 00:00:00')
    """
    if "start_date" not in placements or len(placements) == 0:
        return None
    start = pd.to_datetime(placements["start_date"])
    return start.max() if start.notna().any() else None


def history_summary(placements: pd.DataFrame, as_of: AsOf, horizon_months: int,
                    labelled: pd.DataFrame | None = None) -> dict:
    """What a person should know about a history judged on ``as_of``.

    Keys: ``as_of`` (ISO date or None), ``reason``, ``total``, ``labelled``, ``durable``,
    ``not_durable``, ``censored`` (horizon not passed, still employed), ``future_end_dates``
    (end dates after ``as_of``: planned ends, the person was still employed on ``as_of``)
    and ``starts_after_as_of`` (placements that start after the reference date).
    ``labelled`` is the :func:`durable_labels` frame of ``placements`` when the caller
    already has it.
    """
    out: dict = {**as_of.to_dict(), "horizon_months": int(horizon_months)}
    if as_of.date is None or len(placements) == 0:
        return out | {"total": len(placements), "labelled": 0, "durable": 0, "not_durable": 0,
                      "censored": 0, "future_end_dates": 0, "starts_after_as_of": 0}
    if labelled is None:
        labelled = durable_labels(placements, horizon_months, as_of.date)
    counts = label_counts(labelled)
    end = (pd.to_datetime(placements["end_date"]) if "end_date" in placements
           else pd.Series(pd.NaT, index=placements.index))
    start = pd.to_datetime(placements["start_date"])
    return out | {
        "total": counts.total, "labelled": counts.labelled, "durable": counts.durable,
        "not_durable": counts.not_durable, "censored": counts.censored,
        "future_end_dates": int((end > as_of.date).sum()),
        "starts_after_as_of": int((start > as_of.date).sum()),
    }


def durable_labels(
    placements: pd.DataFrame,
    horizon_months: int = 6,
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Label every placement durable (1), not durable (0) or censored.

    Parameters
    ----------
    placements : DataFrame
        At least ``start_date`` and ``end_date`` (``NaT`` = still employed). Other columns are
        kept unchanged.
    horizon_months : int
        Calendar months after the start at which the person must still be employed.
    as_of : date-like, optional
        The day the outcomes are judged. Default: :func:`default_as_of` (the latest start
        date); callers with a dataset use :func:`resolve_as_of`.

    Returns
    -------
    DataFrame
        A copy with ``horizon_date`` (datetime), ``label`` (nullable ``Int8``: 1, 0 or missing
        when censored), ``censored`` (bool) and ``follow_up_complete`` (bool). ``result.attrs["label_counts"]`` holds the
        :class:`LabelCounts` as a dict and ``result.attrs["as_of"]`` the reference date.

    Examples
    --------
    >>> p = pd.DataFrame({
    ...     "start_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-10-01"]),
    ...     "end_date": pd.to_datetime([None, "2024-03-01", None])})
    >>> out = durable_labels(p, horizon_months=6, as_of="2025-01-01")
    >>> out["label"].tolist(), out["censored"].tolist()
    ([1, 0, <NA>], [False, False, True])
    """
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be >= 1, got {horizon_months}")
    out = placements.copy()
    start = pd.to_datetime(out["start_date"])
    end = pd.to_datetime(out["end_date"]) if "end_date" in out else pd.Series(pd.NaT, index=out.index)
    as_of_ts = default_as_of(out) if as_of is None else pd.Timestamp(as_of)
    horizon = start + pd.DateOffset(months=int(horizon_months))

    if as_of_ts is None:  # empty table
        known = pd.Series(False, index=out.index)
        complete = known
    else:
        complete = horizon <= as_of_ts
        ended_known = end.notna() & (end <= as_of_ts)
        known = (horizon <= as_of_ts) | (ended_known & (end < horizon))
    durable = end.isna() | (end >= horizon)

    label = pd.array(np.where(durable, 1, 0), dtype="Int8")
    label[~known.to_numpy()] = pd.NA
    out["horizon_date"] = horizon
    out["label"] = label
    out["censored"] = ~known.to_numpy()
    out["follow_up_complete"] = complete.to_numpy()
    counts = label_counts(out)
    out.attrs["label_counts"] = counts.to_dict()
    out.attrs["as_of"] = None if as_of_ts is None else as_of_ts.isoformat()
    return out


def label_counts(labelled: pd.DataFrame) -> LabelCounts:
    """Count durable, not-durable and censored rows of a :func:`durable_labels` frame."""
    censored = labelled["censored"].to_numpy(dtype=bool)
    label = labelled["label"].fillna(-1).to_numpy(dtype=int)
    complete = (
        labelled["follow_up_complete"].to_numpy(dtype=bool)
        if "follow_up_complete" in labelled
        else np.ones(len(labelled), dtype=bool)
    )
    return LabelCounts(
        total=len(labelled),
        durable=int(((label == 1) & ~censored).sum()),
        not_durable=int(((label == 0) & ~censored).sum()),
        censored=int(censored.sum()),
        early_endings=int(((label == 0) & ~censored & ~complete).sum()),
    )

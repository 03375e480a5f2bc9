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
recent sample towards failures. :mod:`matching.training` therefore learns from and evaluates on
placements with complete follow-up only and counts the early endings it leaves out.

``as_of`` defaults to the latest ``start_date`` or ``end_date`` in the placements table — the
last day the history demonstrably covers. That default is deterministic (the same table gives
the same labels on any day the code runs), unlike "today".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["LabelCounts", "default_as_of", "durable_labels", "label_counts"]


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


def default_as_of(placements: pd.DataFrame) -> pd.Timestamp | None:
    """The latest ``start_date`` or ``end_date`` in the table (``None`` when there is none).

    Examples
    --------
    >>> p = pd.DataFrame({"start_date": pd.to_datetime(["2024-01-01", "2024-03-01"]),
    ...                   "end_date": pd.to_datetime(["2024-05-01", None])})
    >>> default_as_of(p)
    Timestamp('2024-05-01 00:00:00')
    """
    dates = [pd.to_datetime(placements[c]) for c in ("start_date", "end_date") if c in placements]
    stamps = [d.max() for d in dates if len(d) and d.notna().any()]
    return max(stamps) if stamps else None


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
        The day the outcomes are judged. Default: :func:`default_as_of`.

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

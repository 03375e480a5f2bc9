"""Small random-draw and day-arithmetic helpers shared by the sample generator's steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def _days(date: str | pd.Timestamp) -> int:
    return int(np.datetime64(pd.Timestamp(date).date(), "D").astype(np.int64))


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _by_key(keys: np.ndarray, table: Mapping[str, Sequence[float]]) -> np.ndarray:
    """Row-wise probability matrix from a per-key table with a ``default`` row."""
    default = table.get("default")
    rows = {k: np.asarray(v, dtype=float) for k, v in table.items()}
    uniq, inv = np.unique(keys.astype(str), return_inverse=True)
    mat = np.stack([rows.get(k, default) for k in uniq]) if len(uniq) else np.zeros((0, 1))
    return mat[inv] if len(keys) else np.zeros((0, len(next(iter(rows.values())))))


def _subset(rng: np.random.Generator, n: int, pool: np.ndarray, k: np.ndarray,
            width: int) -> np.ndarray:
    """Membership (n, width) of ``k[i]`` distinct random items of ``pool`` per row."""
    out = np.zeros((n, width), dtype=bool)
    if n == 0 or len(pool) == 0:
        return out
    keys = rng.random((n, len(pool)))
    ranks = keys.argsort(axis=1).argsort(axis=1)
    chosen = ranks < np.minimum(k, len(pool))[:, None]
    rows, cols = np.nonzero(chosen)
    out[rows, pool[cols]] = True
    return out


def _rows_to_tuples(member: np.ndarray, codes: np.ndarray) -> list[tuple[str, ...]]:
    """Rows of a boolean membership matrix as tuples of codes."""
    rows, cols = np.nonzero(member)
    counts = np.bincount(rows, minlength=len(member))
    parts = np.split(codes[cols], np.cumsum(counts)[:-1]) if len(member) else []
    return [tuple(p) for p in parts]


def _iso(days: np.ndarray) -> pd.Series:
    """int days (``_NO_DAY`` = missing) as datetime64[ns]."""
    d = np.asarray(days, dtype=np.int64)
    out = d.astype("datetime64[D]").astype("datetime64[ns]")
    out[d == _NO_DAY] = np.datetime64("NaT")
    return pd.Series(out)


_NO_DAY = np.iinfo(np.int64).min
_MONTH_DAYS = 365.25 / 12
_HORIZON_DAYS = int(np.ceil(6 * _MONTH_DAYS))
"""Six months in days (183): a placement starting later than ``ref - 183`` is recent."""


def _aux(seed: int, stream: int) -> np.random.Generator:
    """An independent random stream per robustness knob, so that a knob left at its default
    draws nothing from the main stream and turning one knob on leaves the others' draws alone."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), 7919, stream])))


_STREAM_RECENT, _STREAM_FLIP, _STREAM_RENAME, _STREAM_PLANNED, _STREAM_BINDING = 1, 2, 3, 4, 5
_STREAM_COURSES, _STREAM_TENDERS = 6, 7
"""The course catalogue and the tender calendar draw from their own streams, after the rest."""

"""Reading table cells in canonical form: columns, lists, numbers, dates, codes and ranks.

Helpers of the profile encoders (:mod:`features.resolve`, :mod:`features.candidates`,
:mod:`features.vacancies`); a missing optional column reads as a column of ``default``.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["NO_DATE", "as_list", "codes", "column", "days", "floats", "ranks"]

NO_DATE = np.int32(np.iinfo(np.int32).min)
"""Sentinel for a missing date in the ``int32`` day arrays."""


def column(frame: pd.DataFrame, name: str, default: Any = None) -> pd.Series:
    """Column ``name`` of ``frame``, or a column of ``default`` when the frame lacks it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def as_list(value: Any) -> tuple[str, ...]:
    """A list cell as a tuple of str (a string splits on ``;`` and ``|``; missing is empty)."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, (list, np.ndarray)):
        return tuple(str(v) for v in value)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ()
    if isinstance(value, str):
        return tuple(s.strip() for s in re.split(r"[;|]", value) if s.strip())
    return ()


def floats(series: pd.Series) -> np.ndarray:
    """Numbers as float64 (``NaN`` when missing or not a number)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def days(series: pd.Series) -> np.ndarray:
    """Dates as int32 days since 1970-01-01, :data:`NO_DATE` when missing."""
    dates = pd.to_datetime(series, errors="coerce")
    out = np.full(len(dates), NO_DATE, dtype=np.int32)
    ok = dates.notna().to_numpy()
    if ok.any():
        values = dates[ok].to_numpy().astype("datetime64[D]").astype(np.int64)
        out[ok] = values.astype(np.int32)
    return out


def codes(series: pd.Series) -> list[str | None]:
    """Cells as str, ``None`` when missing."""
    return [None if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))
            else str(v) for v in series]


def ranks(series: pd.Series, table: dict[str, int]) -> np.ndarray:
    """Rank of each code in ``table`` as float64 (``NaN`` when unknown or missing)."""
    return np.array([float(table[v]) if v in table else np.nan for v in codes(series)],
                    dtype=np.float64)

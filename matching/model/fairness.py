"""Fairness audit of a scoring model by target group, age band, municipality and province.

Protected attributes are read from the ``audit_*`` columns of the placement-feature frame;
they are never model inputs (the AMS lesson, ``docs/`` and DOMAIN.md §6). For each attribute
and group the audit reports ``n``, the mean score, the observed durable rate and the group's
calibration error ``|mean score - observed rate|``.

* A group is **evaluated** when it has at least ``min_group_size`` (default 30) labelled
  placements; smaller groups are listed but never warned about (their rate is noise).
* A **warning** (the model systematically over- or under-estimates that group's chances) is
  raised for an evaluated group whose calibration error exceeds ``threshold`` (default 0.05,
  i.e. 5 percentage points) *and* is larger than sampling noise:
  ``z = |mean score - observed rate| / se >= z_min`` (default 2), with
  ``se = sqrt(sum p_i (1 - p_i)) / n`` the standard error of the observed rate if the scores
  were exactly right. Without the noise test a group of 30 placements (se ~ 0.09) would raise
  warnings by chance alone: on the sample data 11 of the 15 groups above the threshold were
  within two standard errors.
* Groups with fewer than ``min_report_size`` (default 10) placements show ``n`` only: the
  mean score and the observed rate of a handful of people come close to disclosing
  individual outcomes.

Age bands are computed from ``audit_birth_year`` and the placement's start year, for the audit
only: ``<27``, ``27-49``, ``>=50`` and ``unknown``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from matching.texts import format as fmt

__all__ = ["AUDIT_ATTRIBUTES", "FairnessAudit", "age_band", "audit_fairness"]

AUDIT_ATTRIBUTES: dict[str, str] = {
    "target_group": "audit_target_group",
    "age_band": "audit_birth_year",
    "municipality": "audit_municipality_code",
    "province": "audit_province",
}
"""Audited attribute -> the column of the placement-feature frame it comes from."""

_WARNING = {
    "nl": "{attribute} '{group}': gemiddelde score {mean} tegenover waargenomen {rate} "
          "duurzaam (n={n}); kalibratiefout {err} boven de drempel {thr} "
          "en {z} standaardfouten",
    "en": "{attribute} '{group}': mean score {mean} against an observed durable rate of "
          "{rate} (n={n}); calibration error {err} above the threshold {thr} "
          "and {z} standard errors",
}


class FairnessAudit(NamedTuple):
    """The audit table (one row per attribute and group) and the warnings raised."""

    table: pd.DataFrame
    warnings: list[str]


def age_band(birth_year: pd.Series, reference_year: pd.Series | int) -> pd.Series:
    """Age band at the reference year: ``<27``, ``27-49``, ``>=50`` or ``unknown``.

    Examples
    --------
    >>> age_band(pd.Series([2000, 1980, 1960, None]), 2024).tolist()
    ['<27', '27-49', '>=50', 'unknown']
    """
    age = pd.Series(reference_year, index=birth_year.index, dtype=float) - birth_year.astype(float)
    band = np.select([age < 27, age < 50, age >= 50], ["<27", "27-49", ">=50"], "unknown")
    return pd.Series(band, index=birth_year.index, dtype=object)


def audit_fairness(
    frame: pd.DataFrame,
    score_col: str = "score",
    label_col: str = "label",
    *,
    min_group_size: int = 30,
    threshold: float = 0.05,
    min_report_size: int = 10,
    z_min: float = 2.0,
    lang: str = "en",
) -> FairnessAudit:
    """Audit scores against outcomes per protected group.

    Parameters
    ----------
    frame : DataFrame
        Labelled placements with scores and the ``audit_*`` columns (missing ones are skipped);
        ``start_date`` is used for the age at placement.
    score_col, label_col : str
        Columns with the calibrated score and the durable label (0/1).
    min_group_size : int
        Groups smaller than this are not evaluated.
    threshold : float
        Calibration error above which an evaluated group raises a warning.
    min_report_size : int
        Groups smaller than this show ``n`` only.
    z_min : float
        How many standard errors the calibration error must exceed to warn.
    lang : {"en", "nl"}
        Language of the warnings.

    Returns
    -------
    FairnessAudit
        ``table`` with columns ``attribute``, ``group``, ``n``, ``mean_score``,
        ``observed_rate``, ``calibration_error``, ``gap`` (mean score minus observed rate:
        positive = over-predicted) with its 95% interval ``gap_low``–``gap_high`` (normal
        approximation, the outcome variance the scores imply), ``z``, ``evaluated``,
        ``warning``; and ``warnings``.
    """
    rows: list[dict[str, object]] = []
    messages: list[str] = []
    scores = frame[score_col].astype(float)
    labels = frame[label_col].astype(float)
    for attribute, column in AUDIT_ATTRIBUTES.items():
        if column not in frame:
            continue
        if attribute == "age_band":
            year = (
                pd.to_datetime(frame["start_date"]).dt.year
                if "start_date" in frame
                else pd.Timestamp.now().year
            )
            groups = age_band(frame[column], year)
        else:
            groups = frame[column].astype(object).where(frame[column].notna(), "unknown")
        data = pd.DataFrame({"g": groups.astype(str), "p": scores, "y": labels})
        for group, sub in data.groupby("g", sort=True):
            n = len(sub)
            mean, rate = float(sub["p"].mean()), float(sub["y"].mean())
            err = abs(mean - rate)
            se = float(np.sqrt((sub["p"] * (1 - sub["p"])).sum())) / n
            z = err / se if se > 0 else float("inf")
            evaluated = n >= min_group_size
            warn = bool(evaluated and err > threshold and z >= z_min)
            shown = n >= min_report_size
            gap = mean - rate
            rows.append({
                "attribute": attribute,
                "group": str(group),
                "n": n,
                "mean_score": mean if shown else float("nan"),
                "observed_rate": rate if shown else float("nan"),
                "calibration_error": err if shown else float("nan"),
                "gap": gap if shown else float("nan"),
                "gap_low": gap - 1.96 * se if shown else float("nan"),
                "gap_high": gap + 1.96 * se if shown else float("nan"),
                "z": z if shown else float("nan"),
                "evaluated": evaluated,
                "warning": warn,
            })
            if warn:
                shown = lang if lang in _WARNING else "en"
                messages.append(_WARNING[shown].format(
                    attribute=attribute, group=group, mean=fmt.percent(mean, shown),
                    rate=fmt.percent(rate, shown), n=fmt.number(n, shown),
                    err=fmt.percent(err, shown, 1), thr=fmt.percent(threshold, shown),
                    z=fmt.number(z, shown, 1)))
    columns = ["attribute", "group", "n", "mean_score", "observed_rate", "calibration_error",
               "gap", "gap_low", "gap_high", "z", "evaluated", "warning"]
    return FairnessAudit(pd.DataFrame(rows, columns=columns), messages)

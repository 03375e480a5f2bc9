"""Explain every score: occlusion factors and actionable what-ifs, in Dutch or English.

Reasons come from the **model features only** (``features.spec.FEATURE_NAMES``): the SROI value
and target-group eligibility are context columns of the pair table, never model inputs, so they
are never a reason for or against (a shortlist shows them as values).

**Factors** (occlusion / what-if against a reference): for each feature of a pair, the value is
replaced by its *reference value* (stored with the model at training: the median of the
training data, or the most common value for 0/1 features) and the change in calibrated
probability is measured. ``delta = p(actual) - p(with reference value)``: a positive delta is a
factor *for* (this value raises the chance compared with a typical pair), a negative one a
factor *against*. The ``top`` largest of each side are kept; changes below half a percentage
point are not shown.

**Counterfactuals** for what someone can act on:

* ``missing_required_certificates`` -> 0 (obtain the certificate),
* ``support_coverage`` -> 1 (the employer offers the support the person needs),
* ``dutch_gap`` -> +1 level (a language course; when the level is known and at most the
  required one),
* ``start_delay_days`` -> 0 (available at the start),
* ``required_skill_coverage`` -> 1 (all required skills, e.g. after training). It says plainly
  how much the missing skills weigh in the model's own terms: "0 of 3 skills, 92%" next to
  "with all required skills: 92% → 94%".

A counterfactual also moves the features derived from the same fact: none here (the five are
independent in :mod:`features.spec`). Every number and percentage in the sentences is formatted
by :mod:`matching.texts.format` (through :mod:`matching.texts.phrases`), the same formatter as
the shortlist table and the reports.

All perturbed rows of a batch are scored with **one** ``predict_proba`` call, so a few hundred
pairs are explained well within a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from features.spec import FEATURE_INDEX, FEATURE_NAMES
from matching.model.scoring import as_pipeline, limited_threads, to_feature_frame
from matching.texts.phrases import counterfactual_text, factor_text

__all__ = ["Counterfactual", "Explanation", "Factor", "explain_pairs", "reference_values"]

MIN_DELTA = 0.005
"""Smallest change in probability (half a percentage point) worth showing."""

COUNTERFACTUALS: tuple[str, ...] = (
    "missing_required_certificates", "support_coverage", "dutch_gap", "start_delay_days",
    "required_skill_coverage",
)


class Factor(NamedTuple):
    """A feature that moves the score: name, sentence and change in probability."""

    feature: str
    text: str
    delta: float


class Counterfactual(NamedTuple):
    """An actionable what-if: the feature changed, the sentence and the new score."""

    feature: str
    text: str
    new_score: float


@dataclass(frozen=True)
class Explanation:
    """Why one pair scores what it scores."""

    score: float
    factors_for: list[Factor] = field(default_factory=list)
    factors_against: list[Factor] = field(default_factory=list)
    counterfactuals: list[Counterfactual] = field(default_factory=list)
    lang: str = "nl"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what the CLI and HTTP API render)."""
        return {
            "score": self.score,
            "lang": self.lang,
            "factors_for": [f._asdict() for f in self.factors_for],
            "factors_against": [f._asdict() for f in self.factors_against],
            "counterfactuals": [c._asdict() for c in self.counterfactuals],
        }


def reference_values(X: pd.DataFrame) -> dict[str, float]:
    """Reference value per feature: the median, or the most common value of a 0/1 feature.

    Examples
    --------
    >>> X = pd.DataFrame({n: [0.0, 1.0, 1.0] for n in FEATURE_NAMES})
    >>> reference_values(X)["within_reach"]
    1.0
    """
    out: dict[str, float] = {}
    for name in FEATURE_NAMES:
        col = pd.to_numeric(X[name], errors="coerce").dropna()
        if col.empty:
            out[name] = float("nan")
        elif set(np.unique(col)) <= {0.0, 1.0}:
            out[name] = float(col.mode().iloc[0])
        else:
            out[name] = float(col.median())
    return out


MIN_CF_GAIN = 0.01
"""A counterfactual is shown only when it raises the probability by at least 1 point."""


def _counterfactual_value(feature: str, x: float) -> float | None:
    """The what-if value for an actionable feature, or None when it does not apply."""
    if np.isnan(x):
        return None
    if feature == "missing_required_certificates":
        return 0.0 if x > 0 else None
    if feature == "support_coverage":
        return 1.0 if x < 1 else None
    if feature == "dutch_gap":
        return x + 1.0 if x <= 0 else None
    if feature == "start_delay_days":
        return 0.0 if x > 0 else None
    if feature == "required_skill_coverage":
        return 1.0 if x < 1 else None
    return None


def explain_pairs(
    model: Any,
    X: pd.DataFrame | np.ndarray,
    reference: Mapping[str, float] | None = None,
    lang: str = "nl",
    top: int = 3,
) -> list[Explanation]:
    """Explain the scores of a batch of pairs.

    Parameters
    ----------
    model : LoadedModel or fitted Pipeline
        The scoring model (anything with ``predict_proba`` over the ``FEATURE_NAMES`` frame).
    X : DataFrame or ndarray, shape (n, len(FEATURE_NAMES))
        Pair features.
    reference : mapping, optional
        Reference value per feature; default ``model.metadata["reference"]``.
    lang : {"nl", "en"}
        Language of the sentences.
    top : int
        Factors to keep on each side.

    Returns
    -------
    list of Explanation
        One per row of ``X``, in order.
    """
    if reference is None:
        metadata = getattr(model, "metadata", None) or {}
        reference = metadata.get("reference")
        if reference is None:
            raise ValueError("no reference values: pass `reference` or a model with metadata")
    pipeline = as_pipeline(model)
    frame = to_feature_frame(X)
    n, p = frame.shape
    if n == 0:
        return []
    base = frame.to_numpy(dtype=float)
    ref = np.array([np.nan if reference.get(name) is None else float(reference[name])
                    for name in FEATURE_NAMES])

    # Occlusion block: n*p rows, row i*p + j = pair i with feature j set to its reference.
    occluded = np.repeat(base, p, axis=0)
    cols = np.tile(np.arange(p), n)
    occluded[np.arange(n * p), cols] = ref[cols]

    # Counterfactual block.
    cf_rows: list[np.ndarray] = []
    cf_meta: list[tuple[int, str]] = []
    for name in COUNTERFACTUALS:
        j = FEATURE_INDEX[name]
        for i in range(n):
            value = _counterfactual_value(name, base[i, j])
            if value is not None:
                row = base[i].copy()
                row[j] = value
                cf_rows.append(row)
                cf_meta.append((i, name))

    blocks = [base, occluded]
    if cf_rows:
        blocks.append(np.vstack(cf_rows))
    with limited_threads(1):  # small batches: OpenMP start-up would dominate
        proba = pipeline.predict_proba(
            pd.DataFrame(np.vstack(blocks), columns=list(FEATURE_NAMES)))[:, 1]
    score = proba[:n]
    deltas = score[:, None] - proba[n:n + n * p].reshape(n, p)
    cf_scores = proba[n + n * p:]

    cfs: list[list[Counterfactual]] = [[] for _ in range(n)]
    for (i, name), new in zip(cf_meta, cf_scores, strict=True):
        if float(new) - float(score[i]) < MIN_CF_GAIN:
            continue  # a what-if that changes nothing is not worth showing
        text = counterfactual_text(name, float(score[i]), float(new), lang)
        cfs[i].append(Counterfactual(name, text, float(new)))

    out: list[Explanation] = []
    for i in range(n):
        order = np.argsort(-np.abs(deltas[i]), kind="stable")
        pros: list[Factor] = []
        cons: list[Factor] = []
        for j in order:
            d = float(deltas[i, j])
            if abs(d) < MIN_DELTA:
                break
            if np.isnan(base[i, j]):
                continue  # an unknown value is no reason for or against
            side = pros if d > 0 else cons
            if len(side) < top:
                name = FEATURE_NAMES[j]
                side.append(Factor(name, factor_text(name, base[i, j], d, lang), d))
        if not pros and not cons:  # every effect is tiny: still name the largest one
            known = [j for j in order if not np.isnan(base[i, j]) and deltas[i, j] != 0]
            if known:
                j = known[0]
                d = float(deltas[i, j])
                (pros if d > 0 else cons).append(
                    Factor(FEATURE_NAMES[j], factor_text(FEATURE_NAMES[j], base[i, j], d, lang), d))
        out.append(Explanation(float(score[i]), pros, cons, cfs[i], lang))
    return out

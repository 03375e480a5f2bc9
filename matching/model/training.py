"""Train the durable-placement model on the placement history.

The recipe, step by step:

1. **Features**: :func:`features.history.placement_features` gives one row per placement with
   the pair features of :mod:`features.spec` (candidate profile as at placement) and
   ``audit_*`` columns that are used for the fairness audit only.
2. **Labels**: :func:`matching.model.labels.durable_labels` (durable = still employed
   ``settings.horizon_months`` calendar months after start). Censored placements are dropped
   and counted, never treated as negatives. Placements whose follow-up window is still open
   but which already ended (a known 0) are dropped as well and counted
   (``early_endings_excluded``): keeping them while their durable peers are censored would
   over-represent failures among recent placements and bias both the model and the test
   metrics (on synthetic data with a known truth, keeping them shifted the test base rate by
   7 points and made even the oracle look miscalibrated).
3. **Split** (:func:`time_grouped_split`): time-aware and grouped by candidate. Placements are
   ordered by ``start_date``; the test set holds the latest placements (on or after a cut-off
   date) and every training placement starts before every test placement. No person is in
   both sets: by default the test-period placements of candidates who were placed before the
   cut-off are left out of the test set (``split_drop="test"``). Removing those candidates'
   earlier placements from training instead (``split_drop="train"``) selects on the future
   outcome — people are placed again because their placement ended — and biased the model
   upwards by ~5 points on the sample data; see :func:`time_grouped_split`.
4. **Model**: a scikit-learn ``Pipeline`` that selects the ``FEATURE_NAMES`` columns and feeds
   ``CalibratedClassifierCV(HistGradientBoostingClassifier(monotonic_cst=MONOTONIC_CST))``.
   Gradient boosting handles missing values natively (UWV's lesson: expect missing data) and
   the monotone constraints encode the expected direction of every feature, so e.g. a longer
   travel distance never raises a score. Calibration uses **isotonic** regression over
   5 folds grouped by candidate (``GroupKFold``): on the sample data it met the ECE target of
   0.03 where the sigmoid was worse in the tails (see ``docs``); ``calibration="sigmoid"``
   remains available for small histories (< ~1,000 placements) where isotonic overfits.
5. **Baseline**: logistic regression with median imputation (plus missing indicators) and
   scaling, trained and evaluated in the same run.
6. **Evaluation** on the test split: model, baseline and — for generated sample data with a
   known truth — the oracle (true probabilities of the same test pairs), plus the fairness
   audit of the model's test scores, and a candidate-grouped bootstrap 95% interval of the
   model's ECE and ROC AUC and of its AUC gap to the oracle (``metrics["model"]``:
   ``ece_ci_low`` … ``auc_gap_ci_high``).
   Because one test period of ~1,000 placements measures a 10-bin ECE with a noise floor of
   ~0.03 (the oracle itself scores ~0.035 there), the run also does a **rolling-origin**
   evaluation (:func:`rolling_origin_splits`): ``CV_ORIGINS`` expanding-window folds, each
   trained on every placement before a cut-off date and tested on the next period, with the
   same candidate rule as the main split. The pooled out-of-fold predictions (~3,000
   placements on the sample) give ``TrainResult.cv_metrics`` (model, baseline, oracle;
   ``metrics_cv`` in the metadata) with the same metrics and bootstrap intervals.
7. **Refit**: the reported metrics come from the models fitted on the training split; the
   artifact that gets registered is then refitted on *all* labelled placements (train and
   test), so the newest outcomes inform the model that is used. The metrics are therefore a
   slightly pessimistic estimate for the registered artifact.

Training is single-threaded (one OpenMP thread, calibration folds in sequence): on a small
shared machine thread contention made parallel fits slower, and the result is the same either
way. ``settings.n_jobs`` parallelises batch scoring only.

The steps live in their own modules: :mod:`matching.model.splits` (step 3 and the rolling
origins), :mod:`matching.model.estimators` (steps 4, 5 and 7: building and fitting the
pipelines), :mod:`matching.model.evaluation` (step 6 and the training-time check of the
current pool) and :mod:`matching.model.train_result` (:class:`TrainResult`). This module runs
them in order (:func:`train_from_frame`, :func:`train_model`) and re-exports their public names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from features.spec import FEATURE_NAMES
from matching.core.errors import NoTrainingDataError
from matching.model.estimators import (
    CV_FOLDS,
    HGB_PARAMS,
    MIN_LABELLED,
    MIN_PER_CLASS,
    _fit_baseline,
    _fit_model,
    _importance,
    _proba,
    build_baseline,
    build_model,
)
from matching.model.evaluation import (
    N_BOOTSTRAP,
    POOL_CHECK_MAX_PAIRS,
    _rolling_origin,
    check_current_pool,
    evaluate_test,
)
from matching.model.explain import reference_values
from matching.model.labels import AsOf, durable_labels, history_summary, label_counts, resolve_as_of
from matching.model.sanity import feature_profile
from matching.model.splits import (
    CV_FIRST_TRAIN_FRACTION,
    CV_ORIGINS,
    rolling_origin_splits,
    time_grouped_split,
)
from matching.model.train_result import TrainResult, data_fingerprint

if TYPE_CHECKING:
    from matching.core.config import Settings
    from matching.data.dataset import Dataset

__all__ = [
    "HGB_PARAMS",
    "TrainResult",
    "build_baseline",
    "build_model",
    "data_fingerprint",
    "rolling_origin_splits",
    "time_grouped_split",
    "train_from_frame",
    "train_model",
]
# also re-exported from the step modules (public names of the former single module)
__all__ += [
    "CV_FIRST_TRAIN_FRACTION",
    "CV_FOLDS",
    "CV_ORIGINS",
    "MIN_LABELLED",
    "MIN_PER_CLASS",
    "N_BOOTSTRAP",
    "POOL_CHECK_MAX_PAIRS",
    "check_current_pool",
]

log = logging.getLogger(__name__)


def train_from_frame(
    frame: pd.DataFrame,
    settings: Settings,
    *,
    as_of: AsOf | str | pd.Timestamp | None = None,
    test_fraction: float = 0.25,
    truth: Any = None,
    calibration: str = "isotonic",
    model_params: Mapping[str, Any] | None = None,
    split_drop: str = "test",
) -> TrainResult:
    """Train, evaluate and refit on a placement-feature frame (see :func:`train_model`).

    ``frame`` holds ``placement_id``, ``candidate_id``, ``vacancy_id``, ``start_date``,
    ``end_date``, the ``FEATURE_NAMES`` columns and optionally ``audit_*`` columns.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    if not isinstance(as_of, AsOf):
        as_of = (resolve_as_of(frame) if as_of is None else resolve_as_of(frame, given=as_of))
    labelled_all = durable_labels(frame, settings.horizon_months, as_of.date)
    history = history_summary(frame, as_of, settings.horizon_months, labelled_all)
    counts_all = label_counts(labelled_all)
    as_of_text = labelled_all.attrs.get("as_of") or ""
    usable = ~labelled_all["censored"] & labelled_all["follow_up_complete"]
    labelled = labelled_all.loc[usable].reset_index(drop=True)
    labelled["label"] = labelled["label"].astype(int)
    n_durable = int(labelled["label"].sum())
    n_not = len(labelled) - n_durable
    if len(labelled) < MIN_LABELLED or min(n_durable, n_not) < MIN_PER_CLASS:
        raise NoTrainingDataError(
            f"not enough placement outcomes to train a model: {len(labelled)} placements "
            f"with a complete {settings.horizon_months}-month follow-up ({n_durable} durable, "
            f"{n_not} not durable; {counts_all.censored} censored); at least {MIN_LABELLED} "
            f"with {MIN_PER_CLASS} of each outcome are needed. Add placement history "
            "(placements table) or use a shorter horizon."
        )

    train_idx, test_idx, n_dropped = time_grouped_split(labelled, test_fraction, drop=split_drop)
    train, test = labelled.iloc[train_idx], labelled.iloc[test_idx].copy()
    if len(train) < MIN_LABELLED // 2 or train["label"].nunique() < 2 or len(test) < 10:
        raise NoTrainingDataError(
            f"the time-aware split left {len(train)} training and {len(test)} test placements "
            "(too few, or one outcome only); add placement history"
        )
    X_train, y_train = train.loc[:, list(FEATURE_NAMES)], train["label"].to_numpy()
    X_test, y_test = test.loc[:, list(FEATURE_NAMES)], test["label"].to_numpy()
    groups_train = train["candidate_id"].astype(str).to_numpy()
    timings["prepare"] = time.perf_counter() - t0

    t = time.perf_counter()
    eval_pipeline = _fit_model(
        build_model(settings.seed, calibration, 1, model_params),
        X_train, y_train, groups_train,
    )
    eval_baseline = _fit_baseline(X_train, y_train)
    timings["fit_eval"] = time.perf_counter() - t

    t = time.perf_counter()
    test["score"] = _proba(eval_pipeline, X_test)
    test["baseline_score"] = _proba(eval_baseline, X_test)
    metrics, reliability, fairness = evaluate_test(test, truth, settings.seed)
    timings["evaluate"] = time.perf_counter() - t

    t = time.perf_counter()
    cv_metrics, cv_reliability, cv_folds = _rolling_origin(
        labelled, settings, truth=truth, calibration=calibration, model_params=model_params,
        split_drop=split_drop)
    timings["rolling_origin"] = time.perf_counter() - t

    t = time.perf_counter()
    importance = _importance(eval_pipeline, X_test, y_test, settings.seed)
    timings["importance"] = time.perf_counter() - t

    t = time.perf_counter()
    X_all, y_all = labelled.loc[:, list(FEATURE_NAMES)], labelled["label"].to_numpy()
    pipeline = _fit_model(
        build_model(settings.seed, calibration, 1, model_params),
        X_all, y_all, labelled["candidate_id"].astype(str).to_numpy(),
    )
    baseline = _fit_baseline(X_all, y_all)
    timings["fit_final"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    counts = {
        **{f"placements_{k}": v for k, v in counts_all.to_dict().items()},
        "train": len(train),
        "test": len(test),
        "censored": counts_all.censored,
        "early_endings_excluded": counts_all.early_endings,
        "dropped_candidate_on_both_sides": n_dropped,
        "final": len(labelled),
        "future_end_dates": history["future_end_dates"],
        "starts_after_as_of": history["starts_after_as_of"],
    }
    params = {
        "horizon_months": settings.horizon_months,
        "as_of_reason": as_of.reason,
        "seed": settings.seed,
        "test_fraction": test_fraction,
        "split_drop": split_drop,
        "calibration": calibration,
        "cv": f"GroupKFold({CV_FOLDS}) by candidate",
        "hgb": {**HGB_PARAMS, **(model_params or {})},
        "baseline": "LogisticRegression + median imputation + indicators + scaling",
        "test_period_start": str(pd.Timestamp(test["start_date"].min()).date()),
        "rolling_origin": f"{CV_ORIGINS} expanding-window folds after the first "
                          f"{CV_FIRST_TRAIN_FRACTION:.0%} of placements, pooled",
        "bootstrap": f"{N_BOOTSTRAP} candidate-grouped resamples, 95% percentile intervals",
    }
    log.info(
        "trained on %d placements (%d test, %d censored, %d dropped) in %.1f s",
        len(train), len(test), counts_all.censored, n_dropped, timings["total"],
    )
    keep = [c for c in test.columns if c != "end_date"]
    return TrainResult(
        pipeline=pipeline,
        baseline=baseline,
        eval_pipeline=eval_pipeline,
        eval_baseline=eval_baseline,
        test=test.loc[:, keep].reset_index(drop=True),
        metrics=metrics,
        reliability=reliability,
        fairness=fairness,
        counts=counts,
        reference=reference_values(X_all),
        params=params,
        fingerprint=data_fingerprint(labelled),
        as_of=as_of_text,
        timings=timings,
        cv_metrics=cv_metrics,
        cv_reliability=cv_reliability,
        cv_folds=cv_folds,
        feature_profile={**feature_profile(X_all, y_all), "importance": importance},
        history=history,
        importance=importance,
    )



def train_model(
    dataset: Dataset,
    settings: Settings,
    *,
    as_of: str | pd.Timestamp | None = None,
    test_fraction: float = 0.25,
    truth: Any = None,
    calibration: str = "isotonic",
    model_params: Mapping[str, Any] | None = None,
    split_drop: str = "test",
) -> TrainResult:
    """Train the durable-placement model on a dataset's placement history.

    Parameters
    ----------
    dataset : Dataset
        Needs a non-empty ``placements`` table.
    settings : Settings
        ``horizon_months``, ``seed``, ``n_jobs`` are used.
    as_of : date-like, optional
        Day the outcomes are judged; default :func:`matching.model.labels.resolve_as_of`: the
        dataset's declared extraction date, else the latest start date, never after today.
    test_fraction : float
        Share of the (latest) placements held out for evaluation.
    truth : GroundTruth, optional
        Known true probabilities (generated sample data): adds oracle metrics.
    calibration : {"isotonic", "sigmoid"}
    model_params : mapping, optional
        Overrides of :data:`HGB_PARAMS`.
    split_drop : {"test", "train"}
        Which side loses the placements of candidates seen on both sides of the cut-off
        (see :func:`time_grouped_split`).

    Returns
    -------
    TrainResult

    Raises
    ------
    NoTrainingDataError
        No placements, or too few known outcomes to learn from.
    """
    placements = dataset.placements
    if placements is None or len(placements) == 0:
        raise NoTrainingDataError(
            "the dataset has no placement history (placements table), so there is nothing to "
            "train a scoring model on; add placements with start and end dates"
        )
    from features.history import placement_features
    from features.profiles import build_profiles

    t = time.perf_counter()
    profiles = build_profiles(dataset, settings)
    frame = placement_features(dataset, profiles, settings)
    seconds = time.perf_counter() - t
    log.info("built features of %d placements in %.1f s", len(frame), seconds)
    reference = resolve_as_of(placements, getattr(dataset, "extraction_date", None), given=as_of)
    result = train_from_frame(frame, settings, as_of=reference, test_fraction=test_fraction,
                              truth=truth, calibration=calibration, model_params=model_params,
                              split_drop=split_drop)
    result.timings["features"] = seconds
    t = time.perf_counter()
    report = check_current_pool(dataset, result.pipeline, result.feature_profile, settings)
    result.sanity = None if report is None else report.to_dict()
    result.timings["sanity"] = time.perf_counter() - t
    result.timings["total"] += seconds + result.timings["sanity"]
    if report is not None and not report.ok:
        for message in report.messages("en"):
            log.warning("sanity check: %s", message)
    return result

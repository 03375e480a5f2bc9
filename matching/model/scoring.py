"""Score pair features with a registered model (scoring never trains).

:func:`score_features` turns a pair-feature matrix into calibrated durable-placement
probabilities; large inputs are split into chunks scored in parallel with joblib. A missing
model is :class:`~matching.core.errors.ModelError` from the registry, saying how to train one;
training when none exists is a use case (:func:`matching.workflows.train.ensure_model`).

OpenMP threads of the gradient-boosting predictor are capped at ``n_jobs`` while scoring: on a
shared machine oversubscribed OpenMP threads slow scoring down by an order of magnitude, and
chunk-level parallelism with joblib scales more predictably.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from features.spec import FEATURE_NAMES, PAIR_COLUMNS

if TYPE_CHECKING:
    pass

__all__ = ["as_pipeline", "limited_threads", "score_features", "to_feature_frame"]

log = logging.getLogger(__name__)

SMALL_BATCH = 2_000
"""Batches smaller than this are scored on one thread (thread start-up would dominate)."""


@contextmanager
def limited_threads(n: int = 1) -> Iterator[None]:
    """Cap OpenMP/BLAS threads at ``n`` (at least 1) inside the block."""
    with threadpool_limits(limits=max(int(n), 1)):
        yield


def as_pipeline(model: Any) -> Any:
    """The fitted estimator behind a :class:`~matching.model.registry.LoadedModel` or a Pipeline."""
    pipeline = getattr(model, "pipeline", model)
    if not hasattr(pipeline, "predict_proba"):
        raise TypeError(f"expected a LoadedModel or a fitted classifier, got {type(model).__name__}")
    return pipeline


def to_feature_frame(X: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """The ``FEATURE_NAMES`` frame (float, in spec order) from a frame or an ``(n, p)`` array.

    Extra columns of a frame (ids, audit and context columns) are dropped; missing ones are an
    error. An array may be the model features only or the whole pair matrix of
    :func:`features.pairs.pair_features` (``PAIR_COLUMNS``, features first).
    """
    if isinstance(X, pd.DataFrame):
        missing = [n for n in FEATURE_NAMES if n not in X.columns]
        if missing:
            raise ValueError(f"feature frame lacks columns {missing}")
        return X.loc[:, list(FEATURE_NAMES)].astype(float)
    arr = np.asarray(X, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == len(PAIR_COLUMNS):
        arr = arr[:, :len(FEATURE_NAMES)]
    if arr.ndim != 2 or arr.shape[1] != len(FEATURE_NAMES):
        raise ValueError(
            f"feature array must have shape (n, {len(FEATURE_NAMES)}), got {arr.shape}"
        )
    return pd.DataFrame(arr, columns=list(FEATURE_NAMES))


def _predict(pipeline: Any, X: np.ndarray) -> np.ndarray:
    with limited_threads(1):
        return pipeline.predict_proba(to_feature_frame(X))[:, 1]


def score_features(
    model: Any, X: pd.DataFrame | np.ndarray, *, n_jobs: int = 1, chunk: int = 200_000
) -> np.ndarray:
    """Durable-placement probability of each pair.

    Parameters
    ----------
    model : LoadedModel or fitted Pipeline
    X : DataFrame or ndarray, shape (n, len(FEATURE_NAMES))
    n_jobs : int
        Parallel workers for inputs larger than ``chunk`` (joblib threads: the tree predictor
        releases the GIL, so threads scale without copying the model to worker processes);
        smaller inputs are scored in one call with at most ``n_jobs`` OpenMP threads.
    chunk : int
        Rows per chunk.

    Returns
    -------
    ndarray of float, shape (n,)
    """
    pipeline = as_pipeline(model)
    arr = to_feature_frame(X).to_numpy(dtype=float)
    n = len(arr)
    if n == 0:
        return np.empty(0, dtype=float)
    start = time.perf_counter()
    workers = (os.cpu_count() or 1) if n_jobs < 0 else max(int(n_jobs), 1)
    if n <= chunk or workers == 1:
        # One call; OpenMP threads only pay off beyond a few thousand rows.
        with limited_threads(workers if n >= SMALL_BATCH else 1):
            out = pipeline.predict_proba(pd.DataFrame(arr, columns=list(FEATURE_NAMES)))[:, 1]
    else:
        parts = Parallel(n_jobs=workers, prefer="threads")(
            delayed(_predict)(pipeline, arr[i:i + chunk]) for i in range(0, n, chunk)
        )
        out = np.concatenate(parts)
    log.debug("scored %d pairs in %.3f s", n, time.perf_counter() - start)
    return np.asarray(out, dtype=float)

"""Train, register and promote a model: the use case of ``sroi-match train``.

:func:`train_and_register` is what the CLI (and the coming web application) call: train on the
placement history, compare with the active model on placements neither was trained on,
register the new version with its model card and report, and promote it unless it fails the
sanity checks. :func:`ensure_model` gives the active model, training one first when a registry
has none (a first shortlist or assignment on a new installation).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching.core.config import Settings
from matching.data.dataset import Dataset
from matching.model.registry import LoadedModel, Registry
from matching.model.training import TrainResult, train_model

__all__ = ["TrainOutcome", "ensure_model", "register_model", "train_and_register"]

log = logging.getLogger(__name__)


def register_model(registry: Registry, result: TrainResult, *, activate: bool = False,
                   lang: str = "nl", report: bool = True) -> str:
    """Register ``result`` with its model card (and, with ``report``, the HTML report)."""
    from matching.reports.model_report import render_model_card, write_report

    def documents(folder: Path, metadata: dict[str, Any]) -> None:
        (folder / "model_card.md").write_text(render_model_card(metadata, lang=lang),
                                              encoding="utf-8")
        if report:
            write_report(result, folder, lang=lang, version=metadata["version"])

    return registry.register(result, activate=activate, documents=documents)


def ensure_model(dataset: Dataset, settings: Settings, registry: Registry) -> LoadedModel:
    """The registry's active model, training, registering and activating one when none exists.

    Returns
    -------
    LoadedModel
        ``freshly_trained`` is True when the model was trained by this call.

    Raises
    ------
    NoTrainingDataError
        No active model and no usable placement history to train one.
    ArtifactError
        The active model exists but cannot be loaded safely.
    """
    if registry.active() is not None:
        return registry.load()
    log.info("no active model in the registry: training one from the placement history")
    result = train_model(dataset, settings)
    version = register_model(registry, result, activate=True, lang=settings.lang)
    loaded = registry.load(version)
    log.info("trained, registered and activated model %s", version)
    return loaded.with_flag(freshly_trained=True)


@dataclass
class TrainOutcome:
    """What ``train`` did: the new version, whether it was promoted, and the payload shown."""

    version: str
    promoted: bool
    refused: bool
    payload: dict[str, Any]


def train_and_register(registry: Registry, dataset: Dataset, settings: Settings, *,
                       as_of: str | None = None, truth: Any = None, promote: bool = False,
                       force: bool = False, progress: Any = None) -> TrainOutcome:
    """Train, compare with the active model, register, and promote when allowed.

    The new model is made active with ``promote`` or when the registry has no active model,
    unless it fails the sanity checks and ``force`` is not given (``refused``). Call under
    :meth:`Registry.lock` to keep other writers out for the whole training.
    """
    import contextlib

    from matching.model.compare import compare_with_active

    step = progress or (lambda label: contextlib.nullcontext())
    with step("training"):
        result = train_model(dataset, settings, as_of=as_of, truth=truth)
    previous = registry.active()
    comparison = compare_with_active(registry, result) if previous else None
    result.comparison = comparison
    sanity = result.sanity or {}
    failed = bool(sanity.get("warnings"))
    refused = failed and not force and (promote or previous is None)
    activate = (promote or previous is None) and not refused
    version = register_model(registry, result, activate=activate, lang=settings.lang)
    payload = {
        "version": version,
        "active": registry.active(),
        "promoted": activate,
        "previous_active": previous,
        "counts": result.counts,
        "metrics": result.metrics,
        "metrics_cv": result.cv_metrics,
        "comparison_with_active": comparison,
        "fairness_warnings": list(result.fairness.warnings),
        "history": result.history,
        "sanity": sanity,
        "promotion_refused": refused,
        "report": str(Path(registry.path) / version / "report.html"),
        "timings_s": result.timings,
    }
    return TrainOutcome(version=version, promoted=activate, refused=refused, payload=payload)

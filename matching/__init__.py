"""sroi-match: explained shortlists, durable-placement scoring and optimal regional assignment
for Social Return (SROI) obligations.

The public API is listed in ``__all__`` (a test guards it). Names are imported lazily on first
use, so ``import matching`` is cheap and does nothing at import time.

Examples
--------
>>> import matching
>>> "solve_assignment" in matching.__all__
True
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # data
    "Dataset": "matching.data.dataset",
    "LoadResult": "matching.data.loading",
    "load_dataset": "matching.data.loading",
    "validate": "matching.data.validation",
    "render_problems": "matching.data.validation",
    "Settings": "matching.core.config",
    "load_settings": "matching.core.config",
    # sample data
    "generate": "matching.synthetic.sample",
    "write_sample": "matching.synthetic.sample",
    "load_truth": "matching.synthetic.sample",
    # model
    "train_model": "matching.model.training",
    "TrainResult": "matching.model.training",
    "Registry": "matching.model.registry",
    "LoadedModel": "matching.model.registry",
    "ensure_model": "matching.workflows.train",
    "score_features": "matching.model.scoring",
    "explain_pairs": "matching.model.explain",
    "Explanation": "matching.model.explain",
    # shortlists
    "Matcher": "matching.workflows.shortlist",
    "ShortlistResult": "matching.workflows.shortlist_result",
    "ShortlistRow": "matching.workflows.shortlist_result",
    # assignment
    "run_assignment": "matching.workflows.assign",
    "AssignOptions": "matching.workflows.assign",
    "AssignmentRun": "matching.workflows.assign",
    "AssignSummary": "matching.workflows.assign_summary",
    "write_outputs": "matching.reports.assign_outputs",
    "solve_assignment": "matching.optimize",
    "solve_sroi_assignment": "matching.optimize",
    "AssignmentResult": "matching.optimize",
    "greedy_assignment": "matching.optimize.baselines",
    "sequential_assignment": "matching.optimize.baselines",
    # errors
    "SroiMatchError": "matching.core.errors",
    "DataError": "matching.core.errors",
    "ValidationError": "matching.core.errors",
    "UnknownIdError": "matching.core.errors",
    "InputFileError": "matching.core.errors",
    "ModelError": "matching.core.errors",
    "NoTrainingDataError": "matching.core.errors",
    "ArtifactError": "matching.core.errors",
    "SolverError": "matching.core.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'matching' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

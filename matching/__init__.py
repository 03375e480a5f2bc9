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
    "Dataset": "matching.dataset",
    "LoadResult": "matching.loading",
    "load_dataset": "matching.loading",
    "validate": "matching.validation",
    "render_problems": "matching.validation",
    "Settings": "matching.config",
    "load_settings": "matching.config",
    # sample data
    "generate": "matching.sample",
    "write_sample": "matching.sample",
    "load_truth": "matching.sample",
    # model
    "train_model": "matching.training",
    "TrainResult": "matching.training",
    "Registry": "matching.registry",
    "LoadedModel": "matching.registry",
    "ensure_model": "matching.scoring",
    "score_features": "matching.scoring",
    "explain_pairs": "matching.explain",
    "Explanation": "matching.explain",
    # shortlists
    "Matcher": "matching.shortlist",
    "ShortlistResult": "matching.shortlist",
    # assignment
    "run_assignment": "matching.assign",
    "AssignOptions": "matching.assign",
    "AssignmentRun": "matching.assign",
    "write_outputs": "matching.assign_outputs",
    "solve_assignment": "matching.optimize",
    "solve_sroi_assignment": "matching.optimize",
    "AssignmentResult": "matching.optimize",
    "greedy_assignment": "matching.baselines",
    "sequential_assignment": "matching.baselines",
    # errors
    "SroiMatchError": "matching.errors",
    "DataError": "matching.errors",
    "ValidationError": "matching.errors",
    "UnknownIdError": "matching.errors",
    "InputFileError": "matching.errors",
    "ModelError": "matching.errors",
    "NoTrainingDataError": "matching.errors",
    "ArtifactError": "matching.errors",
    "SolverError": "matching.errors",
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

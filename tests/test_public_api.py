"""The public API of ``matching``: the names in ``__all__`` cannot drift unnoticed.

Adding or removing a public name is a deliberate change: update :data:`PUBLIC` here too.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

import matching
from matching import errors

PUBLIC = {
    # data
    "Dataset", "LoadResult", "load_dataset", "validate", "render_problems", "Settings",
    "load_settings",
    # sample data
    "generate", "write_sample", "load_truth",
    # model
    "train_model", "TrainResult", "Registry", "LoadedModel", "ensure_model", "score_features",
    "explain_pairs", "Explanation",
    # shortlists
    "Matcher", "ShortlistResult",
    # assignment
    "run_assignment", "AssignOptions", "AssignmentRun", "write_outputs", "solve_assignment",
    "solve_sroi_assignment", "AssignmentResult", "greedy_assignment", "sequential_assignment",
    # errors
    "SroiMatchError", "DataError", "ValidationError", "UnknownIdError", "InputFileError",
    "ModelError", "NoTrainingDataError", "ArtifactError", "SolverError",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(matching.__all__) == PUBLIC
    assert matching.__all__ == sorted(matching.__all__)
    assert len(matching.__all__) == len(set(matching.__all__))


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_name_resolves_to_its_defining_object(name: str) -> None:
    value = getattr(matching, name)
    module = importlib.import_module(value.__module__)
    assert getattr(module, name) is value
    assert inspect.getdoc(value), f"{name} needs a docstring"


def test_readme_imports_work() -> None:
    from matching import (  # noqa: F401  (the README's example)
        Matcher,
        Registry,
        ensure_model,
        load_dataset,
        run_assignment,
        solve_assignment,
    )


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        matching.no_such_thing  # noqa: B018


def test_dir_lists_the_public_names() -> None:
    assert set(dir(matching)) >= PUBLIC


def test_every_error_is_public_and_in_the_hierarchy() -> None:
    assert set(errors.__all__) <= PUBLIC
    for name in errors.__all__:
        assert issubclass(getattr(matching, name), matching.SroiMatchError)


def test_import_is_lazy_and_cheap() -> None:
    """``import matching`` loads none of the heavy libraries (nothing happens at import)."""
    code = ("import sys, matching; heavy = [m for m in ('pandas', 'sklearn', 'ortools', 'numpy') "
            "if m in sys.modules]; print(','.join(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == ""

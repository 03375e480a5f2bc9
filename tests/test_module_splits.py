"""The split of the sample generator, the ground truth and model training into modules of one job
(issue 13, item 7): every public name stays importable from its old module path, and no
module of the split grows past the size limit or loses its one-line job description."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

OLD_PUBLIC_NAMES: dict[str, tuple[str, ...]] = {
    # the ``__all__`` of each module before the split
    "matching.synthetic.sample": (
        "GENERATOR_VERSION", "TARGET_GROUP_MIX", "SampleData", "base_rate_shift_for",
        "generate", "load_truth", "render_tables", "write_sample",
    ),
    "matching.synthetic.ground_truth": (
        "ISLAND_MUNICIPALITIES", "Coefficients", "GroundTruth", "haversine_km",
    ),
    "matching.model.training": (
        "HGB_PARAMS", "TrainResult", "build_baseline", "build_model", "data_fingerprint",
        "rolling_origin_splits", "time_grouped_split", "train_from_frame", "train_model",
    ),
}
OTHER_OLD_NAMES: dict[str, tuple[str, ...]] = {
    # public module-level names outside ``__all__`` that callers may have used
    "matching.synthetic.sample": ("TABLE_FILES",),
    "matching.model.training": (
        "CV_FIRST_TRAIN_FRACTION", "CV_FOLDS", "CV_ORIGINS", "MIN_LABELLED", "MIN_PER_CLASS",
        "N_BOOTSTRAP", "POOL_CHECK_MAX_PAIRS", "check_current_pool",
    ),
}
SPLIT_MODULES = sorted(
    [p for p in (REPO / "matching" / "synthetic").glob("*.py") if p.name != "__init__.py"]
    + [REPO / "matching" / "model" / f"{name}.py"
       for name in ("training", "estimators", "splits", "evaluation", "train_result")]
)
MAX_LINES = 600


@pytest.mark.parametrize(("module", "name"), [
    (module, name) for module, names in OLD_PUBLIC_NAMES.items() for name in names])
def test_old_public_name_is_still_exported(module: str, name: str) -> None:
    mod = importlib.import_module(module)
    assert name in mod.__all__, f"{module}.__all__ lost {name}"
    assert getattr(mod, name) is not None
    namespace: dict[str, object] = {}
    exec(f"from {module} import {name}", namespace)
    assert namespace[name] is getattr(mod, name)


@pytest.mark.parametrize(("module", "name"), [
    (module, name) for module, names in OTHER_OLD_NAMES.items() for name in names])
def test_other_old_public_name_is_still_importable(module: str, name: str) -> None:
    assert hasattr(importlib.import_module(module), name)


@pytest.mark.parametrize("module", sorted(OLD_PUBLIC_NAMES))
def test_star_import_gives_every_exported_name(module: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {module} import *", namespace)
    assert set(importlib.import_module(module).__all__) <= set(namespace)


def test_re_exports_are_the_objects_of_the_new_modules() -> None:
    from matching.model import estimators, splits, train_result, training
    from matching.synthetic import coefficients, ground_truth, render, sample

    assert sample.write_sample is render.write_sample
    assert sample.render_tables is render.render_tables
    assert ground_truth.Coefficients is coefficients.Coefficients
    assert training.TrainResult is train_result.TrainResult
    assert training.build_model is estimators.build_model
    assert training.time_grouped_split is splits.time_grouped_split


@pytest.mark.parametrize("path", SPLIT_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_split_module_is_small_with_a_one_line_job(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    n_lines = text.count("\n")
    assert n_lines <= MAX_LINES, f"{path.name} has {n_lines} lines (limit {MAX_LINES})"
    doc = ast.get_docstring(ast.parse(text))
    assert doc, f"{path.name} has no module docstring"
    first = doc.splitlines()[0]
    assert first.strip() and first.rstrip().endswith("."), f"{path.name}: {first!r}"

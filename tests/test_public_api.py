"""The public API of ``matching``: the names in ``__all__`` cannot drift unnoticed.

Adding or removing a public name is a deliberate change: update :data:`PUBLIC` here too.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import matching
from matching.core import errors

REPO = Path(__file__).resolve().parents[1]

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
    "Matcher", "ShortlistResult", "ShortlistRow",
    # assignment
    "run_assignment", "AssignOptions", "AssignmentRun", "AssignSummary", "write_outputs", "solve_assignment",
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


def readme_python_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def test_readme_imports_only_public_names() -> None:
    names = set()
    for block in readme_python_blocks():
        for found in re.findall(r"^from matching import (.+)$", block, flags=re.MULTILINE):
            names |= {n.strip() for n in found.split(",")}
    assert names, "README's example imports from matching"
    assert names <= set(matching.__all__), sorted(names - set(matching.__all__))
    for name in names:
        assert getattr(matching, name) is not None


@pytest.mark.slow
def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    registry_dir: Path) -> None:
    """README's Python example, run as written from a folder laid out like the repository:
    ``data/`` is the committed sample and ``models/`` a copy of the session registry (so that
    nothing is trained or written in the real ``models/``)."""
    blocks = readme_python_blocks()
    assert len(blocks) == 1 and "from matching import" in blocks[0]
    (tmp_path / "data").symlink_to(REPO / "data", target_is_directory=True)
    shutil.copytree(registry_dir, tmp_path / "models")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)

    from matching import Matcher, ShortlistResult

    assert isinstance(namespace["result"], ShortlistResult)
    shown = namespace["result"].to_dict()
    json.dumps(shown)  # "what the CLI's --format json prints": JSON-ready
    assert shown["vacancy_id"] == "V000001" and shown["lang"] == "en"
    assert shown["model_version"] == (registry_dir / "ACTIVE").read_text().strip()
    assert 1 <= len(shown["shortlist"]) <= 10
    assert shown["considered"] > len(shown["shortlist"])
    # the example's objects are the package's: the same request gives the same shortlist
    again = Matcher(namespace["ds"], namespace["model"]).for_vacancy("V000001", top=10, lang="en")
    assert again.to_dict() == shown
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == \
        sorted(p.name for p in registry_dir.iterdir()), "the example trained a model"


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

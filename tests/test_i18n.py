"""The user-facing text catalogue (matching.texts.i18n): complete in Dutch and English.

Besides the catalogue itself, the modules that call :func:`matching.texts.i18n.text` are read with
``ast`` so that a key used in code but missing from the catalogue fails here, not in front of a
user.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import matching
from features.blocking import CONSTRAINTS
from matching.data.schema import CANDIDATE_STATUS, VACANCY_STATUS
from matching.texts.i18n import LANGS, TEXTS, text

PACKAGE = Path(matching.__file__).parent
UNFILLED_REASONS = ("no_eligible_candidate", "all_below_threshold", "taken_by_better_matches")
DYNAMIC_FAMILIES = {
    "constraint_": CONSTRAINTS,
    "status_": CANDIDATE_STATUS + VACANCY_STATUS,
    "unfilled_": UNFILLED_REASONS,
}
"""Keys built at run time (``text(f"status_{status}")``) and every value they can take."""


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_languages_are_dutch_and_english() -> None:
    assert LANGS == ("nl", "en")


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_dutch_and_english(key: str) -> None:
    entry = TEXTS[key]
    assert set(entry) == set(LANGS)
    for lang in LANGS:
        assert isinstance(entry[lang], str) and entry[lang].strip(), (key, lang)
    # both languages take the same placeholders, so formatting never fails in one of them
    assert _fields(entry["nl"]) == _fields(entry["en"]), key


@pytest.mark.parametrize("name", CONSTRAINTS)
def test_every_hard_constraint_has_a_text(name: str) -> None:
    key = f"constraint_{name}"
    assert key in TEXTS
    assert text(key, "nl") != text(key, "en")


@pytest.mark.parametrize(("prefix", "values"), sorted(DYNAMIC_FAMILIES.items()))
def test_every_value_of_a_run_time_key_has_a_text(prefix: str, values: tuple[str, ...]) -> None:
    missing = [f"{prefix}{v}" for v in values if f"{prefix}{v}" not in TEXTS]
    assert not missing


def test_placeholders_are_filled_in_both_languages() -> None:
    nl = text("vacancy_not_open", "nl", id="V1", status=text("status_filled", "nl"))
    en = text("vacancy_not_open", "en", id="V1", status=text("status_filled", "en"))
    assert "V1" in nl and "vervuld" in nl
    assert "V1" in en and "filled" in en
    assert "{" not in nl + en


def _text_calls() -> list[tuple[str, ast.AST]]:
    """(module, first argument) of every ``text(...)`` call in modules importing i18n.text."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_text = any(
            isinstance(node, ast.ImportFrom) and node.module == "matching.texts.i18n"
            and any(alias.name == "text" for alias in node.names)
            for node in ast.walk(tree))
        if not imports_text:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "text" and node.args:
                calls.append((path.name, node.args[0]))
    return calls


def test_every_key_used_in_code_is_in_the_catalogue() -> None:
    calls = _text_calls()
    assert {module for module, _ in calls} >= {"shortlist.py", "assign.py", "render.py"}
    for module, arg in calls:
        if isinstance(arg, ast.Constant):
            assert arg.value in TEXTS, (module, arg.value)
        elif isinstance(arg, ast.IfExp):
            for branch in (arg.body, arg.orelse):
                assert isinstance(branch, ast.Constant) and branch.value in TEXTS, module
        elif isinstance(arg, ast.JoinedStr | ast.BinOp):
            first = arg.values[0] if isinstance(arg, ast.JoinedStr) else arg.left
            assert isinstance(first, ast.Constant), (module, ast.unparse(arg))
            assert first.value in DYNAMIC_FAMILIES, (module, ast.unparse(arg))
        # a plain variable (``text(key, lang)``) is checked where the key is built


def test_every_page_text_has_dutch_and_english() -> None:
    from matching.texts.pages import PAGE_TEXTS

    for key, entry in PAGE_TEXTS.items():
        assert set(entry) == set(LANGS), key
        assert all(entry[lang].strip() for lang in LANGS), key
        assert _fields(entry["nl"]) == _fields(entry["en"]), key

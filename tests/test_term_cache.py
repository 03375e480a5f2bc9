"""The persistent term-resolution cache: hits when nothing changed, ignored when the vocabulary
entries, the fuzzy cut-off or the rapidfuzz version changed (see :mod:`features.term_cache`).

Hits and misses are observed by counting the fuzzy matcher's calls (``rapidfuzz.process``
``extractOne`` for single terms, ``cdist`` for prefetched batches): a hit resolves a known
term without calling it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import rapidfuzz
from rapidfuzz import process

from features import term_cache
from features.profiles import Vocabularies, build_profiles
from features.term_cache import load_term_cache, save_term_cache, vocabulary_fingerprint
from matching.core.config import Settings
from matching.synthetic.sample import generate

SKILLS = [("metselen", "Metselen", "Bricklaying", ("metselaar", "metselwerk")),
          ("timmeren", "Timmeren", "Carpentry", ("timmerman", "timmerwerk")),
          ("schoonmaken", "Schoonmaken", "Cleaning", ("schoonmaker", "poetsen"))]
CERTIFICATES = [("heftruck", "Heftruckcertificaat", "Forklift licence", ("heftruck", "forklift")),
                ("vca_basis", "VCA basis", "Basic safety VCA", ("B-VCA", "VCA"))]
OCCUPATIONS = [("0a1b2c3d", "7112", "metselaar", "bricklayer", ("metselaarster",)),
               ("1b2c3d4e", "9112", "schoonmaker", "cleaner", ("interieurverzorger",))]
TERMS = {"skills": ["Metslen", "timmermn", "schoonmakn", "pianospelen"],
         "certificates": ["heftruk certificaat", "forkliftt"],
         "occupations": ["metselaarr", "schoonmakr"]}
"""Misspelt terms: none is an exact label or synonym, so each needs the fuzzy matcher."""


def vocabularies(cutoff: float = 88.0, skills: list | None = None) -> Vocabularies:
    def frame(rows: list, key: str, with_isco: bool = False) -> pd.DataFrame:
        columns = [key, "isco_code"] if with_isco else [key]
        return pd.DataFrame(rows, columns=[*columns, "label_nl", "label_en", "synonyms"])

    return Vocabularies.from_frames(frame(skills or SKILLS, "code"),
                                    frame(CERTIFICATES, "code"),
                                    frame(OCCUPATIONS, "occupation_id", with_isco=True),
                                    cutoff=cutoff)


def resolve_all(vocabs: Vocabularies) -> dict[str, list[str | None]]:
    return {kind: [getattr(vocabs, kind).resolve(t) for t in terms]
            for kind, terms in TERMS.items()}


@pytest.fixture
def fuzzy_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the fuzzy matcher's functions, one entry per call."""
    calls: list[str] = []
    for name in ("extractOne", "cdist"):
        original = getattr(process, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(process, name, counted)
    return calls


@pytest.fixture
def saved(tmp_path: Path, fuzzy_calls: list[str]) -> tuple[Path, dict[str, list[str | None]]]:
    """A cache file written after resolving :data:`TERMS` with the default vocabularies."""
    first = vocabularies()
    answers = resolve_all(first)
    assert len(fuzzy_calls) == sum(map(len, TERMS.values()))  # every term went to the matcher
    assert answers["skills"][:3] == ["metselen", "timmeren", "schoonmaken"]
    assert answers["skills"][3] is None  # an unresolved term is cached too
    path = tmp_path / "cache" / "terms.json"
    save_term_cache(first, path)
    fuzzy_calls.clear()
    return path, answers


def test_unchanged_vocabulary_hits_the_cache(saved, fuzzy_calls: list[str]) -> None:
    path, answers = saved
    again = vocabularies()
    assert load_term_cache(again, path) == sum(map(len, TERMS.values()))
    assert resolve_all(again) == answers
    assert fuzzy_calls == []


def test_changed_entry_invalidates_the_cache(saved, fuzzy_calls: list[str]) -> None:
    path, answers = saved
    # "pianospelen" becomes a synonym: a stale cache would still answer None
    changed = [*SKILLS, ("muziek", "Muziek maken", "Making music", ("pianospelen",))]
    again = vocabularies(skills=changed)
    assert load_term_cache(again, path) == 0
    got = resolve_all(again)
    assert got["skills"] == [*answers["skills"][:3], "muziek"]
    assert len(fuzzy_calls) == sum(map(len, TERMS.values())) - 1  # "pianospelen" is exact now
    # a changed synonym of an existing entry counts as a change too
    renamed = [(c, nl, en, (*syn, "extra")) if c == "metselen" else (c, nl, en, syn)
               for c, nl, en, syn in SKILLS]
    assert vocabulary_fingerprint(vocabularies(skills=renamed)) != \
        vocabulary_fingerprint(vocabularies())


def test_changed_cutoff_invalidates_the_cache(saved, fuzzy_calls: list[str]) -> None:
    path, _ = saved
    strict = vocabularies(cutoff=99.0)
    assert load_term_cache(strict, path) == 0
    got = resolve_all(strict)
    assert len(fuzzy_calls) == sum(map(len, TERMS.values()))
    assert got["skills"][0] is None  # "Metslen" no longer reaches the cut-off


def test_changed_rapidfuzz_version_invalidates_the_cache(
    saved, fuzzy_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, answers = saved
    assert term_cache.rapidfuzz is rapidfuzz
    monkeypatch.setattr(rapidfuzz, "__version__", "0.0.0-test")
    other = vocabularies()
    assert load_term_cache(other, path) == 0
    assert resolve_all(other) == answers
    assert len(fuzzy_calls) == sum(map(len, TERMS.values()))


def test_a_stale_file_is_overwritten_and_then_hit(saved, fuzzy_calls: list[str]) -> None:
    path, _ = saved
    old = json.loads(path.read_text(encoding="utf-8"))["fingerprint"]
    strict = vocabularies(cutoff=99.0)
    load_term_cache(strict, path)
    resolve_all(strict)
    save_term_cache(strict, path)
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["fingerprint"] == vocabulary_fingerprint(strict) != old
    assert payload["terms"]["skills"]["Metslen"] is None
    fuzzy_calls.clear()
    again = vocabularies(cutoff=99.0)
    assert load_term_cache(again, path) == sum(map(len, TERMS.values()))
    resolve_all(again)
    assert fuzzy_calls == []
    assert sorted(p.name for p in path.parent.iterdir()) == ["terms.json"]  # no temp files left


def test_unreadable_file_is_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "terms.json"
    path.write_text("{not json", encoding="utf-8")
    assert load_term_cache(vocabularies(), path) == 0
    assert "unreadable term cache" in caplog.text
    assert load_term_cache(vocabularies(), tmp_path / "missing.json") == 0


def test_build_profiles_reuses_and_invalidates_the_cache(tmp_path: Path,
                                                        fuzzy_calls: list[str]) -> None:
    """Through :func:`build_profiles` as the CLI uses it: the second run resolves no free-text
    term fuzzily, a run with another cut-off does and rewrites the file."""
    dataset = generate(60, 8, 3, 0, seed=2).dataset
    path = tmp_path / "terms.json"
    first = build_profiles(dataset, Settings(), term_cache=path)
    assert path.is_file() and fuzzy_calls, "the sample has misspelt terms"
    fingerprint = json.loads(path.read_text(encoding="utf-8"))["fingerprint"]
    fuzzy_calls.clear()
    second = build_profiles(dataset, Settings(), term_cache=path)
    assert fuzzy_calls == []
    assert second.report().equals(first.report())
    looser = build_profiles(dataset, Settings(fuzzy_cutoff=80.0), term_cache=path)
    assert fuzzy_calls
    assert json.loads(path.read_text(encoding="utf-8"))["fingerprint"] != fingerprint
    assert len(looser.report()) <= len(first.report())  # a lower cut-off resolves more terms

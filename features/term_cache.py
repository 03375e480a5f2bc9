"""A persistent cache of free-text term resolutions, so profiles build fast after the first run.

Fuzzy resolution of thousands of distinct misspelt terms against ~17k occupation names takes
seconds; the answers only change when the vocabulary, the cut-off or rapidfuzz changes. The
cache file holds, per vocabulary, ``{term: id or null}`` and a fingerprint of everything that
determines the answers; a file with another fingerprint is ignored (and overwritten on save).

The CLI keeps the cache next to the model registry (``models/.cache/terms.json``). Terms are
free text (skills, certificates, occupations), never ids or personal attributes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import rapidfuzz

log = logging.getLogger(__name__)

KINDS = ("skills", "certificates", "occupations")


def vocabulary_fingerprint(vocabularies: Any) -> str:
    """Hash of the vocabulary entries, cut-off and rapidfuzz version."""
    digest = hashlib.sha256()
    digest.update(rapidfuzz.__version__.encode())
    for kind in KINDS:
        vocab = getattr(vocabularies, kind)
        digest.update(f"{kind}:{vocab.cutoff}".encode())
        digest.update(json.dumps(vocabularies.entries.get(kind.rstrip("s"), []),
                                 ensure_ascii=False).encode())
        digest.update(json.dumps(sorted(getattr(vocab, "label_index", {}).items()),
                                 ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def memo_of(vocab: Any) -> dict[str, str | None]:
    """The dict a vocabulary memoises its resolutions in."""
    return vocab._memo if hasattr(vocab, "_memo") else vocab._cache


def load_term_cache(vocabularies: Any, path: str | os.PathLike[str]) -> int:
    """Fill the vocabularies' memos from ``path``; returns the number of terms loaded."""
    file = Path(path)
    if not file.is_file():
        return 0
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("ignoring unreadable term cache %s: %s", file, exc)
        return 0
    if payload.get("fingerprint") != vocabulary_fingerprint(vocabularies):
        log.info("term cache %s is for another vocabulary; ignoring it", file)
        return 0
    loaded = 0
    for kind in KINDS:
        terms = payload.get("terms", {}).get(kind, {})
        memo_of(getattr(vocabularies, kind)).update(terms)
        loaded += len(terms)
    log.info("loaded %d cached term resolutions", loaded)
    return loaded


def save_term_cache(vocabularies: Any, path: str | os.PathLike[str]) -> None:
    """Write the vocabularies' memos to ``path`` atomically."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "fingerprint": vocabulary_fingerprint(vocabularies),
        "terms": {kind: dict(sorted(memo_of(getattr(vocabularies, kind)).items()))
                  for kind in KINDS},
    }
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".terms-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False)
    os.replace(tmp, file)

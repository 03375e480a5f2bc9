"""Resolve free-text terms (skills, certificates, occupations) to canonical vocabulary ids.

Resolution happens once per distinct term, never per pair: :meth:`Vocabulary.resolve_many`
deduplicates its input and caches every answer. A term resolves by, in order:

1. exact match of its normalised form (lower case, diacritics removed, punctuation folded to
   spaces, whitespace collapsed) against an id, a label or a synonym;
2. fuzzy match with :func:`rapidfuzz.fuzz.WRatio` against all normalised labels and synonyms,
   accepted when the score reaches ``cutoff`` (default 88, see ``Settings.fuzzy_cutoff``) and,
   for short terms (<= 4 characters), only on an exact match (fuzzy matching of ``B`` or ``BE``
   would be guesswork).

Terms that resolve to nothing are kept: :meth:`Vocabulary.resolve_many` returns them and
:class:`UnresolvedTerms` counts them so they can be reported, never silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

__all__ = ["UnresolvedTerms", "Vocabulary", "normalise_term"]

_PUNCT = re.compile(r"[^0-9a-z+]+")


def normalise_term(term: str) -> str:
    """Lower-case, strip diacritics, fold punctuation to spaces and collapse whitespace.

    Examples
    --------
    >>> normalise_term("  Rijbewijs-B ")
    'rijbewijs b'
    >>> normalise_term("Hoogwerker (IPAF)")
    'hoogwerker ipaf'
    >>> normalise_term("Súdwest")
    'sudwest'
    """
    text = str(term)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _PUNCT.sub(" ", text.lower()).strip()


@dataclass
class UnresolvedTerms:
    """Counts of terms that resolved to nothing, per source (e.g. ``candidates.skills``)."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, source: str, terms: Iterable[str]) -> None:
        self.counts.setdefault(source, Counter()).update(terms)

    def to_records(self) -> list[dict[str, object]]:
        return [
            {"source": source, "term": term, "count": n}
            for source, counter in sorted(self.counts.items())
            for term, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())


class Vocabulary:
    """A controlled vocabulary: ids with labels and synonyms, and a cached resolver.

    Parameters
    ----------
    entries : sequence of (id, names)
        Each id with every name it may be written as (labels in Dutch and English, synonyms).
        The id itself is always accepted.
    cutoff : float
        Minimum rapidfuzz ``WRatio`` score (0-100) for a fuzzy match.
    name : str
        What the vocabulary holds (``"skill"``, ``"certificate"``), for messages.

    Examples
    --------
    >>> v = Vocabulary([("vca_basis", ["VCA basis", "B-VCA", "VCA"]), ("heftruck", ["heftruck", "forklift"])])
    >>> v.resolve("vca  Basis"), v.resolve("heftruk"), v.resolve("piano")
    ('vca_basis', 'heftruck', None)
    """

    def __init__(
        self, entries: Iterable[tuple[str, Iterable[str]]], cutoff: float = 88.0, name: str = ""
    ) -> None:
        self.name = name
        self.cutoff = float(cutoff)
        self.ids: list[str] = []
        self._exact: dict[str, str] = {}
        choices: list[str] = []
        choice_ids: list[str] = []
        for entry_id, names in entries:
            entry_id = str(entry_id)
            if entry_id in self._exact.values() and entry_id in self.ids:
                continue
            self.ids.append(entry_id)
            for raw in (entry_id, *names):
                norm = normalise_term(raw)
                if not norm:
                    continue
                self._exact.setdefault(norm, entry_id)
                if len(norm) > 4:
                    choices.append(norm)
                    choice_ids.append(entry_id)
        self.index: dict[str, int] = {entry_id: i for i, entry_id in enumerate(self.ids)}
        self._choices = choices
        self._choice_ids = choice_ids
        self._cache: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.index

    def resolve(self, term: str) -> str | None:
        """The id ``term`` resolves to, or ``None``."""
        cached = self._cache.get(term, ...)
        if cached is not ...:
            return cached  # type: ignore[return-value]
        norm = normalise_term(term)
        found = self._exact.get(norm)
        if found is None and len(norm) > 4 and self._choices:
            best = process.extractOne(
                norm, self._choices, scorer=fuzz.WRatio, score_cutoff=self.cutoff
            )
            if best is not None:
                found = self._choice_ids[best[2]]
        self._cache[term] = found
        return found

    def resolve_many(self, terms: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Resolve a list of terms: (distinct ids in first-seen order, unresolved terms)."""
        ids: list[str] = []
        unresolved: list[str] = []
        for term in terms:
            found = self.resolve(term)
            if found is None:
                unresolved.append(term)
            elif found not in ids:
                ids.append(found)
        return tuple(ids), tuple(unresolved)

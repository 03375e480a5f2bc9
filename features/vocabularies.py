"""The reference vocabularies: skills, certificates and occupations with display labels.

:class:`Vocabularies` bundles one :class:`LabelFirstVocabulary` per kind, built from the
reference tables (:mod:`features.reference`) or from frames of the same shape. Occupations:
a term that is a 1-4 digit number is an ISCO-08 code; any other term resolves to an ESCO
occupation (Dutch / English labels and synonyms, which carries its ISCO unit group) or to an
ISCO-08 group label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from features.vocabulary import Vocabulary, normalise_term

__all__ = ["ISCO_CODE", "LabelFirstVocabulary", "Vocabularies"]

ISCO_CODE = re.compile(r"^\d{1,4}$")
"""An occupation term that is an ISCO-08 code (1-4 digits)."""


class LabelFirstVocabulary(Vocabulary):
    """A :class:`Vocabulary` where an exact (normalised) label beats another entry's synonym.

    The reference tables reuse labels as synonyms of related entries ("metselaar" is a
    synonym of "voorman metselaar" and the label of "metselaar"); the entry whose *label* it
    is must win.

    Examples
    --------
    >>> v = LabelFirstVocabulary([("a", ["voorman", "metselaar"]), ("b", ["metselaar"])],
    ...                          labels={"a": ["voorman"], "b": ["metselaar"]})
    >>> v.resolve("Metselaar")
    'b'
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]],
                 labels: dict[str, list[str]], cutoff: float = 88.0, name: str = "") -> None:
        super().__init__(entries, cutoff=cutoff, name=name)
        self.label_index: dict[str, str] = {}
        for entry_id, names in labels.items():
            for label in names:
                self.label_index.setdefault(normalise_term(label), entry_id)
        self._memo: dict[str, str | None] = {}

    def resolve(self, term: str) -> str | None:
        found = self._memo.get(term, ...)
        if found is ...:
            found = self.label_index.get(normalise_term(term))
            if found is None:
                found = super().resolve(term)
            self._memo[term] = found
        return found  # type: ignore[return-value]

    def prefetch(self, terms: Iterable[str], workers: int = -1, batch: int = 128) -> None:
        """Resolve many distinct terms at once (same answers as :meth:`resolve`).

        Fuzzy candidates are scored with :func:`rapidfuzz.process.cdist` on ``workers``
        threads; the first choice with the highest score wins, as in ``extractOne``.
        """
        todo: dict[str, list[str]] = {}
        seen: set[str] = set()
        for term in terms:
            if term in self._memo or term in seen:
                continue
            seen.add(term)
            norm = normalise_term(term)
            found = self.label_index.get(norm)
            if found is None:
                found = self._exact.get(norm)
            if found is not None or len(norm) <= 4 or not self._choices:
                self._memo[term] = found
            else:
                todo.setdefault(norm, []).append(term)
        norms = list(todo)
        for start in range(0, len(norms), batch):
            chunk = norms[start:start + batch]
            scores = process.cdist(chunk, self._choices, scorer=fuzz.WRatio,
                                   score_cutoff=self.cutoff, workers=workers, dtype=np.float64)
            best = scores.argmax(axis=1)
            for norm, b, row in zip(chunk, best, scores, strict=True):
                found = self._choice_ids[b] if row[b] >= self.cutoff else None
                for term in todo[norm]:
                    self._memo[term] = found


def _label_names(frame: pd.DataFrame, key: str) -> dict[str, list[str]]:
    """Per entry id: its Dutch and English labels (the names that win over synonyms)."""
    out: dict[str, list[str]] = {}
    for row in frame.itertuples(index=False):
        names = [getattr(row, "label_nl", None), getattr(row, "label_en", None)]
        out[str(getattr(row, key))] = [n for n in names if isinstance(n, str) and n]
    return out


def _entries(frame: pd.DataFrame, key: str) -> list[tuple[str, list[str]]]:
    """``(id, names)`` per row: labels first, then synonyms."""
    out = []
    for row in frame.itertuples(index=False):
        names = [getattr(row, "label_nl", None), getattr(row, "label_en", None)]
        names += list(getattr(row, "synonyms", ()) or ())
        out.append((str(getattr(row, key)), [str(n) for n in names if isinstance(n, str) and n]))
    return out


@dataclass(frozen=True)
class Vocabularies:
    """The skill, certificate and occupation vocabularies with display labels.

    ``occupation_isco`` maps an occupation id to its ISCO-08 code (ESCO occupations to their
    4-digit unit group; ISCO group labels resolve to ids ``isco:<code>``); ``occupation_esco``
    maps an ESCO occupation id to a dense index. ``labels[kind][id]`` is ``(label_nl, label_en)``.

    Examples
    --------
    >>> v = Vocabularies.from_reference()
    >>> v.skills.resolve("Bricklaying"), v.skills.resolve("Metslen")
    ('metselen', 'metselen')
    >>> v.occupation("7112"), v.occupation("metselaar")[0]
    (('7112', -1), '7112')
    """

    skills: Vocabulary
    certificates: Vocabulary
    occupations: Vocabulary
    occupation_isco: dict[str, str]
    occupation_esco: dict[str, int]
    labels: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    entries: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)
    """The (id, names) entries each vocabulary was built from (for reproducing resolution)."""

    @classmethod
    def from_reference(cls, cutoff: float = 88.0) -> Vocabularies:
        """Build from :mod:`features.reference` (skills, certificates, occupations, ISCO)."""
        from features import reference

        return cls.from_frames(
            reference.skills(),
            reference.certificates(),
            reference.occupations(),
            reference.isco_groups(),
            cutoff=cutoff,
        )

    @classmethod
    def from_frames(
        cls,
        skills: pd.DataFrame,
        certificates: pd.DataFrame,
        occupations: pd.DataFrame,
        isco_groups: pd.DataFrame | None = None,
        *,
        cutoff: float = 88.0,
    ) -> Vocabularies:
        """Build from reference-shaped frames (see :mod:`features.reference`)."""
        skill_entries = _entries(skills, "code")
        cert_entries = _entries(certificates, "code")
        occ_entries = _entries(occupations, "occupation_id")
        isco = {
            str(r.occupation_id): str(r.isco_code)
            for r in occupations.itertuples(index=False)
            if isinstance(r.isco_code, str)
        }
        esco = {occ_id: i for i, (occ_id, _) in enumerate(occ_entries)}
        labels: dict[str, dict[str, tuple[str, str]]] = {
            "skill": _labels(skills, "code"),
            "certificate": _labels(certificates, "code"),
            "occupation": _labels(occupations, "occupation_id"),
        }
        if isco_groups is not None:
            for row in isco_groups.itertuples(index=False):
                code = str(row.code)
                occ_id = f"isco:{code}"
                label = str(row.label_en)
                occ_entries.append((occ_id, [label]))
                isco[occ_id] = code
                labels["occupation"][occ_id] = (label, label)
        return cls(
            skills=LabelFirstVocabulary(
                skill_entries, _label_names(skills, "code"), cutoff=cutoff, name="skill"),
            certificates=LabelFirstVocabulary(
                cert_entries, _label_names(certificates, "code"), cutoff=cutoff,
                name="certificate"),
            occupations=LabelFirstVocabulary(
                occ_entries, _label_names(occupations, "occupation_id"), cutoff=cutoff,
                name="occupation"),
            occupation_isco=isco,
            occupation_esco=esco,
            labels=labels,
            entries={"skill": skill_entries, "certificate": cert_entries,
                     "occupation": occ_entries},
        )

    def occupation(self, term: str) -> tuple[str, int] | None:
        """``(isco_code, esco_index)`` of an occupation term (``esco_index`` -1 for ISCO only)."""
        text = str(term).strip()
        if ISCO_CODE.match(text):
            return text, -1
        found = self.occupations.resolve(text)
        if found is None:
            return None
        return self.occupation_isco.get(found, ""), self.occupation_esco.get(found, -1)

    def prefetch_occupations(self, terms: Iterable[str]) -> None:
        """Resolve many occupation terms at once (see :meth:`LabelFirstVocabulary.prefetch`)."""
        if isinstance(self.occupations, LabelFirstVocabulary):
            self.occupations.prefetch(t for t in terms if not ISCO_CODE.match(str(t).strip()))

    def label(self, kind: str, entry_id: str, lang: str = "nl") -> str:
        """Display label of a vocabulary id (the id itself when unknown)."""
        pair = self.labels.get(kind, {}).get(entry_id)
        if pair is None:
            return entry_id
        return pair[1] if lang == "en" and pair[1] else pair[0]


def _labels(frame: pd.DataFrame, key: str) -> dict[str, tuple[str, str]]:
    """Per entry id: ``(label_nl, label_en)`` for display (the id when unlabelled)."""
    out = {}
    for row in frame.itertuples(index=False):
        nl = getattr(row, "label_nl", None)
        en = getattr(row, "label_en", None)
        nl = nl if isinstance(nl, str) else str(getattr(row, key))
        en = en if isinstance(en, str) else nl
        out[str(getattr(row, key))] = (nl, en)
    return out

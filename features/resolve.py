"""Text resolution: the free-text and code cells of both tables become ids, bits and indices.

:func:`resolve_text` resolves every term once per distinct term (skills, certificates,
support, target groups, occupations) and lays out the bit spaces of the packed bitsets:

* the skill and certificate spaces hold only the terms vacancies ask for (a candidate's other
  terms can never meet a requirement): resolved vocabulary ids first, then one bit per
  distinct *unresolved* requirement (by its normalised text), so that an unresolved
  requirement still counts as required and is met by a candidate who wrote the same thing;
* the support space holds the known support codes, then any other code seen;
* target groups: the valuation's, the reference list, then any other code seen (candidates
  first, then vacancies' eligibility lists).

Every unresolved term is counted per source (``candidates.skills`` …) in the
:class:`features.vocabulary.UnresolvedTerms` it returns. A vacancy without ``occupation`` is
resolved from its ``title`` (titles that resolve to nothing are free text, not reported).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from features.cells import as_list, codes, column
from features.inputs import SUPPORT_NEEDS
from features.vocabularies import LabelFirstVocabulary, Vocabularies
from features.vocabulary import UnresolvedTerms, Vocabulary, normalise_term

__all__ = [
    "UNRESOLVED_PREFIX",
    "ResolvedText",
    "TermEncoder",
    "TermSpace",
    "occupation_arrays",
    "pack_keys",
    "resolve_occupations",
    "resolve_text",
]

UNRESOLVED_PREFIX = "~"
"""Key prefix of an unresolved term: ``~<normalised text>``."""


class TermSpace:
    """The bit positions of one kind of term set (resolved ids and unresolved terms).

    Examples
    --------
    >>> space = TermSpace("skill")
    >>> space.bit("metselen", "Metselen"), space.bit("~piano", "Piano"), space.bit("metselen")
    (0, 1, 0)
    >>> space.pack([[0, 1], []]).tolist()
    [[3], [0]]
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.keys: list[str] = []
        self.labels: list[str] = []
        self.index: dict[str, int] = {}

    def bit(self, key: str, label: str | None = None) -> int:
        found = self.index.get(key)
        if found is None:
            found = len(self.keys)
            self.index[key] = found
            self.keys.append(key)
            self.labels.append(label if label is not None else key)
        return found

    @property
    def n_words(self) -> int:
        return max(1, math.ceil(len(self.keys) / 64))

    def pack(self, bit_lists: Sequence[Sequence[int]], n_words: int | None = None) -> np.ndarray:
        """Packed ``uint64`` bitsets, one row per entity."""
        words = self.n_words if n_words is None else n_words
        out = np.zeros((len(bit_lists), words), dtype=np.uint64)
        rows = np.fromiter(
            (i for i, bits in enumerate(bit_lists) for _ in bits), dtype=np.intp
        )
        bits = np.fromiter((b for bl in bit_lists for b in bl), dtype=np.int64)
        if len(bits):
            masks = np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64))
            np.bitwise_or.at(out, (rows, bits // 64), masks)
        return out

    def unpack(self, row: np.ndarray) -> list[int]:
        """Bit positions set in one packed row."""
        out = []
        for w, word in enumerate(np.asarray(row, dtype=np.uint64)):
            value = int(word)
            while value:
                low = value & -value
                out.append(w * 64 + low.bit_length() - 1)
                value ^= low
        return out


def _support_key(term: str) -> str:
    """Key of a support code (no vocabulary: the lower-cased code)."""
    return str(term).strip().lower()


class TermEncoder:
    """Resolves list cells to term keys, once per distinct cell value.

    A key is the vocabulary id of a resolved term, ``~<normalised text>`` for an unresolved
    one (reported to ``unresolved``), or the lower-cased code when there is no vocabulary.
    """

    def __init__(self, vocab: Vocabulary | None, unresolved: UnresolvedTerms) -> None:
        self.vocab = vocab
        self.unresolved = unresolved
        self.labels: dict[str, str] = {}
        self._cache: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def encode(self, cells: Iterable[Any], source: str) -> list[tuple[str, ...]]:
        keys_out: list[tuple[str, ...]] = []
        missing: list[str] = []
        cells = [as_list(cell) for cell in cells]
        if isinstance(self.vocab, LabelFirstVocabulary):
            self.vocab.prefetch(t for terms in set(cells) if terms not in self._cache
                                for t in terms)
        for terms in cells:
            hit = self._cache.get(terms)
            if hit is None:
                hit = self._encode_terms(terms)
                self._cache[terms] = hit
            keys_out.append(hit[0])
            missing.extend(hit[1])
        if missing:
            self.unresolved.add(source, missing)
        return keys_out

    def _encode_terms(self, terms: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        keys: list[str] = []
        missing: list[str] = []
        for term in terms:
            if self.vocab is None:
                key = _support_key(term)
            else:
                found = self.vocab.resolve(term)
                if found is None:
                    missing.append(term)
                    norm = normalise_term(term)
                    if not norm:
                        continue
                    key = UNRESOLVED_PREFIX + norm
                else:
                    key = found
            self.labels.setdefault(key, term if key.startswith(UNRESOLVED_PREFIX) else key)
            if key not in keys:
                keys.append(key)
        return tuple(keys), tuple(missing)

    def fill(self, space: TermSpace, *columns: list[tuple[str, ...]]) -> None:
        """Give every key of ``columns`` a bit (resolved keys first, then unresolved ones)."""
        for unresolved_pass in (False, True):
            for cells in columns:
                for keys in cells:
                    for key in keys:
                        if key.startswith(UNRESOLVED_PREFIX) == unresolved_pass:
                            space.bit(key, self.labels.get(key, key))


def pack_keys(space: TermSpace, cells: list[tuple[str, ...]]) -> np.ndarray:
    """Bitsets of the keys that have a bit in ``space`` (others cannot meet a requirement)."""
    index = space.index
    return space.pack([[index[k] for k in keys if k in index] for keys in cells])


def occupation_arrays(
    rows: list[list[tuple[str, int]]], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(esco, isco2, isco3, isco4)`` arrays ``(n, k)`` of resolved occupations (-1 none)."""
    n = len(rows)
    esco = np.full((n, k), -1, dtype=np.int32)
    isco = [np.full((n, k), -1, dtype=np.int32) for _ in range(3)]
    for i, occs in enumerate(rows):
        for j, (code, esco_idx) in enumerate(occs[:k]):
            esco[i, j] = esco_idx
            for level, arr in zip((2, 3, 4), isco, strict=True):
                if len(code) >= level and code[:level].isdigit():
                    arr[i, j] = int(code[:level])
    return esco, isco[0], isco[1], isco[2]


def resolve_occupations(
    cells: Iterable[Any], vocab: Vocabularies, unresolved: UnresolvedTerms | None, source: str
) -> list[list[tuple[str, int]]]:
    """Per cell: the distinct ``(isco_code, esco_index)`` of its terms; misses are reported."""
    out: list[list[tuple[str, int]]] = []
    missing: list[str] = []
    cells = [as_list(cell) for cell in cells]
    vocab.prefetch_occupations({t for terms in cells for t in terms})
    for terms in cells:
        occs: list[tuple[str, int]] = []
        for term in terms:
            found = vocab.occupation(term)
            if found is None:
                missing.append(term)
            elif found not in occs:
                occs.append(found)
        out.append(occs)
    if missing and unresolved is not None:
        unresolved.add(source, missing)
    return out


@dataclass(frozen=True)
class ResolvedText:
    """What :func:`resolve_text` found; per-row lists follow the rows of the reset frames."""

    unresolved: UnresolvedTerms
    skill_space: TermSpace
    certificate_space: TermSpace
    support_space: TermSpace
    candidate_skills: list[tuple[str, ...]]
    """Per candidate: skill keys (vocabulary ids, ``~normalised`` when unresolved)."""
    required_skills: list[tuple[str, ...]]
    preferred_skills: list[tuple[str, ...]]
    candidate_certificates: list[tuple[str, ...]]
    required_certificates: list[tuple[str, ...]]
    support_needs: list[tuple[str, ...]]
    support_offered: list[tuple[str, ...]]
    target_groups: list[str]
    """Every target group code, in index order."""
    group_index: dict[str, int]
    candidate_groups: list[str | None]
    """Per candidate: the target group code as given (``None`` when missing)."""
    candidate_group: np.ndarray
    """Per candidate: index into :attr:`target_groups` (int16, -1 missing)."""
    eligible_groups: np.ndarray
    """Per vacancy: packed bitsets over :attr:`target_groups` (all ones when the list is empty)."""
    candidate_occupations: list[list[tuple[str, int]]]
    vacancy_occupations: list[list[tuple[str, int]]]


def _target_groups(cand: pd.DataFrame, vac: pd.DataFrame, valuation: pd.DataFrame,
                   unresolved: UnresolvedTerms
                   ) -> tuple[list[str], dict[str, int], list[str | None], np.ndarray, np.ndarray]:
    """Target groups: the valuation's, the reference list, then any other code seen."""
    from features import reference

    groups: list[str] = []
    for g in [*valuation["target_group"].astype(str), *reference.target_groups()["code"]]:
        if g not in groups:
            groups.append(g)
    c_groups = codes(column(cand, "target_group"))
    for g in c_groups:
        if g is not None and g not in groups:
            groups.append(g)
    group_index = {g: i for i, g in enumerate(groups)}
    c_group = np.array([group_index.get(g, -1) if g is not None else -1 for g in c_groups],
                       dtype=np.int16)
    valued = set(valuation["target_group"].astype(str).str.strip().str.lower())
    unknown_groups = [g for g in c_groups if g is not None and g.strip().lower() not in valued]
    if unknown_groups:
        unresolved.add("candidates.target_group", unknown_groups)
    group_words = max(1, math.ceil(len(groups) / 64))
    group_space = TermSpace("target_group")
    for g in groups:
        group_space.bit(g)
    elig_bits: list[tuple[int, ...]] = []
    all_groups = tuple(range(len(groups)))
    for cell in column(vac, "eligible_target_groups", ()):
        terms = as_list(cell)
        if not terms:
            elig_bits.append(all_groups)
            continue
        bits = []
        for t in terms:
            if t not in group_index:
                group_index[t] = group_space.bit(t)
                groups.append(t)
            bits.append(group_index[t])
        elig_bits.append(tuple(bits))
    group_words = max(group_words, group_space.n_words)
    return groups, group_index, c_groups, c_group, group_space.pack(elig_bits, group_words)


def _vacancy_occupations(vac: pd.DataFrame, vocabularies: Vocabularies,
                         unresolved: UnresolvedTerms) -> list[list[tuple[str, int]]]:
    """The vacancy's ``occupation``, else (when none is given) what its ``title`` resolves to."""
    v_occ_terms = column(vac, "occupation")
    v_occ = resolve_occupations(
        [(t,) if isinstance(t, str) and t.strip() else () for t in v_occ_terms],
        vocabularies, unresolved, "vacancies.occupation")
    titles = codes(column(vac, "title"))
    occ_given = [isinstance(t, str) and bool(t.strip()) for t in v_occ_terms]
    fallback = [j for j, occs in enumerate(v_occ)
                if not occs and not occ_given[j] and titles[j] is not None]
    vocabularies.prefetch_occupations({titles[j] for j in fallback})
    for j in fallback:
        found = vocabularies.occupation(titles[j])  # type: ignore[arg-type]
        if found is not None:
            v_occ[j] = [found]
    return v_occ


def resolve_text(cand: pd.DataFrame, vac: pd.DataFrame, valuation: pd.DataFrame,
                 vocabularies: Vocabularies) -> ResolvedText:
    """Resolve every term cell of ``cand`` and ``vac`` (frames with a plain 0..n-1 index)."""
    unresolved = UnresolvedTerms()
    skill_space = TermSpace("skill")
    cert_space = TermSpace("certificate")
    support_space = TermSpace("support")
    for code in SUPPORT_NEEDS:
        support_space.bit(code)

    skill_enc = TermEncoder(vocabularies.skills, unresolved)
    cert_enc = TermEncoder(vocabularies.certificates, unresolved)
    support_enc = TermEncoder(None, unresolved)

    c_skill_ids = skill_enc.encode(column(cand, "skills", ()), "candidates.skills")
    v_req_ids = skill_enc.encode(column(vac, "required_skills", ()), "vacancies.required_skills")
    v_pref_ids = skill_enc.encode(
        column(vac, "preferred_skills", ()), "vacancies.preferred_skills")
    c_cert_ids = cert_enc.encode(column(cand, "certificates", ()), "candidates.certificates")
    v_cert_ids = cert_enc.encode(
        column(vac, "required_certificates", ()), "vacancies.required_certificates")
    c_sup_ids = support_enc.encode(column(cand, "support_needs", ()), "candidates.support_needs")
    v_sup_ids = support_enc.encode(column(vac, "support_offered", ()), "vacancies.support_offered")
    # Only terms a vacancy asks for get a bit: a candidate's other terms can never meet a
    # requirement, and leaving them out keeps the bitsets a word or two wide.
    skill_enc.fill(skill_space, v_req_ids, v_pref_ids)
    cert_enc.fill(cert_space, v_cert_ids)
    support_enc.fill(support_space, v_sup_ids, c_sup_ids)

    groups, group_index, c_groups, c_group, eligible = _target_groups(
        cand, vac, valuation, unresolved)
    c_occ = resolve_occupations(
        column(cand, "occupations", ()), vocabularies, unresolved, "candidates.occupations")
    v_occ = _vacancy_occupations(vac, vocabularies, unresolved)
    return ResolvedText(
        unresolved=unresolved, skill_space=skill_space, certificate_space=cert_space,
        support_space=support_space, candidate_skills=c_skill_ids, required_skills=v_req_ids,
        preferred_skills=v_pref_ids, candidate_certificates=c_cert_ids,
        required_certificates=v_cert_ids, support_needs=c_sup_ids, support_offered=v_sup_ids,
        target_groups=groups, group_index=group_index, candidate_groups=c_groups,
        candidate_group=c_group, eligible_groups=eligible, candidate_occupations=c_occ,
        vacancy_occupations=v_occ,
    )

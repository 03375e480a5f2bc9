"""Normalisation once per entity: candidates and vacancies become arrays the pair code can use.

:func:`build_profiles` resolves every free-text term (skills, certificates, occupations) once
per distinct term with :class:`features.vocabulary.Vocabulary`, then encodes each candidate and
vacancy as fixed-width numpy arrays:

* term sets (skills, certificates, support) as packed bitsets, ``uint64`` words, one row per
  entity. The bit space holds only the terms vacancies ask for (a candidate's other terms can
  never meet a requirement): resolved vocabulary ids first, then one bit per distinct
  *unresolved* requirement (by its normalised text), so that an unresolved requirement still
  counts as required and is met by a candidate who wrote the same thing;
* codes as small integers (target group, municipality, project), ranks as ``float64`` with
  ``NaN`` for unknown, dates as ``int32`` days since 1970-01-01 (:data:`NO_DATE` when missing);
* locations as PC4 centroids (fallback: municipality centroid) and unit vectors.

Every unresolved term is counted per source (``candidates.skills`` …) in
:attr:`Profiles.unresolved` and listed by :meth:`Profiles.report`; nothing is dropped silently.

Occupations: a term that is a 1-4 digit number is an ISCO-08 code; any other term resolves to
an ESCO occupation (Dutch / English labels and synonyms, which carries its ISCO unit group) or
to an ISCO-08 group label. A vacancy without ``occupation`` is resolved from its ``title``
(titles that resolve to nothing are free text, not reported).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from features.geo import Gazetteer, unit_vectors
from features.vocabulary import UnresolvedTerms, Vocabulary, normalise_term
from matching.core.config import Settings
from matching.data.dataset import Dataset
from matching.data.schema import CEFR_LEVELS, EDUCATION_RANK, STARTKWALIFICATIE, SUPPORT_NEEDS
from matching.data.valuation import block_value_per_year

__all__ = [
    "NO_DATE",
    "CandidateProfiles",
    "LabelFirstVocabulary",
    "Profiles",
    "TermSpace",
    "VacancyProfiles",
    "Vocabularies",
    "build_profiles",
    "encode_profiles",
]

NO_DATE = np.int32(np.iinfo(np.int32).min)
"""Sentinel for a missing date in the ``int32`` day arrays."""

BBL_MIN_HOURS = 16.0
"""A BBL apprentice needs a job of at least this many hours per week (learn-work agreement)."""

_ISCO_CODE = re.compile(r"^\d{1,4}$")
_UNRESOLVED_PREFIX = "~"


# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------


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
    out: dict[str, list[str]] = {}
    for row in frame.itertuples(index=False):
        names = [getattr(row, "label_nl", None), getattr(row, "label_en", None)]
        out[str(getattr(row, key))] = [n for n in names if isinstance(n, str) and n]
    return out


def _entries(frame: pd.DataFrame, key: str) -> list[tuple[str, list[str]]]:
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
        """Build from :mod:`matching.data.reference` (skills, certificates, occupations, ISCO)."""
        from matching.data import reference

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
        """Build from reference-shaped frames (see :mod:`matching.data.reference`)."""
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
        if _ISCO_CODE.match(text):
            return text, -1
        found = self.occupations.resolve(text)
        if found is None:
            return None
        return self.occupation_isco.get(found, ""), self.occupation_esco.get(found, -1)

    def prefetch_occupations(self, terms: Iterable[str]) -> None:
        """Resolve many occupation terms at once (see :meth:`LabelFirstVocabulary.prefetch`)."""
        if isinstance(self.occupations, LabelFirstVocabulary):
            self.occupations.prefetch(t for t in terms if not _ISCO_CODE.match(str(t).strip()))

    def label(self, kind: str, entry_id: str, lang: str = "nl") -> str:
        """Display label of a vocabulary id (the id itself when unknown)."""
        pair = self.labels.get(kind, {}).get(entry_id)
        if pair is None:
            return entry_id
        return pair[1] if lang == "en" and pair[1] else pair[0]


def _labels(frame: pd.DataFrame, key: str) -> dict[str, tuple[str, str]]:
    out = {}
    for row in frame.itertuples(index=False):
        nl = getattr(row, "label_nl", None)
        en = getattr(row, "label_en", None)
        nl = nl if isinstance(nl, str) else str(getattr(row, key))
        en = en if isinstance(en, str) else nl
        out[str(getattr(row, key))] = (nl, en)
    return out


# --------------------------------------------------------------------------------------------
# Bit spaces
# --------------------------------------------------------------------------------------------


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
    return str(term).strip().lower()


# --------------------------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateProfiles:
    """All candidates as arrays (row ``i`` everywhere is candidate ``ids[i]``)."""

    ids: np.ndarray
    """Candidate ids (object array of str)."""
    skills: np.ndarray
    """Packed bitsets ``(n, words)`` over :attr:`Profiles.skill_space`."""
    certificates: np.ndarray
    """Packed bitsets over :attr:`Profiles.certificate_space`."""
    support_needs: np.ndarray
    """Packed bitsets over :attr:`Profiles.support_space`."""
    n_support_needs: np.ndarray
    target_group: np.ndarray
    """Index into :attr:`Profiles.target_groups` (int16, -1 missing)."""
    is_bbl: np.ndarray
    occupation_esco: np.ndarray
    """``(n, K)`` ESCO occupation index per wanted / previous occupation (-1 none)."""
    occupation_isco2: np.ndarray
    """``(n, K)`` ISCO sub-major group (2-digit prefix as int, -1 unknown)."""
    occupation_isco3: np.ndarray
    occupation_isco4: np.ndarray
    education_rank: np.ndarray
    """:data:`matching.data.schema.EDUCATION_RANK` (float64, NaN unknown)."""
    dutch_rank: np.ndarray
    """CEFR index A0=0 … C2=6 (float64, NaN unknown)."""
    startkwalificatie: np.ndarray
    """1 / 0 / NaN."""
    hours: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    xyz: np.ndarray
    """Unit vectors ``(n, 3)`` of the home location."""
    municipality: np.ndarray
    """Home municipality index into :attr:`Profiles.municipality_codes`, from the postcode when
    known (so the ``municipality_code`` column matters only without a usable postcode)."""
    island: np.ndarray
    max_travel_km: np.ndarray
    """Explicit maximum, else ``Settings.default_travel_km`` by mobility."""
    available_from: np.ndarray
    """int32 days since 1970-01-01, :data:`NO_DATE` when missing."""
    available: np.ndarray
    """Status is ``available`` (or missing)."""
    benefit_months: np.ndarray
    block_value_per_year: np.ndarray
    """SROI building block value per year of full-time work (from the valuation table)."""
    block_max_months: np.ndarray
    """Months the person counts for (``NaN`` when no limit)."""
    birth_year: np.ndarray
    """For the displayed SROI value (age bonus) only; never read by :func:`pair_features`."""
    skill_ids: tuple[tuple[str, ...], ...]
    """Per candidate: resolved skill ids (unresolved terms as ``~normalised``), for display."""
    certificate_ids: tuple[tuple[str, ...], ...]
    occupation_codes: tuple[tuple[str, ...], ...]
    """Per candidate: ISCO codes of the resolved occupations."""
    support_codes: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class VacancyProfiles:
    """All vacancies as arrays (row ``j`` everywhere is vacancy ``ids[j]``)."""

    ids: np.ndarray
    required_skills: np.ndarray
    n_required_skills: np.ndarray
    preferred_skills: np.ndarray
    n_preferred_skills: np.ndarray
    required_certificates: np.ndarray
    n_required_certificates: np.ndarray
    support_offered: np.ndarray
    eligible_groups: np.ndarray
    """Packed bitsets over :attr:`Profiles.target_groups` (all ones when the list is empty)."""
    occupation_esco: np.ndarray
    occupation_isco2: np.ndarray
    occupation_isco3: np.ndarray
    occupation_isco4: np.ndarray
    min_education_rank: np.ndarray
    min_dutch_rank: np.ndarray
    hours: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    xyz: np.ndarray
    municipality: np.ndarray
    island: np.ndarray
    start_date: np.ndarray
    open: np.ndarray
    project: np.ndarray
    """Index into :attr:`Profiles.project_ids` (-1 unknown)."""
    contract_months: np.ndarray
    """Contract length, ``Settings.default_contract_months`` when unknown."""
    permanent: np.ndarray
    positions: np.ndarray
    required_skill_ids: tuple[tuple[str, ...], ...]
    preferred_skill_ids: tuple[tuple[str, ...], ...]
    certificate_ids: tuple[tuple[str, ...], ...]
    support_codes: tuple[tuple[str, ...], ...]
    occupation_code: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Profiles:
    """Every candidate and vacancy of a dataset, normalised once.

    Examples
    --------
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(5, 2, 1, 0, seed=1).dataset)
    >>> len(p.candidates), len(p.vacancies), p.candidate_index([p.candidates.ids[3]]).tolist()
    (5, 2, [3])
    """

    candidates: CandidateProfiles
    vacancies: VacancyProfiles
    skill_space: TermSpace
    certificate_space: TermSpace
    support_space: TermSpace
    target_groups: tuple[str, ...]
    municipality_codes: tuple[str, ...]
    project_ids: tuple[str, ...]
    vocabularies: Vocabularies
    unresolved: UnresolvedTerms
    settings: Settings
    valuation: pd.DataFrame

    @cached_property
    def candidate_ids(self) -> pd.api.extensions.ExtensionArray:
        """Candidate ids as a pandas string array (cheap ``take`` for pair frames)."""
        return pd.array(self.candidates.ids.tolist(), dtype="str")

    @cached_property
    def vacancy_ids(self) -> pd.api.extensions.ExtensionArray:
        """Vacancy ids as a pandas string array."""
        return pd.array(self.vacancies.ids.tolist(), dtype="str")

    def report(self) -> pd.DataFrame:
        """Unresolved terms: one row per (source, term) with its count, most frequent first."""
        return pd.DataFrame(self.unresolved.to_records(), columns=["source", "term", "count"])

    def candidate_index(self, ids: Iterable[str]) -> np.ndarray:
        """Row of each candidate id (raises :class:`~matching.core.errors.UnknownIdError`)."""
        return _lookup(self.candidates.ids, ids, "candidate")

    def vacancy_index(self, ids: Iterable[str]) -> np.ndarray:
        """Row of each vacancy id (raises :class:`~matching.core.errors.UnknownIdError`)."""
        return _lookup(self.vacancies.ids, ids, "vacancy")


def _lookup(all_ids: np.ndarray, ids: Iterable[str], kind: str) -> np.ndarray:
    from matching.core.errors import UnknownIdError

    wanted = [str(i) for i in ids]
    index = pd.Index(all_ids)
    found = index.get_indexer(wanted)
    if (found < 0).any():
        bad = wanted[int(np.flatnonzero(found < 0)[0])]
        import difflib

        raise UnknownIdError(kind, bad, difflib.get_close_matches(bad, [str(i) for i in all_ids]))
    return found.astype(np.intp)


# --------------------------------------------------------------------------------------------
# Encoding helpers
# --------------------------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str, default: Any = None) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _as_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return value
    if isinstance(value, (list, np.ndarray)):
        return tuple(str(v) for v in value)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ()
    if isinstance(value, str):
        return tuple(s.strip() for s in re.split(r"[;|]", value) if s.strip())
    return ()


def _floats(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _days(series: pd.Series) -> np.ndarray:
    dates = pd.to_datetime(series, errors="coerce")
    out = np.full(len(dates), NO_DATE, dtype=np.int32)
    ok = dates.notna().to_numpy()
    if ok.any():
        values = dates[ok].to_numpy().astype("datetime64[D]").astype(np.int64)
        out[ok] = values.astype(np.int32)
    return out


def _codes(series: pd.Series) -> list[str | None]:
    return [None if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))
            else str(v) for v in series]


class _TermEncoder:
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
        cells = [_as_list(cell) for cell in cells]
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
                    key = _UNRESOLVED_PREFIX + norm
                else:
                    key = found
            self.labels.setdefault(key, term if key.startswith(_UNRESOLVED_PREFIX) else key)
            if key not in keys:
                keys.append(key)
        return tuple(keys), tuple(missing)

    def fill(self, space: TermSpace, *columns: list[tuple[str, ...]]) -> None:
        """Give every key of ``columns`` a bit (resolved keys first, then unresolved ones)."""
        for unresolved_pass in (False, True):
            for cells in columns:
                for keys in cells:
                    for key in keys:
                        if key.startswith(_UNRESOLVED_PREFIX) == unresolved_pass:
                            space.bit(key, self.labels.get(key, key))


def _pack(space: TermSpace, cells: list[tuple[str, ...]]) -> np.ndarray:
    """Bitsets of the keys that have a bit in ``space`` (others cannot meet a requirement)."""
    index = space.index
    return space.pack([[index[k] for k in keys if k in index] for keys in cells])


def _occupation_arrays(
    rows: list[list[tuple[str, int]]], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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


def _resolve_occupations(
    cells: Iterable[Any], vocab: Vocabularies, unresolved: UnresolvedTerms | None, source: str
) -> list[list[tuple[str, int]]]:
    out: list[list[tuple[str, int]]] = []
    missing: list[str] = []
    cells = [_as_list(cell) for cell in cells]
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


def _ranks(series: pd.Series, table: dict[str, int]) -> np.ndarray:
    return np.array([float(table[v]) if v in table else np.nan for v in _codes(series)],
                    dtype=np.float64)


# --------------------------------------------------------------------------------------------
# build_profiles
# --------------------------------------------------------------------------------------------


def build_profiles(
    dataset: Dataset,
    settings: Settings | None = None,
    *,
    vocabularies: Vocabularies | None = None,
    gazetteer: Gazetteer | None = None,
    term_cache: str | os.PathLike[str] | None = None,
) -> Profiles:
    """Normalise every candidate and vacancy of ``dataset`` once.

    Parameters
    ----------
    dataset : Dataset
        Canonical tables (see :mod:`matching.data.schema`).
    settings : Settings, optional
        Travel defaults, fuzzy cut-off, default contract length.
    vocabularies : Vocabularies, optional
        Default :meth:`Vocabularies.from_reference` with ``settings.fuzzy_cutoff``.
    gazetteer : Gazetteer, optional
        Default: the shipped PC4 and municipality tables.
    term_cache : path, optional
        JSON file of earlier term resolutions (:mod:`features.term_cache`): loaded before and
        updated after encoding, so a second run skips fuzzy matching of known terms.

    Returns
    -------
    Profiles

    Examples
    --------
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(30, 5, 2, 0, seed=1).dataset)
    >>> len(p.candidates), len(p.vacancies)
    (30, 5)
    >>> list(p.report().columns)
    ['source', 'term', 'count']
    """
    if term_cache is None and settings is not None and settings.term_cache:
        term_cache = settings.term_cache
    if term_cache is not None:
        from features.term_cache import load_term_cache, save_term_cache

        cutoff = (settings or Settings()).fuzzy_cutoff
        vocabularies = vocabularies or Vocabularies.from_reference(cutoff=cutoff)
        known = load_term_cache(vocabularies, term_cache)
    profiles = encode_profiles(
        dataset.candidates,
        dataset.vacancies,
        dataset.projects,
        dataset.valuation,
        settings,
        vocabularies=vocabularies,
        gazetteer=gazetteer,
    )
    if term_cache is not None:
        from features.term_cache import KINDS, memo_of

        total = sum(len(memo_of(getattr(vocabularies, kind))) for kind in KINDS)
        if total != known:
            save_term_cache(vocabularies, term_cache)
    return profiles



def encode_profiles(
    candidates: pd.DataFrame,
    vacancies: pd.DataFrame,
    projects: pd.DataFrame | None = None,
    valuation: pd.DataFrame | None = None,
    settings: Settings | None = None,
    *,
    vocabularies: Vocabularies | None = None,
    gazetteer: Gazetteer | None = None,
) -> Profiles:
    """:func:`build_profiles` on bare frames (used by the scikit-learn transformer).

    ``valuation`` defaults to :func:`matching.data.reference.default_valuation` when missing or
    empty; ``projects`` may be ``None`` (vacancy project indices then follow first appearance).
    """
    settings = settings if settings is not None else Settings()
    if vocabularies is None:
        vocabularies = Vocabularies.from_reference(cutoff=settings.fuzzy_cutoff)
    if gazetteer is None:
        gazetteer = _default_gazetteer()
    if valuation is None or len(valuation) == 0:
        from matching.data import reference

        valuation = reference.default_valuation()
    unresolved = UnresolvedTerms()
    skill_space = TermSpace("skill")
    cert_space = TermSpace("certificate")
    support_space = TermSpace("support")
    for code in SUPPORT_NEEDS:
        support_space.bit(code)

    skill_enc = _TermEncoder(vocabularies.skills, unresolved)
    cert_enc = _TermEncoder(vocabularies.certificates, unresolved)
    support_enc = _TermEncoder(None, unresolved)

    cand = candidates.reset_index(drop=True)
    vac = vacancies.reset_index(drop=True)

    c_skill_ids = skill_enc.encode(_column(cand, "skills", ()), "candidates.skills")
    v_req_ids = skill_enc.encode(_column(vac, "required_skills", ()), "vacancies.required_skills")
    v_pref_ids = skill_enc.encode(
        _column(vac, "preferred_skills", ()), "vacancies.preferred_skills")
    c_cert_ids = cert_enc.encode(_column(cand, "certificates", ()), "candidates.certificates")
    v_cert_ids = cert_enc.encode(
        _column(vac, "required_certificates", ()), "vacancies.required_certificates")
    c_sup_ids = support_enc.encode(_column(cand, "support_needs", ()), "candidates.support_needs")
    v_sup_ids = support_enc.encode(_column(vac, "support_offered", ()), "vacancies.support_offered")
    # Only terms a vacancy asks for get a bit: a candidate's other terms can never meet a
    # requirement, and leaving them out keeps the bitsets a word or two wide.
    skill_enc.fill(skill_space, v_req_ids, v_pref_ids)
    cert_enc.fill(cert_space, v_cert_ids)
    support_enc.fill(support_space, v_sup_ids, c_sup_ids)

    # Target groups: the valuation's, the reference list, then any other code seen.
    from matching.data import reference

    groups: list[str] = []
    for g in [*valuation["target_group"].astype(str), *reference.target_groups()["code"]]:
        if g not in groups:
            groups.append(g)
    c_groups = _codes(_column(cand, "target_group"))
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
    for cell in _column(vac, "eligible_target_groups", ()):
        terms = _as_list(cell)
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

    # Occupations.
    c_occ = _resolve_occupations(
        _column(cand, "occupations", ()), vocabularies, unresolved, "candidates.occupations")
    k = max(1, max((len(o) for o in c_occ), default=1))
    v_occ_terms = _column(vac, "occupation")
    v_occ = _resolve_occupations(
        [(t,) if isinstance(t, str) and t.strip() else () for t in v_occ_terms],
        vocabularies, unresolved, "vacancies.occupation")
    titles = _codes(_column(vac, "title"))
    occ_given = [isinstance(t, str) and bool(t.strip()) for t in v_occ_terms]
    fallback = [j for j, occs in enumerate(v_occ)
                if not occs and not occ_given[j] and titles[j] is not None]
    vocabularies.prefetch_occupations({titles[j] for j in fallback})
    for j in fallback:
        found = vocabularies.occupation(titles[j])  # type: ignore[arg-type]
        if found is not None:
            v_occ[j] = [found]
    c_esco, c_i2, c_i3, c_i4 = _occupation_arrays(c_occ, k)
    v_esco, v_i2, v_i3, v_i4 = _occupation_arrays(v_occ, 1)

    # Locations.
    c_loc = gazetteer.locate(_column(cand, "postcode"), _column(cand, "municipality_code"))
    v_loc = gazetteer.locate(_column(vac, "postcode"), _column(vac, "municipality_code"))

    # Reach.
    explicit = _floats(_column(cand, "max_travel_km", np.nan))
    defaults = settings.default_travel_km
    fallback = float(defaults.get("unknown", 25.0))
    by_mobility = np.array(
        [float(defaults.get(m, fallback)) if m is not None else fallback
         for m in _codes(_column(cand, "mobility"))], dtype=np.float64)
    max_travel = np.where(np.isnan(explicit), by_mobility, explicit)

    # Education and language.
    cefr = {level: i for i, level in enumerate(CEFR_LEVELS)}
    edu_codes = _codes(_column(cand, "education_level"))
    skq = np.array([np.nan if e is None or e not in EDUCATION_RANK else float(e in STARTKWALIFICATIE)
                    for e in edu_codes], dtype=np.float64)

    # Status, dates, projects.
    c_status = _codes(_column(cand, "status"))
    v_status = _codes(_column(vac, "status"))
    project_ids: list[str] = (
        [str(p) for p in projects["project_id"]] if projects is not None and len(projects) else []
    )
    proj_index = {p: i for i, p in enumerate(project_ids)}
    v_project = []
    for p in _codes(_column(vac, "project_id")):
        if p is not None and p not in proj_index:
            proj_index[p] = len(project_ids)
            project_ids.append(p)
        v_project.append(proj_index.get(p, -1) if p is not None else -1)

    contract = _floats(_column(vac, "contract_months", np.nan))
    contract = np.where(np.isnan(contract), float(settings.default_contract_months), contract)
    permanent = (
        pd.array(_column(vac, "permanent", False), dtype="boolean").fillna(False).to_numpy(bool)
    )
    positions = _floats(_column(vac, "positions", 1.0))
    positions = np.where(np.isnan(positions), 1.0, positions)

    benefit = _floats(_column(cand, "benefit_months", np.nan))
    block, block_max = block_value_per_year(
        valuation, np.array(c_groups, dtype=object), benefit)

    bbl = group_index.get("bbl", -2)
    cand_profiles = CandidateProfiles(
        ids=np.array([str(i) for i in cand["candidate_id"]], dtype=object),
        skills=_pack(skill_space, c_skill_ids),
        certificates=_pack(cert_space, c_cert_ids),
        support_needs=_pack(support_space, c_sup_ids),
        n_support_needs=np.array([len(k) for k in c_sup_ids], dtype=np.float64),
        target_group=c_group,
        is_bbl=c_group == bbl,
        occupation_esco=c_esco,
        occupation_isco2=c_i2,
        occupation_isco3=c_i3,
        occupation_isco4=c_i4,
        education_rank=_ranks(_column(cand, "education_level"), EDUCATION_RANK),
        dutch_rank=_ranks(_column(cand, "dutch_level"), cefr),
        startkwalificatie=skq,
        hours=_floats(_column(cand, "hours_per_week", np.nan)),
        lat=c_loc.lat,
        lon=c_loc.lon,
        xyz=unit_vectors(c_loc.lat, c_loc.lon),
        municipality=c_loc.municipality,
        island=c_loc.island,
        max_travel_km=max_travel,
        available_from=_days(_column(cand, "available_from")),
        available=np.array([s is None or s == "available" for s in c_status], dtype=bool),
        benefit_months=benefit,
        block_value_per_year=block,
        block_max_months=block_max,
        birth_year=_floats(_column(cand, "birth_year", np.nan)),
        skill_ids=tuple(c_skill_ids),
        certificate_ids=tuple(c_cert_ids),
        occupation_codes=tuple(tuple(code for code, _ in o) for o in c_occ),
        support_codes=tuple(c_sup_ids),
    )
    vac_profiles = VacancyProfiles(
        ids=np.array([str(i) for i in vac["vacancy_id"]], dtype=object),
        required_skills=_pack(skill_space, v_req_ids),
        n_required_skills=np.array([len(k) for k in v_req_ids], dtype=np.float64),
        preferred_skills=_pack(skill_space, v_pref_ids),
        n_preferred_skills=np.array([len(k) for k in v_pref_ids], dtype=np.float64),
        required_certificates=_pack(cert_space, v_cert_ids),
        n_required_certificates=np.array([len(k) for k in v_cert_ids], dtype=np.float64),
        support_offered=_pack(support_space, v_sup_ids),
        eligible_groups=group_space.pack(elig_bits, group_words),
        occupation_esco=v_esco[:, 0],
        occupation_isco2=v_i2[:, 0],
        occupation_isco3=v_i3[:, 0],
        occupation_isco4=v_i4[:, 0],
        min_education_rank=_ranks(_column(vac, "min_education_level"), EDUCATION_RANK),
        min_dutch_rank=_ranks(_column(vac, "min_dutch_level"), cefr),
        hours=_floats(_column(vac, "hours_per_week", np.nan)),
        lat=v_loc.lat,
        lon=v_loc.lon,
        xyz=unit_vectors(v_loc.lat, v_loc.lon),
        municipality=v_loc.municipality,
        island=v_loc.island,
        start_date=_days(_column(vac, "start_date")),
        open=np.array([s is None or s == "open" for s in v_status], dtype=bool),
        project=np.array(v_project, dtype=np.int32),
        contract_months=contract,
        permanent=permanent,
        positions=positions,
        required_skill_ids=tuple(v_req_ids),
        preferred_skill_ids=tuple(v_pref_ids),
        certificate_ids=tuple(v_cert_ids),
        support_codes=tuple(v_sup_ids),
        occupation_code=tuple(o[0][0] if o else "" for o in v_occ),
    )
    return Profiles(
        candidates=cand_profiles,
        vacancies=vac_profiles,
        skill_space=skill_space,
        certificate_space=cert_space,
        support_space=support_space,
        target_groups=tuple(groups),
        municipality_codes=gazetteer.municipality_codes,
        project_ids=tuple(project_ids),
        vocabularies=vocabularies,
        unresolved=unresolved,
        settings=settings,
        valuation=valuation,
    )


_GAZETTEER: list[Gazetteer] = []


def _default_gazetteer() -> Gazetteer:
    if not _GAZETTEER:
        _GAZETTEER.append(Gazetteer())
    return _GAZETTEER[0]

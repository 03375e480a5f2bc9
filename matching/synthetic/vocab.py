"""The reference vocabularies and ESCO occupations a sample is written with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from features.vocabulary import Vocabulary, normalise_term
from matching.data import reference
from matching.synthetic.distributions import (
    _EXCLUDED_WORDS,
    _ISCO3_SECTOR,
    _ISCO4_SECTOR,
)


@dataclass(frozen=True)
class _Vocab:
    """A reference vocabulary with the names each id may safely be written as."""

    codes: np.ndarray
    sector: np.ndarray
    label_nl: np.ndarray
    names: tuple[tuple[str, ...], ...]
    """Per id: names (label_nl first, label_en second, synonyms) that resolve back to it."""
    vocabulary: Vocabulary
    flat_names: np.ndarray
    name_start: np.ndarray
    name_count: np.ndarray
    variants: np.ndarray
    """Per flat name, shape (n_names, len(_RENAMES)): renamed forms whose normalised text is
    no name of the vocabulary (see :func:`_renamed`)."""


_RENAMES = ("abbreviation", "ervaring met", "basis", "word order", "medewerker")
"""The kinds of renamed skill terms (``renamed_skills``), see :func:`_renamed`."""


def _renamed(name: str, kind: int, known: frozenset[str]) -> str:
    """A variant of ``name`` the vocabulary does not know exactly, of the given kind.

    Kinds: 0 abbreviation (words of more than five letters cut to four and a dot, as in CVs:
    "Bouwplaatswerkzaamheden" -> "Bouw."); 1 a phrase around it ("ervaring met heftruck");
    2 a qualifier ("Asfalteren (basis)"); 3 a word-order change or a compound joined up
    ("groen onderhoud" -> "onderhoud groen", "Afwassen" -> "Afwassen-werkzaamheden"); 4 a role
    word ("medewerker catering"). Fuzzy matching resolves some of these (phrases usually do,
    abbreviations usually do not). When a kind gives a known name the next kind is tried.
    """
    words = name.split()
    for k in [*range(kind, len(_RENAMES)), *range(kind)]:
        if k == 0:
            cut = [w[:4] + "." if sum(ch.isalpha() for ch in w) > 5 else w for w in words]
            out = " ".join(cut)
        elif k == 1:
            out = f"ervaring met {name[:1].lower() + name[1:]}"
        elif k == 2:
            out = f"{name} (basis)"
        elif k == 3:
            out = " ".join(reversed(words)) if len(words) > 1 else f"{name}-werkzaamheden"
        else:
            out = f"medewerker {name[:1].lower() + name[1:]}"
        norm = normalise_term(out)
        if norm and norm != normalise_term(name) and norm not in known:
            return out
    return f"{name} (basis) (ervaring)"


def _vocab(frame: pd.DataFrame, cutoff: float) -> _Vocab:
    entries = []
    for row in frame.itertuples(index=False):
        names = [n for n in (row.label_nl, row.label_en, *row.synonyms) if isinstance(n, str) and n]
        entries.append((row.code, names))
    vocabulary = Vocabulary(entries, cutoff=cutoff)
    # A name is safe when it resolves back to its id both plainly and when labels win over
    # other entries' synonyms (as features.profiles.LabelFirstVocabulary resolves).
    label_first: dict[str, str] = {}
    for row in frame.itertuples(index=False):
        for label in (row.label_nl, row.label_en):
            if isinstance(label, str):
                label_first.setdefault(normalise_term(label), row.code)
    safe = []
    for code, names in entries:
        ok = tuple(n for n in names if ";" not in n and "|" not in n
                   and vocabulary.resolve(n) == code
                   and label_first.get(normalise_term(n), code) == code)
        safe.append(ok or (code,))
    known = frozenset(normalise_term(n) for code, names in entries for n in (code, *names))
    flat = [n for names in safe for n in names]
    variants = np.array([[_renamed(n, k, known) for k in range(len(_RENAMES))] for n in flat],
                        dtype=object).reshape(len(flat), len(_RENAMES))
    return _Vocab(
        codes=frame["code"].to_numpy(dtype=object), sector=frame["sector"].to_numpy(dtype=object),
        label_nl=frame["label_nl"].to_numpy(dtype=object), names=tuple(safe),
        vocabulary=vocabulary,
        flat_names=np.array([n for names in safe for n in names], dtype=object),
        name_start=np.cumsum([0] + [len(n) for n in safe[:-1]]).astype(np.int64),
        name_count=np.array([len(n) for n in safe], dtype=np.int64),
        variants=variants,
    )


@lru_cache(maxsize=2)
def _vocabularies(cutoff: float) -> tuple[_Vocab, _Vocab]:
    return _vocab(reference.skills(), cutoff), _vocab(reference.certificates(), cutoff)


@dataclass(frozen=True)
class _Occupations:
    ids: np.ndarray
    isco: np.ndarray
    label_nl: np.ndarray
    label_en: np.ndarray
    sector: np.ndarray


@lru_cache(maxsize=1)
def _occupations() -> _Occupations:
    """Target-sector ESCO occupations usable for sample vacancies, with a sector each."""
    occ = reference.occupations()
    nl = occ["label_nl"].astype(str).map(normalise_term)
    en = occ["label_en"].astype(str).map(normalise_term)
    dup = set(nl[nl.duplicated()]) | set(en[en.duplicated()]) | (set(nl) & set(en))
    isco = occ["isco_code"].astype(str).str.zfill(4)
    sector = [_ISCO4_SECTOR.get(c, _ISCO3_SECTOR.get(c[:3])) for c in isco]
    label = occ["label_nl"].astype(str).str.lower()
    keep = (
        occ["target_sector"].to_numpy()
        & np.array([s is not None for s in sector])
        & ~nl.isin(dup).to_numpy() & ~en.isin(dup).to_numpy()
        & (label.str.len() <= 40).to_numpy()
        & ~label.str.contains("|".join(_EXCLUDED_WORDS), regex=True).to_numpy()
        & ~occ["label_nl"].astype(str).str.contains(r"[;|]").to_numpy()
        & ~occ["label_en"].astype(str).str.contains(r"[;|]").to_numpy()
    )
    sel = occ[keep]
    return _Occupations(
        ids=sel["occupation_id"].to_numpy(dtype=object),
        isco=isco[keep].to_numpy(dtype=object),
        label_nl=sel["label_nl"].to_numpy(dtype=object),
        label_en=sel["label_en"].to_numpy(dtype=object),
        sector=np.array([s for s, k in zip(sector, keep, strict=True) if k], dtype=object),
    )

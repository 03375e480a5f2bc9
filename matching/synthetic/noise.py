"""Free-text noise on written terms: synonyms, renamed variants, case, spacing, typos, PC6."""

from __future__ import annotations

from itertools import islice

import numpy as np
import pandas as pd

from features.vocabulary import normalise_term
from matching.synthetic.vocab import (
    _RENAMES,
    _Occupations,
    _Vocab,
)


class _Noise:
    """Free-text noise on written terms: synonyms, case, spacing and typos.

    Per term, independently: a typo (one adjacent swap or one dropped letter, never the
    first) with probability ``typo`` when the term is longer than five characters; a case
    change (upper, lower or capitalised) with probability ``case``; an extra space (leading,
    trailing or doubled inside) with probability ``space``. Operations are drawn as integer
    codes and applied once per distinct (name, operation) combination.
    """

    def __init__(self, rng: np.random.Generator, typo: float = 0.05, case: float = 0.25,
                 space: float = 0.05) -> None:
        self.rng = rng
        self.typo = typo
        self.case = case
        self.space = space

    def distort(self, names: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Noisy forms of ``names[which]``: (written terms, stripped terms) as object arrays."""
        m = len(which)
        if m == 0:
            empty = np.array([], dtype=object)
            return empty, empty
        u = self.rng.random((m, 3))
        typo = np.where(u[:, 0] < self.typo, 1 + (u[:, 0] < self.typo / 2), 0)
        pos = self.rng.integers(0, 64, m)
        case = np.where(u[:, 1] < self.case, 1 + np.minimum((u[:, 1] / self.case * 3), 2), 0)
        space = np.where(u[:, 2] < self.space, 1 + np.minimum((u[:, 2] / self.space * 3), 2), 0)
        pos = np.where(typo > 0, pos, 0)
        key = (((np.asarray(which, dtype=np.int64) * 4 + typo) * 64 + pos) * 4
               + case.astype(np.int64)) * 4 + space.astype(np.int64)
        uniq, inv = np.unique(key, return_inverse=True)
        written = np.empty(len(uniq), dtype=object)
        for j, k in enumerate(uniq.tolist()):
            k, sp = divmod(k, 4)
            k, c = divmod(k, 4)
            k, ps = divmod(k, 64)
            w, t = divmod(k, 4)
            term = str(names[w])
            if t and len(normalise_term(term)) > 5:
                term = _typo(term, t == 1, ps)
            if c == 1:
                term = term.upper()
            elif c == 2:
                term = term.lower()
            elif c == 3:
                term = term[:1].upper() + term[1:]
            if sp == 1:
                term = "  " + term
            elif sp == 2:
                term = term + " "
            elif sp == 3:
                term = term.replace(" ", "  ", 1)
            written[j] = term
        stripped = np.array([t.strip() for t in written], dtype=object)
        inv = inv.ravel()
        return written[inv], stripped[inv]

    def names(self, vocab: _Vocab, idx: np.ndarray, p_nl: float, p_en: float) -> np.ndarray:
        """Index into ``vocab.flat_names`` per id: Dutch label, English label or a synonym."""
        u = self.rng.random((len(idx), 2))
        count = vocab.name_count[idx]
        choice = np.where(
            u[:, 0] < p_nl, 0,
            np.where(u[:, 0] < p_nl + p_en, np.minimum(1, count - 1),
                     np.minimum((u[:, 1] * count).astype(np.int64), count - 1)),
        )
        return vocab.name_start[idx] + choice


def _typo(term: str, swap: bool, pos: int) -> str:
    """Swap two adjacent letters or drop one, away from the first character."""
    letters = [i for i, ch in enumerate(term) if ch.isalpha()][1:]
    if len(letters) < 3:
        return term
    i = letters[pos % (len(letters) - 1)]
    if swap and i + 1 < len(term) and term[i + 1].isalpha() and term[i + 1] != term[i]:
        return term[:i] + term[i + 1] + term[i] + term[i + 2:]
    return term[:i] + term[i + 1:]


def _split_rows(values: np.ndarray, counts: np.ndarray) -> list[tuple]:
    """Consecutive runs of ``values`` of the given lengths, as tuples."""
    it = iter(values.tolist())
    return [tuple(islice(it, c)) for c in counts.tolist()]


def _noisy_lists(noise: _Noise, vocab: _Vocab, member: np.ndarray, *, strict: bool,
                 p_nl: float = 0.5, p_en: float = 0.2,
                 rename: tuple[np.random.Generator, float] | None = None
                 ) -> tuple[list, list, list]:
    """Clean code tuples, written (noisy) tuples and their stripped (canonical) form.

    ``rename = (rng, share)`` writes ``share`` of the terms as a renamed variant
    (:func:`_renamed`, kind drawn uniformly) before the other noise is applied.
    """
    rows, cols = np.nonzero(member)
    name_idx = noise.names(vocab, cols, p_nl, p_en)
    names = vocab.flat_names
    if rename is not None and rename[1] > 0 and len(cols):
        aux, share = rename
        renamed = aux.random(len(cols)) < share
        kind = aux.integers(0, len(_RENAMES), len(cols))
        k = len(_RENAMES)
        names = np.concatenate([vocab.flat_names, vocab.variants.ravel()])
        name_idx = np.where(renamed, len(vocab.flat_names) + name_idx * k + kind, name_idx)
    written, stripped = noise.distort(names, name_idx)
    if strict:
        # certificates are validated strictly: keep a noisy form only if it resolves back
        term_code, terms = pd.factorize(stripped)
        key = term_code.astype(np.int64) * len(vocab.codes) + cols
        uniq, inv = np.unique(key, return_inverse=True)
        ok_uniq = np.array([vocab.vocabulary.resolve(terms[k // len(vocab.codes)])
                            == vocab.codes[k % len(vocab.codes)] for k in uniq.tolist()],
                           dtype=bool)
        ok = ok_uniq[inv.ravel()]
        fallback = vocab.label_nl[cols]
        written = np.where(ok, written, fallback)
        stripped = np.where(ok, stripped, fallback)
    counts = np.bincount(rows, minlength=len(member))
    return (_split_rows(vocab.codes[cols], counts), _split_rows(written, counts),
            _split_rows(stripped, counts))


def _occupation_terms(rng: np.random.Generator, noise: _Noise, occ: _Occupations,
                      idx: np.ndarray, p_code: float, p_nl: float
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clean token, written term and stripped term per occupation index (``None`` for -1).

    The clean token is the ESCO ``occupation_id``, or the ISCO-08 code when the occupation
    is written as a code (the record then no longer identifies the ESCO occupation).
    """
    n = len(idx)
    u = rng.random(n)
    has = idx >= 0
    safe = np.maximum(idx, 0)
    as_code = u < p_code
    clean = np.where(as_code, occ.isco[safe], occ.ids[safe]).astype(object)
    written = occ.isco[safe].astype(object)
    stripped = written.copy()
    labels = np.flatnonzero(has & ~as_code)
    names = np.concatenate([occ.label_nl, occ.label_en])
    which = np.where(u[labels] < p_code + p_nl, safe[labels], safe[labels] + len(occ.ids))
    written[labels], stripped[labels] = noise.distort(names, which)
    for arr in (clean, written, stripped):
        arr[~has] = None
    return clean, written, stripped


def _group_rows(values: np.ndarray, width: int) -> list[tuple]:
    """Regroup a flat row-major (n_rows * width) array into tuples, dropping ``None``."""
    rows = values.reshape(-1, width).tolist()
    return [tuple(v for v in row if v is not None) for row in rows]


def _pc6(rng: np.random.Generator, pc4: np.ndarray, share: float) -> np.ndarray:
    """Write ``share`` of the PC4s as a PC6 (``9711 AB``), as exports often do."""
    out = pc4.astype(object).copy()
    rows = np.flatnonzero(rng.random(len(pc4)) < share)
    letters = rng.integers(0, 26, (len(rows), 2)) + ord("A")
    for r, (a, b) in zip(rows, letters, strict=True):
        out[r] = f"{pc4[r]} {chr(a)}{chr(b)}"
    return out

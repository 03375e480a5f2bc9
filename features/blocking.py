"""Blocking: which (candidate, vacancy) pairs are worth scoring, in bounded memory.

A pair is kept when it passes every hard constraint, in this order (:data:`CONSTRAINTS`):

``candidate_available``
    The candidate's status is ``available`` (or missing).
``vacancy_open``
    The vacancy's status is ``open`` (or missing).
``target_group_eligible``
    The candidate's target group counts for the vacancy's project (``eligible_target_groups``;
    an empty list means every target group).
``certificates_held``
    The candidate holds every certificate the vacancy requires.
``within_reach``
    ``travel_km <= max_travel_km`` (distance plus the ferry penalty; see :mod:`features.geo`).
    A pair whose home or work location is unknown is not within reach.
``available_in_time``
    ``available_from <= start_date + FeatureSettings.availability_grace_days``; a missing date passes.
``hours_compatible``
    ``hours_ratio_min <= candidate hours / vacancy hours <= hours_ratio_max``, and a BBL
    apprentice needs a vacancy of at least 16 hours a week.

The candidate's municipality is never a filter: only reach matters.

The raw cross product is walked in blocks of at most ``chunk_pairs`` pairs (vacancy chunks,
and candidate chunks when one vacancy row alone would exceed the budget), each evaluated with
numpy broadcasting. Every failing pair is counted once under the first constraint it fails
(``removed``: ``raw_pairs == kept + sum(removed)``) and under every constraint it fails
(``failing``). *Near misses* are pairs failing exactly one constraint other than
``candidate_available`` / ``vacancy_open`` (a placed person or a filled vacancy is no near miss).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features.geo import EARTH_RADIUS_KM
from features.pairs import pair_features, pair_travel_km
from features.profiles import BBL_MIN_HOURS, NO_DATE, Profiles
from features.settings import FeatureSettings
from features.spec import PAIR_COLUMNS

__all__ = [
    "CONSTRAINTS",
    "BlockingResult",
    "PairBlock",
    "candidate_pairs",
    "iter_candidate_pairs",
]

CONSTRAINTS: tuple[str, ...] = (
    "candidate_available",
    "vacancy_open",
    "target_group_eligible",
    "certificates_held",
    "within_reach",
    "available_in_time",
    "hours_compatible",
)
"""The hard constraints, cheapest first; see the module docstring for each definition."""

CONSTRAINT_DESCRIPTIONS: dict[str, str] = {
    "candidate_available": "The candidate's status is `available` (or missing).",
    "vacancy_open": "The vacancy's status is `open` (or missing).",
    "target_group_eligible": "The candidate's target group counts for the vacancy's project "
    "(`eligible_target_groups`; empty = every target group).",
    "certificates_held": "The candidate holds every certificate the vacancy requires.",
    "within_reach": "travel_km <= the candidate's max_travel_km (distance plus ferry penalty); "
    "an unknown location is never within reach.",
    "available_in_time": "available_from <= start_date + availability_grace_days; a missing "
    "date passes.",
    "hours_compatible": "hours_ratio_min <= candidate hours / vacancy hours <= hours_ratio_max; "
    f"a BBL apprentice needs a vacancy of at least {BBL_MIN_HOURS:g} hours a week.",
}

_CHORD_BAND = 1e-5
"""Half-width (unit-sphere chord, about 64 m) of the band around the reach threshold inside
which the float32 pre-filter defers to the exact float64 test."""


@dataclass
class PairBlock:
    """One block of the cross product, as yielded by :func:`iter_candidate_pairs`.

    Streaming consumers read the arrays (``cand_idx``, ``vac_idx``, ``features`` of shape
    ``(kept, len(PAIR_COLUMNS))`` or ``None`` without features); :attr:`pairs` builds the
    same as a DataFrame (the :class:`BlockingResult` columns) on first use.
    """

    cand_idx: np.ndarray
    vac_idx: np.ndarray
    features: np.ndarray | None
    raw_pairs: int
    removed: dict[str, int]
    failing: dict[str, int]
    near_misses: pd.DataFrame | None = None
    profiles: Profiles | None = field(default=None, repr=False)
    _cached: pd.DataFrame | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.cand_idx)

    @property
    def pairs(self) -> pd.DataFrame:
        """``candidate_id``, ``vacancy_id``, ``cand_idx``, ``vac_idx`` (+ feature columns)."""
        if self._cached is None:
            if self.profiles is None:
                raise ValueError("this block was built without profiles")
            self._cached = _frame(self.profiles, self.cand_idx, self.vac_idx, self.features)
        return self._cached


@dataclass
class BlockingResult:
    """Pairs that pass every hard constraint, with the counts that explain the rest.

    ``pairs`` has ``candidate_id``, ``vacancy_id``, ``cand_idx``, ``vac_idx`` and (with
    features) every :data:`features.spec.PAIR_COLUMNS` column, ordered by vacancy then
    candidate (in the order of the selection). ``removed[c]`` counts pairs whose first failed
    constraint is ``c``; ``failing[c]`` counts every pair failing ``c``. ``near_misses`` (when
    asked) lists pairs failing exactly one constraint with the ``constraint`` column.
    """

    pairs: pd.DataFrame
    raw_pairs: int
    removed: dict[str, int]
    failing: dict[str, int]
    near_misses: pd.DataFrame | None = None
    chunks: int = field(default=0)

    @property
    def kept(self) -> int:
        return len(self.pairs)

    def summary(self) -> pd.DataFrame:
        """One row per constraint: removed (first failure) and failing (any failure)."""
        return pd.DataFrame({
            "constraint": list(CONSTRAINTS),
            "removed": [self.removed[c] for c in CONSTRAINTS],
            "failing": [self.failing[c] for c in CONSTRAINTS],
        })


# --------------------------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------------------------


def _select(selection: Iterable | None, n: int, lookup) -> np.ndarray:
    if selection is None:
        return np.arange(n, dtype=np.intp)
    arr = np.asarray(list(selection) if not isinstance(selection, np.ndarray) else selection)
    if arr.size == 0:
        return np.zeros(0, dtype=np.intp)
    if arr.dtype.kind == "b":
        return np.flatnonzero(arr).astype(np.intp)
    if arr.dtype.kind in "iu":
        if (arr < 0).any() or (arr >= n).any():
            raise IndexError(f"index out of range 0..{n - 1}")
        return arr.astype(np.intp)
    return lookup(arr.tolist())


# --------------------------------------------------------------------------------------------
# Per-candidate arrays of the selection (gathered once)
# --------------------------------------------------------------------------------------------


def _chord_threshold(km: np.ndarray) -> np.ndarray:
    """Chord length on the unit sphere matching a great-circle distance; -1 when negative."""
    angle = np.clip(km, 0.0, np.pi * EARTH_RADIUS_KM) / (2.0 * EARTH_RADIUS_KM)
    return np.where(km < 0, -1.0, 2.0 * np.sin(angle))


def _bands(km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Squared chord bounds: below ``lo`` surely within reach, above ``hi`` surely not."""
    chord = _chord_threshold(km)
    inner = chord - _CHORD_BAND
    lo = np.where(inner < 0, -1.0, inner * inner)
    hi = np.where(chord < 0, -1.0, (chord + _CHORD_BAND) ** 2)
    return lo.astype(np.float32), hi.astype(np.float32)


class _Candidates:
    def __init__(self, profiles: Profiles, ci: np.ndarray, settings: FeatureSettings) -> None:
        c = profiles.candidates
        self.idx = ci
        self.available = c.available[ci]
        group = c.target_group[ci].astype(np.intp)
        n_groups = len(profiles.target_groups)
        self.group = np.where(group >= 0, group, n_groups)  # extra column: never eligible
        self.not_certs = [np.ascontiguousarray(~c.certificates[ci, w])
                          for w in range(c.certificates.shape[1])]
        xyz = c.xyz[ci].astype(np.float32)
        self.x, self.y, self.z = (np.ascontiguousarray(xyz[:, k]) for k in range(3))
        reach = c.max_travel_km[ci]
        self.lo, self.hi = _bands(reach)
        self.lo_ferry, self.hi_ferry = _bands(reach - settings.ferry_penalty_km)
        self.municipality = c.municipality[ci]
        self.island = c.island[ci]
        self.any_island = bool(self.island.any())
        available_from = c.available_from[ci]
        self.available_from = np.where(available_from == NO_DATE, np.iinfo(np.int32).min + 1,
                                       available_from).astype(np.int64)
        self.hours = c.hours[ci]
        self.bbl = c.is_bbl[ci]
        self.any_bbl = bool(self.bbl.any())


def _eligibility_table(profiles: Profiles) -> np.ndarray:
    """``(n_vacancies, n_groups + 1)`` bool: group g counts for vacancy j (last column False)."""
    v = profiles.vacancies
    n_groups = len(profiles.target_groups)
    table = np.zeros((len(v), n_groups + 1), dtype=bool)
    for g in range(n_groups):
        table[:, g] = ((v.eligible_groups[:, g // 64] >> np.uint64(g % 64)) & np.uint64(1)) == 1
    return table


# --------------------------------------------------------------------------------------------
# One block
# --------------------------------------------------------------------------------------------


class _Tally:
    """Counts removed / failing per constraint and tracks the surviving pairs of a block."""

    def __init__(self, shape: tuple[int, int], track: bool) -> None:
        self.shape = shape
        self.size = shape[0] * shape[1]
        self.removed = dict.fromkeys(CONSTRAINTS, 0)
        self.failing = dict.fromkeys(CONSTRAINTS, 0)
        self.alive: np.ndarray | None = None
        self.track = track
        self.n_fail = np.zeros(shape, dtype=np.uint8) if track else None
        self.fails: dict[str, np.ndarray] = {}

    def add(self, name: str, fail: np.ndarray) -> None:
        n_bad = int(np.count_nonzero(fail)) * (self.size // max(fail.size, 1))
        self.failing[name] = n_bad
        if self.track:
            self.n_fail += fail
            self.fails[name] = fail
        if n_bad == 0:
            if self.alive is None:
                self.alive = np.ones(self.shape, dtype=bool)
            return
        if self.alive is None:
            self.removed[name] = n_bad
            self.alive = np.broadcast_to(~fail, self.shape).copy()
        else:
            self.removed[name] = int(np.count_nonzero(self.alive & fail))
            self.alive &= ~fail


def _block(
    profiles: Profiles,
    settings: FeatureSettings,
    cands: _Candidates,
    cs: slice,
    vi: np.ndarray,
    eligible: np.ndarray,
    near_misses: bool,
) -> _BlockIndex:
    v = profiles.vacancies
    nc = cs.stop - cs.start
    shape = (len(vi), nc)
    tally = _Tally(shape, near_misses)

    # 1-2: per entity.
    tally.add("candidate_available", ~cands.available[cs][None, :])
    tally.add("vacancy_open", ~v.open[vi][:, None])
    # 3: target group.
    tally.add("target_group_eligible", ~eligible[vi][:, cands.group[cs]])
    # 4: certificates.
    fail = np.zeros(shape, dtype=bool)
    req = v.required_certificates[vi]
    for w, not_held in enumerate(cands.not_certs):
        rows = np.flatnonzero(req[:, w])
        if len(rows):
            fail[rows] |= (req[rows, w][:, None] & not_held[cs][None, :]) != 0
    tally.add("certificates_held", fail)
    # 5: reach — float32 chord pre-filter, exact float64 test inside the band.
    vxyz = v.xyz[vi].astype(np.float32)
    chord2 = np.subtract.outer(vxyz[:, 0], cands.x[cs])
    chord2 *= chord2
    d = np.subtract.outer(vxyz[:, 1], cands.y[cs])
    d *= d
    chord2 += d
    np.subtract.outer(vxyz[:, 2], cands.z[cs], out=d)
    d *= d
    chord2 += d
    del d
    v_island = v.island[vi]
    if cands.any_island or v_island.any():
        ferry = (v.municipality[vi][:, None] != cands.municipality[cs][None, :]) & (
            v_island[:, None] | cands.island[cs][None, :])
        lo = np.where(ferry, cands.lo_ferry[cs][None, :], cands.lo[cs][None, :])
        hi = np.where(ferry, cands.hi_ferry[cs][None, :], cands.hi[cs][None, :])
    else:
        lo, hi = cands.lo[cs][None, :], cands.hi[cs][None, :]
    inside = chord2 <= lo
    band_r, band_c = np.nonzero((chord2 <= hi) & ~inside)
    if len(band_r):
        _, travel, _ = pair_travel_km(profiles, cands.idx[cs][band_c], vi[band_r])
        inside[band_r, band_c] = travel <= profiles.candidates.max_travel_km[
            cands.idx[cs][band_c]]
    del chord2, lo, hi
    tally.add("within_reach", ~inside)
    del inside
    # 6: availability.
    start = v.start_date[vi].astype(np.int64)
    limit = np.where(start == NO_DATE, np.iinfo(np.int64).max, start + settings.availability_grace_days)
    tally.add("available_in_time", cands.available_from[cs][None, :] > limit[:, None])
    # 7: hours.
    vh = v.hours[vi]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = cands.hours[cs][None, :] / vh[:, None]
    ok = (ratio >= settings.hours_ratio_min) & (ratio <= settings.hours_ratio_max)
    del ratio
    if cands.any_bbl:
        ok &= ~(cands.bbl[cs][None, :] & (vh < BBL_MIN_HOURS)[:, None])
    tally.add("hours_compatible", ~ok)
    del ok

    rows, cols = np.nonzero(tally.alive)
    out = _BlockIndex(cands.idx[cs][cols], vi[rows], len(vi) * nc, tally.removed,
                      tally.failing)
    if near_misses:
        one = (tally.n_fail == 1) & cands.available[cs][None, :] & v.open[vi][:, None]
        r, k = np.nonzero(one)
        which = np.zeros(len(r), dtype=np.int8)
        for code, name in enumerate(CONSTRAINTS):
            if code >= 2:
                which[np.broadcast_to(tally.fails[name], shape)[r, k]] = code
        out.near = (cands.idx[cs][k], vi[r], which)
    return out


@dataclass
class _BlockIndex:
    """What a block yields before any frame is built: kept and near-miss index arrays."""

    ci: np.ndarray
    vi: np.ndarray
    raw_pairs: int
    removed: dict[str, int]
    failing: dict[str, int]
    near: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def to_block(self, profiles: Profiles, with_features: bool) -> PairBlock:
        misses = None
        if self.near is not None:
            misses = _near_frame(profiles, *self.near, with_features=with_features)
        X = pair_features(profiles, self.ci, self.vi) if with_features else None
        return PairBlock(self.ci, self.vi, X, self.raw_pairs, self.removed, self.failing,
                         misses, profiles)


def _near_frame(profiles: Profiles, ci: np.ndarray, vi: np.ndarray, which: np.ndarray,
                with_features: bool) -> pd.DataFrame:
    frame = _frame(profiles, ci, vi, pair_features(profiles, ci, vi) if with_features else None)
    frame.insert(4, "constraint", np.asarray(CONSTRAINTS, dtype=object)[which])
    return frame


def _frame(profiles: Profiles, ci: np.ndarray, vi: np.ndarray, features: np.ndarray | None
           ) -> pd.DataFrame:
    columns: dict[str, object] = {
        "candidate_id": profiles.candidate_ids.take(ci),
        "vacancy_id": profiles.vacancy_ids.take(vi),
        "cand_idx": ci.astype(np.int64),
        "vac_idx": vi.astype(np.int64),
    }
    if features is None:
        return pd.DataFrame(columns)
    # The feature matrix is column-major: the frame takes it as one block without a copy.
    frame = pd.DataFrame(features, columns=list(PAIR_COLUMNS), copy=False)
    for position, (name, values) in enumerate(columns.items()):
        frame.insert(position, name, values)
    return frame


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def _walk(
    profiles: Profiles,
    settings: FeatureSettings,
    ci: np.ndarray,
    vi: np.ndarray,
    near_misses: bool,
    chunk_pairs: int | None,
) -> Iterator[_BlockIndex]:
    if len(ci) == 0 or len(vi) == 0:
        return
    budget = max(1, int(chunk_pairs if chunk_pairs is not None else settings.chunk_pairs))
    cand_block = min(len(ci), budget)
    vac_block = max(1, budget // cand_block)
    cands = _Candidates(profiles, ci, settings)
    eligible = _eligibility_table(profiles)
    for c0 in range(0, len(ci), cand_block):
        cs = slice(c0, min(c0 + cand_block, len(ci)))
        for v0 in range(0, len(vi), vac_block):
            yield _block(profiles, settings, cands, cs, vi[v0:v0 + vac_block], eligible,
                         near_misses)


def iter_candidate_pairs(
    profiles: Profiles,
    settings: FeatureSettings | None = None,
    *,
    candidates: Iterable | None = None,
    vacancies: Iterable | None = None,
    with_features: bool = True,
    near_misses: bool = False,
    chunk_pairs: int | None = None,
) -> Iterator[PairBlock]:
    """Walk the cross product block by block (at most ``chunk_pairs`` raw pairs each).

    Same arguments as :func:`candidate_pairs`; yields one :class:`PairBlock` per block, so a
    consumer (scoring) keeps memory bounded whatever the pool size. Blocks follow candidate
    chunks, then vacancy chunks; inside a block pairs are vacancy-major.

    Examples
    --------
    >>> from features.profiles import build_profiles
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(30, 6, 2, 0, seed=1).dataset)
    >>> blocks = list(iter_candidate_pairs(p, chunk_pairs=60))
    >>> len(blocks), sum(b.raw_pairs for b in blocks)
    (3, 180)
    """
    settings = settings if settings is not None else profiles.settings
    ci = _select(candidates, len(profiles.candidates), profiles.candidate_index)
    vi = _select(vacancies, len(profiles.vacancies), profiles.vacancy_index)
    for block in _walk(profiles, settings, ci, vi, near_misses, chunk_pairs):
        yield block.to_block(profiles, with_features)


def candidate_pairs(
    profiles: Profiles,
    settings: FeatureSettings | None = None,
    *,
    candidates: Iterable | None = None,
    vacancies: Iterable | None = None,
    with_features: bool = True,
    near_misses: bool = False,
    chunk_pairs: int | None = None,
) -> BlockingResult:
    """All pairs passing every hard constraint in :data:`CONSTRAINTS`, with their features.

    Parameters
    ----------
    profiles : Profiles
        From :func:`features.profiles.build_profiles`.
    settings : FeatureSettings, optional
        Reach, hours ratio and grace days; default ``profiles.settings``.
    candidates, vacancies : iterable, optional
        Subsets as ids, integer rows or a boolean mask; default everyone.
    with_features : bool
        Add the :data:`features.spec.PAIR_COLUMNS` columns.
    near_misses : bool
        Also collect pairs failing exactly one constraint (not availability / open).
    chunk_pairs : int, optional
        Raw pairs evaluated at once (default ``settings.chunk_pairs``); bounds memory.

    Returns
    -------
    BlockingResult

    Examples
    --------
    >>> from features.profiles import build_profiles
    >>> from matching.synthetic.sample import generate
    >>> p = build_profiles(generate(40, 8, 2, 0, seed=3).dataset)
    >>> r = candidate_pairs(p)
    >>> r.raw_pairs == r.kept + sum(r.removed.values()) == 320
    True
    """
    settings = settings if settings is not None else profiles.settings
    ci = _select(candidates, len(profiles.candidates), profiles.candidate_index)
    vi = _select(vacancies, len(profiles.vacancies), profiles.vacancy_index)
    kept: list[tuple[np.ndarray, np.ndarray]] = []
    near: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    removed = dict.fromkeys(CONSTRAINTS, 0)
    failing = dict.fromkeys(CONSTRAINTS, 0)
    raw = 0
    n_chunks = 0
    for block in _walk(profiles, settings, ci, vi, near_misses, chunk_pairs):
        n_chunks += 1
        raw += block.raw_pairs
        for name in CONSTRAINTS:
            removed[name] += block.removed[name]
            failing[name] += block.failing[name]
        if len(block.ci):
            kept.append((block.ci, block.vi))
        if block.near is not None and len(block.near[0]):
            near.append(block.near)
    budget = chunk_pairs if chunk_pairs is not None else settings.chunk_pairs
    # Several candidate chunks interleave: restore vacancy-major order of the selection.
    ranks = (_ranks(len(profiles.candidates), ci), _ranks(len(profiles.vacancies), vi))
    needs_sort = len(ci) > max(1, int(budget))
    kc, kv = _join(kept, ranks, needs_sort, 2)
    pairs = _frame(profiles, kc, kv, pair_features(profiles, kc, kv) if with_features else None)
    misses = None
    if near_misses:
        nc, nv, which = _join(near, ranks, needs_sort, 3)
        misses = _near_frame(profiles, nc, nv, which.astype(np.int8), with_features)
    return BlockingResult(pairs, raw, removed, failing, misses, n_chunks)


def _ranks(n: int, selection: np.ndarray) -> np.ndarray:
    rank = np.zeros(n, dtype=np.int64)
    rank[selection] = np.arange(len(selection))
    return rank


def _join(parts: list[tuple[np.ndarray, ...]], ranks: tuple[np.ndarray, np.ndarray],
          needs_sort: bool, width: int) -> tuple[np.ndarray, ...]:
    if not parts:
        return tuple(np.zeros(0, dtype=np.intp) for _ in range(width))
    arrays = tuple(np.concatenate([p[k] for p in parts]) for k in range(width))
    if needs_sort and len(parts) > 1:
        c_rank, v_rank = ranks
        order = np.lexsort((c_rank[arrays[0]], v_rank[arrays[1]]))
        arrays = tuple(a[order] for a in arrays)
    return arrays

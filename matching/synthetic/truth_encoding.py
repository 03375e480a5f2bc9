"""Encode the clean candidate and vacancy attributes as arrays for the ground-truth model."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matching.core.config import Settings
from matching.data import reference
from matching.data.schema import CEFR_LEVELS, EDUCATION_RANK, SUPPORT_NEEDS

ISLAND_MUNICIPALITIES: frozenset[str] = frozenset({"GM0096", "GM0093", "GM0060", "GM0088"})
"""Vlieland, Terschelling, Ameland, Schiermonnikoog: reached by ferry only."""

_CEFR_RANK = {level: i for i, level in enumerate(CEFR_LEVELS)}
_SUPPORT_BIT = {code: 1 << i for i, code in enumerate(SUPPORT_NEEDS)}
_EARTH_RADIUS_KM = 6371.0088
_NO_DATE = np.iinfo(np.int64).min


def haversine_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in km between arrays of WGS84 points.

    Examples
    --------
    >>> round(float(haversine_km(np.array([53.217]), np.array([6.570]),
    ...                          np.array([53.202]), np.array([5.797]))[0]))
    52
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


# ----------------------------------------------------------------------------- encoding


def _flatten(column: Iterable[Sequence[str]]) -> tuple[np.ndarray, list[str]]:
    """Row lengths and the flat list of items of a column of tuples."""
    column = list(column)
    lengths = np.fromiter(map(len, column), dtype=np.int64, count=len(column))
    return lengths, list(itertools.chain.from_iterable(column))


def _bitset(column: Iterable[Sequence[str]], codes: Sequence[str]) -> np.ndarray:
    """Encode a column of code tuples as packed bit sets, shape ``(words, n)`` uint64.

    Word-major, so that gathering one word for many rows is a fast 1-d take. Codes not in
    ``codes`` are ignored.
    """
    lengths, flat = _flatten(column)
    n = len(lengths)
    words = max(1, (len(codes) + 63) // 64)
    out = np.zeros((words, n), dtype=np.uint64)
    if not flat:
        return out
    pos = pd.Index(list(codes), dtype=object).get_indexer(np.asarray(flat, dtype=object))
    rows = np.repeat(np.arange(n), lengths)
    keep = pos >= 0
    rows, pos = rows[keep], pos[keep]
    bits = np.left_shift(np.uint64(1), (pos % 64).astype(np.uint64))
    np.bitwise_or.at(out, (pos // 64, rows), bits)
    return out


def _count_pair(a: np.ndarray, ai: np.ndarray, b: np.ndarray, bi: np.ndarray,
                mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: (bits of b[bi], bits of ``a[ai] & b[bi]`` or ``b[bi] & ~a[ai]``)."""
    n_b = np.zeros(len(ai), dtype=np.int64)
    n_x = np.zeros(len(ai), dtype=np.int64)
    for w in range(b.shape[0]):
        bw = b[w].take(bi)
        aw = a[w].take(ai)
        n_b += np.bitwise_count(bw)
        n_x += np.bitwise_count(bw & aw if mode == "and" else bw & ~aw)
    return n_b, n_x


def _coverage(have: np.ndarray, hi: np.ndarray, want: np.ndarray, wi: np.ndarray) -> np.ndarray:
    """Share of ``want[wi]`` bits present in ``have[hi]``; 1 where nothing is wanted."""
    n_want, n_hit = _count_pair(have, hi, want, wi, "and")
    return np.where(n_want > 0, n_hit / np.maximum(n_want, 1), 1.0)


def _days(values: pd.Series) -> np.ndarray:
    """Dates as int64 days since the epoch; missing as a sentinel far in the past."""
    dates = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    out = dates.astype(np.int64)
    out[np.isnat(dates)] = _NO_DATE
    return out


def _rank(values: pd.Series, ranks: dict[str, int]) -> np.ndarray:
    return values.map(ranks).fillna(-1).to_numpy(dtype=np.int16)


def _support_mask(column: Iterable[Sequence[str]]) -> np.ndarray:
    return np.fromiter(
        (sum(_SUPPORT_BIT.get(c, 0) for c in set(row)) for row in column), dtype=np.int64
    )


def _locations(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lat, lon and island number (-1 on the mainland) of each row's postcode/municipality."""
    pcs = reference.postcodes().drop_duplicates("pc4").set_index("pc4")
    gms = reference.municipalities().set_index("gm_code")
    n = len(frame)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    gm = np.full(n, "", dtype=object)
    if "postcode" in frame:
        pc = frame["postcode"].astype(object).where(frame["postcode"].notna(), "")
        pos = pcs.index.get_indexer(pc.to_numpy())
        ok = pos >= 0
        lat[ok] = pcs["lat"].to_numpy()[pos[ok]]
        lon[ok] = pcs["lon"].to_numpy()[pos[ok]]
        gm[ok] = pcs["gm_code"].to_numpy()[pos[ok]]
    if "municipality_code" in frame:
        code = frame["municipality_code"].astype(object).where(frame["municipality_code"].notna(), "")
        code = code.to_numpy()
        gm = np.where(gm == "", code, gm)
        missing = np.isnan(lat)
        pos = gms.index.get_indexer(code)
        use = missing & (pos >= 0)
        lat[use] = gms["lat"].to_numpy()[pos[use]]
        lon[use] = gms["lon"].to_numpy()[pos[use]]
    islands = sorted(ISLAND_MUNICIPALITIES)
    island = pd.Index(islands).get_indexer(gm.astype(str)).astype(np.int16)
    return lat, lon, island


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points as unit vectors, shape (3, n): chord length gives the great-circle distance."""
    phi, lmb = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(phi) * np.cos(lmb), np.cos(phi) * np.sin(lmb), np.sin(phi)])


def _distance_km(a: np.ndarray, ai: np.ndarray, b: np.ndarray, bi: np.ndarray) -> np.ndarray:
    """Great-circle distance between unit vectors ``a[:, ai]`` and ``b[:, bi]``."""
    sq = np.zeros(len(ai))
    for k in range(3):
        d = a[k].take(ai) - b[k].take(bi)
        sq += d * d
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(sq) / 2, 1.0))


@dataclass(frozen=True)
class _Side:
    """Encoded arrays of one side (candidates or vacancies), aligned with its frame."""

    xyz: np.ndarray
    island: np.ndarray
    skills: np.ndarray
    skills2: np.ndarray
    certificates: np.ndarray
    occ_esco: np.ndarray
    occ_isco: np.ndarray
    """ISCO-08 unit group (4 digits) per occupation slot, shape (slots, n); 0 = none."""
    occ_isco3: np.ndarray
    occ_isco2: np.ndarray
    education: np.ndarray
    dutch: np.ndarray
    hours: np.ndarray
    reach_km: np.ndarray
    support: np.ndarray
    day: np.ndarray
    permanent: np.ndarray


def _occupations(column: Iterable[Sequence[str]], width: int) -> tuple[np.ndarray, np.ndarray]:
    """ESCO index (-1 none) and ISCO-08 unit group (0 none) of up to ``width`` occupations."""
    occ = reference.occupations()
    ids = pd.Index(occ["occupation_id"].astype(str))
    isco_of = occ["isco_code"].astype(str).str.zfill(4).astype(int).to_numpy()
    rows = [tuple(r)[:width] for r in column]
    n = len(rows)
    esco = np.full((n, width), -1, dtype=np.int32)
    isco = np.zeros((n, width), dtype=np.int32)
    lengths, flat = _flatten(rows)
    if flat:
        r = np.repeat(np.arange(n), lengths)
        k = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat_arr = np.asarray(flat, dtype=object)
        pos = ids.get_indexer(flat_arr)
        is_code = np.fromiter((f.isdigit() for f in flat), dtype=bool, count=len(flat))
        esco[r, k] = np.where(pos >= 0, pos, -1)
        code_val = np.where(is_code, [int(f) if f.isdigit() else 0 for f in flat], 0)
        isco[r, k] = np.where(pos >= 0, isco_of[np.maximum(pos, 0)], code_val)
    return np.ascontiguousarray(esco.T), np.ascontiguousarray(isco.T)


def encode_candidates(
    frame: pd.DataFrame, settings: Settings, skill_codes: Sequence[str],
    cert_codes: Sequence[str],
) -> _Side:
    """The encoded candidate side; a missing ``max_travel_km`` is the mobility's default."""
    lat, lon, island = _locations(frame)
    esco, isco = _occupations(frame["occupations"], 3)
    defaults = settings.default_travel_km
    mobility = frame["mobility"].astype(object).where(frame["mobility"].notna(), "unknown")
    default_reach = mobility.map(lambda m: defaults.get(m, defaults["unknown"]))
    reach = frame["max_travel_km"].astype(float).fillna(default_reach.astype(float))
    skills = _bitset(frame["skills"], skill_codes)
    return _Side(
        xyz=_unit_vectors(lat, lon), island=island, skills=skills, skills2=skills,
        certificates=_bitset(frame["certificates"], cert_codes),
        occ_esco=esco, occ_isco=isco, occ_isco3=isco // 10, occ_isco2=isco // 100,
        education=_rank(frame["education_level"], EDUCATION_RANK),
        dutch=_rank(frame["dutch_level"], _CEFR_RANK),
        hours=frame["hours_per_week"].to_numpy(dtype=float),
        reach_km=np.maximum(reach.to_numpy(dtype=float), 0.5),
        support=_support_mask(frame["support_needs"]),
        day=_days(frame["available_from"]),
        permanent=np.zeros(len(frame), dtype=bool),
    )


def encode_vacancies(
    frame: pd.DataFrame, skill_codes: Sequence[str], cert_codes: Sequence[str]
) -> _Side:
    """The encoded vacancy side (one occupation slot, no reach)."""
    lat, lon, island = _locations(frame)
    occ = frame["occupation"].astype(object)
    esco, isco = _occupations([(o,) if isinstance(o, str) else () for o in occ], 1)
    return _Side(
        xyz=_unit_vectors(lat, lon), island=island,
        skills=_bitset(frame["required_skills"], skill_codes),
        skills2=_bitset(frame["preferred_skills"], skill_codes),
        certificates=_bitset(frame["required_certificates"], cert_codes),
        occ_esco=esco, occ_isco=isco, occ_isco3=isco // 10, occ_isco2=isco // 100,
        education=_rank(frame["min_education_level"], EDUCATION_RANK),
        dutch=_rank(frame["min_dutch_level"], _CEFR_RANK),
        hours=frame["hours_per_week"].to_numpy(dtype=float),
        reach_km=np.zeros(len(frame)),
        support=_support_mask(frame["support_offered"]),
        day=_days(frame["start_date"]),
        permanent=frame["permanent"].fillna(False).to_numpy(dtype=bool),
    )

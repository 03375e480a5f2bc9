"""Geography: where people live and work, how far apart that is, and whether it is within reach.

* :class:`Gazetteer` maps a PC4 postcode to its centroid and municipality, falling back to the
  municipality centroid when the postcode is unknown or missing. It reads
  :func:`features.reference.postcodes` and :func:`features.reference.municipalities` (whose
  ``island`` flag marks the Wadden islands Vlieland GM0096, Terschelling GM0093, Ameland
  GM0060 and Schiermonnikoog GM0088).
* :func:`haversine_km` is the vectorised great-circle distance. It is computed from unit
  vectors (``chord`` length), which is the haversine formula without ``sin``/``cos`` per pair:
  ``d = 2 R asin(|p1 - p2| / 2)``.
* :func:`travel_km` adds ``FeatureSettings.ferry_penalty_km`` when home and work are in different
  municipalities and one of them is an island; a pair is *within reach* when
  ``travel_km <= max_travel_km``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "EARTH_RADIUS_KM",
    "Gazetteer",
    "Locations",
    "ferry_crossing",
    "haversine_km",
    "travel_km",
    "unit_vectors",
]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG)."""


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Unit vectors on the sphere, shape ``(n, 3)``, from degrees (NaN stays NaN).

    Examples
    --------
    >>> unit_vectors(np.array([0.0]), np.array([0.0])).round(6).tolist()
    [[1.0, 0.0, 0.0]]
    """
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)], axis=-1)


def chord_to_km(chord: np.ndarray) -> np.ndarray:
    """Great-circle km from the straight-line distance between unit vectors."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.asarray(chord) / 2.0, 1.0))


def haversine_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcasts; NaN in, NaN out).

    Examples
    --------
    >>> # Groningen (53.219, 6.567) to Leeuwarden (53.201, 5.799): about 51 km
    >>> float(haversine_km(53.219, 6.567, 53.201, 5.799).round(0))
    51.0
    """
    p1 = unit_vectors(np.asarray(lat1), np.asarray(lon1))
    p2 = unit_vectors(np.asarray(lat2), np.asarray(lon2))
    chord = np.sqrt(((p1 - p2) ** 2).sum(axis=-1))
    return chord_to_km(chord)


def ferry_crossing(
    home_municipality: np.ndarray,
    home_island: np.ndarray,
    work_municipality: np.ndarray,
    work_island: np.ndarray,
) -> np.ndarray:
    """True where a ferry is needed: different municipalities and one of them is an island.

    Municipalities are integer indices (``-1`` unknown, which never equals a known one).

    Examples
    --------
    >>> ferry_crossing(np.array([1, 1]), np.array([True, True]),
    ...                np.array([1, 2]), np.array([True, False])).tolist()
    [False, True]
    """
    return (np.asarray(home_municipality) != np.asarray(work_municipality)) & (
        np.asarray(home_island) | np.asarray(work_island)
    )


def travel_km(distance_km: np.ndarray, ferry: np.ndarray, ferry_penalty_km: float) -> np.ndarray:
    """Distance plus ``ferry_penalty_km`` where a ferry crossing is needed.

    Examples
    --------
    >>> travel_km(np.array([10.0, 10.0]), np.array([False, True]), 60.0).tolist()
    [10.0, 70.0]
    """
    return np.asarray(distance_km, dtype=np.float64) + np.where(ferry, ferry_penalty_km, 0.0)


@dataclass(frozen=True)
class Locations:
    """Resolved locations of a set of entities (candidates' homes or vacancies' workplaces)."""

    lat: np.ndarray
    """Latitude in degrees (float64, NaN when neither postcode nor municipality is known)."""
    lon: np.ndarray
    municipality: np.ndarray
    """Index into :attr:`Gazetteer.municipality_codes` (int32, -1 unknown)."""
    island: np.ndarray
    """True when the municipality is a Wadden island (bool)."""
    from_postcode: np.ndarray
    """True when the coordinates are the PC4 centroid, False for the municipality fallback."""


class Gazetteer:
    """PC4 and municipality lookup: coordinates, municipality and island flag.

    Parameters
    ----------
    postcodes : DataFrame, optional
        ``pc4`` (str), ``gm_code``, ``lat``, ``lon``; default :func:`features.reference.postcodes`.
    municipalities : DataFrame, optional
        ``gm_code``, ``lat``, ``lon``, ``island``; default
        :func:`features.reference.municipalities`.

    Examples
    --------
    >>> pc = pd.DataFrame({"pc4": ["9711"], "gm_code": ["GM0014"], "lat": [53.22], "lon": [6.57]})
    >>> gm = pd.DataFrame({"gm_code": ["GM0014", "GM0093"], "lat": [53.2, 53.4],
    ...                    "lon": [6.6, 5.3], "island": [False, True]})
    >>> loc = Gazetteer(pc, gm).locate(pd.Series(["9711", None]), pd.Series([None, "GM0093"]))
    >>> loc.lat.tolist(), loc.island.tolist(), loc.from_postcode.tolist()
    ([53.22, 53.4], [False, True], [True, False])
    """

    def __init__(
        self, postcodes: pd.DataFrame | None = None, municipalities: pd.DataFrame | None = None
    ) -> None:
        if postcodes is None or municipalities is None:
            from features import reference

            postcodes = reference.postcodes() if postcodes is None else postcodes
            municipalities = reference.municipalities() if municipalities is None else municipalities
        gm = municipalities.drop_duplicates("gm_code")
        self.municipality_codes: tuple[str, ...] = tuple(str(c) for c in gm["gm_code"])
        self._gm_index = pd.Index(self.municipality_codes)
        self._gm_lat = gm["lat"].to_numpy(np.float64)
        self._gm_lon = gm["lon"].to_numpy(np.float64)
        island = gm["island"] if "island" in gm else pd.Series(False, index=gm.index)
        self._gm_island = island.fillna(False).to_numpy(bool)
        pc = postcodes.drop_duplicates("pc4")
        self._pc_index = pd.Index([str(p) for p in pc["pc4"]])
        self._pc_lat = pc["lat"].to_numpy(np.float64)
        self._pc_lon = pc["lon"].to_numpy(np.float64)
        self._pc_gm = self._gm_index.get_indexer(pc["gm_code"].astype(str)).astype(np.int32)

    def municipality_index(self, codes: pd.Series | np.ndarray) -> np.ndarray:
        """Index of each CBS code in :attr:`municipality_codes` (-1 unknown or missing)."""
        values = pd.Series(codes, dtype=object).where(pd.notna(pd.Series(codes, dtype=object)))
        return self._gm_index.get_indexer(values.astype(str).where(values.notna(), "")).astype(
            np.int32
        )

    def locate(self, postcode: pd.Series, municipality_code: pd.Series) -> Locations:
        """Coordinates of each entity: PC4 centroid, else the municipality centroid.

        The municipality (for the island rule) is the postcode's municipality when the
        postcode is known, so ``municipality_code`` matters only without a usable postcode.
        """
        pcs = pd.Series(postcode, dtype=object).reset_index(drop=True)
        pc_idx = self._pc_index.get_indexer(pcs.where(pcs.notna(), "").astype(str))
        gm_given = self.municipality_index(
            pd.Series(municipality_code, dtype=object).reset_index(drop=True)
        )
        has_pc = pc_idx >= 0
        safe_pc = np.where(has_pc, pc_idx, 0)
        gm = np.where(has_pc, self._pc_gm[safe_pc] if len(self._pc_gm) else -1, gm_given)
        gm = gm.astype(np.int32)
        has_gm = gm >= 0
        safe_gm = np.where(has_gm, gm, 0)
        n_gm = len(self._gm_lat)
        gm_lat = self._gm_lat[safe_gm] if n_gm else np.full(len(gm), np.nan)
        gm_lon = self._gm_lon[safe_gm] if n_gm else np.full(len(gm), np.nan)
        gm_lat = np.where(has_gm, gm_lat, np.nan)
        gm_lon = np.where(has_gm, gm_lon, np.nan)
        if len(self._pc_lat):
            lat = np.where(has_pc, self._pc_lat[safe_pc], gm_lat)
            lon = np.where(has_pc, self._pc_lon[safe_pc], gm_lon)
        else:
            lat, lon = gm_lat, gm_lon
        island = np.where(has_gm, self._gm_island[safe_gm] if n_gm else False, False)
        return Locations(
            lat=lat.astype(np.float64),
            lon=lon.astype(np.float64),
            municipality=gm,
            island=island.astype(bool),
            from_postcode=has_pc,
        )

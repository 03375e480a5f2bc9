"""Reference tables shipped inside the package (derived by ``scripts/build_reference.py``).

Every function reads a compact CSV from ``features/reference/data/`` once and caches it;
callers must treat the returned frames as read-only. Columns:

* :func:`municipalities` — all Dutch municipalities (2025): ``gm_code``, ``name``,
  ``province``, ``labour_market_region``, ``in_scope`` (bool: one of the 38 of the regions
  Friesland, Groningen, Drenthe), ``island`` (bool), ``lat``, ``lon``, ``population_approx``.
* :func:`postcodes` — every Dutch PC4: ``pc4`` (str), ``gm_code``, ``place``, ``lat``, ``lon``.
* :func:`occupations` — ESCO occupations: ``occupation_id`` (ESCO UUID prefix),
  ``isco_code`` (4-digit str), ``label_nl``, ``label_en``, ``synonyms`` (tuple of str),
  ``target_sector`` (bool).
* :func:`isco_groups` — ISCO-08 hierarchy: ``code`` (1-4 digit str), ``level`` (1-4), ``label_en``.
* :func:`certificates` — certificate catalogue: ``code``, ``label_nl``, ``label_en``,
  ``synonyms`` (tuple of str), ``sector``.
* :func:`skills` — skill vocabulary: ``code``, ``label_nl``, ``label_en``, ``synonyms``, ``sector``.
* :func:`target_groups` — ``code``, ``label_nl``, ``label_en``.
* :func:`default_valuation` — the default SROI building blocks in the ``valuation`` schema.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = [
    "certificates",
    "default_valuation",
    "isco_groups",
    "municipalities",
    "occupations",
    "postcodes",
    "region_outlines",
    "skills",
    "target_groups",
]


def _read(name: str, **kw: object) -> pd.DataFrame:
    with resources.files(__package__).joinpath("data", name).open("rb") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""], **kw)


def _split_synonyms(frame: pd.DataFrame, column: str = "synonyms") -> pd.DataFrame:
    frame[column] = [
        tuple(s for s in str(v).split("|") if s) if isinstance(v, str) else ()
        for v in frame[column]
    ]
    return frame


@lru_cache(maxsize=1)
def municipalities() -> pd.DataFrame:
    frame = _read("municipalities.csv", dtype={"gm_code": str})
    for col in ("in_scope", "island"):
        frame[col] = frame[col].astype(bool)
    return frame


@lru_cache(maxsize=1)
def postcodes() -> pd.DataFrame:
    return _read("postcodes_pc4.csv", dtype={"pc4": str, "gm_code": str})


@lru_cache(maxsize=1)
def occupations() -> pd.DataFrame:
    frame = _read("occupations.csv", dtype={"isco_code": str, "occupation_id": str})
    frame["target_sector"] = frame["target_sector"].astype(bool)
    return _split_synonyms(frame)


@lru_cache(maxsize=1)
def isco_groups() -> pd.DataFrame:
    return _read("isco_groups.csv", dtype={"code": str})


@lru_cache(maxsize=1)
def certificates() -> pd.DataFrame:
    return _split_synonyms(_read("certificates.csv", dtype=str))


@lru_cache(maxsize=1)
def skills() -> pd.DataFrame:
    return _split_synonyms(_read("skills.csv", dtype=str))


@lru_cache(maxsize=1)
def target_groups() -> pd.DataFrame:
    return _read("target_groups.csv", dtype=str)


@lru_cache(maxsize=1)
def default_valuation() -> pd.DataFrame:
    return _read("valuation_default.csv", dtype={"target_group": str, "tier": str})


@lru_cache(maxsize=1)
def region_outlines() -> dict:
    """GeoJSON FeatureCollection of the labour-market regions Friesland, Groningen, Drenthe."""
    with resources.files(__package__).joinpath("data", "regions_noord.json").open("rb") as fh:
        return json.load(fh)

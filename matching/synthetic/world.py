"""The sample's world: municipalities and postcodes, projects and occupation profiles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from matching.data import reference
from matching.synthetic.distributions import (
    _CERT_BY_ISCO,
    _CERT_BY_SECTOR,
    _PROJECT_NAMES,
    _PROVINCE_AUTHORITY,
    _SECTOR_BY_CONTRACT,
    SECTORS,
)
from matching.synthetic.draws import (
    _pick,
)
from matching.synthetic.vocab import (
    _Occupations,
    _Vocab,
)


@dataclass(frozen=True)
class _Geo:
    gm: np.ndarray
    name: np.ndarray
    province: np.ndarray
    weight: np.ndarray
    pc4: tuple[np.ndarray, ...]


@lru_cache(maxsize=1)
def _geo() -> _Geo:
    mun = reference.municipalities()
    mun = mun[mun["in_scope"]].sort_values("gm_code").reset_index(drop=True)
    pcs = reference.postcodes().drop_duplicates("pc4")
    by_gm = {gm: np.sort(g["pc4"].to_numpy(dtype=object)) for gm, g in pcs.groupby("gm_code")}
    weight = mun["population_approx"].fillna(1000).to_numpy(dtype=float)
    return _Geo(
        gm=mun["gm_code"].to_numpy(dtype=object), name=mun["name"].to_numpy(dtype=object),
        province=mun["province"].to_numpy(dtype=object), weight=weight / weight.sum(),
        pc4=tuple(by_gm.get(gm, np.array([], dtype=object)) for gm in mun["gm_code"]),
    )


def _postcodes(rng: np.random.Generator, geo: _Geo, mun: np.ndarray) -> np.ndarray:
    """A PC4 drawn uniformly within each row's municipality (index into ``geo``)."""
    out = np.empty(len(mun), dtype=object)
    u = rng.random(len(mun))
    for m in np.unique(mun):
        rows = mun == m
        pcs = geo.pc4[m]
        out[rows] = pcs[(u[rows] * len(pcs)).astype(int)] if len(pcs) else None
    return out


# ----------------------------------------------------------------------------- projects


def _projects(rng: np.random.Generator, n: int, ref: int, geo: _Geo) -> pd.DataFrame:
    """Projects by in-scope municipalities and the three provinces; 45% running at ``ref``."""
    is_works = rng.random(n) < 0.55
    ctype = np.where(is_works, "works", "services")
    sector_p = np.stack([_SECTOR_BY_CONTRACT[t] for t in ("works", "services")])
    sector = np.array(SECTORS, dtype=object)[_pick(rng, sector_p[(~is_works).astype(int)])]
    by_province = rng.random(n) < 0.2
    mun = rng.choice(len(geo.gm), size=n, p=np.sqrt(geo.weight) / np.sqrt(geo.weight).sum())
    provinces = np.array(sorted(_PROVINCE_AUTHORITY), dtype=object)
    prov = provinces[rng.integers(0, len(provinces), n)]
    authority = np.where(by_province, [_PROVINCE_AUTHORITY[p] for p in prov], geo.gm[mun])
    place = np.where(by_province, [p if p != "Friesland" else "Fryslân" for p in prov],
                     geo.name[mun])
    # Contract values: log-normal above the thresholds (works >= 250k, services >= 100k).
    value = np.where(
        is_works, 250_000 + rng.lognormal(np.log(900_000), 1.1, n),
        100_000 + rng.lognormal(np.log(350_000), 1.0, n),
    )
    value = np.round(value, -3)
    pct = rng.choice([2.0, 2.5, 3.0, 4.0, 5.0], size=n, p=[0.4, 0.1, 0.2, 0.15, 0.15])
    running = rng.random(n) < 0.45
    running[: min(n, 1)] = True
    start = np.where(
        running, ref - rng.integers(90, 3 * 365, n), ref - rng.integers(int(1.2 * 365), 5 * 365, n)
    )
    end = np.where(running, ref + rng.integers(90, 3 * 365, n),
                   np.minimum(start + rng.integers(180, 3 * 365, n), ref - 30))
    obligation = np.minimum(pct / 100 * value, 300_000.0)
    elapsed = np.clip((ref - start) / np.maximum(end - start, 1), 0, 1)
    realised = np.where(running, obligation * elapsed * rng.uniform(0.3, 1.1, n),
                        obligation * rng.uniform(0.6, 1.15, n))
    override = rng.random(n) < 0.1
    obligation_col = np.where(override, np.round(obligation * rng.uniform(0.5, 0.9, n), -2),
                              np.nan)
    width = max(4, len(str(n)))
    names = []
    tmpl_u = rng.random(n)
    for i in range(n):
        options = _PROJECT_NAMES[sector[i]]
        year = int(str(np.datetime64(int(start[i]), "D"))[:4])
        names.append(options[int(tmpl_u[i] * len(options))].format(p=place[i], y=year,
                                                                   y2=year + 3))
    n_contractors = max(1, round(n / 2.5))
    weight = 1.0 / np.arange(1, n_contractors + 1) ** 0.8
    contractor = rng.choice(n_contractors, size=n, p=weight / weight.sum())
    cwidth = max(3, len(str(n_contractors)))
    return pd.DataFrame({
        "project_id": [f"PRJ{i + 1:0{width}d}" for i in range(n)],
        "name": names,
        "contracting_authority": authority,
        "contractor_id": [f"OPN{c + 1:0{cwidth}d}" for c in contractor],
        "contract_type": ctype,
        "contract_value_eur": value,
        "sroi_percentage": pct,
        "obligation_eur": obligation_col,
        "realised_eur": np.round(realised, -2),
        "start_date": start,
        "end_date": end,
        "_sector": sector,
        "_running": running,
        "_mun": np.where(by_province, -1, mun),
        "_province": np.where(by_province, prov, geo.province[mun]),
        "_n_contractors": n_contractors,
    })


def _occupation_profiles(rng: np.random.Generator, occ: _Occupations, skills: _Vocab,
                         certs: _Vocab) -> tuple[np.ndarray, np.ndarray]:
    """Core skills (n_occ, 4; -1 padded) and required-certificate probabilities (n_occ, n_cert)."""
    core = np.full((len(occ.ids), 4), -1, dtype=np.int64)
    for sector in SECTORS:
        rows = np.flatnonzero(occ.sector == sector)
        sectors = {"infrastructure": ("infrastructure", "construction")}.get(sector, (sector,))
        pool = np.flatnonzero(np.isin(skills.sector, sectors))
        if len(rows) == 0 or len(pool) == 0:
            continue
        keys = rng.random((len(rows), len(pool)))
        order = keys.argsort(axis=1)[:, :4]
        core[rows, : order.shape[1]] = pool[order]
    cert_pos = {c: i for i, c in enumerate(certs.codes)}
    req = np.zeros((len(occ.ids), len(certs.codes)))
    for i, (sector, isco) in enumerate(zip(occ.sector, occ.isco, strict=True)):
        for code, p in _CERT_BY_SECTOR[sector].items():
            if code in cert_pos:
                req[i, cert_pos[code]] = p
        for prefix, table in _CERT_BY_ISCO.items():
            if isco.startswith(prefix):
                for code, p in table.items():
                    if code in cert_pos:
                        req[i, cert_pos[code]] = p
    return core, req


def _choose_occupations(rng: np.random.Generator, occ: _Occupations,
                        sector: np.ndarray) -> np.ndarray:
    """One occupation per row within the row's sector (equal weight per ISCO unit group)."""
    out = np.zeros(len(sector), dtype=np.int64)
    u = rng.random(len(sector))
    for s in SECTORS:
        rows = sector == s
        cand = np.flatnonzero(occ.sector == s)
        if not rows.any() or len(cand) == 0:
            continue
        _, inv, counts = np.unique(occ.isco[cand], return_inverse=True, return_counts=True)
        w = 1.0 / counts[inv]
        cum = np.cumsum(w) / w.sum()
        out[rows] = cand[np.minimum(np.searchsorted(cum, u[rows]), len(cand) - 1)]
    return out

"""The clean attributes of open and historic vacancies, and their job titles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.data.schema import (
    SUPPORT_NEEDS,
)
from matching.synthetic.distributions import (
    _SECTOR_BY_CONTRACT,
    _SUPPORT_OFFERED,
    _VAC_HOURS_BY_SECTOR,
    _VAC_HOURS_CHOICES,
    SECTORS,
)
from matching.synthetic.draws import (
    _HORIZON_DAYS,
    _by_key,
    _pick,
    _subset,
)
from matching.synthetic.vocab import (
    _Occupations,
    _Vocab,
)
from matching.synthetic.world import (
    _choose_occupations,
    _Geo,
    _postcodes,
)


def _recent_history(recent: tuple[np.random.Generator, float], project: np.ndarray,
                    start: np.ndarray, n_open: int, pj: pd.DataFrame, ref: int,
                    lo_hist: int) -> tuple[np.ndarray, np.ndarray]:
    """Projects and start days of the historic vacancies with a set share of recent ones.

    A recent vacancy starts in ``[ref - 182, ref - 14]`` (its placements start 0-14 days later,
    less than six months before ``ref``); an old one in ``[ref - 4 years, ref - 198]`` (its
    placements start at least 183 days before ``ref``). Projects are drawn, weighted by the
    square root of their value, among those running in the window.
    """
    aux, share = recent
    project, start = project.copy(), start.copy()
    start_p, end_p = pj["start_date"].to_numpy(), pj["end_date"].to_numpy()
    size_w = np.sqrt(pj["contract_value_eur"].to_numpy())
    hist = np.arange(n_open, len(project))
    is_recent = np.zeros(len(hist), dtype=bool)  # exactly the share, not a Bernoulli draw
    is_recent[aux.permutation(len(hist))[: round(share * len(hist))]] = True
    u = aux.random(len(hist))
    windows = ((True, ref - _HORIZON_DAYS + 1, ref - 14),
               (False, lo_hist, ref - _HORIZON_DAYS - 15))
    for flag, w_lo, w_hi in windows:
        rows = hist[is_recent == flag]
        if len(rows) == 0:
            continue
        ok = np.flatnonzero((start_p < w_hi - 7) & (end_p > w_lo + 7))
        if len(ok) == 0:
            ok = np.arange(len(pj))
        project[rows] = aux.choice(ok, size=len(rows), p=size_w[ok] / size_w[ok].sum())
        lo = np.clip(start_p[project[rows]], w_lo, w_hi)
        hi = np.clip(end_p[project[rows]], lo + 1, w_hi + 1)
        start[rows] = lo + (u[is_recent == flag] * (hi - lo)).astype(np.int64)
    return project, start


def _vacancies(rng: np.random.Generator, n_open: int, n_hist: int, projects: pd.DataFrame,
               ref: int, geo: _Geo, occ: _Occupations, core: np.ndarray, req_p: np.ndarray,
               skills: _Vocab, certs: _Vocab, *,
               recent: tuple[np.random.Generator, float] | None = None
               ) -> dict[str, np.ndarray | list]:
    """Clean vacancy attributes: ``n_open`` open ones on running projects, ``n_hist`` historic.

    ``recent = (rng, share)``: ``share`` of the historic vacancies start in the last six months
    before ``ref`` (so their placements are censored or recent failures), the others earlier;
    the project of each is redrawn among the projects running in that window.
    """
    n = n_open + n_hist
    pj = projects
    running = np.flatnonzero(pj["_running"].to_numpy())
    start_p, end_p = pj["start_date"].to_numpy(), pj["end_date"].to_numpy()
    lo_hist = ref - 4 * 365
    hist_ok = np.flatnonzero((end_p > lo_hist + 30) & (start_p < ref - 30))
    if len(hist_ok) == 0:
        hist_ok = np.arange(len(pj))
    size_w = np.sqrt(pj["contract_value_eur"].to_numpy())
    project = np.concatenate([
        rng.choice(running, size=n_open, p=size_w[running] / size_w[running].sum()),
        rng.choice(hist_ok, size=n_hist, p=size_w[hist_ok] / size_w[hist_ok].sum()),
    ])
    is_open = np.arange(n) < n_open
    lo = np.maximum(start_p[project], lo_hist)
    hi = np.maximum(np.minimum(end_p[project], ref - 14), lo + 1)
    hist_start = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    open_start = ref + rng.integers(-30, 121, n)
    start = np.where(is_open, np.minimum(open_start, np.maximum(end_p[project], ref)),
                     hist_start)
    if recent is not None and n_hist:
        project, start = _recent_history(recent, project, start, n_open, pj, ref, lo_hist)
    # occupation: mostly the project's main sector
    proj_sector = pj["_sector"].to_numpy()[project]
    ctype = pj["contract_type"].to_numpy()[project]
    sector_p = np.stack([_SECTOR_BY_CONTRACT[t] for t in ("works", "services")])
    other = np.array(SECTORS, dtype=object)[_pick(rng, sector_p[(ctype == "services").astype(int)])]
    sector = np.where(rng.random(n) < 0.75, proj_sector, other)
    occ_idx = _choose_occupations(rng, occ, sector)
    # location: the authority's municipality (or one in its province) or the employer's base
    pmun = pj["_mun"].to_numpy()[project]
    pprov = pj["_province"].to_numpy()[project]
    anywhere = rng.choice(len(geo.gm), size=n, p=geo.weight)
    in_prov = anywhere.copy()
    for prov in np.unique(pprov):
        rows = (pmun < 0) & (pprov == prov)
        cand = np.flatnonzero(geo.province == prov)
        if rows.any() and len(cand):
            w = geo.weight[cand] / geo.weight[cand].sum()
            in_prov[rows] = rng.choice(cand, size=int(rows.sum()), p=w)
    at_site = rng.random(n) < 0.6
    mun = np.where(at_site, np.where(pmun >= 0, pmun, in_prov), anywhere)
    postcode = _postcodes(rng, geo, mun)
    # skills: 1-3 required from the occupation's core, 0-2 preferred from the sector + general
    n_skill = len(skills.codes)
    k_req = rng.choice([1, 2, 3], size=n, p=[0.3, 0.45, 0.25])
    core_rows = core[occ_idx]
    keys = np.where(core_rows >= 0, rng.random(core_rows.shape), 2.0)
    rank = keys.argsort(axis=1).argsort(axis=1)
    take = (rank < k_req[:, None]) & (core_rows >= 0)
    required = np.zeros((n, n_skill), dtype=bool)
    r, c = np.nonzero(take)
    required[r, core_rows[r, c]] = True
    preferred = np.zeros((n, n_skill), dtype=bool)
    for s in SECTORS:
        rows = np.flatnonzero(sector == s)
        pool = np.flatnonzero(skills.sector == s)
        preferred[rows] |= _subset(rng, len(rows), pool, rng.choice([0, 1, 2], len(rows),
                                                                   p=[0.35, 0.4, 0.25]), n_skill)
    general = np.flatnonzero(skills.sector == "general")
    preferred |= _subset(rng, n, general, (rng.random(n) < 0.5).astype(int), n_skill)
    preferred &= ~required
    req_certs = rng.random((n, len(certs.codes))) < req_p[occ_idx]
    # terms of employment
    hours = _VAC_HOURS_CHOICES[_pick(rng, _by_key(sector, _VAC_HOURS_BY_SECTOR))]
    positions = rng.choice([1, 2, 3], size=n, p=[0.8, 0.12, 0.08]).astype(float)
    permanent = rng.random(n) < 0.15
    months = rng.choice([3, 6, 12, 24], size=n, p=[0.07, 0.33, 0.45, 0.15]).astype(float)
    months[permanent & (rng.random(n) < 0.7)] = np.nan
    months[~permanent & (rng.random(n) < 0.05)] = np.nan
    min_edu = np.where(rng.random(n) < 0.2,
                       rng.choice(["vmbo", "mbo1", "mbo2", "mbo3"], size=n,
                                  p=[0.3, 0.3, 0.35, 0.05]), None)
    dutch_p = np.where(np.isin(sector, ["hospitality", "cleaning"]), 0.3, 0.17)
    min_dutch = np.where(rng.random(n) < dutch_p,
                         rng.choice(["A2", "B1", "B2"], size=n, p=[0.5, 0.45, 0.05]), None)
    support = rng.random((n, len(SUPPORT_NEEDS))) < np.asarray(_SUPPORT_OFFERED)
    eligible_u = rng.random(n)
    wsp = ("participatiewet", "doelgroepregister", "wajong", "wia", "wsw", "statushouder")
    eligible = [wsp if u < 0.10 else (("bbl", "jongere_zonder_sk") if u < 0.15 else ())
                for u in eligible_u]
    # employer: the contractor or a subcontractor
    n_sub = max(1, int(pj["_n_contractors"].iloc[0]) // 2)
    sub = rng.integers(0, n_sub, n)
    use_sub = rng.random(n) < 0.25
    employer = np.where(use_sub, [f"OOA{s + 1:0{max(3, len(str(n_sub)))}d}" for s in sub],
                        pj["contractor_id"].to_numpy()[project])
    return {
        "project": project, "is_open": is_open, "start": start, "sector": sector,
        "occ": occ_idx, "mun": mun, "postcode": postcode, "required": required,
        "preferred": preferred, "req_certs": req_certs, "hours": hours,
        "positions": positions, "permanent": permanent, "months": months,
        "min_edu": min_edu, "min_dutch": min_dutch, "support": support,
        "eligible": eligible, "employer": employer,
    }


def _titles(rng: np.random.Generator, occ: _Occupations, idx: np.ndarray,
            place: np.ndarray) -> list[str]:
    """Dutch job titles: the occupation's Dutch label, sometimes with place or suffix."""
    u = rng.random(len(idx))
    out = []
    for i, uu, pl in zip(idx, u, place, strict=True):
        label = str(occ.label_nl[i])
        title = label[:1].upper() + label[1:]
        if uu < 0.2:
            title = f"{title} {pl}"
        elif uu < 0.3:
            title = f"{title} (m/v)"
        elif uu < 0.35:
            title = f"Leerling {label} (BBL)"
        out.append(title)
    return out

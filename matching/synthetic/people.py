"""The clean attributes of candidates: the current pool and the historic one."""

from __future__ import annotations

import numpy as np

from matching.core.config import Settings
from matching.data.schema import (
    CEFR_LEVELS,
    EDUCATION_LEVELS,
    SUPPORT_NEEDS,
)
from matching.synthetic.distributions import (
    _AGE_RANGE,
    _BENEFIT_MONTHS,
    _DUTCH_MIXED,
    _DUTCH_NATIVE,
    _DUTCH_NEWCOMER,
    _EDU_BY_GROUP,
    _EDU_MISSING,
    _HOURS_BY_GROUP,
    _HOURS_CHOICES,
    _MOBILITY,
    _MOBILITY_BY_GROUP,
    _NATIONALITY_NEWCOMER,
    _NATIONALITY_OTHER,
    _SUPPORT_PROBS,
    SECTORS,
    TARGET_GROUP_MIX,
)
from matching.synthetic.draws import (
    _NO_DAY,
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


def _candidates(rng: np.random.Generator, n: int, current: np.ndarray, ref: int, geo: _Geo,
                occ: _Occupations, core: np.ndarray, req_p: np.ndarray, skills: _Vocab,
                certs: _Vocab) -> dict[str, np.ndarray | list]:
    """Clean candidate attributes; ``current`` marks the pool the available ones come from."""
    groups = np.array(list(TARGET_GROUP_MIX), dtype=object)
    mix = np.array(list(TARGET_GROUP_MIX.values()))
    group = groups[rng.choice(len(groups), size=n, p=mix / mix.sum())]
    ref_year = int(str(np.datetime64(ref, "D"))[:4])
    # protected attributes: audit only, never used by the truth
    lo = np.array([_AGE_RANGE[g][0] for g in group])
    hi = np.array([_AGE_RANGE[g][1] for g in group])
    age = np.floor(lo + (hi - lo + 1) * rng.beta(1.3, 1.6, n)).astype(int)
    birth_year = (ref_year - np.minimum(age, hi)).astype(float)
    gender_u = rng.random(n)
    gender = np.where(gender_u < 0.01, "x", np.where(gender_u < 0.41, "f", "m")).astype(object)
    gender[rng.random(n) < 0.1] = None
    newcomer = group == "statushouder"
    nat_new = rng.choice([a for a, _ in _NATIONALITY_NEWCOMER], size=n,
                         p=[p for _, p in _NATIONALITY_NEWCOMER])
    nat_other = rng.choice([a for a, _ in _NATIONALITY_OTHER], size=n,
                           p=[p for _, p in _NATIONALITY_OTHER])
    nationality = np.where(newcomer, nat_new, nat_other).astype(object)
    nationality[rng.random(n) < 0.3] = None
    mun = rng.choice(len(geo.gm), size=n, p=geo.weight)
    postcode = _postcodes(rng, geo, mun)
    # benefit months by group
    zero_p = np.array([_BENEFIT_MONTHS[g][0] for g in group])
    median = np.array([_BENEFIT_MONTHS[g][1] for g in group], dtype=float)
    sd = np.array([_BENEFIT_MONTHS[g][2] for g in group])
    months = np.clip(np.round(median * np.exp(sd * rng.standard_normal(n))), 1, 360)
    benefit = np.where(rng.random(n) < zero_p, 0.0, months)
    benefit[rng.random(n) < 0.08] = np.nan
    # occupations: 1-3, mostly within a primary sector
    sector_w = np.array([0.22, 0.10, 0.14, 0.16, 0.14, 0.10, 0.14])
    primary = np.array(SECTORS, dtype=object)[rng.choice(len(SECTORS), size=n, p=sector_w)]
    n_occ = rng.choice([0, 1, 2, 3], size=n, p=[0.08, 0.5, 0.28, 0.14])
    occ_idx = np.full((n, 3), -1, dtype=np.int64)
    for k in range(3):
        sec = np.where(
            (k == 0) | (rng.random(n) < 0.7), primary,
            np.array(SECTORS, dtype=object)[rng.integers(0, len(SECTORS), n)],
        )
        chosen = _choose_occupations(rng, occ, sec)
        occ_idx[:, k] = np.where(k < n_occ, chosen, -1)
    # skills: the core skills of each own occupation (p 0.65), sector extras and general ones
    n_skill = len(skills.codes)
    core_p = np.where(np.isin(group, ["statushouder", "jongere_zonder_sk"]), 0.45, 0.65)
    member = np.zeros((n, n_skill), dtype=bool)
    for k in range(3):
        has = occ_idx[:, k] >= 0
        cores = np.where(has[:, None], core[np.maximum(occ_idx[:, k], 0)], -1)
        take = (cores >= 0) & (rng.random(cores.shape) < core_p[:, None])
        r, c = np.nonzero(take)
        member[r, cores[r, c]] = True
    for s in SECTORS:
        rows = np.flatnonzero(primary == s)
        pool = np.flatnonzero(skills.sector == s)
        extra = rng.choice([0, 1, 2, 3], size=len(rows), p=[0.25, 0.35, 0.25, 0.15])
        extra = np.where(n_occ[rows] == 0, extra + 1, extra)
        member[rows] |= _subset(rng, len(rows), pool, extra, n_skill)
    general = np.flatnonzero(skills.sector == "general")
    member |= _subset(rng, n, general, rng.choice([0, 1, 2, 3], size=n, p=[0.2, 0.35, 0.3, 0.15]),
                      n_skill)
    # education (true level, then ~35% unrecorded) and Dutch level
    edu_p = _by_key(group, _EDU_BY_GROUP)
    edu = np.array(EDUCATION_LEVELS, dtype=object)[_pick(rng, edu_p)]
    edu[rng.random(n) < np.where(newcomer, 0.45, _EDU_MISSING)] = None
    mixed = np.isin(group, ["participatiewet", "nug"])
    dutch_p = np.where(newcomer[:, None], np.asarray(_DUTCH_NEWCOMER),
                       np.where(mixed[:, None], np.asarray(_DUTCH_MIXED), np.asarray(_DUTCH_NATIVE)))
    dutch = np.array(CEFR_LEVELS, dtype=object)[_pick(rng, dutch_p)]
    dutch[rng.random(n) < np.where(newcomer, 0.10, 0.25)] = None
    # hours, mobility, reach, support needs
    hours = _HOURS_CHOICES[_pick(rng, _by_key(group, _HOURS_BY_GROUP))]
    mobility = np.array(_MOBILITY, dtype=object)[_pick(rng, _by_key(group, _MOBILITY_BY_GROUP))]
    mobility[rng.random(n) < 0.05] = None
    defaults = Settings().default_travel_km
    base = np.array([defaults.get(m, defaults["unknown"]) if m else defaults["unknown"]
                     for m in mobility])
    max_km = np.where(rng.random(n) < 0.25,
                      np.maximum(5.0, np.round(base * rng.uniform(0.5, 1.5, n) / 5) * 5), np.nan)
    support = rng.random((n, len(SUPPORT_NEEDS))) < _by_key(group, _SUPPORT_PROBS)
    # certificates: sector certificates of own occupations, driving licences by mobility
    hold = np.zeros((n, len(certs.codes)))
    for k in range(3):
        has = occ_idx[:, k] >= 0
        hold = np.maximum(hold, np.where(has[:, None], req_p[np.maximum(occ_idx[:, k], 0)], 0))
    factor = np.where(np.isin(group, ["statushouder", "jongere_zonder_sk", "bbl"]), 0.6, 1.0)
    hold = np.where(hold > 0, np.minimum(0.35 + 0.6 * hold, 0.85), 0.0) * factor[:, None]
    pos = {c: i for i, c in enumerate(certs.codes)}
    car = mobility == "car"
    general_p = {"rijbewijs_b": np.where(car, 0.95, np.where(newcomer, 0.12, 0.3)),
                 "ehbo": 0.08, "bhv": 0.07, "aed_reanimatie": 0.04}
    for code, p in general_p.items():
        if code in pos:
            hold[:, pos[code]] = np.maximum(hold[:, pos[code]], p)
    cert_member = rng.random(hold.shape) < hold
    if "rijbewijs_be" in pos and "rijbewijs_b" in pos:
        cert_member[:, pos["rijbewijs_be"]] = cert_member[:, pos["rijbewijs_b"]] & (
            rng.random(n) < 0.15)
    # availability: current pool mostly now or soon; historic pool mostly unrecorded
    avail = np.where(current, ref + rng.integers(-90, 121, n), ref - 4 * 365 - rng.integers(0, 200, n))
    missing = rng.random(n) < np.where(current, 0.5, 0.6)
    avail = np.where(missing, _NO_DAY, avail)
    return {
        "group": group, "birth_year": birth_year, "gender": gender,
        "nationality": nationality, "mun": mun, "postcode": postcode, "benefit": benefit,
        "occ": occ_idx, "skills": member, "education": edu, "dutch": dutch, "hours": hours,
        "mobility": mobility, "max_km": max_km, "support": support, "certs": cert_member,
        "available": avail, "primary": primary,
    }

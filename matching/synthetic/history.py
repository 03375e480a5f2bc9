"""The placement history: who was placed where and when, outcomes drawn from the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.synthetic.distributions import (
    SECTORS,
)
from matching.synthetic.draws import (
    _HORIZON_DAYS,
    _MONTH_DAYS,
    _NO_DAY,
)
from matching.synthetic.ground_truth import GroundTruth


def _practice_score(truth: GroundTruth, ci: np.ndarray, vi: np.ndarray,
                    rng: np.random.Generator, delay: np.ndarray) -> np.ndarray:
    """How past practice ranked a pair: plausible (same trade, nearby, certified) but noisy.

    ``delay`` is the start delay as known at the placement (placement start − vacancy start),
    never the candidate's current availability.
    """
    q = truth.quantities_at(ci, vi, start_delay_days=delay)
    score = (
        0.8 * q["occupation_match_level"]
        + 1.5 * q["required_skill_coverage"]
        + 0.5 * q["preferred_skill_coverage"]
        - 2.0 * q["missing_required_certificates"]
        - 0.08 * q["travel_km"]
        - 1.0 * np.clip(q["reach_ratio"] - 1.0, 0.0, 3.0)
        + 1.0 * q["hours_fit"]
        - 0.5 * (q["start_delay_days"] > 30)
        + 0.5 * q["support_coverage"]
    )
    return score + 1.2 * rng.gumbel(size=len(ci))


def _overlaps(cand: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each interval [start, end) overlaps another interval of the same candidate."""
    n = len(cand)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((start, cand))
    c, s, e = cand[order], start[order], end[order]
    frame = pd.DataFrame({"c": c, "e": e})
    prev_max = frame.groupby("c")["e"].cummax().groupby(frame["c"]).shift(1).to_numpy()
    first = np.r_[True, c[1:] != c[:-1]]
    last = np.r_[c[1:] != c[:-1], True]
    hit_prev = ~first & (np.nan_to_num(prev_max, nan=-np.inf) > s)
    next_start = np.r_[s[1:], np.iinfo(np.int64).max]
    hit_next = ~last & (next_start < e)
    out = np.empty(n, dtype=bool)
    out[order] = hit_prev | hit_next
    return out


def _draw_candidates(rng: np.random.Generator, use_a: np.ndarray, sector: np.ndarray,
                     pools: dict, k: int) -> np.ndarray:
    """``k`` candidate draws per slot: three quarters from the slot's sector, the rest at random."""
    m = len(use_a)
    out = np.zeros((m, k), dtype=np.int64)
    k_same = (3 * k) // 4
    for flag in (True, False):
        for s in SECTORS:
            rows = np.flatnonzero((use_a == flag) & (sector == s))
            if len(rows) == 0:
                continue
            same, every = pools[flag, s], pools[flag, None]
            if len(same) == 0:
                same = every
            out[rows, :k_same] = same[rng.integers(0, len(same), (len(rows), k_same))]
            out[rows, k_same:] = every[rng.integers(0, len(every), (len(rows), k - k_same))]
    return out


def _history(rng: np.random.Generator, truth: GroundTruth, n_placements: int, ref: int,
             vac: dict, current: np.ndarray, primary: np.ndarray) -> dict[str, np.ndarray]:
    """Placements on historic vacancies, outcomes drawn from the truth.

    Each slot (a position of a historic vacancy, or a refill) takes the best of 40 drawn
    candidates by :func:`_practice_score`. Duration T follows S(t) = p^(t/6) (t in months):
    ``T = 6 ln U / ln p``, with p the truth's *historic* probability (start delay = placement
    start − vacancy start, :meth:`GroundTruth.historic_delay_at`). A candidate never holds two
    overlapping jobs.
    """
    hist = np.flatnonzero(~vac["is_open"])
    empty = {k: np.zeros(0, dtype=np.int64)
             for k in ("cand", "vac", "start", "end", "t_days", "delay")}
    if n_placements == 0 or len(hist) == 0:
        return empty | {"p": np.zeros(0), "drawn_durable": np.zeros(0, dtype=bool),
                        "flipped": np.zeros(0, dtype=bool)}
    reps = vac["positions"][hist].astype(int)
    slots = np.repeat(hist, reps)
    refill = np.zeros(len(slots), dtype=bool)
    if len(slots) >= n_placements:
        slots = np.sort(rng.choice(slots, size=n_placements, replace=False))
        refill = refill[:n_placements]
    else:
        extra = rng.choice(hist, size=n_placements - len(slots))
        slots = np.concatenate([slots, extra])
        refill = np.r_[refill, np.ones(len(extra), dtype=bool)]
    s = len(slots)
    lag = np.where(refill, rng.integers(30, 200, s), rng.integers(0, 15, s))
    start = np.minimum(vac["start"][slots] + lag, ref - 1)
    delay = np.maximum(start - vac["start"][slots], 0).astype(float)
    pool_a = np.flatnonzero(current)
    pool_b = np.flatnonzero(~current)
    use_a = rng.random(s) < 0.25
    if len(pool_b) == 0:
        use_a[:] = True
    if len(pool_a) == 0:
        use_a[:] = False
    cand = np.full(s, -1, dtype=np.int64)
    end = np.zeros(s, dtype=np.int64)
    t_days = np.zeros(s, dtype=np.int64)
    p = np.zeros(s)
    done = np.zeros(s, dtype=bool)
    open_end = np.iinfo(np.int64).max // 4
    # One uniform per slot, kept when a clash moves the slot to another candidate, so that
    # the clash check (which depends on durations) cannot bias the outcomes.
    u_slot = 1.0 - rng.random(s)
    drawn = np.zeros(s, dtype=bool)
    k = 40

    def outcome(rows: np.ndarray, chosen: np.ndarray) -> None:
        prob = truth.probability_at(chosen, vac_pos[rows], start_delay_days=delay[rows])
        u = u_slot[rows]
        months = 6.0 * np.log(u) / np.log(prob)
        days = np.maximum(np.round(months * _MONTH_DAYS), 1).astype(np.int64)
        durable = days >= _HORIZON_DAYS
        cand[rows], p[rows], t_days[rows], drawn[rows] = chosen, prob, days, durable
        stop = start[rows] + days
        end[rows] = np.where(stop < ref, stop, open_end)

    vac_pos = slots
    pools = {}
    for flag, pool in ((True, pool_a), (False, pool_b)):
        pools[flag, None] = pool
        for sector in SECTORS:
            pools[flag, sector] = pool[primary[pool] == sector]
    for round_ in range(14):
        rows = np.flatnonzero(~done)
        if len(rows) == 0:
            break
        m = len(rows)
        kk = k if round_ < 6 else 4  # later rounds: a narrower search finds other people
        draw = _draw_candidates(rng, use_a[rows], vac["sector"][slots[rows]], pools, kk)
        score = _practice_score(truth, draw.ravel(), np.repeat(vac_pos[rows], kk), rng,
                                np.repeat(delay[rows], kk))
        chosen = draw[np.arange(m), score.reshape(m, kk).argmax(axis=1)]
        # one new slot per candidate per round, so new slots cannot clash with each other
        _, first = np.unique(chosen, return_index=True)
        rows, chosen = rows[np.sort(first)], chosen[np.sort(first)]
        outcome(rows, chosen)
        live = done.copy()
        live[rows] = True
        idx = np.flatnonzero(live)
        clash = _overlaps(cand[idx], start[idx], end[idx])
        bad = np.zeros(s, dtype=bool)
        bad[idx[clash]] = True
        done[rows] = ~bad[rows]
    rows = np.flatnonzero(~done)
    if len(rows):
        used = np.zeros(len(current), dtype=bool)
        used[cand[done]] = True
        fresh_a = rng.permutation(pool_a[~used[pool_a]])
        fresh_b = rng.permutation(pool_b[~used[pool_b]])
        ra, rb = rows[use_a[rows]], rows[~use_a[rows]]
        ra, rb = ra[: len(fresh_a)], rb[: len(fresh_b)]
        for part, fresh in ((ra, fresh_a), (rb, fresh_b)):
            if len(part):
                outcome(part, fresh[: len(part)])
                done[part] = True
    keep = np.flatnonzero(done)
    order = keep[np.lexsort((cand[keep], start[keep]))]
    return {"cand": cand[order], "vac": slots[order], "start": start[order],
            "end": np.where(end[order] >= open_end, _NO_DAY, end[order]),
            "t_days": t_days[order], "p": p[order], "delay": delay[order],
            "drawn_durable": drawn[order], "flipped": np.zeros(len(order), dtype=bool)}


def _flip_outcomes(aux: np.random.Generator, hist: dict[str, np.ndarray], share: float,
                   ref: int) -> dict[str, np.ndarray]:
    """Label noise: ``share`` of the placements get the opposite outcome class.

    Applied after the history is drawn, so who was placed where and when is exactly the
    history without noise; only durations and end dates change. A flipped outcome is a draw
    from the truth's survival given the other class: with U' uniform on the other side of p
    (``p + (1 - p) V`` for a durable draw, ``p V`` otherwise), ``T = 6 ln U' / ln p`` is
    shorter than six months or at least six. A placement can become durable only if the
    person's next job starts at least six months after it (no two jobs at once); its end is
    then capped at that start. The flip probability of the other non-durable placements is
    raised so that ``share`` of the non-durable ones (and of the durable ones) flip.
    """
    n = len(hist["cand"])
    hist = dict(hist)
    w, v = aux.random(n), 1.0 - aux.random(n)
    if n == 0 or share <= 0:
        return hist
    start, p, drawn = hist["start"], hist["p"], hist["drawn_durable"]
    by_person = np.lexsort((start, hist["cand"]))
    next_start = np.full(n, np.iinfo(np.int64).max // 4)
    same = hist["cand"][by_person][1:] == hist["cand"][by_person][:-1]
    next_start[by_person[:-1][same]] = start[by_person][1:][same]
    room = next_start - start
    can_rise = ~drawn & (room > _HORIZON_DAYS)
    n_short = int((~drawn).sum())
    rise_p = min(1.0, share * n_short / max(int(can_rise.sum()), 1))
    flip = np.where(drawn, w < share, can_rise & (w < rise_p))
    u_new = np.clip(np.where(drawn, p + (1.0 - p) * v, p * v), 1e-300, 1.0)
    days = np.round(6.0 * np.log(u_new) / np.log(p) * _MONTH_DAYS).astype(np.int64)
    days = np.where(drawn, np.clip(days, 1, _HORIZON_DAYS - 1),
                    np.clip(days, _HORIZON_DAYS, np.maximum(room, _HORIZON_DAYS)))
    t_days = np.where(flip, days, hist["t_days"])
    stop = start + t_days
    end = np.where(flip, np.where(stop < ref, stop, _NO_DAY), hist["end"])
    hist.update(t_days=t_days, end=end, flipped=flip)
    return hist


def _planned_ends(aux: np.random.Generator, hist: dict, months: np.ndarray,
                  ref: int) -> np.ndarray:
    """End days as a real export writes them: running placements get a planned end after ``ref``.

    The planned end is the start plus the vacancy's contract months when that lies in
    ``(ref, ref + 730]``, else (permanent, unknown or already extended contracts) 1-730 days
    after ``ref``. Placements that ended before ``ref`` keep their end.
    """
    end = hist["end"].copy()
    run = np.flatnonzero(end == _NO_DAY)
    m = months[hist["vac"][run]]
    months_days = np.round(np.nan_to_num(m, nan=0.0) * _MONTH_DAYS).astype(np.int64)
    planned = hist["start"][run] + months_days
    fallback = ref + aux.integers(1, 731, len(run))
    ok = ~np.isnan(m) & (planned > ref) & (planned <= ref + 730)
    end[run] = np.where(ok, planned, fallback)
    return end

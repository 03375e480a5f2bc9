"""Feature engineering at national scale: blocking + pair features, memory, naive baseline.

Rows:

(a) ``features.profiles`` — building the profiles of 20k candidates × 2k vacancies (sample
    data from :func:`matching.synthetic.sample.generate`), reported on its own; then
    ``features.blocking+pairs`` — :func:`features.blocking.candidate_pairs` with features over
    the 40M raw pairs (target ≤ 30 s) and the peak RSS of that step (target ≤ 3 GB), measured
    in a fresh subprocess whose high-water mark is reset just before the step;
(b) ``features.vs_naive`` — the vectorised pipeline (profiles + pair features) against a plain
    per-pair Python loop that fuzzy-matches the raw skill / certificate / occupation strings
    with rapidfuzz and computes the same features for every pair, on a subset; values must
    be identical (NaN equal) and the speed-up ≥ 50×;
(c) ``features.streaming`` — :func:`features.blocking.iter_candidate_pairs` over 100k × 10k
    (1e9 raw pairs) with features, consumed block by block: time and peak RSS show that
    memory stays bounded (skipped with ``--quick``).

Quick mode uses 4k × 400 for (a) and a smaller subset for (b).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from typing import Any

import numpy as np

from benchmarks.common import GB, in_subprocess, row

SIZES = {"full": (20_000, 2_000), "quick": (4_000, 400)}
STREAM_SIZE = (100_000, 10_000)
NAIVE_SUBSET = {"full": (500, 40), "quick": (150, 20)}
TIME_TARGET_S = 30.0
RSS_TARGET_GB = 3.0
SPEEDUP_TARGET = 50.0


# -------------------------------------------------------------------------- measured steps


def _reset_peak_rss() -> bool:
    """Reset this process's RSS high-water mark (Linux ``clear_refs``); False if impossible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _current_rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def _data(n_candidates: int, n_vacancies: int, seed: int = 1):
    from matching.synthetic.sample import generate

    n_projects = max(1, n_vacancies // 5)
    return generate(n_candidates, n_vacancies, n_projects, 0, seed=seed).dataset


def step_blocking(n_candidates: int, n_vacancies: int, seed: int = 1) -> dict[str, Any]:
    """(a): build profiles (timed), then blocking + features (timed, peak RSS)."""
    from benchmarks.common import peak_rss_bytes
    from features.blocking import candidate_pairs
    from features.profiles import build_profiles

    dataset = _data(n_candidates, n_vacancies, seed)
    start = time.perf_counter()
    profiles = build_profiles(dataset)
    profile_s = time.perf_counter() - start
    rss_before = _current_rss()
    reset = _reset_peak_rss()
    start = time.perf_counter()
    result = candidate_pairs(profiles)
    block_s = time.perf_counter() - start
    return {
        "profile_s": profile_s, "block_s": block_s, "raw": result.raw_pairs,
        "kept": result.kept, "chunks": result.chunks, "rss_before": rss_before,
        "step_peak": peak_rss_bytes() if reset else None,
        "n_candidates": len(profiles.candidates), "n_vacancies": len(profiles.vacancies),
    }


def step_streaming(n_candidates: int, n_vacancies: int, seed: int = 1) -> dict[str, Any]:
    """(c): stream the whole cross product with features, keeping only running totals."""
    from benchmarks.common import peak_rss_bytes
    from features.blocking import iter_candidate_pairs
    from features.profiles import build_profiles

    dataset = _data(n_candidates, n_vacancies, seed)
    start = time.perf_counter()
    profiles = build_profiles(dataset)
    profile_s = time.perf_counter() - start
    del dataset
    rss_before = _current_rss()
    reset = _reset_peak_rss()
    start = time.perf_counter()
    raw = kept = blocks = 0
    largest = 0
    checksum = 0.0
    for block in iter_candidate_pairs(profiles):
        blocks += 1
        raw += block.raw_pairs
        kept += len(block)
        largest = max(largest, len(block))
        checksum += float(block.features[:, 0].sum())  # what a scorer would read
    stream_s = time.perf_counter() - start
    return {
        "profile_s": profile_s, "stream_s": stream_s, "raw": raw, "kept": kept,
        "blocks": blocks, "largest_block": largest, "rss_before": rss_before,
        "step_peak": peak_rss_bytes() if reset else None, "checksum": checksum,
    }


# -------------------------------------------------------------------------- naive baseline


class NaiveResolver:
    """Per-call resolution of a free-text term, no cache: what a naive loop does per pair.

    Same rules as :class:`features.profiles.LabelFirstVocabulary`: label exact, then id /
    synonym exact, then rapidfuzz ``WRatio`` ≥ cutoff (``extractOne``) for terms over 4
    characters.
    """

    def __init__(self, entries: list[tuple[str, list[str]]], labels: dict[str, list[str]],
                 cutoff: float) -> None:
        from features.vocabulary import normalise_term

        self.normalise = normalise_term
        self.cutoff = cutoff
        self.label_index: dict[str, str] = {}
        for entry_id, names in labels.items():
            for name in names:
                self.label_index.setdefault(normalise_term(name), entry_id)
        self.exact: dict[str, str] = {}
        self.choices: list[str] = []
        self.choice_ids: list[str] = []
        seen: set[str] = set()
        for entry_id, names in entries:
            if entry_id in seen:
                continue
            seen.add(entry_id)
            for raw in (entry_id, *names):
                norm = normalise_term(raw)
                if not norm:
                    continue
                self.exact.setdefault(norm, entry_id)
                if len(norm) > 4:
                    self.choices.append(norm)
                    self.choice_ids.append(entry_id)

    def key(self, term: str) -> str | None:
        """Vocabulary id, or ``~normalised`` for an unresolved term (None when empty)."""
        from rapidfuzz import fuzz, process

        norm = self.normalise(term)
        found = self.label_index.get(norm) or self.exact.get(norm)
        if found is None and len(norm) > 4:
            best = process.extractOne(norm, self.choices, scorer=fuzz.WRatio,
                                      score_cutoff=self.cutoff)
            if best is not None:
                found = self.choice_ids[best[2]]
        if found is None:
            return "~" + norm if norm else None
        return found


def _naive_resolvers(cutoff: float) -> dict[str, NaiveResolver]:
    from features.profiles import Vocabularies, _label_names
    from matching.data import reference

    v = Vocabularies.from_reference(cutoff=cutoff)
    return {
        "skill": NaiveResolver(v.entries["skill"], _label_names(reference.skills(), "code"),
                               cutoff),
        "certificate": NaiveResolver(v.entries["certificate"],
                                     _label_names(reference.certificates(), "code"), cutoff),
        "occupation": NaiveResolver(v.entries["occupation"],
                                    _label_names(reference.occupations(), "occupation_id"),
                                    cutoff),
        "_isco": v.occupation_isco,  # type: ignore[dict-item]
        "_esco": v.occupation_esco,  # type: ignore[dict-item]
    }


def _missing(value: Any) -> bool:
    try:
        import pandas as pd

        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def naive_pair_features(dataset, pairs: list[tuple[int, int]], settings=None,
                        resolvers: dict[str, Any] | None = None) -> np.ndarray:
    """The feature table computed one pair at a time in plain Python (the naive baseline)."""
    from features.spec import FEATURE_NAMES
    from matching.core.config import Settings
    from matching.data import reference
    from matching.data.schema import CEFR_LEVELS, EDUCATION_RANK, STARTKWALIFICATIE
    from matching.data.valuation import placement_value

    settings = settings or Settings()
    res = resolvers if resolvers is not None else _naive_resolvers(settings.fuzzy_cutoff)
    isco_of, esco_of = res["_isco"], res["_esco"]
    pc = {str(r.pc4): (float(r.lat), float(r.lon), str(r.gm_code))
          for r in reference.postcodes().itertuples()}
    gm = {str(r.gm_code): (float(r.lat), float(r.lon), bool(r.island))
          for r in reference.municipalities().itertuples()}
    cands = dataset.candidates.reset_index(drop=True).to_dict("records")
    vacs = dataset.vacancies.reset_index(drop=True).to_dict("records")
    cefr = {lvl: i for i, lvl in enumerate(CEFR_LEVELS)}

    def keys(kind: str, terms: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        for t in terms or ():
            k = res[kind].key(t)
            if k is not None and k not in out:
                out.append(k)
        return out

    def occupation(term: str) -> tuple[str, int] | None:
        text = str(term).strip()
        if re.match(r"^\d{1,4}$", text):
            return text, -1
        k = res["occupation"].key(text)
        if k is None or k.startswith("~"):
            return None
        return isco_of.get(k, ""), esco_of.get(k, -1)

    def location(row: dict) -> tuple[float, float, str | None, bool]:
        p = row.get("postcode")
        if isinstance(p, str) and p in pc:
            lat, lon, code = pc[p]
        else:
            code = row.get("municipality_code") if isinstance(row.get("municipality_code"),
                                                              str) else None
            if code not in gm:
                return math.nan, math.nan, None, False
            lat, lon, _ = gm[code]
        return lat, lon, code, bool(code in gm and gm[code][2])

    def days(value: Any) -> int | None:
        if _missing(value):
            return None
        return (value.date() - dt.date(1970, 1, 1)).days

    out = np.empty((len(pairs), len(FEATURE_NAMES)))
    for n, (i, j) in enumerate(pairs):
        c, v = cands[i], vacs[j]
        cand_skills = set(keys("skill", c.get("skills")))
        req = keys("skill", v.get("required_skills"))
        pref = keys("skill", v.get("preferred_skills"))
        cov = sum(k in cand_skills for k in req) / len(req) if req else 1.0
        pcov = sum(k in cand_skills for k in pref) / len(pref) if pref else 1.0
        c_occ = [o for o in (occupation(t) for t in c.get("occupations") or ()) if o]
        v_term = v.get("occupation")
        if isinstance(v_term, str) and v_term.strip():
            found = occupation(v_term)
        else:
            found = occupation(v["title"]) if isinstance(v.get("title"), str) else None
        level = 0
        if found:
            for code, esco in c_occ:
                if esco >= 0 and esco == found[1]:
                    level = max(level, 4)
                for lv, score in ((4, 3), (3, 2), (2, 1)):
                    if (len(code) >= lv and len(found[0]) >= lv and code[:lv].isdigit()
                            and code[:lv] == found[0][:lv]):
                        level = max(level, score)
        held = set(keys("certificate", c.get("certificates")))
        missing_certs = sum(k not in held for k in keys("certificate",
                                                        v.get("required_certificates")))
        ch, vh = float(c["hours_per_week"]), float(v["hours_per_week"])
        hours_fit = min(1.0, max(0.0, 1.0 - abs(ch - vh) / vh))
        lat1, lon1, gm1, isl1 = location(c)
        lat2, lon2, gm2, isl2 = location(v)
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = (math.sin((p2 - p1) / 2) ** 2
             + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
        dist = 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
        ferry = (gm1 != gm2) and (isl1 or isl2)
        travel = dist + (settings.ferry_penalty_km if ferry else 0.0)
        mt = c.get("max_travel_km")
        if _missing(mt):
            defaults = settings.default_travel_km
            mob = c.get("mobility")
            mt = defaults.get(mob, defaults.get("unknown", 25.0)) if isinstance(mob, str) \
                else defaults.get("unknown", 25.0)
        mt = float(mt)
        edu = EDUCATION_RANK.get(c.get("education_level")) if isinstance(
            c.get("education_level"), str) else None
        edu_min = EDUCATION_RANK.get(v.get("min_education_level")) if isinstance(
            v.get("min_education_level"), str) else None
        edu_gap = math.nan if edu is None else float(edu - (edu if edu_min is None else edu_min))
        du = cefr.get(c.get("dutch_level")) if isinstance(c.get("dutch_level"), str) else None
        du_min = cefr.get(v.get("min_dutch_level")) if isinstance(
            v.get("min_dutch_level"), str) else None
        dutch_gap = math.nan if du is None else float(du - (du if du_min is None else du_min))
        skq = (math.nan if edu is None else float(c["education_level"] in STARTKWALIFICATIE))
        needs = {str(s).strip().lower() for s in c.get("support_needs") or ()}
        offered = {str(s).strip().lower() for s in v.get("support_offered") or ()}
        support = len(needs & offered) / len(needs) if needs else 1.0
        a_day, s_day = days(c.get("available_from")), days(v.get("start_date"))
        delay = float(max(a_day - s_day, 0)) if a_day is not None and s_day is not None else 0.0
        tg = c.get("target_group") if isinstance(c.get("target_group"), str) else None
        elig = tuple(v.get("eligible_target_groups") or ())
        eligible = float(tg is not None and (not elig or tg in elig))
        contract = v.get("contract_months")
        contract = float(settings.default_contract_months) if _missing(contract) else float(
            contract)
        permanent = bool(v.get("permanent")) if not _missing(v.get("permanent")) else False
        value = float(placement_value(
            dataset.valuation, tg, c.get("benefit_months"), vh, contract, permanent=permanent,
            settings=settings))
        out[n] = [cov, pcov, level, missing_certs, hours_fit, travel,
                  travel / max(mt, 1.0), float(travel <= mt), edu_gap, dutch_gap, skq,
                  support, delay, eligible, value, float(permanent), contract]
    return out


def step_vs_naive(n_candidates: int, n_vacancies: int, seed: int = 2) -> dict[str, Any]:
    """(b): vectorised (profiles + features, from raw data) vs the naive loop, same pairs.

    Both sides get their vocabularies / lookup tables built before the clock starts; both
    start from the raw strings of the dataset.
    """
    from features.pairs import pair_features
    from features.profiles import Vocabularies, build_profiles

    dataset = _data(n_candidates, n_vacancies, seed)
    n_c, n_v = len(dataset.candidates), len(dataset.vacancies)
    ci = np.repeat(np.arange(n_c), n_v)
    vi = np.tile(np.arange(n_v), n_c)
    vocabularies = Vocabularies.from_reference()
    resolvers = _naive_resolvers(vocabularies.skills.cutoff)
    start = time.perf_counter()
    profiles = build_profiles(dataset, vocabularies=vocabularies)
    X = pair_features(profiles, ci, vi)
    fast_s = time.perf_counter() - start
    start = time.perf_counter()
    Y = naive_pair_features(dataset, list(zip(ci.tolist(), vi.tolist(), strict=True)),
                            resolvers=resolvers)
    naive_s = time.perf_counter() - start
    same = bool(np.allclose(X, Y, rtol=1e-9, atol=1e-9, equal_nan=True))
    worst = ""
    if not same:
        bad = ~np.isclose(X, Y, rtol=1e-9, atol=1e-9, equal_nan=True)
        from features.spec import FEATURE_NAMES

        cols = [FEATURE_NAMES[k] for k in np.flatnonzero(bad.any(axis=0))]
        worst = f"differs in {cols} ({int(bad.any(axis=1).sum())} pairs)"
    return {"fast_s": fast_s, "naive_s": naive_s, "pairs": len(ci), "same": same,
            "diff": worst}


# -------------------------------------------------------------------------- run


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows (a), (b) and, unless ``quick``, (c); see the module docstring."""
    rows: list[dict[str, Any]] = []
    mode = "quick" if quick else "full"

    n_c, n_v = SIZES[mode]
    a, peak = in_subprocess(step_blocking, n_c, n_v)
    size = f"{a['n_candidates']:,} × {a['n_vacancies']:,} = {a['raw'] / 1e6:.0f}M raw pairs"
    rows.append(row("features.profiles", size, a["profile_s"], "s",
                    note="normalise every candidate and vacancy once (vocabulary "
                         "resolution, geo, bitsets); before the timed step"))
    rows.append(row("features.blocking+pairs", size, a["block_s"], "s",
                    target=f"<= {TIME_TARGET_S:g} s", ok=a["block_s"] <= TIME_TARGET_S,
                    note=f"kept {a['kept']:,} pairs with {17} features in {a['chunks']} "
                         "chunks"))
    step_peak = a["step_peak"] if a["step_peak"] is not None else peak
    rows.append(row("features.blocking+pairs peak RSS", size, step_peak / GB, "GB",
                    target=f"<= {RSS_TARGET_GB:g} GB", ok=step_peak / GB <= RSS_TARGET_GB,
                    note=f"process peak during the step (data and profiles resident: "
                         f"{a['rss_before'] / GB:.2f} GB before it)"))

    sub_c, sub_v = NAIVE_SUBSET[mode]
    b, _ = in_subprocess(step_vs_naive, sub_c, sub_v)
    ratio = b["naive_s"] / b["fast_s"] if b["fast_s"] > 0 else float("inf")
    rows.append(row("features.vs_naive", f"{sub_c} × {sub_v} = {b['pairs']:,} pairs",
                    b["fast_s"], "s", target=f">= {SPEEDUP_TARGET:g}x, identical values",
                    baseline="per-pair Python loop + rapidfuzz", baseline_value=b["naive_s"],
                    ratio=ratio,
                    ok=bool(b["same"] and (quick or ratio >= SPEEDUP_TARGET)),
                    note=("identical feature values" if b["same"] else b["diff"])
                    + "; vectorised time includes building the profiles (vocabularies built "
                      "beforehand on both sides)"
                    + ("; quick mode checks identity only" if quick and ratio < SPEEDUP_TARGET
                       else "")))

    if not quick:
        n_c, n_v = STREAM_SIZE
        c, peak = in_subprocess(step_streaming, n_c, n_v)
        size = f"{n_c:,} × {n_v:,} = {c['raw'] / 1e9:.1f}e9 raw pairs"
        step_peak = c["step_peak"] if c["step_peak"] is not None else peak
        rows.append(row("features.streaming", size, c["stream_s"], "s",
                        note=f"iter_candidate_pairs with feature arrays, {c['blocks']} blocks, "
                             f"{c['kept']:,} pairs kept; profiles built in "
                             f"{c['profile_s']:.0f} s beforehand"))
        rows.append(row("features.streaming peak RSS", size, step_peak / GB, "GB",
                        target=f"<= {RSS_TARGET_GB:g} GB", ok=step_peak / GB <= RSS_TARGET_GB,
                        note=f"bounded by chunk_pairs, not by the pool: "
                             f"{c['rss_before'] / GB:.2f} GB resident before the step"))
    return rows

"""Demand forecast per occupation and certificate over a planning horizon.

Sources, in order of certainty:

* **open vacancies** that start within the horizon (or have no start date): certain demand;
* **the tender calendar** (``tenders`` table): each planned tender's SROI obligation
  (``min(sroi_percentage x contract_value_eur, obligation_cap_eur)``, the same rule as for
  projects) is split evenly over its occupations and turned into placements with the valuation
  rules: ``obligation / value of a typical placement``, where the typical placement has the
  occupation's median hours and contract length (from the region's own vacancies) and the
  pool's mix of target groups. Placements start evenly over the tender's first twelve months
  (or its duration when shorter), so only the part inside the horizon counts, and the
  expectation is weighted by the tender's ``probability``;
* an arrival model of new vacancies does not exist yet; when it does, it adds a third source.

The interval is an 80% interval: open positions are certain; a tender adds a compound
Bernoulli-Poisson number (it goes out with its probability, then yields a Poisson number of
placements), so the variance of each (tender, occupation) is ``p m + p (1 - p) m^2`` for ``m``
expected placements; the interval is the normal approximation ``E ± 1.28 σ``, floored at the
open positions.

Tender demand becomes *forecast vacancies* (:attr:`DemandForecast.vacancies`, contract form)
with the requirements typical of the occupation in the region's vacancies: a certificate
required by at least half of them, the required skills of at least 40% (at most four), the
median hours and contract length. They are what the training planner trains people for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features.profile_types import Profiles
from features.valuation import placement_value

__all__ = ["DemandForecast", "OccupationProfile", "forecast_demand", "occupation_profiles"]

Z80 = 1.2816
"""Standard normal quantile of 90%: the two-sided 80% interval."""
SPREAD_MONTHS = 12
"""Placements of a tender start evenly over its first twelve months (or its duration)."""
TRANCHES = 3
"""A tender's forecast vacancies per occupation: one per third of its spread window."""
MIN_GROUP = 5
"""Vacancies of an occupation needed to take its requirements from its own 4-digit code;
fewer fall back to the 3-digit, then the 2-digit ISCO group."""


@dataclass(frozen=True)
class OccupationProfile:
    """What vacancies of one ISCO code typically ask for in this region."""

    isco: str
    label: str
    certificates: tuple[str, ...]
    skills: tuple[str, ...]
    hours: float
    contract_months: float
    n_vacancies: int


@dataclass
class DemandForecast:
    """Demand within ``[as_of, horizon_end]``; see the module docstring."""

    as_of: pd.Timestamp
    horizon_end: pd.Timestamp
    by_occupation: pd.DataFrame
    """``occupation``, ``label``, ``open_positions``, ``tender_expected``, ``expected``,
    ``low``, ``high``."""
    by_certificate: pd.DataFrame
    """``certificate``, ``label``, the same figures."""
    tender_placements: pd.DataFrame
    """Per (tender, occupation): ``expected_total`` placements if it goes out,
    ``in_horizon``, ``probability``, ``expected`` (= in_horizon x probability)."""
    vacancies: pd.DataFrame
    """Forecast vacancies in contract form (``vacancy_id`` ``F-<tender>-<isco>-<n>``)."""
    projects: pd.DataFrame
    """One project per tender with forecast vacancies (contract form)."""
    sources: list[str] = field(default_factory=list)


def _mode_label(titles: pd.Series) -> str:
    counts = titles.dropna().astype(str).value_counts()
    return str(counts.index[0]) if len(counts) else ""


def occupation_profiles(profiles: Profiles, titles: pd.Series) -> dict[str, OccupationProfile]:
    """Typical requirements per ISCO code (and 3- and 2-digit group) from encoded vacancies.

    ``titles`` are the vacancies' titles in profile order (the most common one is the label).
    """
    v = profiles.vacancies
    codes = pd.Series([c or "" for c in v.occupation_code], dtype=object)
    frame = pd.DataFrame({"code": codes, "title": titles.to_numpy(), "hours": v.hours,
                          "months": v.contract_months})
    certs = list(v.certificate_ids)
    skills = list(v.required_skill_ids)
    out: dict[str, OccupationProfile] = {}
    for digits in (4, 3, 2):
        keys = frame["code"].str[:digits]
        for key, rows in frame[keys.str.len() == digits].groupby(keys):
            if digits < 4 and len(rows) < MIN_GROUP:
                continue
            n = len(rows)
            cert_counts = pd.Series([c for i in rows.index for c in certs[i]], dtype=object
                                    ).value_counts()
            skill_counts = pd.Series([s for i in rows.index for s in skills[i]], dtype=object
                                     ).value_counts()
            out[key] = OccupationProfile(
                isco=key, label=_mode_label(rows["title"]),
                certificates=tuple(sorted(cert_counts.index[cert_counts >= 0.5 * n])),
                skills=tuple(skill_counts.index[skill_counts >= 0.4 * n][:4]),
                hours=float(np.nanmedian(rows["hours"])) if rows["hours"].notna().any() else 36.0,
                contract_months=float(np.nanmedian(rows["months"])) if rows["months"].notna().any()
                else float(profiles.settings.default_contract_months),
                n_vacancies=n)
    return out


def profile_for(isco: str, known: dict[str, OccupationProfile]) -> OccupationProfile | None:
    """The profile of ``isco`` or of its nearest group with enough vacancies."""
    for digits in (4, 3, 2):
        hit = known.get(isco[:digits])
        if hit is not None and ((digits == 4 and len(isco) >= 4) or hit.n_vacancies >= MIN_GROUP):
            return hit
    return None


def _overlap_share(start: pd.Timestamp, spread_months: float, lo: pd.Timestamp,
                   hi: pd.Timestamp) -> float:
    end = start + pd.DateOffset(months=round(spread_months))
    total = (end - start).days
    inside = (min(end, hi) - max(start, lo)).days
    return float(np.clip(inside / total, 0.0, 1.0)) if total > 0 else float(lo <= start <= hi)


def _interval(open_positions: np.ndarray, mean: np.ndarray, var: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    expected = open_positions + mean
    sigma = np.sqrt(np.maximum(var, 0.0))
    low = np.maximum(open_positions, expected - Z80 * sigma)
    return expected, low, expected + Z80 * sigma


def forecast_demand(
    *,
    tenders: pd.DataFrame,
    open_occupations: list[str],
    open_certificates: list[tuple[str, ...]],
    open_positions: np.ndarray,
    history_profiles: Profiles,
    history_titles: pd.Series,
    pool: pd.DataFrame,
    valuation: pd.DataFrame,
    tender_occupations: list[list[str]],
    obligation_cap_eur: float,
    as_of: pd.Timestamp,
    horizon_end: pd.Timestamp,
) -> DemandForecast:
    """The demand forecast (see the module docstring).

    Parameters
    ----------
    tenders : DataFrame
        The ``tenders`` table (contract form).
    open_occupations, open_certificates, open_positions
        Per open vacancy inside the horizon: its resolved ISCO code, the certificates it
        requires and its positions.
    history_profiles, history_titles : Profiles, Series
        Every vacancy of the region, encoded, and their titles: the occupations' typical
        requirements.
    pool : DataFrame
        Available candidates (``target_group``, ``benefit_months``): the mix of target groups
        a placement's value is averaged over.
    tender_occupations : list of lists
        Per tender row, the resolved ISCO codes of its ``occupations``.
    """
    known = occupation_profiles(history_profiles, history_titles)
    rows = []
    for (_, tender), codes in zip(tenders.iterrows(), tender_occupations, strict=True):
        codes = [c for c in dict.fromkeys(codes) if profile_for(c, known) is not None]
        if not codes:
            continue
        value = float(tender["contract_value_eur"] or 0.0)
        obligation = min(value * float(tender["sroi_percentage"] or 0.0) / 100.0,
                         obligation_cap_eur)
        start = pd.Timestamp(tender["expected_start"])
        duration = tender.get("duration_months")
        spread = min(SPREAD_MONTHS, float(duration)) if pd.notna(duration) else SPREAD_MONTHS
        share = _overlap_share(start, spread, as_of, horizon_end)
        probability = tender.get("probability")
        probability = 1.0 if probability is None or pd.isna(probability) else float(probability)
        for code in codes:
            prof = profile_for(code, known)
            assert prof is not None
            n_pool = max(len(pool), 1)
            per_person = placement_value(
                valuation, pool["target_group"].to_numpy() if len(pool) else ["participatiewet"],
                pool["benefit_months"].to_numpy() if len(pool) else [np.nan],
                np.full(n_pool, prof.hours), np.full(n_pool, prof.contract_months),
                settings=history_profiles.settings)
            mean_value = float(np.mean(per_person[per_person > 0])) if (per_person > 0).any() \
                else np.nan
            total = obligation / len(codes) / mean_value if mean_value and mean_value > 0 else 0.0
            rows.append({"tender_id": tender["tender_id"], "tender": tender["name"],
                         "occupation": code, "label": prof.label, "start": start,
                         "spread_months": spread, "expected_total": total,
                         "in_horizon": total * share, "probability": probability,
                         "expected": total * share * probability, "profile": prof,
                         "tender_row": tender})
    placements = pd.DataFrame(rows, columns=["tender_id", "tender", "occupation", "label", "start",
                                             "spread_months", "expected_total", "in_horizon",
                                             "probability", "expected", "profile", "tender_row"])
    vacancies, projects = _forecast_vacancies(placements, as_of, horizon_end)

    # Per occupation.
    open_codes = pd.Series([(c or "")[:4] for c in open_occupations], dtype=object)
    positions = np.asarray(open_positions, dtype=float)
    open_by_occ = pd.Series(positions).groupby(open_codes.to_numpy()).sum()
    p, m = placements["probability"].to_numpy(dtype=float), placements["in_horizon"].to_numpy(float)
    placements_var = p * m + p * (1 - p) * m * m
    tender_by_occ = placements.assign(var=placements_var).groupby("occupation")[["expected", "var"]].sum()
    occs = sorted(set(open_by_occ.index) | set(tender_by_occ.index))
    occs = [o for o in occs if o]
    o_open = open_by_occ.reindex(occs).fillna(0.0).to_numpy()
    o_mean = tender_by_occ["expected"].reindex(occs).fillna(0.0).to_numpy()
    o_var = tender_by_occ["var"].reindex(occs).fillna(0.0).to_numpy()
    expected, low, high = _interval(o_open, o_mean, o_var)
    labels = [(profile_for(o, known).label if profile_for(o, known) else o) for o in occs]
    by_occupation = pd.DataFrame({
        "occupation": occs, "label": labels, "open_positions": o_open,
        "tender_expected": o_mean, "expected": expected, "low": low, "high": high,
    }).sort_values(["expected", "occupation"], ascending=[False, True], kind="mergesort"
                   ).reset_index(drop=True)

    # Per certificate.
    cert_open: dict[str, float] = {}
    for certs, n in zip(open_certificates, positions, strict=True):
        for c in certs:
            cert_open[c] = cert_open.get(c, 0.0) + n
    cert_mean: dict[str, float] = {}
    cert_var: dict[str, float] = {}
    for (_, row), var in zip(placements.iterrows(), placements_var, strict=True):
        for c in row["profile"].certificates:
            cert_mean[c] = cert_mean.get(c, 0.0) + row["expected"]
            cert_var[c] = cert_var.get(c, 0.0) + var
    certs = sorted(set(cert_open) | set(cert_mean))
    c_open = np.array([cert_open.get(c, 0.0) for c in certs])
    c_mean = np.array([cert_mean.get(c, 0.0) for c in certs])
    c_var = np.array([cert_var.get(c, 0.0) for c in certs])
    expected, low, high = _interval(c_open, c_mean, c_var)
    vocab = history_profiles.vocabularies
    by_certificate = pd.DataFrame({
        "certificate": certs, "label": [_certificate_label(vocab, c) for c in certs],
        "open_positions": c_open, "tender_expected": c_mean, "expected": expected,
        "low": low, "high": high,
    }).sort_values(["expected", "certificate"], ascending=[False, True], kind="mergesort"
                   ).reset_index(drop=True)
    sources = ["open_vacancies"] + (["tender_calendar"] if len(tenders) else [])
    return DemandForecast(as_of, horizon_end, by_occupation, by_certificate,
                          placements.drop(columns=["profile", "tender_row"]), vacancies,
                          projects, sources)


def _certificate_label(vocab, code: str) -> str:
    return vocab.label("certificate", code, "nl")


def _forecast_vacancies(placements: pd.DataFrame, as_of: pd.Timestamp,
                        horizon_end: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecast vacancies (contract form), one per tranche of each (tender, occupation)."""
    vac_rows, proj_rows = [], {}
    for row in placements.itertuples(index=False):
        tender, prof = row.tender_row, row.profile
        start = row.start
        tranche = pd.DateOffset(months=max(1, round(row.spread_months / TRANCHES)))
        dates = [start + tranche * k for k in range(TRANCHES)]
        dates = [d for d in dates if as_of <= d <= horizon_end] or (
            [max(start, as_of)] if start <= horizon_end else [])
        if not dates:
            continue
        expected = row.expected
        cumulative = np.round(np.linspace(expected / len(dates), expected, len(dates)))
        counts = np.diff(np.concatenate([[0.0], cumulative])).astype(int)
        for k, (when, n) in enumerate(zip(dates, counts, strict=True)):
            if n <= 0:
                continue
            vac_rows.append({
                "vacancy_id": f"F-{row.tender_id}-{row.occupation}-{k + 1}",
                "project_id": row.tender_id, "employer_id": f"{row.tender_id}-opdrachtnemer",
                "title": prof.label or row.occupation, "occupation": row.occupation,
                "postcode": tender.get("postcode"), "municipality_code": tender.get("municipality_code"),
                "required_skills": prof.skills, "preferred_skills": (),
                "required_certificates": prof.certificates, "hours_per_week": prof.hours,
                "positions": float(n), "start_date": pd.Timestamp(when),
                "contract_months": prof.contract_months, "permanent": False,
                "min_education_level": np.nan, "min_dutch_level": np.nan,
                "support_offered": (), "eligible_target_groups": (), "status": "open",
            })
            proj_rows[row.tender_id] = {
                "project_id": row.tender_id, "name": tender["name"],
                "contracting_authority": tender["contracting_authority"],
                "contractor_id": f"{row.tender_id}-opdrachtnemer",
                "contract_type": tender.get("contract_type"),
                "contract_value_eur": tender["contract_value_eur"],
                "sroi_percentage": tender["sroi_percentage"], "obligation_eur": np.nan,
                "realised_eur": 0.0, "start_date": start,
                "end_date": start + pd.DateOffset(months=int(tender.get("duration_months") or 24)
                                                  if pd.notna(tender.get("duration_months")) else 24),
            }
    return pd.DataFrame(vac_rows), pd.DataFrame(list(proj_rows.values()))

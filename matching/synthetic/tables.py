"""Assemble a sample's tables: clean, written and canonical frames, statuses, outcomes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from matching.core.config import Settings
from matching.data.schema import (
    PROJECTS,
    SUPPORT_NEEDS,
    TableSchema,
)
from matching.synthetic.draws import _MONTH_DAYS, _NO_DAY, _iso, _rows_to_tuples
from matching.synthetic.history import _planned_ends
from matching.synthetic.noise import _group_rows, _Noise, _noisy_lists, _occupation_terms
from matching.synthetic.vacancies import _titles
from matching.synthetic.vocab import _Occupations, _Vocab
from matching.synthetic.world import _Geo


def _ids(prefix: str, n: int, min_width: int = 6) -> np.ndarray:
    """Ids ``prefix`` + a zero-padded 1-based number (at least ``min_width`` digits)."""
    width = max(min_width, len(str(n)))
    return np.array([f"{prefix}{i + 1:0{width}d}" for i in range(n)], dtype=object)


def candidate_frames(rng: np.random.Generator, noise: _Noise, skills: _Vocab, certs: _Vocab,
                     occ: _Occupations, cand: dict, cand_ids: np.ndarray, geo: _Geo,
                     rename: tuple[np.random.Generator, float] | None
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Clean, written (noisy) and canonical (stripped) candidate tables; ``status`` unset.

    Draws the written skill, certificate and occupation terms (in that order).
    """
    c_skills, w_skills, s_skills = _noisy_lists(noise, skills, cand["skills"], strict=False,
                                                rename=rename)
    c_certs, w_certs, s_certs = _noisy_lists(noise, certs, cand["certs"], strict=True)
    occ_idx = cand["occ"].copy()
    occ_idx[:, 1] = np.where(occ_idx[:, 1] == occ_idx[:, 0], -1, occ_idx[:, 1])
    occ_idx[:, 2] = np.where((occ_idx[:, 2] == occ_idx[:, 0]) | (occ_idx[:, 2] == occ_idx[:, 1]),
                             -1, occ_idx[:, 2])
    c_occ, w_occ, s_occ = (
        _group_rows(a, 3) for a in _occupation_terms(rng, noise, occ, occ_idx.ravel(), 0.3, 0.5))
    c_support = _rows_to_tuples(cand["support"], np.array(SUPPORT_NEEDS, dtype=object))
    common = {
        "candidate_id": cand_ids, "postcode": cand["postcode"],
        "municipality_code": geo.gm[cand["mun"]], "target_group": cand["group"],
        "benefit_months": cand["benefit"], "birth_year": cand["birth_year"],
    }
    rest = {
        "education_level": cand["education"], "dutch_level": cand["dutch"],
        "hours_per_week": cand["hours"], "mobility": cand["mobility"],
        "max_travel_km": cand["max_km"], "support_needs": c_support,
        "available_from": _iso(cand["available"]), "status": None,
        "gender": cand["gender"], "nationality": cand["nationality"],
    }

    def frame(sk: list, ce: list, oc: list) -> pd.DataFrame:
        return pd.DataFrame(common | {"skills": sk, "certificates": ce, "occupations": oc}
                            | rest)

    return (frame(c_skills, c_certs, c_occ), frame(w_skills, w_certs, w_occ),
            frame(s_skills, s_certs, s_occ))


def vacancy_frames(rng: np.random.Generator, noise: _Noise, skills: _Vocab, certs: _Vocab,
                   occ: _Occupations, vac: dict, vac_ids: np.ndarray, project_ids: np.ndarray,
                   geo: _Geo, rename: tuple[np.random.Generator, float] | None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Clean, written (noisy) and canonical (stripped) vacancy tables; ``status`` unset.

    Draws the written required and preferred skills, certificates, the occupation terms
    (10% unrecorded) and the job titles (in that order).
    """
    v_req = _noisy_lists(noise, skills, vac["required"], strict=False, rename=rename)
    v_pref = _noisy_lists(noise, skills, vac["preferred"], strict=False, rename=rename)
    v_cert = _noisy_lists(noise, certs, vac["req_certs"], strict=True)
    v_occ_idx = np.where(rng.random(len(vac_ids)) < 0.1, -1, vac["occ"])
    v_occ = _occupation_terms(rng, noise, occ, v_occ_idx, 0.35 / 0.9, 0.45 / 0.9)
    v_support = _rows_to_tuples(vac["support"], np.array(SUPPORT_NEEDS, dtype=object))
    titles = _titles(rng, occ, vac["occ"], geo.name[vac["mun"]])
    common = {
        "vacancy_id": vac_ids, "project_id": project_ids[vac["project"]],
        "employer_id": vac["employer"], "title": titles,
    }
    mid = {"postcode": vac["postcode"], "municipality_code": geo.gm[vac["mun"]]}
    rest = {
        "hours_per_week": vac["hours"], "positions": vac["positions"],
        "start_date": _iso(vac["start"]), "contract_months": vac["months"],
        "permanent": pd.array(vac["permanent"], dtype="boolean"),
        "min_education_level": vac["min_edu"], "min_dutch_level": vac["min_dutch"],
        "support_offered": v_support, "eligible_target_groups": vac["eligible"],
        "status": None,
    }

    def frame(i: int) -> pd.DataFrame:
        return pd.DataFrame(common | {"occupation": v_occ[i]} | mid | {
            "required_skills": v_req[i], "preferred_skills": v_pref[i],
            "required_certificates": v_cert[i]} | rest)

    return frame(0), frame(1), frame(2)


def statuses(rng: np.random.Generator, hist: dict, current: np.ndarray, n_candidates: int,
             is_open: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate statuses (available, placed, inactive) and vacancy statuses (open, filled,
    closed) after the history: ``n_candidates`` of the free current pool are available."""
    n_cand, n_vac = len(current), len(is_open)
    running = hist["end"] == _NO_DAY
    placed = np.zeros(n_cand, dtype=bool)
    placed[hist["cand"][running]] = True
    free_a = np.flatnonzero(current & ~placed)
    available = np.zeros(n_cand, dtype=bool)
    # a fixed number of draws whoever is free, so the history (e.g. label noise) cannot
    # shift the random stream of what follows
    keys = rng.random(n_cand)
    available[free_a[np.argsort(keys[free_a], kind="stable")][:n_candidates]] = True
    status = np.where(available, "available", np.where(placed, "placed", "inactive"))
    has_placement = np.zeros(n_vac, dtype=bool)
    has_placement[hist["vac"]] = True
    vstatus = np.where(is_open, "open", np.where(has_placement, "filled", "closed"))
    return status, vstatus


def placements_table(rng: np.random.Generator, hist: dict, vac: dict, cand_hours: np.ndarray,
                     cand_ids: np.ndarray, vac_ids: np.ndarray, placement_ids: np.ndarray,
                     ref: int, planned: np.random.Generator | None) -> pd.DataFrame:
    """The placements table: 80% at the vacancy's hours, else the lesser of both hours.

    ``planned``: the random stream of planned end dates (:func:`_planned_ends`), or ``None``
    to write running placements without an end date.
    """
    use_vac_hours = rng.random(len(hist["cand"])) < 0.8
    pl_hours = np.where(use_vac_hours, vac["hours"][hist["vac"]],
                        np.minimum(vac["hours"][hist["vac"]], cand_hours[hist["cand"]]))
    end_written = hist["end"]
    if planned is not None:
        end_written = _planned_ends(planned, hist, vac["months"], ref)
    return pd.DataFrame({
        "placement_id": placement_ids,
        "candidate_id": cand_ids[hist["cand"]],
        "vacancy_id": vac_ids[hist["vac"]],
        "start_date": _iso(hist["start"]),
        "end_date": _iso(end_written),
        "hours_per_week": pl_hours,
    })


def projects_table(pj: pd.DataFrame) -> pd.DataFrame:
    """The written projects table: the schema's columns, dates as datetimes."""
    out = pj[[c for c in PROJECTS.column_names]].copy()
    out["start_date"] = _iso(pj["start_date"].to_numpy())
    out["end_date"] = _iso(pj["end_date"].to_numpy())
    return out


def outcomes_and_stats(hist: dict, placement_ids: np.ndarray, cand_ids: np.ndarray,
                       vac_ids: np.ndarray, ref: int, settings: Settings,
                       coverage: dict) -> tuple[pd.DataFrame, dict]:
    """:attr:`SampleData.outcomes` and the manifest's ``stats`` of a drawn history."""
    horizon = np.ceil(settings.horizon_months * _MONTH_DAYS)
    observed = hist["start"] + horizon <= ref
    durable = hist["t_days"] >= horizon
    running = hist["end"] == _NO_DAY
    outcomes = pd.DataFrame({
        "placement_id": placement_ids, "candidate_id": cand_ids[hist["cand"]],
        "vacancy_id": vac_ids[hist["vac"]], "probability": hist["p"],
        "start_delay_days": hist["delay"], "t_days": hist["t_days"],
        "drawn_durable": hist["drawn_durable"], "flipped": hist["flipped"],
        "durable": durable, "observed": observed,
    })
    stats = {
        "placements_observed": int(observed.sum()),
        "placements_censored": int((~observed & running).sum()),
        "placements_recent": int((~observed).sum()),
        "durable_rate": round(float(durable[observed].mean()), 4) if observed.any() else None,
        "mean_true_probability": round(float(hist["p"][observed].mean()), 4)
        if observed.any() else None,
        "oracle_auc": None if not observed.any() or math.isnan(
            auc := _auc(hist["p"][observed], durable[observed])) else round(auc, 4),
        "labels_flipped": int(hist["flipped"].sum()),
        "obligation_coverage": coverage,
    }
    return outcomes, stats


def _auc(score: np.ndarray, label: np.ndarray) -> float:
    """ROC AUC by the rank-sum formula (ties get average ranks)."""
    label = label.astype(bool)
    n_pos, n_neg = int(label.sum()), int((~label).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = pd.Series(score).rank().to_numpy()
    return float((ranks[label].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


# ----------------------------------------------------------------------------- canonical form


def _canonical(schema: TableSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as :mod:`matching.data.loading` returns it (see :mod:`matching.data.schema`)."""
    out = {}
    for column in schema.columns:
        if column.name not in frame:
            values = pd.Series([None] * len(frame), dtype=object)
        else:
            values = frame[column.name].reset_index(drop=True)
        kind = column.kind
        if kind == "list":
            out[column.name] = pd.Series(
                [cell if isinstance(cell, tuple) else tuple(cell) if isinstance(cell, list)
                 else () for cell in values], dtype=object)
        elif kind in ("int", "float"):
            out[column.name] = pd.to_numeric(values).astype("float64")
        elif kind == "bool":
            out[column.name] = values.astype("boolean")
        elif kind == "date":
            out[column.name] = pd.to_datetime(values).astype("datetime64[ns]")
        elif kind == "date_list":
            out[column.name] = pd.Series(
                [tuple(sorted({str(d) for d in cell})) if isinstance(cell, tuple | list)
                 else () for cell in values], dtype=object)
        else:
            out[column.name] = values.astype(object).astype("str")
    result = pd.DataFrame(out)
    result.index = pd.RangeIndex(2, len(result) + 2)
    return result

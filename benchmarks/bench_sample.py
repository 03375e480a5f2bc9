"""Benchmarks of the synthetic sample generator and its oracle (:mod:`matching.synthetic.sample`).

Rows (see :func:`run`):

* ``sample_generate`` -- :func:`~matching.synthetic.sample.generate` at national scale (100k
  available candidates, 10k open vacancies, 2,000 projects, 50k placements); target 60 s.
  Quick mode: 10k × 1k, 200 projects, 5k placements (same target).
* ``sample_write`` -- :func:`~matching.synthetic.sample.write_sample` of that sample (CSV + manifest).
* ``truth_probability_1m`` -- :meth:`~matching.synthetic.ground_truth.GroundTruth.probability` on
  1M random pairs given by id; target 1 s (1M pairs per second). Hashing the 2M id strings
  is about half of it.
* ``truth_probability_at_1m`` -- :meth:`~matching.synthetic.ground_truth.GroundTruth.probability_at`
  on the same pairs given by row position (the model alone).

The note of the generate row gives the realised durable rate and the oracle AUC on the
history, so a run also shows that the sample stays in its documented ranges.
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

import numpy as np

from matching.synthetic.sample import generate, write_sample

FULL = {"n_candidates": 100_000, "n_vacancies": 10_000, "n_projects": 2_000,
        "n_placements": 50_000}
QUICK = {"n_candidates": 10_000, "n_vacancies": 1_000, "n_projects": 200,
         "n_placements": 5_000}


def _row(benchmark: str, size: str, value: float, target: float, note: str) -> dict[str, Any]:
    return {
        "benchmark": benchmark, "size": size, "value": round(value, 3), "unit": "s",
        "target": f"<= {target:g} s", "baseline": None, "baseline_value": None,
        "ratio": None, "ok": bool(value <= target), "note": note,
    }


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Time generation, writing and the oracle; one row per measurement.

    Examples
    --------
    >>> rows = run(quick=True)  # doctest: +SKIP
    >>> [r["benchmark"] for r in rows]  # doctest: +SKIP
    ['sample_generate', 'sample_write', 'truth_probability_1m', 'truth_probability_at_1m']
    """
    sizes = QUICK if quick else FULL
    size = (f"{sizes['n_candidates']:,} cand x {sizes['n_vacancies']:,} vac, "
            f"{sizes['n_projects']:,} proj, {sizes['n_placements']:,} placements")
    t0 = time.perf_counter()
    sample = generate(**sizes, seed=42)
    t_gen = time.perf_counter() - t0
    stats = sample.manifest["stats"]
    rows = [_row("sample_generate", size, t_gen, 60.0,
                 f"{sum(sample.manifest['rows'].values()):,} rows; durable rate "
                 f"{stats['durable_rate']}, oracle AUC {stats['oracle_auc']}")]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_sample(sample, tmp)
        rows.append(_row("sample_write", size, time.perf_counter() - t0, 60.0,
                         "four UTF-8 CSV files and manifest.json"))
    truth = sample.truth
    rng = np.random.default_rng(0)
    n = 1_000_000
    cand = truth.candidates["candidate_id"].to_numpy()[rng.integers(0, len(truth.candidates), n)]
    vac = truth.vacancies["vacancy_id"].to_numpy()[rng.integers(0, len(truth.vacancies), n)]
    t0 = time.perf_counter()
    p = truth.probability(cand, vac)
    rows.append(_row("truth_probability_1m", "1,000,000 pairs by id", time.perf_counter() - t0,
                     1.0, f"mean p of random pairs {p.mean():.3f}; includes the id lookup"))
    ci, vi = truth.candidate_positions(cand), truth.vacancy_positions(vac)
    t0 = time.perf_counter()
    truth.probability_at(ci, vi)
    rows.append(_row("truth_probability_at_1m", "1,000,000 pairs by row position",
                     time.perf_counter() - t0, 1.0, "the model alone, ids already resolved"))
    return rows


if __name__ == "__main__":  # pragma: no cover
    for r in run(quick=True):
        print(r)

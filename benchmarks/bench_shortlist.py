"""Shortlist latency: the account manager's request, in the API and from the command line.

Rows:

* ``shortlist.vacancy`` — one shortlist (top 10, explanations, near misses) for an open
  vacancy over a pool of 20k available candidates, with data, profiles and model loaded:
  median over repeated calls on different vacancies (target ≤ 200 ms);
* ``shortlist.candidate`` — the same for a candidate over all open vacancies (no target);
* ``shortlist.cli`` — ``sroi-match shortlist --vacancy …`` on ``data/sample`` from process
  start to printed table, with a trained model and a warm term cache (target ≤ 5 s; median of
  three runs).

Quick mode uses a 5k pool.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import row

ROOT = Path(__file__).resolve().parents[1]
POOL = {"full": (20_000, 400, 6_000), "quick": (5_000, 200, 3_000)}
API_TARGET_S = 0.2
CLI_TARGET_S = 5.0


def _matcher(n_candidates: int, n_vacancies: int, n_placements: int):
    from matching.core.config import Settings
    from matching.model.registry import Registry
    from matching.model.training import train_model
    from matching.synthetic.sample import generate
    from matching.workflows.shortlist import Matcher
    from matching.workflows.train import register_model

    sample = generate(n_candidates, n_vacancies, n_projects=max(1, n_vacancies // 5),
                      n_placements=n_placements, seed=7)
    settings = Settings()
    registry = Registry(tempfile.mkdtemp(prefix="sroi-bench-models-"))
    version = register_model(registry, train_model(sample.dataset, settings), activate=True,
                             report=False)
    return Matcher(sample.dataset, registry.load(version), settings), sample.dataset


def _median_latency(call, ids: list[str], repeat: int = 2) -> float:
    call(ids[0])  # warm-up (first call builds caches)
    times = []
    for _ in range(repeat):
        for ident in ids:
            start = time.perf_counter()
            call(ident)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def _cli_seconds(models: str) -> float:
    cmd = [sys.executable, "-m", "matching.cli", "shortlist", "--vacancy", "V000001",
           "--data", str(ROOT / "data" / "sample"), "--models", models]
    subprocess.run([sys.executable, "-m", "matching.cli", "train", "--data",
                    str(ROOT / "data" / "sample"), "--models", models],
                   check=True, capture_output=True)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick: bool = False) -> list[dict[str, Any]]:
    n_cand, n_vac, n_pl = POOL["quick" if quick else "full"]
    matcher, dataset = _matcher(n_cand, n_vac, n_pl)
    available = int((dataset.candidates["status"] == "available").sum())
    open_ids = dataset.vacancies.loc[dataset.vacancies["status"] == "open", "vacancy_id"].tolist()
    rng = np.random.default_rng(0)
    vac_ids = list(rng.choice(open_ids, size=min(10, len(open_ids)), replace=False))
    cand_ids = list(rng.choice(
        dataset.candidates.loc[dataset.candidates["status"] == "available", "candidate_id"],
        size=10, replace=False))
    vac_s = _median_latency(lambda v: matcher.for_vacancy(v, top=10), vac_ids)
    cand_s = _median_latency(lambda c: matcher.for_candidate(c, top=10), cand_ids)
    size = f"pool {available:,} candidates × {len(open_ids)} open vacancies"
    rows = [
        row("shortlist.vacancy", size, round(vac_s * 1000, 1), "ms",
            target=f"<= {API_TARGET_S * 1000:.0f} ms", ok=vac_s <= API_TARGET_S,
            note="median of repeated calls; top 10 with explanations and near misses"),
        row("shortlist.candidate", size, round(cand_s * 1000, 1), "ms",
            note="median; vacancies for one candidate"),
    ]
    with tempfile.TemporaryDirectory(prefix="sroi-bench-cli-") as models:
        cli_s = _cli_seconds(models)
    rows.append(row("shortlist.cli", "data/sample (3,000 candidates)", round(cli_s, 2), "s",
                    target=f"<= {CLI_TARGET_S:.0f} s", ok=cli_s <= CLI_TARGET_S,
                    note="process start to printed table; trained model, warm term cache"))
    return rows


if __name__ == "__main__":
    from benchmarks.run import main

    sys.exit(main(["--only", "shortlist", *sys.argv[1:]]))

"""Robustness suite: ``python -m benchmarks.robustness [--quick] [--json PATH]``.

Generated worlds (:func:`matching.synthetic.sample.generate`) in settings the model was not tuned on:
history size (500 to 20,000 placements), censoring (``recent_share``), durable base rate
(0.2-0.8, via :func:`matching.synthetic.sample.base_rate_shift_for`), label noise, planned end dates and
renamed skill terms. On each world:

1. train with :func:`matching.model.training.train_model` (reference date = the dataset's
   extraction date) on the default :class:`matching.core.config.Settings`;
2. block and score the open pool's pairs the way :func:`matching.workflows.assign.run_assignment` does
   (profiles of ``dataset.active()``, :func:`features.blocking.iter_candidate_pairs` over the
   available candidates and open vacancies, :func:`matching.model.scoring.score_features`);
3. solve :func:`matching.optimize.solve_assignment` on *all* blocked pairs (no ``min_score``
   cut, so every solver sees the same pair set) with capacity = the open vacancies'
   positions, three times: weights = the model's probabilities, the true probabilities
   (oracle) and a skill-overlap score (``required_skill_coverage`` + 0.1 ×
   ``preferred_skill_coverage``);
4. each assignment's expected durable placements = the sum of the TRUE probabilities of its
   pairs; ``share`` = expected / oracle expected.

Pass: model share ≥ 0.95 of the oracle and model expected > skill-baseline expected.
Exit code 0 when every world passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["QUICK_WORLDS", "WORLDS", "World", "evaluate_world", "main", "render_markdown"]

MIN_SHARE = 0.95


@dataclass(frozen=True)
class World:
    """One generated world: sizes, seed and generator knobs."""

    name: str
    n_candidates: int = 600
    n_vacancies: int = 80
    n_projects: int = 12
    n_placements: int = 1500
    seed: int = 11
    target_base_rate: float | None = None
    """Durable base rate to aim at (``base_rate_shift_for``); None: as drawn."""
    knobs: dict[str, Any] = field(default_factory=dict)
    """Extra keyword arguments of :func:`matching.synthetic.sample.generate`."""

    def describe(self) -> str:
        parts = [f"{self.n_candidates}x{self.n_vacancies}"]
        if self.target_base_rate is not None:
            parts.append(f"base rate→{self.target_base_rate:g}")
        parts += [f"{k}={v}" for k, v in self.knobs.items()]
        return ", ".join(parts)


QUICK_WORLDS: tuple[World, ...] = (
    World("default-1500", seed=11),
    World("planned-ends+censor15", seed=12,
          knobs={"planned_end_dates": True, "recent_share": 0.15}),
    World("base0.3+noise10", seed=13, target_base_rate=0.3, knobs={"label_noise": 0.1}),
)

WORLDS: tuple[World, ...] = (
    *QUICK_WORLDS,
    World("small-500", n_candidates=400, n_vacancies=60, n_projects=8, n_placements=500,
          seed=21),
    World("censor0", seed=22, knobs={"recent_share": 0.0}),
    World("censor30", seed=23, knobs={"recent_share": 0.3}),
    World("base0.2", seed=24, target_base_rate=0.2),
    World("base0.8", seed=25, target_base_rate=0.8),
    World("noise20", seed=26, knobs={"label_noise": 0.2}),
    World("renamed-skills30", seed=27, knobs={"renamed_skills": 0.3}),
    World("large-5000", n_candidates=1500, n_vacancies=150, n_projects=20, n_placements=5000,
          seed=28),
    World("large-20000", n_candidates=3000, n_vacancies=250, n_projects=30,
          n_placements=20000, seed=29),
)


def _generate(world: World) -> Any:
    from matching.synthetic.sample import base_rate_shift_for, generate

    args = (world.n_candidates, world.n_vacancies, world.n_projects, world.n_placements)
    kwargs: dict[str, Any] = {"seed": world.seed, **world.knobs}
    if world.target_base_rate is not None:
        kwargs["base_rate_shift"] = base_rate_shift_for(world.target_base_rate, *args, **kwargs)
    return generate(*args, **kwargs)


def _blocked_pairs(dataset: Any, pipeline: Any, settings: Any) -> pd.DataFrame:
    """Every blocked open pair with the model's weight and the skill features."""
    from features.blocking import iter_candidate_pairs
    from features.profiles import build_profiles
    from features.spec import PAIR_INDEX
    from matching.model.scoring import score_features

    profiles = build_profiles(dataset.active(), settings)
    parts = []
    for block in iter_candidate_pairs(profiles, settings,
                                      candidates=profiles.candidates.available,
                                      vacancies=profiles.vacancies.open, with_features=True):
        if len(block.cand_idx) == 0:
            continue
        parts.append(pd.DataFrame({
            "cand_idx": block.cand_idx.astype(np.int64),
            "vac_idx": block.vac_idx.astype(np.int64),
            "weight": score_features(pipeline, block.features, n_jobs=settings.n_jobs),
            "required_skill_coverage": block.features[:, PAIR_INDEX["required_skill_coverage"]],
            "preferred_skill_coverage": block.features[:, PAIR_INDEX["preferred_skill_coverage"]],
        }))
    pairs = pd.concat(parts, ignore_index=True)
    pairs["candidate_id"] = profiles.candidates.ids[pairs["cand_idx"].to_numpy()]
    pairs["vacancy_id"] = profiles.vacancies.ids[pairs["vac_idx"].to_numpy()]
    return pairs


def _expected_true(pairs: pd.DataFrame, column: str, capacity: pd.Series) -> tuple[float, int]:
    """(sum of true probabilities, assigned count) of the assignment maximising ``column``."""
    from matching.optimize import solve_assignment

    solver = pairs[["candidate_id", "vacancy_id", column]].rename(columns={column: "weight"})
    result = solve_assignment(solver, capacity)
    if result.assignments.empty:
        return 0.0, 0
    truth = pairs.set_index(["candidate_id", "vacancy_id"])["true_p"]
    keys = pd.MultiIndex.from_frame(result.assignments[["candidate_id", "vacancy_id"]])
    return float(truth.reindex(keys).fillna(0.0).sum()), len(keys)


def evaluate_world(world: World) -> dict[str, Any]:
    """Train on one world, assign its open pool and compare with the oracle and skill overlap."""
    from scipy.stats import spearmanr

    from matching.core.config import Settings
    from matching.model.training import train_model

    t0 = time.perf_counter()
    sample = _generate(world)
    dataset, truth = sample.dataset, sample.truth
    if getattr(dataset, "extraction_date", None) is None:
        dataset = dataclasses.replace(dataset,
                                      extraction_date=sample.manifest["extraction_date"])
    stats = sample.manifest["stats"]
    settings = Settings()
    result = train_model(dataset, settings, truth=truth)
    pairs = _blocked_pairs(dataset, result.pipeline, settings)
    pairs["true_p"] = truth.probability(pairs["candidate_id"], pairs["vacancy_id"])
    pairs["skill"] = (pairs["required_skill_coverage"] + 0.1 * pairs["preferred_skill_coverage"]
                      + 1e-3)  # > 0 so the baseline fills every place it can
    vac = dataset.vacancies
    open_vac = vac[vac["status"] == "open"].set_index("vacancy_id")
    capacity = open_vac["positions"].fillna(1).astype(int)

    model_e, model_n = _expected_true(pairs, "weight", capacity)
    oracle_e, oracle_n = _expected_true(pairs, "true_p", capacity)
    skill_e, _ = _expected_true(pairs, "skill", capacity)
    share = model_e / oracle_e if oracle_e > 0 else float("nan")
    skill_share = skill_e / oracle_e if oracle_e > 0 else float("nan")
    n_hist = int(world.n_placements)
    out = {
        "world": world.name,
        "settings": world.describe(),
        "placements": n_hist,
        "base_rate": stats.get("mean_true_probability"),
        "durable_rate": stats.get("durable_rate"),
        "censored_share": round(stats["placements_censored"] / n_hist, 3),
        "recent_share": round(stats["placements_recent"] / n_hist, 3),
        "auc": result.metrics["model"].get("roc_auc"),
        "oracle_auc": (result.metrics.get("oracle") or {}).get("roc_auc"),
        "pairs": len(pairs),
        "positions": int(capacity.sum()),
        "assigned_model": model_n,
        "assigned_oracle": oracle_n,
        "spearman": float(spearmanr(pairs["weight"], pairs["true_p"]).statistic),
        "mean_weight": float(pairs["weight"].mean()),
        "mean_true_p": float(pairs["true_p"].mean()),
        "model_expected": model_e,
        "oracle_expected": oracle_e,
        "skill_expected": skill_e,
        "share": share,
        "skill_share": skill_share,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    out["pass"] = bool(share >= MIN_SHARE and model_e > skill_e)
    return out


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "nan" if np.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def render_markdown(rows: list[dict[str, Any]]) -> str:
    """The results as one markdown table."""
    head = ("| world | settings | placements | base rate | censored share | AUC (oracle) "
            "| Spearman | mean weight (true) | model share of oracle | skill-baseline share "
            "| pass |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['world']} | {r.get('settings', '')} | | | | | | | | | "
                         f"ERROR {r['error']} |")
            continue
        lines.append(
            f"| {r['world']} | {r['settings']} | {r['placements']:,} | {_fmt(r['base_rate'])} "
            f"| {_fmt(r['censored_share'])} | {_fmt(r['auc'])} ({_fmt(r['oracle_auc'])}) "
            f"| {_fmt(r['spearman'])} | {_fmt(r['mean_weight'])} ({_fmt(r['mean_true_p'])}) "
            f"| {_fmt(r['share'])} | {_fmt(r['skill_share'])} "
            f"| {'yes' if r['pass'] else '**no**'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.common import machine_info

    parser = argparse.ArgumentParser(prog="python -m benchmarks.robustness",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the three quick worlds")
    parser.add_argument("--only", nargs="*", help="world names to run")
    parser.add_argument("--json", help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    worlds = QUICK_WORLDS if args.quick else WORLDS
    if args.only:
        worlds = tuple(w for w in WORLDS if w.name in set(args.only))
    rows = []
    for world in worlds:
        try:
            r = evaluate_world(world)
        except Exception as exc:  # one failing world must not stop the table
            r = {"world": world.name, "settings": world.describe(), "pass": False,
                 "error": f"{type(exc).__name__}: {exc}"[:200]}
        print(f"# {world.name}: {r.get('seconds', '?')} s", file=sys.stderr, flush=True)
        rows.append(r)
    info = machine_info()
    print(f"Robustness suite, {dt.date.today().isoformat()}: {info.get('cpu')}, "
          f"{info.get('cores')} cores, Python {info.get('python')}, "
          f"scikit-learn {info.get('sklearn')}\n")
    print(render_markdown(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"machine": info, "rows": rows}, fh, indent=2, default=str)
    return 0 if all(r["pass"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmarks of the durable-placement model (:mod:`matching.model.training`, :mod:`matching.model.scoring`).

Rows (see :func:`run`):

* ``train_time`` -- :func:`~matching.model.training.train_model` on ``data/sample`` (features,
  labels, evaluation fit, report metrics, final refit); target <= 60 s.
* ``test_roc_auc`` -- held-out ROC AUC next to the oracle's (truth probabilities of the same
  test pairs); target: within 0.02 of the oracle.
* ``test_ece`` -- expected calibration error on the test split; target <= 0.03.
* ``model_vs_baseline_auc`` -- model ROC AUC next to the logistic baseline's; target: higher.
* ``cv_roc_auc``, ``cv_ece`` -- the same on the pooled rolling-origin predictions
  (``TrainResult.cv_metrics``, ~2x the placements of the test split); the ECE note gives the
  bootstrap interval and the ECE perfectly calibrated scores would show at that n.
* ``score_with_features`` -- pairs/s of the full path an account manager triggers:
  ``build_profiles`` + ``candidate_pairs`` (blocking + features) + ``score_features``, next
  to bare ``predict_proba`` of the same model on the precomputed features.

``quick=True`` uses a small generated dataset instead of ``data/sample``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from features.spec import FEATURE_NAMES
from matching.core.config import Settings

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"


def _row(benchmark: str, size: str, value: float, unit: str, target: str,
         baseline: str | None = None, baseline_value: float | None = None,
         ok: bool | None = None, note: str = "") -> dict[str, Any]:
    ratio = None
    if baseline_value:
        ratio = round(value / baseline_value, 3)
    return {"benchmark": benchmark, "size": size, "value": round(value, 4), "unit": unit,
            "target": target, "baseline": baseline,
            "baseline_value": None if baseline_value is None else round(baseline_value, 4),
            "ratio": ratio, "ok": ok, "note": note}


def _data(quick: bool) -> tuple[Any, Any, str]:
    from matching.synthetic.sample import generate, load_truth

    if not quick and SAMPLE_DIR.is_dir() and (SAMPLE_DIR / "placements.csv").is_file():
        from matching.data.loading import load_dataset

        return load_dataset(SAMPLE_DIR).dataset, load_truth(SAMPLE_DIR), "data/sample"
    sample = generate(600, 60, n_projects=40, n_placements=1500, seed=42)
    return sample.dataset, sample.truth, "generated 600x60, 1500 placements"


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Run the model benchmarks and return one dict per row (see module docstring).

    Examples
    --------
    >>> rows = run(quick=True)  # doctest: +SKIP
    >>> {r["benchmark"] for r in rows} >= {"train_time", "score_with_features"}  # doctest: +SKIP
    True
    """
    from features.blocking import candidate_pairs
    from features.profiles import build_profiles
    from matching.model.scoring import limited_threads, score_features
    from matching.model.training import train_model

    settings = Settings()
    dataset, truth, label = _data(quick)
    n_placements = len(dataset.placements)

    start = time.perf_counter()
    result = train_model(dataset, settings, truth=truth)
    seconds = time.perf_counter() - start
    rows = [_row("train_time", f"{label}: {n_placements} placements", seconds, "s", "<= 60 s",
                 ok=seconds <= 60,
                 note=f"features {result.timings.get('features', 0):.1f} s; "
                      f"train {result.counts['train']}, test {result.counts['test']}, "
                      f"censored {result.counts['censored']}")]
    model, base = result.metrics["model"], result.metrics["baseline"]
    oracle = result.metrics.get("oracle")
    size = f"{result.counts['test']} test placements"
    if oracle:
        gap = oracle["roc_auc"] - model["roc_auc"]
        rows.append(_row("test_roc_auc", size, model["roc_auc"], "AUC", "oracle - 0.02",
                         "oracle", oracle["roc_auc"], ok=gap <= 0.02,
                         note=f"gap {gap:.3f}"))
    rows.append(_row("test_ece", size, model["ece"], "ECE", "<= 0.03",
                     "oracle" if oracle else None, oracle["ece"] if oracle else None,
                     ok=model["ece"] <= 0.03, note="10 equal-frequency bins"))
    rows.append(_row("model_vs_baseline_auc", size, model["roc_auc"], "AUC", "> baseline",
                     "logistic baseline", base["roc_auc"], ok=model["roc_auc"] > base["roc_auc"]))
    cv = result.cv_metrics
    if cv:
        cm, cb, co = cv["model"], cv["baseline"], cv.get("oracle")
        cv_size = f"{int(cm['n'])} pooled rolling-origin placements"
        rows.append(_row("cv_roc_auc", cv_size, cm["roc_auc"], "AUC", "oracle - 0.02",
                         "oracle" if co else "logistic baseline",
                         co["roc_auc"] if co else cb["roc_auc"],
                         ok=(co["roc_auc"] - cm["roc_auc"] <= 0.02) if co else None,
                         note=f"baseline {cb['roc_auc']:.4f}"))
        rows.append(_row("cv_ece", cv_size, cm["ece"], "ECE", "<= 0.03",
                         "oracle" if co else None, co["ece"] if co else None,
                         ok=cm["ece"] <= 0.03,
                         note=f"95% CI {cm['ece_ci_low']:.3f}-{cm['ece_ci_high']:.3f}; "
                              f"calibrated floor {cm['ece_floor']:.3f}"))

    start = time.perf_counter()
    profiles = build_profiles(dataset, settings)
    open_cands = dataset.candidates["status"].eq("available").to_numpy()
    open_vacs = dataset.vacancies["status"].eq("open").to_numpy()
    pairs = candidate_pairs(profiles, settings, candidates=open_cands, vacancies=open_vacs).pairs
    scores = score_features(result.pipeline, pairs[list(FEATURE_NAMES)])
    full = time.perf_counter() - start
    X = pairs[list(FEATURE_NAMES)]
    start = time.perf_counter()
    with limited_threads(1):
        result.pipeline.predict_proba(X)
    bare = time.perf_counter() - start
    n = max(len(scores), 1)
    rows.append(_row("score_with_features", f"{len(scores)} pairs after blocking", n / full,
                     "pairs/s", "informational", "bare predict_proba", n / bare,
                     note=f"{full:.2f} s with profiles+blocking+features vs {bare:.2f} s bare"))
    return rows


def to_markdown(rows: list[dict[str, Any]]) -> str:
    """Render benchmark rows as a markdown table."""
    columns = list(rows[0]) if rows else []
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("" if r[c] is None else str(r[c]) for c in columns) + " |"
              for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(to_markdown(run(quick="--quick" in sys.argv)))

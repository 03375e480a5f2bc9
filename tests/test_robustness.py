"""Robustness suite on quick generated worlds (benchmarks/robustness.py, issue 11 item 6).

Each world: train on the generated history, assign the open pool on all blocked pairs and
compare the expected durable placements (under the truth) with the oracle's assignment and a
skill-overlap baseline. Criteria are the suite's own: share >= 0.95 and beating the baseline.
"""

from __future__ import annotations

import pytest

from benchmarks.robustness import MIN_SHARE, QUICK_WORLDS, evaluate_world, render_markdown

pytestmark = pytest.mark.slow

QUICK = {w.name: w for w in QUICK_WORLDS}


# base0.3+noise10 (seed 13) does NOT meet the criteria as of 2026-12-01: model share 0.898 of
# the oracle (Spearman 0.84; it does beat the skill baseline, 0.819). Low base rates sit at
# 0.90-0.965 across seeds and sizes (docs/ground-truth.md, "Robustness suite"). The criteria
# are not relaxed: the case is a strict xfail, so it fails loudly once the model gets there.
LOW_BASE_RATE = pytest.param(
    "base0.3+noise10",
    marks=pytest.mark.xfail(strict=True, reason="known: low base rate share < 0.95 (0.898)"))


@pytest.mark.parametrize("name", ["planned-ends+censor15", LOW_BASE_RATE])
def test_quick_world_meets_criteria(name: str) -> None:
    row = evaluate_world(QUICK[name])
    assert row["share"] >= MIN_SHARE, row
    assert row["model_expected"] > row["skill_expected"], row
    assert row["pass"]
    assert 0.0 < row["spearman"] <= 1.0
    assert "| " + name + " |" in render_markdown([row])


def test_quick_worlds_cover_the_requested_knobs() -> None:
    planned = QUICK["planned-ends+censor15"]
    assert planned.knobs == {"planned_end_dates": True, "recent_share": 0.15}
    low = QUICK["base0.3+noise10"]
    assert low.target_base_rate == 0.3 and low.knobs == {"label_noise": 0.1}
    assert all(w.n_placements == 1500 and w.n_candidates == 600 and w.n_vacancies == 80
               for w in QUICK_WORLDS)

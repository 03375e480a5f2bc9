"""`train` on histories made to break a model: refusal, reference date, fresh comparison."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from matching.cli import cli

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _copy(tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    shutil.copytree(SAMPLE, out)
    (out / "manifest.json").unlink(missing_ok=True)  # no ground truth, no declared date
    return out


@pytest.mark.slow
def test_promote_refuses_a_saturated_model_unless_forced(tmp_path):
    data = _copy(tmp_path, "saturated")
    placements = pd.read_csv(data / "placements.csv", dtype=str)
    ended = placements["end_date"].notna()
    keep = ended & (placements.index % 30 == 0)  # ~97% of the outcomes become durable
    placements.loc[ended & ~keep, "end_date"] = None
    placements.to_csv(data / "placements.csv", index=False)
    models = tmp_path / "models"

    refused = run("train", "--data", data, "--models", models, "--promote", "--format", "json")
    assert refused.exit_code == 1, refused.output
    payload = json.loads(refused.output)
    assert payload["promotion_refused"] is True and payload["active"] is None
    assert "saturated" in {w["rule"] for w in payload["sanity"]["warnings"]}
    card = (models / payload["version"] / "model_card.md").read_text(encoding="utf-8")
    assert "verzadigt" in card

    forced = run("train", "--data", data, "--models", models, "--promote", "--force",
                 "--format", "json")
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.output)["active"] == json.loads(forced.output)["version"]


@pytest.mark.slow
def test_train_reports_reference_date_and_compares_on_fresh_outcomes_only(tmp_path):
    data = _copy(tmp_path, "plain")
    models = tmp_path / "models"
    first = run("train", "--data", data, "--models", models, "--format", "json")
    assert first.exit_code == 0, first.output
    history = json.loads(first.output)["history"]
    assert history["reason"] == "latest_start"
    placements = pd.read_csv(data / "placements.csv", dtype=str)
    assert history["as_of"] == str(pd.to_datetime(placements["start_date"]).max().date())
    assert history["censored"] > 0

    # Identical data: nothing is new to the active model, so no metrics on rows it was fitted on.
    again = json.loads(run("train", "--data", data, "--models", models, "--format",
                           "json").output)
    comparison = again["comparison_with_active"]
    assert comparison["n_compared"] == 0 and "metrics" not in comparison

    # The active model judged as of a year earlier: the newest outcomes are fresh to it.
    as_of = (pd.Timestamp(history["as_of"]) - pd.DateOffset(months=12)).date()
    models2 = tmp_path / "models2"
    assert run("train", "--data", data, "--models", models2, "--as-of", as_of).exit_code == 0
    newer = json.loads(run("train", "--data", data, "--models", models2, "--format",
                           "json").output)
    comparison = newer["comparison_with_active"]
    assert comparison["n_compared"] >= 30 and "roc_auc" in comparison["metrics"]
    assert pd.Timestamp(comparison["period"][0]) + pd.DateOffset(months=6) > pd.Timestamp(as_of)

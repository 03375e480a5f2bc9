"""Explanations: occlusion factors, counterfactuals, both languages, batches."""

from __future__ import annotations

import numpy as np
import pytest

from features.spec import FEATURE_NAMES
from matching.core.config import Settings
from matching.model.explain import MIN_CF_GAIN, Explanation, explain_pairs, reference_values
from matching.model.registry import LoadedModel
from matching.model.scoring import score_features
from matching.model.training import train_from_frame
from matching.synthetic.feature_frame import synthetic_feature_frame
from matching.texts.phrases import factor_text, format_value, percent


@pytest.fixture(scope="module")
def model() -> LoadedModel:
    frame, _ = synthetic_feature_frame(1200, seed=9)
    result = train_from_frame(frame, Settings(seed=1), model_params={"max_iter": 60})
    return LoadedModel(pipeline=result.pipeline, metadata=result.metadata(), version="test")


@pytest.fixture(scope="module")
def rows():
    frame, _ = synthetic_feature_frame(300, seed=10)
    return frame[list(FEATURE_NAMES)].reset_index(drop=True)


def test_explanations_present_and_consistent(model, rows) -> None:
    out = explain_pairs(model, rows.head(40))
    assert len(out) == 40 and all(isinstance(e, Explanation) for e in out)
    np.testing.assert_allclose([e.score for e in out], score_features(model, rows.head(40)))
    assert sum(len(e.factors_for) + len(e.factors_against) for e in out) > 40
    for e in out:
        assert len(e.factors_for) <= 3 and len(e.factors_against) <= 3
        assert all(f.delta > 0 for f in e.factors_for)
        assert all(f.delta < 0 for f in e.factors_against)
        d = e.to_dict()
        assert set(d) == {"score", "lang", "factors_for", "factors_against", "counterfactuals"}


def test_dutch_and_english(model, rows) -> None:
    nl = explain_pairs(model, rows.head(30), lang="nl")
    en = explain_pairs(model, rows.head(30), lang="en")
    nl_text = " ".join(f.text for e in nl for f in [*e.factors_for, *e.factors_against])
    en_text = " ".join(f.text for e in en for f in [*e.factors_for, *e.factors_against])
    assert "kans" in nl_text and ("verhoogt" in nl_text or "verlaagt" in nl_text)
    assert "procentpunt" in nl_text
    assert "chance" in en_text and ("raises" in en_text or "lowers" in en_text)
    assert "kans" not in en_text
    with pytest.raises(ValueError, match="lang"):
        explain_pairs(model, rows.head(2), lang="fr")


def test_counterfactuals(model, rows) -> None:
    pair = rows.head(1).copy()
    pair["missing_required_certificates"] = 1.0
    pair["support_coverage"] = 0.5
    pair["dutch_gap"] = -1.0
    pair["start_delay_days"] = 30.0
    (e,) = explain_pairs(model, pair, lang="nl")
    features = {c.feature for c in e.counterfactuals}
    # Only what-ifs that raise the chance by at least MIN_CF_GAIN are shown.
    assert features <= {"missing_required_certificates", "support_coverage", "dutch_gap",
                        "start_delay_days", "required_skill_coverage"}
    assert "missing_required_certificates" in features
    assert all(c.new_score - e.score >= MIN_CF_GAIN for c in e.counterfactuals)
    cert = next(c for c in e.counterfactuals if c.feature == "missing_required_certificates")
    assert cert.text.startswith("Met het ontbrekende certificaat: ")
    assert "→" in cert.text
    assert cert.new_score >= e.score - 1e-12  # monotone: obtaining it never lowers the chance
    (en,) = explain_pairs(model, pair, lang="en")
    assert any("missing certificate" in c.text for c in en.counterfactuals)
    assert all("→" in c.text for c in en.counterfactuals)

    none_needed = rows.head(1).copy()
    none_needed[["missing_required_certificates", "start_delay_days"]] = 0.0
    none_needed["support_coverage"] = 1.0
    none_needed["dutch_gap"] = 2.0
    none_needed["required_skill_coverage"] = 1.0
    (e2,) = explain_pairs(model, none_needed)
    assert e2.counterfactuals == []


def test_reference_from_metadata_and_missing_values(model, rows) -> None:
    ref = model.metadata["reference"]
    assert set(ref) == set(FEATURE_NAMES)
    assert ref["within_reach"] in (0.0, 1.0)
    pair = rows.head(1).copy()
    pair["dutch_gap"] = np.nan
    (e,) = explain_pairs(model, pair, reference=reference_values(rows))
    assert e.score == pytest.approx(score_features(model, pair)[0])
    with pytest.raises(ValueError, match="reference"):
        explain_pairs(model.pipeline, pair)


def test_batch_equals_one_pair_at_a_time(model, rows) -> None:
    """Explaining a batch gives each pair the explanation it gets alone (the batch's time
    budget is a benchmark row, ``benchmarks/bench_budgets.py``)."""
    batch = explain_pairs(model, rows.head(25))
    alone = [explain_pairs(model, rows.iloc[[i]])[0] for i in range(25)]
    assert [e.to_dict() for e in batch] == [e.to_dict() for e in alone]
    assert len(explain_pairs(model, rows)) == len(rows)


def test_texts() -> None:
    assert factor_text("travel_km", 34.0, -0.08) == \
        "Reisafstand 34 km verlaagt de kans (−8 procentpunt)"
    assert factor_text("required_skill_coverage", 1.0, 0.12, "en") == \
        "Required skills 100% raises the chance (+12 percentage points)"
    assert factor_text("travel_km", 34.0, -0.01, "en") == \
        "Travel distance 34 km lowers the chance (−1 percentage point)"
    assert factor_text("contract_months", 24.0, -0.006) == \
        "Contractduur 24 maanden verlaagt de kans (−0,6 procentpunt)"
    assert format_value("reach_ratio", 1.25, "nl") == "1,3× het bereik"  # half up, as everywhere
    assert format_value("has_startkwalificatie", float("nan")) == "onbekend"
    with pytest.raises(ValueError, match="not a model feature"):
        format_value("sroi_value_eur", 12500.0)  # context, never a reason


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_reason_names_a_context_column(model, rows, lang) -> None:
    """Only model features are reasons: never the SROI value or target-group eligibility."""
    out = explain_pairs(model, rows, lang=lang)
    shown = [(f.feature, f.text) for e in out for f in [*e.factors_for, *e.factors_against]]
    shown += [(c.feature, c.text) for e in out for c in e.counterfactuals]
    assert shown
    for feature, sentence in shown:
        assert feature in FEATURE_NAMES
        for word in ("SROI", "€", "doelgroep", "target group", "eligib"):
            assert word not in sentence, sentence


def test_skill_what_if_says_how_much_skills_weigh(model, rows) -> None:
    pair = rows.head(40).copy()
    pair["required_skill_coverage"] = 0.0
    out = explain_pairs(model, pair, lang="en")
    skills = [(e, c) for e in out for c in e.counterfactuals if c.feature == "required_skill_coverage"]
    assert skills, "with no required skill covered, some pair gains from all of them"
    for e, c in skills:
        assert c.text == f"With all required skills: {percent(e.score, 'en')} → {percent(c.new_score, 'en')}"
        assert c.new_score - e.score >= MIN_CF_GAIN
    full = rows.head(5).copy()
    full["required_skill_coverage"] = 1.0
    assert all(c.feature != "required_skill_coverage"
               for e in explain_pairs(model, full) for c in e.counterfactuals)

"""Ranked, explained shortlists (matching.workflows.shortlist): order, constraints, near misses, JSON.

The expected rankings are recomputed here from the blocking result and the model's scores
(``score_features``), sorted independently of :class:`Matcher`'s own ordering code.
"""

from __future__ import annotations

import dataclasses
import json
import re
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from conftest import replace_rows

from features.blocking import CONSTRAINTS, candidate_pairs
from features.spec import FEATURE_NAMES
from matching.cli.render import write_shortlist
from matching.core.errors import DataError, UnknownIdError
from matching.data import reference
from matching.data.schema import MOBILITY, SUPPORT_NEEDS
from matching.model.registry import LoadedModel
from matching.model.scoring import score_features
from matching.texts.i18n import label, text
from matching.texts.phrases import percent
from matching.workflows.shortlist import SKILL_IMPORTANCE_RATIO, Matcher, model_notes
from matching.workflows.shortlist_result import ShortlistRow

NOT_NEAR_MISS = {"candidate_available", "vacancy_open"}


@pytest.fixture(scope="module")
def matcher(dataset, model, settings) -> Matcher:
    return Matcher(dataset, model, settings)


def _vacancy_pool(matcher: Matcher, vacancy_id: str):
    """Blocking result and scored kept pairs for one vacancy, over the available candidates."""
    result = candidate_pairs(matcher.profiles, matcher.settings, vacancies=[vacancy_id],
                             candidates=matcher.profiles.candidates.available,
                             with_features=True, near_misses=True)
    pairs = result.pairs
    scores = score_features(matcher.model, pairs[list(FEATURE_NAMES)]) if len(pairs) else np.zeros(0)
    # rank_by="value": probability x the sroi_value_eur context column (no age bonus)
    pool = pd.DataFrame({"candidate_id": pairs["candidate_id"].to_numpy(),
                         "vacancy_id": pairs["vacancy_id"].to_numpy(),
                         "score": scores,
                         "value": scores * pairs["sroi_value_eur"].to_numpy(dtype=float)})
    return result, pool


def _candidate_pool(matcher: Matcher, candidate_id: str) -> pd.DataFrame:
    result = candidate_pairs(matcher.profiles, matcher.settings, candidates=[candidate_id],
                             vacancies=matcher.profiles.vacancies.open, with_features=True)
    pairs = result.pairs
    return pd.DataFrame({"vacancy_id": pairs["vacancy_id"].to_numpy(),
                         "score": score_features(matcher.model, pairs[list(FEATURE_NAMES)])})


def _top(pool: pd.DataFrame, key: str, id_col: str, k: int) -> list[str]:
    """Top-k ids by ``key`` descending, ties by id ascending (Python's sort, not pandas')."""
    records = sorted(zip(pool[key].tolist(), pool[id_col].tolist(), strict=True),
                     key=lambda kv: (-kv[0], kv[1]))
    return [ident for _, ident in records[:k]]


@pytest.fixture(scope="module")
def busy_vacancies(matcher, open_vacancy_ids) -> list[str]:
    """Open vacancies with more eligible candidates than a shortlist of 10 shows."""
    busy: list[str] = []
    for vacancy_id in open_vacancy_ids:
        if len(_vacancy_pool(matcher, vacancy_id)[1]) > 12:
            busy.append(vacancy_id)
            if len(busy) == 6:
                return busy
    pytest.fail("the session sample should have six busy vacancies")


# --------------------------------------------------------------------------- ranking
def test_shortlist_is_top_k_by_model_score_with_ties_by_id(matcher, busy_vacancies) -> None:
    saw_tie = False
    for vacancy_id in busy_vacancies:
        _, pool = _vacancy_pool(matcher, vacancy_id)
        result = matcher.for_vacancy(vacancy_id, top=10)
        got = [row.candidate_id for row in result.rows]
        assert got == _top(pool, "score", "candidate_id", 10), vacancy_id
        exact = pool.set_index("candidate_id")["score"]
        for row in result.rows:
            assert row.score == pytest.approx(exact[row.candidate_id], abs=5e-5)
        top_scores = exact.loc[got].to_numpy()
        saw_tie |= bool((np.diff(top_scores) == 0).any())
    # Isotonic calibration makes equal scores common: the tie rule must have been exercised.
    assert saw_tie


def test_shortlist_ranks_are_consecutive_and_top_is_respected(matcher, busy_vacancies) -> None:
    vacancy_id = busy_vacancies[0]
    _, pool = _vacancy_pool(matcher, vacancy_id)
    for top in (1, 3, len(pool) + 5):
        rows = matcher.for_vacancy(vacancy_id, top=top).rows
        assert len(rows) == min(top, len(pool))
        assert [r.rank for r in rows] == list(range(1, len(rows) + 1))


def test_rank_by_value_orders_by_probability_times_sroi_value(matcher, busy_vacancies) -> None:
    differs = False
    for vacancy_id in busy_vacancies:
        _, pool = _vacancy_pool(matcher, vacancy_id)
        by_value = matcher.for_vacancy(vacancy_id, top=10, rank_by="value")
        got = [row.candidate_id for row in by_value.rows]
        assert got == _top(pool, "value", "candidate_id", 10), vacancy_id
        assert by_value.to_dict()["rank_by"] == "value"
        by_probability = [r.candidate_id for r in matcher.for_vacancy(vacancy_id, top=10).rows]
        differs |= got != by_probability
    assert differs, "ranking by value should change at least one shortlist"


def test_rank_by_value_lists_rows_in_order_of_their_expected_value(matcher, busy_vacancies) -> None:
    """A list ranked "by expected SROI value" shows that value in descending order."""
    for vacancy_id in busy_vacancies:
        rows = matcher.for_vacancy(vacancy_id, top=10, rank_by="value").rows
        shown = [row.expected_value_eur for row in rows]
        assert all(a >= b - 1.0 for a, b in pairwise(shown)), (vacancy_id, shown)


def test_age_never_drives_the_value_ranking(dataset, model, settings, matcher, busy_vacancies) -> None:
    """Everyone 76 years old (the SROI age bonus applies): same value ranking, same scores."""
    available = dataset.candidates.loc[dataset.candidates["status"] == "available", "candidate_id"]
    older = Matcher(replace_rows(dataset, "candidates", "candidate_id",
                                 {cid: {"birth_year": 1950.0} for cid in available}),
                    model, settings)
    for vacancy_id in busy_vacancies[:3]:
        before = matcher.for_vacancy(vacancy_id, top=10, rank_by="value").rows
        after = older.for_vacancy(vacancy_id, top=10, rank_by="value").rows
        assert [(r.candidate_id, r.score) for r in after] == \
            [(r.candidate_id, r.score) for r in before]
        # … although the displayed (official) value does include the age bonus
        assert sum(a.sroi_value_eur for a in after) > sum(b.sroi_value_eur for b in before)


def test_candidate_mode_is_top_k_vacancies_with_ties_by_id(matcher, available_candidate_ids) -> None:
    checked = 0
    for candidate_id in available_candidate_ids:
        pool = _candidate_pool(matcher, candidate_id)
        if len(pool) < 6:
            continue
        result = matcher.for_candidate(candidate_id, top=5)
        assert [r.vacancy_id for r in result.rows] == _top(pool, "score", "vacancy_id", 5)
        assert result.considered == len(matcher.dataset.open_vacancies)
        checked += 1
        if checked == 3:
            break
    assert checked == 3


# --------------------------------------------------------------------------- constraints
def _far_postcode() -> tuple[str, str]:
    """The southernmost Dutch PC4 (South Limburg): far beyond any reach from the north."""
    pc = reference.postcodes().sort_values(["lat", "pc4"]).iloc[0]
    return str(pc["pc4"]), str(pc["gm_code"])


@pytest.fixture(scope="module")
def certificate_case(matcher, open_vacancy_ids):
    """An open vacancy that requires a certificate, with at least four eligible candidates."""
    for vacancy_id in open_vacancy_ids:
        result, pool = _vacancy_pool(matcher, vacancy_id)
        if result.removed["certificates_held"] > 0 and len(pool) >= 4:
            ranked = _top(pool, "score", "candidate_id", len(pool))
            return vacancy_id, result, ranked
    pytest.fail("no open vacancy with a required certificate and four eligible candidates")


@pytest.fixture(scope="module")
def broken(certificate_case, dataset, model, settings):
    """Four eligible candidates of the vacancy, each broken in one or two ways."""
    vacancy_id, base, ranked = certificate_case
    no_cert, far, both, placed = ranked[:4]
    pc4, gm = _far_postcode()
    changed = replace_rows(dataset, "candidates", "candidate_id", {
        no_cert: {"certificates": ()},
        far: {"postcode": pc4, "municipality_code": gm},
        both: {"certificates": (), "postcode": pc4, "municipality_code": gm},
        placed: {"status": "placed"},
    })
    # Any distance beyond reach counts as a near miss here (the default limit is tested below).
    shortlisted = Matcher(changed, model, settings.replace(near_miss_reach_ratio=float("inf")))
    result = shortlisted.for_vacancy(vacancy_id, top=500, n_near_misses=10_000)  # show all
    names = {"no_cert": no_cert, "far": far, "both": both, "placed": placed}
    return base, shortlisted, result, names


def test_far_beyond_reach_is_no_near_miss(certificate_case, broken, settings) -> None:
    """South Limburg is hundreds of km from the north: not 'near', whatever else fits."""
    vacancy_id = certificate_case[0]
    _, shortlisted, _, names = broken
    strict = Matcher(shortlisted.dataset, shortlisted.model, settings)
    result = strict.for_vacancy(vacancy_id, top=500, n_near_misses=10_000)
    near = {row.candidate_id: row for row in result.near_misses}
    assert names["far"] not in near
    assert names["no_cert"] in near
    assert all(row.travel_km <= settings.near_miss_reach_ratio * max(row.max_travel_km, 1.0)
               for row in result.near_misses if row.constraint == "within_reach")


def test_broken_candidates_leave_the_shortlist(certificate_case, broken) -> None:
    _, _, result, names = broken
    listed = {row.candidate_id for row in result.rows}
    assert listed.isdisjoint(names.values())
    # … and the rest of the former pool is still there (top=500 shows everyone).
    assert listed == set(certificate_case[2]) - set(names.values())


def test_one_failing_constraint_makes_a_near_miss_of_that_constraint(broken) -> None:
    _, _, result, names = broken
    near = {row.candidate_id: row for row in result.near_misses}
    assert near[names["no_cert"]].constraint == "certificates_held"
    assert near[names["no_cert"]].certificates_missing
    assert near[names["far"]].constraint == "within_reach"
    assert near[names["far"]].travel_km > near[names["far"]].max_travel_km
    assert near[names["far"]].constraint_text == text("constraint_within_reach", result.lang)


def test_two_failing_constraints_or_unavailable_is_no_near_miss(broken) -> None:
    _, _, result, names = broken
    near = {row.candidate_id for row in result.near_misses}
    assert names["both"] not in near
    assert names["placed"] not in near
    assert all(row.constraint not in NOT_NEAR_MISS for row in result.near_misses)


def _fails(row: ShortlistRow, settings) -> set[str]:
    """Constraints a near-miss row visibly fails, judged from its displayed details."""
    failed = set()
    if row.certificates_missing:
        failed.add("certificates_held")
    if row.travel_km is None or row.travel_km > row.max_travel_km:
        failed.add("within_reach")
    if not row.target_group_eligible:
        failed.add("target_group_eligible")
    ratio = row.hours_candidate / row.hours_vacancy
    if not settings.hours_ratio_min <= ratio <= settings.hours_ratio_max:
        failed.add("hours_compatible")
    return failed


def test_every_near_miss_fails_exactly_its_one_constraint(broken, settings) -> None:
    _, _, result, _ = broken
    assert len(result.near_misses) > 20
    for row in result.near_misses:
        visible = _fails(row, settings)
        if row.constraint == "available_in_time":  # not visible in the details
            assert visible == set(), row.candidate_id
        else:
            assert visible == {row.constraint}, row.candidate_id


def test_excluded_counts_follow_the_first_failing_constraint(broken) -> None:
    base, _, result, _ = broken
    before = {name: int(base.removed[name]) for name in CONSTRAINTS}
    # the placed candidate is no longer considered at all (only available people are)
    assert result.considered == base.raw_pairs - 1
    assert result.excluded["certificates_held"] == before["certificates_held"] + 2  # no_cert, both
    assert result.excluded["within_reach"] == before["within_reach"] + 1  # far
    for name in ("target_group_eligible", "available_in_time", "hours_compatible"):
        assert result.excluded[name] == before[name]


def test_considered_equals_pool_plus_excluded(broken, matcher, busy_vacancies) -> None:
    _, shortlisted, result, _ = broken
    _, pool = _vacancy_pool(shortlisted, result.subject_id)
    assert result.considered == len(pool) + sum(result.excluded.values())
    assert len(result.rows) == len(pool)  # top=500 shows the whole pool
    for vacancy_id in busy_vacancies:
        res = matcher.for_vacancy(vacancy_id)
        _, pool = _vacancy_pool(matcher, vacancy_id)
        assert res.considered == len(matcher.dataset.available_candidates)
        assert res.considered == len(pool) + sum(res.excluded.values())


def test_near_misses_are_the_best_excluded_by_score(matcher, certificate_case) -> None:
    vacancy_id, base, _ = certificate_case
    result = matcher.for_vacancy(vacancy_id, n_near_misses=5)
    near = base.near_misses[~base.near_misses["constraint"].isin(NOT_NEAR_MISS)]
    scores = score_features(matcher.model, near[list(FEATURE_NAMES)])
    expected = _top(pd.DataFrame({"candidate_id": near["candidate_id"].to_numpy(), "score": scores}),
                    "score", "candidate_id", 5)
    assert [row.candidate_id for row in result.near_misses] == expected
    assert [row.rank for row in result.near_misses] == list(range(1, len(expected) + 1))
    assert matcher.for_vacancy(vacancy_id, n_near_misses=0).near_misses == []


def test_municipality_code_is_never_a_filter(dataset, model, settings, matcher, busy_vacancies,
                                             available_candidate_ids) -> None:
    """Moving everyone's municipality_code (postcode unchanged) changes no shortlist."""
    cand = dataset.candidates
    assert cand["postcode"].notna().all()
    changes = {cid: {"municipality_code": "GM0363"}  # Amsterdam, far outside the region
               for cid in cand.loc[cand["status"] == "available", "candidate_id"]}
    moved = Matcher(replace_rows(dataset, "candidates", "candidate_id", changes), model, settings)
    for vacancy_id in busy_vacancies[:3]:
        assert moved.for_vacancy(vacancy_id, n_near_misses=10).to_dict() == \
            matcher.for_vacancy(vacancy_id, n_near_misses=10).to_dict()
    candidate_id = available_candidate_ids[0]
    assert moved.for_candidate(candidate_id).to_dict() == matcher.for_candidate(candidate_id).to_dict()


# --------------------------------------------------------------------------- JSON shape
def test_vacancy_json_shape(matcher, certificate_case) -> None:
    vacancy_id = certificate_case[0]
    payload = matcher.for_vacancy(vacancy_id, top=5).to_dict()
    body = json.dumps(payload, allow_nan=False)  # no NaN / inf anywhere
    assert json.loads(body) == payload
    assert payload["vacancy_id"] == vacancy_id
    assert payload["model_version"] == matcher.model.version
    assert isinstance(payload["considered"], int) and payload["considered"] > 0
    assert list(payload["excluded"]) == list(CONSTRAINTS)
    assert all(isinstance(v, int) and v >= 0 for v in payload["excluded"].values())
    assert payload["shortlist"], "the chosen vacancy has eligible candidates"
    for row in payload["shortlist"]:
        assert {"rank", "candidate_id", "score", "distance_km", "reasons"} <= set(row)
        assert 0.0 <= row["score"] <= 1.0
        assert row["distance_km"] >= 0
    assert payload["near_misses"]
    for row in payload["near_misses"]:
        assert {"rank", "candidate_id", "score", "constraint", "constraint_text", "reasons"} <= set(row)


def test_candidate_json_shape(matcher, available_candidate_ids) -> None:
    candidate_id = available_candidate_ids[0]
    payload = matcher.for_candidate(candidate_id, top=5).to_dict()
    json.dumps(payload, allow_nan=False)
    assert payload["candidate_id"] == candidate_id
    assert "vacancy_id" not in payload
    assert list(payload["excluded"]) == list(CONSTRAINTS)
    for row in payload["shortlist"] + payload["near_misses"]:
        assert {"rank", "vacancy_id", "score", "distance_km", "reasons"} <= set(row)
        assert row["vacancy_id"] in set(matcher.dataset.open_vacancies["vacancy_id"])


def test_json_rows_are_the_typed_rows_in_field_order(matcher, certificate_case,
                                                     available_candidate_ids) -> None:
    """Every JSON row is ShortlistRow.to_dict: the fields in order, from the shortlist's side."""
    order = [f.name for f in dataclasses.fields(ShortlistRow)]
    near_only = {"start_delay_days", "constraint", "constraint_text", "constraint_detail"}
    by_candidate = next(result for cid in available_candidate_ids[:50]
                        if (result := matcher.for_candidate(cid, top=5)).rows)
    for result in (matcher.for_vacancy(certificate_case[0], top=5), by_candidate):
        other = {"candidate_id"} if result.mode == "candidate" else \
            {"vacancy_id", "title", "project_id", "employer_id"}
        payload = json.loads(result.to_json())
        assert payload == result.to_dict() and payload["shortlist"]
        assert payload["subject"] == dataclasses.asdict(result.subject)
        for rows, typed, near in ((payload["shortlist"], result.rows, False),
                                  (payload["near_misses"], result.near_misses, True)):
            assert len(rows) == len(typed)
            for row, record in zip(rows, typed, strict=True):
                skip = other if near else other | near_only
                assert list(row) == [name for name in order if name not in skip]
                assert row == record.to_dict(result.mode)
                assert record.is_near_miss is near


# --------------------------------------------------------------------------- explanations
@pytest.mark.parametrize(("lang", "words", "foreign"), [
    ("nl", ("verhoogt de kans", "verlaagt de kans"), "the chance"),
    ("en", ("raises the chance", "lowers the chance"), "de kans"),
])
def test_reasons_in_both_languages(matcher, busy_vacancies, lang, words, foreign) -> None:
    vacancy_id = busy_vacancies[0]
    result = matcher.for_vacancy(vacancy_id, top=10, lang=lang)
    n_factors = 0
    for row in result.rows + result.near_misses:
        reasons = row.reasons
        assert set(reasons) >= {"factors_for", "factors_against", "counterfactuals"}
        assert reasons["lang"] == lang
        assert reasons["score"] == pytest.approx(row.score, abs=5e-5)
        for factor in reasons["factors_for"] + reasons["factors_against"]:
            assert any(w in factor["text"] for w in words), factor["text"]
            assert foreign not in factor["text"]
            n_factors += 1
        for factor in reasons["factors_for"]:
            assert factor["delta"] > 0
        for factor in reasons["factors_against"]:
            assert factor["delta"] < 0
    assert n_factors >= len(result.rows), "most rows should carry at least one reason"
    for row in result.near_misses:
        assert row.constraint_text == text(f"constraint_{row.constraint}", lang)
    # the language changes the words, never the ranking
    other = matcher.for_vacancy(vacancy_id, top=10, lang="en" if lang == "nl" else "nl")
    assert [r.candidate_id for r in other.rows] == [r.candidate_id for r in result.rows]


# --------------------------------------------------------------------------- errors
def test_unknown_vacancy_id_suggests_close_ids(matcher, open_vacancy_ids) -> None:
    real = open_vacancy_ids[0]  # e.g. V000001
    typo = real[0] + real[2:]  # one zero dropped: V00001
    with pytest.raises(UnknownIdError) as info:
        matcher.for_vacancy(typo)
    err = info.value
    assert err.kind == "vacancy" and err.value == typo
    assert real in err.suggestions
    known = set(matcher.dataset.vacancies["vacancy_id"])
    assert set(err.suggestions) <= known
    assert "did you mean" in str(err)


def test_unknown_candidate_id_suggests_close_ids(matcher, available_candidate_ids) -> None:
    real = available_candidate_ids[0]
    with pytest.raises(UnknownIdError) as info:
        matcher.for_candidate(real + "9")
    assert real in info.value.suggestions


@pytest.mark.parametrize("status", ["filled", "closed"])
def test_closed_or_filled_vacancy_is_refused_with_its_status(matcher, dataset, status) -> None:
    vacancy_id = sorted(dataset.vacancies.loc[dataset.vacancies["status"] == status, "vacancy_id"])[0]
    with pytest.raises(DataError) as info:
        matcher.for_vacancy(vacancy_id, lang="en")
    assert not isinstance(info.value, UnknownIdError)
    assert vacancy_id in str(info.value)
    assert f"is {status}" in str(info.value)
    with pytest.raises(DataError, match=text(f"status_{status}", "nl")):
        matcher.for_vacancy(vacancy_id, lang="nl")


def test_unavailable_candidate_is_refused(matcher, dataset) -> None:
    candidate_id = sorted(dataset.candidates.loc[dataset.candidates["status"] == "placed",
                                                 "candidate_id"])[0]
    with pytest.raises(DataError, match="placed"):
        matcher.for_candidate(candidate_id, lang="en")


# --------------------------------------------------------------------------- determinism
def test_same_request_gives_the_same_shortlist(matcher, busy_vacancies,
                                               available_candidate_ids) -> None:
    # (a second Matcher on equal data gives equal results: see the municipality test)
    vacancy_id = busy_vacancies[1]
    first = matcher.for_vacancy(vacancy_id, rank_by="value").to_dict()
    assert matcher.for_vacancy(vacancy_id, rank_by="value").to_dict() == first
    candidate_id = available_candidate_ids[1]
    assert matcher.for_candidate(candidate_id).to_dict() == matcher.for_candidate(candidate_id).to_dict()


def test_near_miss_detail_names_what_fails() -> None:
    from matching.cli.render import near_miss_detail

    assert near_miss_detail({"constraint": "within_reach", "travel_km": 37.4,
                             "max_travel_km": 30.0}, "nl") == "7 km buiten bereik"
    assert near_miss_detail({"constraint": "within_reach", "travel_km": 30.4,
                             "max_travel_km": 30.0}, "en") == "0.4 km beyond reach"
    assert near_miss_detail({"constraint": "within_reach", "travel_km": 37.4,
                             "max_travel_km": 30.0, "mobility": "bike"}, "nl") == \
        "7 km buiten bereik (fiets, max. 30 km)"
    assert near_miss_detail({"constraint": "certificates_held",
                             "certificates_missing": ["VCA basis"]}, "en") == "VCA basis"
    assert near_miss_detail({"constraint": "available_in_time", "start_delay_days": 49.0},
                            "en") == "available 49 days after the start"
    assert near_miss_detail({"constraint": "hours_compatible", "hours_candidate": 36.0,
                             "hours_vacancy": 20.0}, "en") == "candidate 36 h, vacancy 20 h"


# --------------------------------------------------------------------------- what people read
_PCT = re.compile(r"(\d+)% → (\d+)%")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_display_and_what_ifs_show_one_rounding(matcher, busy_vacancies, lang) -> None:
    """The table's percentage (display) is the "before" of every what-if of the same row."""
    n_what_ifs = 0
    for vacancy_id in busy_vacancies[:4]:
        result = matcher.for_vacancy(vacancy_id, top=10, lang=lang)
        for row in result.rows + result.near_misses:
            shown = row.display["probability"]
            assert shown == percent(row.score, lang) == percent(row.reasons["score"], lang)
            assert row.probability_pct == pytest.approx(100 * row.score, abs=1e-9)
            for cf in row.reasons["counterfactuals"]:
                old, new = _PCT.search(cf["text"]).groups()
                assert f"{old}%" == shown, (cf["text"], shown)
                assert f"{new}%" == percent(cf["new_score"], lang)
                n_what_ifs += 1
    assert n_what_ifs > 5


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_codes_are_labelled_in_the_language(matcher, busy_vacancies, lang) -> None:
    # codes that can only be raw codes (plain words such as "transport" are also English)
    codes = {c for c in (*SUPPORT_NEEDS, *MOBILITY, *reference.target_groups()["code"]) if "_" in c}
    seen_support = 0
    for vacancy_id in busy_vacancies:
        result = matcher.for_vacancy(vacancy_id, top=10, lang=lang)
        for row in result.rows + result.near_misses:
            support = row.support_needs + row.support_offered + row.support_missing
            raw = {c for c in SUPPORT_NEEDS if label("support", c, lang) != c}  # not "jobcoach"
            assert not set(support) & raw, support
            assert set(support) <= {label("support", c, lang) for c in SUPPORT_NEEDS}
            seen_support += len(support)
            assert row.target_group_label == label("target_group", row.target_group, lang)
            read = [*row.display.values(), *(f["text"] for f in
                    row.reasons["factors_for"] + row.reasons["factors_against"]
                    + row.reasons["counterfactuals"])]
            for value in read:
                words = set(re.findall(r"[a-z_]+", value))
                assert not words & codes, value
    assert seen_support > 0


def test_labels_follow_the_request_language_not_the_settings(dataset, model, settings,
                                                            busy_vacancies) -> None:
    """Skill names are English in an English shortlist even when the settings say Dutch."""
    dutch = Matcher(dataset, model, settings.replace(lang="nl"))
    vacancy_id = next(v for v in busy_vacancies
                      if any(r.required_skills_missing for r in dutch.for_vacancy(v).rows))
    nl = {r.candidate_id: r for r in dutch.for_vacancy(vacancy_id, lang="nl").rows}
    en = {r.candidate_id: r for r in dutch.for_vacancy(vacancy_id, lang="en").rows}
    skills = reference.skills()
    to_en = dict(zip(skills["label_nl"], skills["label_en"], strict=True))
    for cid, row in nl.items():
        assert en[cid].required_skills_missing == \
            [to_en.get(s, s) for s in row.required_skills_missing]
    assert any(en[c].required_skills_missing != nl[c].required_skills_missing for c in nl)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_reason_names_the_sroi_value_or_target_group(matcher, busy_vacancies, lang) -> None:
    n = 0
    for vacancy_id in busy_vacancies:
        for rank_by in ("probability", "value"):
            result = matcher.for_vacancy(vacancy_id, top=10, rank_by=rank_by, lang=lang)
            for row in result.rows + result.near_misses:
                reasons = row.reasons
                for item in reasons["factors_for"] + reasons["factors_against"] + \
                        reasons["counterfactuals"]:
                    assert item["feature"] in FEATURE_NAMES
                    for word in ("SROI", "€", "doelgroep", "target group", "eligib"):
                        assert word not in item["text"], item["text"]
                    n += 1
                # … while the value is shown as context
                assert row.display["sroi_value"].startswith("€")
    assert n > 0


# --------------------------------------------------------------------------- model notes
def _with_importance(model, importance) -> LoadedModel:
    metadata = {k: v for k, v in model.metadata.items() if k != "importance"}
    if importance is not None:
        metadata["importance"] = importance
    return dataclasses.replace(model, metadata=metadata)


WEAK_SKILLS = {"occupation_match_level": 0.08, "reach_ratio": 0.05, "support_coverage": 0.03,
               "required_skill_coverage": 0.004, "preferred_skill_coverage": -0.001}


@pytest.mark.slow
def test_skills_note_follows_the_model_importance(dataset, model, settings, busy_vacancies,
                                                  capsys) -> None:
    vacancy_id = busy_vacancies[0]
    weak = Matcher(dataset, _with_importance(model, WEAK_SKILLS), settings)
    nl = weak.for_vacancy(vacancy_id, lang="nl")
    en = weak.for_vacancy(vacancy_id, lang="en")
    assert [n.code for n in nl.notes] == ["skills_barely_predict"]
    assert nl.notes[0].text.startswith(
        "In de plaatsingshistorie voorspellen vaardigheden de duurzaamheid nauwelijks; "
        "de kans hangt vooral af van aansluiting beroep en reisafstand t.o.v. bereik.")
    assert en.notes[0].text.startswith(
        "In the placement history, skills barely predict durability; the chance depends "
        "mostly on occupation match and distance relative to reach.")
    assert nl.notes[0].ratio == pytest.approx(0.004 / 0.08, abs=1e-4)
    assert nl.to_dict()["notes"] == [note.to_dict() for note in nl.notes]
    assert weak.for_candidate(sorted(dataset.available_candidates["candidate_id"])[0]).notes
    write_shortlist(en, "table", None)
    assert "skills barely predict durability" in capsys.readouterr().out

    strong = dict(WEAK_SKILLS, required_skill_coverage=0.04)  # half the top feature
    for importance in (strong, None, {}, "broken", {"required_skill_coverage": float("nan")},
                       {name: 0.0 for name in FEATURE_NAMES}):
        other = Matcher(dataset, _with_importance(model, importance), settings)
        result = other.for_vacancy(vacancy_id, lang="en")
        assert result.notes == [] and result.to_dict()["notes"] == []
        write_shortlist(result, "table", None)
        assert "skills barely predict" not in capsys.readouterr().out


def test_skills_note_threshold_is_relative_to_the_top_feature(model) -> None:
    just_below = dict(WEAK_SKILLS, required_skill_coverage=0.08 * SKILL_IMPORTANCE_RATIO - 0.0005)
    just_above = dict(WEAK_SKILLS, required_skill_coverage=0.08 * SKILL_IMPORTANCE_RATIO + 0.0005)
    assert model_notes(_with_importance(model, just_below))
    assert not model_notes(_with_importance(model, just_above))
    both = dict(WEAK_SKILLS, required_skill_coverage=0.005, preferred_skill_coverage=0.005)
    assert not model_notes(_with_importance(model, both))  # together they reach the threshold


# --------------------------------------------------------------------------- exposure cap
def test_capped_candidates_are_left_out_and_named(matcher, busy_vacancies) -> None:
    vacancy_id = busy_vacancies[0]
    _, pool = _vacancy_pool(matcher, vacancy_id)
    ranked = _top(pool, "score", "candidate_id", len(pool))
    capped = [ranked[0], ranked[2], ranked[-1]]  # two would be proposed, one would not
    result = matcher.for_vacancy(vacancy_id, top=5, capped=capped)
    got = [row.candidate_id for row in result.rows]
    assert got == [c for c in ranked if c not in capped][:5]
    assert result.capped == [ranked[0], ranked[2]]
    assert not {row.candidate_id for row in result.near_misses} & set(capped)
    assert result.to_dict()["capped"] == [ranked[0], ranked[2]]
    assert "capped" not in matcher.for_vacancy(vacancy_id, top=5).to_dict()

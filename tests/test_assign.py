"""Batch regional assignment (matching.workflows.assign + matching.reports.assign_outputs).

Every run is checked against the hard rules (nobody twice, capacities, locks, forbidden pairs,
threshold, availability) and the optimum against an independent solver: SciPy's
``linear_sum_assignment`` on the same pairs, capacities expanded into slots.
"""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pandas as pd
import pytest
from conftest import replace_rows
from scipy.optimize import linear_sum_assignment

from features.blocking import candidate_pairs
from features.profiles import build_profiles
from features.spec import FEATURE_NAMES
from matching.core.errors import DataError, ValidationError
from matching.model.scoring import score_features
from matching.reports.assign_outputs import OUTPUT_FILES, write_outputs
from matching.texts.i18n import text
from matching.workflows.assign import AssignOptions, check_locks, read_pair_file, run_assignment
from matching.workflows.assign_summary import AssignSummary

COMPARED_FILES = ("assignments.csv", "summary.json", "unfilled_vacancies.csv",
                  "unassigned_candidates.csv", "project_coverage.csv", "municipality_flows.csv")
KEYS = ["candidate_id", "vacancy_id"]
LOCKED_MIN_SCORE = 0.5
"""Threshold of the run with locks: the sample's eligible pairs all score above the default."""


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def impossible_vacancy(dataset) -> str:
    """An open vacancy of one hour a week: no candidate's hours fit (ratio 0.5-1.6)."""
    return sorted(dataset.open_vacancies["vacancy_id"])[-1]


@pytest.fixture(scope="module")
def assign_data(dataset, impossible_vacancy):
    return replace_rows(dataset, "vacancies", "vacancy_id", {impossible_vacancy: {"hours_per_week": 1.0}})


@pytest.fixture(scope="module")
def scored(assign_data, model, settings) -> pd.DataFrame:
    """Every pair passing the hard constraints with its model score, computed independently."""
    profiles = build_profiles(assign_data, settings)
    pairs = candidate_pairs(profiles, settings, candidates=profiles.candidates.available,
                            vacancies=profiles.vacancies.open, with_features=True).pairs
    return pd.DataFrame({"candidate_id": pairs["candidate_id"].to_numpy(),
                         "vacancy_id": pairs["vacancy_id"].to_numpy(),
                         "score": score_features(model, pairs[list(FEATURE_NAMES)])})


@pytest.fixture(scope="module")
def capacity(assign_data) -> pd.Series:
    open_vac = assign_data.open_vacancies.set_index("vacancy_id")
    return open_vac["positions"].fillna(1).astype(int)


@pytest.fixture(scope="module")
def plain_run(assign_data, model, settings):
    return run_assignment(assign_data, model, settings)


@pytest.fixture(scope="module")
def locks(plain_run, scored, assign_data, impossible_vacancy):
    """Locked: one pair below the threshold, one eligible pair the optimum did not choose, one
    pair that fails a hard constraint. Forbidden: two pairs the optimum did choose."""
    chosen = plain_run.assignments
    chosen_keys = set(zip(chosen["candidate_id"], chosen["vacancy_id"], strict=True))
    used_c: set[str] = set()
    used_v: set[str] = {impossible_vacancy}

    def pick(frame: pd.DataFrame) -> tuple[str, str]:
        for c, v in zip(frame["candidate_id"], frame["vacancy_id"], strict=True):
            if c not in used_c and v not in used_v:
                used_c.add(c)
                used_v.add(v)
                return c, v
        raise AssertionError("no pair left to pick")

    ordered = scored.sort_values(["score", *KEYS], kind="mergesort")
    below = pick(ordered[ordered["score"] < LOCKED_MIN_SCORE])
    unchosen = ordered[(ordered["score"] >= LOCKED_MIN_SCORE)
                       & ~pd.Series(list(zip(ordered["candidate_id"], ordered["vacancy_id"],
                                             strict=True)), index=ordered.index).isin(chosen_keys)]
    eligible = pick(unchosen.iloc[::-1])
    kept = set(zip(scored["candidate_id"], scored["vacancy_id"], strict=True))
    available = sorted(assign_data.available_candidates["candidate_id"])
    blocked = next((c, v) for v in sorted(assign_data.open_vacancies["vacancy_id"])
                   for c in available
                   if (c, v) not in kept and c not in used_c and v not in used_v)
    used_c.add(blocked[0])
    used_v.add(blocked[1])
    forbidden = [pick(chosen), pick(chosen.iloc[::-1])]
    locked = pd.DataFrame([below, eligible, blocked], columns=KEYS)
    return locked, pd.DataFrame(forbidden, columns=KEYS)


@pytest.fixture(scope="module")
def locked_run(assign_data, model, settings, locks):
    locked, forbidden = locks
    return run_assignment(assign_data, model, settings, locked=locked, forbidden=forbidden,
                          options=AssignOptions(min_score=LOCKED_MIN_SCORE))


# --------------------------------------------------------------------------- helpers
def _keys(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["candidate_id"], frame["vacancy_id"], strict=True))


def _check_rules(assignments: pd.DataFrame, capacity: pd.Series, dataset) -> None:
    assert not assignments["candidate_id"].duplicated().any(), "a candidate is assigned twice"
    per_vacancy = assignments.groupby("vacancy_id").size()
    assert (per_vacancy <= capacity.reindex(per_vacancy.index)).all(), "a vacancy is over capacity"
    assert set(assignments["candidate_id"]) <= set(dataset.available_candidates["candidate_id"])
    assert set(assignments["vacancy_id"]) <= set(dataset.open_vacancies["vacancy_id"])


def _lsa_optimum(pairs: pd.DataFrame, capacity: pd.Series) -> float:
    """Maximum total weight by SciPy: one column per position (slot) of each vacancy."""
    if pairs.empty:
        return 0.0
    cands = sorted(set(pairs["candidate_id"]))
    vacs = sorted(set(pairs["vacancy_id"]))
    slots = [(v, k) for v in vacs for k in range(int(capacity[v]))]
    slot_cols: dict[str, list[int]] = {}
    for j, (v, _) in enumerate(slots):
        slot_cols.setdefault(v, []).append(j)
    row = {c: i for i, c in enumerate(cands)}
    matrix = np.zeros((len(cands), len(slots)))
    for c, v, w in zip(pairs["candidate_id"], pairs["vacancy_id"], pairs["weight"], strict=True):
        matrix[row[c], slot_cols[v]] = w  # missing pairs weigh 0: never worth choosing
    r, k = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[r, k].sum())


def _expected(assignments: pd.DataFrame, pairs: pd.DataFrame) -> float:
    weights = pairs.set_index(KEYS)["weight"]
    return float(weights.reindex(pd.MultiIndex.from_frame(assignments[KEYS])).sum())


# --------------------------------------------------------------------------- rules
def test_plain_run_respects_every_rule(plain_run, capacity, assign_data, settings) -> None:
    a = plain_run.assignments
    assert len(a) > 0
    _check_rules(a, capacity, assign_data)
    weights = plain_run.pairs.set_index(KEYS)["weight"]
    assert (weights.reindex(pd.MultiIndex.from_frame(a[KEYS])) >= settings.min_score).all()
    assert plain_run.summary.n_assigned == len(a)
    assert plain_run.summary.n_positions == int(capacity.sum())


def test_solver_pairs_are_exactly_the_eligible_pairs(plain_run, scored, settings) -> None:
    """pairs.parquet holds the pairs above the threshold, with the model's scores."""
    expected = scored[scored["score"] >= settings.min_score]
    assert _keys(plain_run.pairs) == _keys(expected)
    merged = plain_run.pairs.merge(expected, on=KEYS)
    np.testing.assert_allclose(merged["weight"], merged["score"], rtol=0, atol=1e-12)


def test_locked_and_forbidden_pairs_are_honoured(locked_run, locks, capacity, assign_data,
                                                 scored) -> None:
    locked, forbidden = locks
    a = locked_run.assignments
    _check_rules(a, capacity, assign_data)
    chosen = _keys(a)
    assert _keys(locked) <= chosen, "every locked pair is assigned"
    assert not _keys(forbidden) & chosen, "no forbidden pair is assigned"
    assert not _keys(forbidden) & _keys(locked_run.pairs), "forbidden pairs never reach the solver"
    # below the threshold only the locked pairs
    weights = locked_run.pairs.set_index(KEYS)["weight"]
    w = weights.reindex(pd.MultiIndex.from_frame(a[KEYS]))
    low = {k for k, value in zip(zip(a["candidate_id"], a["vacancy_id"], strict=True), w,
                                 strict=True) if value < LOCKED_MIN_SCORE}
    assert low and low <= _keys(locked)
    # the lock below the threshold really was below it, and the blocked one really was blocked
    score = scored.set_index(KEYS)["score"]
    below, _, blocked = (tuple(x) for x in locked.to_numpy())
    assert score[below] < LOCKED_MIN_SCORE
    assert blocked not in _keys(scored)
    assert locked_run.summary.n_locked == 3
    assert locked_run.summary.n_forbidden == 2
    assert locked_run.summary.min_score == LOCKED_MIN_SCORE
    eligible = scored[scored["score"] >= LOCKED_MIN_SCORE]
    assert _keys(locked_run.pairs) == (_keys(eligible) - _keys(forbidden)) | _keys(locked)


# --------------------------------------------------------------------------- optimality
def test_optimum_equals_scipy_linear_sum_assignment(plain_run, capacity) -> None:
    pairs = plain_run.pairs
    optimum = _lsa_optimum(pairs, capacity)
    assert plain_run.summary.expected_durable == pytest.approx(optimum, abs=1e-6)
    assert _expected(plain_run.assignments, pairs) == pytest.approx(optimum, abs=1e-6)


def test_optimum_with_locks_equals_scipy_on_the_rest(locked_run, locks, capacity) -> None:
    locked, _ = locks
    pairs = locked_run.pairs
    lock_keys = pd.MultiIndex.from_frame(locked[KEYS])
    locked_weight = float(pairs.set_index(KEYS)["weight"].reindex(lock_keys).sum())
    rest_capacity = capacity.sub(locked["vacancy_id"].value_counts(), fill_value=0).astype(int)
    rest = pairs[~pairs["candidate_id"].isin(locked["candidate_id"])]
    rest = rest[rest["vacancy_id"].map(rest_capacity) > 0]
    optimum = locked_weight + _lsa_optimum(rest, rest_capacity)
    assert locked_run.summary.expected_durable == pytest.approx(optimum, abs=1e-6)


@pytest.mark.parametrize("run_name", ["plain_run", "locked_run"])
def test_baselines_never_beat_the_optimum(request, run_name, capacity, assign_data) -> None:
    run = request.getfixturevalue(run_name)
    optimal = _expected(run.baselines["optimal"].assignments, run.pairs)
    assert set(run.baselines) == {"optimal", "greedy", "local_only", "sequential"}
    for name in ("greedy", "local_only", "sequential"):
        result = run.baselines[name]
        _check_rules(result.assignments, capacity, assign_data)
        assert _keys(result.assignments) <= _keys(run.pairs)
        value = _expected(result.assignments, run.pairs)
        assert value <= optimal + 1e-9, name
        assert run.summary.baselines[name].expected_durable == pytest.approx(value, abs=1e-4)
    # regional cooperation must pay off on this sample: local only is strictly worse
    assert _expected(run.baselines["local_only"].assignments, run.pairs) < optimal


def test_local_only_stays_within_the_home_municipality(plain_run) -> None:
    local = plain_run.baselines["local_only"].assignments.merge(plain_run.pairs, on=KEYS)
    assert len(local) > 0
    assert (local["home_gm"] == local["work_gm"]).all()


# --------------------------------------------------------------------------- outputs
@pytest.fixture(scope="module")
def outputs(tmp_path_factory, plain_run, assign_data, model, settings):
    """Outputs of two independent runs of the same input (without the report)."""
    first = tmp_path_factory.mktemp("run1")
    second = tmp_path_factory.mktemp("run2")
    write_outputs(plain_run, first)
    write_outputs(run_assignment(assign_data, model, settings), second)
    return first, second


@pytest.mark.slow  # two full runs written to disk
def test_two_runs_write_identical_files(outputs) -> None:
    first, second = outputs
    for name in (*COMPARED_FILES, "assignments.xlsx", "report.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    pd.testing.assert_frame_equal(pd.read_parquet(first / "pairs.parquet"),
                                  pd.read_parquet(second / "pairs.parquet"))


@pytest.mark.slow
def test_written_files_hold_the_run(outputs, plain_run) -> None:
    folder = outputs[0]
    raw = (folder / "assignments.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Dutch Excel"
    written = pd.read_csv(folder / "assignments.csv", encoding="utf-8-sig", dtype=str)
    assert list(written.columns) == list(plain_run.assignments.columns)
    assert _keys(written) == _keys(plain_run.assignments)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["n_assigned"] == len(plain_run.assignments)
    assert "timings_s" not in summary and "wall_time_s" not in summary["solver"]
    assert "timings_s" in json.loads((folder / "timings.json").read_text(encoding="utf-8"))
    parquet = pd.read_parquet(folder / "pairs.parquet")
    assert _keys(parquet) == _keys(plain_run.pairs)


@pytest.mark.parametrize("deterministic", [True, False])
def test_summary_json_is_the_typed_summary(tmp_path, plain_run, deterministic) -> None:
    """summary.json is AssignSummary.to_json: its fields in order, read back exactly."""
    write_outputs(plain_run, tmp_path, report=False, deterministic=deterministic)
    written = (tmp_path / "summary.json").read_text(encoding="utf-8")
    data = json.loads(written)
    names = [f.name for f in dataclasses.fields(AssignSummary) if f.name != "timings_s"]
    varying = [] if deterministic else ["timings_s", "solver_wall_time_s"]
    assert list(data) == [*names, *varying, "files"]
    assert list(data["solver"]) == ["name", "status", "gap"]
    assert list(data["baselines"]) == ["optimal", "greedy", "local_only", "sequential"]
    again = AssignSummary.from_dict(data)
    assert again.to_json(files=data["files"], deterministic=deterministic) == written
    timings = json.loads((tmp_path / "timings.json").read_text(encoding="utf-8"))
    assert timings == plain_run.summary.timings_dict()
    assert AssignSummary.from_dict({**data, **timings}) == plain_run.summary
    if deterministic:
        assert again == plain_run.summary.without_timings()


def test_unfilled_reasons_are_true(plain_run, scored, capacity, impossible_vacancy, settings) -> None:
    unfilled = plain_run.unfilled.set_index("vacancy_id")
    filled = plain_run.assignments.groupby("vacancy_id").size()
    remaining = capacity - filled.reindex(capacity.index).fillna(0).astype(int)
    assert set(unfilled.index) == set(remaining[remaining > 0].index)
    assert (unfilled["positions_open"] == remaining.reindex(unfilled.index)).all()

    assert unfilled.at[impossible_vacancy, "reason"] == "no_eligible_candidate"
    assert unfilled.at[impossible_vacancy, "positions_open"] == capacity[impossible_vacancy]
    best = scored.groupby("vacancy_id")["score"].max()
    for vacancy_id, row in unfilled.iterrows():
        if vacancy_id not in best.index:
            expected = "no_eligible_candidate"
        elif best[vacancy_id] < settings.min_score:
            expected = "all_below_threshold"
        else:
            expected = "taken_by_better_matches"
        assert row["reason"] == expected, vacancy_id
        assert row["reason_text"] == text(f"unfilled_{expected}", "nl")


def test_unassigned_candidates_are_everyone_left(plain_run, assign_data) -> None:
    available = set(assign_data.available_candidates["candidate_id"])
    assigned = set(plain_run.assignments["candidate_id"])
    left = plain_run.unassigned
    assert not left["candidate_id"].duplicated().any()
    assert set(left["candidate_id"]) == available - assigned
    assert left["reason_text"].str.len().gt(0).all()


def test_coverage_grows_and_flows_add_up(plain_run) -> None:
    cov = plain_run.coverage
    both = cov.dropna(subset=["coverage_before", "coverage_after"])
    assert len(both) > 0
    assert (both["coverage_after"] >= both["coverage_before"]).all()
    assert (cov["outstanding_after_eur"] <= cov["outstanding_before_eur"]).all()
    assert cov["assigned_value_eur"].sum() > 0
    assert (cov["assigned_value_eur"] > 0).sum() == plain_run.assignments["project_id"].nunique()
    flows = plain_run.flows
    assert flows["n"].sum() == len(plain_run.assignments) == plain_run.summary.n_assigned
    expected = plain_run.assignments.groupby(["home_gm", "work_gm"]).size()
    assert flows.set_index(["home_gm", "work_gm"])["n"].sort_index().equals(
        expected.sort_index().rename("n"))


def test_coverage_adds_up_to_the_assignment_rows(plain_run) -> None:
    """One valuation everywhere: the coverage table sums the values of the listed placements."""
    per_project = plain_run.assignments.groupby("project_id")["sroi_value_eur"].sum()
    cov = plain_run.coverage.set_index("project_id")["assigned_value_eur"]
    assert np.allclose(cov.reindex(per_project.index).to_numpy(), per_project.to_numpy())
    assert (cov.drop(per_project.index) == 0).all()


def test_forbidden_pairs_are_never_offered_as_alternative(plain_run, assign_data, model,
                                                          settings) -> None:
    """Forbid every pair of a vacancy: it is unfilled for lack of an allowed candidate, and
    nobody is told that vacancy went to a better match."""
    pairs = plain_run.pairs
    vacancy = pairs.groupby("vacancy_id").size().idxmax()
    forbidden = pairs.loc[pairs["vacancy_id"] == vacancy, KEYS].reset_index(drop=True)
    run = run_assignment(assign_data, model, settings, forbidden=forbidden)
    assert vacancy not in set(run.assignments["vacancy_id"])
    unfilled = run.unfilled.set_index("vacancy_id")
    assert unfilled.at[vacancy, "reason"] == "no_eligible_candidate"
    assert vacancy not in set(run.unassigned["best_vacancy_id"].dropna())


def test_unknown_min_share_group_is_refused(assign_data, model, settings) -> None:
    options = AssignOptions(objective="durable+sroi", min_share={"astronauts": 0.2},
                            time_limit_s=5)
    with pytest.raises(DataError, match="astronauts"):
        run_assignment(assign_data, model, settings, options=options)


def test_impossible_locks_are_refused_before_solving(assign_data, plain_run) -> None:
    first = plain_run.assignments.iloc[0]
    other = plain_run.assignments.loc[plain_run.assignments["vacancy_id"] != first["vacancy_id"]].iloc[0]
    twice = pd.DataFrame({"candidate_id": [first["candidate_id"]] * 2,
                          "vacancy_id": [first["vacancy_id"], other["vacancy_id"]]})
    with pytest.raises(DataError, match="more than one vacancy"):
        check_locks(assign_data, twice, None)
    unknown = pd.DataFrame({"candidate_id": ["C_NOBODY"], "vacancy_id": [first["vacancy_id"]]})
    with pytest.raises(DataError, match=r"\(C_NOBODY, .*\): candidate is unknown"):
        check_locks(assign_data, unknown, None)  # a clean data error, not a KeyError


# --------------------------------------------------------------------------- SROI mode
@pytest.fixture(scope="module")
def sroi_case(plain_run, assign_data, model, settings):
    a = plain_run.assignments
    per_employer = a.groupby("employer_id").size()
    cap = max(1, int(per_employer.max()) - 1)  # binding: the plain optimum breaks it
    groups = a["target_group"].value_counts(normalize=True)
    group = str(groups.index[-1])  # the least represented assigned group
    share = round(min(0.5, float(groups.iloc[-1]) + 0.1), 2)
    options = AssignOptions(objective="durable+sroi", max_per_employer=cap,
                            min_share={group: share}, time_limit_s=10)
    run = run_assignment(assign_data, model, settings, options=options)
    return run, cap, group, share, int(per_employer.max()), float(groups.iloc[-1])


@pytest.mark.slow
def test_sroi_mode_respects_employer_cap_and_minimum_share(sroi_case, capacity, assign_data) -> None:
    run, cap, group, share, plain_max, plain_share = sroi_case
    assert plain_max > cap and plain_share < share, "both side constraints must bind"
    a = run.assignments
    assert len(a) > 0
    _check_rules(a, capacity, assign_data)
    assert a.groupby("employer_id").size().max() <= cap
    assert (a["target_group"] == group).sum() >= share * len(a) - 1e-9
    assert _keys(a) <= _keys(run.pairs)


@pytest.mark.slow
def test_sroi_summary_states_solver_status_and_gap(sroi_case) -> None:
    summary = sroi_case[0].summary
    solver = summary.solver
    assert solver.status in {"OPTIMAL", "FEASIBLE"}
    assert isinstance(solver.gap, float) and solver.gap >= 0
    if solver.status == "OPTIMAL":
        assert solver.gap == pytest.approx(0.0, abs=1e-9)
    assert summary.objective == "durable+sroi"
    assert summary.settings.max_per_employer == sroi_case[1]
    assert summary.settings.min_share == {sroi_case[2]: sroi_case[3]}


# --------------------------------------------------------------------------- report
def test_report_mentions_the_key_figures_and_its_charts_exist(tmp_path, plain_run) -> None:
    paths = write_outputs(plain_run, tmp_path, lang="en")
    for name in OUTPUT_FILES:
        assert (tmp_path / name).is_file(), name
    html = paths["report.html"].read_text(encoding="utf-8")
    summary = plain_run.summary
    values = re.findall(r'<div class="value">([^<]*)</div>', html)
    assert f"{summary.expected_durable:,.1f}" in values
    assert f"{summary.n_assigned:,}" in values
    assert f"{summary.n_positions:,}" in values
    assert summary.model_version in html
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) >= 4
    for src in images:
        assert not src.startswith(("http:", "https:", "/"))
        png = tmp_path / src
        assert png.is_file(), src
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# --------------------------------------------------------------------------- pair files
def test_read_pair_file_returns_the_pairs(tmp_path, dataset) -> None:
    c = sorted(dataset.available_candidates["candidate_id"])[:2]
    v = sorted(dataset.open_vacancies["vacancy_id"])[:2]
    path = tmp_path / "locked.csv"
    path.write_text(f"Candidate_ID;vacancy_id\n {c[0]} ;{v[0]}\n{c[1]};{v[1]}\n", encoding="utf-8")
    frame = read_pair_file(str(path), "locked", dataset)
    assert frame.to_dict("records") == [{"candidate_id": c[0], "vacancy_id": v[0]},
                                        {"candidate_id": c[1], "vacancy_id": v[1]}]


def test_read_pair_file_reports_unknown_ids_with_file_row_column_value(tmp_path, dataset) -> None:
    c = sorted(dataset.available_candidates["candidate_id"])[0]
    v = sorted(dataset.open_vacancies["vacancy_id"])[0]
    path = tmp_path / "forbidden.csv"
    path.write_text(f"candidate_id,vacancy_id\n{c},{v}\nK-NOPE,{v}\n{c},V-NOPE\n{c},{v}\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_pair_file(str(path), "forbidden", dataset)
    found = {(p.file, p.row, p.column, p.value, p.rule) for p in info.value.problems}
    assert (str(path), 3, "candidate_id", "K-NOPE", "dangling_reference") in found
    assert (str(path), 4, "vacancy_id", "V-NOPE", "dangling_reference") in found
    assert any(p.row == 5 and p.rule == "duplicate_id" for p in info.value.problems)
    assert len(info.value.problems) == 3


def test_read_pair_file_xlsx_rows_and_missing_column(tmp_path, dataset) -> None:
    v = sorted(dataset.open_vacancies["vacancy_id"])[0]
    path = tmp_path / "locked.xlsx"
    pd.DataFrame({"candidate_id": ["K-NOPE"], "vacancy_id": [v]}).to_excel(path, index=False)
    with pytest.raises(ValidationError) as info:
        read_pair_file(str(path), "locked", dataset)
    [problem] = info.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "candidate_id", "K-NOPE")

    bad = tmp_path / "nocol.csv"
    bad.write_text(f"kandidaat,vacancy_id\nx,{v}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_pair_file(str(bad), "locked", dataset)
    assert [(p.column, p.rule) for p in info.value.problems] == [("candidate_id", "missing_column")]



@pytest.mark.slow
def test_binding_obligations_change_the_sroi_assignment_at_a_stated_price(
        assign_data, model, settings, plain_run) -> None:
    """On the sample the obligations bind, so the SROI reward moves people and says the cost."""
    run = run_assignment(assign_data, model, settings,
                         options=AssignOptions(objective="durable+sroi", time_limit_s=20))
    price = run.summary.sroi_price
    assert price is not None and price.pairs_changed > 0
    assert price.durable_only_expected == pytest.approx(plain_run.summary.expected_durable,
                                                        abs=1e-3)
    assert 0 <= price.expected_durable_cost < 0.05 * price.durable_only_expected
    assert run.summary.expected_durable == pytest.approx(
        price.durable_only_expected - price.expected_durable_cost, abs=1e-3)
    assert plain_run.summary.sroi_price is None
    # the reward moved placements towards projects short of their obligation
    outstanding = run.coverage.set_index("project_id")["coverage_after"]
    plain = plain_run.coverage.set_index("project_id")["coverage_after"]
    assert (outstanding.clip(upper=1.0).sum() >= plain.clip(upper=1.0).sum() - 1e-9)

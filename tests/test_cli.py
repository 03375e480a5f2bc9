"""The ``sroi-match`` command line: exit codes, messages, files written.

Commands run in-process through :class:`click.testing.CliRunner` (stdout and stderr apart) or
through :func:`matching.cli.main`, the console-script entry point that returns the exit code.
The CLI trains its own small model (on a 50-candidate sample) the first time a shortlist is
asked for, exactly as a user's first run does.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES

from matching.cli import cli, main
from matching.core.config import Settings
from matching.data.loading import load_dataset
from matching.model.registry import Registry
from matching.reports.assign_outputs import OUTPUT_FILES
from matching.workflows.shortlist import Matcher

SAMPLE_ARGS = ("--candidates", "50", "--vacancies", "10", "--placements", "200")


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_clean_exit(result: Result, code: int) -> None:
    """The exit code, and never a Python traceback in what the user sees."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code == 0:
        assert result.exception is None
    else:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def _edit_csv(path: Path, row_id: str, column: str, value: str) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    [row] = [r for r in rows[1:] if r[0] == row_id]
    row[header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def sampled(workdir: Path):
    out = workdir / "small"
    return run("sample", "--out", out, *SAMPLE_ARGS, "--seed", "11"), out


@pytest.fixture(scope="module")
def small(sampled) -> Path:
    result, out = sampled
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def small_open_vacancies(small: Path) -> list[str]:
    ds = load_dataset(small).dataset
    return sorted(ds.open_vacancies["vacancy_id"])


@pytest.fixture(scope="module")
def first_shortlist(workdir: Path, small: Path, small_open_vacancies):
    """The first shortlist on an empty registry: the CLI trains a model first."""
    models = workdir / "models-first"
    result = run("shortlist", "--vacancy", small_open_vacancies[0], "--data", small,
                 "--models", models, "--format", "json")
    return result, models


@pytest.fixture(scope="module")
def models_dir(workdir: Path, registry_dir: Path) -> Path:
    """A registry with one active model: a copy of the session's (a model scores pairs of any
    dataset). Training through the CLI is tested by the slow
    ``test_first_shortlist_trains_a_model_and_says_so`` and ``test_train_*``."""
    models = workdir / "models"
    shutil.copytree(registry_dir, models)
    return models


@pytest.fixture(scope="module")
def matcher(small: Path, models_dir: Path) -> Matcher:
    """The Python-API twin of what the CLI computes (same data, model and settings)."""
    settings = Settings(term_cache=str(models_dir / ".cache" / "terms.json"))
    return Matcher(load_dataset(small).dataset, Registry(models_dir).load(), settings)


@pytest.fixture(scope="module")
def listed_vacancy(matcher: Matcher, small_open_vacancies) -> str:
    """An open vacancy of the small sample with at least one eligible candidate."""
    for vacancy_id in small_open_vacancies:
        if matcher.for_vacancy(vacancy_id, n_near_misses=0).rows:
            return vacancy_id
    pytest.fail("no open vacancy of the small sample has an eligible candidate")


# --------------------------------------------------------------------------- validate
def test_validate_clean_fixture_exits_0(capsys) -> None:
    assert main(["validate", "--data", str(FIXTURES / "dataset")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: 5 candidates, 2 projects, 3 vacancies, 3 placements")


@pytest.fixture
def broken_fixture(tmp_path: Path) -> Path:
    data = tmp_path / "dataset"
    shutil.copytree(FIXTURES / "dataset", data)
    _edit_csv(data / "candidates.csv", "C002", "hours_per_week", "veel")  # data row 2 = row 3
    _edit_csv(data / "vacancies.csv", "V02", "status", "weg")  # data row 2 = row 3
    return data


def test_validate_bad_dataset_exits_2_with_every_problem(broken_fixture: Path) -> None:
    result = run("validate", "--data", broken_fixture)
    assert_clean_exit(result, 2)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["file", "row", "column", "value", "rule", "severity", "message"]
    hours = [line.split()[:5] for line in lines if "hours_per_week" in line]
    status = [line.split()[:5] for line in lines if "weg" in line]
    assert ["candidates.csv", "3", "hours_per_week", "veel", "type"] in hours
    assert ["vacancies.csv", "3", "status", "weg", "allowed_values"] in status
    assert "--skip-invalid" in result.stderr


def test_validate_main_returns_2_without_traceback(broken_fixture: Path, capsys) -> None:
    assert main(["validate", "--data", str(broken_fixture)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "hours_per_week" in captured.out


def test_validate_json_format(broken_fixture: Path) -> None:
    clean = run("validate", "--data", FIXTURES / "dataset", "--format", "json")
    assert_clean_exit(clean, 0)
    payload = json.loads(clean.stdout)
    assert payload["valid"] is True
    assert payload["counts"]["candidates"] == 5 and payload["counts"]["vacancies"] == 3

    bad = run("validate", "--data", broken_fixture, "--format", "json")
    assert_clean_exit(bad, 2)
    problems = json.loads(bad.stdout)
    assert {"file": "candidates.csv", "row": 3, "column": "hours_per_week", "value": "veel",
            "rule": "type"}.items() <= next(p for p in problems
                                            if p["column"] == "hours_per_week").items()


def test_missing_data_folder_exits_2(tmp_path: Path) -> None:
    result = run("validate", "--data", tmp_path / "nothing-here")
    assert_clean_exit(result, 2)
    assert "nothing-here" in result.output


# --------------------------------------------------------------------------- sample
def test_sample_writes_a_dataset_that_validates(sampled) -> None:
    result, out = sampled
    assert_clean_exit(result, 0)
    assert "Wrote" in result.stdout and "seed 11" in result.stdout
    assert {"candidates.csv", "projects.csv", "vacancies.csv", "placements.csv"} <= \
        {p.name for p in out.iterdir()}
    check = run("validate", "--data", out)
    assert_clean_exit(check, 0)
    assert check.stdout.startswith("OK:")
    counts = json.loads(run("validate", "--data", out, "--format", "json").stdout)["counts"]
    assert counts["placements"] == 200
    ds = load_dataset(out).dataset
    assert len(ds.available_candidates) == 50 and len(ds.open_vacancies) == 10


# --------------------------------------------------------------------------- shortlist
@pytest.mark.slow
def test_first_shortlist_trains_a_model_and_says_so(first_shortlist) -> None:
    result, models = first_shortlist
    assert_clean_exit(result, 0)
    registry = Registry(models)
    assert registry.versions() == [registry.active()]
    assert "trained, registered and activated" in result.stderr
    assert registry.active() in result.stderr
    assert "trained" not in result.stdout  # stdout stays machine-readable JSON
    json.loads(result.stdout)


def test_shortlist_json_is_the_api_result(small, models_dir, matcher, listed_vacancy) -> None:
    result = run("shortlist", "--vacancy", listed_vacancy, "--data", small, "--models",
                 models_dir, "--format", "json", "--top", "5")
    assert_clean_exit(result, 0)
    payload = json.loads(result.stdout)
    assert payload["vacancy_id"] == listed_vacancy
    assert payload["model_version"] == Registry(models_dir).active()
    assert {"considered", "excluded", "shortlist", "near_misses"} <= set(payload)
    for row in payload["shortlist"]:
        assert {"rank", "candidate_id", "score", "distance_km", "reasons"} <= set(row)
    expected = matcher.for_vacancy(listed_vacancy, top=5).to_dict()
    assert payload == json.loads(json.dumps(expected, default=str))
    assert "trained" not in result.stderr  # the model exists now: no retraining


def test_shortlist_table(small, models_dir, matcher, listed_vacancy) -> None:
    result = run("shortlist", "--vacancy", listed_vacancy, "--data", small, "--models",
                 models_dir, "--lang", "en")
    assert_clean_exit(result, 0)
    out = result.stdout
    assert f"Shortlist for vacancy {listed_vacancy}" in out
    best = matcher.for_vacancy(listed_vacancy, top=1, lang="en")
    assert best.rows[0].candidate_id in out
    assert f"{best.considered} candidates considered region-wide" in out
    assert Registry(models_dir).active() in out
    assert "a person decides" in out


def test_shortlist_unknown_id_exits_2_with_a_suggestion(small, models_dir, small_open_vacancies) -> None:
    real = small_open_vacancies[0]
    typo = real[0] + real[2:]
    result = run("shortlist", "--vacancy", typo, "--data", small, "--models", models_dir)
    assert_clean_exit(result, 2)
    assert typo in result.stderr
    assert "did you mean" in result.stderr and real in result.stderr


def test_shortlist_needs_exactly_one_subject(small, models_dir, capsys) -> None:
    both = run("shortlist", "--vacancy", "V000001", "--candidate", "C000001", "--data", small,
               "--models", models_dir)
    assert both.exit_code == 2
    assert "exactly one of --vacancy" in both.output
    assert "Traceback" not in both.output
    assert main(["shortlist", "--data", str(small), "--models", str(models_dir)]) == 2
    assert "exactly one of --vacancy" in capsys.readouterr().err


# --------------------------------------------------------------------------- train / models
@pytest.fixture(scope="module")
def trained_twice(workdir: Path, small: Path):
    models = workdir / "models-train"
    first = run("train", "--data", small, "--models", models, "--format", "json")
    second = run("train", "--data", small, "--models", models, "--format", "json")
    return models, first, second


@pytest.mark.slow
def test_train_activates_only_the_first_model(trained_twice) -> None:
    models, first, second = trained_twice
    assert_clean_exit(first, 0)
    assert_clean_exit(second, 0)
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["promoted"] is True and one["previous_active"] is None
    assert one["active"] == one["version"]
    assert two["promoted"] is False and two["previous_active"] == one["version"]
    assert two["active"] == one["version"]
    registry = Registry(models)
    assert registry.versions() == sorted([one["version"], two["version"]])
    assert registry.active() == one["version"]
    assert (models / one["version"] / "report.html").is_file()


@pytest.mark.slow
def test_models_list_promote_rollback_show(trained_twice) -> None:
    models, first, second = trained_twice
    v1, v2 = json.loads(first.stdout)["version"], json.loads(second.stdout)["version"]
    registry = Registry(models)

    listed = run("models", "list", "--models", models)
    assert_clean_exit(listed, 0)
    assert v1 in listed.stdout and v2 in listed.stdout
    marked = [line for line in listed.stdout.splitlines() if "*" in line]
    assert len(marked) == 1 and v1 in marked[0]

    promoted = run("models", "promote", v2, "--models", models)
    assert_clean_exit(promoted, 0)
    assert registry.active() == v2 and v2 in promoted.stdout

    shown = run("models", "show", "--models", models)
    assert_clean_exit(shown, 0)
    assert json.loads(shown.stdout)["version"] == v2

    rolled = run("models", "rollback", "--models", models)
    assert_clean_exit(rolled, 0)
    assert registry.active() == v1 and v1 in rolled.stdout

    assert json.loads(run("models", "show", v2, "--models", models).stdout)["version"] == v2


@pytest.mark.parametrize("version", ["20000101T000000Z-abcdef", "not-a-version"])
def test_models_show_unknown_version_exits_2(models_dir: Path, version: str) -> None:
    result = run("models", "show", version, "--models", models_dir)
    assert_clean_exit(result, 2)
    assert version in result.stderr


def test_models_rollback_without_history_exits_2(tmp_path: Path) -> None:
    result = run("models", "rollback", "--models", tmp_path)
    assert_clean_exit(result, 2)


# --------------------------------------------------------------------------- assign
@pytest.mark.slow
def test_assign_writes_every_output_file(tmp_path: Path, small: Path, models_dir: Path) -> None:
    out = tmp_path / "run"
    result = run("assign", "--data", small, "--models", models_dir, "--out", out, "--lang", "en")
    assert_clean_exit(result, 0)
    for name in OUTPUT_FILES:
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["model_version"] == Registry(models_dir).active()
    assignments = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig")
    assert len(assignments) == summary["n_assigned"]
    assert f"{summary['n_assigned']} / {summary['n_positions']} positions" in result.stdout
    assert Registry(models_dir).versions() == [Registry(models_dir).active()]  # no retraining


def test_assign_dry_run_writes_nothing(tmp_path: Path, small: Path) -> None:
    out = tmp_path / "dry"
    models = tmp_path / "models"
    result = run("assign", "--data", small, "--models", models, "--out", out, "--dry-run")
    assert_clean_exit(result, 0)
    assert "Dry run" in result.stdout and "Nothing was solved or written" in result.stdout
    assert not out.exists()
    assert Registry(models).versions() == []  # and no model was trained for it


@pytest.mark.parametrize("share", ["bad", "doelgroepregister=1.5", "=0.5"])
def test_assign_bad_min_share_exits_2(tmp_path: Path, small: Path, models_dir: Path, share: str) -> None:
    out = tmp_path / "never"
    result = run("assign", "--data", small, "--models", models_dir, "--out", out,
                 "--objective", "durable+sroi", "--min-share", share)
    assert_clean_exit(result, 2)
    assert "--min-share" in result.output and "GROUP=SHARE" in result.output
    assert not out.exists()


@pytest.mark.slow
def test_assign_skip_invalid_continues_and_writes_rejects(tmp_path: Path, small: Path,
                                                          models_dir: Path, matcher) -> None:
    data = tmp_path / "data"
    shutil.copytree(small, data)
    ds = matcher.dataset
    bad_id = sorted(set(ds.available_candidates["candidate_id"]) - set(ds.placements["candidate_id"]))[0]
    _edit_csv(data / "candidates.csv", bad_id, "hours_per_week", "veel")

    refused = run("assign", "--data", data, "--models", models_dir, "--out", tmp_path / "refused",
                  "--no-report")
    assert_clean_exit(refused, 2)
    assert "hours_per_week" in refused.stdout
    assert not (tmp_path / "refused").exists()

    out = tmp_path / "run"
    result = run("assign", "--data", data, "--models", models_dir, "--out", out, "--skip-invalid",
                 "--no-report")
    assert_clean_exit(result, 0)
    assert "Skipped 1 invalid row(s)" in result.stderr
    rejects = pd.read_csv(out / "rejects" / "rejected_candidates.csv", encoding="utf-8-sig", dtype=str)
    assert rejects["candidate_id"].tolist() == [bad_id]
    assert "hours_per_week" in rejects["_reasons"].iloc[0]
    assignments = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig", dtype=str)
    assert bad_id not in set(assignments["candidate_id"])
    unassigned = pd.read_csv(out / "unassigned_candidates.csv", encoding="utf-8-sig", dtype=str)
    assert bad_id not in set(unassigned["candidate_id"])
    assert not (out / "report.html").exists()  # --no-report


def test_assign_unknown_min_share_group_exits_2(tmp_path: Path, small: Path,
                                                models_dir: Path) -> None:
    result = run("assign", "--data", small, "--models", models_dir, "--out", tmp_path / "o",
                 "--objective", "durable+sroi", "--min-share", "astronauts=0.3")
    assert_clean_exit(result, 2)
    assert "unknown target group" in result.output and "astronauts" in result.output


def test_dry_run_checks_locked_pairs(tmp_path: Path, small: Path) -> None:
    dataset = load_dataset(small).dataset
    placed = dataset.candidates.loc[dataset.candidates["status"] != "available", "candidate_id"]
    vacancy = dataset.open_vacancies["vacancy_id"].iloc[0]
    locked = tmp_path / "locked.csv"
    locked.write_text(f"candidate_id,vacancy_id\n{placed.iloc[0]},{vacancy}\n", encoding="utf-8")
    result = run("assign", "--data", small, "--models", tmp_path / "m", "--out", tmp_path / "o",
                 "--locked", locked, "--dry-run")
    assert_clean_exit(result, 2)
    assert "not available" in result.output


def test_shortlist_out_creates_its_folder(small, models_dir, listed_vacancy, tmp_path) -> None:
    target = tmp_path / "new" / "folder" / "shortlist.csv"
    result = run("shortlist", "--vacancy", listed_vacancy, "--data", small, "--models",
                 models_dir, "--format", "csv", "--out", target)
    assert_clean_exit(result, 0)
    assert pd.read_csv(target)["rank"].tolist()[0] == 1


def test_train_bad_as_of_exits_2(small, tmp_path) -> None:
    result = run("train", "--data", small, "--models", tmp_path / "m", "--as-of", "notadate")
    assert_clean_exit(result, 2)
    assert "--as-of" in result.output and "not a date" in result.output


def test_validate_refuses_a_bad_config(tmp_path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("no_such_setting = 3\n", encoding="utf-8")
    result = run("--config", config, "validate", "--data", FIXTURES / "dataset")
    assert_clean_exit(result, 2)
    assert "no_such_setting" in result.output


# --------------------------------------------------------------------------- settings reach every command
@pytest.fixture(scope="module")
def fuzzy_certificate(workdir: Path, small: Path) -> Path:
    """The small sample with one certificate misspelled so that only a fuzzy match resolves it
    ('VCA-basiss' matches 'vca_basis' at the default cut-off 88, not at 100)."""
    data = workdir / "fuzzy"
    shutil.copytree(small, data)
    (data / "manifest.json").unlink(missing_ok=True)  # an edited sample has no ground truth
    first = load_dataset(small).dataset.candidates["candidate_id"].iloc[0]
    _edit_csv(data / "candidates.csv", first, "certificates", "VCA-basiss")
    return data


@pytest.mark.parametrize("command", ["validate", "train", "shortlist", "assign"])
def test_config_settings_reach_every_command(command: str, fuzzy_certificate: Path,
                                             models_dir: Path, tmp_path: Path) -> None:
    """A --config value (here the fuzzy cut-off) is honoured by every command that loads data,
    not only by validate: with cut-off 100 the misspelled certificate is an error (exit 2)."""
    strict = tmp_path / "strict.toml"
    strict.write_text("fuzzy_cutoff = 100\n", encoding="utf-8")
    models = tmp_path / "models"
    shutil.copytree(models_dir, models)
    vacancy = sorted(load_dataset(fuzzy_certificate).dataset.open_vacancies["vacancy_id"])[0]
    extra = {"validate": [], "train": ["--models", models],
             "shortlist": ["--models", models, "--vacancy", vacancy],
             "assign": ["--models", models, "--out", tmp_path / "out"]}[command]
    result = run("--config", strict, command, "--data", fuzzy_certificate, *extra)
    assert_clean_exit(result, 2)
    assert "VCA-basiss" in result.output and "certificate" in result.output
    if command in ("validate", "shortlist"):  # the quick ones: the default cut-off accepts it
        assert_clean_exit(run(command, "--data", fuzzy_certificate, *extra), 0)


def test_a_feature_library_input_error_exits_2_without_traceback(monkeypatch) -> None:
    """Errors the features library raises for bad input end as exit code 2, like ours."""
    import features.errors

    def broken(*args, **kwargs):
        raise features.errors.UnknownIdError("candidate", "C9", ["C90"])

    monkeypatch.setattr("matching.data.loading.load_dataset", broken)
    result = run("validate", "--data", FIXTURES / "dataset")
    assert_clean_exit(result, 2)
    assert "unknown candidate 'C9'; did you mean C90?" in result.output
    assert "Internal error" not in result.output


def test_assign_summary_numbers_follow_the_language(tmp_path: Path, small: Path,
                                                    models_dir: Path) -> None:
    """The console summary formats its figures with the one formatter: Dutch decimal commas."""
    from matching.texts.format import number

    runs = {lang: run("assign", "--data", small, "--models", models_dir, "--out",
                      tmp_path / lang, "--lang", lang) for lang in ("nl", "en")}
    summary = json.loads((tmp_path / "en" / "summary.json").read_text(encoding="utf-8"))
    durable = summary["baselines"]["optimal"]["expected_durable"]
    for result in runs.values():
        assert_clean_exit(result, 0)
    shown = number(durable, "en", 1)  # e.g. 41.3 (half-up)
    assert shown.replace(".", ",") in runs["nl"].stdout and shown in runs["en"].stdout

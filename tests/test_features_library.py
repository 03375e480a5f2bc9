"""``features`` is a library of its own: it never imports ``matching``; sroi-match builds on it.

Checks the boundary from both sides: a fresh interpreter that imports every features module
has no ``matching`` module loaded; matching's ``Settings`` extends ``FeatureSettings`` with
the same defaults and a ``--config`` value for a feature setting reaches the feature part;
``Dataset`` satisfies ``features.inputs.Tables``; the declared input columns are all the
pipeline reads; the code lists, reference tables and valuation are single definitions; and
matching's ``UnknownIdError`` is also the library's.
"""

from __future__ import annotations

import dataclasses
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import features
from features.inputs import CANDIDATE_COLUMNS, VACANCY_COLUMNS, Tables
from features.settings import FeatureSettings
from matching.core.config import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
FEATURE_MODULES = sorted(
    m.name for m in pkgutil.walk_packages(features.__path__, prefix="features.")
)


@pytest.fixture(scope="module")
def small():
    from matching.synthetic.sample import generate

    return generate(120, 25, n_projects=4, n_placements=0, seed=5)


# ------------------------------------------------------------------ the boundary


def test_every_features_module_imports_without_matching() -> None:
    assert {"features.profiles", "features.reference", "features.settings"} <= set(FEATURE_MODULES)
    code = (
        "import importlib, sys\n"
        f"for name in {FEATURE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'matching' or m.startswith('matching.'))\n"
        "print(repr(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_features_pipeline_runs_without_matching() -> None:
    """Profiles, blocking and pair features on hand-made frames, with no matching module."""
    code = r"""
import sys
import pandas as pd
from features.blocking import candidate_pairs
from features.pairs import pair_details
from features.profiles import build_profiles
from types import SimpleNamespace
cands = pd.DataFrame({"candidate_id": ["c1", "c2"], "skills": [("metselen",), ()],
                      "postcode": ["9711", "8911"], "hours_per_week": [36.0, 20.0],
                      "target_group": ["participatiewet", "ww"], "mobility": ["car", "bike"]})
vacs = pd.DataFrame({"vacancy_id": ["v1"], "required_skills": [("Metselen",)],
                     "postcode": ["9712"], "hours_per_week": [36.0], "project_id": ["p1"]})
empty = pd.DataFrame()
tables = SimpleNamespace(candidates=cands, vacancies=vacs, projects=empty, placements=empty,
                         valuation=empty)
p = build_profiles(tables)
result = candidate_pairs(p, with_features=True)
details = pair_details(p, result.pairs["cand_idx"].to_numpy(), result.pairs["vac_idx"].to_numpy())
assert list(result.pairs["candidate_id"]) == ["c1"], result.pairs
assert details["required_skills_covered"].iloc[0] == (p.vocabularies.label("skill", "metselen"),)
assert details["sroi_value_eur"].iloc[0] > 0
assert not [m for m in sys.modules if m.split(".")[0] == "matching"]
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_no_features_module_is_over_600_lines() -> None:
    for path in sorted((REPO / "features").rglob("*.py")):
        n = len(path.read_text(encoding="utf-8").splitlines())
        assert n <= 600, f"{path.relative_to(REPO)} has {n} lines"


# ------------------------------------------------------------------ settings


def test_settings_extend_feature_settings_with_the_same_defaults() -> None:
    shared = [f.name for f in dataclasses.fields(FeatureSettings)]
    assert issubclass(Settings, FeatureSettings)
    assert set(shared) < {f.name for f in dataclasses.fields(Settings)}
    s, fs = Settings(), FeatureSettings()
    for name in shared:
        assert getattr(s, name) == getattr(fs, name), name
    assert s.features == fs
    assert type(s.features) is FeatureSettings
    assert fs.features is fs
    # matching's own settings are not part of the library's
    assert not {"horizon_months", "min_score", "seed", "n_jobs", "obligation_cap_eur",
                "near_miss_reach_ratio"} & set(shared)


def test_what_features_reads_is_a_feature_setting() -> None:
    """Every ``settings.X`` the features modules read is a field of FeatureSettings."""
    shared = {f.name for f in dataclasses.fields(FeatureSettings)}
    read: set[str] = set()
    for path in (REPO / "features").rglob("*.py"):
        read |= set(re.findall(r"settings\.([a-z_]+)\b", path.read_text(encoding="utf-8")))
    read -= {"replace", "features", "py"}  # methods, property, the module name
    assert read, "the scan found the settings reads"
    assert read <= shared, sorted(read - shared)


def test_replace_keeps_the_class() -> None:
    assert type(Settings().replace(lang="en")) is Settings
    assert type(FeatureSettings().replace(lang="en")) is FeatureSettings
    assert Settings().replace(fuzzy_cutoff=80.0).features.fuzzy_cutoff == 80.0


def test_toml_value_for_a_feature_setting_reaches_the_feature_part(tmp_path: Path, small) -> None:
    from features.profiles import build_profiles

    config = tmp_path / "sroi-match.toml"
    config.write_text("[sroi_match]\nfuzzy_cutoff = 80\nferry_penalty_km = 75\n"
                      "[sroi_match.default_travel_km]\nbike = 15\n", encoding="utf-8")
    settings = load_settings(config)
    part = settings.features
    assert (part.fuzzy_cutoff, part.ferry_penalty_km) == (80.0, 75.0)
    assert part.default_travel_km["bike"] == 15.0
    assert part.default_travel_km["car"] == FeatureSettings().default_travel_km["car"]
    env = load_settings(environ={"SROI_MATCH_CHUNK_PAIRS": "1000"})
    assert env.features.chunk_pairs == 1000

    ds = small.dataset
    p = build_profiles(ds, part)
    assert p.settings.ferry_penalty_km == 75.0
    bike = ((ds.candidates["mobility"] == "bike") & ds.candidates["max_travel_km"].isna()).to_numpy()
    assert bike.any()
    assert (p.candidates.max_travel_km[bike] == 15.0).all()


def test_config_file_changes_blocking_through_the_cli(tmp_path: Path, small) -> None:
    """``sroi-match --config`` with tighter hours bounds keeps fewer pairs in ``assign --dry-run``
    — exactly as many as the library's blocking with those feature settings."""
    from features.blocking import candidate_pairs
    from features.profiles import build_profiles
    from matching.cli import cli
    from matching.synthetic.render import write_sample

    data = write_sample(small, tmp_path / "data")
    config = tmp_path / "tight.toml"
    config.write_text("hours_ratio_min = 0.95\nhours_ratio_max = 1.05\n", encoding="utf-8")

    def kept(*extra: str) -> int:
        result = CliRunner().invoke(cli, [*extra, "assign", "--data", str(data), "--dry-run",
                                          "--models", str(tmp_path / "models"),
                                          "--out", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
        found = re.search(r"after hard constraints ([\d,]+)", result.output)
        assert found, result.output
        return int(found.group(1).replace(",", ""))

    tight = FeatureSettings(hours_ratio_min=0.95, hours_ratio_max=1.05)
    ds = small.dataset.active()
    expected = candidate_pairs(build_profiles(ds, tight), tight).kept
    assert kept("--config", str(config)) == expected < kept()


# ------------------------------------------------------------------ inputs and shared data


def test_dataset_satisfies_the_tables_protocol(small) -> None:
    from matching.data.dataset import Dataset

    assert isinstance(small.dataset, Dataset)
    assert isinstance(small.dataset, Tables)
    assert isinstance(small.dataset.active(), Tables)


def test_declared_columns_are_all_the_pipeline_reads(small) -> None:
    """Profiles from frames cut down to the declared columns give the same pair features."""
    from features.blocking import candidate_pairs
    from features.profiles import build_profiles

    ds = small.dataset
    cut = dataclasses.replace(
        ds,
        candidates=ds.candidates[[c for c in CANDIDATE_COLUMNS if c in ds.candidates]],
        vacancies=ds.vacancies[[c for c in VACANCY_COLUMNS if c in ds.vacancies]],
    )
    assert len(cut.candidates.columns) < len(ds.candidates.columns)
    full = candidate_pairs(build_profiles(ds), with_features=True).pairs
    lean = candidate_pairs(build_profiles(cut), with_features=True).pairs
    assert len(full) > 0
    pd.testing.assert_frame_equal(full, lean)


def test_code_lists_are_defined_once() -> None:
    import features.inputs as inputs
    from matching.data import schema

    for name in ("CEFR_LEVELS", "EDUCATION_RANK", "STARTKWALIFICATIE", "SUPPORT_NEEDS"):
        assert getattr(schema, name) is getattr(inputs, name), name
    assert set(inputs.EDUCATION_RANK) == set(schema.EDUCATION_LEVELS)


def test_valuation_is_defined_once() -> None:
    import features.valuation
    from matching.data import valuation

    assert valuation.placement_value is features.valuation.placement_value
    assert valuation.block_value_per_year is features.valuation.block_value_per_year
    table = features.reference.default_valuation()
    value = features.valuation.placement_value(
        table, ["wajong"], [0], [36], [12], birth_year=[1970], reference_year=2026,
        permanent=[True], settings=Settings(bonus_age50_per_year_eur=1000.0))
    assert value.tolist() == [40000.0 + 1000.0 + 10000.0]


def test_transformer_defaults_are_the_feature_settings() -> None:
    from features.transformer import PairFeatureTransformer

    fs = FeatureSettings()
    params = PairFeatureTransformer().get_params()
    for name in ("fuzzy_cutoff", "ferry_penalty_km", "default_contract_months",
                 "fulltime_hours", "bonus_permanent_eur"):
        assert params[name] == getattr(fs, name), name
    settings = PairFeatureTransformer(ferry_penalty_km=5.0)._settings()
    assert type(settings) is FeatureSettings
    assert settings.ferry_penalty_km == 5.0
    assert dict(settings.default_travel_km) == dict(fs.default_travel_km)


# ------------------------------------------------------------------ errors


def test_unknown_ids_are_the_library_error_and_a_clean_data_error_in_matching(small) -> None:
    import features.errors
    from features.profiles import build_profiles
    from matching.core import errors

    assert issubclass(errors.UnknownIdError, errors.DataError)
    assert issubclass(errors.UnknownIdError, features.errors.UnknownIdError)
    mine = errors.UnknownIdError("vacancy", "V9", ["V1"])
    assert (mine.exit_code, mine.kind, mine.value, mine.suggestions) == (2, "vacancy", "V9", ["V1"])
    assert str(mine) == "unknown vacancy 'V9'; did you mean V1?"

    p = build_profiles(small.dataset)
    known = str(p.candidates.ids[0])
    with pytest.raises(features.errors.UnknownIdError) as info:
        p.candidate_index([known, known + "x"])
    assert isinstance(info.value, features.errors.FeatureInputError)
    assert info.value.kind == "candidate" and known in info.value.suggestions
    assert p.candidate_index([known]).tolist() == [0]
    assert np.array_equal(p.vacancy_index(p.vacancies.ids[[1, 0]]), [1, 0])

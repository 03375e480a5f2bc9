"""Loading datasets: cell conversion (numbers, dates, codes, lists), skip-invalid and scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from loading_helpers import PLAIN, assert_same_tables, copy_plain

from matching.core.errors import ValidationError
from matching.data import coerce
from matching.data.loading import LoadResult, load_dataset
from matching.data.schema import TABLES


@pytest.fixture(scope="module")
def plain() -> LoadResult:
    return load_dataset(PLAIN)



# --------------------------------------------------------------------------- conversion


@pytest.mark.parametrize(("text", "dutch", "expected"), [
    ("12.5", False, 12.5), ("12,5", False, 12.5), ("1.250.000,00", False, 1_250_000.0),
    ("1,250,000.75", False, 1_250_000.75), ("1.250", False, 1.25), ("1.250", True, 1250.0),
    ("12.5", True, 12.5), ("€ 1.250,50", True, 1250.5), ("-3", False, -3.0), ("5%", True, 5.0),
    ("1e3", False, 1000.0), (",5", False, 0.5), ("", False, np.nan), ("twaalf", False, np.nan),
    ("1.2.3", False, np.nan), ("12,5,0", True, np.nan),
])
def test_parse_numbers(text: str, dutch: bool, expected: float) -> None:
    got = coerce.parse_numbers(pd.Series([text], dtype="str"), dutch).iloc[0]
    assert got == expected or (np.isnan(expected) and np.isnan(got))


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_dutch_number_notation_round_trips(value) -> None:
    integer, fraction = f"{value:.2f}".split(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    for dutch in (True, False):
        parsed = coerce.parse_numbers(pd.Series([f"{grouped},{fraction}"], dtype="str"),
                                        dutch).iloc[0]
        assert parsed == pytest.approx(float(value))


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-01", "2026-03-01"), ("01-03-2026", "2026-03-01"), ("1-3-2026", "2026-03-01"),
    ("1/3/2026", "2026-03-01"), ("2026-03-01 00:00:00", "2026-03-01"),
    ("2026-03-01T14:30:00", "2026-03-01"), ("31-02-2026", None), ("2026-13-01", None),
    ("maart 2026", None), ("03/01/26", None),
])
def test_parse_dates(text: str, expected: str | None) -> None:
    got = coerce.parse_dates(pd.Series([text], dtype="str")).iloc[0]
    assert (pd.isna(got) if expected is None else got == pd.Timestamp(expected))


def convert(kind_table: str, column: str, values: list[str]) -> tuple[list, list[bool]]:
    col = TABLES[kind_table].column(column)
    converted, bad, _ = coerce.convert_column(pd.Series(values, dtype="str"), col, False)
    return converted.tolist(), bad.tolist()


def test_convert_booleans() -> None:
    words = ["true", "FALSE", "ja", "Nee", "yes", "no", "1", "0", "waar", "onwaar", "", "misschien"]
    values, bad = convert("vacancies", "permanent", words)
    assert values[:10] == [True, False] * 5
    assert pd.isna(values[10]) and pd.isna(values[11])
    assert bad == [False] * 11 + [True]


def test_convert_postcodes() -> None:
    values, bad = convert("candidates", "postcode", ["9711 AB", "9711ab", " 8911 ", "0711",
                                                       "97111", "9711 A", ""])
    assert values[:3] == ["9711", "9711", "8911"]
    assert bad == [False, False, False, True, True, True, False]


def test_convert_municipalities() -> None:
    values, bad = convert("candidates", "municipality_code",
                          ["GM14", "14", "0014", "gm0080", "Súdwest-Fryslân",
                           "SUDWEST FRYSLAN", "Atlantis", ""])
    assert values[:6] == ["GM0014", "GM0014", "GM0014", "GM0080", "GM1900", "GM1900"]
    assert values[6] == "Atlantis"  # left as is; validation reports unknown_municipality
    assert pd.isna(values[7]) and not any(bad)


def test_convert_codes_and_lists() -> None:
    values, _ = convert("candidates", "education_level", ["MBO 2", "mbo-4", "Entree", "HBO"])
    assert values == ["mbo2", "mbo4", "mbo1", "hbo"]
    values, _ = convert("candidates", "dutch_level", ["b1", " a2 "])
    assert values == ["B1", "A2"]
    values, _ = convert("candidates", "support_needs", [" Job coach ; LKS|| deeltijd ", ""])
    assert values == [("jobcoach", "wage_subsidy", "part_time"), ()]
    values, _ = convert("candidates", "skills", ["Metselen; Timmeren"])
    assert values == [("Metselen", "Timmeren")]  # free text keeps its case


def test_whole_numbers_reject_fractions() -> None:
    values, bad = convert("candidates", "benefit_months", ["12", "12,0", "12,5", "x"])
    assert values[:2] == [12.0, 12.0] and pd.isna(values[2])
    assert bad == [False, False, True, True]


# --------------------------------------------------------------------------- skip_invalid


def write_rows(path: Path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_skip_invalid_drops_rows_writes_rejects_and_cascades(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    lines = (folder / "candidates.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",32,", ",0,")                  # C001 row 2: hours 0
    lines[5] = lines[5].replace(",vmbo,", ",mbo5,")             # C005 row 6: bad level
    write_rows(folder / "candidates.csv", lines[0], lines[1:])
    lines = (folder / "projects.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",4.5,", ",150,")               # P02 row 3: pct > 100
    write_rows(folder / "projects.csv", lines[0], lines[1:])
    rejects = tmp_path / "rejects"

    with pytest.raises(ValidationError):
        load_dataset(folder)
    result = load_dataset(folder, skip_invalid=True, rejects_dir=rejects)

    ds = result.dataset
    assert ds.candidates["candidate_id"].tolist() == ["C002", "C003", "C004"]
    assert ds.projects["project_id"].tolist() == ["P01"]
    # V02 belongs to P02 (cascade), PL02 to V02 (cascade of the cascade), PL03 to C001
    assert ds.vacancies["vacancy_id"].tolist() == ["V01", "V03"]
    assert ds.placements["placement_id"].tolist() == ["PL01"]
    assert list(ds.candidates.index) == [3, 4, 5]  # rows keep their file numbers

    counts = result.rejected.groupby("table").size().to_dict()
    assert counts == {"candidates": 2, "projects": 1, "vacancies": 1, "placements": 2}
    cascade = [p for p in result.problems if p.rule == "dangling_reference"]
    assert {(p.table, p.row, p.value) for p in cascade} == {
        ("vacancies", 3, "P02"), ("placements", 3, "V02"), ("placements", 4, "C001")}
    assert sorted(p.name for p in rejects.iterdir()) == [
        "rejected_candidates.csv", "rejected_placements.csv", "rejected_projects.csv",
        "rejected_vacancies.csv"]
    written = pd.read_csv(rejects / "rejected_candidates.csv", dtype=str,
                          keep_default_na=False, encoding="utf-8-sig")
    original = pd.read_csv(PLAIN / "candidates.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == ["_row", *original.columns, "_reasons"]
    assert written["_row"].tolist() == ["2", "6"]
    assert written["candidate_id"].tolist() == ["C001", "C005"]
    assert "hours_per_week" in written.loc[0, "_reasons"]
    assert "'mbo5' is not one of" in written.loc[1, "_reasons"]
    assert any("2 invalid row(s) of candidates" in w for w in result.warnings)


def test_skip_invalid_cannot_skip_table_problems(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    frame = pd.read_csv(folder / "projects.csv", dtype=str, keep_default_na=False)
    frame.drop(columns=["sroi_percentage"]).to_csv(folder / "projects.csv", index=False)
    with pytest.raises(ValidationError) as info:
        load_dataset(folder, skip_invalid=True)
    assert [p.rule for p in info.value.problems] == ["missing_column"]


def test_skip_invalid_without_errors_rejects_nothing(plain: LoadResult) -> None:
    result = load_dataset(PLAIN, skip_invalid=True)
    assert result.rejected.empty and list(result.rejected.columns) == ["table", "row", "reasons"]
    assert_same_tables(plain, result)


# --------------------------------------------------------------------------- scale


def make_candidates(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pcs = np.array(["9711 AB", "8911", "9401", "9712", "8921 CD", "9723"])
    return pd.DataFrame({
        "kandidaat_id": [f"C{i:06d}" for i in range(n)],
        "postcode": rng.choice(pcs, n),
        "gemeente": rng.choice(["GM0014", "Leeuwarden", "106", ""], n),
        "doelgroep": rng.choice(["participatiewet", "WW", "wajong", "doelgroepregister"], n),
        "uitkeringsduur_maanden": rng.integers(0, 100, n).astype(str),
        "vaardigheden": rng.choice(["metselen;timmeren", "schoonmaken", "", "koken|afwassen"], n),
        "certificaten": rng.choice(["VCA basis", "heftruck;rijbewijs B", "", "EHBO"], n),
        "opleidingsniveau": rng.choice(["mbo 2", "vmbo", "", "havo"], n),
        "uren_per_week": rng.choice(["32", "24", "36,5", "16"], n),
        "mobiliteit": rng.choice(["auto", "fiets", "ov", ""], n),
        "beschikbaar_vanaf": rng.choice(["01-03-2026", "2026-04-01", ""], n),
        "ondersteuningsbehoefte": rng.choice(["jobcoach", "", "deeltijd|lks"], n),
    })



@pytest.mark.slow
def test_twenty_thousand_candidates_load_and_convert(tmp_path: Path) -> None:
    """A large Dutch-dialect file (``;``, cp1252) loads and converts every row.

    The load time itself is a budget of ``benchmarks/bench_budgets.py``, not a test.
    """
    folder = copy_plain(tmp_path)
    make_candidates(20_000).to_csv(folder / "candidates.csv", sep=";", index=False,
                                   encoding="cp1252")
    (folder / "placements.csv").unlink()
    result = load_dataset(folder)
    candidates = result.dataset.candidates
    assert len(candidates) == 20_000 and candidates["candidate_id"].is_unique
    assert candidates.loc[2, "candidate_id"] == "C000000"
    assert list(candidates.index[:2]) == [2, 3]  # header = row 1
    # decimal comma of a ;-separated file, municipality names and numbers to GM codes
    assert set(candidates["hours_per_week"]) == {32.0, 24.0, 36.5, 16.0}
    assert set(candidates["municipality_code"].dropna()) == {"GM0014", "GM0080", "GM0106"}
    assert set(candidates["postcode"]) == {"9711", "8911", "9401", "9712", "8921", "9723"}
    assert not [p for p in result.problems if p.severity == "error"]

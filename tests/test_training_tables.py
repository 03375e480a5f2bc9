"""The training planner's optional tables: courses and tenders (issue 16 part 1).

Loading to the canonical form (``start_dates`` a tuple of ISO dates, Dutch notation accepted),
every broken cell reported with file, row, column, value and rule (nothing loaded), empty
frames with every column when the files are absent, workbooks, the committed sample's tables
and the generator's determinism. The database round trip is in ``tests/web/test_store.py``.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from matching.cli import cli
from matching.core.errors import ValidationError
from matching.data import reference
from matching.data.dataset import Dataset
from matching.data.loading import LoadResult, load_dataset
from matching.data.reference import default_valuation
from matching.data.schema import COURSES, TABLES, TENDERS
from matching.data.validation import dataset_warnings
from matching.synthetic.sample import generate, load_truth, render_tables
from matching.synthetic.training_tables import COURSE_TEMPLATES

ROOT = Path(__file__).resolve().parents[1]
PLAIN = ROOT / "tests" / "fixtures" / "dataset"
SAMPLE = ROOT / "data" / "sample"
EXTRACTION = "2026-11-01"

COURSES_CSV = """\
course_id,name,provider,certificates,skills,dutch_level,education_level,postcode,municipality_code,cost_eur,duration_weeks,seats,start_dates
K01,Heftruckcertificaat,Noorderpoort,heftruck,Heftruck rijden,,,9723 AB,Groningen,450,1,12,01-03-2027; 2026-12-07|01-03-2027
K02,VCA basis,Friesland College,VCA basis;BHV,,,,,,225.5,0.4,16,2027-02-01
K03,Taal NT2 A2 naar B1,Alfa-college,,,b1,,7901,,1800,26,10,1-2-2027
K04,MBO-1 Entree,Drenthe College,,,,MBO-1 entree,7811,GM0114,3500,40,16,30-08-2027|31-01-2028
"""
TENDERS_CSV = """\
tender_id,name,contracting_authority,postcode,municipality_code,contract_type,expected_start,duration_months,occupations,sector,contract_value_eur,sroi_percentage,probability
T01,Groot onderhoud N366,Provincie Groningen,,Westerwolde,werken,01-06-2027,36,9312;8342,infrastructure,12500000,3,0.8
T02,Schoonmaak gemeentelijke gebouwen,Gemeente Assen,9401,,diensten,2027-01-01,,9112,cleaning,2400000,5,
"""
COURSE_COLUMNS = {
    "course_id": "str", "name": "str", "provider": "str", "certificates": "object",
    "skills": "object", "dutch_level": "str", "education_level": "str", "postcode": "str",
    "municipality_code": "str", "cost_eur": "float64", "duration_weeks": "float64",
    "seats": "float64", "start_dates": "object"}
TENDER_COLUMNS = {
    "tender_id": "str", "name": "str", "contracting_authority": "str", "postcode": "str",
    "municipality_code": "str", "contract_type": "str", "expected_start": "datetime64[ns]",
    "duration_months": "float64", "occupations": "object", "sector": "str",
    "contract_value_eur": "float64", "sroi_percentage": "float64", "probability": "float64"}


def dataset_with(tmp_path: Path, courses: str | None = COURSES_CSV,
                 tenders: str | None = TENDERS_CSV, names: tuple[str, str] = ("courses",
                                                                             "tenders")) -> Path:
    """The plain fixture plus the two tables (``None``: left out) and an extraction date."""
    folder = tmp_path / "data"
    shutil.copytree(PLAIN, folder)
    for text, name in zip((courses, tenders), names, strict=True):
        if text is not None:
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"extraction_date": EXTRACTION}),
                                          encoding="utf-8")
    return folder


def edit(text: str, row: int, column: str, value: str) -> str:
    """``text`` (CSV) with one cell replaced (row as the user sees it: header = 1)."""
    rows = list(csv.reader(text.splitlines()))
    rows[row - 1][rows[0].index(column)] = value
    return "\n".join(",".join(f'"{c}"' if "," in c else c for c in r) for r in rows) + "\n"


def assert_dtypes(frame: pd.DataFrame, expected: dict[str, str]) -> None:
    assert list(frame.columns) == list(expected)
    assert frame.index.dtype == "int64"
    for column, dtype in expected.items():
        if dtype == "str":
            assert isinstance(frame[column].dtype, pd.StringDtype), column
        else:
            assert str(frame[column].dtype) == dtype, (column, frame[column].dtype)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadResult:
    return load_dataset(dataset_with(tmp_path_factory.mktemp("valid")))


# --------------------------------------------------------------------------- canonical form


def test_valid_pair_loads_to_the_canonical_form(loaded: LoadResult) -> None:
    assert loaded.problems == []
    courses, tenders = loaded.dataset.courses, loaded.dataset.tenders
    assert_dtypes(courses, COURSE_COLUMNS)
    assert_dtypes(tenders, TENDER_COLUMNS)
    assert list(courses.index) == [2, 3, 4, 5]
    # Dutch and ISO dates, ; and |, sorted and each once
    assert courses.loc[2, "start_dates"] == ("2026-12-07", "2027-03-01")
    assert courses.loc[4, "start_dates"] == ("2027-02-01",)
    assert courses.loc[5, "start_dates"] == ("2027-08-30", "2028-01-31")
    assert all(isinstance(v, tuple) for v in courses["start_dates"])
    assert courses.loc[2, "certificates"] == ("heftruck",)
    assert courses.loc[3, "certificates"] == ("VCA basis", "BHV")
    assert (courses.loc[4, "dutch_level"], courses.loc[5, "education_level"]) == ("B1", "mbo1")
    assert (courses.loc[2, "postcode"], courses.loc[2, "municipality_code"]) == ("9723", "GM0014")
    assert pd.isna(courses.loc[3, "postcode"]) and pd.isna(courses.loc[3, "municipality_code"])
    assert courses["cost_eur"].tolist() == [450.0, 225.5, 1800.0, 3500.0]
    assert courses["seats"].tolist() == [12.0, 16.0, 10.0, 16.0]
    assert tenders.loc[2, "municipality_code"] == "GM1950"
    assert tenders["contract_type"].tolist() == ["works", "services"]
    assert tenders.loc[2, "expected_start"] == pd.Timestamp("2027-06-01")
    assert tenders.loc[2, "occupations"] == ("9312", "8342")
    assert tenders["probability"].tolist() == [0.8, 1.0]  # empty = the default 1
    assert pd.isna(tenders.loc[3, "duration_months"])
    assert loaded.dataset.sources["courses"] == "courses.csv"


def test_dutch_names_and_excel_dialect(tmp_path: Path, loaded: LoadResult) -> None:
    """The documented examples (``cursussen.csv``, ``aanbestedingen.csv``: ``;``, decimal
    comma, Dutch headers and dates) load without problems."""
    spec = importlib.util.spec_from_file_location(
        "gen_data_contract_doc", ROOT / "scripts" / "gen_data_contract_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = dataset_with(tmp_path, module.EXAMPLES["courses"][1], module.EXAMPLES["tenders"][1],
                          names=("cursussen", "aanbestedingen"))
    result = load_dataset(folder)
    assert result.problems == []
    courses, tenders = result.dataset.courses, result.dataset.tenders
    assert courses.loc[2, "start_dates"] == ("2027-01-11", "2027-03-08", "2027-09-06")
    assert courses.loc[3, "start_dates"] == ("2027-02-01", "2027-04-05")
    assert courses["cost_eur"].tolist() == [450.0, 225.0, 1800.0, 3500.0]
    assert courses.loc[3, "duration_weeks"] == 0.4
    assert tenders.loc[2, "contract_value_eur"] == 12_500_000.0
    assert tenders.loc[2, "occupations"] == ("9312", "8342", "Grondwerker")
    assert result.dataset.sources["tenders"] == "aanbestedingen.csv"


def test_workbook_with_both_sheets(tmp_path: Path, loaded: LoadResult) -> None:
    book = tmp_path / "export.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name in ("candidates", "projects", "vacancies", "placements"):
            pd.read_csv(PLAIN / f"{name}.csv", dtype=str, keep_default_na=False).to_excel(
                writer, sheet_name=name, index=False)
        for text, sheet in ((COURSES_CSV, "Cursussen"), (TENDERS_CSV, "Aanbestedingen")):
            frame = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
            frame.to_excel(writer, sheet_name=sheet, index=False)
        pd.DataFrame({"key": ["extraction_date"], "value": [EXTRACTION]}).to_excel(
            writer, sheet_name="manifest", index=False)
    result = load_dataset(book)
    assert result.problems == []
    assert result.dataset.sources["courses"] == "export.xlsx[Cursussen]"
    for name in ("courses", "tenders"):
        pd.testing.assert_frame_equal(result.dataset.table(name), loaded.dataset.table(name),
                                      obj=name)


# --------------------------------------------------------------------------- broken cells


BROKEN = [
    pytest.param("courses", 2, "certificates", "Vliegbrevet", "Vliegbrevet", "unknown_code",
                 id="unknown-certificate"),
    pytest.param("courses", 3, "start_dates", "2027-02-01;31-02-2027", "31-02-2027", "type",
                 id="bad-date-in-start-dates"),
    pytest.param("courses", 3, "start_dates", "2027-02-01|2040-01-01", "2040-01-01",
                 "implausible_date", id="start-date-outside-window"),
    pytest.param("courses", 4, "cost_eur", "-10", "-10", "range", id="negative-cost"),
    pytest.param("courses", 4, "dutch_level", "", None, "one_of", id="missing-one-of"),
    pytest.param("courses", 5, "seats", "0", "0", "range", id="seats-0"),
    pytest.param("courses", 5, "duration_weeks", "0", "0", "range", id="duration-0"),
    pytest.param("courses", 2, "start_dates", "", None, "required", id="no-start-dates"),
    pytest.param("tenders", 2, "probability", "1.5", "1.5", "range", id="probability-1.5"),
    pytest.param("tenders", 3, "postcode", "", None, "one_of", id="tender-without-place"),
    pytest.param("tenders", 3, "expected_start", "2099-01-01", "2099-01-01", "implausible_date",
                 id="tender-start-outside-window"),
    pytest.param("tenders", 2, "occupations", "", None, "required", id="no-occupations"),
]


@pytest.mark.parametrize(("table", "row", "column", "cell", "value", "rule"), BROKEN)
def test_each_broken_cell_is_reported_and_nothing_loads(
        tmp_path: Path, table: str, row: int, column: str, cell: str, value: str | None,
        rule: str) -> None:
    texts = {"courses": COURSES_CSV, "tenders": TENDERS_CSV}
    texts[table] = edit(texts[table], row, column, cell)
    with pytest.raises(ValidationError) as info:
        load_dataset(dataset_with(tmp_path, texts["courses"], texts["tenders"]))
    found = [(p.file, p.row, p.column, p.value or None, p.rule)
             for p in info.value.problems if p.severity == "error"]
    group = {c for g in TABLES[table].one_of for c in g if column in g}
    expected_column = TABLES[table].one_of[0][0] if rule == "one_of" and group else column
    assert found == [(f"{table}.csv", row, expected_column, value, rule)]
    problem = next(p for p in info.value.problems if p.severity == "error")
    if value is not None:
        assert value in problem.message


def test_validate_reports_every_problem_at_once(tmp_path: Path) -> None:
    courses = edit(COURSES_CSV, 2, "certificates", "Vliegbrevet")
    courses = edit(courses, 3, "start_dates", "2027-02-01;31-02-2027")
    courses = edit(courses, 4, "cost_eur", "-10")
    courses = edit(courses, 4, "dutch_level", "")
    courses = edit(courses, 5, "seats", "0")
    tenders = edit(TENDERS_CSV, 2, "probability", "1.5")
    folder = dataset_with(tmp_path, courses, tenders)
    result = CliRunner().invoke(cli, ["validate", "--data", str(folder), "--format", "json"])
    assert result.exit_code == 2, result.output
    payload = json.loads(result.stdout)
    rows = payload["problems"] if isinstance(payload, dict) else payload
    found = sorted((p["file"], p["row"], p["column"], p["value"] or None, p["rule"])
                   for p in rows if p["severity"] == "error")
    assert found == sorted([
        ("courses.csv", 2, "certificates", "Vliegbrevet", "unknown_code"),
        ("courses.csv", 3, "start_dates", "31-02-2027", "type"),
        ("courses.csv", 4, "cost_eur", "-10", "range"),
        ("courses.csv", 4, "certificates", None, "one_of"),
        ("courses.csv", 5, "seats", "0", "range"),
        ("tenders.csv", 2, "probability", "1.5", "range"),
    ])


def test_header_only_courses_is_one_error(tmp_path: Path) -> None:
    folder = dataset_with(tmp_path, COURSES_CSV.splitlines()[0] + "\n")
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    [p] = [p for p in info.value.problems if p.severity == "error"]
    assert (p.file, p.row, p.rule) == ("courses.csv", None, "empty_table")


def test_unresolved_tender_occupations_are_a_warning(tmp_path: Path) -> None:
    tenders = edit(TENDERS_CSV, 2, "occupations", "kwispelaar;snorfietser")
    result = load_dataset(dataset_with(tmp_path, tenders=tenders))
    assert [p for p in result.problems if p.severity == "error"] == []
    warnings = [w for w in dataset_warnings(result.dataset) if w.table == "tenders"]
    assert [(w.rule, w.column, w.count) for w in warnings] == [
        ("unresolved_occupation", "occupations", 2)]


# --------------------------------------------------------------------------- absent tables


def test_absent_files_give_empty_frames_with_every_column(tmp_path: Path) -> None:
    result = load_dataset(dataset_with(tmp_path, None, None))
    assert result.problems == []
    for frame, expected in ((result.dataset.courses, COURSE_COLUMNS),
                            (result.dataset.tenders, TENDER_COLUMNS)):
        assert frame.empty
        assert_dtypes(frame, expected)
    assert "courses" not in result.dataset.sources and "tenders" not in result.dataset.sources
    # a Dataset built in code has them too
    empty = pd.DataFrame()
    built = Dataset(empty, empty, empty, empty, default_valuation())
    assert tuple(built.courses.columns) == COURSES.column_names
    assert tuple(built.tenders.columns) == TENDERS.column_names
    pd.testing.assert_frame_equal(built.courses, result.dataset.courses)
    pd.testing.assert_frame_equal(built.tenders, result.dataset.tenders)


# --------------------------------------------------------------------------- the sample


def test_committed_sample_tables_load_without_problems() -> None:
    result = load_dataset(SAMPLE)
    ours = [p for p in result.problems if p.table in ("courses", "tenders")]
    assert ours == []
    ds = result.dataset
    assert (len(ds.courses), len(ds.tenders)) == (24, 20)
    assert_dtypes(ds.courses, COURSE_COLUMNS)
    assert_dtypes(ds.tenders, TENDER_COLUMNS)
    assert [w for w in dataset_warnings(ds) if w.table in ("courses", "tenders")] == []
    ref = pd.Timestamp(ds.extraction_date)
    starts = pd.to_datetime(ds.courses["start_dates"].explode())
    assert ((starts > ref) & (starts <= ref + pd.DateOffset(years=1))).all()
    assert ds.courses["start_dates"].map(len).between(2, 6).all()
    assert ds.courses["seats"].between(8, 16).all()
    assert ds.tenders["contract_value_eur"].between(1e6, 3e7).all()
    assert ds.tenders["sroi_percentage"].between(2, 5).all()
    assert ds.tenders["probability"].between(0.6, 1.0).all()
    months = (ds.tenders["expected_start"] - ref).dt.days / 30.44
    assert months.between(1.9, 24.1).all()
    # courses teach skills the open vacancies require
    required = {s.strip().lower() for cell in ds.open_vacancies["required_skills"] for s in cell}
    taught = {s.lower() for cell in ds.courses["skills"] for s in cell}
    assert len(taught & required) >= 5
    assert {"VCA basis (B-VCA)", "Heftruckcertificaat", "Rijbewijs C", "MBO-1 Entree",
            "Taal NT2 A2 naar B1"} <= set(ds.courses["name"])


def test_generator_is_deterministic_and_leaves_the_other_tables_alone() -> None:
    sizes = {"n_candidates": 60, "n_vacancies": 10, "n_projects": 3, "n_placements": 80}
    a = render_tables(generate(**sizes, seed=5))
    b = render_tables(generate(**sizes, seed=5))
    assert a == b
    other = render_tables(generate(**sizes, seed=6))
    assert other["courses.csv"] != a["courses.csv"] and other["tenders.csv"] != a["tenders.csv"]
    small = generate(**sizes, seed=5, n_courses=3, n_tenders=2)
    rendered = render_tables(small)
    for name in ("candidates.csv", "projects.csv", "vacancies.csv", "placements.csv"):
        assert rendered[name] == a[name], name
    assert (len(small.dataset.courses), len(small.dataset.tenders)) == (3, 2)
    many = generate(**sizes, seed=5, n_courses=40, n_tenders=0).dataset
    assert len(many.courses) == 40 and many.tenders.empty
    assert set(many.courses["name"]) == {t.name for t in COURSE_TEMPLATES}
    assert tuple(many.tenders.columns) == TENDERS.column_names
    with pytest.raises(ValueError, match="n_courses"):
        generate(**sizes, n_courses=-1)


def test_sample_tenders_need_the_occupations_of_its_vacancies() -> None:
    truth = load_truth(SAMPLE)
    assert truth is not None
    isco = reference.occupations().set_index("occupation_id")["isco_code"].astype(str)
    occupation = truth.vacancies.loc[truth.vacancies["status"] == "open", "occupation"].dropna()
    used = {o if o.isdigit() else isco[o].zfill(4) for o in occupation}
    tenders = load_dataset(SAMPLE).dataset.tenders
    assert set(tenders["occupations"].explode()) <= used


def test_candidates_lack_the_certificates_courses_give() -> None:
    """Courses matter: most open vacancies of the sample require a certificate most
    available candidates lack, and the courses give most of the certificates required."""
    truth = load_truth(SAMPLE)
    assert truth is not None
    cand = truth.candidates[truth.candidates["status"] == "available"]
    vac = truth.vacancies[truth.vacancies["status"] == "open"]
    held = [set(c) for c in cand["certificates"]]
    lacking = [np.mean([not set(r) <= h for h in held]) for r in vac["required_certificates"]
               if len(r)]
    assert len(lacking) > 0.5 * len(vac) and np.mean(lacking) > 0.6
    given = {c for t in COURSE_TEMPLATES for c in t.certificates}
    needed = {c for r in vac["required_certificates"] for c in r}
    assert len(needed & given) >= 0.6 * len(needed)

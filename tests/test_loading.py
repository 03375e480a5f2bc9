"""Loading datasets: file formats, dialects, headers, the manifest and file errors.

Cell conversion, skip-invalid and scale: ``tests/test_loading_conversion.py``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from loading_helpers import FIXTURES, PLAIN, TABLE_NAMES, assert_same_tables, copy_plain

from matching.core.errors import DataError, InputFileError, ValidationError
from matching.data import loading, reference
from matching.data.loading import LoadResult, load_dataset, normalise_column_name
from matching.data.schema import TABLES

DUTCH = FIXTURES / "dataset_nl"


@pytest.fixture(scope="module")
def plain() -> LoadResult:
    return load_dataset(PLAIN)



def typed_frames() -> dict[str, pd.DataFrame]:
    """The plain fixture as pandas types it: numbers, datetimes and booleans."""
    dates = {"candidates": ["available_from"], "projects": ["start_date", "end_date"],
             "vacancies": ["start_date"], "placements": ["start_date", "end_date"]}
    frames = {}
    for name, columns in dates.items():
        frame = pd.read_csv(PLAIN / f"{name}.csv")
        for column in columns:
            frame[column] = pd.to_datetime(frame[column])
        frames[name] = frame
    return frames


# --------------------------------------------------------------------------- the fixture


def test_plain_fixture_loads_without_problems(plain: LoadResult) -> None:
    ds = plain.dataset
    assert (len(ds.candidates), len(ds.projects), len(ds.vacancies), len(ds.placements)) == (
        5, 2, 3, 3)
    assert plain.problems == [] and plain.warnings == [] and plain.rejected.empty
    assert list(ds.candidates.index) == [2, 3, 4, 5, 6]
    assert ds.sources["candidates"] == "candidates.csv"
    assert ds.sources["valuation"] == "valuation_default.csv"
    assert len(ds.valuation) == len(reference.default_valuation())


def test_canonical_form(plain: LoadResult) -> None:
    """Every column of every table has the dtype the schema docstring promises."""
    expected = {"int": "float64", "float": "float64", "bool": "boolean",
                "date": "datetime64[ns]", "list": "object"}
    for name in TABLE_NAMES:
        frame = plain.dataset.table(name)
        schema = TABLES[name]
        assert tuple(frame.columns) == schema.column_names
        assert frame.index.dtype == "int64"
        for column in schema.columns:
            dtype = frame[column.name].dtype
            if column.kind in expected:
                assert str(dtype) == expected[column.kind], (name, column.name, dtype)
            else:
                assert isinstance(dtype, pd.StringDtype), (name, column.name)
            if column.kind == "list":
                assert all(isinstance(v, tuple) for v in frame[column.name])


def test_values_and_defaults(plain: LoadResult) -> None:
    c = plain.dataset.candidates
    assert c.loc[2, "certificates"] == ("VCA basis", "rijbewijs B")
    assert c.loc[4, "skills"] == ("heftruck rijden", "orderpicken")
    assert c.loc[6, "support_needs"] == ("jobcoach", "wage_subsidy")
    assert c.loc[6, "skills"] == ()
    assert pd.isna(c.loc[4, "municipality_code"]) and pd.isna(c.loc[3, "benefit_months"])
    p = plain.dataset.projects
    assert p.loc[3, "realised_eur"] == 0.0  # default for an empty cell
    assert p.loc[2, "contract_value_eur"] == 1_250_000.5
    v = plain.dataset.vacancies
    assert v["permanent"].tolist() == [False, True, False]
    assert v.loc[3, "eligible_target_groups"] == ("participatiewet", "doelgroepregister")
    assert v.loc[2, "start_date"] == pd.Timestamp("2026-03-01")


def test_missing_optional_tables_and_columns(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    (folder / "placements.csv").unlink()
    (folder / "vacancies.csv").write_text(
        "vacancy_id,project_id,employer_id,title,postcode,hours_per_week\n"
        "V01,P01,E01,Grondwerker,9711,36\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a table", encoding="utf-8")
    result = load_dataset(folder)
    assert result.dataset.placements.empty and "placements" not in result.dataset.sources
    assert result.warnings == []
    assert tuple(result.dataset.placements.columns) == TABLES["placements"].column_names
    v = result.dataset.vacancies.loc[2]
    assert v["positions"] == 1.0 and not v["permanent"] and v["status"] == "open"
    assert v["required_skills"] == () and pd.isna(v["start_date"])


# --------------------------------------------------------------------------- formats


def test_dutch_excel_csv_equals_plain(plain: LoadResult) -> None:
    """`;`, cp1252, decimal comma, dd-mm-jjjj, ja/nee, PC6, names and Dutch aliases."""
    assert b"\xe9" in (DUTCH / "vacatures.csv").read_bytes()  # 'é' in Windows-1252
    dutch = load_dataset(DUTCH)
    assert dutch.problems == []
    assert dutch.dataset.sources["candidates"] == "kandidaten.csv"
    assert_same_tables(plain, dutch)


def test_workbook_equals_plain(plain: LoadResult, tmp_path: Path) -> None:
    book = tmp_path / "dataset.xlsx"
    sheet_names = {"candidates": "Kandidaten", "projects": "projects",
                   "vacancies": "Vacatures", "placements": "plaatsingen"}
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, frame in typed_frames().items():
            frame.to_excel(writer, sheet_name=sheet_names[name], index=False)
        pd.DataFrame({"uitleg": ["zie handleiding"]}).to_excel(
            writer, sheet_name="Toelichting", index=False)
    result = load_dataset(book)
    assert_same_tables(plain, result)
    assert result.dataset.sources["candidates"] == "dataset.xlsx[Kandidaten]"
    assert any("Toelichting" in w for w in result.warnings)


def test_one_xlsx_per_table_in_folder(plain: LoadResult, tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    (folder / "candidates.csv").unlink()
    typed_frames()["candidates"].to_excel(folder / "kandidaten.xlsx", index=False)
    result = load_dataset(folder)
    assert result.dataset.sources["candidates"] == "kandidaten.xlsx"
    assert_same_tables(plain, result)


def test_parquet_equals_plain(plain: LoadResult, tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    folder.mkdir()
    for name, frame in typed_frames().items():
        if name == "candidates":  # a named index is read back as a column
            frame = frame.set_index("candidate_id")
        frame.to_parquet(folder / f"{name}.parquet")
    assert_same_tables(plain, load_dataset(folder))


@pytest.mark.parametrize(("encoding", "sep"), [("utf-8-sig", ","), ("utf-8", "\t"),
                                               ("utf-8-sig", ";"), ("utf-16", "\t"),
                                               ("cp1252", ",")])
def test_csv_dialects_equal_plain(plain: LoadResult, tmp_path: Path, encoding: str,
                                  sep: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("candidates", "projects", "vacancies", "placements"):
        with (PLAIN / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as fh:
            csv.writer(fh, delimiter=sep).writerows(rows)
    if sep == ";":  # Dutch conventions: 1250000.5 must then be written the Dutch way
        text = (folder / "projects.csv").read_text(encoding=encoding)
        (folder / "projects.csv").write_text(text.replace("1250000.5", "1.250.000,50"),
                                             encoding=encoding)
    if encoding == "utf-8-sig":
        assert (folder / "candidates.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert_same_tables(plain, load_dataset(folder))


def test_explicit_valuation_replaces_default(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    rows = (folder / "candidates.csv").read_text(encoding="utf-8").replace(
        ",wajong,", ",eigen_regeling,")
    (folder / "candidates.csv").write_text(rows, encoding="utf-8")
    valuation = tmp_path / "waardering.csv"
    valuation.write_text(
        "Doelgroep;Waarde per jaar (EUR);max_months\n"
        "participatiewet;30.000;24\neigen_regeling;12.500,50;\n", encoding="cp1252")
    result = load_dataset(folder, valuation=valuation)
    assert result.dataset.valuation["value_per_year_eur"].tolist() == [30000.0, 12500.5]
    assert result.dataset.sources["valuation"] == "waardering.csv"
    with pytest.raises(ValidationError) as info:  # without it the code is unknown
        load_dataset(folder)
    assert [(p.rule, p.value) for p in info.value.problems] == [("unknown_code",
                                                                 "eigen_regeling")]


def test_invalid_valuation_file_is_validated(tmp_path: Path) -> None:
    valuation = tmp_path / "valuation.csv"
    valuation.write_text("target_group,value_per_year_eur\nww,-5\n,100\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_dataset(PLAIN, valuation=valuation)
    got = {(p.file, p.row, p.column, p.rule) for p in info.value.problems}
    assert got == {("valuation.csv", 2, "value_per_year_eur", "range"),
                   ("valuation.csv", 3, "target_group", "required")}


# --------------------------------------------------------------------------- rows and headers


def test_row_numbers_follow_the_file(tmp_path: Path) -> None:
    """Blank lines keep their number; a quoted multi-line cell is one row, as in Excel."""
    folder = copy_plain(tmp_path)
    lines = (folder / "candidates.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")                      # blank line becomes row 3
    lines[3] = lines[3].replace("schoonmaken", '"schoonmaken\nstrijken"')
    lines[-1] = lines[-1].replace(",16,", ",0,")  # invalid hours in the last row
    (folder / "candidates.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    [problem] = info.value.problems
    assert (problem.row, problem.column, problem.value) == (7, "hours_per_week", "0")


def test_column_names_are_normalised() -> None:
    assert normalise_column_name("\ufeffKandidaat-ID ") == "kandidaat_id"
    assert normalise_column_name("Uitkeringsduur (maanden)") == "uitkeringsduur_maanden"
    assert normalise_column_name("Geboortedatum é") == "geboortedatum_e"


def test_unknown_column_is_a_warning(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    frame = pd.read_csv(folder / "projects.csv", dtype=str, keep_default_na=False)
    frame["Opmerking"] = ["let op", ""]
    frame[""] = ""  # an empty unnamed column, as Excel exports trailing separators
    frame.to_csv(folder / "projects.csv", index=False)
    result = load_dataset(folder)
    [problem] = result.problems
    assert (problem.file, problem.row, problem.column, problem.rule, problem.severity) == (
        "projects.csv", None, "Opmerking", "unknown_column", "warning")
    assert "Opmerking" not in result.dataset.projects.columns
    assert len(result.warnings) == 1 and "Opmerking" in result.warnings[0]


def test_table_given_twice_is_an_error(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    shutil.copy(folder / "projects.csv", folder / "projecten.csv")
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    [problem] = info.value.problems
    assert problem.rule == "unreadable_file" and "more than once" in problem.message


# --------------------------------------------------------------------------- manifest


def write_manifest(folder: Path, text: str, name: str = "manifest.json") -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("payload", "expected"), [
    ('{"generator": "matching.sample", "seed": 42, "reference_date": "2026-11-01",'
     ' "extraction_date": "2026-11-01", "files": {"candidates.csv": "ab"}}', "2026-11-01"),
    ('{"extractiedatum": "01-11-2026"}', "2026-11-01"),   # Dutch key and date
    ('{"extraction_date": "2026-11-01T17:30:00"}', "2026-11-01"),
    ('{"extraction_date": null}', None),
    ('{"extraction_date": "  "}', None),
    ('{"reference_date": "2026-11-01"}', None),           # other keys are ignored
])
def test_manifest_json_declares_the_extraction_date(tmp_path: Path, payload: str,
                                                     expected: str | None) -> None:
    folder = copy_plain(tmp_path)
    write_manifest(folder, payload)
    result = load_dataset(folder)
    assert result.dataset.extraction_date == expected
    assert result.problems == [] and result.warnings == []


def test_without_manifest_no_extraction_date(plain: LoadResult) -> None:
    assert plain.dataset.extraction_date is None
    assert plain.dataset.active().extraction_date is None


def test_upper_case_manifest_name_is_read(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    write_manifest(folder, '{"extraction_date": "2026-01-31"}', "Manifest.JSON")
    assert load_dataset(folder).dataset.extraction_date == "2026-01-31"


def test_workbook_manifest_sheet(plain: LoadResult, tmp_path: Path) -> None:
    import datetime as dt

    book = tmp_path / "dataset.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, frame in typed_frames().items():
            frame.to_excel(writer, sheet_name=name, index=False)
        pd.DataFrame({"Sleutel": ["bron", "Extraction date"],
                      "Waarde": ["Suite4Sociaal domein", dt.datetime(2026, 11, 1)]}).to_excel(
            writer, sheet_name="Manifest", index=False)
    result = load_dataset(book)
    assert result.dataset.extraction_date == "2026-11-01"
    assert result.warnings == []  # the manifest sheet is not an unknown table
    assert_same_tables(plain, result)


def manifest_problems(path: Path, **kw) -> list[tuple]:
    with pytest.raises(ValidationError) as info:
        load_dataset(path, **kw)
    return [(p.file, p.row, p.column, p.value, p.rule, p.table, p.severity)
            for p in info.value.problems]


@pytest.mark.parametrize(("payload", "value", "rule"), [
    ('{"extraction_date": "2026-13-01"}', "2026-13-01", "type"),
    ('{"extraction_date": "31-02-2026"}', "31-02-2026", "type"),
    ('{"extraction_date": "gisteren"}', "gisteren", "type"),
    ('{"extraction_date": 20261101}', "20261101", "type"),
    ('{"extraction_date": "2026-11-01", "extractiedatum": "2026-11-02"}', "2026-11-02",
     "duplicate_id"),
])
def test_bad_manifest_date_is_an_error(tmp_path: Path, payload: str, value: str,
                                       rule: str) -> None:
    folder = copy_plain(tmp_path)
    write_manifest(folder, payload)
    expected = [("manifest.json", None, "extraction_date", value, rule, "manifest", "error")]
    assert manifest_problems(folder) == expected
    assert manifest_problems(folder, skip_invalid=True) == expected  # cannot be skipped


def test_bad_manifest_message_names_value_and_format(tmp_path: Path) -> None:
    folder = copy_plain(tmp_path)
    write_manifest(folder, '{"extraction_date": "2026-13-01"}')
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    assert info.value.problems[0].message == (
        "extraction_date '2026-13-01' is not a date (use 2026-03-01 or 01-03-2026)")


@pytest.mark.parametrize("payload", ["{not json", '["2026-11-01"]', ""])
def test_unreadable_manifest_is_an_error(tmp_path: Path, payload: str) -> None:
    folder = copy_plain(tmp_path)
    write_manifest(folder, payload)
    [(file, row, column, _, rule, table, _)] = manifest_problems(folder)
    assert (file, row, column, rule, table) == ("manifest.json", None, None, "unreadable_file",
                                                "manifest")


def test_bad_workbook_manifest_names_sheet_and_row(tmp_path: Path) -> None:
    book = tmp_path / "dataset.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, frame in typed_frames().items():
            frame.to_excel(writer, sheet_name=name, index=False)
        pd.DataFrame({"key": ["source", "extraction_date"],
                      "value": ["export", "1 november"]}).to_excel(
            writer, sheet_name="manifest", index=False)
    assert manifest_problems(book, skip_invalid=True) == [
        ("dataset.xlsx[manifest]", 3, "extraction_date", "1 november", "type", "manifest",
         "error")]


def test_workbook_manifest_needs_key_and_value_columns(tmp_path: Path) -> None:
    book = tmp_path / "dataset.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, frame in typed_frames().items():
            frame.to_excel(writer, sheet_name=name, index=False)
        pd.DataFrame({"key": ["extraction_date"], "datum": ["2026-11-01"]}).to_excel(
            writer, sheet_name="manifest", index=False)
    [(file, row, column, _, rule, _, _)] = manifest_problems(book)
    assert (file, row, column, rule) == ("dataset.xlsx[manifest]", None, "value",
                                         "missing_column")


# --------------------------------------------------------------------------- file errors


def test_missing_dataset_path(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        load_dataset(tmp_path / "nope")


def test_single_csv_is_not_a_dataset() -> None:
    with pytest.raises(InputFileError, match="neither a folder nor"):
        load_dataset(PLAIN / "candidates.csv")


def test_corrupt_workbook(tmp_path: Path) -> None:
    book = tmp_path / "data.xlsx"
    book.write_bytes(b"PK\x03\x04 this is no zip")
    with pytest.raises(InputFileError, match="cannot read workbook"):
        load_dataset(book)


def test_missing_valuation_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="valuation file not found"):
        load_dataset(PLAIN, valuation=tmp_path / "nope.csv")


BAD_FILES = {
    "projects.xlsx": b"not a workbook at all",
    "projects.parquet": b"PAR1 garbage",
    # an empty projects.csv is one empty_table error (tests/test_validation_limits.py)
    "projecten.csv": b"project_id,name\nP01,a,b,c,d\n",
    "projects.txt": b"\x81\x8d\x8f\x90\x9d",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_table_file_is_a_problem(tmp_path: Path, name: str) -> None:
    """Every parser failure becomes an unreadable_file problem, never a traceback."""
    folder = copy_plain(tmp_path)
    (folder / "projects.csv").unlink()
    (folder / name).write_bytes(BAD_FILES[name])
    with pytest.raises(ValidationError) as info:
        load_dataset(folder)
    rules = [(p.file, p.rule) for p in info.value.problems if p.table == "projects"]
    assert rules == [(name, "unreadable_file")]
    assert isinstance(info.value, DataError)


def test_read_table_file_translates_errors(tmp_path: Path) -> None:
    bad = tmp_path / "x.parquet"
    bad.write_bytes(b"nope")
    with pytest.raises(InputFileError):
        loading.read_table_file(bad)
    with pytest.raises(InputFileError):
        loading.read_table_file(tmp_path / "missing.csv")
    frame = loading.read_table_file(PLAIN / "projects.csv")
    assert frame.columns[0] == "project_id" and list(frame.index) == [2, 3]
    assert frame.loc[3, "end_date"] == ""
    book = tmp_path / "pairs.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="one", index=False)
        pd.DataFrame({"candidate_id": ["C001"]}).to_excel(writer, sheet_name="two", index=False)
    assert loading.read_table_file(book).loc[2, "a"] == "1"
    assert loading.read_table_file(book, sheet="two").loc[2, "candidate_id"] == "C001"
    with pytest.raises(InputFileError, match="no sheet"):
        loading.read_table_file(book, sheet="three")

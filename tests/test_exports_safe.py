"""Spreadsheet formula injection (CWE-1236): no table we hand a user can run a formula.

Hostile text (``=…``, ``+…``, ``-…``, ``@…``, a leading tab or carriage return, full-width and
space-led forms, ``=HYPERLINK(…)``) is put into every input column that reaches an export: ids,
vacancy titles, project names, contracting authorities, employers. Every export is then read
back: in CSV each such cell starts with an apostrophe, in xlsx no cell is a formula and the text
reads exactly as the input; numbers stay numbers in both.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from matching.cli import cli
from matching.cli.render import write_shortlist
from matching.core import tables
from matching.core.tables import (
    csv_text,
    neutralise,
    safe_frame,
    workbook_bytes,
    write_csv,
    write_text_atomic,
    write_xlsx,
)
from matching.reports.assign_outputs import write_outputs
from matching.workflows.assign import run_assignment
from matching.workflows.shortlist import Matcher

PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "  =")
"""Every way a text can start that a spreadsheet evaluates (one per hostile value)."""
HYPERLINK = '=HYPERLINK("http://example.org","klik")'
HOSTILE = (*(p + "1+2" for p in PREFIXES), HYPERLINK, "@SUM(A1:A9)", "-2+3", "+cmd|' /C calc'!A0")
TRIGGERS = set("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
BREAKS = re.compile(r"[,;\t\r\n]")
"""Where a spreadsheet may cut a CSV field into cells (another separator, ignored quotes)."""

ASSIGN_CSV = ("assignments.csv", "unfilled_vacancies.csv", "unassigned_candidates.csv",
              "project_coverage.csv", "municipality_flows.csv")
NUMERIC_CSV = {"assignments.csv": ("probability", "distance_km", "sroi_value_eur"),
               "unfilled_vacancies.csv": ("positions_open",),
               "unassigned_candidates.csv": ("best_probability",),
               "project_coverage.csv": ("obligation_eur", "assigned_value_eur", "coverage_after"),
               "municipality_flows.csv": ("n",)}
SHEETS = {"assignments": "assignments", "project_coverage": "coverage",
          "unfilled_vacancies": "unfilled", "unassigned_candidates": "unassigned"}
"""Sheet of assignments.xlsx → attribute of the run it shows."""


# --------------------------------------------------------------------------- helpers
def _dangerous(cell: str) -> bool:
    """Independent of matching.core.tables: text a spreadsheet would evaluate (not a plain number)."""
    first = cell[:1] if cell[:1] in TRIGGERS else cell.lstrip()[:1]
    if first not in TRIGGERS:
        return False
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return True
    return False


def _dangerous_in_csv(cell: str) -> bool:
    """The cell, or a piece of it after a cell break, would be evaluated."""
    return _dangerous(cell) or any(_dangerous(piece) for piece in BREAKS.split(cell)[1:])


def _xml(text: str) -> str:
    """How XML (xlsx) reads a text back: a carriage return becomes a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _prefix_of(value: str) -> str | None:
    """Which of :data:`PREFIXES` ``value`` starts with (the longest)."""
    found = [p for p in PREFIXES if value.startswith(p)]
    return max(found, key=len) if found else None


def _csv_rows(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data, newline="")))


def _check_csv(data: str, *, expect_all_prefixes: bool = True) -> list[list[str]]:
    """No cell can be evaluated; each hostile cell is the input text behind an apostrophe."""
    rows = _csv_rows(data)
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if _dangerous_in_csv(c)], "a CSV cell would be evaluated"
    prefixed = {_prefix_of(c[1:]) for c in cells if c.startswith("'")}
    if expect_all_prefixes:
        assert set(PREFIXES) <= prefixed, f"prefixes not exported: {set(PREFIXES) - prefixed}"
    return rows


def _workbook_cells(path: Path) -> dict[str, list[list[openpyxl.cell.Cell]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in book.worksheets}


def _check_sheet(rows: list[list[openpyxl.cell.Cell]], frame: pd.DataFrame, *,
                 expect_all_prefixes: bool = True) -> None:
    """No formula anywhere, the text exactly the frame's, numbers stored as numbers."""
    cells = [c for row in rows for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "formula cells"
    assert [c.value for c in rows[0]] == [str(c) for c in frame.columns]
    for position, (name, column) in enumerate(frame.items()):
        written = [row[position] for row in rows[1:]]
        assert len(written) == len(column)
        for cell, value in zip(written, column.tolist(), strict=True):
            if value is None or value == "" or (pd.api.types.is_scalar(value) and pd.isna(value)):
                assert cell.value is None, (name, cell.coordinate)
            elif isinstance(value, bool):
                assert cell.data_type == "b" and cell.value is value, name
            elif isinstance(value, int | float):
                assert cell.data_type == "n" and cell.value == pytest.approx(value), name
            else:
                assert cell.data_type == "s" and cell.value == _xml(str(value)), (name, value)
                if _dangerous(cell.value):
                    assert cell.quotePrefix, (name, cell.coordinate)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith("'")], "xlsx needs no apostrophe"
    if expect_all_prefixes:
        missing = [p for p in PREFIXES if not any(t.startswith(_xml(p)) for t in texts)]
        assert not missing, f"prefixes not exported: {missing}"


def _hostile(values: pd.Series, start: int = 0) -> pd.Series:
    """Each value behind one of the prefixes, in turn."""
    return pd.Series([PREFIXES[(start + i) % len(PREFIXES)] + str(v)
                      for i, v in enumerate(values)], index=values.index)


def _rename(frame: pd.DataFrame, column: str, mapping: dict[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].map(lambda v: mapping.get(v, v))
    return frame


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def hostile_data(dataset):
    """The session dataset with hostile text in every column that reaches an export.

    Ids are renamed consistently in every table; one open vacancy per prefix is made
    impossible (one hour a week) so that unfilled_vacancies.csv carries every prefix.
    """
    cand = dataset.candidates.copy()
    cand_ids = dict(zip(cand["candidate_id"], _hostile(cand["candidate_id"]), strict=True))
    vac = dataset.vacancies.copy()
    vac_ids = dict(zip(vac["vacancy_id"], _hostile(vac["vacancy_id"], 1), strict=True))
    proj = dataset.projects.copy()
    proj_ids = dict(zip(proj["project_id"], _hostile(proj["project_id"], 2), strict=True))

    cand = _rename(cand, "candidate_id", cand_ids)
    proj = _rename(proj, "project_id", proj_ids)
    proj["name"] = _hostile(proj["name"], 3)
    proj.iloc[0, proj.columns.get_loc("name")] = HYPERLINK
    proj["contracting_authority"] = _hostile(proj["contracting_authority"], 4)
    proj["contractor_id"] = _hostile(proj["contractor_id"], 5)
    vac = _rename(_rename(vac, "vacancy_id", vac_ids), "project_id", proj_ids)
    vac["employer_id"] = _hostile(vac["employer_id"], 6)
    vac["title"] = _hostile(vac["title"], 7)
    open_rows = vac.index[vac["status"] == "open"]
    impossible = {}
    for row in open_rows:
        impossible.setdefault(_prefix_of(vac.at[row, "vacancy_id"]), row)
    vac.loc[list(impossible.values()), "hours_per_week"] = 1.0
    placements = _rename(_rename(dataset.placements, "candidate_id", cand_ids),
                         "vacancy_id", vac_ids)
    return dataclasses.replace(dataset, candidates=cand, projects=proj, vacancies=vac,
                               placements=placements)


@pytest.fixture(scope="module")
def hostile_run(hostile_data, model, settings):
    run = run_assignment(hostile_data, model, settings)
    flows = run.flows.copy()  # municipality names come from the reference table: make them hostile
    flows["home_municipality"] = _hostile(flows["home_municipality"])
    flows["work_municipality"] = [HYPERLINK] * len(flows)
    return dataclasses.replace(run, flows=flows)


@pytest.fixture(scope="module")
def assign_out(tmp_path_factory, hostile_run) -> Path:
    out = tmp_path_factory.mktemp("hostile_assign")
    write_outputs(hostile_run, out, report=False)
    return out


@pytest.fixture(scope="module")
def hostile_shortlist(hostile_data, model, settings):
    """The shortlist of an available candidate with enough vacancies, every hostile value in
    its titles (the hostile dataset's own titles, ids and employers are in the rows too)."""
    matcher = Matcher(hostile_data, model, settings)
    for candidate_id in sorted(hostile_data.available_candidates["candidate_id"])[:60]:
        result = matcher.for_candidate(candidate_id, top=60, lang="en")
        if len(result.rows) >= len(HOSTILE):
            break
    else:
        pytest.fail("no candidate of the sample has enough eligible vacancies")
    assert all(_prefix_of(r.title) and _prefix_of(r.vacancy_id) for r in result.rows)
    hostile = [dataclasses.replace(row, title=value)  # every hostile value once
               for row, value in zip(result.rows, HOSTILE, strict=False)]
    return dataclasses.replace(result, rows=hostile + result.rows[len(hostile):])


# --------------------------------------------------------------------------- neutralise
@pytest.mark.parametrize("value", [*HOSTILE, "=", "-", "@", "\t", "\r", "\u3000=1", "\uff0b1",
                                   "\uff0d1", "\uff201", "\u00a0+A1", "+31 6 1234 5678", "-5%",
                                   "- 3", "-1,E1", "=1", "-A1", "-12.", "+1+1"])
def test_formula_like_text_gets_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert tables.is_formula_like(value) and tables.formula_start(value)


@pytest.mark.parametrize("value", ["", "abc", "a=b", "12", "-12.5", "+3", "-1.234,56", "-2e3",
                                   "+1E-5", ".5", "-,5", " -12", "\t-3", "'=1+2",
                                   "\u2212 1 reason", "\u2013", "#N/A", " ", "\n", "a;b",
                                   "1,-2", "a; -5", "2024-01-01", "x=1;y=2"])
def test_other_text_is_left_alone(value: str) -> None:
    assert neutralise(value) is value
    assert not tables.is_formula_like(value) and not tables.formula_start(value)


@pytest.mark.parametrize(("value", "inert"), [
    ("Bouw;=HYPERLINK(1)", "Bouw;'=HYPERLINK(1)"),  # Dutch Excel splits a comma CSV on ';'
    ("a,+1+2", "a,'+1+2"),
    ("x\t=1", "x\t'=1"),
    ("x;  =1", "x;  '=1"),
    ("line\n@SUM(A1)", "line\n'@SUM(A1)"),  # a line break whose quotes are ignored
    ("x\r=1", "x\r'=1"),
    ("\n=1", "'\n'=1"),
    ("\t=1", "'\t'=1"),
    ("\t  =1", "'\t  '=1"),
    ("+ A; + B; \u2212 C", "'+ A; '+ B; \u2212 C"),  # the reasons column
])
def test_pieces_after_a_cell_break_get_an_apostrophe(value: str, inert: str) -> None:
    assert neutralise(value) == inert
    assert tables.is_formula_like(value)
    assert not [p for p in BREAKS.split(inert) if _dangerous(p)]


def test_a_carriage_return_never_starts_a_csv_row() -> None:
    frame = pd.DataFrame({"text": ["x\r=1+2", "a\r\nb", "plain"], "n": [1, 2, 3]})
    for for_excel in (True, False):
        text = csv_text(frame, for_excel=for_excel)
        assert text.count("\n") == 5 and text.endswith("3\n")  # 4 row ends + the quoted CRLF
        rows = _csv_rows(text)
        assert len(rows) == 4 and [r[1] for r in rows] == ["n", "1", "2", "3"]
        assert [r[0] for r in rows[1:]] == (["x\r'=1+2", "a\r\nb", "plain"] if for_excel
                                            else list(frame["text"]))
    assert csv_text(frame, lineterminator="\r\n").count("\r\n") == 5


@pytest.mark.parametrize("value", [-3, -12.5, 0, True, None, float("nan"), ("=x",), b"=x",
                                   pd.Timestamp("2024-01-01")])
def test_non_text_is_never_touched(value: object) -> None:
    assert neutralise(value) is value


def test_safe_frame_touches_text_only() -> None:
    frame = pd.DataFrame({
        "text": ["=1+2", "ok", None],
        "objects": ["-x", 5, ("=t",)],
        "negative": [-1.5, -2.0, 3.25],
        "ints": [-1, 2, 3],
        "flags": [True, False, True],
        "when": pd.to_datetime(["2024-01-01", "2024-02-01", None]),
        "=header": pd.Categorical(["@a", "b", "@a"]),
    })
    before = frame.copy()
    safe = safe_frame(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed
    assert list(safe.columns) == [*frame.columns[:-1], "'=header"]
    assert safe["text"].tolist()[:2] == ["'=1+2", "ok"] and pd.isna(safe["text"].iloc[2])
    assert safe["objects"].tolist() == ["'-x", 5, ("=t",)]
    assert safe["'=header"].tolist() == ["'@a", "b", "'@a"]
    for name in ("negative", "ints", "flags", "when"):
        pd.testing.assert_series_equal(safe[name], frame[name])


# --------------------------------------------------------------------------- writers
def test_csv_neutralises_cells_and_headers_and_keeps_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"=name": list(HOSTILE), "value": [-1.5 * i for i in range(len(HOSTILE))],
                          "count": range(-3, len(HOSTILE) - 3)})
    path = write_csv(frame, tmp_path / "t.csv", float_format="%.6g")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = _check_csv(raw.decode("utf-8-sig"))
    assert rows[0] == ["'=name", "value", "count"]
    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE]
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["value"].dtype == float and back["value"].tolist() == frame["value"].tolist()
    assert back["count"].tolist() == frame["count"].tolist()
    assert csv_text(frame, float_format="%.6g") == raw.decode("utf-8-sig")
    semicolon = write_csv(frame, tmp_path / "s.csv", sep=";").read_text(encoding="utf-8-sig")
    assert semicolon.splitlines()[0] == "'=name;value;count"
    raw_values = csv_text(frame, for_excel=False)  # machine consumers: the values as they are
    assert _csv_rows(raw_values)[1][0] == HOSTILE[0]


def test_xlsx_stores_text_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": [*HOSTILE, "#N/A", "ok"],
                          "value": [-0.5 * i for i in range(len(HOSTILE) + 2)]})
    path = write_xlsx(tmp_path / "t.xlsx", {"one": frame, "two": frame.iloc[::-1]})
    sheets = _workbook_cells(path)
    assert list(sheets) == ["one", "two"]
    _check_sheet(sheets["one"], frame)
    _check_sheet(sheets["two"], frame.iloc[::-1])
    assert sheets["one"][len(HOSTILE) + 1][0].data_type == "s"  # '#N/A' is text, not an error


def test_xlsx_bytes_are_deterministic(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": list(HOSTILE), "value": range(len(HOSTILE))})
    first = write_xlsx(tmp_path / "a.xlsx", {"s": frame, "t": frame}).read_bytes()
    second = write_xlsx(tmp_path / "b.xlsx", {"s": frame, "t": frame}).read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as container:
        assert {i.date_time for i in container.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = container.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified
    assert workbook_bytes({"s": frame, "t": frame}, deterministic=False) != first


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named-temp"])
@pytest.mark.parametrize("writer", ["csv", "xlsx", "text"])
def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path, monkeypatch,
                                                             writer: str, unnamed: bool) -> None:
    if not unnamed:
        monkeypatch.setattr(tables, "_TMPFILE", None)
    elif tables._TMPFILE is None:
        pytest.skip("no O_TMPFILE here")
    frame = pd.DataFrame({"text": list(HOSTILE)})
    target = tmp_path / f"out.{writer}"

    def write() -> None:
        if writer == "csv":
            write_csv(frame, target)
        elif writer == "xlsx":
            write_xlsx(target, {"s": frame})
        else:
            write_text_atomic(target, "{}\n")

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:  # fails after the content went to the temp file
        patch.setattr(tables.os, "fsync", broken)
        with pytest.raises(OSError, match="disk full"):
            write()
    assert _leftovers(tmp_path) == []  # no file, no temp file

    target.write_bytes(b"previous")
    with monkeypatch.context() as patch:
        patch.setattr(tables.os, "replace", broken)
        with pytest.raises(OSError, match="disk full"):
            write()
    assert _leftovers(tmp_path) == [target.name]
    assert target.read_bytes() == b"previous"

    write()
    assert _leftovers(tmp_path) == [target.name] and target.read_bytes() != b"previous"


@pytest.mark.skipif(tables._TMPFILE is None, reason="no O_TMPFILE here")
def test_a_new_file_appears_whole_under_its_own_name_only(tmp_path: Path, monkeypatch) -> None:
    """While a new file is written its folder shows nothing (a staging folder that is being
    watched holds only whole files); a file that is replaced shows a temp file meanwhile."""
    seen: list[list[str]] = []
    fsync = os.fsync

    def watching(fd: int) -> None:
        seen.append(_leftovers(tmp_path))
        fsync(fd)

    monkeypatch.setattr(tables.os, "fsync", watching)
    write_csv(pd.DataFrame({"t": ["=1"]}), tmp_path / "new.csv")
    assert seen[0] == [] and _leftovers(tmp_path) == ["new.csv"]
    write_csv(pd.DataFrame({"t": ["=2"]}), tmp_path / "new.csv")
    assert len(seen[-2]) == 2 and seen[-2][0].startswith(".new.csv.")
    assert _leftovers(tmp_path) == ["new.csv"]
    assert (tmp_path / "new.csv").read_bytes().decode("utf-8-sig") == "t\n'=2\n"


def test_content_that_cannot_be_written_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        write_csv(pd.DataFrame({"t": ["é"]}), tmp_path / "a.csv", encoding="ascii")
    with pytest.raises(UnicodeEncodeError):
        write_csv(pd.DataFrame({"t": ["€"]}), tmp_path / "a.csv", encoding="latin-1")
    assert _leftovers(tmp_path) == []


# --------------------------------------------------------------------------- assign
@pytest.mark.parametrize("name", ASSIGN_CSV)
def test_assign_csv_outputs_are_inert(assign_out: Path, hostile_run, name: str) -> None:
    data = (assign_out / name).read_bytes().decode("utf-8-sig")  # no newline translation
    rows = _check_csv(data)
    frame = getattr(hostile_run, {"assignments.csv": "assignments", "unfilled_vacancies.csv":
                                  "unfilled", "unassigned_candidates.csv": "unassigned",
                                  "project_coverage.csv": "coverage",
                                  "municipality_flows.csv": "flows"}[name])
    assert len(rows) == len(frame) + 1
    back = pd.read_csv(assign_out / name, encoding="utf-8-sig", keep_default_na=False,
                       dtype=str)
    for column in frame.columns:  # each text cell is the input text, behind ' when hostile
        if pd.api.types.is_numeric_dtype(frame[column].dtype):
            continue
        expected = ["" if pd.isna(v) else neutralise(v) for v in frame[column].astype(object)]
        assert back[column].tolist() == expected, column
    numbers = pd.read_csv(assign_out / name, encoding="utf-8-sig")
    for column in NUMERIC_CSV[name]:
        assert pd.api.types.is_numeric_dtype(numbers[column].dtype), column


def test_assign_workbook_is_inert_on_every_sheet(assign_out: Path, hostile_run) -> None:
    sheets = _workbook_cells(assign_out / "assignments.xlsx")
    assert list(sheets) == list(SHEETS)
    for sheet, attribute in SHEETS.items():
        _check_sheet(sheets[sheet], getattr(hostile_run, attribute))


def test_hostile_text_reached_the_assign_outputs(hostile_run) -> None:
    """The hostile ids and names really flow into the run's tables (not only into the files)."""
    assert {_prefix_of(v) for v in hostile_run.assignments["employer_id"]} >= set(PREFIXES)
    assert HYPERLINK in set(hostile_run.coverage["name"])
    assert all(_prefix_of(v) for v in hostile_run.unfilled["vacancy_id"])


def test_assign_workbook_is_byte_identical_run_to_run(tmp_path: Path, hostile_run) -> None:
    write_outputs(hostile_run, tmp_path / "a", report=False)
    write_outputs(hostile_run, tmp_path / "b", report=False)
    for name in ("assignments.xlsx", *ASSIGN_CSV):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# --------------------------------------------------------------------------- shortlist
def test_shortlist_csv_stdout_and_file_are_inert(hostile_shortlist, tmp_path: Path,
                                                 capsys) -> None:
    write_shortlist(hostile_shortlist, "csv", None)
    stdout = capsys.readouterr().out
    rows = _check_csv(stdout)
    titles = [r[rows[0].index("title")] for r in rows[1:]]
    assert titles[:len(HOSTILE)] == ["'" + h for h in HOSTILE]

    target = tmp_path / "sub" / "shortlist.csv"
    write_shortlist(hostile_shortlist, "csv", str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig") == stdout
    numbers = pd.read_csv(target, encoding="utf-8-sig")
    for column in ("score", "distance_km", "expected_value_eur"):
        assert pd.api.types.is_numeric_dtype(numbers[column].dtype), column


def test_shortlist_xlsx_is_inert(hostile_shortlist, tmp_path: Path) -> None:
    from matching.reports.shortlist_files import shortlist_frame

    target = tmp_path / "shortlist.xlsx"
    write_shortlist(hostile_shortlist, "xlsx", str(target))
    sheets = _workbook_cells(target)
    assert list(sheets)[:3] == ["shortlist", "near_misses", "excluded"]
    _check_sheet(sheets["shortlist"], shortlist_frame(hostile_shortlist.row_dicts()))
    for rows in sheets.values():
        assert not [c for row in rows for c in row if c.data_type == "f"]
    first = target.read_bytes()
    write_shortlist(hostile_shortlist, "xlsx", str(target))
    assert target.read_bytes() == first


def test_shortlist_json_file_is_written_whole(hostile_shortlist, tmp_path: Path) -> None:
    import json

    target = tmp_path / "shortlist.json"
    write_shortlist(hostile_shortlist, "json", str(target))
    payload = json.loads(target.read_text(encoding="utf-8"))
    assert [r["title"] for r in payload["shortlist"]][:len(HOSTILE)] == list(HOSTILE)
    assert _leftovers(tmp_path) == ["shortlist.json"]


# --------------------------------------------------------------------------- CLI end to end
CLI_HOSTILE = (*(p + "1+2" for p in ("=", "+", "-", "@", "\uff1d")), HYPERLINK)
"""Through data files: the loader strips cells, so tab / CR / space-led forms do not survive."""


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory, sample_data, registry_dir):
    """The session sample as files, every vacancy title and employer hostile; a copy of the
    session registry (the CLI caches resolved terms in its models folder)."""
    from matching.synthetic.sample import write_sample

    root = tmp_path_factory.mktemp("hostile_cli")
    data = write_sample(sample_data, root / "data")
    path = data / "vacancies.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    title, employer = rows[0].index("title"), rows[0].index("employer_id")
    for i, row in enumerate(rows[1:]):
        row[title] = CLI_HOSTILE[i % len(CLI_HOSTILE)] + " " + row[title]
        row[employer] = CLI_HOSTILE[(i + 1) % len(CLI_HOSTILE)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    models = root / "models"
    shutil.copytree(registry_dir, models)
    return data, models


def test_cli_shortlist_csv_and_xlsx_are_inert(hostile_folder, available_candidate_ids,
                                              tmp_path: Path) -> None:
    data, models = hostile_folder
    base = ("shortlist", "--data", str(data), "--models", str(models), "--top", "60",
            "--lang", "en")
    chosen = None
    for candidate_id in available_candidate_ids[:20]:
        result = CliRunner().invoke(cli, [*base, "--candidate", candidate_id, "--format", "csv"])
        assert result.exit_code == 0, result.output
        if len(_csv_rows(result.stdout)) > 1:
            chosen = candidate_id, result.stdout
            break
    assert chosen is not None, "no candidate with a shortlist"
    candidate_id, stdout = chosen
    rows = _check_csv(stdout, expect_all_prefixes=False)
    header = rows[0]
    for row in rows[1:]:
        assert row[header.index("title")].startswith("'")
        assert row[header.index("title")][1:].startswith(CLI_HOSTILE)
        assert row[header.index("employer_id")][1:] in CLI_HOSTILE

    out = tmp_path / "s.csv"
    result = CliRunner().invoke(cli, [*base, "--candidate", candidate_id, "--format", "csv",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().decode("utf-8-sig") == stdout

    book = tmp_path / "s.xlsx"
    result = CliRunner().invoke(cli, [*base, "--candidate", candidate_id, "--format", "xlsx",
                                      "--out", str(book)])
    assert result.exit_code == 0, result.output
    sheets = _workbook_cells(book)
    cells = [c for rows in sheets.values() for row in rows for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    titles = [r[header.index("title")].value for r in sheets["shortlist"][1:]]
    assert titles == [r[header.index("title")][1:] for r in rows[1:]]  # exactly the input text
    assert all(c.quotePrefix for r in sheets["shortlist"][1:] for c in [r[header.index("title")]])


def test_control_characters_never_lose_a_workbook(tmp_path: Path) -> None:
    """Characters XML cannot hold are replaced (U+FFFD), not a crash after the solve."""
    from openpyxl import load_workbook

    from matching.core.tables import write_xlsx

    frame = pd.DataFrame({"title": ["Lasser\x00\x07 A", "=1\x1b"], "n": [1.5, -2.0]})
    path = write_xlsx(tmp_path / "t.xlsx", {"titles": frame})
    sheet = load_workbook(path)["titles"]
    assert [sheet.cell(r, 1).value for r in (2, 3)] == ["Lasser\ufffd\ufffd A", "=1\ufffd"]
    assert sheet.cell(3, 1).data_type == "s" and sheet.cell(3, 2).value == -2.0


def test_rejected_rows_file_is_inert(tmp_path: Path) -> None:
    """The rejected-rows file of --skip-invalid holds the user's own text: also neutralised."""
    from matching.data.loading import load_dataset
    from matching.synthetic.sample import generate, write_sample

    data = write_sample(generate(30, 6, n_projects=2, n_placements=40, seed=2), tmp_path / "d")
    path = data / "vacancies.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[1]]))
    row[header.index("title")] = '=HYPERLINK("http://example.org","klik")'
    row[header.index("positions")] = "many"  # makes the row invalid, so it is rejected
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    lines[1] = buffer.getvalue().rstrip("\n")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_dataset(data, skip_invalid=True, rejects_dir=tmp_path / "rejects")
    text = (tmp_path / "rejects" / "rejected_vacancies.csv").read_text(encoding="utf-8-sig")
    [rejected] = list(csv.DictReader(io.StringIO(text)))
    assert rejected["title"] == "'" + '=HYPERLINK("http://example.org","klik")'

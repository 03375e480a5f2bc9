"""Generate ``docs/data-contract.md`` from :mod:`matching.data.schema` (and the reference codes).

Usage::

    python scripts/gen_data_contract_doc.py          # rewrite docs/data-contract.md
    python scripts/gen_data_contract_doc.py --check  # exit 1 when the committed doc is stale

``tests/test_validation.py`` asserts the committed document equals :func:`render`, so the
documentation cannot drift from the schema the loader and validator enforce.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from matching.data import reference, schema
from matching.data.loading import BOOLEAN_WORDS
from matching.data.validation import (
    DATASET_WARNING_RULES,
    FIRST_EXAMPLES,
    TOP_TERMS,
    UNRESOLVED_SHARE,
    VALUE_PREVIEW,
    VALUE_SHOWN_MAX,
    WARNING_RULES,
    range_text,
)

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"

KIND_TEXT = {
    "id": "id (text)",
    "str": "text",
    "code": "code",
    "list": "list",
    "int": "whole number",
    "float": "number",
    "bool": "yes/no",
    "date": "date",
    "date_list": "list of dates",
    "postcode": "postcode",
    "municipality": "municipality",
}

INPUT_FORMATS = """\
## Input formats

**A dataset** is either a folder with one file per table, or one Excel workbook (`.xlsx`)
with one sheet per table.

* File and sheet names are the table names or their Dutch aliases (listed per table below),
  case-insensitive: `candidates.csv`, `Kandidaten.xlsx`, `vacatures.parquet`, sheet
  `Plaatsingen`. Files that match no table are ignored with a warning; Excel lock files
  (`~$…`) and hidden files are skipped. A table given twice (e.g. `candidates.csv` and
  `kandidaten.xlsx`) is an error.
* Required tables: `candidates`, `projects`, `vacancies`. Without `placements` the table is
  empty; without `valuation` the default SROI building blocks shipped with sroi-match are
  used. `--valuation FILE` replaces both and is checked against the `valuation` table below.
  The training planner's tables `courses` (the course offer) and `tenders` (the regional
  tender calendar) are optional too: without them they are empty.
* Formats: `.csv` (also `.txt`, `.tsv`), `.xlsx` (also `.xlsm`; a one-table workbook uses the
  sheet named after the table, else its first sheet) and `.parquet`.
* Optional: a manifest that declares the extraction date (`manifest.json` in the folder,
  sheet `manifest` in the workbook; see *Manifest* below).

**CSV dialect.** The encoding is detected: UTF-8 with or without BOM, UTF-16 with BOM
(Excel "Unicode text"), otherwise Windows-1252 (Dutch Excel's "CSV (puntkomma-gescheiden)").
The separator is detected among `,`, `;` and tab. Cells that contain the separator must be
quoted (`"metselen;timmeren"`), or use `|` inside list cells.

**Column names** are matched after stripping, lower-casing, removing accents and folding
spaces, hyphens and punctuation to `_`: `Uren per week`, `uren-per-week` and
`UREN_PER_WEEK` all mean `uren_per_week`, a Dutch alias of `hours_per_week`. Columns the
contract does not know are ignored with a warning (rule `unknown_column`); empty unnamed
columns (trailing separators) are dropped silently. Missing optional columns get their
default.

**Row numbers** in problem reports are the rows as you see them in the file or sheet: the
header is row 1, the first data row is row 2. Empty rows are skipped but keep their number.
For Parquet files the row is the position + 2.

**Values** (empty cells are missing values):

| kind | accepted input | stored as |
|---|---|---|
| id, text | any text; surrounding spaces are removed | text |
| code | case-insensitive; Dutch aliases below are translated; CEFR levels in capitals | lower-case code (`B1` for CEFR) |
| list | several values separated by `;` or `\\|`; spaces around values and empty values are dropped | tuple of text |
| number | `12.5`, `12,5`, `1250000`, `1.250.000,00`, `1,250,000.00`, `€ 1.250`, `5%` | float |
| whole number | as number, without a fraction | float |
| yes/no | BOOLEANS | boolean |
| date | ISO `2026-03-01`, Dutch `01-03-2026` or `1-3-2026` (also with `/` or `.`), Excel date cells; a time of day is dropped | date |
| list of dates | several dates separated by `;` or `\\|`, each as a date above (`01-03-2027; 2027-09-06`); a value that is not a date is a `type` error naming it | tuple of ISO dates, sorted, each once |
| postcode | PC4 `9711` or PC6 `9711 AB` / `9711AB` (reduced to PC4) | PC4 text |
| municipality | CBS code `GM0014`, `GM14`, `14` or `0014`, or the municipality name (`Groningen`, `Súdwest-Fryslân`; case and accents ignored) | `GM0014` |

Numbers: a comma followed by digits is a decimal comma. Dots (or commas) between groups of
three digits are thousands separators. A single dot followed by exactly three digits
(`1.250`) is read as a thousands separator only in `;`-separated CSV files (Dutch Excel),
elsewhere as a decimal point. Excel and Parquet cells that are already numbers, dates or
booleans are used as they are.
"""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _allowed(column: schema.Column) -> str:
    parts = []
    if column.allowed is not None:
        parts.append(", ".join(f"`{v}`" for v in column.allowed))
    if column.vocabulary == "target_group":
        parts.append("a target group code (see *Target groups*)")
    if column.vocabulary == "certificate":
        parts.append("each value must match the certificate catalogue (see *Certificates*)")
    if column.kind == "postcode":
        parts.append("a known Dutch PC4")
    if column.kind == "municipality":
        parts.append("a known CBS municipality")
    if column.min is not None or column.max is not None:
        parts.append(range_text(column))
    if column.window is not None:
        parts.append(_window_text(column) + " (see *Limits*)")
    return "; ".join(parts)


def _window_text(column: schema.Column) -> str:
    window = column.window
    assert window is not None
    sign = "+" if window.latest_years >= 0 else "−"
    if column.kind in ("date", "date_list"):
        return (f"{window.earliest} to reference date {sign} {abs(window.latest_years)} "
                "years")
    return f"{window.earliest[:4]} to reference year {sign} {abs(window.latest_years)}"


def _default(column: schema.Column) -> str:
    if column.default is None:
        return ""
    if column.default == ():
        return "empty list"
    if isinstance(column.default, bool):
        return "no" if not column.default else "yes"
    if isinstance(column.default, float) and column.default.is_integer():
        return str(int(column.default))
    return f"`{column.default}`"


EXAMPLES: dict[str, tuple[str, str]] = {
    "courses": (
        "A course catalogue as Dutch Excel exports it (`cursussen.csv`, `;`-separated, decimal "
        "comma, Dutch dates; the start dates of a course are quoted because they hold the "
        "separator). The second course is given online (no place); the third gives no "
        "certificate but a Dutch level, the fourth an education level:",
        "cursus_id;naam;aanbieder;certificaten;vaardigheden;taalniveau;opleidingsniveau;"
        "postcode;gemeente;kosten_eur;duur_weken;plaatsen;startdata\n"
        "K01;Heftruckcertificaat;Noorderpoort;heftruck;Heftruck rijden;;;9723;Groningen;"
        '450,00;1;12;"11-01-2027; 08-03-2027; 06-09-2027"\n'
        "K02;VCA basis;Friesland College;VCA basis;;;;;;225,00;0,4;16;01-02-2027|05-04-2027\n"
        "K03;Taal NT2 A2 naar B1;Alfa-college;;;B1;;7901;Hoogeveen;1.800,00;26;10;"
        "01-02-2027\n"
        "K04;MBO-1 Entree;Drenthe College;;;;MBO-1 entree;7811;Emmen;3.500,00;40;16;"
        '"30-08-2027;31-01-2028"\n'),
    "tenders": (
        "A tender calendar (`aanbestedingen.csv`): occupations as ISCO-08 codes or labels; the "
        "second tender has no contract length yet and goes out for sure (`kans` empty = 1):",
        "aanbesteding_id;naam;opdrachtgever;gemeente;postcode;soort_opdracht;verwachte_start;"
        "looptijd_maanden;beroepen;sector;opdrachtwaarde_eur;sroi_percentage;kans\n"
        "T01;Groot onderhoud N366;Provincie Groningen;Westerwolde;;werken;01-06-2027;36;"
        "9312|8342|Grondwerker;infrastructure;12.500.000;3;0,8\n"
        "T02;Schoonmaak gemeentelijke gebouwen;Gemeente Assen;GM0106;9401;diensten;01-01-2027;;"
        "9112;cleaning;2.400.000;5;\n"),
}
"""An example file per table (introduction, CSV text), shown under the table's columns.
``tests/test_training_tables.py`` loads each one, so the examples stay valid."""


def _table_section(table: schema.TableSchema) -> list[str]:
    one_of = {c for group in table.one_of for c in group}
    lines = [f"### {table.name}", "", table.description, ""]
    facts = [f"* Required table: {'yes' if table.required_table else 'no'}."]
    if table.aliases:
        facts.append("* Dutch file / sheet names: " + ", ".join(f"`{a}`" for a in table.aliases)
                     + ".")
    if table.key:
        facts.append(f"* Key: `{table.key}` (unique).")
    for fk in table.foreign_keys:
        facts.append(f"* `{fk.column}` must exist in `{fk.table}.{fk.target}`.")
    for group in table.one_of:
        facts.append("* At least one of " + ", ".join(f"`{c}`" for c in group)
                     + " must have a value in each row (marked *one of*).")
    for earlier, later in table.date_order:
        facts.append(f"* `{later}` must not lie before `{earlier}`.")
    lines += [*facts, ""]
    lines += [
        "| column | type | required | meaning | allowed values | default | Dutch names |",
        "|---|---|---|---|---|---|---|",
    ]
    for column in table.columns:
        required = "yes" if column.required else ("one of" if column.name in one_of else "no")
        aliases = ", ".join(f"`{a}`" for a in column.aliases)
        lines.append("| " + " | ".join(_cell(v) for v in (
            f"`{column.name}`", KIND_TEXT[column.kind], required, column.description,
            _allowed(column), _default(column), aliases)) + " |")
    if table.name in EXAMPLES:
        intro, text = EXAMPLES[table.name]
        lines += ["", intro, "", "```csv", text.rstrip("\n"), "```"]
    return [*lines, ""]


def _manifest_section() -> list[str]:
    key, value = schema.MANIFEST_KEY_COLUMNS
    lines = [
        "## Manifest: the extraction date (optional)", "",
        "A dataset may declare the day it was exported from the source system. A folder holds "
        f"it in `{schema.MANIFEST_FILE}` at its root, a JSON object; other keys are ignored "
        "(the sample generator writes its seed, sizes and file fingerprints there):", "",
        "```json", '{"extraction_date": "2026-11-01"}', "```", "",
        f"A workbook holds it in an optional sheet `{schema.MANIFEST_SHEET}` with two columns "
        f"`{key[0]}` and `{value[0]}` (Dutch `{key[1]}`, `{value[1]}`), one row per key; other "
        f"rows are ignored. A `{schema.MANIFEST_FILE}` next to a workbook is not read (a folder "
        "may hold several workbooks).", "",
        "| key | type | meaning | Dutch names |", "|---|---|---|---|",
    ]
    for column in schema.MANIFEST_KEYS:
        aliases = ", ".join(f"`{a}`" for a in column.aliases)
        lines.append("| " + " | ".join(_cell(v) for v in (
            f"`{column.name}`", KIND_TEXT[column.kind], column.description, aliases)) + " |")
    lines += [
        "",
        "The date is written as in the tables: ISO `2026-11-01` (recommended), Dutch "
        "`01-11-2026`, or an Excel date cell in the sheet. An empty value or `null` means not "
        "declared. A value that is not a date (rule `type`), a key given twice (`duplicate_id`), "
        f"a `{schema.MANIFEST_FILE}` that is not a JSON object (`unreadable_file`) or a sheet "
        "without its two columns (`missing_column`) is an error that `--skip-invalid` cannot "
        "skip.", "",
        "**What it changes.** The placement history is judged on a reference date `as_of`: the "
        "declared extraction date; without one, the latest start date in the history; never "
        "later than today. A placement whose horizon lies after `as_of` is censored, and an end "
        "date after `as_of` is a planned end (the person was still employed on that day), "
        "never an outcome. `sroi-match validate` prints which `as_of` will be used and why, how "
        "many placements are censored and how many end dates lie after it.", "",
    ]
    return lines


def _limits_section() -> list[str]:
    """Empty tables, maximum cell lengths and plausible dates (from :mod:`matching.data.schema`)."""
    lines = [
        "## Limits", "",
        "### Empty tables", "",
        "A table that is given (a file or sheet) but holds no data rows, because it has only "
        "a header row or is an empty (0-byte) file, is reported once, naming the file, and "
        "nothing else is reported about it: references from other tables into an empty table "
        "are not checked (a header-only `vacancies.csv` is one error, not one per placement). "
        "The problem has no row, so `--skip-invalid` cannot skip it.", "",
        "| table | when empty | rule |", "|---|---|---|",
    ]
    for table in schema.TABLES.values():
        severity = "warning" if table.empty_rule in WARNING_RULES else "error"
        lines.append(f"| `{table.name}` | {severity}: {_cell(table.empty_why)} | "
                     f"`{table.empty_rule}` |")
    lines += [
        "",
        "A table that is not given at all is a `missing_table` error when it is required; "
        "without `placements` the history is empty, without `valuation` the default "
        "building blocks are used, without `courses` or `tenders` there is no course offer "
        "or tender calendar (empty tables).", "",
        "### Maximum cell length", "",
        "A cell longer than its column allows is one error (rule `too_long`); the other "
        "rules then treat the cell as missing, so it yields no further problems. Lengths "
        "count characters of the cell as read, after removing surrounding spaces; a list "
        "cell counts as a whole.", "",
        "| kind | at most (characters) | columns |", "|---|---|---|",
    ]
    by_kind: dict[str, list[str]] = {}
    overrides = []
    for table in schema.TABLES.values():
        for column in table.columns:
            if column.max_length is not None:
                overrides.append(f"`{table.name}.{column.name}` {column.max_length}")
            else:
                by_kind.setdefault(column.kind, []).append(f"`{table.name}.{column.name}`")
    for kind, limit in schema.MAX_LENGTH.items():
        columns = by_kind.get(kind, [])
        shown = ", ".join(columns[:6]) + (f" and {len(columns) - 6} more" if len(columns) > 6
                                          else "")
        lines.append(f"| {KIND_TEXT[kind]} | {limit:,} | {shown} |")
    if overrides:
        lines += ["", "Columns with their own limit: " + ", ".join(overrides) + "."]
    lines += [
        "",
        f"No report prints a long value in full: a value longer than {VALUE_SHOWN_MAX} "
        f"characters is shown as its first {VALUE_PREVIEW} characters and its length "
        "(`Grondwerker Grondwerker Grondwerker Gron…(1000000 chars)`), in the table and JSON "
        "output of `sroi-match validate`, in every message and in the `_reasons` of "
        "`rejected_<table>.csv` (the rejected row itself keeps its cells as they were read).",
        "",
        "### Plausible dates", "",
        "Dates (and birth years) outside their column's window are errors (rule "
        "`implausible_date`): typing errors (`2062` for `2026`), filler values (`1900-01-01`) "
        "or day and month swapped into another century. The windows end relative to the "
        "dataset's **reference date**: the declared extraction date (see *Manifest*), else "
        "today. Placements that start after the extraction date but inside their window are "
        "planned placements, a warning (`start_after_extraction`).", "",
        "| column | plausible | why | odd but possible (warning `unusual_date`) |",
        "|---|---|---|---|",
    ]
    for table in schema.TABLES.values():
        for column in table.columns:
            window = column.window
            if window is None:
                continue
            odd = ""
            if window.unusual_before_years is not None:
                unit = "year" if column.kind == "int" else "date"
                odd = (f"more than {window.unusual_before_years} years before the reference "
                       f"{unit}")
            lines.append(f"| `{table.name}.{column.name}` | {_window_text(column)} | "
                         f"{_cell(window.reason)} | {odd} |")
    return [*lines, ""]


def _warnings_section() -> list[str]:
    share = f"{UNRESOLVED_SHARE:.0%}"
    return [
        "## Validation warnings", "",
        "`sroi-match validate` also looks at the loaded dataset for things that do not block "
        "(the exit code stays 0) but that a person should know before trusting the results. "
        "Each warning has a rule, the file and column, a count and the first examples; the "
        "JSON output (`--format json`) lists them under `warnings`.", "",
        "| rule | fires when | count | examples |", "|---|---|---|---|",
        "| `unresolved_skill` | more than " + share + " of the terms of `candidates.skills`, "
        "`vacancies.required_skills`, `vacancies.preferred_skills` or `courses.skills` (one "
        "warning per column) "
        "do not resolve to the skill vocabulary | term occurrences | the "
        f"{TOP_TERMS} most frequent terms, with the nearest known term |",
        "| `unresolved_occupation` | the same for `candidates.occupations`, "
        "`vacancies.occupation` and `tenders.occupations` (ISCO-08 codes always resolve) | "
        "term occurrences | the "
        f"{TOP_TERMS} most frequent terms, with the nearest known term |",
        "| `unvalued_target_group` | a candidate's target group, or a group in "
        "`vacancies.eligible_target_groups`, has no row in the valuation table in use (it "
        "counts 0 EUR) | rows | every such group with its count |",
        "| `start_after_extraction` | a placement starts after the declared extraction date "
        "(or after today when none is declared or it lies in the future) | placements | the "
        f"first {FIRST_EXAMPLES} placements |",
        "| `history_candidate_unknown` | a placement's `candidate_id` does not appear in the "
        "candidates table: the profile at placement is unknown, so the placement cannot be "
        "featurised and is **dropped from the loaded placement history** (train and assign "
        "use the others) | placements dropped | the first "
        f"{FIRST_EXAMPLES} candidates, with their count and first rows |",
        "| `unusual_date` | a birth year more than "
        f"{schema.BIRTH_WINDOW.unusual_before_years} years before the reference date "
        "(see *Limits*) | rows | the first "
        f"{FIRST_EXAMPLES} values, with their count and first rows |",
        "| `empty_history` | `placements` is given but holds no rows (see *Limits*) | — | — |",
        "",
        "Terms resolve as the shortlist resolves them (exact names, then a fuzzy match with "
        "cut-off `fuzzy_cutoff`). A few typos are normal and stay quiet: the fuzzy match "
        "absorbs most of them, and on the committed sample about 0.5% of the skill terms "
        f"remain unresolved. More than {share} in a column points at a vocabulary the "
        "reference does not know (another language, internal codes, abbreviations). "
        "Certificates are not warned about: an unknown certificate is an error (rule "
        "`unknown_code`). A placement whose vacancy is not in the vacancies table is an error "
        "(`dangling_reference`); one whose candidate is not in the candidates table is the "
        "warning `history_candidate_unknown`, because a history outlives the pool: add "
        "placed and inactive people to the candidates table to keep their placements. When "
        "the problems are printed as a table (errors present), row-level warnings show their "
        f"first {FIRST_EXAMPLES} rows and a count of the rest; `--format json` lists every "
        "one.", "",
    ]


def _value_aliases() -> list[str]:
    users: dict[str, list[str]] = {}
    for table in schema.TABLES.values():
        for column in table.columns:
            if column.value_aliases:
                users.setdefault(column.value_aliases, []).append(f"{table.name}.{column.name}")
    lines = ["## Accepted value aliases", "",
             "Matched case-insensitively after collapsing spaces.", ""]
    for key, mapping in schema.VALUE_ALIASES.items():
        columns = ", ".join(f"`{c}`" for c in users.get(key, []))
        lines += [f"**{key}** ({columns}):", ""]
        lines.append(", ".join(f"`{alias}` → `{code}`" for alias, code in mapping.items()))
        lines.append("")
    return lines


def _reference_lists() -> list[str]:
    lines = ["## Target groups", "",
             "Codes accepted in `candidates.target_group` and `vacancies.eligible_target_groups`"
             " (plus any code in the valuation table in use):", "",
             "| code | Dutch | English |", "|---|---|---|"]
    for row in reference.target_groups().itertuples(index=False):
        lines.append(f"| `{row.code}` | {_cell(row.label_nl)} | {_cell(row.label_en)} |")
    lines += ["", "## Certificates", "",
              "Certificate cells may hold the code, the Dutch or English name or a common "
              "synonym; spelling variants close enough to a name are accepted too. A term "
              "that matches nothing is an error (rule `unknown_code`), because vacancies "
              "require certificates as a hard constraint.", "",
              "| code | Dutch | English |", "|---|---|---|"]
    for row in reference.certificates().itertuples(index=False):
        lines.append(f"| `{row.code}` | {_cell(row.label_nl)} | {_cell(row.label_en)} |")
    return [*lines, ""]


def _rules() -> list[str]:
    lines = ["## Validation rules", "",
             "Every problem is reported at once, with file (`book.xlsx[sheet]` for "
             "workbooks), row, column, value, rule and a message. Errors stop loading unless "
             "invalid rows are skipped (`--skip-invalid`): then rows with an error, and rows "
             "that refer to a skipped row, are written to `rejected_<table>.csv` with the "
             "original columns plus `_row` and `_reasons`. Problems without a row (missing "
             "or empty table, missing column, unreadable file) cannot be skipped.", "",
             "| rule | severity | meaning |", "|---|---|---|"]
    for rule, meaning in schema.RULES.items():
        severity = "warning" if rule in WARNING_RULES else "error"
        lines.append(f"| `{rule}` | {severity} | {_cell(meaning)} |")
    explained = DATASET_WARNING_RULES | {"history_candidate_unknown", "unusual_date",
                                         "empty_history"}
    lines += ["", "The " + ", ".join(f"`{r}`" for r in schema.RULES if r in explained)
              + " warnings are explained under *Validation warnings*; `empty_table`, "
              "`too_long` and `implausible_date` under *Limits*."]
    return [*lines, ""]


def _canonical_form() -> list[str]:
    """The canonical in-memory form, quoted from the docstring of :mod:`matching.data.schema`."""
    doc = schema.__doc__ or ""
    start = doc.index("Canonical in-memory form")
    body = doc[start:].split("\n", 1)[1]
    return ["## After loading (for developers)", "",
            "What the rest of the pipeline may trust (from `matching/data/schema.py`):", "",
            body.replace("``", "`").strip(), ""]


def render() -> str:
    """The full text of ``docs/data-contract.md``."""
    booleans = ", ".join(f"`{w}`" for w in BOOLEAN_WORDS)
    lines = [
        "# Data contract",
        "",
        "<!-- Generated from matching/data/schema.py by scripts/gen_data_contract_doc.py; "
        "do not edit by hand. -->",
        "",
        "The tables a coordination point brings to sroi-match, every column with its meaning, "
        "type, allowed values and default, and the rules the loader checks. Column names are "
        "snake_case English; the Dutch names listed are accepted too.",
        "",
        INPUT_FORMATS.replace("BOOLEANS", booleans + " (case-insensitive)"),
        "## Tables",
        "",
    ]
    for table in schema.TABLES.values():
        lines += _table_section(table)
    lines += (_manifest_section() + _value_aliases() + _reference_lists() + _limits_section()
              + _rules() + _warnings_section() + _canonical_form())
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the doc is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

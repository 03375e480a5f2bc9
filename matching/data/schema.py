"""The data contract, declared once: every table, column, type, allowed value and check.

The loader (:mod:`matching.data.loading`), the validator (:mod:`matching.data.validation`) and the
generated documentation (``docs/data-contract.md``) all read these declarations; nothing
else in the code base restates them.

Canonical in-memory form after loading (what the rest of the pipeline may trust):

* ``id`` / ``str`` / ``code`` columns hold ``str`` or missing (``pd.isna``); codes are
  lower case, except CEFR levels (``A0`` … ``C1``) and CBS municipality codes (``GM0014``).
* ``list`` columns hold a ``tuple`` of stripped, non-empty ``str`` (empty tuple when missing).
* ``date_list`` columns (several dates in one cell, e.g. a course's start dates) hold a
  ``tuple`` of ISO ``YYYY-MM-DD`` strings, sorted and unique (empty tuple when missing).
* ``int`` / ``float`` columns are ``float64`` (``NaN`` when missing).
* ``bool`` columns are pandas ``boolean`` (nullable).
* ``date`` columns are ``datetime64[ns]`` (``NaT`` when missing).
* ``postcode`` is a PC4 string (``"9711"``); PC6 input is reduced to PC4.
* An optional table that is not given (``placements``, ``courses``, ``tenders``) is an
  empty frame with every column of its table, typed as above.
* The frame index is the row number as the user sees it in the file or sheet (the header
  is row 1, so the first data row is row 2).
* No cell was longer than its column's maximum length (``MAX_LENGTH`` per kind), and date
  and year columns lie inside their plausible window (``DateWindow``); see *Limits*.
* Every placement's ``candidate_id`` is in ``candidates`` and its ``vacancy_id`` in
  ``vacancies`` (placements of unknown candidates are left out, with a warning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# The code lists the feature pipeline encodes are defined once, by the features library
# (features.inputs); they are part of this contract and re-exported from here.
from features.inputs import (  # noqa: F401
    CEFR_LEVELS,
    EDUCATION_RANK,
    STARTKWALIFICATIE,
    SUPPORT_NEEDS,
)

Kind = Literal["id", "str", "code", "list", "int", "float", "bool", "date", "date_list",
               "postcode", "municipality"]

EDUCATION_LEVELS: tuple[str, ...] = (
    "none", "vmbo", "mbo1", "mbo2", "mbo3", "mbo4", "havo", "vwo", "hbo", "wo",
)
"""Education levels in ascending order (the ordinal used by features)."""

MOBILITY: tuple[str, ...] = ("car", "public_transport", "bike", "none")
CANDIDATE_STATUS: tuple[str, ...] = ("available", "placed", "inactive")
VACANCY_STATUS: tuple[str, ...] = ("open", "filled", "closed")
CONTRACT_TYPES: tuple[str, ...] = ("works", "services")

# Value aliases accepted on input (lower-cased before lookup) -> canonical code.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "mobility": {
        "auto": "car", "eigen auto": "car", "ov": "public_transport", "openbaar vervoer":
        "public_transport", "public transport": "public_transport", "fiets": "bike",
        "bicycle": "bike", "geen": "none", "lopend": "none", "walk": "none",
    },
    "status": {
        "beschikbaar": "available", "geplaatst": "placed", "inactief": "inactive",
        "open": "open", "vervuld": "filled", "gesloten": "closed",
    },
    "contract_type": {"werken": "works", "diensten": "services", "work": "works",
                      "service": "services"},
    "education_level": {
        "geen": "none", "mbo 1": "mbo1", "mbo 2": "mbo2", "mbo 3": "mbo3", "mbo 4": "mbo4",
        "mbo-1": "mbo1", "mbo-2": "mbo2", "mbo-3": "mbo3", "mbo-4": "mbo4", "entree": "mbo1",
        "mbo entree": "mbo1", "mbo-1 entree": "mbo1", "mbo 1 entree": "mbo1",
        "entreeopleiding": "mbo1", "basisonderwijs": "none", "university": "wo",
    },
    "support": {
        "job coach": "jobcoach", "jobcoaching": "jobcoach", "werkplekaanpassing":
        "workplace_adaptation", "loonkostensubsidie": "wage_subsidy", "lks": "wage_subsidy",
        "structuur": "structured_work", "gestructureerd werk": "structured_work",
        "deeltijd": "part_time", "parttime": "part_time", "no-riskpolis": "no_risk_policy",
        "no-risk polis": "no_risk_policy", "no risk policy": "no_risk_policy",
        "proefplaatsing": "trial_placement", "taalondersteuning": "language_support",
        "taalcoach": "language_support", "vervoer": "transport",
    },
}


MAX_LENGTH: dict[str, int] = {
    "id": 64, "code": 64, "str": 200, "list": 2000, "int": 64, "float": 64, "bool": 64,
    "date": 64, "date_list": 2000, "postcode": 64, "municipality": 64,
}
"""Maximum length in characters of a cell as read (after stripping surrounding spaces), per
column kind; a column may set its own :attr:`Column.max_length`. Ids and codes 64, free
text (names, titles, labels) 200, a whole list cell (e.g. every skill of a person or every
start date of a course) 2,000, numbers, dates, yes/no values, postcodes and municipalities
64. A longer cell is an error (rule ``too_long``): it is a broken export (a whole file
pasted into one cell, a missing closing quote), not data."""


@dataclass(frozen=True)
class DateWindow:
    """The plausible values of a date column (or a year column such as ``birth_year``).

    ``earliest`` is a fixed ISO date (for a year column its year counts). ``latest_years`` is
    the latest plausible value relative to the dataset's reference date (the declared
    extraction date, else today): that date plus this many years (negative: before; for a
    year column: the reference year plus this many years). A value outside the window is an
    error (rule ``implausible_date``). ``unusual_before_years``: a value more than this many
    years before the reference date is possible but odd, a warning (rule ``unusual_date``).
    """

    earliest: str
    latest_years: int
    reason: str
    """Why the window is what it is (shown in messages and docs)."""
    unusual_before_years: int | None = None


EVENT_WINDOW_START = "1990-01-01"
"""No start, end or availability date of the data contract lies before this day: SROI
obligations date from the 2010s and a placement history longer than thirty years is an
export or typing error (``1900-01-01`` is the usual empty-date filler)."""


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, kind, whether required, meaning and checks."""

    name: str
    kind: Kind
    required: bool
    description: str
    allowed: tuple[str, ...] | None = None
    """Closed set of allowed (canonical) values, for ``code`` and ``list`` columns."""
    vocabulary: str | None = None
    """Reference vocabulary the values must resolve to (``target_group``, ``certificate``)."""
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    default: object = None
    aliases: tuple[str, ...] = ()
    """Accepted alternative (Dutch) column names."""
    value_aliases: str | None = None
    """Key into :data:`VALUE_ALIASES` for accepted alternative values."""
    max_length: int | None = None
    """Maximum length of a cell in characters; default :data:`MAX_LENGTH` of the kind."""
    window: DateWindow | None = None
    """Plausible dates (or years) of a ``date`` or ``date_list`` (or year) column; in a
    ``date_list`` every date is checked."""

    @property
    def length_limit(self) -> int:
        """The maximum length of a cell of this column (characters, as read)."""
        return self.max_length if self.max_length is not None else MAX_LENGTH[self.kind]


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    target: str
    unknown_rule: str = "dangling_reference"
    """Rule of a value that does not exist in the target: an error (``dangling_reference``)
    or ``history_candidate_unknown``, a warning whose rows are left out of the table."""


@dataclass(frozen=True)
class TableSchema:
    name: str
    description: str
    key: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    """Groups of columns of which at least one must hold a value in each row."""
    date_order: tuple[tuple[str, str], ...] = ()
    """(earlier, later) column pairs: later must not be before earlier."""
    aliases: tuple[str, ...] = ()
    """Accepted alternative (Dutch) table / file / sheet names."""
    required_table: bool = True
    empty_rule: str = "empty_table"
    """Rule of a given table without rows: ``empty_table`` (an error) or ``empty_history``
    (a warning: the placement history may legitimately be empty)."""
    empty_why: str = ""
    """Why the table must hold rows (in the ``empty_table`` message and the docs)."""

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, kind: Kind, required: bool, description: str, **kw: object) -> Column:
    return Column(name, kind, required, description, **kw)  # type: ignore[arg-type]


BIRTH_WINDOW = DateWindow(
    "1920-01-01", -15, "nobody older than about 105 or younger than 15 can be placed in work",
    unusual_before_years=75)
"""``birth_year``: older than 75 on the reference date is possible, but far past the state
pension age (67): a warning."""
AVAILABLE_WINDOW = DateWindow(EVENT_WINDOW_START, 2, "an availability more than two years "
                              "ahead is not a current candidate")
PROJECT_START_WINDOW = DateWindow(EVENT_WINDOW_START, 5, "contracts are awarded at most a few "
                                  "years before they start")
PROJECT_END_WINDOW = DateWindow(EVENT_WINDOW_START, 30, "the longest public contracts (DBFMO) "
                                "run about 30 years")
VACANCY_START_WINDOW = DateWindow(EVENT_WINDOW_START, 5, "a vacancy starts no later than its "
                                  "project may start")
PLACEMENT_START_WINDOW = DateWindow(EVENT_WINDOW_START, 2, "a history export holds placements "
                                    "that started, or start within two years (planned)")
PLACEMENT_END_WINDOW = DateWindow(EVENT_WINDOW_START, 10, "planned contract ends lie at most "
                                  "ten years ahead (contract_months <= 120)")
COURSE_START_WINDOW = DateWindow(EVENT_WINDOW_START, 5, "a course catalogue plans start dates "
                                 "at most a few years ahead")
TENDER_START_WINDOW = DateWindow(EVENT_WINDOW_START, 5, "a tender calendar plans contracts "
                                 "that start at most a few years ahead, like a project")


CANDIDATES = TableSchema(
    name="candidates",
    description="One row per person in the pool (pseudonymous: no names, no BSN).",
    key="candidate_id",
    aliases=("kandidaten",),
    empty_why="without candidates there is nobody to match",
    one_of=(("postcode", "municipality_code"),),
    columns=(
        _c("candidate_id", "id", True, "Pseudonymous unique id.", aliases=("kandidaat_id",)),
        _c("postcode", "postcode", False, "Home postcode, PC4 (`9711`) or PC6 (`9711 AB`, reduced to PC4). At least one of postcode / municipality_code.", aliases=("postcode_woonadres",)),
        _c("municipality_code", "municipality", False, "CBS code of the home municipality (`GM0014`). Used for distance fallback and fairness audit only, never a model input.", aliases=("gemeentecode", "gemeente")),
        _c("target_group", "code", True, "SROI target group code from the valuation table.", vocabulary="target_group", aliases=("doelgroep",)),
        _c("benefit_months", "int", False, "Months on benefit, selects the valuation tier.", min=0, max=600, aliases=("uitkeringsduur_maanden",)),
        _c("birth_year", "int", False, "Year of birth: valuation bonus (age >= 50) and fairness audit only, never a model input.", window=BIRTH_WINDOW, aliases=("geboortejaar",)),
        _c("skills", "list", False, "Skills: free text (Dutch or English) or ESCO labels.", default=(), aliases=("vaardigheden",)),
        _c("certificates", "list", False, "Certificates and licences: codes or free text (`VCA basis`, `heftruck`, `rijbewijs B`). Must resolve to the certificate catalogue.", vocabulary="certificate", default=(), aliases=("certificaten",)),
        _c("occupations", "list", False, "Wanted or previous occupations: ISCO-08 codes or labels (Dutch or English).", default=(), aliases=("beroepen",)),
        _c("education_level", "code", False, "Highest education level.", allowed=EDUCATION_LEVELS, value_aliases="education_level", aliases=("opleidingsniveau",)),
        _c("dutch_level", "code", False, "Dutch language level, CEFR.", allowed=CEFR_LEVELS, aliases=("taalniveau", "taalniveau_nederlands")),
        _c("hours_per_week", "float", True, "Hours per week the person can work.", min=0, max=60, min_exclusive=True, aliases=("uren_per_week",)),
        _c("mobility", "code", False, "Means of travel; sets the default reach.", allowed=MOBILITY, value_aliases="mobility", aliases=("mobiliteit", "vervoer")),
        _c("max_travel_km", "float", False, "Maximum one-way travel distance; default by mobility (see docs/features.md).", min=0, max=300, aliases=("max_reisafstand_km",)),
        _c("support_needs", "list", False, "Support the person needs.", allowed=SUPPORT_NEEDS, value_aliases="support", default=(), aliases=("ondersteuningsbehoefte",)),
        _c("available_from", "date", False, "First day the person can start.", window=AVAILABLE_WINDOW, aliases=("beschikbaar_vanaf",)),
        _c("status", "code", False, "available (default), placed or inactive.", allowed=CANDIDATE_STATUS, value_aliases="status", default="available"),
        _c("gender", "code", False, "Optional, fairness audit only, never a model input.", allowed=("f", "m", "x"), aliases=("geslacht",)),
        _c("nationality", "str", False, "Optional, fairness audit only, never a model input.", aliases=("nationaliteit",)),
    ),
)

PROJECTS = TableSchema(
    name="projects",
    description="One row per public contract with an SROI obligation.",
    key="project_id",
    aliases=("projecten",),
    empty_why="every vacancy serves a project",
    date_order=(("start_date", "end_date"),),
    columns=(
        _c("project_id", "id", True, "Unique project id."),
        _c("name", "str", True, "Project name.", aliases=("naam", "projectnaam")),
        _c("contracting_authority", "str", True, "CBS code or name of the municipality / province that awarded the contract.", aliases=("opdrachtgever",)),
        _c("contractor_id", "id", True, "The contractor (employer) that carries the obligation.", aliases=("opdrachtnemer", "opdrachtnemer_id")),
        _c("contract_type", "code", False, "works or services.", allowed=CONTRACT_TYPES, value_aliases="contract_type", aliases=("soort_opdracht",)),
        _c("contract_value_eur", "float", True, "Contract value excluding VAT.", min=0, aliases=("opdrachtwaarde_eur",)),
        _c("sroi_percentage", "float", True, "SROI percentage of the contract value.", min=0, max=100, aliases=("sroi_percentage",)),
        _c("obligation_eur", "float", False, "Overrides pct x value (which is capped, see docs).", min=0, aliases=("verplichting_eur",)),
        _c("realised_eur", "float", False, "Value already fulfilled.", min=0, default=0.0, aliases=("gerealiseerd_eur",)),
        _c("start_date", "date", False, "Contract start.", window=PROJECT_START_WINDOW, aliases=("startdatum",)),
        _c("end_date", "date", False, "Contract end.", window=PROJECT_END_WINDOW, aliases=("einddatum",)),
    ),
)

VACANCIES = TableSchema(
    name="vacancies",
    description="One row per vacancy (may have several positions).",
    key="vacancy_id",
    aliases=("vacatures",),
    empty_why="without vacancies there is nothing to match, and the placement history refers "
              "to vacancies",
    one_of=(("postcode", "municipality_code"),),
    foreign_keys=(ForeignKey("project_id", "projects", "project_id"),),
    columns=(
        _c("vacancy_id", "id", True, "Unique vacancy id.", aliases=("vacature_id",)),
        _c("project_id", "id", True, "The project whose obligation the vacancy serves."),
        _c("employer_id", "id", True, "The employer (contractor or subcontractor).", aliases=("werkgever_id",)),
        _c("title", "str", True, "Job title, free text.", aliases=("titel", "functie")),
        _c("occupation", "str", False, "ISCO-08 code or occupation label (Dutch or English).", aliases=("beroep",)),
        _c("postcode", "postcode", False, "Work location postcode (PC4 or PC6)."),
        _c("municipality_code", "municipality", False, "CBS code of the work municipality.", aliases=("gemeentecode", "gemeente")),
        _c("required_skills", "list", False, "Skills the job requires.", default=(), aliases=("vereiste_vaardigheden",)),
        _c("preferred_skills", "list", False, "Skills that help.", default=(), aliases=("gewenste_vaardigheden",)),
        _c("required_certificates", "list", False, "Certificates a candidate must hold (hard constraint).", vocabulary="certificate", default=(), aliases=("vereiste_certificaten",)),
        _c("hours_per_week", "float", True, "Hours per week.", min=0, max=60, min_exclusive=True, aliases=("uren_per_week",)),
        _c("positions", "int", False, "Number of people wanted.", min=1, max=1000, default=1.0, aliases=("aantal_plaatsen",)),
        _c("start_date", "date", False, "Planned start.", window=VACANCY_START_WINDOW, aliases=("startdatum",)),
        _c("contract_months", "int", False, "Contract length in months.", min=0, max=120, min_exclusive=True, aliases=("contractduur_maanden",)),
        _c("permanent", "bool", False, "Permanent contract offered.", default=False, aliases=("vast_contract",)),
        _c("min_education_level", "code", False, "Minimum education level.", allowed=EDUCATION_LEVELS, value_aliases="education_level", aliases=("min_opleidingsniveau",)),
        _c("min_dutch_level", "code", False, "Minimum Dutch level (CEFR).", allowed=CEFR_LEVELS, aliases=("min_taalniveau",)),
        _c("support_offered", "list", False, "Support the employer offers.", allowed=SUPPORT_NEEDS, value_aliases="support", default=(), aliases=("geboden_ondersteuning",)),
        _c("eligible_target_groups", "list", False, "Target groups that count for the project; empty = every SROI target group.", vocabulary="target_group", default=(), aliases=("doelgroepen",)),
        _c("status", "code", False, "open (default), filled or closed.", allowed=VACANCY_STATUS, value_aliases="status", default="open"),
    ),
)

PLACEMENTS = TableSchema(
    name="placements",
    description="Placement history: the outcomes the model learns from.",
    key="placement_id",
    aliases=("plaatsingen",),
    required_table=False,
    empty_rule="empty_history",
    empty_why="legitimate for a coordination point without history, but nothing can be "
              "trained on it",
    date_order=(("start_date", "end_date"),),
    foreign_keys=(
        ForeignKey("candidate_id", "candidates", "candidate_id",
                   unknown_rule="history_candidate_unknown"),
        ForeignKey("vacancy_id", "vacancies", "vacancy_id"),
    ),
    columns=(
        _c("placement_id", "id", True, "Unique placement id.", aliases=("plaatsing_id",)),
        _c("candidate_id", "id", True, "The person placed (profile as at placement).", aliases=("kandidaat_id",)),
        _c("vacancy_id", "id", True, "The vacancy (closed vacancies stay in the table).", aliases=("vacature_id",)),
        _c("start_date", "date", True, "First working day.", window=PLACEMENT_START_WINDOW, aliases=("startdatum",)),
        _c("end_date", "date", False, "Day the employment ended; empty = still employed.", window=PLACEMENT_END_WINDOW, aliases=("einddatum",)),
        _c("hours_per_week", "float", False, "Contracted hours.", min=0, max=60, min_exclusive=True, aliases=("uren_per_week",)),
    ),
)

VALUATION = TableSchema(
    name="valuation",
    description="SROI building blocks: value per target group per year of full-time work.",
    key="",
    aliases=("waardering", "bouwblokken"),
    required_table=False,
    empty_why="a valuation table that is given replaces the default building blocks, and an "
              "empty one values nothing (leave the file out to use the default)",
    columns=(
        _c("target_group", "code", True, "Target group code.", aliases=("doelgroep",)),
        _c("tier", "str", False, "Tier label, e.g. a benefit-duration bucket."),
        _c("benefit_months_min", "int", False, "Tier applies from this many months on benefit (inclusive).", min=0),
        _c("benefit_months_max", "int", False, "Tier applies below this many months on benefit (exclusive); empty = no upper bound.", min=0),
        _c("value_per_year_eur", "float", True, "Value per year of full-time work.", min=0, aliases=("waarde_per_jaar_eur",)),
        _c("max_months", "int", False, "Months the person counts for; empty = no limit.", min=0),
        _c("label_nl", "str", False, "Dutch label."),
        _c("label_en", "str", False, "English label."),
    ),
)

COURSES = TableSchema(
    name="courses",
    description="Optional. One row per course a training provider offers: the certificates, "
                "skills, Dutch level or education level a participant gains, with its cost, "
                "length, places and start dates. Read by the training planner.",
    key="course_id",
    aliases=("cursussen", "opleidingen"),
    required_table=False,
    empty_why="a course catalogue that is given must list courses (leave the file out when "
              "there are none)",
    one_of=(("certificates", "skills", "dutch_level", "education_level"),),
    columns=(
        _c("course_id", "id", True, "Unique course id.", aliases=("cursus_id", "opleiding_id")),
        _c("name", "str", True, "Course name (`VCA basis`, `Heftruckcertificaat`).", aliases=("naam", "cursusnaam")),
        _c("provider", "str", True, "Training provider (school, company school, trainer).", aliases=("aanbieder", "opleider")),
        _c("certificates", "list", False, "Certificates a participant gets. Must resolve to the certificate catalogue, like candidates.certificates. At least one of certificates / skills / dutch_level / education_level.", vocabulary="certificate", default=(), aliases=("certificaten",)),
        _c("skills", "list", False, "Skills the course teaches: free text (Dutch or English) or ESCO labels.", default=(), aliases=("vaardigheden",)),
        _c("dutch_level", "code", False, "Dutch language level (CEFR) a participant reaches (e.g. `B1` after NT2 A2 to B1).", allowed=CEFR_LEVELS, aliases=("taalniveau", "taalniveau_nederlands")),
        _c("education_level", "code", False, "Education level a participant reaches (MBO-1 Entree: `mbo1`).", allowed=EDUCATION_LEVELS, value_aliases="education_level", aliases=("opleidingsniveau",)),
        _c("postcode", "postcode", False, "Where the course is given, PC4 or PC6. Empty postcode and municipality_code: online or at the candidate's own location.", aliases=("postcode_locatie",)),
        _c("municipality_code", "municipality", False, "CBS code of the municipality where the course is given.", aliases=("gemeentecode", "gemeente")),
        _c("cost_eur", "float", True, "Price per participant excluding VAT.", min=0, aliases=("kosten_eur", "prijs_eur")),
        _c("duration_weeks", "float", True, "Length of the course in weeks, from start to certificate (a two-day course is 0.4).", min=0, max=104, min_exclusive=True, aliases=("duur_weken",)),
        _c("seats", "int", True, "Places per start date.", min=1, max=1000, aliases=("plaatsen", "aantal_plaatsen")),
        _c("start_dates", "date_list", True, "Planned start dates: several dates in one cell separated by `;` or `|`, each ISO `2027-03-01` or Dutch `01-03-2027`.", window=COURSE_START_WINDOW, aliases=("startdata", "startdatums")),
    ),
)

TENDERS = TableSchema(
    name="tenders",
    description="Optional. The regional tender calendar: one row per planned tender or "
                "project that will carry an SROI obligation, with the occupations it will "
                "need. Read by the training planner (who to train now for the work to come).",
    key="tender_id",
    aliases=("aanbestedingen", "aanbestedingskalender"),
    required_table=False,
    empty_why="a tender calendar that is given must list tenders (leave the file out when "
              "there are none)",
    one_of=(("postcode", "municipality_code"),),
    columns=(
        _c("tender_id", "id", True, "Unique tender id.", aliases=("aanbesteding_id",)),
        _c("name", "str", True, "Name of the tender or project.", aliases=("naam", "projectnaam")),
        _c("contracting_authority", "str", True, "CBS code or name of the municipality, province or agency that will award the contract.", aliases=("opdrachtgever",)),
        _c("postcode", "postcode", False, "Work location postcode (PC4 or PC6). At least one of postcode / municipality_code."),
        _c("municipality_code", "municipality", False, "CBS code of the work municipality.", aliases=("gemeentecode", "gemeente")),
        _c("contract_type", "code", False, "works or services.", allowed=CONTRACT_TYPES, value_aliases="contract_type", aliases=("soort_opdracht",)),
        _c("expected_start", "date", True, "Expected start of the contract.", window=TENDER_START_WINDOW, aliases=("verwachte_start", "startdatum")),
        _c("duration_months", "int", False, "Expected contract length in months.", min=0, max=360, min_exclusive=True, aliases=("looptijd_maanden",)),
        _c("occupations", "list", True, "Occupations the work will need: ISCO-08 codes or labels (Dutch or English), like candidates.occupations.", aliases=("beroepen",)),
        _c("sector", "str", False, "Sector of the work (free text, e.g. `infrastructure`, `cleaning`)."),
        _c("contract_value_eur", "float", True, "Expected contract value excluding VAT.", min=0, aliases=("opdrachtwaarde_eur",)),
        _c("sroi_percentage", "float", True, "SROI percentage of the contract value.", min=0, max=100, aliases=("sroi_percentage",)),
        _c("probability", "float", False, "Chance (0-1) that the tender goes out as planned.", min=0, max=1, default=1.0, aliases=("kans",)),
    ),
)

MANIFEST_FILE = "manifest.json"
MANIFEST_SHEET = "manifest"
MANIFEST_KEY_COLUMNS: tuple[tuple[str, ...], tuple[str, ...]] = (("key", "sleutel"),
                                                                 ("value", "waarde"))
"""Header names (with Dutch aliases) of the two columns of a workbook's ``manifest`` sheet."""

MANIFEST_KEYS: tuple[Column, ...] = (
    _c("extraction_date", "date", False, "Day the data was exported from the source system. Outcomes of the placement history are judged on this day: an end date after it is a planned end (still employed), a placement whose horizon lies after it is censored.", aliases=("extractiedatum", "exportdatum")),
)
"""Keys of the optional dataset manifest (``manifest.json`` in a folder, sheet ``manifest`` in
a workbook). Other keys are ignored."""

TABLES: dict[str, TableSchema] = {
    t.name: t for t in (CANDIDATES, PROJECTS, VACANCIES, PLACEMENTS, VALUATION, COURSES, TENDERS)
}
"""All tables of a dataset, in loading order."""

PROTECTED_COLUMNS: frozenset[str] = frozenset(
    {"birth_year", "age", "age_band", "gender", "nationality", "municipality_code",
     "home_municipality", "province"}
)
"""Candidate attributes that may be used for auditing, never as model inputs."""


@dataclass(frozen=True)
class Problem:
    """One validation problem, as the user needs it to fix the file."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    table: str = field(default="")
    severity: str = field(default="error")
    """``"error"`` (the row or file breaks the contract) or ``"warning"`` (cleaned or ignored)."""


RULES: dict[str, str] = {
    "missing_table": "a required table is missing",
    "unreadable_file": "the file cannot be read",
    "missing_column": "a required column is missing",
    "unknown_column": "a column the contract does not know (ignored; warning)",
    "required": "a required value is missing",
    "one_of": "at least one of these columns needs a value",
    "type": "the value is not of the column's type",
    "allowed_values": "the value is not one of the allowed values",
    "unknown_code": "the code is not in the reference vocabulary",
    "unknown_postcode": "the postcode is not a known Dutch PC4",
    "unknown_municipality": "the municipality code is not a known CBS code",
    "range": "the number is outside the allowed range",
    "duplicate_id": "the id occurs more than once",
    "dangling_reference": "the referenced id does not exist",
    "date_order": "an end date lies before the start date",
    "empty_table": "a table that is given holds no rows (header only, or an empty file)",
    "too_long": "a cell is longer than its column allows (see *Limits*)",
    "implausible_date": "a date or birth year outside its column's plausible window (see *Limits*)",
    "unresolved_skill": "skill terms that do not resolve to the skill vocabulary",
    "unresolved_occupation": "occupation terms that do not resolve to ISCO-08 / ESCO",
    "unvalued_target_group": "a target group without a row in the valuation table",
    "start_after_extraction": "placements that start after the extraction date",
    "empty_history": "the placement history is given but holds no rows",
    "unusual_date": "a birth year that is possible but odd (older than 75)",
    "history_candidate_unknown": "placements whose candidate is not in the candidates table "
                                 "(left out of the history)",
}
"""Every validation rule id with its meaning (documented in docs/data-contract.md)."""

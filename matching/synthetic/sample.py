"""Synthetic Northern-Netherlands sample data with a documented ground truth.

:func:`generate` draws a coordination point's data (candidates, projects, vacancies and a
placement history) for the 38 in-scope municipalities of Friesland, Groningen and Drenthe,
with distributions taken from ``shared/DOMAIN.md`` and documented in ``docs/ground-truth.md``.
Every placement outcome is drawn from :class:`matching.synthetic.ground_truth.GroundTruth`, so the
oracle probability of any pair is known exactly. Historic outcomes use the start delay as
known at the placement (placement start − vacancy start), never a candidate's current
availability. By default the SROI obligations of running projects bind (their open positions
would cover them by a factor around 1); keyword arguments of :func:`generate` make
robustness worlds (base rate, label noise, share of recent placements, planned end dates,
renamed skill terms). :func:`write_sample` writes the four tables as plain UTF-8 CSV plus
``manifest.json`` (which declares the ``extraction_date``); :func:`load_truth` recovers the
oracle from a written folder. Output is deterministic per seed (``numpy`` ``PCG64``).

Examples
--------
>>> sample = generate(200, 20, n_projects=6, n_placements=150, seed=7)
>>> int((sample.dataset.candidates["status"] == "available").sum())
200
>>> int((sample.dataset.vacancies["status"] == "open").sum())
20
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

from features.vocabulary import Vocabulary, normalise_term
from matching.core.config import Settings
from matching.data import reference
from matching.data import valuation as _valuation
from matching.data.dataset import Dataset
from matching.data.schema import (
    CANDIDATES,
    CEFR_LEVELS,
    EDUCATION_LEVELS,
    PLACEMENTS,
    PROJECTS,
    SUPPORT_NEEDS,
    VACANCIES,
    VALUATION,
    TableSchema,
)
from matching.synthetic.ground_truth import Coefficients, GroundTruth

__all__ = [
    "GENERATOR_VERSION",
    "TARGET_GROUP_MIX",
    "SampleData",
    "base_rate_shift_for",
    "generate",
    "load_truth",
    "render_tables",
    "write_sample",
]

GENERATOR_VERSION = "2.1.0"
"""Bumped whenever the same seed would give different data."""

TABLE_FILES: tuple[str, ...] = ("candidates", "projects", "vacancies", "placements")

# ----------------------------------------------------------------------------- distributions

TARGET_GROUP_MIX: Mapping[str, float] = {
    "participatiewet": 0.40, "doelgroepregister": 0.07, "wajong": 0.05, "wia": 0.04,
    "wsw": 0.04, "ww": 0.15, "nug": 0.08, "statushouder": 0.08, "bbl": 0.04,
    "jongere_zonder_sk": 0.05,
}
"""Share of each target group among candidates (DOMAIN §3; participatiewet dominates)."""

SECTORS: tuple[str, ...] = (
    "construction", "infrastructure", "green", "cleaning", "logistics", "hospitality",
    "production",
)
SECTOR_NL = {
    "construction": "bouw", "infrastructure": "infra", "green": "groen",
    "cleaning": "schoonmaak", "logistics": "logistiek", "hospitality": "horeca",
    "production": "productie",
}
_SECTOR_BY_CONTRACT = {
    "works": (0.50, 0.32, 0.18, 0.0, 0.0, 0.0, 0.0),
    "services": (0.0, 0.0, 0.18, 0.30, 0.20, 0.17, 0.15),
}
"""Main sector of a project by contract type (order of :data:`SECTORS`)."""

_ISCO3_SECTOR = {
    "711": "construction", "712": "construction", "713": "construction", "741": "construction",
    "931": "construction", "432": "logistics", "832": "logistics", "833": "logistics",
    "834": "logistics", "933": "logistics", "962": "logistics", "911": "cleaning",
    "912": "cleaning", "515": "cleaning", "611": "green", "621": "green", "921": "green",
    "512": "hospitality", "513": "hospitality", "524": "hospitality", "941": "hospitality",
    "721": "production", "722": "production", "723": "production", "751": "production",
    "752": "production", "812": "production", "813": "production", "814": "production",
    "815": "production", "816": "production", "817": "production", "818": "production",
    "821": "production", "932": "production",
}
_ISCO4_SECTOR = {"9312": "infrastructure", "8342": "infrastructure", "8341": "green",
                 "8343": "construction", "9321": "logistics"}
_EXCLUDED_WORDS = (
    "manager", "bedrijfsleider", "coördinator", "coordinator", "hoofd", "leider", "architect",
    "adviseur", "dispatcher", "planner", "supervisor", "sommelier", "havenmeester", "voorman",
    "aannemer", "administrateur", "cargadoor", "maître", "loods", "aircraft", "vliegtuig",
)
"""Occupations of the ESCO target-sector subset that SROI placements rarely concern."""

_EDU_BY_GROUP = {  # none vmbo mbo1 mbo2 mbo3 mbo4 havo vwo hbo wo
    "participatiewet": (0.12, 0.25, 0.15, 0.18, 0.10, 0.07, 0.04, 0.01, 0.06, 0.02),
    "doelgroepregister": (0.30, 0.35, 0.20, 0.10, 0.03, 0.01, 0.01, 0.0, 0.0, 0.0),
    "wajong": (0.30, 0.35, 0.20, 0.10, 0.03, 0.01, 0.01, 0.0, 0.0, 0.0),
    "wsw": (0.35, 0.35, 0.18, 0.09, 0.02, 0.01, 0.0, 0.0, 0.0, 0.0),
    "wia": (0.05, 0.20, 0.10, 0.25, 0.18, 0.10, 0.04, 0.02, 0.05, 0.01),
    "ww": (0.03, 0.12, 0.06, 0.20, 0.20, 0.17, 0.06, 0.02, 0.10, 0.04),
    "nug": (0.08, 0.20, 0.10, 0.20, 0.14, 0.10, 0.06, 0.02, 0.07, 0.03),
    "statushouder": (0.30, 0.05, 0.25, 0.15, 0.05, 0.03, 0.02, 0.02, 0.08, 0.05),
    "bbl": (0.15, 0.45, 0.40, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "jongere_zonder_sk": (0.25, 0.50, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
}
"""Highest education by target group (a young person without startkwalificatie has none)."""
_EDU_MISSING = 0.35
"""Share without a recorded education level (UWV's Kandidatenverkenner: 42%)."""

_DUTCH_NATIVE = (0.0, 0.0, 0.02, 0.08, 0.25, 0.55, 0.10)  # A0 .. C2
_DUTCH_MIXED = (0.0, 0.02, 0.06, 0.12, 0.25, 0.45, 0.10)
_DUTCH_NEWCOMER = (0.05, 0.22, 0.35, 0.25, 0.10, 0.03, 0.0)

_SUPPORT_PROBS = {  # order of SUPPORT_NEEDS
    # jobcoach, adaptation, wage_subsidy, structured, part_time, no_risk, trial, language, transport
    "participatiewet": (0.25, 0.05, 0.25, 0.15, 0.10, 0.05, 0.30, 0.10, 0.10),
    "doelgroepregister": (0.55, 0.20, 0.50, 0.45, 0.30, 0.60, 0.20, 0.03, 0.10),
    "wajong": (0.55, 0.20, 0.50, 0.45, 0.30, 0.60, 0.20, 0.03, 0.10),
    "wsw": (0.60, 0.25, 0.45, 0.55, 0.35, 0.50, 0.15, 0.03, 0.15),
    "wia": (0.25, 0.35, 0.30, 0.10, 0.45, 0.50, 0.15, 0.02, 0.05),
    "ww": (0.05, 0.02, 0.03, 0.02, 0.05, 0.0, 0.05, 0.02, 0.02),
    "nug": (0.10, 0.02, 0.05, 0.05, 0.20, 0.0, 0.10, 0.05, 0.05),
    "statushouder": (0.25, 0.02, 0.20, 0.10, 0.05, 0.0, 0.25, 0.65, 0.15),
    "bbl": (0.15, 0.02, 0.05, 0.10, 0.0, 0.0, 0.05, 0.05, 0.05),
    "jongere_zonder_sk": (0.35, 0.02, 0.15, 0.25, 0.05, 0.0, 0.20, 0.05, 0.10),
}
"""Probability of each support need by target group (wsw/wajong need jobcoach and structure)."""
_SUPPORT_OFFERED = (0.50, 0.25, 0.60, 0.35, 0.35, 0.60, 0.45, 0.25, 0.15)
"""Probability that a vacancy's employer offers each instrument."""

_AGE_RANGE = {
    "participatiewet": (20, 66), "doelgroepregister": (18, 60), "wajong": (18, 45),
    "wia": (30, 66), "wsw": (25, 66), "ww": (25, 66), "nug": (20, 60),
    "statushouder": (20, 55), "bbl": (18, 35), "jongere_zonder_sk": (18, 27),
}
_BENEFIT_MONTHS = {  # (share with 0 months, median months, log-sd)
    "participatiewet": (0.0, 26, 0.9), "doelgroepregister": (0.1, 60, 0.8),
    "wajong": (0.0, 80, 0.7), "wia": (0.0, 40, 0.8), "wsw": (0.1, 90, 0.7),
    "ww": (0.0, 7, 0.7), "nug": (1.0, 1, 0.1), "statushouder": (0.0, 18, 0.6),
    "bbl": (1.0, 1, 0.1), "jongere_zonder_sk": (0.5, 8, 1.0),
}
_HOURS_CHOICES = np.array([12, 16, 20, 24, 28, 32, 36, 38, 40], dtype=float)
_HOURS_BY_GROUP = {
    "doelgroepregister": (0.05, 0.15, 0.25, 0.20, 0.10, 0.10, 0.10, 0.03, 0.02),
    "wajong": (0.05, 0.15, 0.25, 0.20, 0.10, 0.10, 0.10, 0.03, 0.02),
    "wsw": (0.05, 0.15, 0.25, 0.20, 0.10, 0.10, 0.10, 0.03, 0.02),
    "wia": (0.05, 0.10, 0.20, 0.20, 0.15, 0.15, 0.10, 0.03, 0.02),
    "bbl": (0.0, 0.0, 0.05, 0.10, 0.10, 0.25, 0.30, 0.10, 0.10),
    "default": (0.02, 0.04, 0.08, 0.10, 0.08, 0.18, 0.30, 0.10, 0.10),
}
_VAC_HOURS_CHOICES = np.array([16, 20, 24, 28, 32, 36, 38, 40], dtype=float)
_VAC_HOURS_BY_SECTOR = {
    "construction": (0.0, 0.02, 0.03, 0.03, 0.10, 0.30, 0.20, 0.32),
    "infrastructure": (0.0, 0.02, 0.03, 0.03, 0.10, 0.30, 0.20, 0.32),
    "cleaning": (0.10, 0.20, 0.20, 0.10, 0.15, 0.15, 0.05, 0.05),
    "hospitality": (0.10, 0.20, 0.20, 0.10, 0.15, 0.15, 0.05, 0.05),
    "default": (0.02, 0.05, 0.08, 0.05, 0.20, 0.30, 0.15, 0.15),
}
_MOBILITY = ("car", "public_transport", "bike", "none")
_MOBILITY_BY_GROUP = {
    "statushouder": (0.10, 0.45, 0.40, 0.05),
    "jongere_zonder_sk": (0.20, 0.35, 0.40, 0.05),
    "bbl": (0.30, 0.30, 0.35, 0.05),
    "doelgroepregister": (0.20, 0.40, 0.30, 0.10),
    "wajong": (0.20, 0.40, 0.30, 0.10),
    "wsw": (0.20, 0.40, 0.30, 0.10),
    "default": (0.45, 0.23, 0.24, 0.08),
}
_NATIONALITY_NEWCOMER = (("Syrisch", 0.40), ("Eritrees", 0.25), ("Afghaans", 0.10),
                         ("Turks", 0.08), ("Iraaks", 0.07), ("Jemenitisch", 0.10))
_NATIONALITY_OTHER = (("Nederlands", 0.92), ("Pools", 0.03), ("Duits", 0.02),
                      ("Turks", 0.015), ("Marokkaans", 0.015))

# Required-certificate probability of a vacancy, by sector and by ISCO prefix (overrides).
_CERT_BY_SECTOR: Mapping[str, Mapping[str, float]] = {
    "construction": {"vca_basis": 0.65, "vol_vca": 0.03, "hoogwerker": 0.08,
                     "asbest_awareness": 0.05, "rijbewijs_b": 0.15},
    "infrastructure": {"vca_basis": 0.75, "vwlw": 0.35, "gasmeten": 0.05,
                       "verkeersregelaar": 0.05, "rijbewijs_b": 0.20},
    "green": {"vca_groen": 0.40, "vca_basis": 0.10, "motorzaag": 0.10, "rijbewijs_t": 0.10,
              "spuitlicentie": 0.05, "rijbewijs_b": 0.25},
    "cleaning": {"vakbekwaamheid_schoonmaak": 0.10, "vca_basis": 0.05, "rijbewijs_b": 0.05},
    "logistics": {"heftruck": 0.35, "reachtruck": 0.08, "rijbewijs_b": 0.10},
    "hospitality": {"haccp": 0.25, "sociale_hygiene": 0.05, "bhv": 0.03},
    "production": {"vca_basis": 0.15, "heftruck": 0.08, "lascertificaat": 0.05, "bhv": 0.03},
}
_CERT_BY_ISCO: Mapping[str, Mapping[str, float]] = {
    "7212": {"lascertificaat": 0.60}, "741": {"nen3140": 0.50},
    "8343": {"kraanmachinist": 0.70}, "8342": {"grondverzetmachinist": 0.60},
    "833": {"rijbewijs_ce": 0.55, "rijbewijs_c": 0.35, "code95": 0.85},
    "832": {"rijbewijs_b": 0.85}, "8344": {"heftruck": 0.90}, "8341": {"rijbewijs_t": 0.60},
    "513": {"sociale_hygiene": 0.20}, "7119": {"steigerbouwer": 0.50},
}

_PROVINCE_AUTHORITY = {"Friesland": "Provincie Fryslân", "Groningen": "Provincie Groningen",
                       "Drenthe": "Provincie Drenthe"}
_PROJECT_NAMES = {
    "construction": ("Nieuwbouw brede school {p}", "Renovatie gemeentehuis {p}",
                     "Nieuwbouw sporthal {p}", "Verduurzaming huurwoningen {p}",
                     "Renovatie zwembad {p}", "Nieuwbouw brandweerkazerne {p}"),
    "infrastructure": ("Reconstructie doorgaande weg {p}", "Vervanging riolering {p}",
                       "Aanleg fietspad {p}", "Onderhoud bruggen en sluizen {p}",
                       "Herinrichting centrum {p}"),
    "green": ("Groenonderhoud {p} {y}-{y2}", "Onderhoud bermen en sloten {p}",
              "Boomonderhoud {p}"),
    "cleaning": ("Schoonmaak gemeentelijke gebouwen {p}", "Glasbewassing {p}",
                 "Schoonmaak scholen {p}"),
    "logistics": ("Inzameling huishoudelijk afval {p}", "Leerlingenvervoer {p}",
                  "Koeriersdiensten {p}"),
    "hospitality": ("Catering gemeentehuis {p}", "Exploitatie kantine sportpark {p}",
                    "Catering evenementen {p}"),
    "production": ("Levering bedrijfskleding {p}", "Levering straatmeubilair {p}",
                   "Levering verkeersborden {p}"),
}


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True)
class SampleData:
    """A generated sample: the dataset as the loader would read it, its truth and manifest."""

    dataset: Dataset
    truth: GroundTruth
    manifest: dict = field(default_factory=dict)
    written: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    """The tables as written (noisy terms, PC6 postcodes), before CSV formatting."""
    outcomes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    """One row per placement (in ``placements`` order): ``placement_id``, ``candidate_id``,
    ``vacancy_id``, ``probability`` (the truth's historic probability the outcome was drawn
    from), ``start_delay_days`` (placement start − vacancy start), ``t_days`` (time in work),
    ``drawn_durable`` (the outcome as drawn from the truth), ``flipped`` (label noise),
    ``durable`` (``t_days`` ≥ the horizon, after flipping) and ``observed`` (the horizon has
    passed by the reference date). Not written to the CSV files."""


# ----------------------------------------------------------------------------- helpers


def _days(date: str | pd.Timestamp) -> int:
    return int(np.datetime64(pd.Timestamp(date).date(), "D").astype(np.int64))


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _by_key(keys: np.ndarray, table: Mapping[str, Sequence[float]]) -> np.ndarray:
    """Row-wise probability matrix from a per-key table with a ``default`` row."""
    default = table.get("default")
    rows = {k: np.asarray(v, dtype=float) for k, v in table.items()}
    uniq, inv = np.unique(keys.astype(str), return_inverse=True)
    mat = np.stack([rows.get(k, default) for k in uniq]) if len(uniq) else np.zeros((0, 1))
    return mat[inv] if len(keys) else np.zeros((0, len(next(iter(rows.values())))))


def _subset(rng: np.random.Generator, n: int, pool: np.ndarray, k: np.ndarray,
            width: int) -> np.ndarray:
    """Membership (n, width) of ``k[i]`` distinct random items of ``pool`` per row."""
    out = np.zeros((n, width), dtype=bool)
    if n == 0 or len(pool) == 0:
        return out
    keys = rng.random((n, len(pool)))
    ranks = keys.argsort(axis=1).argsort(axis=1)
    chosen = ranks < np.minimum(k, len(pool))[:, None]
    rows, cols = np.nonzero(chosen)
    out[rows, pool[cols]] = True
    return out


def _rows_to_tuples(member: np.ndarray, codes: np.ndarray) -> list[tuple[str, ...]]:
    """Rows of a boolean membership matrix as tuples of codes."""
    rows, cols = np.nonzero(member)
    counts = np.bincount(rows, minlength=len(member))
    parts = np.split(codes[cols], np.cumsum(counts)[:-1]) if len(member) else []
    return [tuple(p) for p in parts]


def _iso(days: np.ndarray) -> pd.Series:
    """int days (``_NO_DAY`` = missing) as datetime64[ns]."""
    d = np.asarray(days, dtype=np.int64)
    out = d.astype("datetime64[D]").astype("datetime64[ns]")
    out[d == _NO_DAY] = np.datetime64("NaT")
    return pd.Series(out)


_NO_DAY = np.iinfo(np.int64).min
_MONTH_DAYS = 365.25 / 12
_HORIZON_DAYS = int(np.ceil(6 * _MONTH_DAYS))
"""Six months in days (183): a placement starting later than ``ref - 183`` is recent."""


def _aux(seed: int, stream: int) -> np.random.Generator:
    """An independent random stream per robustness knob, so that a knob left at its default
    draws nothing from the main stream and turning one knob on leaves the others' draws alone."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), 7919, stream])))


_STREAM_RECENT, _STREAM_FLIP, _STREAM_RENAME, _STREAM_PLANNED, _STREAM_BINDING = 1, 2, 3, 4, 5


# ----------------------------------------------------------------------------- vocabularies


@dataclass(frozen=True)
class _Vocab:
    """A reference vocabulary with the names each id may safely be written as."""

    codes: np.ndarray
    sector: np.ndarray
    label_nl: np.ndarray
    names: tuple[tuple[str, ...], ...]
    """Per id: names (label_nl first, label_en second, synonyms) that resolve back to it."""
    vocabulary: Vocabulary
    flat_names: np.ndarray
    name_start: np.ndarray
    name_count: np.ndarray
    variants: np.ndarray
    """Per flat name, shape (n_names, len(_RENAMES)): renamed forms whose normalised text is
    no name of the vocabulary (see :func:`_renamed`)."""


_RENAMES = ("abbreviation", "ervaring met", "basis", "word order", "medewerker")
"""The kinds of renamed skill terms (``renamed_skills``), see :func:`_renamed`."""


def _renamed(name: str, kind: int, known: frozenset[str]) -> str:
    """A variant of ``name`` the vocabulary does not know exactly, of the given kind.

    Kinds: 0 abbreviation (words of more than five letters cut to four and a dot, as in CVs:
    "Bouwplaatswerkzaamheden" -> "Bouw."); 1 a phrase around it ("ervaring met heftruck");
    2 a qualifier ("Asfalteren (basis)"); 3 a word-order change or a compound joined up
    ("groen onderhoud" -> "onderhoud groen", "Afwassen" -> "Afwassen-werkzaamheden"); 4 a role
    word ("medewerker catering"). Fuzzy matching resolves some of these (phrases usually do,
    abbreviations usually do not). When a kind gives a known name the next kind is tried.
    """
    words = name.split()
    for k in [*range(kind, len(_RENAMES)), *range(kind)]:
        if k == 0:
            cut = [w[:4] + "." if sum(ch.isalpha() for ch in w) > 5 else w for w in words]
            out = " ".join(cut)
        elif k == 1:
            out = f"ervaring met {name[:1].lower() + name[1:]}"
        elif k == 2:
            out = f"{name} (basis)"
        elif k == 3:
            out = " ".join(reversed(words)) if len(words) > 1 else f"{name}-werkzaamheden"
        else:
            out = f"medewerker {name[:1].lower() + name[1:]}"
        norm = normalise_term(out)
        if norm and norm != normalise_term(name) and norm not in known:
            return out
    return f"{name} (basis) (ervaring)"


def _vocab(frame: pd.DataFrame, cutoff: float) -> _Vocab:
    entries = []
    for row in frame.itertuples(index=False):
        names = [n for n in (row.label_nl, row.label_en, *row.synonyms) if isinstance(n, str) and n]
        entries.append((row.code, names))
    vocabulary = Vocabulary(entries, cutoff=cutoff)
    # A name is safe when it resolves back to its id both plainly and when labels win over
    # other entries' synonyms (as features.profiles.LabelFirstVocabulary resolves).
    label_first: dict[str, str] = {}
    for row in frame.itertuples(index=False):
        for label in (row.label_nl, row.label_en):
            if isinstance(label, str):
                label_first.setdefault(normalise_term(label), row.code)
    safe = []
    for code, names in entries:
        ok = tuple(n for n in names if ";" not in n and "|" not in n
                   and vocabulary.resolve(n) == code
                   and label_first.get(normalise_term(n), code) == code)
        safe.append(ok or (code,))
    known = frozenset(normalise_term(n) for code, names in entries for n in (code, *names))
    flat = [n for names in safe for n in names]
    variants = np.array([[_renamed(n, k, known) for k in range(len(_RENAMES))] for n in flat],
                        dtype=object).reshape(len(flat), len(_RENAMES))
    return _Vocab(
        codes=frame["code"].to_numpy(dtype=object), sector=frame["sector"].to_numpy(dtype=object),
        label_nl=frame["label_nl"].to_numpy(dtype=object), names=tuple(safe),
        vocabulary=vocabulary,
        flat_names=np.array([n for names in safe for n in names], dtype=object),
        name_start=np.cumsum([0] + [len(n) for n in safe[:-1]]).astype(np.int64),
        name_count=np.array([len(n) for n in safe], dtype=np.int64),
        variants=variants,
    )


@lru_cache(maxsize=2)
def _vocabularies(cutoff: float) -> tuple[_Vocab, _Vocab]:
    return _vocab(reference.skills(), cutoff), _vocab(reference.certificates(), cutoff)


@dataclass(frozen=True)
class _Occupations:
    ids: np.ndarray
    isco: np.ndarray
    label_nl: np.ndarray
    label_en: np.ndarray
    sector: np.ndarray


@lru_cache(maxsize=1)
def _occupations() -> _Occupations:
    """Target-sector ESCO occupations usable for sample vacancies, with a sector each."""
    occ = reference.occupations()
    nl = occ["label_nl"].astype(str).map(normalise_term)
    en = occ["label_en"].astype(str).map(normalise_term)
    dup = set(nl[nl.duplicated()]) | set(en[en.duplicated()]) | (set(nl) & set(en))
    isco = occ["isco_code"].astype(str).str.zfill(4)
    sector = [_ISCO4_SECTOR.get(c, _ISCO3_SECTOR.get(c[:3])) for c in isco]
    label = occ["label_nl"].astype(str).str.lower()
    keep = (
        occ["target_sector"].to_numpy()
        & np.array([s is not None for s in sector])
        & ~nl.isin(dup).to_numpy() & ~en.isin(dup).to_numpy()
        & (label.str.len() <= 40).to_numpy()
        & ~label.str.contains("|".join(_EXCLUDED_WORDS), regex=True).to_numpy()
        & ~occ["label_nl"].astype(str).str.contains(r"[;|]").to_numpy()
        & ~occ["label_en"].astype(str).str.contains(r"[;|]").to_numpy()
    )
    sel = occ[keep]
    return _Occupations(
        ids=sel["occupation_id"].to_numpy(dtype=object),
        isco=isco[keep].to_numpy(dtype=object),
        label_nl=sel["label_nl"].to_numpy(dtype=object),
        label_en=sel["label_en"].to_numpy(dtype=object),
        sector=np.array([s for s, k in zip(sector, keep, strict=True) if k], dtype=object),
    )


# ----------------------------------------------------------------------------- noise


class _Noise:
    """Free-text noise on written terms: synonyms, case, spacing and typos.

    Per term, independently: a typo (one adjacent swap or one dropped letter, never the
    first) with probability ``typo`` when the term is longer than five characters; a case
    change (upper, lower or capitalised) with probability ``case``; an extra space (leading,
    trailing or doubled inside) with probability ``space``. Operations are drawn as integer
    codes and applied once per distinct (name, operation) combination.
    """

    def __init__(self, rng: np.random.Generator, typo: float = 0.05, case: float = 0.25,
                 space: float = 0.05) -> None:
        self.rng = rng
        self.typo = typo
        self.case = case
        self.space = space

    def distort(self, names: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Noisy forms of ``names[which]``: (written terms, stripped terms) as object arrays."""
        m = len(which)
        if m == 0:
            empty = np.array([], dtype=object)
            return empty, empty
        u = self.rng.random((m, 3))
        typo = np.where(u[:, 0] < self.typo, 1 + (u[:, 0] < self.typo / 2), 0)
        pos = self.rng.integers(0, 64, m)
        case = np.where(u[:, 1] < self.case, 1 + np.minimum((u[:, 1] / self.case * 3), 2), 0)
        space = np.where(u[:, 2] < self.space, 1 + np.minimum((u[:, 2] / self.space * 3), 2), 0)
        pos = np.where(typo > 0, pos, 0)
        key = (((np.asarray(which, dtype=np.int64) * 4 + typo) * 64 + pos) * 4
               + case.astype(np.int64)) * 4 + space.astype(np.int64)
        uniq, inv = np.unique(key, return_inverse=True)
        written = np.empty(len(uniq), dtype=object)
        for j, k in enumerate(uniq.tolist()):
            k, sp = divmod(k, 4)
            k, c = divmod(k, 4)
            k, ps = divmod(k, 64)
            w, t = divmod(k, 4)
            term = str(names[w])
            if t and len(normalise_term(term)) > 5:
                term = _typo(term, t == 1, ps)
            if c == 1:
                term = term.upper()
            elif c == 2:
                term = term.lower()
            elif c == 3:
                term = term[:1].upper() + term[1:]
            if sp == 1:
                term = "  " + term
            elif sp == 2:
                term = term + " "
            elif sp == 3:
                term = term.replace(" ", "  ", 1)
            written[j] = term
        stripped = np.array([t.strip() for t in written], dtype=object)
        inv = inv.ravel()
        return written[inv], stripped[inv]

    def names(self, vocab: _Vocab, idx: np.ndarray, p_nl: float, p_en: float) -> np.ndarray:
        """Index into ``vocab.flat_names`` per id: Dutch label, English label or a synonym."""
        u = self.rng.random((len(idx), 2))
        count = vocab.name_count[idx]
        choice = np.where(
            u[:, 0] < p_nl, 0,
            np.where(u[:, 0] < p_nl + p_en, np.minimum(1, count - 1),
                     np.minimum((u[:, 1] * count).astype(np.int64), count - 1)),
        )
        return vocab.name_start[idx] + choice


def _typo(term: str, swap: bool, pos: int) -> str:
    """Swap two adjacent letters or drop one, away from the first character."""
    letters = [i for i, ch in enumerate(term) if ch.isalpha()][1:]
    if len(letters) < 3:
        return term
    i = letters[pos % (len(letters) - 1)]
    if swap and i + 1 < len(term) and term[i + 1].isalpha() and term[i + 1] != term[i]:
        return term[:i] + term[i + 1] + term[i] + term[i + 2:]
    return term[:i] + term[i + 1:]


def _split_rows(values: np.ndarray, counts: np.ndarray) -> list[tuple]:
    """Consecutive runs of ``values`` of the given lengths, as tuples."""
    it = iter(values.tolist())
    return [tuple(islice(it, c)) for c in counts.tolist()]


def _noisy_lists(noise: _Noise, vocab: _Vocab, member: np.ndarray, *, strict: bool,
                 p_nl: float = 0.5, p_en: float = 0.2,
                 rename: tuple[np.random.Generator, float] | None = None
                 ) -> tuple[list, list, list]:
    """Clean code tuples, written (noisy) tuples and their stripped (canonical) form.

    ``rename = (rng, share)`` writes ``share`` of the terms as a renamed variant
    (:func:`_renamed`, kind drawn uniformly) before the other noise is applied.
    """
    rows, cols = np.nonzero(member)
    name_idx = noise.names(vocab, cols, p_nl, p_en)
    names = vocab.flat_names
    if rename is not None and rename[1] > 0 and len(cols):
        aux, share = rename
        renamed = aux.random(len(cols)) < share
        kind = aux.integers(0, len(_RENAMES), len(cols))
        k = len(_RENAMES)
        names = np.concatenate([vocab.flat_names, vocab.variants.ravel()])
        name_idx = np.where(renamed, len(vocab.flat_names) + name_idx * k + kind, name_idx)
    written, stripped = noise.distort(names, name_idx)
    if strict:
        # certificates are validated strictly: keep a noisy form only if it resolves back
        term_code, terms = pd.factorize(stripped)
        key = term_code.astype(np.int64) * len(vocab.codes) + cols
        uniq, inv = np.unique(key, return_inverse=True)
        ok_uniq = np.array([vocab.vocabulary.resolve(terms[k // len(vocab.codes)])
                            == vocab.codes[k % len(vocab.codes)] for k in uniq.tolist()],
                           dtype=bool)
        ok = ok_uniq[inv.ravel()]
        fallback = vocab.label_nl[cols]
        written = np.where(ok, written, fallback)
        stripped = np.where(ok, stripped, fallback)
    counts = np.bincount(rows, minlength=len(member))
    return (_split_rows(vocab.codes[cols], counts), _split_rows(written, counts),
            _split_rows(stripped, counts))


# ----------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class _Geo:
    gm: np.ndarray
    name: np.ndarray
    province: np.ndarray
    weight: np.ndarray
    pc4: tuple[np.ndarray, ...]


@lru_cache(maxsize=1)
def _geo() -> _Geo:
    mun = reference.municipalities()
    mun = mun[mun["in_scope"]].sort_values("gm_code").reset_index(drop=True)
    pcs = reference.postcodes().drop_duplicates("pc4")
    by_gm = {gm: np.sort(g["pc4"].to_numpy(dtype=object)) for gm, g in pcs.groupby("gm_code")}
    weight = mun["population_approx"].fillna(1000).to_numpy(dtype=float)
    return _Geo(
        gm=mun["gm_code"].to_numpy(dtype=object), name=mun["name"].to_numpy(dtype=object),
        province=mun["province"].to_numpy(dtype=object), weight=weight / weight.sum(),
        pc4=tuple(by_gm.get(gm, np.array([], dtype=object)) for gm in mun["gm_code"]),
    )


def _postcodes(rng: np.random.Generator, geo: _Geo, mun: np.ndarray) -> np.ndarray:
    """A PC4 drawn uniformly within each row's municipality (index into ``geo``)."""
    out = np.empty(len(mun), dtype=object)
    u = rng.random(len(mun))
    for m in np.unique(mun):
        rows = mun == m
        pcs = geo.pc4[m]
        out[rows] = pcs[(u[rows] * len(pcs)).astype(int)] if len(pcs) else None
    return out


# ----------------------------------------------------------------------------- projects


def _projects(rng: np.random.Generator, n: int, ref: int, geo: _Geo) -> pd.DataFrame:
    """Projects by in-scope municipalities and the three provinces; 45% running at ``ref``."""
    is_works = rng.random(n) < 0.55
    ctype = np.where(is_works, "works", "services")
    sector_p = np.stack([_SECTOR_BY_CONTRACT[t] for t in ("works", "services")])
    sector = np.array(SECTORS, dtype=object)[_pick(rng, sector_p[(~is_works).astype(int)])]
    by_province = rng.random(n) < 0.2
    mun = rng.choice(len(geo.gm), size=n, p=np.sqrt(geo.weight) / np.sqrt(geo.weight).sum())
    provinces = np.array(sorted(_PROVINCE_AUTHORITY), dtype=object)
    prov = provinces[rng.integers(0, len(provinces), n)]
    authority = np.where(by_province, [_PROVINCE_AUTHORITY[p] for p in prov], geo.gm[mun])
    place = np.where(by_province, [p if p != "Friesland" else "Fryslân" for p in prov],
                     geo.name[mun])
    # Contract values: log-normal above the thresholds (works >= 250k, services >= 100k).
    value = np.where(
        is_works, 250_000 + rng.lognormal(np.log(900_000), 1.1, n),
        100_000 + rng.lognormal(np.log(350_000), 1.0, n),
    )
    value = np.round(value, -3)
    pct = rng.choice([2.0, 2.5, 3.0, 4.0, 5.0], size=n, p=[0.4, 0.1, 0.2, 0.15, 0.15])
    running = rng.random(n) < 0.45
    running[: min(n, 1)] = True
    start = np.where(
        running, ref - rng.integers(90, 3 * 365, n), ref - rng.integers(int(1.2 * 365), 5 * 365, n)
    )
    end = np.where(running, ref + rng.integers(90, 3 * 365, n),
                   np.minimum(start + rng.integers(180, 3 * 365, n), ref - 30))
    obligation = np.minimum(pct / 100 * value, 300_000.0)
    elapsed = np.clip((ref - start) / np.maximum(end - start, 1), 0, 1)
    realised = np.where(running, obligation * elapsed * rng.uniform(0.3, 1.1, n),
                        obligation * rng.uniform(0.6, 1.15, n))
    override = rng.random(n) < 0.1
    obligation_col = np.where(override, np.round(obligation * rng.uniform(0.5, 0.9, n), -2),
                              np.nan)
    width = max(4, len(str(n)))
    names = []
    tmpl_u = rng.random(n)
    for i in range(n):
        options = _PROJECT_NAMES[sector[i]]
        year = int(str(np.datetime64(int(start[i]), "D"))[:4])
        names.append(options[int(tmpl_u[i] * len(options))].format(p=place[i], y=year,
                                                                   y2=year + 3))
    n_contractors = max(1, round(n / 2.5))
    weight = 1.0 / np.arange(1, n_contractors + 1) ** 0.8
    contractor = rng.choice(n_contractors, size=n, p=weight / weight.sum())
    cwidth = max(3, len(str(n_contractors)))
    return pd.DataFrame({
        "project_id": [f"PRJ{i + 1:0{width}d}" for i in range(n)],
        "name": names,
        "contracting_authority": authority,
        "contractor_id": [f"OPN{c + 1:0{cwidth}d}" for c in contractor],
        "contract_type": ctype,
        "contract_value_eur": value,
        "sroi_percentage": pct,
        "obligation_eur": obligation_col,
        "realised_eur": np.round(realised, -2),
        "start_date": start,
        "end_date": end,
        "_sector": sector,
        "_running": running,
        "_mun": np.where(by_province, -1, mun),
        "_province": np.where(by_province, prov, geo.province[mun]),
        "_n_contractors": n_contractors,
    })


# ----------------------------------------------------------------------------- vacancies


def _occupation_profiles(rng: np.random.Generator, occ: _Occupations, skills: _Vocab,
                         certs: _Vocab) -> tuple[np.ndarray, np.ndarray]:
    """Core skills (n_occ, 4; -1 padded) and required-certificate probabilities (n_occ, n_cert)."""
    core = np.full((len(occ.ids), 4), -1, dtype=np.int64)
    for sector in SECTORS:
        rows = np.flatnonzero(occ.sector == sector)
        sectors = {"infrastructure": ("infrastructure", "construction")}.get(sector, (sector,))
        pool = np.flatnonzero(np.isin(skills.sector, sectors))
        if len(rows) == 0 or len(pool) == 0:
            continue
        keys = rng.random((len(rows), len(pool)))
        order = keys.argsort(axis=1)[:, :4]
        core[rows, : order.shape[1]] = pool[order]
    cert_pos = {c: i for i, c in enumerate(certs.codes)}
    req = np.zeros((len(occ.ids), len(certs.codes)))
    for i, (sector, isco) in enumerate(zip(occ.sector, occ.isco, strict=True)):
        for code, p in _CERT_BY_SECTOR[sector].items():
            if code in cert_pos:
                req[i, cert_pos[code]] = p
        for prefix, table in _CERT_BY_ISCO.items():
            if isco.startswith(prefix):
                for code, p in table.items():
                    if code in cert_pos:
                        req[i, cert_pos[code]] = p
    return core, req


def _recent_history(recent: tuple[np.random.Generator, float], project: np.ndarray,
                    start: np.ndarray, n_open: int, pj: pd.DataFrame, ref: int,
                    lo_hist: int) -> tuple[np.ndarray, np.ndarray]:
    """Projects and start days of the historic vacancies with a set share of recent ones.

    A recent vacancy starts in ``[ref - 182, ref - 14]`` (its placements start 0-14 days later,
    less than six months before ``ref``); an old one in ``[ref - 4 years, ref - 198]`` (its
    placements start at least 183 days before ``ref``). Projects are drawn, weighted by the
    square root of their value, among those running in the window.
    """
    aux, share = recent
    project, start = project.copy(), start.copy()
    start_p, end_p = pj["start_date"].to_numpy(), pj["end_date"].to_numpy()
    size_w = np.sqrt(pj["contract_value_eur"].to_numpy())
    hist = np.arange(n_open, len(project))
    is_recent = np.zeros(len(hist), dtype=bool)  # exactly the share, not a Bernoulli draw
    is_recent[aux.permutation(len(hist))[: round(share * len(hist))]] = True
    u = aux.random(len(hist))
    windows = ((True, ref - _HORIZON_DAYS + 1, ref - 14),
               (False, lo_hist, ref - _HORIZON_DAYS - 15))
    for flag, w_lo, w_hi in windows:
        rows = hist[is_recent == flag]
        if len(rows) == 0:
            continue
        ok = np.flatnonzero((start_p < w_hi - 7) & (end_p > w_lo + 7))
        if len(ok) == 0:
            ok = np.arange(len(pj))
        project[rows] = aux.choice(ok, size=len(rows), p=size_w[ok] / size_w[ok].sum())
        lo = np.clip(start_p[project[rows]], w_lo, w_hi)
        hi = np.clip(end_p[project[rows]], lo + 1, w_hi + 1)
        start[rows] = lo + (u[is_recent == flag] * (hi - lo)).astype(np.int64)
    return project, start


def _choose_occupations(rng: np.random.Generator, occ: _Occupations,
                        sector: np.ndarray) -> np.ndarray:
    """One occupation per row within the row's sector (equal weight per ISCO unit group)."""
    out = np.zeros(len(sector), dtype=np.int64)
    u = rng.random(len(sector))
    for s in SECTORS:
        rows = sector == s
        cand = np.flatnonzero(occ.sector == s)
        if not rows.any() or len(cand) == 0:
            continue
        _, inv, counts = np.unique(occ.isco[cand], return_inverse=True, return_counts=True)
        w = 1.0 / counts[inv]
        cum = np.cumsum(w) / w.sum()
        out[rows] = cand[np.minimum(np.searchsorted(cum, u[rows]), len(cand) - 1)]
    return out


def _vacancies(rng: np.random.Generator, n_open: int, n_hist: int, projects: pd.DataFrame,
               ref: int, geo: _Geo, occ: _Occupations, core: np.ndarray, req_p: np.ndarray,
               skills: _Vocab, certs: _Vocab, *,
               recent: tuple[np.random.Generator, float] | None = None
               ) -> dict[str, np.ndarray | list]:
    """Clean vacancy attributes: ``n_open`` open ones on running projects, ``n_hist`` historic.

    ``recent = (rng, share)``: ``share`` of the historic vacancies start in the last six months
    before ``ref`` (so their placements are censored or recent failures), the others earlier;
    the project of each is redrawn among the projects running in that window.
    """
    n = n_open + n_hist
    pj = projects
    running = np.flatnonzero(pj["_running"].to_numpy())
    start_p, end_p = pj["start_date"].to_numpy(), pj["end_date"].to_numpy()
    lo_hist = ref - 4 * 365
    hist_ok = np.flatnonzero((end_p > lo_hist + 30) & (start_p < ref - 30))
    if len(hist_ok) == 0:
        hist_ok = np.arange(len(pj))
    size_w = np.sqrt(pj["contract_value_eur"].to_numpy())
    project = np.concatenate([
        rng.choice(running, size=n_open, p=size_w[running] / size_w[running].sum()),
        rng.choice(hist_ok, size=n_hist, p=size_w[hist_ok] / size_w[hist_ok].sum()),
    ])
    is_open = np.arange(n) < n_open
    lo = np.maximum(start_p[project], lo_hist)
    hi = np.maximum(np.minimum(end_p[project], ref - 14), lo + 1)
    hist_start = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    open_start = ref + rng.integers(-30, 121, n)
    start = np.where(is_open, np.minimum(open_start, np.maximum(end_p[project], ref)),
                     hist_start)
    if recent is not None and n_hist:
        project, start = _recent_history(recent, project, start, n_open, pj, ref, lo_hist)
    # occupation: mostly the project's main sector
    proj_sector = pj["_sector"].to_numpy()[project]
    ctype = pj["contract_type"].to_numpy()[project]
    sector_p = np.stack([_SECTOR_BY_CONTRACT[t] for t in ("works", "services")])
    other = np.array(SECTORS, dtype=object)[_pick(rng, sector_p[(ctype == "services").astype(int)])]
    sector = np.where(rng.random(n) < 0.75, proj_sector, other)
    occ_idx = _choose_occupations(rng, occ, sector)
    # location: the authority's municipality (or one in its province) or the employer's base
    pmun = pj["_mun"].to_numpy()[project]
    pprov = pj["_province"].to_numpy()[project]
    anywhere = rng.choice(len(geo.gm), size=n, p=geo.weight)
    in_prov = anywhere.copy()
    for prov in np.unique(pprov):
        rows = (pmun < 0) & (pprov == prov)
        cand = np.flatnonzero(geo.province == prov)
        if rows.any() and len(cand):
            w = geo.weight[cand] / geo.weight[cand].sum()
            in_prov[rows] = rng.choice(cand, size=int(rows.sum()), p=w)
    at_site = rng.random(n) < 0.6
    mun = np.where(at_site, np.where(pmun >= 0, pmun, in_prov), anywhere)
    postcode = _postcodes(rng, geo, mun)
    # skills: 1-3 required from the occupation's core, 0-2 preferred from the sector + general
    n_skill = len(skills.codes)
    k_req = rng.choice([1, 2, 3], size=n, p=[0.3, 0.45, 0.25])
    core_rows = core[occ_idx]
    keys = np.where(core_rows >= 0, rng.random(core_rows.shape), 2.0)
    rank = keys.argsort(axis=1).argsort(axis=1)
    take = (rank < k_req[:, None]) & (core_rows >= 0)
    required = np.zeros((n, n_skill), dtype=bool)
    r, c = np.nonzero(take)
    required[r, core_rows[r, c]] = True
    preferred = np.zeros((n, n_skill), dtype=bool)
    for s in SECTORS:
        rows = np.flatnonzero(sector == s)
        pool = np.flatnonzero(skills.sector == s)
        preferred[rows] |= _subset(rng, len(rows), pool, rng.choice([0, 1, 2], len(rows),
                                                                   p=[0.35, 0.4, 0.25]), n_skill)
    general = np.flatnonzero(skills.sector == "general")
    preferred |= _subset(rng, n, general, (rng.random(n) < 0.5).astype(int), n_skill)
    preferred &= ~required
    req_certs = rng.random((n, len(certs.codes))) < req_p[occ_idx]
    # terms of employment
    hours = _VAC_HOURS_CHOICES[_pick(rng, _by_key(sector, _VAC_HOURS_BY_SECTOR))]
    positions = rng.choice([1, 2, 3], size=n, p=[0.8, 0.12, 0.08]).astype(float)
    permanent = rng.random(n) < 0.15
    months = rng.choice([3, 6, 12, 24], size=n, p=[0.07, 0.33, 0.45, 0.15]).astype(float)
    months[permanent & (rng.random(n) < 0.7)] = np.nan
    months[~permanent & (rng.random(n) < 0.05)] = np.nan
    min_edu = np.where(rng.random(n) < 0.2,
                       rng.choice(["vmbo", "mbo1", "mbo2", "mbo3"], size=n,
                                  p=[0.3, 0.3, 0.35, 0.05]), None)
    dutch_p = np.where(np.isin(sector, ["hospitality", "cleaning"]), 0.3, 0.17)
    min_dutch = np.where(rng.random(n) < dutch_p,
                         rng.choice(["A2", "B1", "B2"], size=n, p=[0.5, 0.45, 0.05]), None)
    support = rng.random((n, len(SUPPORT_NEEDS))) < np.asarray(_SUPPORT_OFFERED)
    eligible_u = rng.random(n)
    wsp = ("participatiewet", "doelgroepregister", "wajong", "wia", "wsw", "statushouder")
    eligible = [wsp if u < 0.10 else (("bbl", "jongere_zonder_sk") if u < 0.15 else ())
                for u in eligible_u]
    # employer: the contractor or a subcontractor
    n_sub = max(1, int(pj["_n_contractors"].iloc[0]) // 2)
    sub = rng.integers(0, n_sub, n)
    use_sub = rng.random(n) < 0.25
    employer = np.where(use_sub, [f"OOA{s + 1:0{max(3, len(str(n_sub)))}d}" for s in sub],
                        pj["contractor_id"].to_numpy()[project])
    return {
        "project": project, "is_open": is_open, "start": start, "sector": sector,
        "occ": occ_idx, "mun": mun, "postcode": postcode, "required": required,
        "preferred": preferred, "req_certs": req_certs, "hours": hours,
        "positions": positions, "permanent": permanent, "months": months,
        "min_edu": min_edu, "min_dutch": min_dutch, "support": support,
        "eligible": eligible, "employer": employer,
    }


# ----------------------------------------------------------------------------- candidates


def _candidates(rng: np.random.Generator, n: int, current: np.ndarray, ref: int, geo: _Geo,
                occ: _Occupations, core: np.ndarray, req_p: np.ndarray, skills: _Vocab,
                certs: _Vocab) -> dict[str, np.ndarray | list]:
    """Clean candidate attributes; ``current`` marks the pool the available ones come from."""
    groups = np.array(list(TARGET_GROUP_MIX), dtype=object)
    mix = np.array(list(TARGET_GROUP_MIX.values()))
    group = groups[rng.choice(len(groups), size=n, p=mix / mix.sum())]
    ref_year = int(str(np.datetime64(ref, "D"))[:4])
    # protected attributes: audit only, never used by the truth
    lo = np.array([_AGE_RANGE[g][0] for g in group])
    hi = np.array([_AGE_RANGE[g][1] for g in group])
    age = np.floor(lo + (hi - lo + 1) * rng.beta(1.3, 1.6, n)).astype(int)
    birth_year = (ref_year - np.minimum(age, hi)).astype(float)
    gender_u = rng.random(n)
    gender = np.where(gender_u < 0.01, "x", np.where(gender_u < 0.41, "f", "m")).astype(object)
    gender[rng.random(n) < 0.1] = None
    newcomer = group == "statushouder"
    nat_new = rng.choice([a for a, _ in _NATIONALITY_NEWCOMER], size=n,
                         p=[p for _, p in _NATIONALITY_NEWCOMER])
    nat_other = rng.choice([a for a, _ in _NATIONALITY_OTHER], size=n,
                           p=[p for _, p in _NATIONALITY_OTHER])
    nationality = np.where(newcomer, nat_new, nat_other).astype(object)
    nationality[rng.random(n) < 0.3] = None
    mun = rng.choice(len(geo.gm), size=n, p=geo.weight)
    postcode = _postcodes(rng, geo, mun)
    # benefit months by group
    zero_p = np.array([_BENEFIT_MONTHS[g][0] for g in group])
    median = np.array([_BENEFIT_MONTHS[g][1] for g in group], dtype=float)
    sd = np.array([_BENEFIT_MONTHS[g][2] for g in group])
    months = np.clip(np.round(median * np.exp(sd * rng.standard_normal(n))), 1, 360)
    benefit = np.where(rng.random(n) < zero_p, 0.0, months)
    benefit[rng.random(n) < 0.08] = np.nan
    # occupations: 1-3, mostly within a primary sector
    sector_w = np.array([0.22, 0.10, 0.14, 0.16, 0.14, 0.10, 0.14])
    primary = np.array(SECTORS, dtype=object)[rng.choice(len(SECTORS), size=n, p=sector_w)]
    n_occ = rng.choice([0, 1, 2, 3], size=n, p=[0.08, 0.5, 0.28, 0.14])
    occ_idx = np.full((n, 3), -1, dtype=np.int64)
    for k in range(3):
        sec = np.where(
            (k == 0) | (rng.random(n) < 0.7), primary,
            np.array(SECTORS, dtype=object)[rng.integers(0, len(SECTORS), n)],
        )
        chosen = _choose_occupations(rng, occ, sec)
        occ_idx[:, k] = np.where(k < n_occ, chosen, -1)
    # skills: the core skills of each own occupation (p 0.65), sector extras and general ones
    n_skill = len(skills.codes)
    core_p = np.where(np.isin(group, ["statushouder", "jongere_zonder_sk"]), 0.45, 0.65)
    member = np.zeros((n, n_skill), dtype=bool)
    for k in range(3):
        has = occ_idx[:, k] >= 0
        cores = np.where(has[:, None], core[np.maximum(occ_idx[:, k], 0)], -1)
        take = (cores >= 0) & (rng.random(cores.shape) < core_p[:, None])
        r, c = np.nonzero(take)
        member[r, cores[r, c]] = True
    for s in SECTORS:
        rows = np.flatnonzero(primary == s)
        pool = np.flatnonzero(skills.sector == s)
        extra = rng.choice([0, 1, 2, 3], size=len(rows), p=[0.25, 0.35, 0.25, 0.15])
        extra = np.where(n_occ[rows] == 0, extra + 1, extra)
        member[rows] |= _subset(rng, len(rows), pool, extra, n_skill)
    general = np.flatnonzero(skills.sector == "general")
    member |= _subset(rng, n, general, rng.choice([0, 1, 2, 3], size=n, p=[0.2, 0.35, 0.3, 0.15]),
                      n_skill)
    # education (true level, then ~35% unrecorded) and Dutch level
    edu_p = _by_key(group, _EDU_BY_GROUP)
    edu = np.array(EDUCATION_LEVELS, dtype=object)[_pick(rng, edu_p)]
    edu[rng.random(n) < np.where(newcomer, 0.45, _EDU_MISSING)] = None
    mixed = np.isin(group, ["participatiewet", "nug"])
    dutch_p = np.where(newcomer[:, None], np.asarray(_DUTCH_NEWCOMER),
                       np.where(mixed[:, None], np.asarray(_DUTCH_MIXED), np.asarray(_DUTCH_NATIVE)))
    dutch = np.array(CEFR_LEVELS, dtype=object)[_pick(rng, dutch_p)]
    dutch[rng.random(n) < np.where(newcomer, 0.10, 0.25)] = None
    # hours, mobility, reach, support needs
    hours = _HOURS_CHOICES[_pick(rng, _by_key(group, _HOURS_BY_GROUP))]
    mobility = np.array(_MOBILITY, dtype=object)[_pick(rng, _by_key(group, _MOBILITY_BY_GROUP))]
    mobility[rng.random(n) < 0.05] = None
    defaults = Settings().default_travel_km
    base = np.array([defaults.get(m, defaults["unknown"]) if m else defaults["unknown"]
                     for m in mobility])
    max_km = np.where(rng.random(n) < 0.25,
                      np.maximum(5.0, np.round(base * rng.uniform(0.5, 1.5, n) / 5) * 5), np.nan)
    support = rng.random((n, len(SUPPORT_NEEDS))) < _by_key(group, _SUPPORT_PROBS)
    # certificates: sector certificates of own occupations, driving licences by mobility
    hold = np.zeros((n, len(certs.codes)))
    for k in range(3):
        has = occ_idx[:, k] >= 0
        hold = np.maximum(hold, np.where(has[:, None], req_p[np.maximum(occ_idx[:, k], 0)], 0))
    factor = np.where(np.isin(group, ["statushouder", "jongere_zonder_sk", "bbl"]), 0.6, 1.0)
    hold = np.where(hold > 0, np.minimum(0.35 + 0.6 * hold, 0.85), 0.0) * factor[:, None]
    pos = {c: i for i, c in enumerate(certs.codes)}
    car = mobility == "car"
    general_p = {"rijbewijs_b": np.where(car, 0.95, np.where(newcomer, 0.12, 0.3)),
                 "ehbo": 0.08, "bhv": 0.07, "aed_reanimatie": 0.04}
    for code, p in general_p.items():
        if code in pos:
            hold[:, pos[code]] = np.maximum(hold[:, pos[code]], p)
    cert_member = rng.random(hold.shape) < hold
    if "rijbewijs_be" in pos and "rijbewijs_b" in pos:
        cert_member[:, pos["rijbewijs_be"]] = cert_member[:, pos["rijbewijs_b"]] & (
            rng.random(n) < 0.15)
    # availability: current pool mostly now or soon; historic pool mostly unrecorded
    avail = np.where(current, ref + rng.integers(-90, 121, n), ref - 4 * 365 - rng.integers(0, 200, n))
    missing = rng.random(n) < np.where(current, 0.5, 0.6)
    avail = np.where(missing, _NO_DAY, avail)
    return {
        "group": group, "birth_year": birth_year, "gender": gender,
        "nationality": nationality, "mun": mun, "postcode": postcode, "benefit": benefit,
        "occ": occ_idx, "skills": member, "education": edu, "dutch": dutch, "hours": hours,
        "mobility": mobility, "max_km": max_km, "support": support, "certs": cert_member,
        "available": avail, "primary": primary,
    }


# ----------------------------------------------------------------------------- history


def _practice_score(truth: GroundTruth, ci: np.ndarray, vi: np.ndarray,
                    rng: np.random.Generator, delay: np.ndarray) -> np.ndarray:
    """How past practice ranked a pair: plausible (same trade, nearby, certified) but noisy.

    ``delay`` is the start delay as known at the placement (placement start − vacancy start),
    never the candidate's current availability.
    """
    q = truth.quantities_at(ci, vi, start_delay_days=delay)
    score = (
        0.8 * q["occupation_match_level"]
        + 1.5 * q["required_skill_coverage"]
        + 0.5 * q["preferred_skill_coverage"]
        - 2.0 * q["missing_required_certificates"]
        - 0.08 * q["travel_km"]
        - 1.0 * np.clip(q["reach_ratio"] - 1.0, 0.0, 3.0)
        + 1.0 * q["hours_fit"]
        - 0.5 * (q["start_delay_days"] > 30)
        + 0.5 * q["support_coverage"]
    )
    return score + 1.2 * rng.gumbel(size=len(ci))


def _overlaps(cand: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each interval [start, end) overlaps another interval of the same candidate."""
    n = len(cand)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((start, cand))
    c, s, e = cand[order], start[order], end[order]
    frame = pd.DataFrame({"c": c, "e": e})
    prev_max = frame.groupby("c")["e"].cummax().groupby(frame["c"]).shift(1).to_numpy()
    first = np.r_[True, c[1:] != c[:-1]]
    last = np.r_[c[1:] != c[:-1], True]
    hit_prev = ~first & (np.nan_to_num(prev_max, nan=-np.inf) > s)
    next_start = np.r_[s[1:], np.iinfo(np.int64).max]
    hit_next = ~last & (next_start < e)
    out = np.empty(n, dtype=bool)
    out[order] = hit_prev | hit_next
    return out


def _draw_candidates(rng: np.random.Generator, use_a: np.ndarray, sector: np.ndarray,
                     pools: dict, k: int) -> np.ndarray:
    """``k`` candidate draws per slot: three quarters from the slot's sector, the rest at random."""
    m = len(use_a)
    out = np.zeros((m, k), dtype=np.int64)
    k_same = (3 * k) // 4
    for flag in (True, False):
        for s in SECTORS:
            rows = np.flatnonzero((use_a == flag) & (sector == s))
            if len(rows) == 0:
                continue
            same, every = pools[flag, s], pools[flag, None]
            if len(same) == 0:
                same = every
            out[rows, :k_same] = same[rng.integers(0, len(same), (len(rows), k_same))]
            out[rows, k_same:] = every[rng.integers(0, len(every), (len(rows), k - k_same))]
    return out


def _history(rng: np.random.Generator, truth: GroundTruth, n_placements: int, ref: int,
             vac: dict, current: np.ndarray, primary: np.ndarray) -> dict[str, np.ndarray]:
    """Placements on historic vacancies, outcomes drawn from the truth.

    Each slot (a position of a historic vacancy, or a refill) takes the best of 40 drawn
    candidates by :func:`_practice_score`. Duration T follows S(t) = p^(t/6) (t in months):
    ``T = 6 ln U / ln p``, with p the truth's *historic* probability (start delay = placement
    start − vacancy start, :meth:`GroundTruth.historic_delay_at`). A candidate never holds two
    overlapping jobs.
    """
    hist = np.flatnonzero(~vac["is_open"])
    empty = {k: np.zeros(0, dtype=np.int64)
             for k in ("cand", "vac", "start", "end", "t_days", "delay")}
    if n_placements == 0 or len(hist) == 0:
        return empty | {"p": np.zeros(0), "drawn_durable": np.zeros(0, dtype=bool),
                        "flipped": np.zeros(0, dtype=bool)}
    reps = vac["positions"][hist].astype(int)
    slots = np.repeat(hist, reps)
    refill = np.zeros(len(slots), dtype=bool)
    if len(slots) >= n_placements:
        slots = np.sort(rng.choice(slots, size=n_placements, replace=False))
        refill = refill[:n_placements]
    else:
        extra = rng.choice(hist, size=n_placements - len(slots))
        slots = np.concatenate([slots, extra])
        refill = np.r_[refill, np.ones(len(extra), dtype=bool)]
    s = len(slots)
    lag = np.where(refill, rng.integers(30, 200, s), rng.integers(0, 15, s))
    start = np.minimum(vac["start"][slots] + lag, ref - 1)
    delay = np.maximum(start - vac["start"][slots], 0).astype(float)
    pool_a = np.flatnonzero(current)
    pool_b = np.flatnonzero(~current)
    use_a = rng.random(s) < 0.25
    if len(pool_b) == 0:
        use_a[:] = True
    if len(pool_a) == 0:
        use_a[:] = False
    cand = np.full(s, -1, dtype=np.int64)
    end = np.zeros(s, dtype=np.int64)
    t_days = np.zeros(s, dtype=np.int64)
    p = np.zeros(s)
    done = np.zeros(s, dtype=bool)
    open_end = np.iinfo(np.int64).max // 4
    # One uniform per slot, kept when a clash moves the slot to another candidate, so that
    # the clash check (which depends on durations) cannot bias the outcomes.
    u_slot = 1.0 - rng.random(s)
    drawn = np.zeros(s, dtype=bool)
    k = 40

    def outcome(rows: np.ndarray, chosen: np.ndarray) -> None:
        prob = truth.probability_at(chosen, vac_pos[rows], start_delay_days=delay[rows])
        u = u_slot[rows]
        months = 6.0 * np.log(u) / np.log(prob)
        days = np.maximum(np.round(months * _MONTH_DAYS), 1).astype(np.int64)
        durable = days >= _HORIZON_DAYS
        cand[rows], p[rows], t_days[rows], drawn[rows] = chosen, prob, days, durable
        stop = start[rows] + days
        end[rows] = np.where(stop < ref, stop, open_end)

    vac_pos = slots
    pools = {}
    for flag, pool in ((True, pool_a), (False, pool_b)):
        pools[flag, None] = pool
        for sector in SECTORS:
            pools[flag, sector] = pool[primary[pool] == sector]
    for round_ in range(14):
        rows = np.flatnonzero(~done)
        if len(rows) == 0:
            break
        m = len(rows)
        kk = k if round_ < 6 else 4  # later rounds: a narrower search finds other people
        draw = _draw_candidates(rng, use_a[rows], vac["sector"][slots[rows]], pools, kk)
        score = _practice_score(truth, draw.ravel(), np.repeat(vac_pos[rows], kk), rng,
                                np.repeat(delay[rows], kk))
        chosen = draw[np.arange(m), score.reshape(m, kk).argmax(axis=1)]
        # one new slot per candidate per round, so new slots cannot clash with each other
        _, first = np.unique(chosen, return_index=True)
        rows, chosen = rows[np.sort(first)], chosen[np.sort(first)]
        outcome(rows, chosen)
        live = done.copy()
        live[rows] = True
        idx = np.flatnonzero(live)
        clash = _overlaps(cand[idx], start[idx], end[idx])
        bad = np.zeros(s, dtype=bool)
        bad[idx[clash]] = True
        done[rows] = ~bad[rows]
    rows = np.flatnonzero(~done)
    if len(rows):
        used = np.zeros(len(current), dtype=bool)
        used[cand[done]] = True
        fresh_a = rng.permutation(pool_a[~used[pool_a]])
        fresh_b = rng.permutation(pool_b[~used[pool_b]])
        ra, rb = rows[use_a[rows]], rows[~use_a[rows]]
        ra, rb = ra[: len(fresh_a)], rb[: len(fresh_b)]
        for part, fresh in ((ra, fresh_a), (rb, fresh_b)):
            if len(part):
                outcome(part, fresh[: len(part)])
                done[part] = True
    keep = np.flatnonzero(done)
    order = keep[np.lexsort((cand[keep], start[keep]))]
    return {"cand": cand[order], "vac": slots[order], "start": start[order],
            "end": np.where(end[order] >= open_end, _NO_DAY, end[order]),
            "t_days": t_days[order], "p": p[order], "delay": delay[order],
            "drawn_durable": drawn[order], "flipped": np.zeros(len(order), dtype=bool)}


def _flip_outcomes(aux: np.random.Generator, hist: dict[str, np.ndarray], share: float,
                   ref: int) -> dict[str, np.ndarray]:
    """Label noise: ``share`` of the placements get the opposite outcome class.

    Applied after the history is drawn, so who was placed where and when is exactly the
    history without noise; only durations and end dates change. A flipped outcome is a draw
    from the truth's survival given the other class: with U' uniform on the other side of p
    (``p + (1 - p) V`` for a durable draw, ``p V`` otherwise), ``T = 6 ln U' / ln p`` is
    shorter than six months or at least six. A placement can become durable only if the
    person's next job starts at least six months after it (no two jobs at once); its end is
    then capped at that start. The flip probability of the other non-durable placements is
    raised so that ``share`` of the non-durable ones (and of the durable ones) flip.
    """
    n = len(hist["cand"])
    hist = dict(hist)
    w, v = aux.random(n), 1.0 - aux.random(n)
    if n == 0 or share <= 0:
        return hist
    start, p, drawn = hist["start"], hist["p"], hist["drawn_durable"]
    by_person = np.lexsort((start, hist["cand"]))
    next_start = np.full(n, np.iinfo(np.int64).max // 4)
    same = hist["cand"][by_person][1:] == hist["cand"][by_person][:-1]
    next_start[by_person[:-1][same]] = start[by_person][1:][same]
    room = next_start - start
    can_rise = ~drawn & (room > _HORIZON_DAYS)
    n_short = int((~drawn).sum())
    rise_p = min(1.0, share * n_short / max(int(can_rise.sum()), 1))
    flip = np.where(drawn, w < share, can_rise & (w < rise_p))
    u_new = np.clip(np.where(drawn, p + (1.0 - p) * v, p * v), 1e-300, 1.0)
    days = np.round(6.0 * np.log(u_new) / np.log(p) * _MONTH_DAYS).astype(np.int64)
    days = np.where(drawn, np.clip(days, 1, _HORIZON_DAYS - 1),
                    np.clip(days, _HORIZON_DAYS, np.maximum(room, _HORIZON_DAYS)))
    t_days = np.where(flip, days, hist["t_days"])
    stop = start + t_days
    end = np.where(flip, np.where(stop < ref, stop, _NO_DAY), hist["end"])
    hist.update(t_days=t_days, end=end, flipped=flip)
    return hist


# ----------------------------------------------------------------------------- assembly


def _occupation_terms(rng: np.random.Generator, noise: _Noise, occ: _Occupations,
                      idx: np.ndarray, p_code: float, p_nl: float
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clean token, written term and stripped term per occupation index (``None`` for -1).

    The clean token is the ESCO ``occupation_id``, or the ISCO-08 code when the occupation
    is written as a code (the record then no longer identifies the ESCO occupation).
    """
    n = len(idx)
    u = rng.random(n)
    has = idx >= 0
    safe = np.maximum(idx, 0)
    as_code = u < p_code
    clean = np.where(as_code, occ.isco[safe], occ.ids[safe]).astype(object)
    written = occ.isco[safe].astype(object)
    stripped = written.copy()
    labels = np.flatnonzero(has & ~as_code)
    names = np.concatenate([occ.label_nl, occ.label_en])
    which = np.where(u[labels] < p_code + p_nl, safe[labels], safe[labels] + len(occ.ids))
    written[labels], stripped[labels] = noise.distort(names, which)
    for arr in (clean, written, stripped):
        arr[~has] = None
    return clean, written, stripped


def _group_rows(values: np.ndarray, width: int) -> list[tuple]:
    """Regroup a flat row-major (n_rows * width) array into tuples, dropping ``None``."""
    rows = values.reshape(-1, width).tolist()
    return [tuple(v for v in row if v is not None) for row in rows]


def _pc6(rng: np.random.Generator, pc4: np.ndarray, share: float) -> np.ndarray:
    """Write ``share`` of the PC4s as a PC6 (``9711 AB``), as exports often do."""
    out = pc4.astype(object).copy()
    rows = np.flatnonzero(rng.random(len(pc4)) < share)
    letters = rng.integers(0, 26, (len(rows), 2)) + ord("A")
    for r, (a, b) in zip(rows, letters, strict=True):
        out[r] = f"{pc4[r]} {chr(a)}{chr(b)}"
    return out


def _auc(score: np.ndarray, label: np.ndarray) -> float:
    """ROC AUC by the rank-sum formula (ties get average ranks)."""
    label = label.astype(bool)
    n_pos, n_neg = int(label.sum()), int((~label).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = pd.Series(score).rank().to_numpy()
    return float((ranks[label].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _planned_ends(aux: np.random.Generator, hist: dict, months: np.ndarray,
                  ref: int) -> np.ndarray:
    """End days as a real export writes them: running placements get a planned end after ``ref``.

    The planned end is the start plus the vacancy's contract months when that lies in
    ``(ref, ref + 730]``, else (permanent, unknown or already extended contracts) 1-730 days
    after ``ref``. Placements that ended before ``ref`` keep their end.
    """
    end = hist["end"].copy()
    run = np.flatnonzero(end == _NO_DAY)
    m = months[hist["vac"][run]]
    months_days = np.round(np.nan_to_num(m, nan=0.0) * _MONTH_DAYS).astype(np.int64)
    planned = hist["start"][run] + months_days
    fallback = ref + aux.integers(1, 731, len(run))
    ok = ~np.isnan(m) & (planned > ref) & (planned <= ref + 730)
    end[run] = np.where(ok, planned, fallback)
    return end


_COVERAGE_SIGMA = 0.42
"""Log-sd of a running project's coverage factor (binding obligations): 90% within 0.5-2."""


def _position_values(vac: dict, rows: np.ndarray, groups: np.ndarray, benefit: np.ndarray,
                     settings: Settings) -> np.ndarray:
    """Expected SROI value of one position of each vacancy ``rows``, over the given people.

    :func:`matching.data.valuation.placement_value` (building block × hours/36 × counted months /
    12, plus the permanent-contract bonus; no age bonus) averaged over the people's
    (block value, max months) tiers.
    """
    val = reference.default_valuation()
    if len(groups) == 0:  # nobody available: the target-group mix at its lowest tiers
        groups = np.array(list(TARGET_GROUP_MIX), dtype=object)
        weights_in = np.array(list(TARGET_GROUP_MIX.values()))
        benefit = np.full(len(groups), np.nan)
    else:
        weights_in = np.ones(len(groups))
    per_year, max_months = _valuation.block_value_per_year(val, groups, benefit)
    key = pd.DataFrame({"v": per_year, "m": np.nan_to_num(max_months, nan=-1.0), "w": weights_in})
    tiers = key.groupby(["v", "m"], sort=True)["w"].sum().reset_index()
    mini = pd.DataFrame({"target_group": [f"t{i}" for i in range(len(tiers))],
                         "value_per_year_eur": tiers["v"].to_numpy(),
                         "max_months": tiers["m"].where(tiers["m"] >= 0).to_numpy()})
    weight = tiers["w"].to_numpy() / tiers["w"].sum()
    values = _valuation.placement_value(
        mini, mini["target_group"].to_numpy(dtype=object)[None, :], None,
        vac["hours"][rows][:, None], vac["months"][rows][:, None],
        permanent=vac["permanent"][rows][:, None], settings=settings)
    return values @ weight


def _open_position_values(vac: dict, status: np.ndarray, groups: np.ndarray,
                          benefit: np.ndarray, n_projects: int, settings: Settings) -> np.ndarray:
    """Per project: the expected SROI value of filling all its open positions."""
    open_rows = np.flatnonzero(vac["is_open"])
    avail = status == "available"
    pos_value = _position_values(vac, open_rows, groups[avail], benefit[avail], settings)
    return np.bincount(vac["project"][open_rows], weights=pos_value * vac["positions"][open_rows],
                       minlength=n_projects)


def _bind_obligations(aux: np.random.Generator, pj: pd.DataFrame, value_j: np.ndarray,
                      settings: Settings) -> pd.DataFrame:
    """Running projects whose outstanding obligation matches their open positions.

    Per running project j with open positions worth ``value_j`` (:func:`_position_values`
    over the available candidates, times positions), a coverage factor
    ``f_j = exp(N(0, 0.42))`` sets the outstanding obligation ``O_j = V_j / f_j``. The
    realised share ``r_j`` drawn earlier (elapsed share × U(0.3, 1.1), at most 0.9) is kept,
    so the obligation is ``G_j = O_j / (1 - r_j)``; the contract value becomes ``G_j / pct``
    (÷ the explicit obligation's fraction for the 10% with an explicit ``obligation_eur``),
    rounded to €1,000 and at least the contract-type threshold. When ``pct × value``
    exceeds the obligation cap, the obligation is written explicitly as ``obligation_eur``
    (the cap only applies to computed obligations). ``realised_eur`` is the obligation minus
    ``O_j`` (rounded to €100). A running project without open vacancies has fulfilled its
    obligation. Finished projects are left as drawn.
    """
    pj = pj.copy()
    n = len(pj)
    factor = np.exp(aux.normal(0.0, _COVERAGE_SIGMA, n))
    running = pj["_running"].to_numpy()
    pct = pj["sroi_percentage"].to_numpy() / 100.0
    value0 = pj["contract_value_eur"].to_numpy()
    given0 = pj["obligation_eur"].to_numpy(dtype=float)
    override = ~np.isnan(given0)
    obligation0 = np.where(override, given0, np.minimum(pct * value0, settings.obligation_cap_eur))
    realised0 = pj["realised_eur"].to_numpy(dtype=float)
    share = np.clip(realised0 / np.maximum(obligation0, 1.0), 0.0, 0.9)
    bind = running & (value_j > 0)
    outstanding = np.where(bind, value_j / factor, 0.0)
    needed = outstanding / (1.0 - share)
    fraction = np.where(override, given0 / np.maximum(pct * value0, 1.0), 1.0)
    floor = np.where(pj["contract_type"].to_numpy() == "works", 250_000.0, 100_000.0)
    value = np.maximum(np.round(needed / (pct * fraction), -3), floor)
    computed = pct * value
    explicit = override | (computed > settings.obligation_cap_eur)
    obligation = np.where(explicit, np.round(needed, -2), computed)
    realised = np.maximum(np.round(obligation - outstanding, -2), 0.0)
    done = running & ~bind  # running, no open positions: the obligation is fulfilled
    pj["contract_value_eur"] = np.where(bind, value, value0)
    pj["obligation_eur"] = np.where(bind, np.where(explicit, obligation, np.nan), given0)
    pj["realised_eur"] = np.where(
        bind, realised,
        np.where(done, np.ceil(obligation0 / 100.0) * 100.0, realised0))
    return pj


def _coverage_stats(pj: pd.DataFrame, value_j: np.ndarray, settings: Settings) -> dict:
    """How far the open positions of running projects would cover their outstanding obligation."""
    running = pj["_running"].to_numpy()
    left = _valuation.project_obligations(pj, settings)["outstanding_eur"].to_numpy()
    has = running & (left > 0)
    cover = value_j[has] / left[has]
    some = len(cover) > 0
    return {
        "running_projects": int(running.sum()),
        "outstanding_eur": round(float(left[running].sum())),
        "open_positions_value_eur": round(float(value_j.sum())),
        "median": round(float(np.median(cover)), 3) if some else None,
        "min": round(float(cover.min()), 3) if some else None,
        "max": round(float(cover.max()), 3) if some else None,
        "share_below_1": round(float((cover < 1).mean()), 3) if some else None,
    }


def base_rate_shift_for(target: float, *args: object, iterations: int = 2,
                        **kwargs: object) -> float:
    """The ``base_rate_shift`` that gives a target durable base rate.

    The base rate is the mean true probability of the observed placements (those started at
    least six months before the reference date), which is the expected durable rate of their
    labels without label noise. With ``label_noise`` η the label rate is
    ``rate (1 - 2η) + η``: pass ``(target_label_rate - η) / (1 - 2η)``.

    Generates the sample (``args`` and ``kwargs`` as for :func:`generate`, any
    ``base_rate_shift`` among them is the starting point), solves
    ``mean(sigmoid(logit + d)) = target`` for the shift ``d`` on the observed placements,
    and repeats ``iterations`` times (the placements drawn depend slightly on the shift,
    through the no-two-jobs rule). Typically within 0.01 of the target.

    Examples
    --------
    >>> shift = base_rate_shift_for(0.3, 300, 30, n_projects=8, n_placements=600, seed=1)
    >>> s = generate(300, 30, n_projects=8, n_placements=600, seed=1, base_rate_shift=shift)
    >>> abs(s.manifest["stats"]["mean_true_probability"] - 0.3) < 0.02
    True
    """
    if not 0.0 < float(target) < 1.0:
        raise ValueError(f"target must lie strictly between 0 and 1, got {target!r}")
    shift = float(kwargs.pop("base_rate_shift", 0.0))  # type: ignore[arg-type]
    for _ in range(max(1, int(iterations))):
        sample = generate(*args, base_rate_shift=shift, **kwargs)  # type: ignore[arg-type]
        out = sample.outcomes
        p = out.loc[out["observed"], "probability"].to_numpy()
        if len(p) == 0:
            raise ValueError("the sample has no observed placements to calibrate on")
        logit = np.log(p) - np.log1p(-p)
        lo, hi = -20.0, 20.0
        for _ in range(60):  # bisection: the mean is increasing in the shift
            mid = (lo + hi) / 2
            if np.mean(1.0 / (1.0 + np.exp(-(logit + mid)))) < target:
                lo = mid
            else:
                hi = mid
        shift += (lo + hi) / 2
    return round(shift, 4)


def generate(
    n_candidates: int = 3000,
    n_vacancies: int = 400,
    n_projects: int = 80,
    n_placements: int = 6000,
    *,
    seed: int = 42,
    reference_date: str = "2026-11-01",
    obligations: str = "binding",
    base_rate_shift: float = 0.0,
    label_noise: float = 0.0,
    recent_share: float | None = None,
    planned_end_dates: bool = False,
    renamed_skills: float = 0.0,
) -> SampleData:
    """Generate a synthetic Northern-NL dataset with its ground truth.

    Parameters
    ----------
    n_candidates : int
        Available candidates (status ``available``). Historic candidates (``placed``,
        ``inactive``) needed for the placement history come on top.
    n_vacancies : int
        Open vacancies. Historic (``filled``/``closed``) vacancies come on top.
    n_projects : int
        Projects (about 45% running at ``reference_date``), at least 1.
    n_placements : int
        Placements in the history (about four years before ``reference_date``).
    seed : int
        Seed of the ``numpy`` ``PCG64`` generator; the same seed gives identical data.
    reference_date : str
        "Today": open vacancies start around it, the history ends before it and outcomes
        are censored at it. The manifest declares it as the ``extraction_date`` of the export.
    obligations : {"binding", "loose"}
        ``"binding"`` (default): the SROI obligations of running projects match their open
        positions. Filling every open position of a running project would cover its
        outstanding obligation by a factor drawn log-normally around 1 (σ 0.42, so 90% of
        projects lie between 50% and 200%): some projects are short of positions. The open
        vacancies themselves are drawn as in ``"loose"`` (exactly ``n_vacancies``); what
        adapts is the running project's contract value, its explicit ``obligation_eur``
        (when the obligation exceeds the 300k cap of a computed one) and its
        ``realised_eur``. ``"loose"``: the earlier shape, where obligations are drawn
        independently of the positions and open positions are worth many times the
        outstanding obligations.
    base_rate_shift : float
        Added to the truth's intercept (logit scale). 0 gives a durable base rate of about
        0.63-0.67; :func:`base_rate_shift_for` finds the shift for a target rate (at the
        default sizes and seed about -3.4 for 0.2, -1.1 for 0.5 and +1.75 for 0.8).
    label_noise : float
        Share (0-1) of historic placements whose outcome class (durable or not) is flipped
        after drawing it from the truth. The truth is unchanged, so a placement's label is
        then durable with probability ``p (1 - label_noise) + (1 - p) label_noise``.
    recent_share : float or None
        Share (0-1) of placements that start less than six months before ``reference_date``
        (censored unless they already ended). ``None``: as drawn (about 0.27).
    planned_end_dates : bool
        When true, placements still running on ``reference_date`` are written with a planned
        contract end after it (the start plus the vacancy's contract months when that lies
        within two years, else 1-730 days after ``reference_date``), as real exports do.
        Outcomes and statuses are unchanged.
    renamed_skills : float
        Share (0-1) of skill terms (candidates' skills, vacancies' required and preferred
        skills) written as a renamed variant the skill vocabulary does not know exactly
        (abbreviations, phrases, qualifiers, word order, role words). The truth keeps the
        true codes.

    Returns
    -------
    SampleData
        ``dataset`` in canonical form (as :func:`matching.data.loading.load_dataset` reads the
        written files), ``truth`` (the oracle, on the clean attributes), ``manifest`` and
        ``outcomes`` (the truth behind each placement).
    """
    for name, value, low in (("n_candidates", n_candidates, 0), ("n_vacancies", n_vacancies, 0),
                             ("n_projects", n_projects, 1), ("n_placements", n_placements, 0)):
        if int(value) != value or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if obligations not in ("binding", "loose"):
        raise ValueError(f"obligations must be 'binding' or 'loose', got {obligations!r}")
    for name, value in (("label_noise", label_noise), ("recent_share", recent_share),
                        ("renamed_skills", renamed_skills)):
        if value is not None and not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name} must lie between 0 and 1, got {value!r}")
    if not math.isfinite(float(base_rate_shift)):
        raise ValueError(f"base_rate_shift must be a finite number, got {base_rate_shift!r}")
    options = {"obligations": obligations, "base_rate_shift": float(base_rate_shift),
               "label_noise": float(label_noise),
               "recent_share": None if recent_share is None else float(recent_share),
               "planned_end_dates": bool(planned_end_dates),
               "renamed_skills": float(renamed_skills)}
    rng = np.random.Generator(np.random.PCG64(seed))
    ref = _days(reference_date)
    settings = Settings()
    geo, occ = _geo(), _occupations()
    skills, certs = _vocabularies(settings.fuzzy_cutoff)
    noise = _Noise(rng)
    core, req_p = _occupation_profiles(rng, occ, skills, certs)
    projects = _projects(rng, n_projects, ref, geo)

    n_hist = 0 if n_placements == 0 else max(1, round(n_placements / 1.15))
    vac = _vacancies(rng, n_vacancies, n_hist, projects, ref, geo, occ, core, req_p, skills, certs,
                     recent=None if recent_share is None
                     else (_aux(seed, _STREAM_RECENT), float(recent_share)))
    n_vac = n_vacancies + n_hist

    n_a_slots = int((rng.random(n_placements) < 0.25).sum())
    n_b = 0 if n_placements == 0 else max(1, round(0.55 * n_placements))
    n_a = n_candidates + n_a_slots
    n_cand = n_a + n_b
    current = np.zeros(n_cand, dtype=bool)
    current[rng.permutation(n_cand)[:n_a]] = True
    cand = _candidates(rng, n_cand, current, ref, geo, occ, core, req_p, skills, certs)

    # ---- clean, written and canonical (stripped) list columns
    rename = (_aux(seed, _STREAM_RENAME), float(renamed_skills)) if renamed_skills else None
    c_skills, w_skills, s_skills = _noisy_lists(noise, skills, cand["skills"], strict=False,
                                                rename=rename)
    c_certs, w_certs, s_certs = _noisy_lists(noise, certs, cand["certs"], strict=True)
    occ_idx = cand["occ"].copy()
    occ_idx[:, 1] = np.where(occ_idx[:, 1] == occ_idx[:, 0], -1, occ_idx[:, 1])
    occ_idx[:, 2] = np.where((occ_idx[:, 2] == occ_idx[:, 0]) | (occ_idx[:, 2] == occ_idx[:, 1]),
                             -1, occ_idx[:, 2])
    c_occ, w_occ, s_occ = (
        _group_rows(a, 3) for a in _occupation_terms(rng, noise, occ, occ_idx.ravel(), 0.3, 0.5))
    support_codes = np.array(SUPPORT_NEEDS, dtype=object)
    c_support = _rows_to_tuples(cand["support"], support_codes)

    v_req = _noisy_lists(noise, skills, vac["required"], strict=False, rename=rename)
    v_pref = _noisy_lists(noise, skills, vac["preferred"], strict=False, rename=rename)
    v_cert = _noisy_lists(noise, certs, vac["req_certs"], strict=True)
    v_occ_idx = np.where(rng.random(n_vac) < 0.1, -1, vac["occ"])
    v_occ = _occupation_terms(rng, noise, occ, v_occ_idx, 0.35 / 0.9, 0.45 / 0.9)
    v_support = _rows_to_tuples(vac["support"], support_codes)

    cwidth = max(6, len(str(n_cand)))
    vwidth = max(6, len(str(n_vac)))
    cand_ids = np.array([f"C{i + 1:0{cwidth}d}" for i in range(n_cand)], dtype=object)
    vac_ids = np.array([f"V{i + 1:0{vwidth}d}" for i in range(n_vac)], dtype=object)
    cand_pc4 = cand["postcode"]
    vac_pc4 = vac["postcode"]
    cand_common = {
        "candidate_id": cand_ids, "postcode": cand_pc4, "municipality_code": geo.gm[cand["mun"]],
        "target_group": cand["group"], "benefit_months": cand["benefit"],
        "birth_year": cand["birth_year"],
    }
    cand_rest = {
        "education_level": cand["education"], "dutch_level": cand["dutch"],
        "hours_per_week": cand["hours"], "mobility": cand["mobility"],
        "max_travel_km": cand["max_km"], "support_needs": c_support,
        "available_from": _iso(cand["available"]), "status": None,
        "gender": cand["gender"], "nationality": cand["nationality"],
    }

    def cand_frame(sk: list, ce: list, oc: list) -> pd.DataFrame:
        return pd.DataFrame(cand_common | {"skills": sk, "certificates": ce, "occupations": oc}
                            | cand_rest)

    cand_clean = cand_frame(c_skills, c_certs, c_occ)
    cand_written = cand_frame(w_skills, w_certs, w_occ)
    cand_canon = cand_frame(s_skills, s_certs, s_occ)

    pj = projects
    titles = _titles(rng, occ, vac["occ"], geo.name[vac["mun"]])
    vac_common = {
        "vacancy_id": vac_ids, "project_id": pj["project_id"].to_numpy()[vac["project"]],
        "employer_id": vac["employer"], "title": titles,
    }
    vac_mid = {"postcode": vac_pc4, "municipality_code": geo.gm[vac["mun"]]}
    vac_rest = {
        "hours_per_week": vac["hours"], "positions": vac["positions"],
        "start_date": _iso(vac["start"]), "contract_months": vac["months"],
        "permanent": pd.array(vac["permanent"], dtype="boolean"),
        "min_education_level": vac["min_edu"], "min_dutch_level": vac["min_dutch"],
        "support_offered": v_support, "eligible_target_groups": vac["eligible"],
        "status": None,
    }

    def vac_frame(i: int) -> pd.DataFrame:
        return pd.DataFrame(vac_common | {"occupation": v_occ[i]} | vac_mid | {
            "required_skills": v_req[i], "preferred_skills": v_pref[i],
            "required_certificates": v_cert[i]} | vac_rest)

    vac_clean, vac_written, vac_canon = vac_frame(0), vac_frame(1), vac_frame(2)

    coefficients = Coefficients()
    if base_rate_shift:
        coefficients = dataclasses.replace(
            coefficients, intercept=coefficients.intercept + float(base_rate_shift))
    truth = GroundTruth(cand_clean, vac_clean, coefficients=coefficients, settings=settings)

    # ---- history and statuses
    hist = _history(rng, truth, n_placements, ref, vac, current, cand["primary"])
    if label_noise:
        hist = _flip_outcomes(_aux(seed, _STREAM_FLIP), hist, float(label_noise), ref)
    running = hist["end"] == _NO_DAY
    placed = np.zeros(n_cand, dtype=bool)
    placed[hist["cand"][running]] = True
    free_a = np.flatnonzero(current & ~placed)
    available = np.zeros(n_cand, dtype=bool)
    # a fixed number of draws whoever is free, so the history (e.g. label noise) cannot
    # shift the random stream of what follows
    keys = rng.random(n_cand)
    available[free_a[np.argsort(keys[free_a], kind="stable")][:n_candidates]] = True
    status = np.where(available, "available", np.where(placed, "placed", "inactive"))
    has_placement = np.zeros(n_vac, dtype=bool)
    has_placement[hist["vac"]] = True
    vstatus = np.where(vac["is_open"], "open", np.where(has_placement, "filled", "closed"))
    for frame in (cand_written, cand_canon, truth.candidates):
        frame["status"] = status
    for frame in (vac_written, vac_canon, truth.vacancies):
        frame["status"] = vstatus

    n_pl = len(hist["cand"])
    pwidth = max(6, len(str(n_pl)))
    use_vac_hours = rng.random(n_pl) < 0.8
    pl_hours = np.where(use_vac_hours, vac["hours"][hist["vac"]],
                        np.minimum(vac["hours"][hist["vac"]], cand["hours"][hist["cand"]]))
    end_written = hist["end"]
    if planned_end_dates:
        end_written = _planned_ends(_aux(seed, _STREAM_PLANNED), hist, vac["months"], ref)
    placement_ids = np.array([f"P{i + 1:0{pwidth}d}" for i in range(n_pl)], dtype=object)
    placements = pd.DataFrame({
        "placement_id": placement_ids,
        "candidate_id": cand_ids[hist["cand"]],
        "vacancy_id": vac_ids[hist["vac"]],
        "start_date": _iso(hist["start"]),
        "end_date": _iso(end_written),
        "hours_per_week": pl_hours,
    })
    value_j = _open_position_values(vac, status, cand["group"], cand["benefit"], len(pj),
                                    settings)
    if obligations == "binding":
        pj = _bind_obligations(_aux(seed, _STREAM_BINDING), pj, value_j, settings)
    coverage = _coverage_stats(pj, value_j, settings)
    proj_out = pj[[c for c in PROJECTS.column_names]].copy()
    proj_out["start_date"] = _iso(pj["start_date"].to_numpy())
    proj_out["end_date"] = _iso(pj["end_date"].to_numpy())

    written = {
        "candidates": cand_written.assign(postcode=_pc6(rng, cand_pc4, 0.1)),
        "projects": proj_out,
        "vacancies": vac_written.assign(postcode=_pc6(rng, vac_pc4, 0.05)),
        "placements": placements,
    }
    dataset = Dataset(
        candidates=_canonical(CANDIDATES, cand_canon),
        projects=_canonical(PROJECTS, proj_out),
        vacancies=_canonical(VACANCIES, vac_canon),
        placements=_canonical(PLACEMENTS, placements),
        valuation=_canonical(VALUATION, reference.default_valuation()),
    )
    # ---- statistics
    horizon = np.ceil(settings.horizon_months * _MONTH_DAYS)
    observed = hist["start"] + horizon <= ref
    durable = hist["t_days"] >= horizon
    outcomes = pd.DataFrame({
        "placement_id": placement_ids, "candidate_id": cand_ids[hist["cand"]],
        "vacancy_id": vac_ids[hist["vac"]], "probability": hist["p"],
        "start_delay_days": hist["delay"], "t_days": hist["t_days"],
        "drawn_durable": hist["drawn_durable"], "flipped": hist["flipped"],
        "durable": durable, "observed": observed,
    })
    stats = {
        "placements_observed": int(observed.sum()),
        "placements_censored": int((~observed & running).sum()),
        "placements_recent": int((~observed).sum()),
        "durable_rate": round(float(durable[observed].mean()), 4) if observed.any() else None,
        "mean_true_probability": round(float(hist["p"][observed].mean()), 4)
        if observed.any() else None,
        "oracle_auc": None if not observed.any() or math.isnan(
            auc := _auc(hist["p"][observed], durable[observed])) else round(auc, 4),
        "labels_flipped": int(hist["flipped"].sum()),
        "obligation_coverage": coverage,
    }
    manifest = {
        "generator": "matching.sample",  # a stable name, not the module path (manifests in the wild)
        "generator_version": GENERATOR_VERSION,
        "seed": int(seed),
        "reference_date": str(np.datetime64(ref, "D")),
        "extraction_date": str(np.datetime64(ref, "D")),
        "sizes": {"n_candidates": int(n_candidates), "n_vacancies": int(n_vacancies),
                  "n_projects": int(n_projects), "n_placements": int(n_placements)},
        "options": options,
        "rows": {name: len(frame) for name, frame in written.items()},
        "horizon_months": settings.horizon_months,
        "truth": "matching.ground_truth.GroundTruth",
        "coefficients": truth.coefficients.as_dict(),
        "stats": stats,
    }
    return SampleData(dataset=dataset, truth=truth, manifest=manifest, written=written,
                      outcomes=outcomes)


def _titles(rng: np.random.Generator, occ: _Occupations, idx: np.ndarray,
            place: np.ndarray) -> list[str]:
    """Dutch job titles: the occupation's Dutch label, sometimes with place or suffix."""
    u = rng.random(len(idx))
    out = []
    for i, uu, pl in zip(idx, u, place, strict=True):
        label = str(occ.label_nl[i])
        title = label[:1].upper() + label[1:]
        if uu < 0.2:
            title = f"{title} {pl}"
        elif uu < 0.3:
            title = f"{title} (m/v)"
        elif uu < 0.35:
            title = f"Leerling {label} (BBL)"
        out.append(title)
    return out


# ----------------------------------------------------------------------------- canonical form


def _canonical(schema: TableSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as :mod:`matching.data.loading` returns it (see :mod:`matching.data.schema`)."""
    out = {}
    for column in schema.columns:
        if column.name not in frame:
            values = pd.Series([None] * len(frame), dtype=object)
        else:
            values = frame[column.name].reset_index(drop=True)
        kind = column.kind
        if kind == "list":
            out[column.name] = pd.Series(
                [cell if isinstance(cell, tuple) else tuple(cell) if isinstance(cell, list)
                 else () for cell in values], dtype=object)
        elif kind in ("int", "float"):
            out[column.name] = pd.to_numeric(values).astype("float64")
        elif kind == "bool":
            out[column.name] = values.astype("boolean")
        elif kind == "date":
            out[column.name] = pd.to_datetime(values).astype("datetime64[ns]")
        else:
            out[column.name] = values.astype(object).astype("str")
    result = pd.DataFrame(out)
    result.index = pd.RangeIndex(2, len(result) + 2)
    return result


# ----------------------------------------------------------------------------- writing


def _text(values: pd.Series, kind: str) -> list[str]:
    """Cell text of one column as written to CSV."""
    if kind == "list":
        return [";".join(cell) if isinstance(cell, tuple | list) else "" for cell in values]
    if kind in ("int", "float"):
        arr = pd.to_numeric(values).to_numpy(dtype=float)
        return ["" if math.isnan(x) else (str(int(x)) if x == int(x) else f"{x:.2f}".rstrip("0"))
                for x in arr]
    if kind == "bool":
        return ["" if pd.isna(v) else ("true" if v else "false") for v in values]
    if kind == "date":
        dates = pd.to_datetime(values)
        return list(dates.dt.strftime("%Y-%m-%d").fillna(""))
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            for v in values.astype(object)]


_SCHEMAS = {"candidates": CANDIDATES, "projects": PROJECTS, "vacancies": VACANCIES,
            "placements": PLACEMENTS}


def render_tables(sample: SampleData) -> dict[str, bytes]:
    """The CSV bytes of each written table (``candidates.csv`` …), UTF-8, ``,``-separated."""
    out = {}
    for name in TABLE_FILES:
        schema = _SCHEMAS[name]
        frame = sample.written[name]
        text = pd.DataFrame({c.name: _text(frame[c.name], c.kind) for c in schema.columns
                             if c.name in frame})
        buf = io.StringIO()
        text.to_csv(buf, index=False, lineterminator="\n")
        out[f"{name}.csv"] = buf.getvalue().encode("utf-8")
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_sample(sample: SampleData, out_dir: str | Path) -> Path:
    """Write the four tables and ``manifest.json`` (with a sha256 per file) to ``out_dir``.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = render_tables(sample)
    for name, data in files.items():
        (out / name).write_bytes(data)
    manifest = dict(sample.manifest)
    manifest["files"] = {name: _sha256(data) for name, data in files.items()}
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8")
    return out


def load_truth(data_dir: str | Path) -> GroundTruth | None:
    """The ground truth of a sample folder written by :func:`write_sample`, else ``None``.

    Regenerates the sample from the seed and sizes in ``manifest.json``. Returns ``None``
    when the folder has no (readable) manifest, was made by another generator version, or
    when any table differs from the fingerprint in the manifest (the files were edited).
    """
    folder = Path(data_dir)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if (manifest.get("generator") != "matching.sample"
                or manifest.get("generator_version") != GENERATOR_VERSION):
            return None
        files = manifest["files"]
        for name in (f"{t}.csv" for t in TABLE_FILES):
            if _sha256((folder / name).read_bytes()) != files[name]:
                return None
        sizes = {k: int(v) for k, v in manifest["sizes"].items()}
        options = dict(manifest.get("options") or {})
        sample = generate(**sizes, seed=int(manifest["seed"]),
                          reference_date=str(manifest["reference_date"]), **options)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    rendered = render_tables(sample)
    if any(_sha256(data) != files[name] for name, data in rendered.items()):
        return None
    return sample.truth

"""The training planner's tables of a sample: a course catalogue and a regional tender calendar.

:func:`_courses` draws ``n`` courses from :data:`COURSE_TEMPLATES` (realistic Northern-NL
courses with 2026 prices: safety and machine certificates, driving licences, hygiene,
language and entry-level education, a few skill courses), each at a provider's location in
one of the region's course towns (or online) with 8-16 places per start and 2-6 start dates
on Mondays in the twelve months after the reference date. :func:`_tenders` draws ``n``
planned tenders of the region's municipalities, provinces, water boards and Rijkswaterstaat
(works: roads, dikes, schools, housing renovation; services: cleaning, green maintenance,
catering), expected to start 2 to 24 months after the reference date, worth EUR 1 to 30
million with an SROI percentage of 2-5% and a probability of 0.6-1.0, needing occupations
(ISCO-08 unit groups) that the sample's vacancies of the same sector use.

Both draw from their own random streams (:func:`~matching.synthetic.draws._aux`), after
everything else: the other tables of a seed do not change with them or with their sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from matching.data import reference
from matching.synthetic.tables import _ids
from matching.synthetic.vocab import _Occupations, _Vocab
from matching.synthetic.world import _Geo

__all__ = ["COURSE_TEMPLATES", "COURSE_TOWNS", "CourseTemplate", "_courses", "_tenders"]


@dataclass(frozen=True)
class CourseTemplate:
    """One kind of course: what it gives, its price range (EUR, 2026) and length."""

    name: str
    certificates: tuple[str, ...] = ()
    """Certificate codes of the reference catalogue (written as their Dutch label)."""
    skills: tuple[str, ...] = ()
    """Skill codes of the reference vocabulary (written as their Dutch label)."""
    dutch_level: str | None = None
    education_level: str | None = None
    cost: tuple[float, float] = (0.0, 0.0)
    weeks: float = 1.0
    providers: tuple[str, ...] = ()
    online: bool = False
    """The course is also given online or at the employer's location (no place)."""


_ROC = ("Noorderpoort", "Alfa-college", "Drenthe College", "Friesland College")
_GREEN = ("Terra", "Nordwin College")
_SAFETY = ("Bouwmensen Noord", "SOMA College", "Noorderpoort", "Friesland College")

COURSE_TEMPLATES: tuple[CourseTemplate, ...] = (
    CourseTemplate("VCA basis (B-VCA)", ("vca_basis",), cost=(195, 250), weeks=0.4,
                   providers=_SAFETY, online=True),
    CourseTemplate("VOL-VCA", ("vol_vca",), cost=(280, 340), weeks=0.6, providers=_SAFETY),
    CourseTemplate("B-VCA Groen", ("vca_groen",), cost=(195, 250), weeks=0.4, providers=_GREEN),
    CourseTemplate("Heftruckcertificaat", ("heftruck",), ("heftruck_rijden",), cost=(400, 500),
                   weeks=1.0, providers=_ROC),
    CourseTemplate("Reachtruckcertificaat", ("reachtruck",), cost=(450, 550), weeks=1.0,
                   providers=_ROC),
    CourseTemplate("BHV basis", ("bhv",), cost=(225, 275), weeks=0.4, providers=_SAFETY,
                   online=True),
    CourseTemplate("EHBO met reanimatie en AED", ("ehbo", "aed_reanimatie"), cost=(180, 260),
                   weeks=2.0, providers=_ROC),
    CourseTemplate("Veilig Werken Langs de Weg (VWLW)", ("vwlw",), cost=(150, 225), weeks=0.2,
                   providers=("SOMA College", "Bouwmensen Noord")),
    CourseTemplate("Verkeersregelaar", ("verkeersregelaar",), ("verkeer_regelen",),
                   cost=(150, 250), weeks=0.4, providers=("SOMA College", "Noorderpoort"),
                   online=True),
    CourseTemplate("Hoogwerker IPAF", ("hoogwerker",), cost=(300, 400), weeks=0.2,
                   providers=("Bouwmensen Noord", "SOMA College")),
    CourseTemplate("Machinist grondverzet", ("grondverzetmachinist",), ("graafmachine",),
                   cost=(3000, 4500), weeks=6.0, providers=("SOMA College",)),
    CourseTemplate("Rijbewijs C", ("rijbewijs_c",), ("vrachtwagen_rijden",), cost=(2800, 3400),
                   weeks=8.0, providers=("Alfa-college", "Drenthe College", "Friesland College")),
    CourseTemplate("Code 95 nascholing (35 uur)", ("code95",), cost=(550, 700), weeks=5.0,
                   providers=("Alfa-college", "Drenthe College", "Friesland College")),
    CourseTemplate("HACCP", ("haccp",), ("voedselveiligheid",), cost=(150, 250), weeks=0.2,
                   providers=_ROC, online=True),
    CourseTemplate("Sociale Hygiëne", ("sociale_hygiene",), cost=(300, 450), weeks=3.0,
                   providers=_ROC, online=True),
    CourseTemplate("Vakbekwaamheid schoonmaak (SVS)", ("vakbekwaamheid_schoonmaak",),
                   ("schoonmaken",), cost=(450, 650), weeks=4.0, providers=_ROC),
    CourseTemplate("Lascertificaat", ("lascertificaat",), ("lassen",), cost=(2200, 2900),
                   weeks=12.0, providers=("Noorderpoort", "Drenthe College", "Friesland College")),
    CourseTemplate("Taal NT2 A2 naar B1", dutch_level="B1", cost=(1600, 2000), weeks=26.0,
                   providers=_ROC),
    CourseTemplate("MBO-1 Entree", education_level="mbo1", cost=(3200, 3900), weeks=40.0,
                   providers=_ROC),
    CourseTemplate("Grondwerk en bestrating basis", skills=("grondwerk", "stratenmaken"),
                   cost=(1500, 2200), weeks=6.0, providers=("Bouwmensen Noord", "SOMA College")),
    CourseTemplate("Groenonderhoud en boomverzorging basis",
                   skills=("groenonderhoud", "maaien", "snoeien", "boomverzorging"),
                   cost=(1200, 1800), weeks=8.0, providers=_GREEN),
    CourseTemplate("Timmeren en bekisting basis", skills=("timmeren", "bekisting", "betonwerk"),
                   cost=(1800, 2600), weeks=10.0, providers=("Bouwmensen Noord",)),
    CourseTemplate("Orderpicken en magazijnwerk", skills=("orderpicken", "laden_lossen",
                                                          "magazijnwerk"),
                   cost=(600, 900), weeks=3.0, providers=("Alfa-college", "Drenthe College")),
)
"""The courses of a sample catalogue. The first ``len(COURSE_TEMPLATES)`` courses are one of
each (in a drawn order); further courses repeat a drawn template at another provider."""

COURSE_TOWNS: dict[str, tuple[str, ...]] = {
    "Noorderpoort": ("Groningen", "Assen"),
    "Alfa-college": ("Groningen", "Hoogeveen"),
    "Drenthe College": ("Assen", "Emmen"),
    "Friesland College": ("Leeuwarden", "Heerenveen"),
    "Terra": ("Groningen", "Assen", "Emmen"),
    "Nordwin College": ("Leeuwarden", "Sneek"),
    "Bouwmensen Noord": ("Groningen", "Drachten", "Emmen"),
    "SOMA College": ("Hoogeveen",),
}
"""Where each provider gives its courses (places of the reference postcode table)."""


@lru_cache(maxsize=1)
def _town_postcodes() -> dict[str, tuple[str, np.ndarray]]:
    """Town -> (CBS code, its PC4s in the reference postcode table, sorted)."""
    pcs = reference.postcodes()
    towns = sorted({t for places in COURSE_TOWNS.values() for t in places})
    out = {}
    for town in towns:
        rows = pcs[pcs["place"] == town]
        gm = rows["gm_code"].mode().iloc[0]
        out[town] = (str(gm), np.sort(rows.loc[rows["gm_code"] == gm, "pc4"]
                                      .astype(str).unique()))
    return out


def _label(vocab: _Vocab, code: str) -> str:
    """The first safe name (the Dutch label) under which ``code`` is written."""
    i = int(np.flatnonzero(vocab.codes == code)[0])
    return vocab.names[i][0]


def _start_dates(rng: np.random.Generator, n: int, ref: int) -> list[tuple[str, ...]]:
    """2-6 distinct Mondays in the 52 weeks after ``ref`` per course, as ISO dates."""
    first_monday = ref + (7 - (ref + 3) % 7) % 7 + 7  # 1970-01-01 was a Thursday
    counts = rng.integers(2, 7, n)
    keys = rng.random((n, 52))
    out = []
    for k, key in zip(counts, keys, strict=True):
        weeks = np.sort(np.argsort(key)[:k])
        out.append(tuple(str(np.datetime64(int(first_monday + 7 * w), "D")) for w in weeks))
    return out


def _courses(rng: np.random.Generator, n: int, ref: int, skills: _Vocab,
             certs: _Vocab) -> pd.DataFrame:
    """The written course catalogue: ``n`` courses (see :data:`COURSE_TEMPLATES`)."""
    k = len(COURSE_TEMPLATES)
    order = rng.permutation(k)
    extra = rng.integers(0, k, max(0, n - k))
    which = np.concatenate([order, extra])[:n]
    provider_u, town_u, pc_u, cost_u = rng.random((4, n))
    online = rng.random(n) < 0.3
    seats = rng.integers(8, 17, n)
    starts = _start_dates(rng, n, ref)
    towns = _town_postcodes()
    rows = []
    for i, t in enumerate(which.tolist()):
        tpl = COURSE_TEMPLATES[t]
        provider = tpl.providers[int(provider_u[i] * len(tpl.providers))]
        gm = pc4 = None
        if not (tpl.online and online[i]):
            places = COURSE_TOWNS[provider]
            gm, pcs = towns[places[int(town_u[i] * len(places))]]
            pc4 = pcs[int(pc_u[i] * len(pcs))]
        low, high = tpl.cost
        step = 5.0 if high < 1000 else 50.0
        cost = float(np.round((low + cost_u[i] * (high - low)) / step) * step)
        rows.append({
            "course_id": None, "name": tpl.name, "provider": provider,
            "certificates": tuple(_label(certs, c) for c in tpl.certificates),
            "skills": tuple(_label(skills, s) for s in tpl.skills),
            "dutch_level": tpl.dutch_level, "education_level": tpl.education_level,
            "postcode": pc4, "municipality_code": gm, "cost_eur": cost,
            "duration_weeks": tpl.weeks, "seats": int(seats[i]), "start_dates": starts[i],
        })
    frame = pd.DataFrame(rows, columns=["course_id", "name", "provider", "certificates",
                                        "skills", "dutch_level", "education_level", "postcode",
                                        "municipality_code", "cost_eur", "duration_weeks",
                                        "seats", "start_dates"])
    frame["course_id"] = _ids("CRS", n, 3)
    return frame


# ----------------------------------------------------------------------------- tenders

_TENDER_KINDS: tuple[tuple[str, str, str, tuple[str, ...], tuple[int, int]], ...] = (
    # (contract type, sector, authority kind, name templates, duration months)
    ("works", "infrastructure", "road", ("Groot onderhoud wegen {p}",
                                         "Reconstructie doorgaande weg {p}",
                                         "Onderhoud wegen en fietspaden {p}"), (12, 48)),
    ("works", "infrastructure", "dike", ("Dijkversterking {p}", "Versterking kade en dijk {p}"),
     (24, 60)),
    ("works", "construction", "municipality", ("Nieuwbouw integraal kindcentrum {p}",
                                               "Nieuwbouw brede school {p}",
                                               "Renovatie scholen {p}"), (12, 30)),
    ("works", "construction", "municipality", ("Renovatie en verduurzaming huurwoningen {p}",
                                               "Verduurzaming gemeentelijk vastgoed {p}"),
     (18, 48)),
    ("services", "cleaning", "any", ("Schoonmaakdienstverlening kantoren en gebouwen {p}",
                                     "Schoonmaak scholen en sportaccommodaties {p}"), (24, 48)),
    ("services", "green", "municipality", ("Groenonderhoud openbare ruimte {p}",
                                           "Beheer en onderhoud groen {p}"), (24, 48)),
    ("services", "hospitality", "any", ("Catering en bedrijfsrestaurant {p}",
                                        "Catering kantoren en evenementen {p}"), (24, 48)),
)
_KIND_WEIGHTS = np.array([0.2, 0.1, 0.15, 0.15, 0.15, 0.15, 0.1])
_PROVINCES = {"Groningen": "Provincie Groningen", "Friesland": "Provincie Fryslân",
              "Drenthe": "Provincie Drenthe"}
_WATER_BOARDS = {"Groningen": "Waterschap Noorderzijlvest", "Friesland": "Wetterskip Fryslân",
                 "Drenthe": "Waterschap Drents Overijsselse Delta"}


def _tenders(rng: np.random.Generator, n: int, ref: int, geo: _Geo, occ: _Occupations,
             vacancy_isco: np.ndarray) -> pd.DataFrame:
    """The written tender calendar: ``n`` planned tenders (see the module docstring).

    ``vacancy_isco`` are the ISCO-08 codes of the sample's vacancies: a tender needs 2-4 of
    those of its sector (else of the sector's reference occupations).
    """
    kind = rng.choice(len(_TENDER_KINDS), size=n, p=_KIND_WEIGHTS / _KIND_WEIGHTS.sum())
    mun = rng.choice(len(geo.gm), size=n, p=np.sqrt(geo.weight) / np.sqrt(geo.weight).sum())
    authority_u, name_u, pc_u, rws_u = rng.random((4, n))
    with_postcode = rng.random(n) < 0.4
    start_month = rng.integers(2, 25, n)
    duration_u = rng.random(n)
    no_duration = rng.random(n) < 0.1
    value = np.exp(rng.uniform(np.log(1e6), np.log(3e7), n))
    pct = rng.choice([2.0, 2.5, 3.0, 4.0, 5.0], size=n, p=[0.35, 0.15, 0.2, 0.15, 0.15])
    probability = np.round(rng.uniform(0.6, 1.0, n) * 20) / 20
    n_occ = rng.integers(2, 5, n)
    used = set(np.asarray(vacancy_isco, dtype=object).tolist())
    pools = {}
    for sector in {k[1] for k in _TENDER_KINDS}:
        isco = sorted(set(occ.isco[occ.sector == sector].tolist()))
        pools[sector] = [c for c in isco if c in used] or isco
    occ_keys = rng.random((n, max(len(p) for p in pools.values())))
    ref_month = pd.Timestamp(np.datetime64(ref, "D")).to_period("M")
    rows = []
    for i in range(n):
        ctype, sector, who, names, (lo, hi) = _TENDER_KINDS[int(kind[i])]
        m = int(mun[i])
        place, province = str(geo.name[m]), str(geo.province[m])
        if who == "road":
            authority = ("Rijkswaterstaat Noord-Nederland" if rws_u[i] < 0.3
                         else _PROVINCES[province])
        elif who == "dike":
            authority = ("Rijkswaterstaat Noord-Nederland" if rws_u[i] < 0.3
                         else _WATER_BOARDS[province])
        elif who == "any" and authority_u[i] < 0.3:
            authority = _PROVINCES[province]
        else:
            authority = f"Gemeente {geo.name[m]}"
        name = names[int(name_u[i] * len(names))].format(p=place)
        pool = pools[sector]
        picks = np.argsort(occ_keys[i, :len(pool)])[: int(n_occ[i])]
        pcs = geo.pc4[m]
        start = (ref_month + int(start_month[i])).to_timestamp()
        rows.append({
            "tender_id": f"TND{i + 1:03d}", "name": name, "contracting_authority": authority,
            "postcode": pcs[int(pc_u[i] * len(pcs))] if with_postcode[i] and len(pcs) else None,
            "municipality_code": geo.gm[m], "contract_type": ctype,
            "expected_start": start,
            "duration_months": np.nan if no_duration[i] else float(
                lo + round(duration_u[i] * (hi - lo) / 6) * 6),
            "occupations": tuple(pool[j] for j in sorted(picks)), "sector": sector,
            "contract_value_eur": float(np.round(value[i], -4)),
            "sroi_percentage": float(pct[i]), "probability": float(probability[i]),
        })
    frame = pd.DataFrame(rows, columns=["tender_id", "name", "contracting_authority", "postcode",
                                        "municipality_code", "contract_type", "expected_start",
                                        "duration_months", "occupations", "sector",
                                        "contract_value_eur", "sroi_percentage", "probability"])
    frame["expected_start"] = pd.to_datetime(frame["expected_start"]).astype("datetime64[ns]")
    return frame

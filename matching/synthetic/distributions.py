"""The distributions the sample generator draws from (DOMAIN.md, docs/ground-truth.md)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

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

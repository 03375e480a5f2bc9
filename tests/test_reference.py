"""The shipped reference tables: contents, vocabulary resolution and reproducible build."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from features.vocabulary import Vocabulary, normalise_term
from matching.data import reference

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "features" / "reference" / "data"
SOURCES = REPO / "tests" / "data" / "reference_sources"
"""Extracts of the public source files (``tests/data/README.md``): the build's inputs."""
WHOLE = {"municipalities.csv", "isco_groups.csv", "regions_noord.json", "certificates.csv",
         "skills.csv", "target_groups.csv", "valuation_default.csv"}
"""Tables whose sources are vendored whole (or that are curated in the script itself)."""
WADDEN = {"GM0096": "Vlieland", "GM0093": "Terschelling", "GM0060": "Ameland",
          "GM0088": "Schiermonnikoog"}
SECTORS = {"construction", "infrastructure", "logistics", "green", "cleaning", "hospitality",
           "production", "general"}


def _vocabulary(frame: pd.DataFrame, name: str) -> Vocabulary:
    return Vocabulary(
        [(row.code, [row.label_nl, row.label_en, *row.synonyms]) for row in frame.itertuples()],
        name=name,
    )


def _ambiguous(frame: pd.DataFrame) -> dict[str, set[str]]:
    """Normalised names that belong to more than one code."""
    owners: dict[str, set[str]] = defaultdict(set)
    for row in frame.itertuples():
        for name in (row.code, row.label_nl, row.label_en, *row.synonyms):
            owners[normalise_term(name)].add(row.code)
    return {name: codes for name, codes in owners.items() if len(codes) > 1}


# ------------------------------------------------------------------ geography


def test_municipalities_scope_and_regions() -> None:
    muni = reference.municipalities()
    assert len(muni) == 342
    assert muni["gm_code"].is_unique
    assert muni["gm_code"].str.fullmatch(r"GM\d{4}").all()
    scope = muni[muni["in_scope"]]
    assert len(scope) == 38
    assert scope["labour_market_region"].value_counts().to_dict() == {
        "Friesland": 18, "Groningen": 14, "Drenthe": 6}
    # Assen and the other "kop van Drenthe" municipalities belong to region Groningen.
    assert muni.set_index("gm_code").loc["GM0106", "labour_market_region"] == "Groningen"
    outside = muni.set_index("gm_code").loc[["GM0119", "GM1701"]]  # Meppel, Westerveld
    assert not outside["in_scope"].any()
    assert (outside["labour_market_region"] == "Regio Zwolle").all()
    assert outside["population_approx"].notna().all()
    assert muni.loc[~muni["gm_code"].isin([*scope["gm_code"], "GM0119", "GM1701"]),
                    "population_approx"].isna().all()
    assert muni["lat"].between(50.7, 53.6).all() and muni["lon"].between(3.3, 7.3).all()


def test_islands_flagged() -> None:
    muni = reference.municipalities().set_index("gm_code")
    islands = set(muni.index[muni["island"]])
    assert islands == {*WADDEN, "GM0448"}  # plus Texel
    for code, name in WADDEN.items():
        assert muni.loc[code, "name"] == name
        assert muni.loc[code, "in_scope"]


@pytest.mark.parametrize(("pc4", "gm_code", "lat", "lon"), [
    ("9711", "GM0014", 53.217, 6.570),  # Groningen
    ("8911", "GM0080", 53.202, 5.797),  # Leeuwarden
    ("9401", "GM0106", 52.994, 6.563),  # Assen
])
def test_postcode_points(pc4: str, gm_code: str, lat: float, lon: float) -> None:
    row = reference.postcodes().set_index("pc4").loc[pc4]
    assert row["gm_code"] == gm_code
    assert abs(row["lat"] - lat) < 0.01
    assert abs(row["lon"] - lon) < 0.01


def test_postcodes_consistent_with_municipalities() -> None:
    pc = reference.postcodes()
    muni = reference.municipalities()
    assert pc["pc4"].is_unique
    assert pc["pc4"].str.fullmatch(r"\d{4}").all()
    assert pc["gm_code"].isin(muni["gm_code"]).all()
    assert len(pc) > 4000
    # The Voorne aan Zee PC4s carry no code in GeoNames and are mapped by place name.
    assert pc.set_index("pc4").loc["3221", "gm_code"] == "GM1992"
    # Every in-scope municipality has at least one PC4 (distances need a point).
    assert set(muni.loc[muni["in_scope"], "gm_code"]) <= set(pc["gm_code"])
    # Island postcodes fall in island municipalities (Vlieland 8899).
    assert pc.set_index("pc4").loc["8899", "gm_code"] == "GM0096"


def test_region_outlines() -> None:
    outlines = reference.region_outlines()
    assert outlines["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in outlines["features"]}
    assert names == {"Friesland", "Groningen", "Drenthe"}
    for feature in outlines["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


# ------------------------------------------------------------------ occupations


def test_occupations_and_isco() -> None:
    occ = reference.occupations()
    isco = reference.isco_groups()
    assert occ["occupation_id"].is_unique
    assert occ["occupation_id"].str.fullmatch(r"[0-9a-f]{8}").all()
    assert occ["isco_code"].str.fullmatch(r"\d{4}").all()
    assert set(occ["isco_code"]) <= set(isco["code"])
    assert occ["label_nl"].str.len().gt(0).all()
    target = occ[occ["target_sector"]]
    assert 600 < len(target) < len(occ)
    assert target["synonyms"].map(len).between(0, 12).all()
    assert target["synonyms"].map(len).mean() > 5
    assert (occ.loc[~occ["target_sector"], "synonyms"].map(len) == 0).all()
    assert (isco["level"] == isco["code"].str.len()).all()
    assert set(isco["level"]) == {1, 2, 3, 4}
    assert isco.set_index("code").loc["7112", "label_en"] == "Bricklayers and related workers"


# ------------------------------------------------------------------ vocabularies


@pytest.mark.parametrize(("term", "code"), [
    ("B-VCA", "vca_basis"),
    ("VCA basis", "vca_basis"),
    ("VCA", "vca_basis"),
    ("VOL-VCA", "vol_vca"),
    ("B-VCA Groen", "vca_groen"),
    ("Heftruck certificaat", "heftruck"),
    ("heftruckcertificaat", "heftruck"),
    ("forklift licence", "heftruck"),
    ("rijbewijs B", "rijbewijs_b"),
    ("Rijbewijs C+E", "rijbewijs_ce"),
    ("Veilig werken langs de weg", "vwlw"),
    ("CROW 96b", "vwlw"),
    ("Hoogwerker (IPAF)", "hoogwerker"),
    ("bedrijfshulpverlening", "bhv"),
    ("first aid", "ehbo"),
    ("Sociale Hygiëne", "sociale_hygiene"),
    ("code 95", "code95"),
])
def test_certificate_synonyms_resolve(term: str, code: str) -> None:
    vocab = _vocabulary(reference.certificates(), "certificate")
    assert vocab.resolve(term) == code


def test_certificates_unambiguous() -> None:
    certs = reference.certificates()
    assert certs["code"].is_unique
    assert len(certs) >= 25
    assert set(certs["sector"]) <= SECTORS
    assert _ambiguous(certs) == {}
    for row in certs.itertuples():
        assert len(row.synonyms) >= 3, row.code


@pytest.mark.parametrize(("term", "code"), [
    ("metselen", "metselen"),
    ("bricklaying", "metselen"),
    ("order picking", "orderpicken"),
    ("heftruck rijden", "heftruck_rijden"),
    ("schoonmaak", "schoonmaken"),
    ("landscaping", "groenonderhoud"),
    ("teamwork", "samenwerken"),
    ("customer service", "klantvriendelijkheid"),
    ("stratenmaker", "stratenmaken"),
])
def test_skill_synonyms_resolve(term: str, code: str) -> None:
    vocab = _vocabulary(reference.skills(), "skill")
    assert vocab.resolve(term) == code


def test_skills_unique_and_unambiguous() -> None:
    skills = reference.skills()
    assert len(skills) >= 80
    assert skills["code"].is_unique
    assert skills["label_nl"].str.casefold().is_unique
    assert skills["label_en"].str.casefold().is_unique
    assert set(skills["sector"]) == SECTORS
    assert _ambiguous(skills) == {}


# ------------------------------------------------------------------ valuation defaults


def test_target_groups_match_valuation() -> None:
    groups = reference.target_groups()
    expected = {"participatiewet", "doelgroepregister", "wajong", "wia", "wsw", "ww", "nug",
                "statushouder", "bbl", "jongere_zonder_sk", "werkervaringsplek"}
    assert set(groups["code"]) == expected
    assert set(reference.default_valuation()["target_group"]) == expected


def test_default_valuation_values() -> None:
    val = reference.default_valuation()
    table = {(r.target_group, r.tier): r for r in val.itertuples()}
    assert table["participatiewet", "lt24"].value_per_year_eur == 30000
    assert table["participatiewet", "ge24"].value_per_year_eur == 40000
    assert table["participatiewet", "ge24"].benefit_months_min == 24
    assert table["participatiewet", "lt24"].max_months == 24
    for group in ("doelgroepregister", "wajong", "wia", "wsw"):
        row = table[group, "all"]
        assert row.value_per_year_eur == 40000 and pd.isna(row.max_months)
    assert table["ww", "lt12"].value_per_year_eur == 10000
    assert table["ww", "ge12"].value_per_year_eur == 15000
    assert table["ww", "ge12"].max_months == 12
    assert table["nug", "all"].value_per_year_eur == 10000
    assert table["statushouder", "all"].value_per_year_eur == 35000
    assert table["bbl", "all"].value_per_year_eur == 20000
    assert table["jongere_zonder_sk", "all"].value_per_year_eur == 10000
    assert table["werkervaringsplek", "all"].value_per_year_eur == 12 * 750


# ------------------------------------------------------------------ build


def test_matching_re_exports_the_features_tables() -> None:
    """``matching.data.reference`` is a re-export: the same functions, the same cached frames."""
    import features.reference

    assert reference.__all__ == features.reference.__all__
    for name in features.reference.__all__:
        assert getattr(reference, name) is getattr(features.reference, name), name
    assert reference.municipalities() is features.reference.municipalities()
    assert not (REPO / "matching" / "data" / "reference" / "data").exists()


def test_default_out_of_the_build_is_the_shipped_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO / "scripts"))
    import build_reference

    assert build_reference.DEFAULT_OUT == DATA


def test_reference_data_small() -> None:
    total = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert total < 3 * 1024 * 1024


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_build_script_reproduces_committed_files(tmp_path: Path) -> None:
    """The build from the vendored extracts gives the committed tables: byte for byte where the
    sources are whole, and exactly the committed rows of the extracted postcodes and
    occupations where they are cut down."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_reference.py"),
         "--shared", str(SOURCES), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    committed = sorted(p.name for p in DATA.iterdir() if p.suffix in {".csv", ".json"})
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == committed
    assert set(committed) == WHOLE | {"postcodes_pc4.csv", "occupations.csv"}
    for name in sorted(WHOLE):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name

    geonames = (SOURCES / "geo" / "geonames_NL_pc4.txt").read_text(encoding="utf-8")
    pc4s = {line.split("\t")[1] for line in geonames.splitlines()}
    esco = pd.read_csv(SOURCES / "esco" / "occupations_nl.csv", dtype=str)
    occupation_ids = set(esco["conceptUri"].str.split("/occupation/").str[1].str[:8])
    assert len(pc4s) > 1000 and len(occupation_ids) > 80
    for name, keys in (("postcodes_pc4.csv", pc4s), ("occupations.csv", occupation_ids)):
        full = _rows((DATA / name).read_text(encoding="utf-8"))
        expected = [full[0], *(row for row in full[1:] if row[0] in keys)]
        assert len(expected) == len(keys) + 1, name  # every extracted key is a committed row
        assert _rows((tmp_path / name).read_text(encoding="utf-8")) == expected, name

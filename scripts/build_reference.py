"""Build the package's reference tables in ``features/reference/data/``.

Derives compact, project-specific tables from the public source files in the shared data
folder (``../shared/data`` relative to the repository root, see its ``README.md``) and
writes the hand-curated vocabularies (certificates, skills, target groups, default SROI
valuation) kept as Python data in ``scripts/reference_vocabularies.py``. Output is deterministic: rows are sorted, floats are
written with a fixed number of decimals and line endings are ``\\n``, so rerunning the
script gives byte-identical files (``tests/test_reference.py`` checks this).

Usage::

    python scripts/build_reference.py [--shared ../shared/data] [--out features/reference/data]

Sources and licences
--------------------
* Municipalities, centroids, labour-market regions and their outlines: CBS / PDOK
  gebiedsindelingen 2024-2025 (CC BY 4.0).
* PC4 postcodes: GeoNames postal code dump (CC BY 4.0, "GeoNames").
* Occupations and ISCO-08 groups: ESCO classification, (c) European Union ("ESCO, European
  Commission"), reusable with attribution.
* Certificates, skills, target groups and the default valuation: curated by the project from
  the domain brief (``DOMAIN.md``: PIANOo, UWV, impactoost.nl uniform model East-Netherlands).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_vocabularies import CERTIFICATES, SKILLS, TARGET_GROUPS, VALUATION

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO / ".." / "shared" / "data"
DEFAULT_OUT = REPO / "features" / "reference" / "data"

IN_SCOPE_REGIONS: tuple[str, ...] = ("Friesland", "Groningen", "Drenthe")
"""Labour-market regions (2025) served by the northern coordination points."""

EXTRA_ISLANDS: dict[str, str] = {"GM0448": "Texel"}
"""Ferry-only municipalities outside the northern source file (which flags the four
Frisian Wadden islands itself)."""

PLACE_FIXES: dict[str, str] = {
    # Brielle, Hellevoetsluis and Westvoorne merged into Voorne aan Zee (GM1992) on
    # 2023-01-01; the GeoNames dump carries these PC4s without a municipality code.
    "Brielle": "GM1992",
    "Hellevoetsluis": "GM1992",
    "Oostvoorne": "GM1992",
    "Oudenhoorn": "GM1992",
    "Rockanje": "GM1992",
    "Tinte": "GM1992",
    "Vierpolders": "GM1992",
    "Zwartewaal": "GM1992",
}
"""GeoNames place name -> 2025 CBS code for rows whose municipality code is missing or
no longer exists."""

MAX_SYNONYMS = 12
"""Synonyms kept per target-sector occupation (Dutch first, then English)."""

# ---------------------------------------------------------------------------------------
# Writing helpers
# ---------------------------------------------------------------------------------------


def _fmt(value: object, decimals: int = 4) -> str:
    """Format a cell deterministically (floats with fixed decimals, missing as empty)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:.{decimals}f}"
    return str(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write ``rows`` as UTF-8 CSV with ``\\n`` line endings; return the number of rows."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_fmt(v) for v in row])
            n += 1
    return n


def _split_list(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [s.strip().replace("|", "/") for s in text.replace("\r", "\n").split("\n")
            if s.strip()]


def _dedupe(items: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    seen = {e.casefold() for e in exclude}
    out: list[str] = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


# ---------------------------------------------------------------------------------------
# Derived tables
# ---------------------------------------------------------------------------------------


def build_municipalities(shared: Path) -> pd.DataFrame:
    """All 2025 municipalities with region, scope, island flag, centroid and population."""
    geo = shared / "geo"
    cent = pd.read_csv(geo / "municipality_centroids_nl_2025.csv", dtype={"gm_code": str})
    regions = pd.read_csv(geo / "municipality_labour_market_region_2025.csv",
                          dtype={"gm_code": str})
    north = pd.read_csv(geo / "municipalities_noord_nl.csv", dtype={"gm_code": str})
    frame = cent.merge(regions[["gm_code", "am_naam"]], on="gm_code", how="left",
                       validate="one_to_one")
    missing = frame["am_naam"].isna()
    if missing.any():
        print(f"warning: no labour-market region for {sorted(frame.loc[missing, 'gm_code'])}",
              file=sys.stderr)
    north = north.set_index("gm_code")
    unknown = sorted(set(north.index) - set(frame["gm_code"]))
    if unknown:
        raise SystemExit(f"northern municipalities missing from the national list: {unknown}")
    rows = []
    for rec in frame.itertuples(index=False):
        code = rec.gm_code
        region = rec.am_naam if isinstance(rec.am_naam, str) else ""
        if code in north.index:
            src = north.loc[code]
            lat, lon = float(src["centroid_lat"]), float(src["centroid_lon"])
            island = str(src["island"]).strip().lower() in {"yes", "true", "1", "ja"}
            population: object = int(src["population_approx"])
            # The source's own in_scope column marks Meppel and Westerveld "yes" although
            # they belong to Regio Zwolle; scope follows the labour-market region.
            in_scope = region in IN_SCOPE_REGIONS
        else:
            lat, lon = float(rec.lat), float(rec.lon)
            island = code in EXTRA_ISLANDS
            population = None
            in_scope = False
        rows.append({
            "gm_code": code, "name": rec.gm_naam, "province": rec.provincie,
            "labour_market_region": region, "in_scope": in_scope, "island": island,
            "lat": round(lat, 4), "lon": round(lon, 4), "population_approx": population,
        })
    out = pd.DataFrame(rows).sort_values("gm_code", kind="stable").reset_index(drop=True)
    out["population_approx"] = out["population_approx"].astype("Int64")
    n_scope = int(out["in_scope"].sum())
    if n_scope != 38:
        print(f"warning: {n_scope} municipalities in scope, expected 38", file=sys.stderr)
    return out


def build_postcodes(shared: Path, municipalities: pd.DataFrame) -> pd.DataFrame:
    """One row per PC4: municipality (by majority of GeoNames rows), first place, mean point."""
    raw = pd.read_csv(shared / "geo" / "geonames_NL_pc4.txt", sep="\t", header=None,
                      dtype=str, keep_default_na=False)
    raw = raw.rename(columns={1: "pc4", 2: "place", 5: "gm_name", 6: "gm_num", 9: "lat",
                              10: "lon"})
    raw["pc4"] = raw["pc4"].str.strip().str.zfill(4)
    raw["lat"] = raw["lat"].astype(float)
    raw["lon"] = raw["lon"].astype(float)
    known = set(municipalities["gm_code"])
    by_name = {
        str(n).casefold(): c for n, c in zip(municipalities["name"], municipalities["gm_code"],
                                             strict=True)
    }
    codes = []
    fixed: Counter = Counter()
    dropped: Counter = Counter()
    for num, name, place in zip(raw["gm_num"], raw["gm_name"], raw["place"], strict=True):
        code = "GM" + num.strip().zfill(4) if num.strip() else ""
        if code not in known:
            clean = name.replace(" Municipality", "").strip().casefold()
            code = by_name.get(clean) or by_name.get(place.casefold()) or PLACE_FIXES.get(place, "")
            if code:
                fixed[(num or "-", place, code)] += 1
            else:
                dropped[(num or "-", place)] += 1
        codes.append(code)
    raw["gm_code"] = codes
    for (num, place, code), n in sorted(fixed.items()):
        print(f"info: GeoNames code {num!r} ({place}, {n} rows) mapped by name to {code}",
              file=sys.stderr)
    for (num, place), n in sorted(dropped.items()):
        print(f"warning: GeoNames code {num!r} ({place}, {n} rows) unknown; dropped",
              file=sys.stderr)
    raw = raw[raw["gm_code"] != ""].reset_index(drop=True)
    raw["order"] = range(len(raw))
    votes = (raw.groupby(["pc4", "gm_code"])["order"].agg(["size", "min"]).reset_index()
             .sort_values(["pc4", "size", "min"], ascending=[True, False, True])
             .drop_duplicates("pc4").set_index("pc4")["gm_code"])
    per_pc4 = raw.groupby("pc4", sort=True).agg(place=("place", "first"), lat=("lat", "mean"),
                                                lon=("lon", "mean"))
    per_pc4["gm_code"] = votes
    per_pc4["lat"] = per_pc4["lat"].round(4)
    per_pc4["lon"] = per_pc4["lon"].round(4)
    return per_pc4.reset_index()[["pc4", "gm_code", "place", "lat", "lon"]]


def build_occupations(shared: Path) -> pd.DataFrame:
    """ESCO occupations (Dutch release as the base, English labels joined on the URI)."""
    esco = shared / "esco"
    nl = pd.read_csv(esco / "occupations_nl.csv", dtype=str)
    en = pd.read_csv(esco / "occupations_en.csv", dtype=str)
    subset = pd.read_csv(esco / "subset_occupations_nl_target_sectors.csv", dtype=str)
    target = set(subset["conceptUri"])
    frame = nl.merge(en[["conceptUri", "preferredLabel", "altLabels"]], on="conceptUri",
                     how="left", suffixes=("_nl", "_en"), validate="one_to_one")
    uuid = frame["conceptUri"].str.split("/occupation/").str[1]
    short = uuid.str[:8]
    if not short.is_unique:
        raise SystemExit("ESCO UUID prefixes of 8 characters are not unique; use more")
    rows = []
    for i, rec in enumerate(frame.itertuples(index=False)):
        label_nl = str(rec.preferredLabel_nl).strip()
        label_en = rec.preferredLabel_en.strip() if isinstance(rec.preferredLabel_en, str) else ""
        in_target = rec.conceptUri in target
        synonyms = ""
        if in_target:
            nl_alt = _dedupe(_split_list(rec.altLabels_nl), exclude=(label_nl, label_en))
            en_alt = _dedupe(_split_list(rec.altLabels_en), exclude=(label_nl, label_en, *nl_alt))
            half = MAX_SYNONYMS // 2
            take_nl = max(half, MAX_SYNONYMS - len(en_alt))
            chosen = nl_alt[:take_nl]
            chosen += en_alt[: MAX_SYNONYMS - len(chosen)]
            synonyms = "|".join(chosen)
        rows.append({
            "occupation_id": short.iloc[i], "isco_code": str(rec.iscoGroup).strip().zfill(4),
            "label_nl": label_nl, "label_en": label_en, "synonyms": synonyms,
            "target_sector": in_target,
        })
    return pd.DataFrame(rows).sort_values(["isco_code", "occupation_id"]).reset_index(drop=True)


def build_isco_groups(shared: Path) -> pd.DataFrame:
    """ISCO-08 groups (levels 1-4) with English labels."""
    raw = pd.read_csv(shared / "esco" / "ISCOGroups_en.csv", dtype=str)
    frame = pd.DataFrame({
        "code": raw["code"].str.strip(),
        "label_en": raw["preferredLabel"].str.strip(),
    })
    frame = frame[frame["code"].str.fullmatch(r"\d{1,4}")]
    frame.insert(1, "level", frame["code"].str.len())
    return frame.sort_values("code").reset_index(drop=True)


def _round_coords(obj: object, decimals: int = 3) -> object:
    if isinstance(obj, list):
        return [_round_coords(o, decimals) for o in obj]
    if isinstance(obj, float | int):
        return round(float(obj), decimals)
    return obj


def build_regions(shared: Path) -> dict:
    """GeoJSON outlines of the in-scope labour-market regions."""
    with (shared / "geo" / "labour_market_regions_2025.geojson").open(encoding="utf-8") as fh:
        data = json.load(fh)
    features = []
    for feat in data["features"]:
        props = feat["properties"]
        if props.get("statnaam") not in IN_SCOPE_REGIONS:
            continue
        features.append({
            "type": "Feature",
            "properties": {"code": props["statcode"], "name": props["statnaam"]},
            "geometry": {
                "type": feat["geometry"]["type"],
                "coordinates": _round_coords(feat["geometry"]["coordinates"]),
            },
        })
    features.sort(key=lambda f: f["properties"]["code"])
    if len(features) != len(IN_SCOPE_REGIONS):
        raise SystemExit(f"expected {len(IN_SCOPE_REGIONS)} regions, found {len(features)}")
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------


def _check_points(postcodes: pd.DataFrame) -> None:
    expected = {"9711": (53.217, 6.570), "8911": (53.202, 5.797), "9401": (52.994, 6.563)}
    idx = postcodes.set_index("pc4")
    for pc4, (lat, lon) in expected.items():
        got = idx.loc[pc4, ["lat", "lon"]].astype(float).to_numpy()
        if abs(got[0] - lat) > 0.01 or abs(got[1] - lon) > 0.01:
            raise SystemExit(f"PC4 {pc4} at {got}, expected about {(lat, lon)}")


def build(shared: Path, out: Path) -> dict[str, int]:
    """Build every reference table from ``shared`` into ``out``; return rows per file."""
    shared = shared.resolve()
    if not (shared / "geo").is_dir() or not (shared / "esco").is_dir():
        raise SystemExit(f"shared data folder not found or incomplete: {shared}")
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}

    muni = build_municipalities(shared)
    cols = ["gm_code", "name", "province", "labour_market_region", "in_scope", "island",
            "lat", "lon", "population_approx"]
    written["municipalities.csv"] = write_csv(
        out / "municipalities.csv", cols, muni[cols].itertuples(index=False))

    pc = build_postcodes(shared, muni)
    _check_points(pc)
    cols = ["pc4", "gm_code", "place", "lat", "lon"]
    written["postcodes_pc4.csv"] = write_csv(
        out / "postcodes_pc4.csv", cols, pc[cols].itertuples(index=False))

    occ = build_occupations(shared)
    cols = ["occupation_id", "isco_code", "label_nl", "label_en", "synonyms", "target_sector"]
    written["occupations.csv"] = write_csv(
        out / "occupations.csv", cols, occ[cols].itertuples(index=False))

    isco = build_isco_groups(shared)
    written["isco_groups.csv"] = write_csv(
        out / "isco_groups.csv", ["code", "level", "label_en"], isco.itertuples(index=False))

    regions = build_regions(shared)
    text = json.dumps(regions, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    (out / "regions_noord.json").write_text(text + "\n", encoding="utf-8")
    written["regions_noord.json"] = len(regions["features"])

    cols = ["code", "label_nl", "label_en", "synonyms", "sector"]
    written["certificates.csv"] = write_csv(
        out / "certificates.csv", cols,
        sorted((c, nl, en, syn, sec) for c, nl, en, sec, syn in CERTIFICATES))
    written["skills.csv"] = write_csv(
        out / "skills.csv", cols,
        sorted((c, nl, en, syn, sec) for c, nl, en, sec, syn in SKILLS))
    written["target_groups.csv"] = write_csv(
        out / "target_groups.csv", ["code", "label_nl", "label_en"], TARGET_GROUPS)
    written["valuation_default.csv"] = write_csv(
        out / "valuation_default.csv",
        ["target_group", "tier", "benefit_months_min", "benefit_months_max",
         "value_per_year_eur", "max_months", "label_nl", "label_en"],
        VALUATION)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="shared public data folder (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: features/reference/data)")
    args = parser.parse_args(argv)
    written = build(args.shared, args.out)
    total = 0
    for name, n in written.items():
        size = (args.out / name).stat().st_size
        total += size
        print(f"{name:24s} {n:6d} rows {size / 1024:8.1f} KiB")
    print(f"{'total':24s} {'':11s} {total / 1024:8.1f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Re-create the vendored test data in ``tests/data/`` from the public source folder.

The tests never read ``../shared/data``: they read the extracts written here, so a clone of the
project alone runs the whole suite. This script is how the extracts were made (and how to check
them): it reads the source folder (default ``../shared/data`` relative to the repository root,
the folder ``scripts/build_reference.py`` reads) and writes

* ``orlib/assign100.txt`` (verbatim) and ``orlib/assign500.txt.gz`` (verbatim, gzip-compressed
  without a timestamp) -- OR-Library linear assignment instances;
* ``reference_sources/geo/`` and ``reference_sources/esco/`` -- the inputs of
  ``scripts/build_reference.py`` in the same layout as the source folder, cut down
  deterministically to what ``tests/test_reference.py`` needs (see :data:`ISCO_UNIT_GROUPS`
  and :func:`extract_geonames`).

``python tests/data/extract.py --check`` compares a fresh extract with the committed files and
exits 1 on any difference. See ``tests/data/README.md`` for sources and licences.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_SOURCE = REPO / ".." / "shared" / "data"

ORLIB_PLAIN = ("assign100.txt",)
"""OR-Library files copied as they are."""
ORLIB_GZIP = ("assign500.txt",)
"""OR-Library files copied gzip-compressed (assign500 is 750 KB as text, 280 KB compressed)."""

GEO_VERBATIM = (
    "municipalities_noord_nl.csv",
    "municipality_centroids_nl_2025.csv",
    "municipality_labour_market_region_2025.csv",
    "labour_market_regions_2025.geojson",
)
"""Small geography files copied whole (the municipality and region tables are built from all
their rows)."""

NORTHERN_PROVINCES = ("Friesland", "Groningen", "Drenthe")
"""GeoNames rows kept: every PC4 with a row in these provinces, plus every PC4 with a row that
carries no municipality code (the Voorne aan Zee postcodes the build maps by place name)."""

ISCO_UNIT_GROUPS = (
    # target sectors (construction, cleaning, green, hospitality, logistics, production)
    "5120", "6113", "7112", "7126", "8332", "8344", "9112",
    # outside the target sectors (no synonyms kept)
    "2166", "2654",
    # with occupations that have no English row in the source (left join)
    "3153", "7421",
)
"""ESCO occupations kept: those whose ISCO-08 unit group is listed here (about 80)."""

OCCUPATION_COLUMNS_NL = ("conceptUri", "iscoGroup", "preferredLabel", "altLabels")
OCCUPATION_COLUMNS_EN = ("conceptUri", "iscoGroup", "preferredLabel", "altLabels")
SUBSET_COLUMNS = ("conceptUri", "iscoGroup", "preferredLabel")
ISCO_COLUMNS = ("conceptUri", "code", "preferredLabel")
"""Only the columns ``scripts/build_reference.py`` reads (plus the ISCO group of each
occupation and the URIs, to keep the rows traceable); the long descriptions are dropped."""


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def extract_geonames(source: Path) -> str:
    """The GeoNames PC4 lines kept (see :data:`NORTHERN_PROVINCES`), in source order."""
    lines = (source / "geo" / "geonames_NL_pc4.txt").read_text(encoding="utf-8").splitlines()
    fields = [line.split("\t") for line in lines]
    keep = {f[1] for f in fields if f[3] in NORTHERN_PROVINCES or not f[6].strip()}
    return "".join(line + "\n" for line, f in zip(lines, fields, strict=True) if f[1] in keep)


def extract(source: Path, out: Path) -> None:
    """Write every vendored file from ``source`` (the shared data folder) into ``out``."""
    source = source.resolve()
    orlib = out / "orlib"
    geo = out / "reference_sources" / "geo"
    esco = out / "reference_sources" / "esco"
    for folder in (orlib, geo, esco):
        folder.mkdir(parents=True, exist_ok=True)

    for name in ORLIB_PLAIN:
        shutil.copyfile(source / "orlib" / name, orlib / name)
    for name in ORLIB_GZIP:
        data = (source / "orlib" / name).read_bytes()
        (orlib / f"{name}.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))

    for name in GEO_VERBATIM:
        shutil.copyfile(source / "geo" / name, geo / name)
    (geo / "geonames_NL_pc4.txt").write_text(extract_geonames(source), encoding="utf-8")

    src = source / "esco"
    nl = pd.read_csv(src / "occupations_nl.csv", dtype=str)
    en = pd.read_csv(src / "occupations_en.csv", dtype=str)
    subset = pd.read_csv(src / "subset_occupations_nl_target_sectors.csv", dtype=str)
    isco = pd.read_csv(src / "ISCOGroups_en.csv", dtype=str)
    uris = set(nl.loc[nl["iscoGroup"].isin(ISCO_UNIT_GROUPS), "conceptUri"])
    _write_csv(nl.loc[nl["conceptUri"].isin(uris), list(OCCUPATION_COLUMNS_NL)],
               esco / "occupations_nl.csv")
    _write_csv(en.loc[en["conceptUri"].isin(uris), list(OCCUPATION_COLUMNS_EN)],
               esco / "occupations_en.csv")
    _write_csv(subset.loc[subset["conceptUri"].isin(uris), list(SUBSET_COLUMNS)],
               esco / "subset_occupations_nl_target_sectors.csv")
    _write_csv(isco[list(ISCO_COLUMNS)], esco / "ISCOGroups_en.csv")


def _differences(left: Path, right: Path) -> list[str]:
    names = sorted({p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file()}
                   | {p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file()})
    return [n for n in names
            if not ((left / n).is_file() and (right / n).is_file()
                    and filecmp.cmp(left / n, right / n, shallow=False))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="public data folder (default: ../shared/data)")
    parser.add_argument("--check", action="store_true",
                        help="compare a fresh extract with tests/data instead of writing")
    args = parser.parse_args(argv)
    if not args.check:
        extract(args.source, HERE)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        extract(args.source, Path(tmp))
        committed = Path(tmp) / "committed"
        committed.mkdir()
        for sub in ("orlib", "reference_sources"):
            shutil.copytree(HERE / sub, committed / sub)
        fresh = Path(tmp) / "fresh"
        fresh.mkdir()
        for sub in ("orlib", "reference_sources"):
            shutil.move(Path(tmp) / sub, fresh / sub)
        differ = _differences(fresh, committed)
    for name in differ:
        print(f"differs: tests/data/{name}", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

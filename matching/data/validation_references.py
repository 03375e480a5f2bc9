"""Reference checks: foreign keys between tables and codes against the shipped reference data.

Target-group codes, PC4 postcodes, CBS municipality codes and the certificate catalogue are
read once (cached) from :mod:`matching.data.reference`; :class:`ReferenceChecks` reports
values that refer to a row of another table that does not exist (``unknown_reference``,
``history_candidate_unknown``) and explains unknown certificates with the closest known one.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz, process

from features.vocabulary import Vocabulary, normalise_term
from matching.core.config import Settings
from matching.data import reference
from matching.data.schema import TABLES
from matching.data.validation_problems import ProblemCollector, isin


@lru_cache(maxsize=4)
def certificate_vocabulary(cutoff: float) -> tuple[Vocabulary, tuple[str, ...], tuple[str, ...]]:
    """The certificate :class:`Vocabulary` plus normalised names and display labels for hints."""
    frame = reference.certificates()
    entries = []
    norm_names: list[str] = []
    labels: list[str] = []
    for row in frame.itertuples(index=False):
        names = [n for n in (row.label_nl, row.label_en, *row.synonyms) if isinstance(n, str) and n]
        entries.append((row.code, names))
        for name in (row.code, *names):
            norm_names.append(normalise_term(name))
            labels.append(row.label_nl if isinstance(row.label_nl, str) else row.code)
    return Vocabulary(entries, cutoff=cutoff, name="certificate"), tuple(norm_names), tuple(labels)


@lru_cache(maxsize=1)
def reference_target_groups() -> frozenset[str]:
    return frozenset(reference.target_groups()["code"].astype(str).str.lower())


@lru_cache(maxsize=1)
def reference_postcodes() -> frozenset[str]:
    return frozenset(reference.postcodes()["pc4"].astype(str))


@lru_cache(maxsize=1)
def reference_municipalities() -> frozenset[str]:
    return frozenset(reference.municipalities()["gm_code"].astype(str))


def closest_certificate(term: str, cutoff: float) -> str | None:
    _, names, labels = certificate_vocabulary(cutoff)
    best = process.extractOne(normalise_term(term), names, scorer=fuzz.WRatio, score_cutoff=60)
    return None if best is None else labels[best[2]]


class ReferenceChecks(ProblemCollector):
    """The cross-table and reference-data rules of a validation run."""

    settings: Settings

    def certificate_message(self, term: str) -> str:
        hint = closest_certificate(term, self.settings.fuzzy_cutoff)
        tip = f"; did you mean {hint!r}?" if hint else ""
        return (f"certificate {term!r} does not match the certificate catalogue "
                f"(codes, Dutch or English names; see docs/data-contract.md){tip}")

    def target_group_codes(self) -> frozenset[str]:
        codes = set(reference_target_groups())
        valuation = self.tables.get("valuation")
        if valuation is not None and "target_group" in valuation.columns:
            codes |= set(valuation["target_group"].dropna().astype(str))
        return frozenset(codes)

    def check_foreign_keys(self) -> None:
        for schema in TABLES.values():
            if schema.name not in self.tables:
                continue
            frame = self.tables[schema.name]
            if schema.name in self.empty_tables:
                continue
            for fk in schema.foreign_keys:
                parent = self.tables.get(fk.table)
                if (parent is None or fk.table in self.empty_tables
                        or fk.column not in frame.columns or fk.target not in parent):
                    continue  # a missing, unreadable or empty parent is reported once
                values = frame[fk.column]
                bad = values.notna() & ~isin(values, parent[fk.target].dropna())
                target = f"{fk.table}.{fk.target}"
                if fk.unknown_rule == "history_candidate_unknown":
                    self.add(schema.name, fk.column, bad, fk.unknown_rule,
                             lambda v, target=target: (
                                 f"candidate {v!r} of this placement does not appear in "
                                 f"{target}: the placement cannot be featurised and is left "
                                 "out of the placement history"))
                    continue
                self.add(schema.name, fk.column, bad, fk.unknown_rule,
                         lambda v, target=target: f"{v!r} does not exist in {target}")

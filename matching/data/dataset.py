"""The in-memory dataset: the contract tables in canonical form (see :mod:`matching.data.schema`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from matching.data.coerce import empty_table
from matching.data.schema import COURSES, TENDERS


def _no_courses() -> pd.DataFrame:
    return empty_table(COURSES)


def _no_tenders() -> pd.DataFrame:
    return empty_table(TENDERS)


@dataclass(frozen=True)
class Dataset:
    """A validated dataset.

    Frames follow the canonical form documented in :mod:`matching.data.schema`; the index of
    each frame is the row number as the user sees it in the source file or sheet.
    ``sources`` maps table name to the file (and sheet) it came from. ``extraction_date`` is
    the day the data was exported (ISO ``YYYY-MM-DD``) when the dataset declares it in its
    manifest (``manifest.json`` in a folder, sheet ``manifest`` in a workbook; see
    ``docs/data-contract.md``), else ``None``.

    ``courses`` (the training offer) and ``tenders`` (the regional tender calendar) are
    optional tables: when a dataset does not give them they are empty frames with every
    column of their schema, so code can always read them.
    """

    candidates: pd.DataFrame
    projects: pd.DataFrame
    vacancies: pd.DataFrame
    placements: pd.DataFrame
    valuation: pd.DataFrame
    courses: pd.DataFrame = field(default_factory=_no_courses)
    tenders: pd.DataFrame = field(default_factory=_no_tenders)
    sources: dict[str, str] = field(default_factory=dict)
    path: str = ""
    extraction_date: str | None = None

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    @property
    def available_candidates(self) -> pd.DataFrame:
        return self.candidates[self.candidates["status"] == "available"]

    @property
    def open_vacancies(self) -> pd.DataFrame:
        return self.vacancies[self.vacancies["status"] == "open"]

    def active(self) -> Dataset:
        """The same dataset with only available candidates and open vacancies.

        Shortlists and assignments need nothing else; profiles of the smaller pool build
        faster. Placements stay as they are (they reference the full tables).
        """
        return dataclasses.replace(self, candidates=self.available_candidates,
                                   vacancies=self.open_vacancies)

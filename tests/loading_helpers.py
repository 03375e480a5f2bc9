"""Helpers shared by the loading tests (test_loading.py, test_loading_conversion.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from matching.data.loading import LoadResult

FIXTURES = Path(__file__).parent / "fixtures"
PLAIN = FIXTURES / "dataset"
TABLE_NAMES = ("candidates", "projects", "vacancies", "placements", "valuation")


def assert_same_tables(a: LoadResult, b: LoadResult) -> None:
    """Both results hold the same five tables, cell for cell."""
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(a.dataset.table(name), b.dataset.table(name),
                                      obj=name)


def copy_plain(tmp_path: Path) -> Path:
    """A copy of the plain fixture dataset to edit."""
    folder = tmp_path / "data"
    shutil.copytree(PLAIN, folder)
    return folder

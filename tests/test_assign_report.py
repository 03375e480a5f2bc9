"""Tests for the regional assignment report (HTML + PNG charts, Dutch and English)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from matching.reports.assign_report import (
    TEXTS,
    fmt_eur,
    fmt_number,
    fmt_pct,
    render_assignment_report,
)
from matching.workflows.assign_summary import (
    AssignSummary,
    BaselineSummary,
    RunSettings,
    SanitySummary,
    SolverSummary,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MALICIOUS = "<script>alert('x')</script> Kademuren"
NAMES = {"GM0080": "Leeuwarden", "GM0014": "Groningen", "GM0093": "Terschelling", "GM0106": "Assen"}


def _frames() -> dict[str, Any]:
    assign_rows = [
        # candidate, vacancy, project, employer, p, km, home, work, group, value
        ("C1", "V1", "P1", "E1", 0.81, 3.2, "GM0080", "GM0080", "wajong", 40_000.0),
        ("C2", "V1", "P1", "E1", 0.74, 55.1, "GM0014", "GM0080", "participatiewet", 15_000.0),
        ("C3", "V2", "P2", "E2", 0.66, 0.0, "GM0014", "GM0014", "ww", 5_000.0),
        ("C4", "V3", "P3", "E3", 0.58, 28.4, "GM0106", "GM0014", "nug", 5_000.0),
        ("C5", "V4", "P2", "E2", 0.52, 12.0, "GM0093", "GM0093", "wajong", 20_000.0),
        ("C6", "V3", "P3", "E3", 0.47, 27.9, "GM0106", "GM0014", "participatiewet", 12_500.0),
    ]
    assignments = pd.DataFrame(
        assign_rows,
        columns=[
            "candidate_id",
            "vacancy_id",
            "project_id",
            "employer_id",
            "probability",
            "distance_km",
            "home_gm",
            "work_gm",
            "target_group",
            "sroi_value_eur",
        ],
    )
    assignments["home_municipality"] = assignments["home_gm"].map(NAMES)
    assignments["work_municipality"] = assignments["work_gm"].map(NAMES)
    assignments["reasons"] = "B-VCA; <b>ervaring</b> grondwerk"
    pairs = pd.DataFrame(
        {
            "candidate_id": [f"C{i % 9}" for i in range(60)],
            "vacancy_id": [f"V{i % 5}" for i in range(60)],
            "weight": [round(0.05 + 0.9 * ((i * 37) % 60) / 60, 3) for i in range(60)],
        }
    )
    coverage = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3"],
            "name": ["Rondweg Leeuwarden", MALICIOUS, "Zernike Campus"],
            "contracting_authority": [
                "Gemeente Leeuwarden",
                "Provincie Groningen",
                "Gemeente Groningen",
            ],
            "obligation_eur": [123_456.0, 80_000.0, 20_000.0],
            "realised_eur": [23_456.0, 0.0, 26_000.0],
            "assigned_value_eur": [55_000.0, 25_000.0, 17_500.0],
        }
    )
    coverage["outstanding_before_eur"] = (
        coverage["obligation_eur"] - coverage["realised_eur"]
    ).clip(lower=0)
    coverage["outstanding_after_eur"] = (
        coverage["outstanding_before_eur"] - coverage["assigned_value_eur"]
    ).clip(lower=0)
    coverage["coverage_before"] = coverage["realised_eur"] / coverage["obligation_eur"]
    coverage["coverage_after"] = (
        coverage["realised_eur"] + coverage["assigned_value_eur"]
    ) / coverage["obligation_eur"]
    flows = (
        assignments.groupby(["home_gm", "home_municipality", "work_gm", "work_municipality"])
        .size()
        .rename("n")
        .reset_index()
    )
    unfilled = pd.DataFrame(
        {
            "vacancy_id": ["V7", "V8", "V9"],
            "project_id": ["P1", "P2", "P3"],
            "positions_open": [2, 1, 1],
            "reason": ["no_eligible_candidate", "all_below_threshold", "no_eligible_candidate"],
            "reason_text": ["Niemand met VCA", "Beste kans 0,18", "Niemand binnen reisafstand"],
        }
    )
    unassigned = pd.DataFrame(
        {
            "candidate_id": ["C7", "C8"],
            "best_vacancy_id": ["V2", None],
            "best_probability": [0.21, None],
            "reason_text": ["Beste kans onder drempel", "Geen passende vacature"],
        }
    )
    summary = AssignSummary(
        objective="durable+sroi",
        expected_durable=1234.56,
        objective_value=1300.0,
        n_assigned=6,
        n_candidates_available=8,
        n_vacancies_open=9,
        n_positions=12,
        n_raw_pairs=72,
        n_scored_pairs=64,
        n_pairs=60,
        n_locked=0,
        n_forbidden=0,
        model_version="test-model-7",
        solver=SolverSummary(name="cp_sat", status="FEASIBLE", gap=0.0123, wall_time_s=1.5),
        baselines={
            "optimal": BaselineSummary(expected_durable=1234.56, n_assigned=6),
            "greedy": BaselineSummary(expected_durable=1100.0, n_assigned=6),
            "local_only": BaselineSummary(expected_durable=800.3, n_assigned=3),
            "sequential": BaselineSummary(expected_durable=1000.0, n_assigned=5),
        },
        gain_vs_local_pct=54.3,
        gain_vs_greedy_pct=12.23,
        min_score=0.25,
        timings_s={"load": 0.1, "score": 0.5, "solve": 1.5},
        settings=RunSettings(min_score=0.25, weight_scale=1_000_000, sroi_weight=0.5,
                             max_per_employer=None, min_share={"wajong": 0.2}, seed=42),
        created_for="data/sample",
        lang="nl",
        sanity=SanitySummary(n_pairs=64, base_rate=0.6, pool_rate=0.62, saturated_share=0.0,
                             psi={"travel_km": 0.01}, warnings=[], ok=True),
    )
    return {
        "summary": summary,
        "assignments": assignments,
        "pairs": pairs,
        "coverage": coverage,
        "flows": flows,
        "unfilled": unfilled,
        "unassigned": unassigned,
    }


@pytest.fixture(scope="module")
def frames() -> dict[str, Any]:
    return _frames()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, frames: dict[str, Any]) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("assign_report")
    return {
        lang: render_assignment_report(root / lang, lang=lang, **frames) for lang in ("nl", "en")
    }


def _images(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def test_formatting_per_language() -> None:
    assert fmt_number(1234.5, "nl", 1) == "1.234,5"
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_eur(12345, "nl") == "€ 12.345"
    assert fmt_eur(12345, "en") == "€12,345"
    assert fmt_pct(54.3, "nl", 1, sign=True) == "+54,3%"
    assert fmt_number(None, "nl") == "–"
    assert fmt_number(-0.01, "en", 1) == "0.0"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_contents(reports: dict[str, Path], lang: str) -> None:
    path = reports[lang]
    assert path.name == "report.html" and path.is_file()
    html = path.read_text(encoding="utf-8")
    t = TEXTS[lang]
    assert f'<html lang="{lang}">' in html
    for key in (
        "title",
        "proposal",
        "h_key",
        "h_baselines",
        "h_coverage",
        "h_flows",
        "h_unfilled",
        "h_unassigned",
        "h_assignments",
    ):
        assert t[key] in html
    other = TEXTS["en" if lang == "nl" else "nl"]
    assert other["h_key"] not in html and other["proposal"] not in html
    if lang == "nl":
        expected = ["1.234,6", "+54,3%", "€ 123.456", "€ 45.000", "gap 1,23%", "800,3"]
        assert "Dit is een voorstel; een mens beslist." in html
    else:
        expected = ["1,234.6", "+54.3%", "€123,456", "€45,000", "gap 1.23%", "800.3"]
        assert "This is a proposal; a person decides." in html
    for text in expected:
        assert text in html, text
    for text in ("test-model-7", "FEASIBLE", "Terschelling", "Leeuwarden", "Groningen"):
        assert text in html
    assert "assignments.csv" in html
    assert "<link" not in html and "http://" not in html and "https://" not in html


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_charts_are_valid_pngs(reports: dict[str, Path], lang: str) -> None:
    html = reports[lang].read_text(encoding="utf-8")
    images = _images(html)
    assert len(images) == 4
    for src in images:
        assert "/" not in src and src.endswith(".png")
        png = reports[lang].parent / src
        data = png.read_bytes()
        assert data[:8] == PNG_MAGIC
        assert len(data) > 5_000


def test_data_is_escaped(reports: dict[str, Path]) -> None:
    for path in reports.values():
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html
        assert "&lt;script&gt;" in html
        assert "<b>ervaring</b>" not in html
        assert "&lt;b&gt;ervaring&lt;/b&gt;" in html


def test_render_is_deterministic(
    tmp_path: Path, reports: dict[str, Path], frames: dict[str, Any]
) -> None:
    again = render_assignment_report(tmp_path / "again", lang="nl", **frames)
    first = reports["nl"]
    assert again.read_bytes() == first.read_bytes()
    for src in _images(first.read_text(encoding="utf-8")):
        assert (again.parent / src).read_bytes() == (first.parent / src).read_bytes(), src


def test_empty_frames_render(tmp_path: Path, frames: dict[str, Any]) -> None:
    empty = {
        key: (value.iloc[0:0] if isinstance(value, pd.DataFrame) else value)
        for key, value in frames.items()
    }
    empty["summary"] = dataclasses.replace(
        frames["summary"], baselines={},
        solver=SolverSummary(name="", status="", gap=None, wall_time_s=None))
    path = render_assignment_report(tmp_path, lang="en", **empty)
    html = path.read_text(encoding="utf-8")
    assert TEXTS["en"]["proposal"] in html
    for src in _images(html):
        assert (tmp_path / src).read_bytes()[:8] == PNG_MAGIC


def test_unknown_language_is_rejected(tmp_path: Path, frames: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="lang"):
        render_assignment_report(tmp_path, lang="fy", **frames)

"""PNG charts of the assignment report: scores, baselines, obligation coverage, flows map.

Deterministic output: fixed figure sizes and dpi, default matplotlib style, no PNG timestamps;
Figure + FigureCanvasAgg only (no pyplot global state).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter, MultipleLocator

from matching.data import reference
from matching.reports.assign_texts import (
    _BASELINE_ORDER,
    _C_ACCENT,
    _C_DARKGREY,
    _C_GREY,
    _C_LIGHT,
    _C_LINE,
    _C_MAIN,
    _COVERAGE_CAP,
    _DPI,
    _MAP_LAT,
    _PNG_META,
    _TOP_PROJECTS,
    _missing,
    fmt_number,
    fmt_pct,
)

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- charts


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path) -> str:
    fig.savefig(path, dpi=_DPI, format="png", metadata=_PNG_META, facecolor="white")
    return path.name


def _title(fig: Figure, text: str) -> None:
    fig.suptitle(text, x=0.01, ha="left", fontsize=12.5, fontweight="bold", color="#1f2933")


def _style_axes(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(_C_DARKGREY)
    ax.tick_params(colors=_C_DARKGREY, labelcolor="#222222")


def _no_data(ax: Any, t: Mapping[str, Any]) -> None:
    ax.text(
        0.5,
        0.5,
        t["ch_no_data"],
        ha="center",
        va="center",
        transform=ax.transAxes,
        color=_C_DARKGREY,
        fontsize=12,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _chart_scores(
    path: Path,
    pairs: pd.DataFrame,
    assignments: pd.DataFrame,
    min_score: float | None,
    t: Mapping[str, Any],
    lang: str,
) -> str:
    fig = _new_figure(8.0, 4.2)
    ax = fig.add_subplot()
    all_w = pd.to_numeric(pairs.get("weight", pd.Series(dtype=float)), errors="coerce").dropna()
    chosen = pd.to_numeric(
        assignments.get("probability", pd.Series(dtype=float)), errors="coerce"
    ).dropna()
    _title(fig, t["ch_scores_title"])
    if all_w.empty and chosen.empty:
        _no_data(ax, t)
        return _save(fig, path)
    bins = np.linspace(0.0, 1.0, 41)
    if min_score is not None and not _missing(min_score):
        ax.axvspan(0.0, float(min_score), color=_C_LINE, alpha=0.06, linewidth=0, zorder=0)
        ax.axvline(
            float(min_score),
            color=_C_LINE,
            linestyle="--",
            linewidth=1.2,
            label=t["ch_threshold"].format(v=fmt_number(min_score, lang, 2)),
            zorder=4,
        )
    if not all_w.empty:
        counts, _ = np.histogram(all_w.clip(0.0, 1.0).to_numpy(), bins=bins)
        ax.stairs(
            100.0 * counts / counts.sum(),
            bins,
            fill=True,
            color=_C_GREY,
            alpha=0.55,
            label=t["ch_all_pairs"].format(n=fmt_number(len(all_w), lang)),
            zorder=2,
        )
    if not chosen.empty:
        counts, _ = np.histogram(chosen.clip(0.0, 1.0).to_numpy(), bins=bins)
        share = 100.0 * counts / counts.sum()
        ax.stairs(share, bins, fill=True, color=_C_MAIN, alpha=0.18, zorder=3)
        ax.stairs(
            share,
            bins,
            color=_C_MAIN,
            linewidth=1.8,
            zorder=3,
            label=t["ch_chosen"].format(n=fmt_number(len(chosen), lang)),
        )
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel(t["ch_scores_x"])
    ax.set_ylabel(t["ch_scores_y"])
    ax.xaxis.set_major_locator(MultipleLocator(0.1))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 1)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
    ax.grid(axis="y", color=_C_LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    _style_axes(ax)
    ax.legend(loc="upper left", frameon=True, framealpha=0.95, edgecolor=_C_LIGHT)
    return _save(fig, path)


def _ordered_baselines(baselines: Mapping[str, Mapping[str, Any]]) -> list[str]:
    known = [name for name in _BASELINE_ORDER if name in baselines]
    return known + sorted(name for name in baselines if name not in _BASELINE_ORDER)


def _chart_baselines(
    path: Path, baselines: Mapping[str, Mapping[str, Any]], t: Mapping[str, Any], lang: str
) -> str:
    fig = _new_figure(8.0, 4.2)
    ax = fig.add_subplot()
    _title(fig, t["ch_baselines_title"])
    names = _ordered_baselines(baselines)
    if not names:
        _no_data(ax, t)
        return _save(fig, path)
    values = [float(baselines[n].get("expected_durable") or 0.0) for n in names]
    colours = [_C_MAIN if n == "optimal" else "#7d8a97" for n in names]
    x = np.arange(len(names))
    bars = ax.bar(x, values, color=colours, width=0.62, edgecolor="white")
    top = max(values) if max(values) > 0 else 1.0
    for bar, value, name in zip(bars, values, names, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            value + top * 0.015,
            fmt_number(value, lang, 1),
            ha="center",
            va="bottom",
            fontsize=11,
            fontweight="bold" if name == "optimal" else "normal",
            color=_C_MAIN if name == "optimal" else "#222222",
        )
        assigned = baselines[name].get("n_assigned")
        if not _missing(assigned) and value > top * 0.12:
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                value - top * 0.03,
                t["ch_assigned_in_bar"].format(n=fmt_number(assigned, lang)),
                ha="center",
                va="top",
                fontsize=8.5,
                color="white",
            )
    ax.set_xticks(x, [t["baselines_short"].get(n, n) for n in names])
    ax.set_ylim(0.0, top * 1.14)
    ax.set_ylabel(t["ch_baselines_y"])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
    ax.grid(axis="y", color=_C_LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    _style_axes(ax)
    return _save(fig, path)


def _short(text: Any, width: int) -> str:
    text = "" if _missing(text) else str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _chart_coverage(path: Path, coverage: pd.DataFrame, t: Mapping[str, Any], lang: str) -> str:
    top = coverage.sort_values(
        ["outstanding_before_eur", "project_id"], ascending=[False, True], kind="mergesort"
    ).head(_TOP_PROJECTS)
    n = len(top)
    fig = _new_figure(9.0, 1.6 + 0.3 * max(n, 3))
    ax = fig.add_subplot()
    _title(fig, t["ch_coverage_title"].format(n=_TOP_PROJECTS))
    if n == 0:
        _no_data(ax, t)
        return _save(fig, path)
    before = 100 * pd.to_numeric(top["coverage_before"], errors="coerce").fillna(0.0).to_numpy()
    after = 100 * pd.to_numeric(top["coverage_after"], errors="coerce").fillna(0.0).to_numpy()
    after = np.maximum(after, before)
    cap = 100 * _COVERAGE_CAP
    y = np.arange(n)[::-1]
    ax.barh(y, np.minimum(after, cap), height=0.68, color=_C_ACCENT, label=t["ch_cov_after"])
    ax.barh(y, np.minimum(before, cap), height=0.68, color=_C_MAIN, label=t["ch_cov_before"])
    ax.axvline(100.0, color=_C_DARKGREY, linestyle="--", linewidth=1.0, label=t["ch_cov_full"])
    for yi, b, a in zip(y, before, after, strict=True):
        label = fmt_pct(b, lang, 0)
        if round(a) != round(b):
            label += " → " + fmt_pct(a, lang, 0)
        ax.text(
            min(a, cap) + 2.0,
            yi,
            label,
            va="center",
            fontsize=8,
            color="#222222",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            zorder=4,
        )
    labels = [
        f"{_short(name, 34)} ({pid})"
        for name, pid in zip(top["name"], top["project_id"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0.0, cap * 1.3)
    ax.set_xticks(np.arange(0, cap + 1, 25))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_pct(v, lang, 0)))
    ax.set_xlabel(t["ch_coverage_x"])
    ax.grid(axis="x", color=_C_LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    _style_axes(ax)
    ax.tick_params(axis="y", length=0)
    handles, labels = ax.get_legend_handles_labels()
    order = [
        labels.index(t["ch_cov_before"]),
        labels.index(t["ch_cov_after"]),
        labels.index(t["ch_cov_full"]),
    ]
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=3,
        fontsize=9,
        borderaxespad=0.2,
    )
    return _save(fig, path)


def _outline_paths(collection: Mapping[str, Any]) -> list[tuple[str, MplPath]]:
    """One compound path per polygon (exterior plus holes) of every feature."""
    out: list[tuple[str, MplPath]] = []
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        name = str(props.get("statnaam") or props.get("name") or props.get("naam") or "")
        kind = geometry.get("type")
        polygons = (
            [geometry.get("coordinates", [])]
            if kind == "Polygon"
            else geometry.get("coordinates", [])
            if kind == "MultiPolygon"
            else []
        )
        for rings in polygons:
            parts = [
                MplPath(np.asarray(ring, dtype=float)[:, :2], closed=True)
                for ring in rings
                if len(ring) >= 3
            ]
            if parts:
                out.append((name, MplPath.make_compound_path(*parts)))
    return out


def _load_outlines() -> list[tuple[str, MplPath]]:
    try:
        return _outline_paths(reference.region_outlines())
    except (FileNotFoundError, ValueError, KeyError) as exc:  # pragma: no cover - data missing
        logger.warning("region outlines unavailable, map drawn without them: %s", exc)
        return []


def _load_points() -> pd.DataFrame:
    try:
        frame = reference.municipalities()
    except (FileNotFoundError, ValueError, KeyError) as exc:  # pragma: no cover - data missing
        logger.warning("municipality coordinates unavailable: %s", exc)
        return pd.DataFrame(columns=["gm_code", "name", "lat", "lon", "in_scope"])
    return frame[["gm_code", "name", "lat", "lon", "in_scope"]]


def _ring_centroid(vertices: np.ndarray) -> tuple[float, float]:
    """Area centroid of a closed ring (shoelace); vertex mean for degenerate rings."""
    x, y = vertices[:, 0], vertices[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2.0
    if abs(area) < 1e-12:
        return float(x.mean()), float(y.mean())
    cx = ((x + np.roll(x, -1)) * cross).sum() / (6.0 * area)
    cy = ((y + np.roll(y, -1)) * cross).sum() / (6.0 * area)
    return float(cx), float(cy)


def _arc(
    p0: tuple[float, float], p1: tuple[float, float], bend: float = 0.15, steps: int = 24
) -> np.ndarray:
    """Points on a quadratic Bezier from ``p0`` to ``p1``, bent to the right of travel.

    Bending is done in lat-corrected coordinates so arcs look alike in every direction,
    and opposite flows (A -> B, B -> A) get separate arcs.
    """
    k = math.cos(math.radians(_MAP_LAT))
    x0, y0, x1, y1 = p0[0] * k, p0[1], p1[0] * k, p1[1]
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    cx, cy = mx + bend * (y1 - y0), my - bend * (x1 - x0)
    u = np.linspace(0.0, 1.0, steps)[:, None]
    pts = (
        (1 - u) ** 2 * np.array([x0, y0])
        + 2 * (1 - u) * u * np.array([cx, cy])
        + u**2 * np.array([x1, y1])
    )
    pts[:, 0] /= k
    return pts


def _flow_width(n: Any, max_n: float) -> np.ndarray:
    """Line width in points, linear in ``n``: 0.8 for one person, 5.5 for the largest flow."""
    if max_n <= 1:
        return np.full(np.shape(n), 1.5)
    return 0.8 + 4.7 * (np.asarray(n, dtype=float) - 1.0) / (max_n - 1.0)


def _chart_flows(path: Path, flows: pd.DataFrame, t: Mapping[str, Any], lang: str) -> str:
    outlines = _load_outlines()
    points = _load_points().drop_duplicates("gm_code").set_index("gm_code")
    in_scope = points[points["in_scope"].astype(bool)]

    flows = flows.assign(n=pd.to_numeric(flows["n"], errors="coerce").fillna(0).astype(int))
    flows = flows[flows["n"] > 0]
    known = flows["home_gm"].isin(points.index) & flows["work_gm"].isin(points.index)
    if (~known).any():
        logger.warning(
            "%d flows with municipalities without coordinates left off the map", int((~known).sum())
        )
    flows = flows[known]
    same = flows["home_gm"] == flows["work_gm"]
    n_same = int(flows.loc[same, "n"].sum())
    between = flows[~same].sort_values(["n", "home_gm", "work_gm"], kind="mergesort")
    homes = flows.groupby("home_gm", sort=True)["n"].sum()
    involved = sorted(set(flows["home_gm"]) | set(flows["work_gm"]))

    xs = list(in_scope["lon"]) + list(points.loc[involved, "lon"])
    ys = list(in_scope["lat"]) + list(points.loc[involved, "lat"])
    for _name, shape in outlines:
        ext = shape.get_extents()
        xs += [ext.x0, ext.x1]
        ys += [ext.y0, ext.y1]
    aspect = 1.0 / math.cos(math.radians(_MAP_LAT))
    if xs:
        x0, x1 = min(xs) - 0.08, max(xs) + 0.08
        y0, y1 = min(ys) - 0.05, max(ys) + 0.05
        ratio = (y1 - y0) * aspect / max(x1 - x0, 1e-6)
    else:
        ratio = 0.75
    fig = _new_figure(9.0, float(np.clip(8.6 * ratio + 0.5, 4.0, 11.0)))
    ax = fig.add_subplot()
    _title(fig, t["ch_map_title"])
    if not xs:
        _no_data(ax, t)
        return _save(fig, path)

    largest: dict[str, tuple[float, np.ndarray]] = {}
    for name, shape in outlines:
        ax.add_patch(
            PathPatch(shape, facecolor=_C_LIGHT, edgecolor="#b5bcc3", linewidth=0.8, zorder=1)
        )
        for ring in shape.to_polygons():
            ext_w, ext_h = np.ptp(ring[:, 0]), np.ptp(ring[:, 1])
            if name and (name not in largest or ext_w * ext_h > largest[name][0]):
                largest[name] = (ext_w * ext_h, ring)
    for name, (_area, ring) in sorted(largest.items()):
        cx, cy = _ring_centroid(ring)
        ax.text(
            cx,
            cy,
            name.upper(),
            ha="center",
            va="center",
            fontsize=10.5,
            color="#aab2ba",
            fontweight="bold",
            zorder=1.5,
        )
    ax.scatter(in_scope["lon"], in_scope["lat"], s=5, color="#aab2ba", zorder=2, linewidths=0)

    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    handles: list[Any] = []
    if len(between):
        max_n = float(between["n"].max())
        segments = [
            _arc(
                (points.at[h, "lon"], points.at[h, "lat"]),
                (points.at[w, "lon"], points.at[w, "lat"]),
            )
            for h, w in zip(between["home_gm"], between["work_gm"], strict=True)
        ]
        ax.add_collection(
            LineCollection(
                segments,
                linewidths=_flow_width(between["n"], max_n),
                colors=_C_MAIN,
                alpha=0.45,
                capstyle="round",
                zorder=3,
            )
        )
        work = between.groupby("work_gm", sort=True)["n"].sum()
        ax.scatter(
            points.loc[work.index, "lon"],
            points.loc[work.index, "lat"],
            marker="s",
            s=16,
            color=_C_MAIN,
            edgecolors="white",
            linewidths=0.5,
            zorder=4,
        )
        for value in sorted({1, round((1 + max_n) / 2), int(max_n)}):
            handles.append(
                Line2D(
                    [],
                    [],
                    color=_C_MAIN,
                    alpha=0.6,
                    linewidth=float(_flow_width(value, max_n)),
                    label=t["ch_map_flow_n"].format(n=fmt_number(value, lang)),
                )
            )
        handles.append(
            Line2D(
                [],
                [],
                marker="s",
                linestyle="none",
                markersize=5,
                markerfacecolor=_C_MAIN,
                markeredgecolor="white",
                label=t["ch_map_work"],
            )
        )
    if len(homes):
        max_home = float(homes.max())
        ax.scatter(
            points.loc[homes.index, "lon"],
            points.loc[homes.index, "lat"],
            s=14 + 240 * homes.to_numpy() / max_home,
            color=_C_ACCENT,
            edgecolors="white",
            linewidths=0.8,
            alpha=0.92,
            zorder=5,
        )
        involvement = homes.add(flows.groupby("work_gm")["n"].sum(), fill_value=0)
        for gm, _total in sorted(involvement.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
            ax.annotate(
                str(points.at[gm, "name"]),
                (points.at[gm, "lon"], points.at[gm, "lat"]),
                xytext=(6, 5),
                textcoords="offset points",
                fontsize=8.5,
                color="#1f2933",
                zorder=6,
                path_effects=halo,
            )
        handles.insert(
            0,
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=9,
                markerfacecolor=_C_ACCENT,
                markeredgecolor="white",
                label=t["ch_map_homes"],
            ),
        )
    handles.append(
        Patch(
            facecolor="none",
            edgecolor="none",
            label=t["ch_map_flow"].format(n=fmt_number(int(between["n"].sum()), lang)),
        )
    )
    handles.append(
        Patch(
            facecolor="none", edgecolor="none", label=t["f_same"].format(n=fmt_number(n_same, lang))
        )
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=8,
        frameon=True,
        framealpha=0.92,
        edgecolor=_C_LIGHT,
        borderpad=0.8,
    )
    return _save(fig, path)



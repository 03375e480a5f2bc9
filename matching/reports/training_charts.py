"""PNG charts of the training plan report: return per euro against the budget, demand vs supply.

* :func:`chart_budget_curve` -- extra expected durable placements per EUR 1,000 against the
  budget, one line per method (the optimum and the two baselines);
* :func:`chart_supply` -- per occupation (top 15 by expected demand) horizontal bars of the
  expected demand with its 80% interval as error bars, beside the positions filled without
  training and with the plan.

Deterministic output, as the assignment's charts (:mod:`matching.reports.assign_charts`):
fixed figure sizes and dpi, the default matplotlib style (the caller wraps the calls in
``rc_context`` + ``rcdefaults``), no PNG timestamps; Figure + FigureCanvasAgg only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from matching.reports.assign_charts import _new_figure, _no_data, _save, _short, _style_axes, _title
from matching.reports.assign_texts import _C_ACCENT, _C_DARKGREY, _C_GREY, _C_LIGHT, _C_MAIN
from matching.reports.training_texts import _TOP_OCCUPATIONS, METHOD_ORDER
from matching.texts import format as fmt

__all__ = ["chart_budget_curve", "chart_supply", "top_occupations"]

_METHOD_STYLE = {
    "optimal": {"color": _C_MAIN, "marker": "o", "linewidth": 2.4, "zorder": 4},
    "most_requested_nearest": {"color": _C_ACCENT, "marker": "s", "linewidth": 1.6, "zorder": 3},
    "near_misses_first": {"color": "#7d8a97", "marker": "^", "linewidth": 1.6, "zorder": 3},
}


def _methods(names: Any) -> list[str]:
    present = list(dict.fromkeys(str(n) for n in names))
    return [m for m in METHOD_ORDER if m in present] + sorted(
        m for m in present if m not in METHOD_ORDER)


def chart_budget_curve(path: Path, curve: pd.DataFrame, budget_eur: float,
                       t: Mapping[str, Any], lang: str) -> str:
    """Write the gain-per-euro chart to ``path``; returns the file name."""
    fig = _new_figure(8.0, 4.4)
    ax = fig.add_subplot()
    _title(fig, t["ch_curve_title"])
    if curve.empty:
        _no_data(ax, t)
        return _save(fig, path)
    for name in _methods(curve["method"]):
        rows = curve[curve["method"] == name].sort_values("budget_eur", kind="mergesort")
        style = _METHOD_STYLE.get(name, {"color": _C_GREY, "marker": "D", "linewidth": 1.4,
                                         "zorder": 2})
        ax.plot(rows["budget_eur"].to_numpy(dtype=float),
                pd.to_numeric(rows["gain_per_1000_eur"], errors="coerce").fillna(0.0).to_numpy(),
                label=t["methods_short"].get(name, name), markersize=6, **style)
    ax.axvline(float(budget_eur), color=_C_DARKGREY, linestyle=":", linewidth=1.2,
               label=t["ch_budget"], zorder=1)
    ax.set_xlabel(t["ch_curve_x"])
    ax.set_ylabel(t["ch_curve_y"])
    ax.set_ylim(bottom=0.0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.eur(v, lang)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(v, lang, 2)))
    ax.grid(axis="y", color=_C_LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    _style_axes(ax)
    ax.legend(frameon=True, framealpha=0.95, edgecolor=_C_LIGHT, fontsize=9, loc="best")
    return _save(fig, path)


def top_occupations(demand: pd.DataFrame, n: int = _TOP_OCCUPATIONS) -> pd.DataFrame:
    """The ``n`` occupations with the largest expected demand (ties by ISCO code)."""
    return demand.sort_values(["expected", "occupation"], ascending=[False, True],
                              kind="mergesort").head(n).reset_index(drop=True)


def chart_supply(path: Path, demand: pd.DataFrame, t: Mapping[str, Any], lang: str) -> str:
    """Write the demand/supply chart to ``path``; returns the file name."""
    top = top_occupations(demand)
    n = len(top)
    fig = _new_figure(9.0, 1.8 + 0.42 * max(n, 3))
    ax = fig.add_subplot()
    _title(fig, t["ch_supply_title"].format(n=_TOP_OCCUPATIONS))
    if n == 0:
        _no_data(ax, t)
        return _save(fig, path)

    def col(name: str) -> np.ndarray:
        return pd.to_numeric(top[name], errors="coerce").fillna(0.0).to_numpy(dtype=float)

    expected, low, high = col("expected"), col("low"), col("high")
    err = np.vstack([np.maximum(expected - low, 0.0), np.maximum(high - expected, 0.0)])
    y = np.arange(n)[::-1].astype(float)
    h = 0.26
    ax.barh(y + h, expected, height=h, color=_C_GREY, xerr=err,
            error_kw={"ecolor": _C_DARKGREY, "elinewidth": 1.0, "capsize": 2.5},
            label=t["ch_demand"])
    ax.barh(y, col("filled_without_training"), height=h, color=_C_ACCENT, label=t["ch_without"])
    ax.barh(y - h, col("filled_with_plan"), height=h, color=_C_MAIN, label=t["ch_with"])
    labels = [f"{_short(label, 32)} ({code})" if isinstance(label, str) and label
              and label != code else str(code)
              for label, code in zip(top["label"], top["occupation"], strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(-0.6, n - 0.4)
    right = float(max(high.max(), col("filled_with_plan").max(),
                      col("filled_without_training").max(), 1.0))
    ax.set_xlim(0.0, right * 1.05)
    ax.set_xlabel(t["ch_supply_x"])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(v, lang, 0)))
    ax.grid(axis="x", color=_C_LIGHT, linewidth=0.8)
    ax.set_axisbelow(True)
    _style_axes(ax)
    ax.tick_params(axis="y", length=0)
    ax.legend(loc="lower right", frameon=True, framealpha=0.95, edgecolor=_C_LIGHT, fontsize=9)
    return _save(fig, path)

"""Benchmark harness: ``python -m benchmarks [--quick] [--only NAME] [--json PATH]``.

Discovers every ``benchmarks/bench_*.py`` module, calls its ``run(quick: bool) -> list[dict]``
(rows as built by :func:`benchmarks.common.row`), prints one markdown table with the machine
info and writes the same as JSON (default ``benchmarks/results/latest.json``). A module that
fails adds an error row instead of stopping the run. Exit code 0 when every row with a target
is ok, 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import pkgutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.common import ROW_KEYS, machine_info, row

__all__ = ["discover", "main", "render_markdown", "run_all"]

HERE = Path(__file__).resolve().parent
DEFAULT_JSON = HERE / "results" / "latest.json"


def discover() -> list[str]:
    """Names (without ``bench_``) of the benchmark modules, sorted."""
    return sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(HERE)])
                  if m.name.startswith("bench_"))


def run_all(quick: bool = False, only: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of every selected benchmark module (error rows for failing modules)."""
    rows: list[dict[str, Any]] = []
    names = discover()
    if only:
        wanted = {n.removeprefix("bench_") for n in only}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark(s) {sorted(unknown)}; known: {names}")
        names = [n for n in names if n in wanted]
    for name in names:
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
            produced = module.run(quick)
            for r in produced:
                rows.append({key: r.get(key) for key in ROW_KEYS})
        except Exception as exc:  # one failing module must not stop the run
            detail = traceback.format_exc(limit=3).strip().splitlines()[-1]
            rows.append(row(name, "", None, "", ok=False,
                            note=f"ERROR {type(exc).__name__}: {detail}"[:300]))
        print(f"# {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return rows


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ok" if value else "FAIL"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}"
    return str(value).replace("|", "\\|")


def render_markdown(rows: list[dict[str, Any]], info: dict[str, Any]) -> str:
    """The report: machine info, then one table row per result row."""
    lines = [
        "## Benchmarks",
        "",
        f"- machine: {info.get('cpu')}, {info.get('cores')} cores, {info.get('ram_gb')} GB RAM"
        f" (1-min load {info.get('load_1min')})",
        f"- python {info.get('python')}, numpy {info.get('numpy')}, pandas {info.get('pandas')}"
        f", scikit-learn {info.get('sklearn')}, ortools {info.get('ortools')}",
        "",
        "| " + " | ".join(ROW_KEYS) + " |",
        "|" + "---|" * len(ROW_KEYS),
    ]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(k)) for k in ROW_KEYS) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, skip the largest")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this module (repeatable), e.g. features")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="PATH",
                        help=f"where to write the JSON report (default {DEFAULT_JSON})")
    args = parser.parse_args(argv)
    info = machine_info()
    rows = run_all(quick=args.quick, only=args.only)
    print(render_markdown(rows, info))
    report = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": info,
        "rows": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    failed = [r for r in rows if r.get("ok") is False]
    return 1 if failed else 0

"""Shared helpers of the benchmarks: rows, timing, peak memory of one step, machine info.

Peak RSS of a step is measured in a fresh *spawned* subprocess (:func:`in_subprocess`): the
child starts from an empty interpreter, runs the step (including its own setup, which the
step reports separately) and returns ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` — the
high-water mark of that process alone, not of the benchmark runner.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import resource
import time
import traceback
from collections.abc import Callable
from typing import Any

__all__ = [
    "GB",
    "MB",
    "in_subprocess",
    "machine_info",
    "peak_rss_bytes",
    "row",
    "timed",
]

MB = 1024 ** 2
GB = 1024 ** 3

ROW_KEYS = ("benchmark", "size", "value", "unit", "target", "baseline", "baseline_value",
            "ratio", "ok", "note")


def row(
    benchmark: str,
    size: str,
    value: float | None,
    unit: str,
    *,
    target: str = "",
    ok: bool | None = None,
    baseline: str = "",
    baseline_value: float | None = None,
    ratio: float | None = None,
    note: str = "",
) -> dict[str, Any]:
    """One result row with every key of the report (missing ones empty).

    Examples
    --------
    >>> row("x", "1", 2.0, "s", target="<= 3 s", ok=True)["ok"]
    True
    """
    return {
        "benchmark": benchmark, "size": size, "value": value, "unit": unit, "target": target,
        "baseline": baseline, "baseline_value": baseline_value, "ratio": ratio, "ok": ok,
        "note": note,
    }


def timed(fn: Callable[..., Any], *args: Any, repeat: int = 1, **kwargs: Any
          ) -> tuple[Any, float]:
    """``(result of the last call, best wall-clock seconds over repeat calls)``.

    Examples
    --------
    >>> result, seconds = timed(sum, [1, 2, 3])
    >>> result, seconds >= 0
    (6, True)
    """
    best = float("inf")
    result = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return result, best


def peak_rss_bytes() -> int:
    """High-water mark of this process's resident set (bytes; Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) * (1 if platform.system() == "Darwin" else 1024)


def _child(fn: Callable[..., Any], args: tuple, kwargs: dict, queue: Any) -> None:
    try:
        result = fn(*args, **kwargs)
        queue.put(("ok", result, peak_rss_bytes()))
    except BaseException:  # reported to the parent
        queue.put(("error", traceback.format_exc(), peak_rss_bytes()))


def in_subprocess(fn: Callable[..., Any], *args: Any, timeout: float | None = None,
                  **kwargs: Any) -> tuple[Any, int]:
    """Run ``fn(*args, **kwargs)`` in a fresh spawned process: ``(result, peak RSS bytes)``.

    ``fn`` must be importable (a module-level function) and its result picklable. An
    exception in the child is raised here as ``RuntimeError`` with the child's traceback.
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, kwargs, queue))
    proc.start()
    try:
        status, payload, peak = queue.get(timeout=timeout)
    finally:
        proc.join(timeout=60)
        if proc.is_alive():
            proc.terminate()
    if status != "ok":
        raise RuntimeError(f"benchmark step failed in subprocess:\n{payload}")
    return payload, int(peak)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(module: str) -> str:
    try:
        mod = __import__(module)
        return str(getattr(mod, "__version__", "?"))
    except Exception:  # a missing package is reported, not fatal
        return "not installed"


def machine_info() -> dict[str, Any]:
    """CPU model, cores, RAM, Python and library versions (for the report header)."""
    try:
        import psutil

        ram = psutil.virtual_memory().total
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    except Exception:
        ram, load = None, None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(ram / GB, 1) if ram else None,
        "load_1min": round(load, 2) if load is not None else None,
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "pandas": _version("pandas"),
        "sklearn": _version("sklearn"),
        "ortools": _version("ortools"),
        "platform": platform.platform(),
    }

"""The service under load (issue 14): import, API shortlist latency, latency during a run.

Everything runs in real ``sroi-match`` processes on this machine (loopback only), against a
fresh SQLite file and — when a PostgreSQL server answers at ``SROI_MATCH_BENCH_PG`` (an admin
URL, default ``postgresql:///test``) — a fresh ``sroi_bench_<random>`` database created for
the run and dropped afterwards. Set ``SROI_MATCH_BENCH_PG=off`` to skip PostgreSQL.

Rows (per backend, ``size`` names it):

* ``service.import`` / ``service.import_rate`` — ``sroi-match import`` of a generated world
  (full: 20,000 available candidates, 2,000 open vacancies, 400 projects, 6,000 placements,
  plus the historic candidates and vacancies the history needs) into the fresh database:
  seconds and rows/s. Issue 14 gives no import target; ``<= 120 s`` is proposed here.
* ``service.reimport`` — the same files again (nothing changed), same proposed target.
* ``service.train`` — ``sroi-match train --promote`` on the world's history, once (context).
* ``service.engine_load`` — the server's first shortlist request: data read back from the
  database, profiles and model loaded (context).
* ``service.shortlist_cold.*`` — first request of each of ~100 open vacancies, one at a
  time: the shortlist is computed and stored (median, p95; context).
* ``service.shortlist.*`` — 20 keep-alive clients requesting those vacancies at random for
  30 s (at most 20,000 requests): p95 (target <= 300 ms), median, requests/s, errors
  (target 0).
* ``service.shortlist_during_run.*`` — the same load while an assignment run of the whole
  world (queued through the API by a coordinator, executed by a ``sroi-match worker``
  started here) has status ``running``; only requests inside that window count: p95 (target
  <= 1 s), median, requests/s, errors (target 0).
* ``service.assign_run`` — that run's duration (started → finished, context).

Quick mode: 3,000 x 300, 8 s of load, 40 warm-up vacancies.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.common import row
from benchmarks.service_load import (
    LoadResult,
    percentile,
    request_json,
    run_load,
    wait_until_up,
)

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PASSWORD = "bench-horse-battery-14"
ORGANISATION = "GM0014"

SIZES = {
    "full": {"candidates": 20_000, "vacancies": 2_000, "projects": 400, "placements": 6_000,
             "warm": 100, "load_s": 30.0, "max_requests": 20_000, "run_cap_s": 900.0,
             "run_max_requests": 120_000},
    "quick": {"candidates": 3_000, "vacancies": 300, "projects": 60, "placements": 2_000,
              "warm": 40, "load_s": 8.0, "max_requests": 5_000, "run_cap_s": 300.0,
              "run_max_requests": 40_000},
}
CLIENTS = 20
SERVER_THREADS = 24
IMPORT_TARGET_S = 120.0
P95_TARGET_S = 0.3
P95_RUN_TARGET_S = 1.0
DONE = ("done", "failed", "cancelled")


# ----------------------------------------------------------------------------- processes


@dataclass
class Proc:
    """A background ``sroi-match`` process with its output in a log file."""

    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def cpu_s(self) -> float:
        """CPU seconds (user + system) this process used so far (NaN when gone)."""
        try:
            import psutil

            times = psutil.Process(self.popen.pid).cpu_times()
            return float(times.user + times.system)
        except Exception:  # gone, or no psutil
            return float("nan")

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return " / ".join(text.strip().splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, wait, then SIGKILL: only this process (by its own pid)."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=30)


@dataclass
class Service:
    """``sroi-match`` commands against one database with one home and one model folder."""

    url: str
    home: Path
    models: Path
    started: list[Proc] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SROI_MATCH_")}
        path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        env.update({"SROI_MATCH_DATABASE_URL": self.url, "SROI_MATCH_HOME": str(self.home),
                    "SROI_MATCH_MODELS": str(self.models), "PYTHONPATH": path,
                    "SROI_MATCH_SECRET_KEY": "bench-service-" + "k" * 40,
                    "PYTHONUNBUFFERED": "1"})
        return env

    def cli(self, *args: str, stdin: str | None = None, timeout: float = 900,
            check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "matching.cli", *args], env=self.env,
                              input=stdin, capture_output=True, text=True, timeout=timeout,
                              cwd=self.home)
        if check and done.returncode != 0:
            raise RuntimeError(f"sroi-match {' '.join(args[:2])} exited {done.returncode}: "
                               f"{(done.stderr or done.stdout).strip()[-400:]}")
        return done

    def timed_cli(self, *args: str, **kwargs: Any) -> tuple[subprocess.CompletedProcess, float]:
        start = time.perf_counter()
        done = self.cli(*args, **kwargs)
        return done, time.perf_counter() - start

    def start(self, name: str, *args: str) -> Proc:
        log = self.home / f"{name}-{len(self.started)}.log"
        with log.open("w") as handle:
            popen = subprocess.Popen([sys.executable, "-m", "matching.cli", *args],
                                     env=self.env, stdout=handle, stderr=subprocess.STDOUT,
                                     cwd=self.home, stdin=subprocess.DEVNULL)
        proc = Proc(popen, log)
        self.started.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self.started):
            proc.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# ----------------------------------------------------------------------------- databases


def _pg_admin_url() -> str | None:
    """An admin URL of a PostgreSQL server that answers, or None."""
    url = os.environ.get("SROI_MATCH_BENCH_PG", "postgresql:///test")
    if url.lower() in ("", "0", "off", "no", "none"):
        return None
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception:  # no driver, no server, no rights: PostgreSQL is skipped
        return None
    return url


@contextlib.contextmanager
def _postgres_database(admin: str) -> Iterator[str]:
    """A fresh database on the ``admin`` server for the run (dropped afterwards)."""
    import psycopg

    name = f"sroi_bench_{secrets.token_hex(5)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(admin)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ----------------------------------------------------------------------------- world


def _write_world(folder: Path, size: dict[str, Any]) -> tuple[dict[str, int], list[str]]:
    """Generate and write the world; (rows per table, open vacancy ids)."""
    from matching.synthetic.render import write_sample
    from matching.synthetic.sample import generate

    sample = generate(size["candidates"], size["vacancies"], size["projects"],
                      size["placements"], seed=14)
    write_sample(sample, folder)
    counts = {name: len(frame) for name, frame in sample.written.items()}
    vacancies = sample.written["vacancies"]
    open_ids = sorted(vacancies.loc[vacancies["status"] == "open", "vacancy_id"].astype(str))
    return counts, open_ids


def _size_label(backend: str, size: dict[str, Any]) -> str:
    return f"{backend} {size['candidates']:,} x {size['vacancies']:,}"


# ----------------------------------------------------------------------------- steps


def _import_rows(svc: Service, data: Path, label: str, counts: dict[str, int]
                 ) -> list[dict[str, Any]]:
    svc.cli("migrate")
    done, seconds = svc.timed_cli("import", "--data", str(data), "--format", "json")
    report = json.loads(done.stdout)
    rows_total = sum(counts.values())
    added = sum(c["added"] for c in report["counts"].values())
    again, again_s = svc.timed_cli("import", "--data", str(data), "--format", "json")
    report2 = json.loads(again.stdout)
    changed = sum(c["added"] + c["changed"] + c["removed"] for c in report2["counts"].values())
    tables = ", ".join(f"{n} {c:,}" for n, c in counts.items())
    proposed = f"<= {IMPORT_TARGET_S:g} s (proposed)"
    return [
        row("service.import", label, seconds, "s", target=proposed,
            ok=seconds <= IMPORT_TARGET_S and report["status"] != "failed",
            note=f"fresh database; {tables}; status {report['status']}, {added:,} added; "
                 "issue 14 sets no import target, 120 s proposed"),
        row("service.import_rate", label, rows_total / seconds, "rows/s",
            note=f"{rows_total:,} rows (4 tables) / {seconds:.1f} s"),
        row("service.reimport", label, again_s, "s", target=proposed,
            ok=again_s <= IMPORT_TARGET_S and changed == 0,
            note=f"same files again: status {report2['status']}, {changed} rows changed "
                 f"({rows_total / again_s:,.0f} rows/s)"),
    ]


def _train(svc: Service, data: Path) -> float:
    """Train on the world's history into the (temporary) models folder, made active."""
    start = time.perf_counter()
    svc.cli("train", "--data", str(data), "--models", str(svc.models), "--promote",
            "--force", "--format", "json", timeout=1800)
    return time.perf_counter() - start


def _users(svc: Service) -> tuple[str, str]:
    """(account manager's token, coordinator's token)."""
    svc.cli("users", "add", "bench_am", "--role", "account_manager", "--organisation",
            ORGANISATION, stdin=PASSWORD + "\n")
    svc.cli("users", "add", "bench_co", "--role", "coordinator", stdin=PASSWORD + "\n")
    am = svc.cli("users", "token", "bench_am").stdout.strip().splitlines()[-1]
    co = svc.cli("users", "token", "bench_co").stdout.strip().splitlines()[-1]
    return am, co


def _shortlist_path(vacancy_id: str) -> str:
    return f"/api/v1/vacancies/{vacancy_id}/shortlist?top=10"


def _self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def _cpu(**procs: Proc) -> Iterator[dict[str, float]]:
    """CPU seconds used inside the block by each named process and by this one (``client``)."""
    before = {name: p.cpu_s() for name, p in procs.items()}
    client = _self_cpu_s()
    used: dict[str, float] = {}
    try:
        yield used
    finally:
        for name, p in procs.items():
            used[name] = p.cpu_s() - before[name]
        used["client"] = _self_cpu_s() - client


def _cpu_text(used: dict[str, float], seconds: float, requests: int) -> str:
    if not used or seconds <= 0:
        return ""
    parts = [f"{name} {cpu / seconds * 100:.0f}%" for name, cpu in used.items()]
    text = "; CPU (% of one core): " + ", ".join(parts)
    if requests and "server" in used:
        text += f"; server CPU {used['server'] / requests * 1000:.1f} ms/request"
    return text


def _load_rows(name: str, label: str, result: LoadResult, target_s: float, extra: str
               ) -> list[dict[str, Any]]:
    s = result.summary()
    statuses = ", ".join(f"{k}: {v}" for k, v in s["statuses"].items())
    exc = ", ".join(f"{k} {v}" for k, v in s["exceptions"].items())
    note = (f"{CLIENTS} keep-alive clients, {s['requests']:,} requests in {s['seconds']:.1f} s"
            f"{extra}; p99 {s['p99_s'] * 1000:.0f} ms, max {s['max_s'] * 1000:.0f} ms; "
            f"statuses {statuses or 'none'}" + (f"; client exceptions {exc}" if exc else ""))
    enough = s["requests"] > 0
    return [
        row(f"{name}.p95", label, s["p95_s"], "s", target=f"<= {target_s:g} s",
            ok=enough and s["p95_s"] <= target_s, note=note),
        row(f"{name}.median", label, s["median_s"], "s"),
        row(f"{name}.rate", label, s["rate"], "req/s"),
        row(f"{name}.errors", label, float(s["errors"]), "requests", target="= 0",
            ok=enough and s["errors"] == 0, note="non-200 answers, timeouts, broken "
                                                 "connections"),
    ]


def _wait_status(port: int, token: str, run_id: int, wanted: tuple[str, ...], timeout: float
                 ) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status, body = request_json(HOST, port, "GET", f"/api/v1/runs/{run_id}", token)
        if status == 200:
            last = body
            if body["status"] in wanted:
                return body
        time.sleep(0.5)
    return last


def _api_rows(svc: Service, label: str, open_ids: list[str], size: dict[str, Any]
              ) -> list[dict[str, Any]]:
    """Serve, warm up, load; then load again during an assignment run."""
    rows: list[dict[str, Any]] = []
    am, co = _users(svc)
    port = _free_port()
    server = svc.start("serve", "serve", "--port", str(port), "--threads", str(SERVER_THREADS))
    if not wait_until_up(HOST, port, "/api/v1/me", am, timeout=120, alive=server.alive):
        raise RuntimeError(f"sroi-match serve did not come up: {server.tail()}")

    import random

    rng = random.Random(14)
    chosen = rng.sample(open_ids, min(size["warm"] + 1, len(open_ids)))
    first, warm_ids = chosen[0], chosen[1:]
    start = time.perf_counter()
    status, body = request_json(HOST, port, "GET", _shortlist_path(first), am, timeout=600)
    engine_s = time.perf_counter() - start
    if status != 200:
        raise RuntimeError(f"first shortlist request answered {status}: {str(body)[:300]}")
    rows.append(row("service.engine_load", label, engine_s, "s",
                    note="server's first shortlist request: dataset read from the database, "
                         "profiles, model and matcher built, shortlist computed"))

    cold: list[float] = []
    cold_errors = 0
    sizes: list[int] = []
    for vid in warm_ids:
        start = time.perf_counter()
        status, body = request_json(HOST, port, "GET", _shortlist_path(vid), am)
        cold.append(time.perf_counter() - start)
        if status != 200:
            cold_errors += 1
        else:
            sizes.append(len(json.dumps(body)))
    note = (f"{len(cold)} open vacancies, one request each, one at a time (computed and "
            f"stored); {cold_errors} errors; answer ~{statistics.median(sizes or [0]):,.0f} "
            "bytes of JSON")
    rows.append(row("service.shortlist_cold.median", label, statistics.median(cold), "s",
                    note=note))
    rows.append(row("service.shortlist_cold.p95", label, percentile(cold, 0.95), "s"))

    paths = [_shortlist_path(v) for v in warm_ids]
    with _cpu(server=server) as used:
        warm = run_load(HOST, port, paths, am, clients=CLIENTS, duration_s=size["load_s"],
                        max_requests=size["max_requests"], seed=1)
    rows += _load_rows("service.shortlist", label, warm, P95_TARGET_S,
                       f", {len(paths)} warmed vacancies"
                       + _cpu_text(used, warm.seconds, warm.count))

    # --------------------------------------------------------------- during a run
    worker = svc.start("worker", "worker", "--poll", "0.5")
    result_box: dict[str, LoadResult] = {}
    stop = threading.Event()

    def background() -> None:
        result_box["load"] = run_load(HOST, port, paths, am, clients=CLIENTS,
                                      duration_s=size["run_cap_s"],
                                      max_requests=size["run_max_requests"], stop=stop, seed=2)

    status, created = request_json(HOST, port, "POST", "/api/v1/runs", co,
                                   body={"kind": "assign", "params": {}})
    if status != 200:
        raise RuntimeError(f"POST /api/v1/runs answered {status}: {str(created)[:300]}")
    run_id = int(created["id"])
    loader = threading.Thread(target=background, name="load-during-run", daemon=True)
    loader.start()
    running_from = running_to = None
    final: dict[str, Any] = {}
    stages: list[str] = []
    stage_starts: list[float] = []
    deadline = time.monotonic() + size["run_cap_s"]
    cpu_box: dict[str, float] = {}
    meter: Any = None
    try:
        while time.monotonic() < deadline:
            seen = time.monotonic()
            status, body = request_json(HOST, port, "GET", f"/api/v1/runs/{run_id}", co)
            if status == 200:
                final = body
                if body["status"] == "running":
                    if meter is None:
                        meter = _cpu(server=server, worker=worker)
                        cpu_box = meter.__enter__()
                    running_from = running_from or seen
                    running_to = time.monotonic()
                    if not stages or stages[-1] != body.get("stage"):
                        stages.append(str(body.get("stage")))
                        stage_starts.append(seen)
                elif body["status"] in DONE:
                    break
            if not worker.alive():
                break
            time.sleep(0.5)
    finally:
        if meter is not None:
            meter.__exit__(None, None, None)
        stop.set()
        loader.join(timeout=120)
    if final.get("status") == "running":  # over the cap: ask it to stop
        request_json(HOST, port, "POST", f"/api/v1/runs/{run_id}/cancel", co)
        final = _wait_status(port, co, run_id, DONE, 120) or final
    load = result_box.get("load")
    if load is None or running_from is None:
        raise RuntimeError(f"run {run_id} never seen running (status {final.get('status')}, "
                           f"error {final.get('error')}); worker: {worker.tail()}")
    during = load.window(running_from, running_to)
    rows += _load_rows("service.shortlist_during_run", label, during, P95_RUN_TARGET_S,
                       f" while run {run_id} was running ({running_to - running_from:.0f} s "
                       f"seen; p95 by stage: {_by_stage(load, stages, stage_starts, running_to)})"
                       + _cpu_text(cpu_box, running_to - running_from, during.count))
    duration = _run_seconds(final)
    rows.append(row("service.assign_run", label, duration, "s",
                    note=f"assignment of the whole world in a sroi-match worker, status "
                         f"{final.get('status')}"
                         + (f" ({final.get('error')})" if final.get("error") else "")
                         + (f"; {_summary_text(final.get('result'))}" if final.get("result")
                            else "")))
    worker.stop()
    rows.append(_server_note(server, label))
    return rows


def _by_stage(load: LoadResult, stages: list[str], starts: list[float], end: float) -> str:
    """``stage p95 (requests)`` for each stage the run was seen in (polled every 0.5 s)."""
    parts = []
    for i, stage in enumerate(stages):
        part = load.window(starts[i], starts[i + 1] if i + 1 < len(starts) else end)
        if part.count:
            parts.append(f"{stage} {part.quantile(0.95):.2f} s ({part.count})")
        else:
            parts.append(f"{stage} -")
    return ", ".join(parts)


def _run_seconds(status: dict[str, Any]) -> float | None:
    from datetime import datetime

    try:
        started = datetime.fromisoformat(status["started_at"])
        finished = datetime.fromisoformat(status["finished_at"])
    except (KeyError, TypeError, ValueError):
        return None
    return (finished - started).total_seconds()


def _summary_text(summary: Any) -> str:
    if not isinstance(summary, dict):
        return ""
    keys = [k for k in summary if isinstance(summary[k], int | float)][:4]
    return ", ".join(f"{k} {summary[k]:g}" for k in keys)


def _server_note(server: Proc, label: str) -> dict[str, Any]:
    """What the server logged (waitress queue warnings, errors), as a context row."""
    try:
        text = server.log.read_text(errors="replace")
    except OSError:
        text = ""
    queue = text.count("Task queue depth")
    errors = text.count("Traceback")
    locked = text.count("database is locked")
    return row("service.server_log", label, float(errors), "tracebacks",
               note=f"waitress 'task queue depth' warnings {queue}; 'database is locked' "
                    f"{locked}")


# ----------------------------------------------------------------------------- run


def run(quick: bool = False) -> list[dict[str, Any]]:
    size = SIZES["quick" if quick else "full"]
    rows: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="sroi-bench-service-"))
    services: list[Service] = []
    try:
        data = tmp / "world"
        counts, open_ids = _write_world(data, size)
        models = tmp / "models"
        models.mkdir()
        backends: list[tuple[str, Any]] = [
            ("sqlite", contextlib.nullcontext(f"sqlite:///{tmp / 'sqlite' / 'db.sqlite3'}"))]
        admin = _pg_admin_url()
        if admin:
            backends.append(("postgresql", _postgres_database(admin)))
        else:
            rows.append(row("service.import", _size_label("postgresql", size), None, "s",
                            note="skipped: no PostgreSQL server answers (SROI_MATCH_BENCH_PG "
                                 "or postgresql:///test)"))
        trained = False
        for backend, database in backends:
            label = _size_label(backend, size)
            with database as url:
                home = tmp / backend
                home.mkdir(exist_ok=True)
                svc = Service(url, home, models)
                services.append(svc)
                try:
                    rows += _import_rows(svc, data, label, counts)
                    if not trained:
                        seconds = _train(svc, data)
                        trained = True
                        rows.append(row("service.train", _size_label("files", size), seconds,
                                        "s", note="sroi-match train --promote on the world's "
                                                  "placement history (once, shared)"))
                    try:
                        rows += _api_rows(svc, label, open_ids, size)
                    except Exception as exc:  # the other backend still runs
                        rows.append(row("service.api", label, None, "", ok=False,
                                        note=f"ERROR {type(exc).__name__}: {exc}"[:300]))
                finally:
                    svc.stop_all()
    finally:
        for svc in services:
            svc.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


if __name__ == "__main__":  # python -m benchmarks.bench_service [--quick]
    for r in run("--quick" in sys.argv):
        print(json.dumps(r, default=str))

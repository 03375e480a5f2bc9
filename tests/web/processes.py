"""Helpers for service tests with real processes: a throwaway database, ``sroi-match``
subprocesses (worker, serve), direct reads of the runs table, waiting.

The database is a SQLite file in the test's folder, or — when ``SROI_MATCH_DATABASE_URL``
names PostgreSQL — a fresh ``sroi_t_<random>`` database on that server, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

PASSWORD = "correct-horse-battery-9"


def _postgres_base() -> str | None:
    url = os.environ.get("SROI_MATCH_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(name="service_db")
def service_db_fixture(tmp_path) -> Iterator[str]:
    """``service_db``: the URL of an empty database for one test (SQLite file, or a fresh PostgreSQL one)."""
    base = _postgres_base()
    if base is None:
        yield f"sqlite:///{tmp_path / 'service.sqlite3'}"
        return
    import psycopg

    name = f"sroi_t_{secrets.token_hex(6)}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        parts = urlsplit(base)
        query_text = f"?{parts.query}" if parts.query else ""
        yield f"{parts.scheme}://{parts.netloc}/{name}{query_text}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (``?`` placeholders) read straight from the service's database."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url[len("sqlite:///"):], timeout=30) as conn:
            return conn.execute(sql, params).fetchall()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql.replace("?", "%s"), params).fetchall()


def run_row(url: str, run_id: int) -> dict[str, Any]:
    """One row of the runs table as a dict (status, stage, error, heartbeat_at, …)."""
    cols = ("status", "stage", "progress", "error", "worker", "started_at", "heartbeat_at",
            "finished_at")
    rows = query(url, f"SELECT {', '.join(cols)} FROM sroi_run WHERE id = ?", (run_id,))
    return dict(zip(cols, rows[0], strict=True)) if rows else {}


def wait_for(predicate: Callable[[], Any], timeout: float, what: str | Callable[[], str],
             every: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` s
    (``what``, or what it returns then, says what was waited for)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for "
                        f"{what() if callable(what) else what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    """``sroi-match`` commands against one database, with one environment."""

    url: str
    home: Path
    models: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    started: list[Proc] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SROI_MATCH_")}
        env.update({"SROI_MATCH_DATABASE_URL": self.url, "SROI_MATCH_HOME": str(self.home),
                    "SROI_MATCH_MODELS": str(self.models),
                    "SROI_MATCH_SECRET_KEY": "process-tests-" + "k" * 40,
                    "PYTHONUNBUFFERED": "1", **self.extra_env})
        return env

    def cli(self, *args: str, input: str | None = None, timeout: float = 120) -> str:
        """Run ``sroi-match ARGS`` to its end; its stdout (fails the test on exit code ≠ 0)."""
        done = subprocess.run([sys.executable, "-m", "matching.cli", *args], env=self.env,
                              input=input, capture_output=True, text=True, timeout=timeout,
                              cwd=self.home)
        if done.returncode != 0:
            pytest.fail(f"sroi-match {' '.join(args)} exited {done.returncode}:\n"
                        f"{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str, timeout: float = 120) -> Any:
        """Run ``code`` in a fresh Python with Django set up; the JSON it prints last."""
        prologue = "import json\nfrom matching.web import setup\nsetup()\n"
        done = subprocess.run([sys.executable, "-c", prologue + code], env=self.env,
                              capture_output=True, text=True, timeout=timeout, cwd=self.home)
        if done.returncode != 0:
            pytest.fail(f"python -c exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self, *args: str, name: str) -> Proc:
        """Start ``sroi-match ARGS`` in the background (output in the home folder)."""
        log = self.home / f"{name}-{len(self.started)}.log"
        handle = log.open("w")
        popen = subprocess.Popen([sys.executable, "-m", "matching.cli", *args], env=self.env,
                                 stdout=handle, stderr=subprocess.STDOUT, cwd=self.home)
        handle.close()
        proc = Proc(popen, log)
        self.started.append(proc)
        return proc

    def prepare(self, sample: Path, users: dict[str, str]) -> None:
        """Migrate, import ``sample`` and add ``users`` ({name: role})."""
        self.cli("migrate")
        self.cli("import", "--data", str(sample))
        for name, role in users.items():
            self.cli("users", "add", name, "--role", role, input=PASSWORD + "\n")

    def token(self, name: str) -> str:
        return self.cli("users", "token", name).strip()

    def stop_all(self) -> None:
        for proc in self.started:
            proc.kill()


@dataclass
class Proc:
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def signal(self, sig: int) -> None:
        if self.popen.poll() is None:
            os.kill(self.popen.pid, sig)

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then wait for the exit; its exit code."""
        self.signal(signal.SIGTERM)
        return self.popen.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL (when still running) and reap."""
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=30)


@pytest.fixture(name="service")
def service_fixture(service_db, tmp_path, registry_dir) -> Iterator[Service]:
    """``service``: a :class:`Service` on a fresh database with its own copy of the session registry."""
    import shutil

    home = tmp_path / "home"
    home.mkdir()
    models = tmp_path / "models"
    shutil.copytree(registry_dir, models)
    svc = Service(service_db, home, models)
    try:
        yield svc
    finally:
        svc.stop_all()


class Http:
    """A minimal JSON client of the service's API with a bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw, status, kind = (response.read(), response.status,
                                     response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            raw, status, kind = exc.read(), exc.code, exc.headers.get("Content-Type", "")
        return status, json.loads(raw) if "json" in kind and raw else raw

    def up(self) -> bool:
        try:
            return self.call("GET", "/me")[0] == 200
        except OSError:
            return False

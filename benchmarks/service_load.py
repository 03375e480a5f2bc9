"""A small, bounded HTTP load client for the service's API (loopback only).

:func:`run_load` starts ``clients`` threads, each with one keep-alive
:class:`http.client.HTTPConnection`, requesting paths drawn at random from ``paths`` until
``duration_s`` has passed, ``max_requests`` were sent in all, or ``stop`` is set. Every
request is recorded as a :class:`Sample` (start time, latency, status), so a caller can keep
only the requests of a time window (e.g. while a background run was ``running``) with
:meth:`LoadResult.window`. A status other than 200, a timeout or a broken connection counts
as an error (status 0 for the latter two) and the connection is opened again.

:func:`request_json` is a one-off JSON request with a bearer token (setup, polling).

Only loopback addresses are accepted: this is a benchmark of a server on this machine, not a
load generator for anything else.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LoadResult", "Sample", "percentile", "request_json", "run_load", "wait_until_up"]


@dataclass(frozen=True)
class Sample:
    """One request: when it started (``time.monotonic``), how long it took, its status."""

    start: float
    latency_s: float
    status: int

    @property
    def end(self) -> float:
        return self.start + self.latency_s


@dataclass
class LoadResult:
    """What one load produced: every sample, the wall-clock span and the client count."""

    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    clients: int = 0
    exceptions: Counter = field(default_factory=Counter)

    def window(self, start: float | None = None, end: float | None = None) -> LoadResult:
        """The samples that started at or after ``start`` and ended at or before ``end``."""
        lo = self.started if start is None else max(start, self.started)
        hi = self.finished if end is None else min(end, self.finished)
        kept = [s for s in self.samples if s.start >= lo and s.end <= hi]
        return LoadResult(kept, lo, hi, self.clients, self.exceptions)

    @property
    def seconds(self) -> float:
        return max(0.0, self.finished - self.started)

    @property
    def count(self) -> int:
        return len(self.samples)

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if s.status != 200)

    @property
    def statuses(self) -> dict[int, int]:
        return dict(sorted(Counter(s.status for s in self.samples).items()))

    @property
    def latencies(self) -> list[float]:
        return [s.latency_s for s in self.samples]

    @property
    def ok_latencies(self) -> list[float]:
        return [s.latency_s for s in self.samples if s.status == 200]

    @property
    def rate(self) -> float:
        """Requests per second over the span."""
        return self.count / self.seconds if self.seconds > 0 else float("nan")

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (0–1) of the latency of every request, errors included."""
        return percentile(self.latencies, q)

    def summary(self) -> dict[str, Any]:
        return {"requests": self.count, "errors": self.errors, "statuses": self.statuses,
                "seconds": round(self.seconds, 2), "rate": round(self.rate, 1),
                "median_s": self.quantile(0.5), "p95_s": self.quantile(0.95),
                "p99_s": self.quantile(0.99),
                "max_s": max(self.latencies) if self.samples else float("nan"),
                "exceptions": dict(self.exceptions)}


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) with linear interpolation; NaN for no values.

    Examples
    --------
    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5)
    2.5
    >>> percentile([5.0], 0.95)
    5.0
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * min(1.0, max(0.0, q))
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _check_loopback(host: str) -> None:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise ValueError(f"cannot resolve {host!r}") from exc
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback
                                for a in addresses):
        raise ValueError(f"{host!r} is not a loopback address: load only goes to this machine")


def request_json(host: str, port: int, method: str, path: str, token: str | None = None,
                 body: Any = None, timeout: float = 60.0) -> tuple[int, Any]:
    """``(status, decoded JSON or raw bytes)`` of one request on a fresh connection."""
    _check_loopback(host)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, (json.loads(raw) if raw and "json" in kind else raw)
    finally:
        conn.close()


def wait_until_up(host: str, port: int, path: str, token: str | None, timeout: float,
                  alive: Any = None) -> bool:
    """Poll ``path`` until it answers 200 (True) or ``timeout`` s pass or ``alive()`` is false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            return False
        try:
            if request_json(host, port, "GET", path, token, timeout=5)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def run_load(host: str, port: int, paths: Sequence[str], token: str, *, clients: int = 20,
             duration_s: float = 30.0, max_requests: int = 20_000,
             stop: threading.Event | None = None, timeout_s: float = 30.0,
             seed: int = 0) -> LoadResult:
    """``clients`` keep-alive clients requesting random ``paths`` (bounded in time and count).

    Blocks until the load ends; pass ``stop`` (and set it from another thread) to end it
    earlier. Responses are read whole (their bytes are counted, not parsed).
    """
    _check_loopback(host)
    if not paths:
        raise ValueError("no paths to request")
    if clients < 1 or duration_s <= 0 or max_requests < 1:
        raise ValueError("clients, duration_s and max_requests must be positive")
    stop = stop or threading.Event()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
               "Connection": "keep-alive"}
    result = LoadResult(clients=clients)
    lock = threading.Lock()
    budget = [max_requests]
    barrier = threading.Barrier(clients + 1)

    def take() -> bool:
        with lock:
            if budget[0] <= 0:
                return False
            budget[0] -= 1
            return True

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        conn: http.client.HTTPConnection | None = None
        mine: list[Sample] = []
        problems: Counter = Counter()
        barrier.wait()
        deadline = result.started + duration_s
        try:
            while not stop.is_set() and time.monotonic() < deadline and take():
                path = rng.choice(paths)
                if conn is None:
                    conn = http.client.HTTPConnection(host, port, timeout=timeout_s)
                begin = time.monotonic()
                status = 0
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as exc:
                    problems[type(exc).__name__] += 1
                    conn.close()
                    conn = None
                mine.append(Sample(begin, time.monotonic() - begin, status))
        finally:
            if conn is not None:
                conn.close()
            with lock:
                result.samples.extend(mine)
                result.exceptions.update(problems)

    threads = [threading.Thread(target=client, args=(i,), name=f"load-{i}", daemon=True)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    result.started = time.monotonic()
    barrier.wait()
    for thread in threads:
        thread.join(timeout=duration_s + timeout_s + 30)
    result.finished = time.monotonic()
    result.samples.sort(key=lambda s: s.start)
    return result

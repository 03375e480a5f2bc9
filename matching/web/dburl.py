"""Database URLs (``sqlite:///path``, ``postgresql://user:pw@host:port/name``) to Django settings.

A dozen lines, so no dependency for it. SQLite runs in WAL mode with IMMEDIATE transactions
(writers queue instead of failing half-way, and the audit chain is appended one writer at a
time); PostgreSQL through psycopg 3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from matching.core.errors import DataError

__all__ = ["DatabaseUrlError", "database_settings", "default_url", "describe"]


class DatabaseUrlError(DataError, ValueError):
    """A database URL this service cannot use."""


def default_url(home: str | Path) -> str:
    """The embedded default: ``sqlite:///<home>/sroi-match.sqlite3``."""
    return f"sqlite:///{(Path(home) / 'sroi-match.sqlite3').absolute()}"


def database_settings(url: str) -> dict[str, Any]:
    """The ``DATABASES['default']`` entry for ``url``.

    >>> database_settings("sqlite:////tmp/x.sqlite3")["NAME"]
    '/tmp/x.sqlite3'
    >>> database_settings("postgresql://alice@db.example:5433/sroi")["PORT"]
    5433
    >>> database_settings("mysql://x/y")
    Traceback (most recent call last):
    ...
    matching.web.dburl.DatabaseUrlError: unsupported database URL scheme 'mysql' (use sqlite:///PATH or postgresql://USER@HOST/NAME)
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        text = url.strip()
        # sqlite:///relative.sqlite3, sqlite:////absolute/path.sqlite3
        name = unquote(text[len("sqlite:///"):] if text.startswith("sqlite:///")
                       else parts.netloc + parts.path)
        if not name:
            raise DatabaseUrlError("sqlite URL without a file path (use sqlite:///PATH)")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                "PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": None},
            "CONN_MAX_AGE": 60,  # each server thread keeps its connection (and its pragmas)
        }
    if scheme in {"postgres", "postgresql", "postgresql+psycopg"}:
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise DatabaseUrlError("postgresql URL without a database name "
                                   "(use postgresql://USER@HOST/NAME)")
        options: dict[str, Any] = {}
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or query.get("host", "")),
            "PORT": parts.port or "",
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise DatabaseUrlError(f"unsupported database URL scheme {scheme!r} "
                           "(use sqlite:///PATH or postgresql://USER@HOST/NAME)")


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url

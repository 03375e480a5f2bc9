"""The shared service: Django models, the role rules, the audit log, the worker and the API.

It sits at the interface level beside the command line (docs/architecture.md): it calls the
workflows and nothing below it imports Django. :func:`setup` configures Django for a
database URL, for the command line and the worker.
"""

from __future__ import annotations

import os

__all__ = ["setup"]


def setup(database_url: str | None = None, *, settings_module: str | None = None) -> str:
    """Configure Django for ``database_url`` (else ``SROI_MATCH_DATABASE_URL`` or the default
    SQLite file) and return the URL in use. Call once per process, before any model import."""
    import django
    from django.conf import settings

    if database_url:
        os.environ["SROI_MATCH_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module or "matching.web.settings")
    if not settings.configured or not getattr(django, "_sroi_ready", False):
        django.setup()
        django._sroi_ready = True  # type: ignore[attr-defined]
    return str(settings.DATABASE_URL)

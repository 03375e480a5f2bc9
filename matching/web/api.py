"""HTTP API under /api/v1/ (django-ninja); the schema is at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="sroi-match", version="1", openapi_url="/openapi.json", docs_url=None)

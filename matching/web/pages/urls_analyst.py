"""URLs of the analyst pages."""

from __future__ import annotations

urlpatterns: list = []

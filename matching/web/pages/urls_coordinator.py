"""URLs of the coordinator pages."""

from __future__ import annotations

urlpatterns: list = []

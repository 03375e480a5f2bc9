"""URLs of the admin pages."""

from __future__ import annotations

urlpatterns: list = []

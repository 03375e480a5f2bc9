"""URLs of the account manager pages."""

from __future__ import annotations

urlpatterns: list = []

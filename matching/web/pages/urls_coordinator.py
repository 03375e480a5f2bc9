"""URLs of the coordinator pages."""

from __future__ import annotations

from django.urls import path

from matching.web.pages import coordinator

urlpatterns: list = [
    path("runs/", coordinator.runs, name="runs"),
    path("runs/<int:run_id>/", coordinator.run, name="run"),
    path("runs/<int:run_id>/voortgang/", coordinator.run_progress, name="run_progress"),
    path("runs/<int:run_id>/annuleren/", coordinator.run_cancel, name="run_cancel"),
    path("runs/<int:run_id>/goedkeuren/", coordinator.run_approve, name="run_approve"),
    path("runs/<int:run_id>/bestanden/<path:name>", coordinator.run_file, name="run_file"),
]

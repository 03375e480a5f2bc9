"""URLs of the admin pages."""

from __future__ import annotations

from django.urls import path

from matching.web.pages import admin

urlpatterns: list = [
    path("beheer/gebruikers/", admin.users, name="users"),
    path("import/", admin.imports, name="imports"),
    path("beheer/audit/", admin.audit_log, name="audit"),
    path("beheer/audit.csv", admin.audit_csv, name="audit_csv"),
]

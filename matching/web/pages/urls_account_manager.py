"""URLs of the account manager pages."""

from __future__ import annotations

from django.urls import path

from matching.web.pages import account_manager

urlpatterns: list = [
    path("vacatures/", account_manager.vacancies, name="vacancies"),
    path("vacatures/<str:vacancy_id>/", account_manager.vacancy, name="vacancy"),
    path("kandidaten/<str:candidate_id>/", account_manager.candidate, name="candidate"),
    path("voorstellen/<int:proposal_id>/besluit/", account_manager.decide, name="decide"),
]

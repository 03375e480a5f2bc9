"""URLs of the analyst pages."""

from __future__ import annotations

from django.urls import path

from matching.web.pages import analyst

urlpatterns: list = [
    path("modellen/", analyst.models, name="models"),
    path("modellen/trainen/", analyst.model_train, name="model_train"),
    path("modellen/<str:version>/", analyst.model, name="model"),
    path("modellen/<str:version>/<str:name>", analyst.model_asset, name="model_asset"),
]

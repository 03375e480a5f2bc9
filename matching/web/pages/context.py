"""What every page's layout needs: the menu of the user's role and the language."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from matching.texts.pages import page_text
from matching.web.permissions import Action, allowed

MENU = (  # (url name, text key, action that shows it)
    ("start", "nav_start", None),
    ("vacancies", "nav_vacancies", Action.VIEW_VACANCIES),
    ("runs", "nav_runs", Action.START_ASSIGN),
    ("models", "nav_models", Action.VIEW_MODELS),
    ("users", "nav_users", Action.MANAGE_USERS),
    ("imports", "nav_imports", Action.IMPORT),
    ("audit", "nav_audit", Action.READ_AUDIT),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "lang": getattr(request, "LANGUAGE_CODE", "nl")}
    lang = getattr(request, "LANGUAGE_CODE", "nl")
    menu = []
    for name, key, action in MENU:
        if action is not None and not allowed(user, action):
            continue
        try:
            menu.append((reverse(name), key, request.path == reverse(name)))
        except NoReverseMatch:  # a page not installed in this URL configuration
            continue
    return {"menu": menu,
            "lang": lang,
            "role_text": page_text(f"role_{user.role}", lang) if user.role else ""}

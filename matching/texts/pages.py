"""Texts of the web pages, in Dutch (default) and English: one catalogue, like :mod:`.i18n`.

Templates read them with ``{% t "key" %}`` (``matching.web.templatetags.sroi``); a key missing
in either language is a bug that ``tests/test_i18n.py`` catches.
"""

from __future__ import annotations

from typing import Any

PAGE_TEXTS: dict[str, dict[str, str]] = {
    "app_name": {"nl": "sroi-match", "en": "sroi-match"},
    "app_tagline": {"nl": "Social Return: kandidaten en vacatures in de hele regio", "en": "Social Return: candidates and vacancies across the region"},
    "skip_to_content": {"nl": "Naar de inhoud", "en": "Skip to content"},
    "nav_label": {"nl": "Hoofdmenu", "en": "Main menu"},
    "nav_start": {"nl": "Start", "en": "Start"},
    "nav_vacancies": {"nl": "Vacatures", "en": "Vacancies"},
    "nav_runs": {"nl": "Regionale verdeling", "en": "Regional assignment"},
    "nav_models": {"nl": "Modellen", "en": "Models"},
    "nav_users": {"nl": "Gebruikers", "en": "Users"},
    "nav_imports": {"nl": "Import", "en": "Import"},
    "nav_audit": {"nl": "Auditlog", "en": "Audit log"},
    "language": {"nl": "Taal", "en": "Language"},
    "switch_language": {"nl": "English", "en": "Nederlands"},
    "switch_language_label": {"nl": "Switch to English", "en": "Naar het Nederlands"},
    "signed_in_as": {"nl": "Ingelogd als {name} ({role})", "en": "Signed in as {name} ({role})"},
    "sign_out": {"nl": "Uitloggen", "en": "Sign out"},
    "sign_in": {"nl": "Inloggen", "en": "Sign in"},
    "username": {"nl": "Gebruikersnaam", "en": "User name"},
    "password": {"nl": "Wachtwoord", "en": "Password"},
    "login_failed": {"nl": "Gebruikersnaam of wachtwoord onjuist.", "en": "Wrong user name or password."},
    "login_locked": {"nl": "Te veel mislukte pogingen: inloggen is 15 minuten geblokkeerd.", "en": "Too many failed attempts: sign-in is locked for 15 minutes."},
    "role_account_manager": {"nl": "accountmanager", "en": "account manager"},
    "role_coordinator": {"nl": "coördinator", "en": "coordinator"},
    "role_analyst": {"nl": "analist", "en": "analyst"},
    "role_admin": {"nl": "beheerder", "en": "administrator"},
    "start_title": {"nl": "Wat er op u wacht", "en": "What is waiting for you"},
    "waiting_vacancies": {"nl": "Open vacatures zonder shortlist", "en": "Open vacancies without a shortlist"},
    "waiting_proposals": {"nl": "Voorstellen om te beslissen", "en": "Proposals to decide"},
    "waiting_run_proposals": {"nl": "Voorstellen uit regionale runs om goed te keuren", "en": "Proposals from regional runs to approve"},
    "waiting_runs": {"nl": "Afgeronde runs", "en": "Finished runs"},
    "waiting_models": {"nl": "Modelversies om te beoordelen", "en": "Model versions to review"},
    "waiting_imports": {"nl": "Laatste imports", "en": "Latest imports"},
    "waiting_users": {"nl": "Gebruikers", "en": "Users"},
    "none_waiting": {"nl": "Niets.", "en": "Nothing."},
    "forbidden_title": {"nl": "Geen toegang", "en": "Access denied"},
    "forbidden_text": {"nl": "Uw rol geeft geen toegang tot deze pagina. Dit is vastgelegd in het auditlog.", "en": "Your role does not give access to this page. This has been recorded in the audit log."},
    "not_found_title": {"nl": "Niet gevonden", "en": "Not found"},
    "error_title": {"nl": "Er ging iets mis", "en": "Something went wrong"},
    "tool_proposes": {"nl": "Het hulpmiddel doet voorstellen en legt ze uit; een mens beslist.", "en": "The tool proposes and explains; a person decides."},
}


from matching.texts import (  # noqa: E402  (each role's pages keep their own texts)
    pages_account_manager,
    pages_admin,
    pages_analyst,
    pages_coordinator,
)

for _module in (pages_account_manager, pages_coordinator, pages_analyst, pages_admin):
    _clash = set(_module.TEXTS) & set(PAGE_TEXTS)
    if _clash:
        raise RuntimeError(f"page text keys defined twice: {sorted(_clash)}")
    PAGE_TEXTS.update(_module.TEXTS)


def page_text(key: str, lang: str = "nl", **values: Any) -> str:
    """The text ``key`` in ``lang`` (``nl`` or ``en``), formatted with ``values``."""
    entry = PAGE_TEXTS[key]
    template = entry.get(lang) or entry["nl"]
    return template.format(**values) if values else template

"""Response headers the service adds itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY``: scripts, styles and fetches from our origin only.

    Django 5.2 has no CSP of its own and the policy is one header, so no django-csp.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        return response


LANGUAGE_COOKIE = "sroi_lang"


class LanguageMiddleware:
    """Dutch unless the user chose English (a cookie set by the language switch).

    The browser's Accept-Language is ignored on purpose: the service is Dutch by default and
    English on request, whatever language the workstation's browser happens to be in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        lang = request.COOKIES.get(LANGUAGE_COOKIE)
        lang = lang if lang in ("nl", "en") else "nl"
        translation.activate(lang)
        request.LANGUAGE_CODE = lang  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response

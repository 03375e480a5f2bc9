"""Template tags of the pages: texts in the request's language, numbers the Dutch way."""

from __future__ import annotations

from typing import Any

from django import template

from matching.texts.format import number, percent
from matching.texts.pages import page_text

register = template.Library()


def _lang(context: Any) -> str:
    request = context.get("request")
    return getattr(request, "LANGUAGE_CODE", "nl") if request is not None else "nl"


@register.simple_tag(takes_context=True)
def t(context: Any, key: str, **values: Any) -> str:
    """``{% t "key" name=value %}``: the page text in the request's language."""
    return page_text(key, _lang(context), **values)


@register.simple_tag(takes_context=True)
def num(context: Any, value: Any, decimals: int = 0) -> str:
    """A number formatted for the request's language (``1.234,5`` in Dutch)."""
    return number(value, _lang(context), decimals)


@register.simple_tag(takes_context=True)
def pct(context: Any, value: Any, decimals: int = 0) -> str:
    """A probability (0–1) as a percentage for the request's language."""
    return percent(value, _lang(context), decimals)

"""Page texts of the admin pages (Dutch and English); merged into :data:`matching.texts.pages.PAGE_TEXTS`."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
}

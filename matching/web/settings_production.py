"""Production settings: the service behind a TLS-terminating reverse proxy.

``manage.py check --deploy`` is clean for these (tested). The secret key must come from
``SROI_MATCH_SECRET_KEY`` (at least 50 characters); the proxy sets ``X-Forwarded-Proto``.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from matching.web.settings import *  # noqa: F403

SECRET_KEY = os.environ.get("SROI_MATCH_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("production settings need SROI_MATCH_SECRET_KEY in the "
                               "environment (at least 50 random characters)")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

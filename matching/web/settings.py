"""Django settings of the sroi-match service (local and embedded use).

Everything a deployment changes comes from the environment, read here at the interface and
nowhere below it:

``SROI_MATCH_HOME``
    Folder for the embedded database, the generated secret key and run outputs (default
    ``./var``).
``SROI_MATCH_DATABASE_URL``
    ``sqlite:///PATH`` (default ``sqlite:///$SROI_MATCH_HOME/sroi-match.sqlite3``) or
    ``postgresql://USER:PASSWORD@HOST:PORT/NAME``.
``SROI_MATCH_SECRET_KEY``
    Django's secret key; when unset, one is generated once into ``$SROI_MATCH_HOME/secret_key``
    (mode 0600). Production settings (:mod:`matching.web.settings_production`) require it.
``SROI_MATCH_MODELS``
    The model registry folder (default ``models``).
``SROI_MATCH_ALLOWED_HOSTS``
    Comma-separated host names (default ``127.0.0.1,localhost``).
``SROI_MATCH_EXPOSURE_CAP``
    Open shortlists one candidate may be on at once (default 5).
``SROI_MATCH_CONFIG``
    The engine's TOML settings file (``--config``), as for the command line.
``SROI_MATCH_TEST_DATABASE``
    Name of the database the tests create on PostgreSQL (default ``test_<name>``), so that
    two test runs on one server do not collide.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from matching.web.dburl import database_settings, default_url

HOME = Path(os.environ.get("SROI_MATCH_HOME", "var")).absolute()
DATABASE_URL = os.environ.get("SROI_MATCH_DATABASE_URL") or default_url(HOME)
MODELS_DIR = os.environ.get("SROI_MATCH_MODELS", "models")
RUNS_DIR = HOME / "runs"
ENGINE_CONFIG = os.environ.get("SROI_MATCH_CONFIG") or None
EXPOSURE_CAP = int(os.environ.get("SROI_MATCH_EXPOSURE_CAP", "5"))
WORKER_HEARTBEAT_S = float(os.environ.get("SROI_MATCH_HEARTBEAT_S", "5"))
WORKER_STALE_S = float(os.environ.get("SROI_MATCH_STALE_S", "120"))  # a busy machine or a
# long native call (solver, model) can hold the heartbeat thread off for tens of seconds


def _secret_key() -> str:
    key = os.environ.get("SROI_MATCH_SECRET_KEY")
    if key:
        return key
    file = HOME / "secret_key"
    if file.is_file():
        return file.read_text().strip()
    HOME.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in
                 os.environ.get("SROI_MATCH_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
                 .split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    "matching.web.apps.WebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "matching.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "matching.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_USER_MODEL = "sroi.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Login throttling (django-axes): 5 failures per user name and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("SROI_MATCH_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "matching.web.urls"
WSGI_APPLICATION = "matching.web.wsgi.application"
DATABASES = {"default": database_settings(DATABASE_URL)}
if os.environ.get("SROI_MATCH_TEST_DATABASE"):  # the test database's name (PostgreSQL)
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SROI_MATCH_TEST_DATABASE"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "matching.web.pages.context.navigation",
    ]},
}]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("SROI_MATCH_STATIC_ROOT") or None  # only for collectstatic
# Static files (our CSS, the vendored NL Design System CSS and htmx) are served by WhiteNoise
# straight from the package: no collectstatic step, no CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

# Cookies and headers: HttpOnly, SameSite=Lax, no framing, no sniffing. Over plain HTTP on
# loopback (the demo) cookies cannot be Secure; production settings make them so.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; "
                           "frame-ancestors 'none'")

DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# No personal attributes in logs: requests are not logged with their bodies, and the
# service's own logger only writes ids (docs/security.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR",
                                   "propagate": False}},
}
LOGOUT_REDIRECT_URL = "/accounts/login/"

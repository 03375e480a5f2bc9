"""Security basics: deploy checks, headers and cookies, sign-in auditing and throttling."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.test import Client, override_settings

from matching.web.models import AuditEntry
from tests.web.conftest import PASSWORD


def test_check_deploy_is_clean_for_the_production_settings(tmp_path):
    env = {**os.environ, "SROI_MATCH_HOME": str(tmp_path),
           "SROI_MATCH_SECRET_KEY": secrets.token_urlsafe(60)}
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level",
                           "WARNING", "--settings", "matching.web.settings_production"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_settings_need_the_secret_from_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SROI_MATCH_SECRET_KEY"}
    env["SROI_MATCH_HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "django", "check", "--settings",
                           "matching.web.settings_production"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0 and "SROI_MATCH_SECRET_KEY" in done.stderr


def test_responses_carry_the_content_security_policy_and_safe_headers(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.cookies["csrftoken"]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]


def test_sign_in_and_failed_sign_in_are_audited(users):
    client = Client()
    assert client.post("/accounts/login/", {"username": "am", "password": "wrong"}).status_code == 200
    failed = AuditEntry.objects.order_by("-seq").first()
    assert (failed.action, failed.actor, failed.outcome) == ("login_failed", "am", "failed")
    response = client.post("/accounts/login/", {"username": "am", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor, entry.role) == ("login", "am", "account_manager")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_sign_in(users):
    client = Client(REMOTE_ADDR="10.1.2.3")
    codes = [client.post("/accounts/login/", {"username": "analyst", "password": "nope"}).status_code
             for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
    locked = client.post("/accounts/login/", {"username": "analyst", "password": PASSWORD})
    assert locked.status_code == 429  # even the right password, while locked
    assert AuditEntry.objects.filter(action="login_failed", actor="analyst").count() >= 3

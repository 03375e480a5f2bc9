"""Sign-ins and sign-outs, successful or not, go into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from matching.web import audit


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("login", actor=user.username, role=getattr(user, "role", ""))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("logout", actor=user.username, role=getattr(user, "role", ""))


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                  **kwargs: Any) -> None:
    # the user name as typed (a wrong name may be a mistyped password: keep it short)
    name = str(credentials.get("username", ""))[:150]
    audit.record("login_failed", actor=name or "anonymous", role="none", outcome="failed")

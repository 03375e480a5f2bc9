"""Sign-in, the language switch, the per-role start page and the error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from matching.web.middleware import LANGUAGE_COOKIE
from matching.web.models import DataImport, Proposal, Role, Run, Shortlist, User


class LoginView(auth_views.LoginView):
    template_name = "pages/login.html"
    redirect_authenticated_user = True


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch between Dutch and English (a cookie; Dutch when absent)."""
    lang = request.POST.get("lang", "nl")
    lang = lang if lang in ("nl", "en") else "nl"
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.is_secure(), httponly=True)
    return response


def _waiting(user: User) -> list[dict[str, Any]]:
    """What is waiting for this person: counts and a few ids (never personal details)."""
    from matching.web import engine

    cards: list[dict[str, Any]] = []
    if user.role in (Role.ACCOUNT_MANAGER, Role.COORDINATOR):
        try:
            open_ids = set(engine.current().dataset.open_vacancies["vacancy_id"])
        except Exception:  # no data imported yet: nothing is waiting
            open_ids = set()
        listed = set(Shortlist.objects.filter(is_open=True).values_list("vacancy_id", flat=True))
        without = sorted(open_ids - listed)
        cards.append({"key": "waiting_vacancies", "count": len(without),
                      "items": [(f"/vacatures/{v}/", v) for v in without[:5]]})
    if user.role == Role.ACCOUNT_MANAGER:
        mine = Q(organisation__in=user.organisations)
        open_props = Proposal.objects.filter(mine, source=Proposal.Source.SHORTLIST,
                                             status=Proposal.Status.OPEN)
        vacancies = (open_props.values("vacancy_id").annotate(n=Count("id"))
                     .order_by("vacancy_id")[:5])
        cards.append({"key": "waiting_proposals", "count": open_props.count(),
                      "items": [(f"/vacatures/{v['vacancy_id']}/",
                                 f"{v['vacancy_id']} ({v['n']})") for v in vacancies]})
    if user.role == Role.COORDINATOR:
        pending = Proposal.objects.filter(source=Proposal.Source.RUN, status=Proposal.Status.OPEN)
        runs = pending.values("run_id").annotate(n=Count("id")).order_by("-run_id")[:5]
        cards.append({"key": "waiting_run_proposals", "count": pending.count(),
                      "items": [(f"/runs/{r['run_id']}/", f"run {r['run_id']} ({r['n']})")
                                for r in runs]})
    if user.role in (Role.COORDINATOR, Role.ANALYST):
        kind = Run.Kind.ASSIGN if user.role == Role.COORDINATOR else Run.Kind.TRAIN
        done = Run.objects.filter(kind=kind).exclude(status__in=[Run.Status.QUEUED,
                                                                  Run.Status.RUNNING])
        cards.append({"key": "waiting_runs", "count": done.count(),
                      "items": [(f"/runs/{r.pk}/", f"run {r.pk}: {r.status}")
                                for r in done.order_by("-pk")[:5]]})
    if user.role == Role.ANALYST:
        reg = engine.registry()
        active = reg.active()
        versions = reg.versions()
        newer = versions[versions.index(active) + 1:] if active in versions else versions
        cards.append({"key": "waiting_models", "count": len(newer),
                      "items": [(f"/modellen/{v}/", v) for v in newer[-5:]]})
    if user.role == Role.ADMIN:
        imports = DataImport.objects.order_by("-pk")[:5]
        cards.append({"key": "waiting_imports", "count": DataImport.objects.count(),
                      "items": [("/import/", f"{i.pk}: {i.status} ({i.created_at:%Y-%m-%d})")
                                for i in imports]})
        cards.append({"key": "waiting_users", "count": User.objects.count(), "items": []})
    return cards


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/start.html", {"cards": _waiting(request.user)})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "pages/error.html", {"title_key": "forbidden_title",
                                                "text_key": "forbidden_text"}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "pages/error.html", {"title_key": "not_found_title"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/error.html", {"title_key": "error_title"}, status=500)

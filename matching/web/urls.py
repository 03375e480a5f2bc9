from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path, re_path

from matching.web.api import api
from matching.web.pages import common


def _api_not_found(request, rest=""):
    return JsonResponse({"detail": "no such API endpoint", "errors": None, "problems": None},
                        status=404)


urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", _api_not_found),
    path("accounts/login/", common.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("taal/", common.language, name="language"),
    path("", common.start, name="start"),
    path("", include("matching.web.pages.urls_account_manager")),
    path("", include("matching.web.pages.urls_coordinator")),
    path("", include("matching.web.pages.urls_analyst")),
    path("", include("matching.web.pages.urls_admin")),
]

handler403 = "matching.web.pages.common.forbidden"
handler404 = "matching.web.pages.common.not_found"
handler500 = "matching.web.pages.common.server_error"

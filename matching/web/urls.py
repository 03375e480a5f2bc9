from django.contrib.auth import views as auth_views
from django.urls import include, path

from matching.web.api import api
from matching.web.pages import common

urlpatterns = [
    path("api/v1/", api.urls),
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

"""URL map: the web shell, each app's pages, the REST API and its OpenAPI description."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .api_urls import urlpatterns as api_patterns

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("yunying/favicon.svg"), permanent=True)),
    path("", include("yunying.core.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("yunying.tenancy.urls")),
    path("accounts/", include("yunying.accounts.urls")),
    path("contracts/", include("yunying.contracts.urls")),
    path("content/", include("yunying.editorial.urls")),
    path("compliance/", include("yunying.compliance.urls")),
    path("metrics/", include("yunying.metrics.urls")),
    path("reports/", include("yunying.reports.urls")),
    path("audit/", include("yunying.audit.urls")),
    path("workdays/", include("yunying.workdays.urls")),
    path("notifications/", include("yunying.notify.urls")),
    path("notify/bots/", include("yunying.notify.bot_urls")),
    path("settlement/", include("yunying.settlement.urls")),
    path("api/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

"""The REST API router: every app lists its viewsets in ``api.ROUTES``."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

API_APPS = [
    "tenancy",
    "accounts",
    "audit",
    "workdays",
    "notify",
    "contracts",
    "settlement",
    "metrics",
    "editorial",
    "compliance",
]

router = DefaultRouter()
for app in API_APPS:
    for prefix, viewset, basename in import_module(f"yunying.{app}.api").ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls

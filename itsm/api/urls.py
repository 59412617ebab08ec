"""The /api/v1/ router. Record-type apps add their viewsets to ``router``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from itsm.api import auth, views

router = DefaultRouter()
router.register("teams", views.TeamViewSet, basename="team")
router.register("services", views.ServiceViewSet, basename="service")
router.register("configuration-items", views.ConfigurationItemViewSet, basename="configurationitem")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("priority-matrix", views.PriorityMatrixViewSet, basename="prioritymatrix")

urlpatterns = [
    path("auth/token/", auth.TokenIssueView.as_view(), name="token-issue"),
    path("auth/token/revoke/", auth.TokenRevokeView.as_view(), name="token-revoke"),
    path("auth/token/revoke-all/", auth.TokenRevokeAllView.as_view(), name="token-revoke-all"),
    path("", include(router.urls)),
    path("", include("incidents.api.urls")),
    path("", include("problems.api.urls")),
    path("", include("changes.api.urls")),
    path("", include("oncall.api.urls")),
    path("", include("alerts.api.urls")),
    path("", include("postmortems.api.urls")),
    path("", include("requests_app.api.urls")),
    path("", include("statuspage.api.urls")),
]

from django.urls import path
from rest_framework.routers import SimpleRouter

from alerts.api.views import AlertEventViewSet, AlertIngestView, IntegrationViewSet

router = SimpleRouter()
router.register("integrations", IntegrationViewSet, basename="integration")
router.register("alert-events", AlertEventViewSet, basename="alertevent")

urlpatterns = [
    path(
        "integrations/<slug:slug>/alerts/",
        AlertIngestView.as_view(),
        name="alert-ingest",
    ),
    *router.urls,
]

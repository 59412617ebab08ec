from django.urls import path
from rest_framework.routers import SimpleRouter

from statuspage.api import views

router = SimpleRouter()
router.register("status/components", views.ComponentViewSet, basename="statuscomponent")
router.register("status/incidents", views.StatusIncidentViewSet, basename="statusincident")
router.register("status/subscriptions", views.SubscriptionViewSet, basename="statussubscription")

urlpatterns = [
    path("status/summary/", views.SummaryView.as_view(), name="status-summary"),
    *router.urls,
]

from rest_framework.routers import SimpleRouter

from requests_app.api.views import CatalogItemViewSet, RequestTaskViewSet, ServiceRequestViewSet

router = SimpleRouter()
router.register("catalog/items", CatalogItemViewSet, basename="catalogitem")
router.register("requests", ServiceRequestViewSet, basename="servicerequest")
router.register("request-tasks", RequestTaskViewSet, basename="requesttask")

urlpatterns = router.urls

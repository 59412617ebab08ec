from rest_framework.routers import SimpleRouter

from problems.api.views import KnownErrorViewSet, ProblemViewSet

router = SimpleRouter()
router.register("problems", ProblemViewSet, basename="problem")
router.register("known-errors", KnownErrorViewSet, basename="knownerror")

urlpatterns = router.urls

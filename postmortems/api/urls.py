from rest_framework.routers import SimpleRouter

from postmortems.api.views import ActionItemViewSet, PostmortemViewSet

router = SimpleRouter()
router.register("postmortems", PostmortemViewSet, basename="postmortem")
router.register("postmortem-action-items", ActionItemViewSet, basename="postmortemactionitem")

urlpatterns = router.urls

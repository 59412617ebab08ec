from rest_framework.routers import SimpleRouter

from postmortems.api.views import PostmortemViewSet

router = SimpleRouter()
router.register("postmortems", PostmortemViewSet, basename="postmortem")

urlpatterns = router.urls

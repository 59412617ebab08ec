from rest_framework.routers import SimpleRouter

from oncall.api.views import OnCallNowViewSet, PageViewSet, ScheduleViewSet

router = SimpleRouter()
router.register("oncall/schedules", ScheduleViewSet, basename="oncallschedule")
router.register("oncall/now", OnCallNowViewSet, basename="oncallnow")
router.register("oncall/pages", PageViewSet, basename="oncallpage")

urlpatterns = router.urls

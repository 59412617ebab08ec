from rest_framework.routers import SimpleRouter

from changes.api.views import ApprovalInboxViewSet, ChangeViewSet, TemplateViewSet

router = SimpleRouter()
router.register("changes", ChangeViewSet, basename="change")
router.register("change-templates", TemplateViewSet, basename="changetemplate")
router.register("approvals", ApprovalInboxViewSet, basename="approval")

urlpatterns = router.urls

from django.urls import path

from changes import views
from itsm.portal.approvals import approval_decide, approvals_inbox

app_name = "changes"

urlpatterns = [
    path("approvals/", approvals_inbox, name="inbox"),
    path("calendar/", views.change_calendar, name="calendar"),
    path("cab-agenda/", views.cab_agenda, name="cab_agenda"),
    path("<int:pk>/decide/", approval_decide, {"kind": "changes.change"}, name="decide"),
    path("<int:pk>/review/", views.change_review, name="review"),
]

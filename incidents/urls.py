from django.urls import path

from incidents import views
from itsm.portal.records import record_urls

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_report, name="create"),
    path("new/suggestions/", views.report_suggestions, name="suggestions"),
    *record_urls(views.portal),
]

from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_report, name="create"),
    path("new/suggestions/", views.report_suggestions, name="suggestions"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/comment/", views.comment_add, name="comment"),
    path("<int:pk>/attach/", views.attachment_add, name="attach"),
    path("<int:pk>/watch/", views.incident_watch, name="watch"),
    path("<int:pk>/transition/<slug:name>/", views.incident_transition, name="transition"),
    path("attachments/<uuid:pk>/", views.attachment_download, name="attachment"),
]

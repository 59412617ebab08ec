from django.urls import path

from comms import views

app_name = "comms"

urlpatterns = [
    path("incidents/<int:incident_id>/live/", views.live, name="live"),
    path("incidents/<int:incident_id>/live/entries/", views.live_entries, name="live_entries"),
    path("incidents/<int:incident_id>/update/", views.send_update, name="send_update"),
]

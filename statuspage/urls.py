from django.urls import path

from statuspage import staff_views, views

app_name = "statuspage"

urlpatterns = [
    path("", views.page, name="page"),
    path("history/", views.history, name="history"),
    path("api/summary.json", views.summary_json, name="summary"),
    path("feed.atom", views.feed, name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("internal/", views.internal, name="internal"),
    path(
        "internal/incidents/<int:incident_id>/update/",
        staff_views.post_update,
        name="post_update",
    ),
]

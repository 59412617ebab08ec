from django.urls import path

from oncall import views

app_name = "oncall"

urlpatterns = [
    path("", views.board, name="list"),
    path("pages/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("ack/<str:token>/", views.acknowledge_link, name="acknowledge-link"),
    path(
        "ack/<str:token>/confirm/", views.acknowledge_link_confirm, name="acknowledge-link-confirm"
    ),
]

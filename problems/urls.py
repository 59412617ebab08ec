from django.urls import path

from problems import views

app_name = "problems"

urlpatterns = [
    path("", views.known_error_list, name="known_errors"),
    path("check/", views.known_error_check, name="check"),
    path("suggest/", views.known_error_suggest, name="suggest"),
    path("<int:pk>/", views.known_error_detail, name="known_error"),
    path("<int:pk>/solved/", views.known_error_solved, name="solved"),
    path("<int:pk>/report/", views.known_error_report, name="report"),
]

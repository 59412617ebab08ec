from django.urls import path

from changes import views

app_name = "changes"

urlpatterns = [
    path("approvals/", views.inbox, name="inbox"),
    path("<int:pk>/decide/", views.decide, name="decide"),
]

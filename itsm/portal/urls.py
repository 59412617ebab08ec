from django.urls import path

from itsm.portal import views

urlpatterns = [
    path("", views.home, name="home"),
]

from django.urls import path

from itsm.portal import feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("feeds/", feeds.feed_addresses, name="feeds"),
]

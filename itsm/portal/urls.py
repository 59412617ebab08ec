from django.urls import path

from itsm.portal import approvals, feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("feeds/", feeds.feed_addresses, name="feeds"),
    path("approvals/", approvals.approvals_inbox, name="approvals"),
]

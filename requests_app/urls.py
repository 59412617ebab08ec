from django.urls import path

from itsm.portal.approvals import approval_decide, approvals_inbox
from itsm.portal.records import record_urls
from requests_app import views

app_name = "requests_app"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/<int:pk>/", views.item, name="item"),
    path("approvals/", approvals_inbox, name="inbox"),
    *record_urls(views.portal),
    path(
        "<int:pk>/decide/", approval_decide, {"kind": "requests_app.servicerequest"}, name="decide"
    ),
]

from django.urls import path

from itsm.portal.approvals import approval_decide, approvals_inbox
from requests_app import views

app_name = "requests_app"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/<int:pk>/", views.item, name="item"),
    path("approvals/", approvals_inbox, name="inbox"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path(
        "<int:pk>/decide/", approval_decide, {"kind": "requests_app.servicerequest"}, name="decide"
    ),
    path("<int:pk>/comment/", views.comment_add, name="comment"),
    path("<int:pk>/attach/", views.attachment_add, name="attach"),
    path("<int:pk>/watch/", views.request_watch, name="watch"),
    path("<int:pk>/transition/<slug:name>/", views.request_transition, name="transition"),
    path("attachments/<uuid:pk>/", views.attachment_download, name="attachment"),
]

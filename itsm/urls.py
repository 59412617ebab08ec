from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from itsm.portal import feeds as portal_feeds
from itsm.portal import views as portal_views
from itsm.portal.password_reset import ThrottledPasswordResetView

admin.site.site_header = "IT Service Desk - staff console"
admin.site.site_title = "Service desk"
admin.site.index_title = "Work queues and configuration"


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home"), name="root"),
    path("health/", portal_views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("portal/", include(("itsm.portal.urls", "portal"))),
    path("portal/incidents/", include("incidents.urls")),
    path("portal/known-errors/", include("problems.urls")),
    path("portal/changes/", include("changes.urls")),
    path("status/", include("statuspage.urls")),
    path("portal/oncall/", include("oncall.urls")),
    path("portal/postmortems/", include("postmortems.urls")),
    path("portal/requests/", include("requests_app.urls")),
    path("portal/comms/", include("comms.urls")),
    path("admin/approvals/", include(("itsm.admin.inbox", "admin_approvals"))),
    path("admin/", admin.site.urls),
    path("api/v1/", include("itsm.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerView.as_view(
                url_name="api-schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
    path("feeds/<slug:kind>/<slug:secret>.ics", portal_feeds.feed, name="feed"),
]

handler400 = "itsm.portal.errors.bad_request"
handler403 = "itsm.portal.errors.permission_denied"
handler404 = "itsm.portal.errors.page_not_found"
handler500 = "itsm.portal.errors.server_error"

"""Staff console pages for people's line managers and their calendar-feed addresses."""

from django.contrib import admin

from itsm.admin.history import ReadOnlyHistoryMixin, ReadOnlyRecordAdmin
from itsm.models import FeedToken, Profile


@admin.register(Profile)
class ProfileAdmin(ReadOnlyHistoryMixin):
    list_display = ["user", "manager"]
    list_select_related = ["user", "manager"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "manager"]


@admin.register(FeedToken)
class FeedTokenAdmin(ReadOnlyRecordAdmin):
    list_display = ["user", "kind", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["user__username"]

"""List columns and filters every record changelist uses, from stored fields only."""

from datetime import timedelta

from django.contrib import admin

from itsm.models import Team


def short_duration(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m" if minutes else "<1m"


class QueueFilter(admin.SimpleListFilter):
    """The work queues: mine, my groups', and the open records nobody is assigned to.

    "Open" is the record admin's ``open_statuses``.
    """

    title = "queue"
    parameter_name = "queue"

    def __init__(self, request, params, model, model_admin):
        self.open_statuses = model_admin.open_statuses
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            ("mine", "Assigned to me"),
            ("my_groups", "My groups"),
            ("unassigned", "Unassigned (open)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assignee=request.user)
        if self.value() == "my_groups":
            # The ids, not a subquery: for the usual one group PostgreSQL then reads the
            # group's index in list order instead of sorting every record of the group.
            groups = Team.objects.filter(members=request.user).values_list("pk", flat=True)
            return queryset.filter(assignment_group__in=list(groups))
        if self.value() == "unassigned":
            return queryset.filter(assignee__isnull=True, status__in=self.open_statuses)
        return queryset

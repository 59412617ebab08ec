"""The incident triage console: what is particular to incidents on top of ``RecordAdmin``.

Transition buttons, bulk actions, comments, attachments and history come from
``itsm.admin.records.RecordAdmin`` and the transition table. Edits go through
``incident_update``, new incidents through ``incident_create``, and the priority
override through ``incident_override_priority``.
"""

from django.contrib import admin
from django.db.models import Prefetch
from django.template.loader import render_to_string

from alerts.incident_admin import alert_events_summary
from changes.incident_admin import OPERATIONS as CHANGE_OPERATIONS
from comms.incident_admin import OPERATIONS as COMMS_OPERATIONS
from comms.incident_admin import DeclareMajorMixin, communications_summary
from incidents import services
from incidents.admin_forms import (
    ADD_FIELDSETS,
    CHANGE_FIELDSETS,
    READONLY_FIELDS,
    IncidentAdminForm,
    PriorityOverrideForm,
)
from incidents.choices import OPEN_STATUSES
from incidents.models import (
    LIST_ORDER,
    Incident,
    IncidentAttachment,
    IncidentComment,
    SlaEvent,
    SlaPause,
)
from incidents.selectors import DETAIL_PREFETCHED, DETAIL_RELATED
from incidents.sla import INCIDENT_SLA
from itsm.admin.bulk import transition_action
from itsm.admin.columns import QueueFilter
from itsm.admin.contributions import AttachmentAdmin, CommentAdmin
from itsm.admin.records import RecordAdmin
from itsm.admin.sla import SlaEventAdmin, SlaFilter, SlaPauseAdmin
from itsm.admin.transitions import Operation
from itsm.models import Team
from itsm.roles import is_agent
from itsm.workflow import TransitionNotAllowed
from postmortems.incident_admin import OPERATIONS as POSTMORTEM_OPERATIONS
from postmortems.incident_admin import postmortem_summary
from problems.incident_admin import OPERATIONS as PROBLEM_OPERATIONS
from problems.incident_admin import (
    create_problem_from_incidents,
    link_to_problem,
    problem_summary,
)
from statuspage.incident_admin import OPERATIONS as STATUS_OPERATIONS

CHILDREN_SHOWN = 50


class MajorFilter(admin.BooleanFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "major incident"


def _assign_to_me(request) -> dict:
    team = (
        Team.objects.filter(members=request.user, is_active=True).order_by("tier", "name").first()
    )
    if team is None:
        raise TransitionNotAllowed(
            "no_team", "You are not a member of any assignment group.", status=400
        )
    return {"group": team, "assignee": request.user}


def _override_priority(request, record_id, params):
    return services.incident_override_priority(
        incident_id=record_id,
        actor=request.user,
        priority=params["priority"],
        reason=params["reason"],
        expected_version=params.get("expected_version"),
    )


@admin.register(Incident)
class IncidentAdmin(DeclareMajorMixin, RecordAdmin):
    form = IncidentAdminForm
    sla = INCIDENT_SLA
    detail_related = tuple(DETAIL_RELATED)
    detail_prefetched = (*DETAIL_PREFETCHED, "problem", "caused_by_change")
    open_statuses = frozenset(OPEN_STATUSES)
    ask_reason = frozenset({"escalate_to_manager"})
    extra_actions = (
        transition_action(
            "assign", "Assign to me", params=_assign_to_me, action_name="assign_to_me"
        ),
        link_to_problem,
        create_problem_from_incidents,
    )
    bulk_labels = {"assign": "Assign to a group"}
    extra_operations = {
        "override_priority": Operation(
            "Override priority",
            _override_priority,
            PriorityOverrideForm,
            available=lambda request, incident: incident.is_open and is_agent(request.user),
        ),
        **PROBLEM_OPERATIONS,
        **CHANGE_OPERATIONS,
        **STATUS_OPERATIONS,
        **POSTMORTEM_OPERATIONS,
        **COMMS_OPERATIONS,
    }

    list_display = [
        "number",
        "title",
        "priority_badge",
        "status",
        "group",
        "assignee",
        "sla_left",
        "age",
    ]
    list_display_links = ["number", "title"]
    list_select_related = ["assignment_group", "assignee"]
    list_columns = (
        "number",
        "title",
        "priority",
        "status",
        "resolution_due_at",
        "resolved_at",
        "created_at",
        "reported_at",
        "assignment_group__name",
        "assignee__username",
    )
    # Each has an index the sort can be read from (see Incident.Meta).
    sortable_by = ("number", "sla_left", "age")
    list_filter = [
        "status",
        "priority",
        QueueFilter,
        SlaFilter,
        "assignment_group",
        ("is_major", MajorFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["number", "title", "reporter__username", "reporter__email"]
    search_help_text = "Number, title, or the reporter's username or e-mail."
    ordering = list(LIST_ORDER)

    people_fields = ("affected_user",)
    autocomplete_fields = [
        "category",
        "subcategory",
        "service",
        "configuration_item",
        "parent",
        "duplicate_of",
    ]
    readonly_fields = READONLY_FIELDS

    def get_fieldsets(self, request, obj=None):
        return CHANGE_FIELDSETS if obj is not None else ADD_FIELDSETS

    def get_detail_queryset(self, request):
        # Only the children the user may see: a restricted child's title stays hidden.
        children = (
            self.get_queryset(request)
            .select_related(None)
            .only("pk", "number", "title", "status")
            .order_by("number")[:CHILDREN_SHOWN]
        )
        return (
            super()
            .get_detail_queryset(request)
            .prefetch_related(Prefetch("children", children, to_attr="visible_children"))
        )

    def transition_initial(self, obj, transition):
        if transition.name == "assign":
            return {"group": obj.assignment_group_id, "assignee": obj.assignee_id}
        return {}

    @admin.display(description="Child incidents")
    def children_list(self, obj):
        context = {"records": obj.visible_children, "opts": Incident._meta}
        return render_to_string("admin/itsm/linked_records.html", context)

    @admin.display(description="Problem")
    def problem_summary(self, obj):
        return problem_summary(obj)

    @admin.display(description="Postmortem")
    def postmortem_summary(self, obj):
        return postmortem_summary(obj)

    @admin.display(description="Alert events")
    def alert_events_summary(self, obj):
        return alert_events_summary(obj)

    @admin.display(description="Stakeholder communication")
    def communications_summary(self, obj):
        return communications_summary(obj)

    def create_via_service(self, request, form):
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in services.STAFF_EDITABLE
        }
        return services.incident_create(actor=request.user, **data)

    def update_via_service(self, request, obj, form):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.STAFF_EDITABLE
        }
        return services.incident_update(
            incident_id=obj.pk,
            actor=request.user,
            changes=changes,
            expected_version=form.cleaned_data["version"],
        )


admin.site.register(IncidentComment, CommentAdmin)
admin.site.register(IncidentAttachment, AttachmentAdmin)
admin.site.register(SlaPause, SlaPauseAdmin)
admin.site.register(SlaEvent, SlaEventAdmin)

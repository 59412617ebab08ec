"""The problem console: what is particular to problems on top of ``RecordAdmin``.

Transition buttons, bulk actions, comments, attachments and history come from
``itsm.admin.records.RecordAdmin`` and the transition table; edits go through
``problem_update`` and new problems through ``problem_create``. The page lists the
linked incidents (read-only, each linked to its page) and the workaround as employees
will read it.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Prefetch
from django.template.loader import render_to_string

from incidents.models import Incident
from itsm.admin.columns import QueueFilter
from itsm.admin.contributions import AttachmentAdmin, CommentAdmin
from itsm.admin.history import ReadOnlyRecordAdmin
from itsm.admin.records import RecordAdmin
from itsm.admin.refusals import RecordAdminForm
from itsm.admin.transitions import Operation, TransitionForm
from itsm.markup import render_markdown
from problems import selectors, services
from problems.choices import OPEN_STATUSES
from problems.models import LIST_ORDER, Deflection, Problem, ProblemAttachment, ProblemComment

LINKED_SHOWN = 50

ADD_FIELDSETS = [
    (None, {"fields": ["title", "description", "origin"]}),
    ("Classification", {"fields": ["category", "service", "configuration_items"]}),
    ("Priority", {"fields": [("impact", "urgency")]}),
    ("Assignment", {"fields": ["assignment_group", "assignee"]}),
]
CHANGE_FIELDSETS = [
    (None, {"fields": ["number", "status", "title", "description", "origin"]}),
    ("Classification", {"fields": ["category", "service", "configuration_items"]}),
    ("Priority", {"fields": [("impact", "urgency"), "priority"]}),
    ("Assignment", {"fields": ["assignment_group", "assignee", ("reported_by", "reported_at")]}),
    (
        "Root cause",
        {"fields": ["root_cause", "root_cause_category", "contributing_factors", "five_whys"]},
    ),
    (
        "Known error",
        {
            "fields": [
                "workaround",
                "workaround_preview",
                ("is_known_error", "known_error_at"),
                "workaround_published",
            ],
            "description": "Publish or withdraw the workaround with the buttons above.",
        },
    ),
    (
        "Resolution",
        {
            "fields": [
                "resolution_code",
                "fix_description",
                ("resolved_at", "resolved_by"),
                ("closed_at", "closed_by"),
                "reopen_count",
            ]
        },
    ),
    ("Linked incidents", {"fields": ["linked_incidents"]}),
    ("Record", {"fields": [("created_at", "updated_at"), "record_version"]}),
]
READONLY_FIELDS = [
    name for name in flatten_fieldsets(CHANGE_FIELDSETS) if name not in services.STAFF_EDITABLE
]


class ProblemAdminForm(RecordAdminForm):
    class Meta:
        model = Problem
        fields = sorted(services.STAFF_EDITABLE)

    def clean(self):
        cleaned = super().clean()
        # Browsers send CRLF; without this every save would look like an edit.
        for name in ("description", "root_cause", "workaround", "contributing_factors"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n")
        return cleaned


class LinkIncidentsForm(TransitionForm):
    incidents = forms.CharField(
        label="Incident numbers",
        help_text="INC numbers separated by spaces or commas.",
        max_length=2000,
    )

    def clean_incidents(self):
        numbers = self.cleaned_data["incidents"].replace(",", " ").upper().split()
        found = dict(Incident.objects.filter(number__in=numbers).values_list("number", "pk"))
        missing = sorted(set(numbers) - set(found))
        if missing:
            raise forms.ValidationError(f"No such incidents: {', '.join(missing)}.")
        return list(found.values())


def _link_incidents(request, record_id, params):
    return services.problem_link_incidents(
        problem_id=record_id, incident_ids=params["incidents"], actor=request.user
    )


@admin.register(Problem)
class ProblemAdmin(RecordAdmin):
    form = ProblemAdminForm
    detail_related = tuple(selectors.DETAIL_RELATED)
    open_statuses = frozenset(OPEN_STATUSES)
    extra_operations = {
        "link_incidents": Operation(
            "Link incidents",
            _link_incidents,
            LinkIncidentsForm,
            available=lambda request, problem: not problem.is_finished,
        ),
    }

    list_display = [
        "number",
        "title",
        "priority_badge",
        "status",
        "group",
        "assignee",
        "incident_count",
        "last_incident",
        "is_known_error",
        "age",
    ]
    list_display_links = ["number", "title"]
    list_select_related = ["assignment_group", "assignee"]
    sortable_by = ("number", "age")
    list_filter = [
        "status",
        "priority",
        QueueFilter,
        "is_known_error",
        "workaround_published",
        "root_cause_category",
        "assignment_group",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["number", "title"]
    search_help_text = "Number or title."
    ordering = list(LIST_ORDER)
    people_fields = ("assignee",)
    autocomplete_fields = ["category", "service", "assignment_group"]
    filter_horizontal = ["configuration_items"]
    readonly_fields = READONLY_FIELDS

    def get_queryset(self, request):
        return selectors.problem_list_with_incident_figures(user=request.user)

    def get_fieldsets(self, request, obj=None):
        return CHANGE_FIELDSETS if obj is not None else ADD_FIELDSETS

    @admin.display(description="Incidents")
    def incident_count(self, obj):
        return obj.incident_count

    @admin.display(description="Last incident")
    def last_incident(self, obj):
        return obj.last_incident_at.date() if obj.last_incident_at else "-"

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        return super().age(obj)

    @admin.display(description="Workaround as employees read it")
    def workaround_preview(self, obj):
        return render_markdown(obj.workaround) if obj.workaround else "-"

    def get_detail_queryset(self, request):
        # Only the incidents the user may see: a restricted incident's title stays hidden.
        linked = selectors.problem_incidents_visible_to(user=request.user)[:LINKED_SHOWN]
        return (
            super()
            .get_detail_queryset(request)
            .prefetch_related(Prefetch("incidents", linked, to_attr="visible_incidents"))
        )

    @admin.display(description="Linked incidents")
    def linked_incidents(self, obj):
        context = {"records": obj.visible_incidents, "opts": Incident._meta}
        return render_to_string("admin/itsm/linked_records.html", context)

    def create_via_service(self, request, form):
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in services.STAFF_EDITABLE
        }
        return services.problem_create(actor=request.user, **data)

    def update_via_service(self, request, obj, form):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.STAFF_EDITABLE
        }
        return services.problem_update(
            problem_id=obj.pk,
            actor=request.user,
            changes=changes,
            expected_version=form.cleaned_data["version"],
        )


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyRecordAdmin):
    list_display = ["problem", "user", "title", "service", "created_at"]
    list_select_related = ["problem", "user", "service"]
    ordering = ["-created_at", "-id"]
    search_fields = ["problem__number", "title"]

    def get_queryset(self, request):
        visible = selectors.problem_list_visible_to(user=request.user)
        return super().get_queryset(request).filter(problem__in=visible.values("pk"))


admin.site.register(ProblemComment, CommentAdmin)
admin.site.register(ProblemAttachment, AttachmentAdmin)

"""Forms behind the incident console: the page layout, the edit form, the priority override.

The transitions' input forms are built from the table (``itsm.admin.transitions``).
"""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets

from incidents.choices import Channel
from incidents.models import Incident
from incidents.services import STAFF_EDITABLE
from itsm.admin.refusals import RecordAdminForm
from itsm.admin.transitions import TransitionForm
from itsm.choices import Priority

# The incident page layout; anything not in STAFF_EDITABLE is shown read-only.
ADD_FIELDSETS = [
    (None, {"fields": ["title", "description"]}),
    ("Caller", {"fields": ["affected_user", "channel", "detected_at"]}),
    ("Classification", {"fields": ["category", "subcategory", "service", "configuration_item"]}),
    ("Priority", {"fields": [("impact", "urgency")]}),
    ("Related records", {"fields": ["parent", "duplicate_of"]}),
]

CHANGE_FIELDSETS = [
    (None, {"fields": ["number", "status", "title", "description"]}),
    ("Caller", {"fields": ["reporter", "affected_user", "channel", "reported_at", "detected_at"]}),
    ("Classification", {"fields": ["category", "subcategory", "service", "configuration_item"]}),
    (
        "Priority",
        {
            "fields": [
                ("impact", "urgency"),
                "priority",
                "priority_overridden",
                "priority_override_reason",
            ],
            "description": "Priority follows the impact x urgency matrix unless overridden "
            "with the Override priority button.",
        },
    ),
    (
        "Assignment",
        {"fields": ["assignment_group", "assignee", "tier", "reassignment_count", "hold_reason"]},
    ),
    (
        "Resolution",
        {
            "fields": [
                "resolution_code",
                "resolution_notes",
                ("resolved_at", "resolved_by"),
                "confirmed_at",
                ("closed_at", "closed_by"),
                "reopen_count",
            ]
        },
    ),
    (
        "Major incident",
        {"fields": ["is_major", "commander", "communications_lead", "communications_summary"]},
    ),
    (
        "Related records",
        {
            "fields": [
                "parent",
                "duplicate_of",
                "children_list",
                "problem_summary",
                "caused_by_change",
                "postmortem_summary",
                "alert_events_summary",
            ]
        },
    ),
    (
        "SLA",
        {
            "fields": [
                "sla_policy",
                "responded_at",
                ("response_due_at", "resolution_due_at"),
                "sla_next_check_at",
                "sla_explanation",
            ]
        },
    ),
    ("Record", {"fields": [("created_at", "updated_at"), "record_version"]}),
]

READONLY_FIELDS = [
    name for name in flatten_fieldsets(CHANGE_FIELDSETS) if name not in STAFF_EDITABLE
]


class IncidentAdminForm(RecordAdminForm):
    """The staff edit form (the version check comes from ``RecordAdminForm``)."""

    class Meta:
        model = Incident
        fields = sorted(STAFF_EDITABLE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            if "channel" in self.fields:
                self.fields["channel"].initial = Channel.PHONE
            if "affected_user" in self.fields:
                self.fields["affected_user"].required = False
                self.fields["affected_user"].help_text = "The caller; leave empty if it is you."

    def clean_description(self):
        # Browsers send CRLF; without this every save would look like a description edit.
        return self.cleaned_data["description"].replace("\r\n", "\n")


class PriorityOverrideForm(TransitionForm):
    priority = forms.TypedChoiceField(
        choices=[("", "Back to the impact x urgency matrix"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None and self.record.priority_overridden:
            self.fields["priority"].initial = self.record.priority

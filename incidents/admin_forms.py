"""Forms behind the incident console: the edit form and the input of each transition."""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model

from incidents.choices import Channel, HoldReason, ResolutionCode
from incidents.models import Incident, IncidentComment
from incidents.services import STAFF_EDITABLE
from itsm.admin_mixins import ServiceFormMixin, TransitionForm, person_label
from itsm.choices import Priority
from itsm.models import Team

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
    ("Major incident", {"fields": ["is_major", "commander", "communications_lead"]}),
    ("Related records", {"fields": ["parent", "duplicate_of", "children_list"]}),
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


class IncidentAdminForm(ServiceFormMixin, forms.ModelForm):
    """The staff edit form.

    ``version`` is the version the page was built from (a hidden input the change form
    template renders); a save from a stale page is refused by ``incident_update``.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Incident
        fields = sorted(STAFF_EDITABLE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields.pop("version", None)
            if "channel" in self.fields:
                self.fields["channel"].initial = Channel.PHONE
            if "affected_user" in self.fields:
                self.fields["affected_user"].required = False
                self.fields["affected_user"].help_text = "The caller; leave empty if it is you."
        elif "version" in self.fields:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def clean_description(self):
        # Browsers send CRLF; without this every save would look like a description edit.
        return self.cleaned_data["description"].replace("\r\n", "\n")

    def clean_parent(self):
        return self._keep_hidden_link("parent")

    def clean_duplicate_of(self):
        return self._keep_hidden_link("duplicate_of")

    def _keep_hidden_link(self, name):
        """A link to an incident the user may not see is not rendered, so it comes back
        empty: keep it rather than let an unrelated edit remove it."""
        value = self.cleaned_data.get(name)
        current = getattr(self.instance, f"{name}_id", None)
        if value is not None or not current:
            return value
        if self.fields[name].queryset.filter(pk=current).exists():
            return value
        return getattr(self.instance, name)


def _autocomplete(form, name, field_name, queryset, *, required, label, people=False):
    """A choice field with the admin's autocomplete widget when an admin is given."""
    model_admin = form.model_admin
    widget = None
    if model_admin is not None:
        db_field = Incident._meta.get_field(field_name)
        if people:
            widget = model_admin.people_widget(db_field)
        else:
            widget = AutocompleteSelect(db_field, model_admin.admin_site)
    form.fields[name] = forms.ModelChoiceField(
        queryset, required=required, label=label, widget=widget
    )
    if people:
        form.fields[name].label_from_instance = person_label


class AssignForm(TransitionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _autocomplete(
            self,
            "group",
            "assignment_group",
            Team.objects.filter(is_active=True),
            required=True,
            label="Assignment group",
        )
        _autocomplete(
            self,
            "assignee",
            "assignee",
            get_user_model().objects.filter(is_active=True),
            required=False,
            label="Assignee",
            people=True,
        )
        self.fields["assignee"].help_text = "Optional; must be a member of the group."
        if self.record is not None:
            self.fields["group"].initial = self.record.assignment_group_id
            self.fields["assignee"].initial = self.record.assignee_id


class HoldForm(TransitionForm):
    hold_reason = forms.ChoiceField(choices=HoldReason.choices, label="Why is it on hold?")


RESOLUTION_CHOICES = [
    (value, label)
    for value, label in ResolutionCode.choices
    if value != ResolutionCode.RESOLVED_BY_PARENT
]


class ResolveForm(TransitionForm):
    resolution_code = forms.ChoiceField(choices=RESOLUTION_CHOICES)
    resolution_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class DeclareMajorForm(TransitionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True)
        _autocomplete(
            self,
            "commander",
            "commander",
            people,
            required=False,
            label="Incident commander",
            people=True,
        )
        self.fields["commander"].help_text = "Leave empty to take command yourself."
        _autocomplete(
            self,
            "communications_lead",
            "communications_lead",
            people,
            required=False,
            label="Communications lead",
            people=True,
        )


class CommentForm(TransitionForm):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Text")
    visibility = forms.ChoiceField(
        choices=IncidentComment.Visibility.choices,
        initial=IncidentComment.Visibility.INTERNAL,
        widget=forms.RadioSelect,
        help_text="Public comments are shown to the reporter; work notes only to IT staff.",
    )


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

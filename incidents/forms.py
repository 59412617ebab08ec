"""Portal forms for incidents. They check the shape of the input; services do the writes."""

from django import forms

from incidents.choices import Status
from incidents.models import IncidentComment
from incidents.workflow import WORKFLOW
from itsm.attachments import validate_upload
from itsm.choices import Level, RecordKind
from itsm.forms import transition_form_class
from itsm.markup import MAX_LENGTH as MARKDOWN_MAX_LENGTH
from itsm.models import Category, Service, Team
from itsm.validators import validate_single_line

URGENCY_CHOICES = [
    (Level.HIGH, "It stops me working completely"),
    (Level.MEDIUM, "It slows me down"),
    (Level.LOW, "It is an inconvenience"),
]


class SubcategorySelect(forms.Select):
    """A select whose options name their category, so a script can filter them."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-category"] = str(instance.parent_id)
        return option


class AttachmentField(forms.FileField):
    """A file field that applies the project's size and type rules."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            validate_upload(upload)
        return upload


class IncidentReportForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        validators=[validate_single_line],
        help_text="A short summary, for example: Cannot print to the second-floor printer.",
    )
    description = forms.CharField(
        max_length=MARKDOWN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened, what you expected, and any error message you saw. "
        "You can use Markdown.",
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="I don't know"
    )
    subcategory = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        empty_label="I don't know",
        widget=SubcategorySelect,
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        required=False,
        label="Affected service",
        empty_label="I don't know",
    )
    urgency = forms.ChoiceField(
        choices=URGENCY_CHOICES,
        widget=forms.RadioSelect,
        initial=Level.MEDIUM,
        label="How much does it affect your work?",
    )
    attachment = AttachmentField(
        required=False,
        label="Attachment (optional)",
        help_text="A screenshot or log file helps. Up to one file.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With the groups they route to, which logging reads.
        incident_categories = Category.objects.filter(
            kind=RecordKind.INCIDENT, is_active=True
        ).select_related("default_group")
        self.fields["category"].queryset = incident_categories.filter(parent__isnull=True)
        self.fields["subcategory"].queryset = incident_categories.filter(
            parent__isnull=False
        ).select_related("parent__default_group")
        self.fields["service"].queryset = Service.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        category, subcategory = cleaned.get("category"), cleaned.get("subcategory")
        if subcategory and category and subcategory.parent_id != category.pk:
            self.add_error("subcategory", "This subcategory does not belong to the category.")
        elif subcategory and not category:
            cleaned["category"] = subcategory.parent
        return cleaned


class ReportDraftForm(forms.Form):
    """What the report form holds so far, as the page asks for suggestions while typing."""

    title = forms.CharField(min_length=3, max_length=200, validators=[validate_single_line])
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(is_active=True), required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=MARKDOWN_MAX_LENGTH,
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="You can use Markdown.",
    )
    # Employees get this as a hidden field fixed to "public"; a forged "internal" reaches
    # the service, which refuses it, so the rule lives in one place.
    visibility = forms.ChoiceField(
        choices=IncidentComment.Visibility.choices,
        initial=IncidentComment.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        label="Who can see it",
    )

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            self.fields["visibility"].widget = forms.HiddenInput()


class AttachForm(forms.Form):
    file = AttachmentField(label="Add a file")


class ListFilterForm(forms.Form):
    """The portal's list controls; the filtering itself is incidents.filtersets."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *Status.choices], required=False, label="Status"
    )
    search = forms.CharField(required=False, max_length=200, label="Number or title")


# --- Transition forms --------------------------------------------------------------------
# Built from the table (itsm.forms.transition_form_class): the fields, their types and
# which are required come from each transition's inputs. The portal keeps its own words
# for the people it talks to, and asks for the optional reason only where the table
# requires one. Each form carries the version the user saw, so a stale page cannot
# overwrite newer work; ``params()`` returns the keyword arguments for the service.

# Portal wording per input: label, help text and the empty choice.
WORDING = {
    "hold_reason": {"label": "Reason for the hold", "empty": "Choose a reason"},
    "resolution_code": {"label": "Resolution", "empty": "Choose a resolution"},
    "resolution_notes": {
        "label": "What was done",
        "help_text": "The reporter reads this. You can use Markdown.",
    },
    "reason": {"label": "Not fixed? Tell us what is still wrong", "help_text": ""},
}


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, name: str, **kwargs):
        kwargs.setdefault("auto_id", f"{name}-%s")
        super().__init__(*args, **kwargs)
        self.name = name
        if "reason" in self.fields and not self.fields["reason"].required:
            del self.fields["reason"]
        for field_name, words in WORDING.items():
            field = self.fields.get(field_name)
            if field is None:
                continue
            field.label = words["label"]
            field.help_text = words.get("help_text", field.help_text)
            if "empty" in words:
                field.choices = [("", words["empty"]), *list(field.choices)[1:]]
        if "reason" in self.fields:
            self.fields["reason"].widget = forms.Textarea(attrs={"rows": 3})
        if "group" in self.fields:
            self._offer_teams_and_their_members()

    def _offer_teams_and_their_members(self) -> None:
        """Assignees grouped by team, as primary keys (the transition checks them)."""
        teams = list(Team.objects.filter(is_active=True).prefetch_related("members"))
        self.fields["group"] = forms.TypedChoiceField(
            coerce=int,
            label="Assignment group",
            choices=[("", "Choose a group")] + [(t.pk, t.name) for t in teams],
        )
        self.fields["assignee"] = forms.TypedChoiceField(
            coerce=int,
            required=False,
            empty_value=None,
            label="Assignee",
            choices=[("", "Anyone in the group")]
            + [
                (t.name, [(u.pk, _person(u)) for u in t.members.all() if u.is_active])
                for t in teams
                if t.members.all()
            ],
        )

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


FORMS = {
    t.name: transition_form_class(t, base=TransitionForm) for t in WORKFLOW.offered_in("portal")
}


def transition_form(name: str, incident=None, data=None) -> TransitionForm:
    initial = {"version": incident.version} if incident is not None else None
    return FORMS[name](data, name=name, initial=initial)

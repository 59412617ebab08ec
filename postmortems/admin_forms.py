"""Input pages of the postmortem console's operations (timeline and action items)."""

from django import forms
from django.contrib.auth import get_user_model

from changes.models import Change
from itsm.admin.transitions import TransitionForm
from postmortems.choices import ActionStatus
from problems.models import Problem


def _number(model, value: str):
    value = (value or "").strip().upper()
    if not value:
        return None
    found = model.objects.filter(number=value).first()
    if found is None:
        raise forms.ValidationError(f"No {model._meta.verbose_name} {value}.")
    return found


class EntryForm(TransitionForm):
    at = forms.DateTimeField(label="When")
    text = forms.CharField(label="What happened", widget=forms.Textarea, max_length=2000)


class EntryEditForm(EntryForm):
    entry = forms.ModelChoiceField(label="Entry", queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = self.record.timeline.order_by("at", "id")
        self.order_fields(["entry", "at", "text"])


class ActionItemForm(TransitionForm):
    title = forms.CharField(max_length=200)
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
    )
    due_date = forms.DateField(required=False)
    problem = forms.CharField(label="Problem number", max_length=16, required=False)
    change = forms.CharField(label="Change number", max_length=16, required=False)

    def clean_problem(self):
        return _number(Problem, self.cleaned_data.get("problem"))

    def clean_change(self):
        return _number(Change, self.cleaned_data.get("change"))


class ProgressForm(TransitionForm):
    item = forms.ModelChoiceField(label="Action item", queryset=None)
    status = forms.ChoiceField(choices=ActionStatus.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = self.record.action_items.order_by("due_date", "id")

"""Portal forms for the known-error database. They check shape only."""

from django import forms

from itsm.selectors import service_list_visible_to
from itsm.validators import validate_single_line


class _ServiceMixin:
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = service_list_visible_to(user=user).order_by("name")


class KnownErrorSearchForm(_ServiceMixin, forms.Form):
    q = forms.CharField(
        label="Symptoms", required=False, max_length=200, help_text="A few words, e.g. VPN drops."
    )
    service = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Any service", label="Service"
    )


class IssueForm(_ServiceMixin, forms.Form):
    """What an employee is about to report; checked against the known errors first."""

    title = forms.CharField(
        label="What is not working?",
        max_length=200,
        validators=[validate_single_line],
        help_text="One line, e.g. “VPN drops every few minutes”.",
    )
    service = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="I don't know", label="Service"
    )
    description = forms.CharField(
        label="Details",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

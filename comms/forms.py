"""The stakeholder update form and the stakeholder list fields, shared by the portal page,
the admin operation and the declare-major page."""

from django import forms
from django.contrib.auth import get_user_model

from comms.choices import Channel
from comms.services.updates import BODY_MAX_LENGTH
from itsm.models import Team


class UpdateFields(forms.Form):
    body = forms.CharField(
        label="Update",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Sent to every stakeholder, including status-page subscribers outside the "
        "company: write it for them.",
    )
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        initial=list(Channel.values),
        widget=forms.CheckboxSelectMultiple,
        help_text="Chat goes to the webhooks of the stakeholder teams.",
    )


def stakeholder_fields() -> dict[str, forms.Field]:
    """People and teams to add to the stakeholder list (fresh fields for each form)."""
    return {
        "stakeholder_people": forms.ModelMultipleChoiceField(
            queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
            required=False,
            label="Stakeholders: people",
        ),
        "stakeholder_teams": forms.ModelMultipleChoiceField(
            queryset=Team.objects.filter(is_active=True).order_by("name"),
            required=False,
            label="Stakeholders: teams",
            help_text="Status-page subscribers of the affected components are added automatically.",
        ),
    }

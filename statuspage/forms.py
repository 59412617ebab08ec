"""Forms of the status page: the public subscription form and the staff update form."""

from django import forms
from django.conf import settings
from django.core.cache import cache

from itsm.admin.transitions import TransitionForm
from itsm.client_address import client_address
from statuspage.choices import Impact, UpdateState
from statuspage.models import Component
from statuspage.services import active_status_incident_for

WINDOW_SECONDS = 60 * 60


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254)
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.filter(is_public=True),
        widget=forms.CheckboxSelectMultiple,
    )


def _count(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def throttled(request, email: str) -> bool:
    """Whether this request passes the hourly limits per client address and per e-mail
    address (so one address cannot be flooded with confirmations from many places)."""
    limit = settings.STATUSPAGE_SUBSCRIBE_PER_HOUR
    by_client = _count(f"statuspage:subscribe:ip:{client_address(request)}")
    by_email = _count(f"statuspage:subscribe:email:{email.strip().lower()}")
    return by_client > limit or by_email > limit


class StatusPostForm(TransitionForm):
    """A public update on a major incident; the first one also names the status incident.

    ``record`` is the incident. Everything typed here is shown to customers.
    """

    title = forms.CharField(
        max_length=200, required=False, help_text="Public title (first update only)."
    )
    impact = forms.ChoiceField(choices=Impact.choices, initial=Impact.MAJOR_OUTAGE)
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.all(),
        required=False,
        help_text="First update only; defaults to the incident's service.",
    )
    state = forms.ChoiceField(choices=UpdateState.choices)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Written for customers: no names, no internal details.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status_incident = (
            active_status_incident_for(self.record.pk) if self.record is not None else None
        )
        if self.status_incident is not None:
            del self.fields["title"]
            del self.fields["components"]
            self.fields["impact"].initial = self.status_incident.impact
        else:
            self.fields["title"].required = True

    def params(self) -> dict:
        data = self.cleaned_data
        params = {"state": data["state"], "body": data["body"], "impact": data["impact"]}
        if self.status_incident is None:
            params |= {"title": data["title"], "components": list(data["components"]) or None}
        return params

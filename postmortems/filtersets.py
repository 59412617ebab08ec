"""Postmortem filters for the API list (each has an index: see ``Postmortem.Meta``)."""

import django_filters

from itsm.filtersets import StrictFilterSet
from postmortems.choices import Status
from postmortems.models import Postmortem


class PostmortemFilter(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="Repeat to match any of several statuses."
    )
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="The owner's user id.")

    class Meta:
        model = Postmortem
        fields = ["status", "owner"]

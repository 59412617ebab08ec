"""The incident demo records load through the loader the app registers, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from incidents.choices import Status
from incidents.demo import INCIDENTS, MAJOR_CHILDREN
from incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_demo_data_loads_the_incidents_once_in_their_states():
    call_command("demo_data", stdout=StringIO())
    first = Incident.objects.count()
    rows = Incident.history.count()

    call_command("demo_data", stdout=StringIO())

    assert first == len(INCIDENTS) + 1 + len(MAJOR_CHILDREN)
    assert Incident.objects.count() == first
    assert Incident.history.count() == rows
    assert set(Incident.objects.values_list("status", flat=True)) == set(Status.values)
    assert Incident.objects.get(is_major=True).children.count() == len(MAJOR_CHILDREN)

"""The incident demo records load through the loader the app registers, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from incidents.choices import Status
from incidents.demo import INCIDENTS, MAJOR, MAJOR_CHILDREN
from incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_demo_data_loads_the_incidents_once_in_their_states():
    call_command("demo_data", stdout=StringIO())
    # Other apps' demos log incidents too (alerts, a past major incident for a postmortem).
    titles = {row[0] for row in (*INCIDENTS, MAJOR, *MAJOR_CHILDREN)}
    first = Incident.objects.filter(title__in=titles).count()
    total, rows = Incident.objects.count(), Incident.history.count()

    call_command("demo_data", stdout=StringIO())

    assert first == len(INCIDENTS) + 1 + len(MAJOR_CHILDREN)
    assert Incident.objects.count() == total
    assert Incident.history.count() == rows
    assert set(Incident.objects.values_list("status", flat=True)) == set(Status.values)
    assert Incident.objects.get(title=MAJOR[0]).children.count() == len(MAJOR_CHILDREN)

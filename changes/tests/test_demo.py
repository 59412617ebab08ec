"""The change demo loads once, with every case the issue asks for."""

from io import StringIO

import pytest
from django.core.management import call_command

from changes.choices import VersionStatus
from changes.models import Change, FreezeWindow, StandardChangeTemplate
from changes.selectors import overdue_retrospectives

pytestmark = pytest.mark.django_db


def test_demo_data_loads_the_changes_once():
    call_command("demo_data", stdout=StringIO())
    first = Change.objects.count()
    rows = Change.history.count()

    call_command("demo_data", stdout=StringIO())

    assert Change.objects.count() == first
    assert Change.history.count() == rows
    assert {c.change_type for c in Change.objects.all()} == {"standard", "normal", "emergency"}
    assert StandardChangeTemplate.objects.count() == 2
    statuses = [v.status for t in StandardChangeTemplate.objects.all() for v in t.versions.all()]
    assert VersionStatus.AWAITING_APPROVAL in statuses
    assert FreezeWindow.objects.exists()
    assert Change.objects.exclude(conflicts=[]).exists()
    emergency = Change.objects.get(change_type="emergency")
    assert emergency.retrospective_due_at and not emergency.retrospective_approved_at
    failed = Change.objects.get(closure_code="failed")
    assert failed.caused_incidents.count() == 1
    assert overdue_retrospectives(now=emergency.retrospective_due_at).count() == 0

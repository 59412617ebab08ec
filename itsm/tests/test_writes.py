"""``validate_fields``: a record's own fields are validated before a write, its foreign
keys are not looked up again (the database enforces them)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from itsm.models import Category, Service
from itsm.writes import validate_fields

pytestmark = pytest.mark.django_db


def _incident(emma):
    category = Category.objects.create(kind="incident", name="Network")
    return Incident(
        title="VPN drops",
        reporter=emma,
        affected_user=emma,
        category=category,
        subcategory=Category.objects.create(kind="incident", name="VPN", parent=category),
        service=Service.objects.create(name="Remote access"),
    )


def test_related_rows_cost_no_query(emma):
    incident = _incident(emma)

    with CaptureQueriesContext(connection) as queries:
        validate_fields(incident, exclude=["number", "priority"])

    assert [q["sql"] for q in queries.captured_queries] == []


def test_own_fields_are_still_validated(emma):
    incident = _incident(emma)
    incident.title = "x" * 201
    incident.impact = "enormous"

    with pytest.raises(ValidationError) as raised:
        validate_fields(incident, exclude=["number", "priority"])

    assert set(raised.value.message_dict) == {"title", "impact"}

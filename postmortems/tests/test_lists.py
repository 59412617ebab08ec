"""Query budgets: every postmortem list costs the same whatever its rows."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from incidents.choices import Status as IncidentStatus
from itsm.testing.queries import assert_constant_queries
from postmortems import services
from postmortems.tests.factories import major_incident, make_postmortem

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def add_postmortems(people):
    """``add(n)``: n postmortems with two action items each, and n resolved P1 major
    incidents without one (the "postmortem due" list)."""

    def add(count):
        for _ in range(count):
            postmortem = make_postmortem(people)
            for title in ("Alert on expiry", "Runbook"):
                services.action_item_add(
                    postmortem_id=postmortem.pk,
                    actor=people["ravi"],
                    title=title,
                    owner=people["nina"],
                )
            major_incident(people, status=IncidentStatus.RESOLVED)

    return add


def _ok(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    return request


def test_portal_list(add_postmortems, people):
    count = assert_constant_queries(
        add_postmortems, _ok(_signed_in(people["sam"]), "/portal/postmortems/"), large=12
    )
    assert count <= 10


def test_api_list(add_postmortems, people, api_as):
    def request():
        # A fresh user each time: the role lookup is cached on the user object.
        sam = get_user_model().objects.get(pk=people["sam"].pk)
        return _ok(api_as(sam), "/api/v1/postmortems/")()

    count = assert_constant_queries(add_postmortems, request, large=12)
    assert count <= 6


def test_admin_changelist(add_postmortems, people):
    client = _signed_in(people["sam"])
    count = assert_constant_queries(
        add_postmortems, _ok(client, "/admin/postmortems/postmortem/"), large=12
    )
    assert count <= 12

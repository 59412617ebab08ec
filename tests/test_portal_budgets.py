"""Query budgets of the portal shell's pages (record apps budget their own lists)."""

import pytest
from django.urls import reverse

from incidents.tests.factories import make_incident
from itsm.testing.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

# The session, the user, the user's roles (which sections they see: the problem section
# is for problem staff) and one query per section shown (an employee: their incidents,
# their requests, and the requests waiting on their approval as a line manager).
HOME_BUDGET = 6


def test_home_page_query_count_does_not_grow_with_records(client, emma):
    client.force_login(emma)

    def make_rows(count):
        for _ in range(count):
            make_incident(reporter=emma)

    def request():
        assert client.get(reverse("portal:home")).status_code == 200

    request()  # a worker's first page also fills its content-type cache (approval inbox)
    count = assert_constant_queries(make_rows, request, small=2, large=15)
    print(f"\nportal home: {count} queries")
    assert count <= HOME_BUDGET

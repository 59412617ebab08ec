"""The review figures of a change: incidents on its items in the N days before and after
its window, and the incidents marked as caused by it; in the admin, the portal and the API."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from changes import services
from changes.selectors import change_review
from changes.tests.factories import make_change, make_implemented_change, make_item, setup
from incidents.tests.factories import make_incident
from itsm.testing.queries import assert_constant_queries, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return setup()


def implemented(users):
    return make_implemented_change(requested_by=users["chris"])


def reported(users, *, item=None, at=None, title="Web tier slow"):
    return make_incident(
        reporter=users["sam"],
        affected_user=users["emma"],
        configuration_item=item,
        reported_at=at,
        title=title,
    )


def test_incidents_count_on_the_side_of_the_window_they_were_reported(users, settings):
    settings.CHANGE_REVIEW_DAYS = 14
    change = implemented(users)
    item = change.configuration_items.get()
    elsewhere = make_item("review-elsewhere")
    start = change.actual_start
    for days in (1, 13):
        reported(users, item=item, at=start - timedelta(days=days))
    reported(users, item=item, at=start - timedelta(days=15))  # before the N days
    reported(users, item=elsewhere, at=start - timedelta(days=1))  # another item
    after = reported(users, item=item)  # now: after the change ended
    caused = reported(users, item=elsewhere, title="Checkout fails")
    services.incident_set_caused_by(incident_id=caused.pk, change_id=change.pk, actor=users["sam"])

    review = change_review(user=users["sam"], change=change)

    assert (review.before, review.after, review.caused) == (2, 1, 1)
    assert [i.number for i in review.caused_incidents] == [caused.number]
    assert review.start == change.actual_start and review.end == change.actual_end
    assert after.reported_at >= review.end


def test_the_setting_narrows_the_days_and_the_planned_window_is_used_without_actual(
    users, settings
):
    item = make_item("review-planned")
    change = make_change(requested_by=users["chris"], configuration_items=[item], days=-20)
    start, end = change.planned_start, change.planned_end
    reported(users, item=item, at=start - timedelta(days=5))
    reported(users, item=item, at=start)  # during the window: neither side
    reported(users, item=item, at=end)  # the end is after (half-open)
    reported(users, item=item, at=end + timedelta(days=5))

    settings.CHANGE_REVIEW_DAYS = 14
    wide = change_review(user=users["sam"], change=change)
    settings.CHANGE_REVIEW_DAYS = 3
    narrow = change_review(user=users["sam"], change=change)

    assert (wide.before, wide.after, wide.caused, wide.days) == (1, 2, 0, 14)
    assert (narrow.before, narrow.after, narrow.days) == (0, 1, 3)
    assert wide.caused_incidents == []


def test_a_change_without_a_window_counts_only_caused_incidents(users):
    change = make_change(requested_by=users["chris"], planned_start=None, planned_end=None)

    review = change_review(user=users["sam"], change=change)

    assert (review.before, review.after, review.caused) == (None, None, 0)


def test_the_figures_are_one_query_and_the_caused_list_one_more(users):
    change = implemented(users)
    change_review(user=users["sam"], change=change)  # the reader's roles, read once
    assert queries_for(lambda: change_review(user=users["sam"], change=change)) == 1
    caused = reported(users)
    services.incident_set_caused_by(incident_id=caused.pk, change_id=change.pk, actor=users["sam"])

    def more_caused(count):
        for _ in range(count):
            incident = reported(users, item=change.configuration_items.get())
            services.incident_set_caused_by(
                incident_id=incident.pk, change_id=change.pk, actor=users["sam"]
            )

    count = assert_constant_queries(
        more_caused, lambda: change_review(user=users["sam"], change=change), small=1, large=4
    )
    assert count == 2


def test_the_admin_review_section_shows_the_figures(users):
    change = implemented(users)
    caused = reported(users, title="Checkout fails")
    services.incident_set_caused_by(incident_id=caused.pk, change_id=change.pk, actor=users["sam"])
    client = Client()
    client.force_login(users["sam"])

    page = client.get(f"/admin/changes/change/{change.pk}/change/").content.decode()

    assert "Incidents marked as caused by this change: 1" in page
    assert caused.number in page
    assert "14 days either side of its actual window" in page


def test_the_portal_review_page_for_staff_and_a_404_for_employees(users):
    change = implemented(users)
    reported(users, item=change.configuration_items.get())
    staff, employee = Client(), Client()
    staff.force_login(users["sam"])
    employee.force_login(users["emma"])
    url = f"/portal/changes/{change.pk}/review/"

    page = staff.get(url)

    assert page.status_code == 200
    assert page.context["review"].after == 1
    assert f"Review of {change.number}" in page.content.decode()
    assert employee.get(url).status_code == 404
    assert staff.get("/portal/changes/999999/review/").status_code == 404


def test_the_calendar_links_implemented_changes_to_their_review(users):
    change = implemented(users)
    client = Client()
    client.force_login(users["sam"])
    day = timezone.localtime(change.planned_start).date().isoformat()

    page = client.get(f"/portal/changes/calendar/?view=week&date={day}").content.decode()

    assert f"/portal/changes/{change.pk}/review/" in page


def test_the_api_detail_has_the_review_and_the_list_does_not(users):
    change = implemented(users)
    caused = reported(users)
    services.incident_set_caused_by(incident_id=caused.pk, change_id=change.pk, actor=users["sam"])
    client = APIClient()
    client.force_authenticate(users["sam"])

    detail = client.get(f"/api/v1/changes/{change.pk}/").json()
    listed = client.get("/api/v1/changes/").json()["results"]

    assert detail["review"]["caused"] == 1
    assert detail["review"]["days"] == 14
    assert detail["review"]["caused_incidents"][0]["number"] == caused.number
    assert (detail["review"]["before"], detail["review"]["after"]) == (0, 0)
    assert "review" not in listed[0]

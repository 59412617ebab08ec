"""The staff console's approvals inbox (``/admin/approvals/``) and the approve and reject
buttons on the record pages: every record type that asks for approval, decided through
the same services as the portal and the API (separation of duties, approvers only, the
version the page showed)."""

import pytest
from django.test import Client
from django.urls import reverse

from changes import services as change_services
from changes.models import Change
from changes.tests.factories import make_change
from changes.tests.factories import setup as change_setup
from itsm.models import Approval, Profile
from itsm.testing.queries import assert_constant_queries
from postmortems.tests.factories import make_postmortem
from requests_app.models import ServiceRequest
from requests_app.tests.factories import make_item, make_request
from requests_app.tests.factories import setup as request_setup

pytestmark = pytest.mark.django_db

INBOX = reverse("admin_approvals:inbox")


@pytest.fixture
def users():
    change_setup()
    users = request_setup()
    Profile.objects.update_or_create(user=users["eli"], defaults={"manager": users["alex"]})
    return users


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def awaiting_cab(users, *, requested_by=None) -> Change:
    chris = users["chris"]
    change = make_change(requested_by=requested_by or chris)
    change_services.change_transition(change_id=change.pk, name="submit", actor=chris)
    return change_services.change_transition(
        change_id=change.pk, name="request_authorisation", actor=chris
    )


def awaiting_manager(requester) -> ServiceRequest:
    return make_request(requester=requester, item=make_item(approval="manager"))


def waiting(users, count) -> list:
    made = []
    for _ in range(count):
        made += [awaiting_cab(users), awaiting_manager(users["eli"])]
    return made


def decide_url(record) -> str:
    return reverse("admin_approvals:decide", args=[record._meta.label_lower, record.pk])


def test_the_console_index_links_the_inbox(users):
    page = signed_in(users["alex"]).get(reverse("admin:index")).content.decode()

    assert INBOX in page


def test_every_record_type_waits_in_one_console_inbox(users):
    change, request = waiting(users, 1)
    submitted = make_postmortem(users)
    from postmortems import services as postmortem_services

    postmortem_services.postmortem_transition(
        postmortem_id=submitted.pk, name="submit", actor=users["ravi"]
    )

    alex = signed_in(users["alex"]).get(INBOX)
    nina = signed_in(users["nina"]).get(INBOX).content.decode()

    assert alex.status_code == 200
    page = alex.content.decode()
    assert change.number in page and request.number in page
    assert decide_url(change) in page and decide_url(request) in page
    assert f'name="version" value="{change.version}"' in page
    assert submitted.title in nina and decide_url(submitted) in nina
    assert submitted.title not in page


def test_a_decision_in_the_console_inbox_runs_the_service(users):
    _change, request = waiting(users, 1)
    client = signed_in(users["alex"])
    seen = request.version

    response = client.post(decide_url(request), {"decision": "approve", "version": seen})

    assert response.status_code == 302 and response["Location"] == INBOX
    request.refresh_from_db()
    assert request.status == "approved"
    approval = Approval.objects.get(approver=users["alex"])
    assert approval.decision == "approved" and approval.record_version == seen
    page = client.get(INBOX).content.decode()
    assert decide_url(request) not in page
    assert request.number in page.split("My past decisions")[1]


def test_a_rejection_needs_a_comment_and_moves_the_change_on(users):
    change = awaiting_cab(users)
    client = signed_in(users["alex"])

    empty = client.post(decide_url(change), {"decision": "reject", "version": change.version})
    assert empty.status_code == 400 and not Approval.objects.exists()

    client.post(
        decide_url(change),
        {"decision": "reject", "version": change.version, "comment": "No backout tested."},
    )
    change.refresh_from_db()
    assert change.status == "rejected"
    assert Approval.objects.get().comment == "No backout tested."


def test_separation_of_duties_is_a_message_and_writes_nothing(users):
    change = awaiting_cab(users, requested_by=users["alex"])
    before = Change.objects.get(pk=change.pk).history.count()

    response = signed_in(users["alex"]).post(
        decide_url(change), {"decision": "approve", "version": change.version}
    )

    assert response.status_code == 403
    assert "requested it" in response.content.decode()
    assert not Approval.objects.exists()
    assert Change.objects.get(pk=change.pk).history.count() == before


def test_a_stale_page_is_refused(users):
    change = awaiting_cab(users)

    response = signed_in(users["alex"]).post(
        decide_url(change), {"decision": "approve", "version": change.version - 1}
    )

    assert response.status_code == 409
    assert not Approval.objects.exists()


def test_someone_else_s_approval_is_not_yours_to_decide(users):
    change, request = waiting(users, 1)
    sam = signed_in(users["sam"])

    refused = sam.post(decide_url(change), {"decision": "approve", "version": change.version})
    unknown = sam.post(
        reverse("admin_approvals:decide", args=["itsm.team", 1]),
        {"decision": "approve", "version": 1},
    )
    missing = sam.post(
        reverse("admin_approvals:decide", args=["changes.change", change.pk + 1000]),
        {"decision": "approve", "version": 1},
    )
    employee = signed_in(users["eli"]).post(
        decide_url(request), {"decision": "approve", "version": request.version}
    )

    assert refused.status_code == 403
    assert (unknown.status_code, missing.status_code) == (404, 404)
    assert employee.status_code == 302 and "/admin/login/" in employee["Location"]
    assert not Approval.objects.exists()


@pytest.mark.parametrize("bad", [{}, {"decision": "maybe", "version": 1}, {"decision": "approve"}])
def test_bad_input_is_a_400(users, bad):
    change = awaiting_cab(users)

    response = signed_in(users["alex"]).post(decide_url(change), bad)

    assert response.status_code == 400 and not Approval.objects.exists()


def _record_page_decides(client, record, name="approve", **data):
    opts = record._meta
    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_transition", args=[record.pk, name])
    assert url in page.content.decode()
    return client.post(url, {"expected_version": record.version, **data})


def test_the_change_page_approves(users):
    change = awaiting_cab(users)

    response = _record_page_decides(signed_in(users["alex"]), change)

    assert response.status_code == 302
    assert Change.objects.get(pk=change.pk).status == "scheduled"


def test_the_request_page_rejects_with_a_reason(users):
    request = awaiting_manager(users["dana"])  # dana's line manager is sam, the desk lead

    response = _record_page_decides(
        signed_in(users["sam"]), request, "reject", reason="Not in this year's budget."
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "rejected" and request.outcome_reason == "Not in this year's budget."


def test_the_postmortem_page_approves(users):
    from postmortems import services as postmortem_services
    from postmortems.models import Postmortem

    postmortem = make_postmortem(users)
    postmortem = postmortem_services.postmortem_transition(
        postmortem_id=postmortem.pk, name="submit", actor=users["ravi"]
    )

    response = _record_page_decides(signed_in(users["nina"]), postmortem)

    assert response.status_code == 302
    assert Postmortem.objects.get(pk=postmortem.pk).status == "published"


def test_the_record_page_shows_no_decision_to_someone_who_may_not_decide(users):
    change = awaiting_cab(users)
    url = reverse("admin:changes_change_transition", args=[change.pk, "approve"])

    page = signed_in(users["sam"]).get(reverse("admin:changes_change_change", args=[change.pk]))

    assert page.status_code == 200 and url not in page.content.decode()


def test_the_console_inbox_costs_the_same_for_one_or_many_records(users):
    client = signed_in(users["alex"])

    def get():
        response = client.get(INBOX)
        assert response.status_code == 200
        return response

    get()  # a worker's first page fills its content-type cache
    count = assert_constant_queries(lambda n: waiting(users, n), get)
    print(f"\nconsole approvals inbox: {count} queries")
    assert count <= 20


def test_a_line_manager_without_rights_to_requests_decides_on_the_request_page(users):
    request = awaiting_manager(users["eli"])  # eli's line manager here is alex, a CAB member
    alex = signed_in(users["alex"])
    url = reverse("admin:requests_app_servicerequest_change", args=[request.pk])

    response = _record_page_decides(alex, request)

    assert response.status_code == 302
    assert ServiceRequest.objects.get(pk=request.pk).status == "approved"
    assert alex.get(url).status_code != 200  # decided: the page is no longer his to see

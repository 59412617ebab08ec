"""The stakeholder list: asked for when a major incident is declared in the console,
kept from the incident's page, and completed with the affected components' subscribers."""

import pytest
from django.urls import reverse

from comms import services
from comms.models import Stakeholder
from comms.tests.factories import component_with_subscribers, confirmed_subscriber
from incidents.tests.factories import make_incident
from itsm.errors import Refused
from itsm.models import Service, Team
from statuspage import services as statuspage

pytestmark = pytest.mark.django_db


def _admin_url(incident, name):
    return reverse("admin:incidents_incident_transition", args=[incident.pk, name])


def test_declaring_in_the_console_asks_for_stakeholders_and_adds_subscribers(
    people, client, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    vpn = Service.objects.create(name="VPN")
    component, _ = component_with_subscribers(
        actor=people["sam"], service=vpn, emails=["a@customer.test", "b@customer.test"]
    )
    statuspage.subscription_request(email="unconfirmed@customer.test", component_ids=[component.pk])
    incident = make_incident(reporter=people["emma"], service=vpn, impact="high", urgency="high")
    desk = Team.objects.get(name="Service Desk")
    client.force_login(people["sam"])

    page = client.get(_admin_url(incident, "declare_major"))
    assert {"stakeholder_people", "stakeholder_teams"} <= set(page.context["form"].fields)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _admin_url(incident, "declare_major"),
            {
                "commander": people["ravi"].pk,
                "communications_lead": people["sam"].pk,
                "stakeholder_people": [people["pat"].pk, people["chris"].pk],
                "stakeholder_teams": [desk.pk],
            },
        )
    assert response.status_code == 302

    listed = Stakeholder.objects.filter(incident=incident)
    assert {s.person.username for s in listed if s.person_id} == {"pat", "chris"}
    assert [s.team for s in listed if s.team_id] == [desk]
    subscribers = [s for s in listed if s.subscriber_id]
    assert sorted(s.subscriber.email for s in subscribers) == ["a@customer.test", "b@customer.test"]
    assert all(s.automatic for s in subscribers)
    # Audited, with who and why.
    row = Stakeholder.history.get(person=people["pat"])
    assert (row.history_user, row.history_change_reason) == (people["sam"], "stakeholder added")


def test_a_refused_declaration_adds_no_stakeholder(people, client):
    incident = make_incident(reporter=people["emma"])
    client.force_login(people["sam"])
    client.post(_admin_url(incident, "declare_major"), {"commander": people["ravi"].pk})
    response = client.post(
        _admin_url(incident, "declare_major"),
        {"stakeholder_people": [people["pat"].pk]},
    )
    assert response.status_code == 409
    assert not Stakeholder.objects.filter(person=people["pat"]).exists()


def test_the_stakeholders_button_sets_people_and_teams(people, client, major):
    desk = Team.objects.get(name="Service Desk")
    services.stakeholders_add(
        incident_id=major.pk, actor=people["sam"], people=[people["pat"]], teams=[desk]
    )
    client.force_login(people["sam"])
    response = client.post(
        _admin_url(major, "stakeholders"),
        {"stakeholder_people": [people["chris"].pk], "stakeholder_teams": []},
    )
    assert response.status_code == 302
    listed = Stakeholder.objects.filter(incident=major)
    assert [s.person.username for s in listed] == ["chris"]
    assert Stakeholder.history.filter(history_type="-").count() == 2


def test_subscribers_of_every_affected_component_are_added_once_per_address(people, major):
    component, _ = component_with_subscribers(
        actor=people["sam"], service=major.service, emails=["a@customer.test"]
    )
    other, _ = component_with_subscribers(
        actor=people["sam"], service=Service.objects.create(name="Mail"), emails=["a@customer.test"]
    )
    assert services.stakeholders_sync_subscribers(incident_id=major.pk) == 1
    # The status incident names another component: its subscribers are affected too.
    statuspage.status_post(
        incident_id=major.pk,
        actor=people["sam"],
        state="investigating",
        body="We are looking into it.",
        title="VPN and mail unavailable",
        components=[component, other],
    )
    confirmed_subscriber(component=other, email="b@customer.test")
    assert services.stakeholders_sync_subscribers(incident_id=major.pk) == 1
    assert services.stakeholders_sync_subscribers(incident_id=major.pk) == 0
    emails = Stakeholder.objects.filter(incident=major).values_list("subscriber__email", flat=True)
    assert sorted(emails) == ["a@customer.test", "b@customer.test"]


@pytest.mark.parametrize("who", ["emma", "chris"])
def test_only_staff_keep_the_list(people, major, who):
    with pytest.raises(Refused) as refused:
        services.stakeholders_add(incident_id=major.pk, actor=people[who], people=[people["pat"]])
    assert refused.value.code == "not_permitted"


def test_only_major_incidents_have_stakeholders(people):
    incident = make_incident(reporter=people["emma"])
    with pytest.raises(Refused) as refused:
        services.stakeholders_add(
            incident_id=incident.pk, actor=people["sam"], people=[people["pat"]]
        )
    assert refused.value.code == "not_major"

"""``manage.py demo_data`` builds a usable demo company, and running it again changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

import itsm.demo
from itsm.choices import RecordKind
from itsm.demo.people import PEOPLE
from itsm.models import Category, ConfigurationItem, Service, Team
from itsm.registry import record_types

pytestmark = pytest.mark.django_db

COUNTED = [
    get_user_model(),
    Team,
    Service,
    ConfigurationItem,
    ConfigurationItem.depends_on.through,
    Category,
    Team.history.model,
    Team.members.through,
    Service.history.model,
    ConfigurationItem.history.model,
    Category.history.model,
]

loader_calls = []


def recording_loader(users):
    """Stands in for a record app's ``demo.load``."""
    loader_calls.append(sorted(users))


def demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {model._meta.label: model.objects.count() for model in COUNTED}


def test_running_twice_creates_no_duplicates():
    demo_data()
    first = counts()

    demo_data()

    assert counts() == first
    assert first["itsm.Service"] >= 6
    assert first["itsm.ConfigurationItem_depends_on"] > 0


def test_prints_every_demo_login():
    output = demo_data()

    for username, _first, _last, _roles, what in PEOPLE:
        assert any(
            line.split()[:2] == [username, "demo"] and line.endswith(what)
            for line in output.splitlines()
        ), username


def test_demo_users_can_sign_in(client):
    demo_data()

    response = client.post("/accounts/login/", {"username": "emma", "password": "demo"})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert get_user_model().objects.get(username="sam").is_staff


def test_categories_route_to_their_default_groups():
    demo_data()

    def group_of(kind, parent, name):
        return Category.objects.get(kind=kind, parent__name=parent, name=name).default_group.name

    assert group_of(RecordKind.INCIDENT, "Network", "VPN") == "Network Operations"
    assert group_of(RecordKind.INCIDENT, "Network", "Wi-Fi") == "Network Operations"
    assert group_of(RecordKind.INCIDENT, "Access", "Password reset") == "Service Desk"
    assert group_of(RecordKind.INCIDENT, "Software", "E-mail") == "Service Desk"
    assert group_of(RecordKind.INCIDENT, "Hardware", "Laptop") == "Service Desk"
    kinds = set(Category.objects.values_list("kind", flat=True))
    assert kinds == {choice.value for choice in RecordKind}


def test_configuration_items_link_to_what_they_depend_on():
    demo_data()

    vpn = ConfigurationItem.objects.get(name="vpn-gw-01")
    assert vpn.service.name == "VPN"
    assert set(vpn.depends_on.values_list("name", flat=True)) == {"core-fw-01", "radius-01"}
    assert "payroll-app-01" in ConfigurationItem.objects.get(
        name="erp-app-01"
    ).dependents.values_list("name", flat=True)


def test_every_record_app_registers_a_loader():
    registered = {load.__module__.split(".")[0] for load in itsm.demo.LOADERS}

    assert {record_type.model._meta.app_label for record_type in record_types()} <= registered


def test_registered_loaders_run_once_each_with_the_users(monkeypatch):
    loader_calls.clear()
    monkeypatch.setattr(itsm.demo, "LOADERS", [])
    itsm.demo.register_demo_loader(recording_loader)
    itsm.demo.register_demo_loader(recording_loader)

    demo_data()

    assert loader_calls == [sorted(p[0] for p in PEOPLE)]


def failing_loader(users):
    raise RuntimeError("the loader broke")


def test_a_failing_loader_leaves_nothing_behind(monkeypatch):
    monkeypatch.setattr(itsm.demo, "LOADERS", [failing_loader])

    with pytest.raises(RuntimeError):
        demo_data()

    assert not Service.objects.exists()
    assert not get_user_model().objects.filter(username="emma").exists()

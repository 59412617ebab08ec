"""Role grants: the shared table for reference data, each record app's own from its AppConfig."""

import pytest
from django.contrib.auth.models import Group

from itsm import roles
from itsm.registry import record_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def grants(monkeypatch):
    """The registered app grants, restored after the test."""
    monkeypatch.setattr(roles, "_APP_PERMISSIONS", dict(roles._APP_PERMISSIONS))
    return roles._APP_PERMISSIONS


def codenames(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_every_record_type_registers_its_grants():
    registered = set(roles._APP_PERMISSIONS)

    assert {rt.model._meta.app_label for rt in record_types()} <= registered


def test_a_registered_grant_reaches_the_role_group_on_the_next_sync(grants):
    roles.register_role_permissions("sessions", {roles.RESOLVER: ("view",)})

    roles.sync_role_permissions()

    assert ("sessions", "view_session") in codenames(roles.RESOLVER)
    assert ("sessions", "view_session") not in codenames(roles.SERVICE_DESK)


def test_registering_again_replaces_the_apps_grants(grants):
    roles.register_role_permissions("sessions", {roles.RESOLVER: ("view", "change")})
    roles.register_role_permissions("sessions", {roles.SERVICE_DESK: ("view",)})

    roles.sync_role_permissions()

    assert ("sessions", "view_session") not in codenames(roles.RESOLVER)
    assert ("sessions", "view_session") in codenames(roles.SERVICE_DESK)


def test_an_unknown_role_is_refused(grants):
    with pytest.raises(ValueError, match="unknown roles"):
        roles.register_role_permissions("sessions", {"janitor": ("view",)})


def test_role_allows_reads_the_registered_grants(grants, ravi, emma):
    assert not roles.role_allows(ravi, "sessions", "view")

    roles.register_role_permissions("sessions", {roles.RESOLVER: ("view",)})

    assert roles.role_allows(ravi, "sessions", "view")
    assert not roles.role_allows(emma, "sessions", "view")


def test_shared_reference_data_grants_stay_in_the_roles_module():
    roles.sync_role_permissions()

    assert ("itsm", "view_team") in codenames(roles.SERVICE_DESK)
    assert ("itsm", "change_service") in codenames(roles.CHANGE_MANAGER)
    assert not codenames(roles.EMPLOYEE)

"""History is read-only in every admin: no revert, no edit of a historical record."""

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from itsm.admin.history import ReadOnlyHistoryMixin
from itsm.models import Team

pytestmark = pytest.mark.django_db


def test_every_history_admin_is_read_only():
    loose = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
        and not isinstance(model_admin, ReadOnlyHistoryMixin)
    ]
    assert loose == []


def test_posting_an_old_version_of_reference_data_reverts_nothing(client, admin_user):
    team = Team.objects.create(name="Field Services", tier=1)
    first = team.history.get()
    team.name = "Field Services EMEA"
    team.save()
    client.force_login(admin_user)
    url = f"/admin/itsm/team/{team.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Field Services", "tier": 1})
    assert response.status_code == 405
    team.refresh_from_db()
    assert team.name == "Field Services EMEA"
    assert team.history.count() == 2

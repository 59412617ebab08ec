import datetime as dt

import pytest
from django.utils import timezone

from incidents.tests.factories import network_team
from itsm.models import Category


class Clock:
    """A controllable ``timezone.now`` for SLA and confirmation-window tests."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))  # a Monday
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture
def network_category(people):
    return Category.objects.create(kind="incident", name="Network", default_group=network_team())


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def staff(client):
    def login(user):
        client.force_login(user)
        return client

    return login

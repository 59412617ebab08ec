"""The demo: a published postmortem with action items and a draft, loaded twice."""

import pytest

from itsm.demo import load_demo
from postmortems.choices import Status
from postmortems.models import Postmortem

pytestmark = pytest.mark.django_db


def test_demo_postmortems_load_once():
    load_demo()
    load_demo()
    published = Postmortem.objects.get(status=Status.PUBLISHED)
    assert published.action_items.count() >= 2
    assert published.action_items.filter(status="done").exists()
    assert Postmortem.objects.filter(status=Status.DRAFT).count() == 1
    assert Postmortem.objects.count() == 2

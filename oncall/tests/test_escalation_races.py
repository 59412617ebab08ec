"""Two escalation workers at once (PostgreSQL): each step is sent exactly once.

Two threads, each with its own connection, run the beat job's escalation at the same
moment over the same due pages. The page row lock plus the re-checked ``next_step_at``
(cleared in the transaction that writes the next page) let one of them take each step;
the other finds it taken.
"""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from itsm.testing.clock import install_clock
from oncall import services
from oncall.models import Page, PageDelivery
from oncall.tests.factories import NOON, assigned_incident, network_on_call

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

INCIDENTS = 4
WORKERS = 2


def test_two_escalation_ticks_at_once_take_each_step_once(people, monkeypatch):
    install_clock(monkeypatch, NOON)
    network_on_call(people)
    incidents = [assigned_incident(people) for _ in range(INCIDENTS)]  # paged after commit
    assert Page.objects.count() == INCIDENTS
    mail.outbox.clear()
    due = NOON + timedelta(minutes=10)
    barrier = threading.Barrier(WORKERS)
    sent, errors = [], []

    def tick():
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            sent.append(services.escalate_due(now=due))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    second_steps = Page.objects.filter(level=1)
    assert sorted(pk for run in sent for pk in run) == sorted(p.pk for p in second_steps)
    for incident in incidents:
        steps = list(Page.objects.filter(incident=incident).values_list("cycle", "level"))
        assert sorted(steps) == [(0, 0), (0, 1)]
    deliveries = PageDelivery.objects.filter(page__level=1)
    assert deliveries.count() == INCIDENTS
    assert set(deliveries.values_list("status", flat=True)) == {"sent"}
    assert len([m for m in mail.outbox if " P1 page: " in m.subject]) == INCIDENTS
    # The next tick finds nothing more due at that moment.
    assert services.escalate_due(now=due) == []

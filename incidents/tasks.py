"""Thin Celery tasks: they take ids and call services."""

from celery import shared_task
from django.utils import timezone

from incidents import services
from incidents.models import Incident
from itsm.tasks import RETRY

SLA_BATCH = 500


@shared_task(**RETRY)
def incident_sla_check() -> int:
    """Every minute: record SLA thresholds crossed; touches only incidents that are due."""
    now = timezone.now()
    due = Incident.objects.filter(sla_next_check_at__lte=now).order_by("sla_next_check_at")
    ids = list(due.values_list("pk", flat=True)[:SLA_BATCH])
    for incident_id in ids:
        services.incident_sla_record_due(incident_id=incident_id, now=now)
    return len(ids)


@shared_task(**RETRY)
def incident_auto_close() -> int:
    """Nightly: close resolved incidents whose confirmation window has passed."""
    return len(services.incident_auto_close_due())

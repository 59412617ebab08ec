"""Thin Celery tasks: they take ids and call services."""

from celery import shared_task

from incidents import services
from itsm.tasks import RETRY


@shared_task(**RETRY)
def incident_sla_check() -> int:
    """Every minute: record SLA thresholds passed, in batches; returns the incidents handled."""
    return services.incident_sla_check_due().handled


@shared_task(**RETRY)
def incident_auto_close() -> int:
    """Nightly: close resolved incidents whose confirmation window has passed."""
    return len(services.incident_auto_close_due())

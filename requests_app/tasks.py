"""Thin Celery tasks: they call services."""

from celery import shared_task

from itsm.tasks import RETRY
from requests_app import services


@shared_task(**RETRY)
def request_sla_check() -> int:
    """Every minute: record SLA thresholds passed, in batches; returns the requests handled."""
    return services.request_sla_check_due().handled


@shared_task(**RETRY)
def request_auto_close() -> int:
    """Nightly: close fulfilled requests whose confirmation window has passed."""
    return len(services.request_auto_close_due())

"""Thin Celery tasks: they take ids and call services or the notifier."""

from celery import shared_task

from incidents import notifications, services
from incidents.models import Incident
from itsm.notifications import send_once
from itsm.tasks import TRANSIENT_ERRORS

RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    # Redis redelivers a message not acknowledged within the visibility timeout (3600 s),
    # so the longest back-off stays far below it (SECURITY.md T32).
    "retry_backoff_max": 600,
    "max_retries": 5,
    # Acknowledged after it ran, so a worker that dies mid-task leaves it to be redelivered;
    # explicit here, not only the app default (the notification key makes a rerun harmless).
    "acks_late": True,
}


@shared_task(**RETRY)
def incident_notify(incident_id: int, event: str, key: str, extra: dict | None = None) -> bool:
    """Send one notification; the key makes a redelivered task a no-op."""
    extra = extra or {}
    incident = Incident.objects.select_related(
        "reporter",
        "affected_user",
        "assignee",
        "assignment_group__manager",
        "commander",
        "communications_lead",
    ).get(pk=incident_id)
    subject, text, html = notifications.message(incident, event, extra)
    return send_once(
        key=key,
        subject=subject,
        body=text,
        html_body=html,
        recipients=notifications.recipients(incident, event, extra),
    )


@shared_task(**RETRY)
def incident_sla_check() -> int:
    """Every minute: record SLA thresholds passed, in batches; returns the incidents handled."""
    return services.incident_sla_check_due().handled


@shared_task(**RETRY)
def incident_auto_close() -> int:
    """Nightly: close resolved incidents whose confirmation window has passed."""
    return len(services.incident_auto_close_due())

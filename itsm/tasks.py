"""Shared Celery task settings and the one notification task.

Record apps keep their own tasks in <app>/tasks.py.
"""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from itsm.notifications import notifier_for, send_once

# Worth retrying: the database or the mail server was briefly out of reach. Anything else
# (a bad address, a template bug) fails at once, because retrying would fail the same way.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
)

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
def notify(label: str, record_id: int, event: str, key: str, extra: dict | None = None) -> bool:
    """Send one notification about a record; the key makes a redelivered task a no-op."""
    extra = extra or {}
    notifier = notifier_for(label)
    record = notifier.load(record_id)
    subject, text, html = notifier.message(record, event, extra)
    return send_once(
        key=key,
        subject=subject,
        body=text,
        html_body=html,
        recipients=notifier.recipients(record, event, extra),
    )

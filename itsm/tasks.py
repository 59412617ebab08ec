"""Thin Celery tasks for the shared building blocks. Record apps keep theirs in <app>/tasks.py."""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from itsm.notifications import send_once

# Worth retrying: the database or the mail server was briefly out of reach. Anything else
# (a bad address, a template bug) fails at once, because retrying would fail the same way.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
)


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    # Redis redelivers a message not acknowledged within the visibility timeout (3600 s),
    # so the longest back-off stays far below it (SECURITY.md T32).
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
)
def send_notification(self, key, subject, body, recipients, html_body=None) -> bool:
    """Send one email notification at most once per ``key`` (see itsm.notifications)."""
    return send_once(
        key=key, subject=subject, body=body, recipients=recipients, html_body=html_body
    )

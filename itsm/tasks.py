"""Shared Celery task settings. Record apps keep their tasks in <app>/tasks.py."""

import smtplib

from django.db import InterfaceError, OperationalError

# Worth retrying: the database or the mail server was briefly out of reach. Anything else
# (a bad address, a template bug) fails at once, because retrying would fail the same way.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
)

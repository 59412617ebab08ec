"""Scheduled work: SLA thresholds and the nightly close after the confirmation window."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from itsm.audit import system_user
from itsm.errors import Refused
from itsm.sla import jobs
from requests_app.choices import Status
from requests_app.models import ServiceRequest
from requests_app.services.transitions import request_transition
from requests_app.sla import REQUEST_SLA

logger = logging.getLogger(__name__)


def request_sla_check_due(*, now=None, limit: int | None = None) -> jobs.JobRun:
    """Record each SLA threshold passed by ``now``, once, and notify it after commit."""
    return jobs.record_due(REQUEST_SLA, now=now or timezone.now(), actor=system_user(), limit=limit)


def request_auto_close_due(*, now=None) -> list[str]:
    """Close fulfilled requests whose confirmation window has passed; their numbers."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REQUEST_CONFIRMATION_DAYS)
    due = ServiceRequest.objects.filter(status=Status.FULFILLED, fulfilled_at__lte=cutoff)
    closed, actor = [], system_user()
    for pk, number in due.order_by("fulfilled_at", "pk").values_list("pk", "number"):
        try:
            request_transition(
                request_id=pk, name="close", actor=actor, reason="confirmation window passed"
            )
        except Refused as refused:  # confirmed or cancelled meanwhile
            logger.info("request %s not closed: %s", number, refused.message)
            continue
        closed.append(number)
    return closed

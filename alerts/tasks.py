"""Processing alert deliveries in the worker: each inbox row by id, retried with back-off;
a periodic sweep picks up rows whose task was lost (the broker was down)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from alerts import services


@shared_task(bind=True, max_retries=None)
def process_alert_inbox(self, inbox_id: int) -> bool:
    if services.inbox_process(inbox_id=inbox_id):
        return True
    if self.request.is_eager:
        # Without a worker (tests, the embedded default) the retries run in place.
        return any(
            services.inbox_process(inbox_id=inbox_id)
            for _ in range(settings.ALERTS_MAX_ATTEMPTS - 1)
        )
    if self.request.retries + 1 < settings.ALERTS_MAX_ATTEMPTS:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 1800))
    return False  # stays failed, with its error, for a replay from the admin


@shared_task
def process_pending_alerts(older_than_seconds: int = 60) -> int:
    """Queue the rows still pending ``older_than_seconds`` after they arrived; younger ones
    are left to the task their delivery queued."""
    pending = services.inbox_pending_ids(older_than=timedelta(seconds=older_than_seconds))
    for inbox_id in pending:
        process_alert_inbox.delay(inbox_id)
    return len(pending)

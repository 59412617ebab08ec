"""Processing alert deliveries in the worker.

Deliveries queue one drain at a time (:func:`alerts.services.queue_drain`); the drain
processes every pending row, oldest first, and hands a row that fails to its own task,
retried with back-off. A periodic sweep queues a drain when rows wait too long (the broker
was down when they arrived).
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from alerts import services

DRAIN_BATCH = 100


@shared_task
def drain_alert_inbox() -> int:
    """Process the pending rows; the number processed."""
    services.drain_started()
    processed, seen = 0, set()
    while batch := [pk for pk in services.inbox_pending_ids(limit=DRAIN_BATCH) if pk not in seen]:
        for inbox_id in batch:
            seen.add(inbox_id)
            if not services.inbox_process(inbox_id=inbox_id):
                process_alert_inbox.apply_async((inbox_id,), countdown=retry_delay(1))
            processed += 1
    return processed


@shared_task(bind=True, max_retries=None)
def process_alert_inbox(self, inbox_id: int) -> bool:
    """Retry one failed row until it has had ``ALERTS_MAX_ATTEMPTS`` attempts in all."""
    while not services.inbox_process(inbox_id=inbox_id, retry=True):
        attempts = services.inbox_attempts(inbox_id)
        if attempts >= settings.ALERTS_MAX_ATTEMPTS:
            return False  # stays failed, with its error, for a replay from the admin
        if not self.request.is_eager:
            raise self.retry(countdown=retry_delay(attempts))
        # Without a worker (tests, the embedded default) the retries run in place.
    return True


def retry_delay(attempts: int) -> int:
    return min(30 * 2 ** (attempts - 1), 1800)


@shared_task
def process_pending_alerts(older_than_seconds: int = 60) -> int:
    """Queue a drain when rows are still pending ``older_than_seconds`` after they
    arrived (younger ones wait for the drain their delivery queued); how many there are."""
    waiting = len(services.inbox_pending_ids(older_than=timedelta(seconds=older_than_seconds)))
    if waiting:
        drain_alert_inbox.delay()
    return waiting

"""The Celery application: JSON only, late acks, time limits, fresh DB connections per task."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

app = Celery("itsm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(task=None, **_kwargs):
    # A worker keeps connections across tasks; drop dead or expired ones (SECURITY.md T34).
    # Not around eager tasks: they run inside the caller's request or transaction, and
    # closing that connection would end the caller's open transaction.
    if task is not None and task.request.is_eager:
        return
    from django.db import close_old_connections

    close_old_connections()

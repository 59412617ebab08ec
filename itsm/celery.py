"""The Celery application: JSON only, late acks, time limits, fresh DB connections per task."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

app = Celery("itsm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(**_kwargs):
    # A worker keeps connections across tasks; drop dead or expired ones (SECURITY.md T34).
    from django.db import close_old_connections

    close_old_connections()

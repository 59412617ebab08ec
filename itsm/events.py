"""Record event listeners: apps react to another app's record events after commit.

The events are the notification events a record type raises (``logged``, ``assigned``,
...). An app subscribes from its ``AppConfig.ready`` with
``listen("incidents.incident", "logged", callback)``; :func:`itsm.notifications.notify_on_commit`
(and :func:`~itsm.notifications.announce_on_commit`, for events without a notification)
calls ``callback(record_id=..., event=..., key=..., extra=..., record=...)`` once the
transaction commits, where ``key`` names the record, event and version and ``record`` is a
copy of the instance as the service saved it (or None). A callback should only queue work
(a Celery task taking the id); it may read ``record``'s own fields to decide that there is
nothing to do, without a query, but the task reads the row again. One that raises is
logged and never undoes the write. So the record app does not depend on the apps that
listen to it.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_LISTENERS: dict[tuple[str, str], list[Callable]] = {}


def listen(label: str, event: str, callback: Callable) -> None:
    """Call ``callback`` after commit whenever a ``label`` record raises ``event``."""
    callbacks = _LISTENERS.setdefault((label, event), [])
    if callback not in callbacks:
        callbacks.append(callback)


def listeners_for(label: str, event: str) -> list[Callable]:
    return list(_LISTENERS.get((label, event), ()))


def dispatch(label: str, record_id, event: str, key: str, extra: dict, record=None) -> None:
    """Run the listeners of one event; each failure is logged, none stops the others."""
    for callback in listeners_for(label, event):
        try:
            callback(record_id=record_id, event=event, key=key, extra=extra, record=record)
        except Exception:
            logger.exception("Listener %r of %s %s failed.", callback, label, event)

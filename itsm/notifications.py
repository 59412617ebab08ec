"""Notifications: record apps say who hears what; this module queues and sends them.

Each notification is sent at most once, keyed by a unique key.

The log row and the email go out in one transaction. If sending fails, the row is rolled
back, so a retry sends. If the row already exists, the notification went out before.
The one gap is a crash after the mail server accepted the message but before the commit:
the retry then sends a second copy. We accept that side (at least once), because a lost
notification is worse than a duplicate one.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string

from itsm import events
from itsm.models import NotificationLog
from itsm.validators import single_line

logger = logging.getLogger(__name__)

KEY_MAX_LENGTH = NotificationLog._meta.get_field("key").max_length
SUBJECT_MAX_LENGTH = NotificationLog._meta.get_field("subject").max_length


def send_once(
    *,
    key: str,
    subject: str,
    body: str,
    recipients: list[str],
    html_body: str | None = None,
    headers: dict | None = None,
) -> bool:
    """Email ``recipients`` unless ``key`` was sent before; return whether it was sent now.

    The subject is made one line here, whatever the caller built it from: a CR or LF in
    it would make Django refuse the header (``BadHeaderError``) and the mail would be lost.
    """
    if not key or len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"A notification key must have 1 to {KEY_MAX_LENGTH} characters.")
    recipients = list(dict.fromkeys(address for address in recipients if address))
    subject = single_line(subject)
    if not recipients:
        return False
    if html_body is None:
        message = EmailMessage(subject, body, to=recipients, headers=headers)
    else:
        message = EmailMultiAlternatives(subject, body, to=recipients, headers=headers)
        message.attach_alternative(html_body, "text/html")
    try:
        # A savepoint when the caller is already in a transaction, so a duplicate key
        # rolls back only this insert. On PostgreSQL a concurrent sender of the same
        # key waits on the unique index until this transaction ends.
        with transaction.atomic():
            NotificationLog.objects.create(
                key=key,
                channel="email",
                recipients=recipients,
                subject=subject[:SUBJECT_MAX_LENGTH],
            )
            message.send()
    except IntegrityError:
        return False
    return True


class Notifier:
    """Who hears what about one record type, and what the message says.

    A record app subclasses it, sets ``model`` (the record class), ``headlines`` (event
    code -> headline) and ``template`` (the path of its ``.txt`` and ``.html`` e-mail
    templates, without the extension), implements :meth:`recipients`, and registers an
    instance with :func:`register`. The plumbing (the key, the queueing after commit, the
    one Celery task, sending once) is here.
    """

    model: type[models.Model]
    headlines: dict[str, str] = {}
    template: str = ""
    related: tuple[str, ...] = ()

    def recipients(self, record, event: str, extra: dict) -> list[str]:
        raise NotImplementedError

    def context(self, record, event: str, extra: dict) -> dict:
        return {}

    def load(self, pk):
        return self.model.objects.select_related(*self.related).get(pk=pk)

    def message(self, record, event: str, extra: dict) -> tuple[str, str, str]:
        """Subject, plain-text body and HTML body (autoescaped) for ``event``."""
        if event not in self.headlines:
            raise ValueError(f"Unknown {self.model._meta.label_lower} event: {event}")
        headline = self.headlines[event]
        context = {
            "record": record,
            self.model._meta.model_name: record,
            "event": event,
            "headline": headline,
            "url": settings.PORTAL_BASE_URL.rstrip("/") + record.get_absolute_url(),
            "extra": extra,
            **self.context(record, event, extra),
        }
        # One line, whatever the title holds: a CR or LF in a header is an injection.
        subject = " ".join(f"[{record.number}] {headline}: {record.title}".split())[:200]
        text = render_to_string(f"{self.template}.txt", context)
        html = render_to_string(f"{self.template}.html", context)
        return subject, text, html


_NOTIFIERS: dict[str, Notifier] = {}


def register(notifier: Notifier) -> Notifier:
    _NOTIFIERS[notifier.model._meta.label_lower] = notifier
    return notifier


def notifier_for(label: str) -> Notifier:
    return _NOTIFIERS[label]


def notification_key(record, event: str, extra: dict) -> str:
    """Unique per record, event, version and extras, so a redelivery sends nothing twice."""
    key = f"{record._meta.model_name}:{record.pk}:{event}:v{record.version}"
    if extra:
        key += ":" + ":".join(f"{k}={v}" for k, v in sorted(extra.items()))
    return key


def notify_on_commit(record, event: str, **extra) -> None:
    """Queue the notification for ``event`` once the current transaction commits."""
    label = record._meta.label_lower
    if label not in _NOTIFIERS:
        raise ValueError(f"No notifier registered for {label}.")
    args = (label, record.pk, event, notification_key(record, event, extra), extra)
    transaction.on_commit(lambda: _after_commit(*args))


def dispatch_on_commit(record, event: str, **extra) -> None:
    """Run ``event``'s listeners (``itsm.events``) once the current transaction commits,
    for an event nobody is e-mailed about."""
    label = record._meta.label_lower
    args = (label, record.pk, event, notification_key(record, event, extra), extra)
    transaction.on_commit(lambda: events.dispatch(*args))


def _after_commit(*args) -> None:
    """Queue the notification, then run the event's listeners (``itsm.events``)."""
    _enqueue(*args)
    events.dispatch(*args)


def _enqueue(*args) -> None:
    from itsm.tasks import notify

    try:
        notify.delay(*args)
    except Exception:
        # The write is committed; a notification that cannot be queued (or, with eager
        # tasks, sent) must not turn it into an error for the person who made it.
        logger.exception("Notification %s could not be queued.", args[3])

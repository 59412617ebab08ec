"""Send each notification at most once, keyed by a unique key the caller chooses.

The log row and the email go out in one transaction. If sending fails, the row is rolled
back, so a retry sends. If the row already exists, the notification went out before.
The one gap is a crash after the mail server accepted the message but before the commit:
the retry then sends a second copy. We accept that side (at least once), because a lost
notification is worse than a duplicate one.
"""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction

from itsm.models import NotificationLog
from itsm.validators import single_line

KEY_MAX_LENGTH = NotificationLog._meta.get_field("key").max_length
SUBJECT_MAX_LENGTH = NotificationLog._meta.get_field("subject").max_length


def send_once(
    *,
    key: str,
    subject: str,
    body: str,
    recipients: list[str],
    html_body: str | None = None,
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
        message = EmailMessage(subject, body, to=recipients)
    else:
        message = EmailMultiAlternatives(subject, body, to=recipients)
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

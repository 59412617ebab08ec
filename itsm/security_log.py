"""Security events as one structured log line each (SECURITY.md T38).

Who, what, where and when, as JSON on the ``itsm.security`` logger; JSON encoding keeps
a username with CR/LF on one line. Never pass passwords, tokens or secrets.
"""

import json
import logging
from contextvars import ContextVar

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from itsm.client_address import client_address

logger = logging.getLogger("itsm.security")

# The request being handled, set by itsm.middleware.SecurityLogContextMiddleware, so an
# event raised where no request is at hand (a selector) still says where it came from.
current_request: ContextVar = ContextVar("itsm_security_log_request", default=None)


def security_event(
    event: str, *, request=None, user=None, level: int = logging.WARNING, **details
) -> None:
    if request is None:
        request = current_request.get()
    elif user is None:
        user = getattr(request, "user", None)
    record = {
        "event": event,
        "at": timezone.now().isoformat(),
        "user_id": getattr(user, "pk", None),
        "username": getattr(user, "username", None) or details.pop("username", None),
        "path": getattr(request, "path", None),
        "ip": client_address(request) if request is not None else None,
        **details,
    }
    logger.log(level, json.dumps(record, default=str, sort_keys=True))


@receiver(user_login_failed, dispatch_uid="itsm_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    security_event("login_failed", request=request, user=None, username=credentials.get("username"))


@receiver(user_logged_in, dispatch_uid="itsm_logged_in")
def _logged_in(sender, request, user, **kwargs):
    security_event("login", request=request, user=user, level=logging.INFO)


@receiver(user_locked_out, dispatch_uid="itsm_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    security_event("lockout", request=request, user=None, username=username)

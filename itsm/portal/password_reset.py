"""Password reset that cannot be used to flood someone's mailbox (SECURITY.md T43).

Each address gets at most ``PASSWORD_RESET_EMAILS_PER_HOUR`` reset e-mails an hour.
Past that the page answers exactly as before, so it tells nobody whether the address
has an account. Reset links point at ``PORTAL_BASE_URL``, never at the request's Host.
"""

import hashlib
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.http import HttpResponseRedirect

from itsm.security_log import security_event

WINDOW_SECONDS = 60 * 60


class ThrottledPasswordResetView(PasswordResetView):
    def get_extra_email_context(self):
        portal = urlparse(settings.PORTAL_BASE_URL)
        return {"domain": portal.netloc, "protocol": portal.scheme}

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        key = "password-reset:" + hashlib.sha256(address.encode()).hexdigest()
        if _count_one(key) > settings.PASSWORD_RESET_EMAILS_PER_HOUR:
            security_event("password_reset_throttled", request=self.request, user=None)
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


def _count_one(key: str) -> int:
    """Add one to the address's count for this window and return it."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended (or the cache was flushed) between add and incr: start anew.
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1

"""The address of the client a request came from, with the trusted proxies taken off.

``TRUSTED_PROXY_COUNT`` says how many reverse proxies of our own stand in front of the
application. With none (the default) the client is ``REMOTE_ADDR`` and any
``X-Forwarded-For`` is the client's own invention. With N, each proxy appended the address
it received the request from, so the client is the N-th entry from the right; anything
left of it was written by the client. The login lockout, the token-issue throttle and the
security log all use this one function (SECURITY.md S19).
"""

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(proxies, len(hops))]

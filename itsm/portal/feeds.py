"""Calendar feed pages: where a person issues and revokes their secret feed addresses,
and the public address a calendar app fetches (``itsm.feeds`` does the work)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from itsm import feeds

ACTIONS = ("issue", "revoke")


def _page(request, *, issued=None, error: str = "", status: int = 200):
    tokens = feeds.live_tokens(request.user)
    rows = [{"feed": f, "token": tokens.get(f.kind)} for f in feeds.feeds_for(request.user)]
    context = {"rows": rows, "issued": issued, "error": error}
    response = render(request, "portal/feeds.html", context, status=status)
    # The page may show a secret address once: no cache may keep it.
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feed_addresses(request):
    if request.method != "POST":
        return _page(request)
    kind, action = request.POST.get("kind", ""), request.POST.get("action", "")
    if action not in ACTIONS:
        return _page(request, error="Choose to issue or revoke an address.", status=400)
    feed = feeds.feed_named(kind)
    if feed is None or not feed.visible_to(request.user):
        raise Http404("No such feed.")
    if action == "revoke":
        if feeds.feed_revoke(user=request.user, kind=kind):
            messages.success(request, f"Revoked your address for {feed.title}.")
        return redirect("portal:feeds")
    secret = feeds.feed_issue(user=request.user, kind=kind)
    issued = {"feed": feed, "url": feeds.feed_url(kind, secret)}
    return _page(request, issued=issued)


@require_safe
def feed(request, kind, secret):
    """The feed behind a secret address: 404 unless it is live and its owner may have it."""
    token = feeds.token_for(kind, secret)
    if token is None:
        raise Http404("No such feed.")
    body = feeds.render_feed(kind, token.user)
    feeds.feed_used(token)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{kind}.ics"'
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, no_store=True)
    return response

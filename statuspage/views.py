"""The status pages: public (no sign-in, cached, no JavaScript) and internal (staff).

Public pages are rendered without the request, from :mod:`statuspage.selectors`' plain
data, and kept in the cache until a status changes (:mod:`statuspage.cache`).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from itsm.errors import Refused
from statuspage import cache, selectors, services, tokens
from statuspage.choices import ComponentStatus
from statuspage.forms import SubscribeForm, throttled

PUBLIC_MAX_AGE = 30


def _public(response):
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


@require_GET
def page(request):
    html = cache.cached(
        "page",
        lambda: render_to_string(
            "statuspage/page.html", {"summary": selectors.page_summary(public=True)}
        ),
    )
    return _public(HttpResponse(html))


@require_GET
def history(request):
    html = cache.cached(
        "history",
        lambda: render_to_string(
            "statuspage/history.html", {"months": selectors.past_incidents(public=True)}
        ),
    )
    return _public(HttpResponse(html))


def summary_data() -> dict:
    summary = selectors.page_summary(public=True)
    return {
        "generated_at": summary["generated_at"].isoformat(),
        "status": {"indicator": summary["overall"], "description": summary["overall_label"]},
        "components": [
            {
                "id": c["id"],
                "name": c["name"],
                "group": c["group"] or None,
                "status": c["status"],
                "uptime_90_days": c["uptime"],
            }
            for c in summary["components"]
        ],
        "incidents": [
            {
                "id": i["id"],
                "title": i["title"],
                "impact": i["impact"],
                "state": i["state"],
                "started_at": i["started_at"].isoformat(),
                "components": i["components"],
                "updates": [
                    {
                        "state": u["state"],
                        "body": u["body"],
                        "posted_at": u["posted_at"].isoformat(),
                    }
                    for u in i["updates"]
                ],
            }
            for i in summary["incidents"]
        ],
        "scheduled_maintenances": [
            {
                "id": m["id"],
                "title": m["title"],
                "description": m["description"],
                "state": m["state"],
                "starts_at": m["starts_at"].isoformat(),
                "ends_at": m["ends_at"].isoformat(),
                "components": m["components"],
            }
            for m in summary["maintenance"]
        ],
    }


@require_GET
def summary_json(request):
    return _public(JsonResponse(cache.cached("summary", summary_data)))


def _feed(request) -> str:
    page_url = request.build_absolute_uri(reverse("statuspage:page"))
    feed = Atom1Feed(
        title="Service status",
        link=page_url,
        description="Status incidents and their updates",
        feed_url=request.build_absolute_uri(reverse("statuspage:feed")),
        language="en",
    )
    for entry in selectors.feed_entries():
        feed.add_item(
            title=f"[{entry['state_label']}] {entry['title']}",
            link=f"{page_url}history/#incident-{entry['incident_id']}",
            description=entry["body"],
            unique_id=f"{page_url}#update-{entry['id']}",
            pubdate=entry["posted_at"],
            updateddate=entry["posted_at"],
        )
    return feed.writeString("utf-8")


@require_GET
def feed(request):
    body = cache.cached(f"feed:{request.get_host()}", lambda: _feed(request))
    return _public(HttpResponse(body, content_type="application/atom+xml; charset=utf-8"))


@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttled(request, form.cleaned_data["email"]):
            form.add_error(None, "Too many requests from here; try again in an hour.")
        else:
            services.subscription_request(
                email=form.cleaned_data["email"],
                component_ids=[c.pk for c in form.cleaned_data["components"]],
            )
            return render(request, "statuspage/subscribe_sent.html")
    status = 429 if form.non_field_errors() else 200
    return render(request, "statuspage/subscribe.html", {"form": form}, status=status)


def _token_page(request, token: str, action: str, run):
    """GET shows one button (mail scanners that follow links change nothing); POST acts."""
    if request.method == "GET" and tokens.read(token, action) is None:
        return render(request, "statuspage/token.html", {"invalid": True}, status=400)
    if request.method == "POST":
        try:
            subscriber = run(token=token)
        except Refused:
            return render(request, "statuspage/token.html", {"invalid": True}, status=400)
        context = {"done": True, "action": action, "component": subscriber.component.display_name}
        return render(request, "statuspage/token.html", context)
    return render(request, "statuspage/token.html", {"action": action})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    return _token_page(request, token, "confirm", services.subscription_confirm)


# Mail clients' one-click unsubscribe (RFC 8058) POSTs here with no CSRF token; the
# signed token in the path is the authority.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    return _token_page(request, token, "unsubscribe", services.subscription_cancel)


@login_required
@require_GET
def internal(request):
    if not selectors.sees_internal_page(request.user):
        raise Http404
    context = {
        "summary": selectors.page_summary(public=False),
        "statuses": ComponentStatus,
        "internal": True,
    }
    return render(request, "statuspage/internal.html", context)

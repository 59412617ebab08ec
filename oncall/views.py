"""Portal pages for IT staff: who is on call (now and the next 7 days), my shifts, my open
pages with acknowledge; and the signed single-use acknowledgement link sent in a page."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from itsm.errors import Refused
from oncall import selectors, services
from oncall.choices import AckVia
from oncall.links import read_token
from oncall.models import Page

BOARD_DAYS = 7


def _staff_only(user) -> None:
    if not selectors.sees_on_call(user):
        raise Http404


@login_required
@require_safe
def board(request):
    _staff_only(request.user)
    now = timezone.now()
    until = now + timedelta(days=BOARD_DAYS)
    schedules = list(selectors.schedule_list_visible_to(user=request.user).filter(is_active=True))
    groups = [
        {
            "schedule": schedule,
            "now": selectors.on_call(schedule, now),
            "shifts": [
                (rot, selectors.rotation_shifts(rot, now, until))
                for rot in schedule.rotations.all()
            ],
        }
        for schedule in schedules
    ]
    context = {
        "groups": groups,
        "my_shifts": selectors.user_shifts(
            user=request.user, start=now, end=until, schedules=schedules
        ),
        "pages": list(selectors.open_pages_for(user=request.user)),
        "days": BOARD_DAYS,
    }
    return render(request, "oncall/board.html", context)


@login_required
@require_POST
def acknowledge(request, pk):
    _staff_only(request.user)
    page = selectors.page_get_for_user(user=request.user, pk=pk)
    try:
        services.page_acknowledge(page_id=page.pk, actor=request.user, via=AckVia.PORTAL)
    except Refused as refused:
        messages.error(request, f"{page.incident.number}: {refused.message}")
    else:
        messages.success(request, f"Acknowledged {page.incident.number}.")
    return redirect("oncall:list")


def _linked_page(token: str) -> Page:
    data = read_token(token)
    page = (
        data
        and Page.objects.select_related("incident", "person", "team")
        .filter(pk=data["page"])
        .first()
    )
    if not page:
        raise Http404
    return page


@require_safe
def acknowledge_link(request, token):
    """The link in a page: a confirmation page (a GET changes nothing, so link previews
    in chat tools cannot acknowledge by fetching it)."""
    page = _linked_page(token)
    return render(
        request,
        "oncall/acknowledge.html",
        {"page": page, "token": token, "done": not page.link_nonce},
    )


@require_POST
def acknowledge_link_confirm(request, token):
    page = _linked_page(token)
    try:
        services.page_acknowledge_by_link(token=token)
    except Refused as refused:
        context = {"page": page, "done": True, "error": refused.message}
        return render(request, "oncall/acknowledge.html", context, status=refused.status)
    page.refresh_from_db()
    return render(request, "oncall/acknowledge.html", {"page": page, "done": True, "now": True})

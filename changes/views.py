"""Staff pages of the portal for changes.

Deciding from the shared approvals inbox (``itsm.portal.approvals``, where the change
section shows each change's plans, risk answers, schedule and conflicts): approve or
reject with a comment through the change's ``approve`` and ``reject`` transitions
(separation of duties and stale versions are refused there, as in every other interface).

The change calendar: month and week views of the changes holding a planned window and
the freeze windows, server-rendered (plain links and a GET form, no script needed).

The CAB agenda: the normal changes awaiting authorisation for a meeting, with risk,
schedule, conflicts and approvals progress, printable.

A change's review: the incidents on its items before and after its window and those
caused by it (linked from the calendar once the change is implementing)."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.timezone import localdate, make_aware
from django.views.decorators.http import require_safe

from changes import calendar, selectors
from changes.choices import CAUSING_STATUSES
from changes.forms import CabAgendaForm, CalendarForm


@login_required
@require_safe
def change_calendar(request):
    """Month and week views of the changes holding a window, with the freeze windows."""
    if not selectors.sees_all_changes(request.user):
        raise Http404("No such page.")
    form = CalendarForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error": "Choose a month or week view and a valid date."}
        return render(request, "changes/calendar.html", context, status=400)
    data = form.cleaned_data
    period = calendar.period_for(data["view"] or calendar.MONTH, data["date"] or localdate())
    weeks = calendar.calendar_for(user=request.user, period=period, change_type=data["type"])
    query = {"view": period.view, "type": data["type"]}
    context = {
        "reviewable": CAUSING_STATUSES,
        "form": form,
        "period": period,
        "weeks": weeks,
        "previous": urlencode({**query, "date": period.previous.isoformat()}),
        "following": urlencode({**query, "date": period.following.isoformat()}),
        "other_view": urlencode(
            {**query, "view": calendar.WEEK if period.view == calendar.MONTH else calendar.MONTH}
            | {"date": period.anchor.isoformat()}
        ),
    }
    return render(request, "changes/calendar.html", context)


@login_required
@require_safe
def change_review(request, pk):
    """The review figures of a change (IT staff who see changes; a 404 for others)."""
    change = selectors.change_get_for_user(user=request.user, pk=pk)
    review = selectors.change_review(user=request.user, change=change)
    return render(request, "changes/review.html", {"change": change, "review": review})


def next_meeting(today):
    """The next CAB meeting day from ``today`` (the weekday set by CHANGE_CAB_WEEKDAY)."""
    return today + timedelta(days=(settings.CHANGE_CAB_WEEKDAY - today.weekday()) % 7)


@login_required
@require_safe
def cab_agenda(request):
    """The changes awaiting CAB authorisation for a meeting, printable."""
    if not selectors.sees_all_changes(request.user):
        raise Http404("No such page.")
    form = CabAgendaForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error": "Choose valid dates for the agenda."}
        return render(request, "changes/cab_agenda.html", context, status=400)
    meeting = form.cleaned_data["meeting"] or next_meeting(localdate())
    until = form.cleaned_data["until"] or meeting + timedelta(days=settings.CHANGE_CAB_HORIZON_DAYS)
    end = make_aware(datetime.combine(until + timedelta(days=1), time.min))
    context = {
        "form": form,
        "meeting": meeting,
        "until": until,
        "meeting_start": make_aware(datetime.combine(meeting, time.min)),
        "changes": selectors.cab_agenda(user=request.user, until=end),
    }
    return render(request, "changes/cab_agenda.html", context)

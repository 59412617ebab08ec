"""Portal pages for the response team: the live incident page, its polling endpoint, and
the stakeholder update form. IT staff only (others get a 404, anonymous a login)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods

from comms import selectors, services
from comms.forms import UpdateFields
from itsm.errors import Refused
from itsm.timeline_sources import assemble

# A row written in a transaction that began before a poll may commit after it with an
# earlier time; each poll looks this far behind its cursor and the page skips what it has.
POLL_OVERLAP = timedelta(minutes=2)
POLL_SECONDS = 5
KIND_LABELS = {
    "history": "Status",
    "comment": "Note",
    "sla": "SLA",
    "stakeholder_update": "Stakeholder update",
    "cadence": "Cadence missed",
    "status_update": "Public update",
    "alert": "Alert",
    "page": "Page",
    "ack": "Acknowledged",
}


def _entry(item) -> dict:
    return {
        "source": item.source,
        "at": item.at.isoformat(),
        "shown_at": timezone.localtime(item.at).strftime("%Y-%m-%d %H:%M:%S"),
        "kind": item.kind,
        "label": KIND_LABELS.get(item.kind, item.kind),
        "text": item.text,
    }


@login_required
@require_GET
def live(request, incident_id: int):
    incident = selectors.incident_for_staff(user=request.user, pk=incident_id)
    items = assemble(incident)
    cursor = max((item.at for item in items), default=timezone.now())
    context = {
        "incident": incident,
        "entries": [_entry(item) for item in items],
        "cursor": cursor.isoformat(),
        "stakeholders": selectors.stakeholders_of(incident),
        "missed": selectors.missed_cadence_count(incident),
        "cadence_minutes": services.cadence_minutes(incident.priority),
        "poll_seconds": POLL_SECONDS if incident.is_open else 0,
    }
    return render(request, "comms/live.html", context)


@login_required
@require_GET
def live_entries(request, incident_id: int):
    """The entries at or after ``since`` (an ISO time; with some overlap), as JSON."""
    incident = selectors.incident_for_staff(user=request.user, pk=incident_id)
    try:
        since = parse_datetime(request.GET.get("since", ""))
    except ValueError:  # well formed, but no such day or hour
        since = None
    if since is None or timezone.is_naive(since):
        return JsonResponse(
            {"code": "invalid_input", "detail": "since must be an ISO 8601 time with an offset."},
            status=400,
        )
    items = assemble(incident, since=since - POLL_OVERLAP)
    cursor = max([since, *(item.at for item in items)])
    return JsonResponse(
        {
            "cursor": cursor.isoformat(),
            "open": incident.is_open,
            "missed": selectors.missed_cadence_count(incident),
            "entries": [_entry(item) for item in items],
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def send_update(request, incident_id: int):
    incident = selectors.incident_for_staff(user=request.user, pk=incident_id)
    form = UpdateFields(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_update_send(
                incident_id=incident.pk, actor=request.user, **form.cleaned_data
            )
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "The update is on its way to the stakeholders.")
            return redirect("comms:live", incident.pk)
    context = {
        "form": form,
        "incident": incident,
        "stakeholders": selectors.stakeholders_of(incident),
        "last_update": selectors.last_update(incident),
    }
    return render(request, "comms/send_update.html", context, status=400 if form.errors else 200)

"""What alerts add to the incident console: the alert events that opened or repeat the
incident, newest first, in one query however many there are (the first
``EVENTS_SHOWN``, with a link to all of them)."""

from django.template.loader import render_to_string
from django.urls import reverse

from alerts.models import AlertEvent

EVENTS_SHOWN = 20


def alert_events_summary(incident) -> str:
    events = list(
        AlertEvent.objects.filter(incident=incident)
        .select_related("integration")
        .only(
            "pk",
            "title",
            "grouping_key",
            "status",
            "count",
            "first_seen",
            "last_seen",
            "flapping",
            "suppressed",
            "integration__name",
        )
        .order_by("-last_seen", "-id")[: EVENTS_SHOWN + 1]
    )
    context = {
        "events": events[:EVENTS_SHOWN],
        "more": len(events) > EVENTS_SHOWN,
        "all_url": reverse("admin:alerts_alertevent_changelist") + f"?q={incident.number}",
    }
    return render_to_string("alerts/admin/incident_alert_events.html", context)

"""Demo status page: a component per demo service (the HR ones internal), 90 days of
history with two outages, the demo major incident published with its updates through to
resolved, a maintenance window next week and a few confirmed subscribers. Found again by
service, title and address, so a second run creates nothing."""

from datetime import timedelta

from django.utils import timezone

from incidents.models import Incident
from itsm.models import Service
from statuspage import services, tokens
from statuspage.models import Component, Maintenance, StatusIncident, Subscriber

# service name, display name, group, public
COMPONENTS = [
    ("E-mail", "E-mail and calendars", "Collaboration", True),
    ("VPN", "Remote access (VPN)", "Network", True),
    ("Wi-Fi", "Office Wi-Fi", "Network", True),
    ("ERP", "ERP", "Business applications", False),
    ("Payroll", "Payroll", "Business applications", False),
]
MAINTENANCE_TITLE = "VPN gateway upgrade"
# address, services subscribed to
SUBSCRIBERS = [
    ("it-watch@example.com", ["E-mail", "VPN", "Wi-Fi"]),
    ("remote.team@example.com", ["VPN"]),
    ("front.desk@example.com", ["Wi-Fi", "E-mail"]),
]


def _components(users) -> dict:
    sam = users["sam"]
    start = timezone.now() - timedelta(days=90)
    found = {}
    for order, (service_name, name, group, public) in enumerate(COMPONENTS):
        service = Service.objects.filter(name=service_name).first()
        if service is None:
            continue
        component = Component.objects.filter(service=service).first()
        if component is None:
            component = services.component_create(
                actor=sam,
                service=service,
                display_name=name,
                group=group,
                is_public=public,
                order=order,
                created_at=start,
            )
            if service_name == "VPN":
                _outages(component, sam, start)
        found[service_name] = component
    return found


def _outages(component, actor, start) -> None:
    """Two outages in the history: a major one 40 days ago, a partial one 12 days ago."""
    for days, hours, status in [(50, 2, "major_outage"), (78, 0.75, "partial_outage")]:
        began = start + timedelta(days=days)
        services.component_set_status(
            component_id=component.pk, actor=actor, status=status, reason="Demo history", at=began
        )
        services.component_set_status(
            component_id=component.pk,
            actor=actor,
            status="",
            reason="Demo history",
            at=began + timedelta(hours=hours),
        )


def _status_incident(users, components) -> None:
    major = Incident.objects.filter(is_major=True).order_by("pk").first()
    wifi = components.get("Wi-Fi")
    if major is None or wifi is None or StatusIncident.objects.filter(incident=major).exists():
        return
    sam = users["sam"]
    status_incident = services.status_incident_open(
        incident_id=major.pk,
        actor=sam,
        title="Network outage at the head office",
        body="We are investigating reports that the network at the head office is down.",
        components=[wifi],
        impact="partial_outage",
    )
    for state, body in [
        ("identified", "A failed core switch is the cause; a replacement is being fitted."),
        ("monitoring", "The switch is replaced and the network is back; we are watching it."),
        ("resolved", "The network has been stable for an hour. Sorry for the disruption."),
    ]:
        services.status_update_post(
            status_incident_id=status_incident.pk, actor=sam, state=state, body=body
        )


def _maintenance(users, components) -> None:
    vpn = components.get("VPN")
    if vpn is None or Maintenance.objects.filter(title=MAINTENANCE_TITLE).exists():
        return
    starts = (timezone.now() + timedelta(days=6)).replace(
        hour=20, minute=0, second=0, microsecond=0
    )
    services.maintenance_create(
        actor=users["sam"],
        title=MAINTENANCE_TITLE,
        description="Remote access will be unavailable for up to two hours.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        components=[vpn],
    )


def _subscribers(components) -> None:
    """Asked for and confirmed through the double opt-in, as a customer would."""
    for email, names in SUBSCRIBERS:
        wanted = [components[name].pk for name in names if name in components]
        if not wanted or Subscriber.objects.filter(email=email).exists():
            continue
        services.subscription_request(email=email, component_ids=wanted)
        for pk in Subscriber.objects.filter(email=email).values_list("pk", flat=True):
            services.subscription_confirm(token=tokens.make(pk, "confirm"))


def load(users) -> None:
    components = _components(users)
    _status_incident(users, components)
    _maintenance(users, components)
    _subscribers(components)

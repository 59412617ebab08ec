"""Demo changes: every type across its states, two standard templates (one with a version
awaiting approval), a freeze window, a collision between two scheduled changes, an
emergency change awaiting retrospective approval, and a failed change that caused an
incident. Found again by title, so a second run creates nothing."""

from datetime import timedelta

from django.utils import timezone

from changes import services
from changes.models import Change, FreezeWindow, StandardChangeTemplate
from changes.policies import ensure_approval_setup
from incidents.models import Incident
from itsm.models import ConfigurationItem

PLANS = {
    "implementation_plan": "1. Announce. 2. Apply the change. 3. Verify.",
    "backout_plan": "Restore the configuration backup taken before step 2.",
    "test_plan": "Smoke tests and monitoring green for 30 minutes.",
}


def _item(name, **fields):
    return ConfigurationItem.objects.get_or_create(name=name, defaults=fields)[0]


def _at(days: int, hour: int = 22):
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def _template(users, name, item, *, pending_edit=False):
    chris, alex = users["chris"], users["alex"]
    template = StandardChangeTemplate.objects.filter(name=name).first()
    if template is None:
        template = services.template_create(actor=chris, name=name, description=name + ".")
    if not template.versions.exists():
        version = services.template_version_create(
            actor=chris, template_id=template.pk, configuration_items=[item], **PLANS
        )
        services.template_version_decide(version_id=version.pk, actor=alex, decision="approved")
        if pending_edit:
            services.template_version_create(
                actor=chris,
                template_id=template.pk,
                configuration_items=[item],
                risk="medium",
                **{**PLANS, "test_plan": "Full regression suite."},
            )
    return template.current_version()


def _run(change, actor, *steps):
    for name, params in steps:
        change = services.change_transition(change_id=change.pk, name=name, actor=actor, **params)
    return change


def load(users):
    ensure_approval_setup(users)
    chris, sam, alex, avery = users["chris"], users["sam"], users["alex"], users["avery"]
    web = _item("web-01", criticality="high")
    db = _item("db-01", criticality="critical")
    if not web.depends_on.filter(pk=db.pk).exists():  # adding again writes history again
        web.depends_on.add(db)
    patch = _template(users, "Patch a web server", web)
    _template(users, "Renew a TLS certificate", web, pending_edit=True)
    if not FreezeWindow.objects.filter(name="Year-end freeze").exists():
        FreezeWindow.objects.create(
            name="Year-end freeze",
            reason="Financial close.",
            starts_at=_at(40, 0),
            ends_at=_at(47, 0),
        )
    if Change.objects.filter(title__startswith="Demo:").exists():
        return

    def normal(title, days, **fields):
        return services.change_create(
            actor=chris,
            title=f"Demo: {title}",
            planned_start=_at(days),
            planned_end=_at(days) + timedelta(hours=2),
            configuration_items=fields.pop("items", [web]),
            risk_answers={"users_affected": 50, "backout_tested": True},
            **PLANS,
            **fields,
        )

    normal("Upgrade the load balancer firmware", 10)
    assessed = normal("Resize the database volume", 12, items=[db])
    _run(assessed, chris, ("submit", {}))
    waiting = normal("Rotate the web server keys", 14)
    _run(waiting, chris, ("submit", {}), ("request_authorisation", {}))
    scheduled = services.change_create_from_template(
        actor=sam,
        version_id=patch.pk,
        title="Demo: Monthly patch of web-01",
        planned_start=_at(20),
        planned_end=_at(20) + timedelta(hours=2),
    )
    _run(scheduled, sam, ("schedule_standard", {}))
    clash = normal("Database minor version upgrade", 20, items=[db])
    clash = _run(
        clash,
        chris,
        ("submit", {}),
        ("request_authorisation", {"acknowledgement": "Coordinated with the web patch team."}),
    )
    emergency = services.change_create(
        actor=sam,
        change_type="emergency",
        title="Demo: Block the exploited TLS cipher",
        justification="Active exploitation reported by the CERT.",
        planned_start=_at(0, 23),
        planned_end=_at(1, 1),
        configuration_items=[web],
        **PLANS,
    )
    _run(
        emergency,
        chris,
        ("submit_emergency", {"reason": "Active exploitation.", "acknowledgement": "Emergency."}),
        ("implement_without_approval", {"reason": "No emergency CAB member answered in 30 min."}),
    )
    failed = normal("Tune the connection pool", -3, items=[db])
    failed = _run(
        failed,
        chris,
        ("submit", {}),
        ("request_authorisation", {}),
    )
    failed = _run(failed, alex, ("approve", {"reason": "Looks fine."}))
    failed = _run(failed, avery, ("approve", {"reason": "OK."})) if failed.risk != "low" else failed
    failed = _run(failed, chris, ("start", {}), ("complete", {}))
    failed = _run(
        failed,
        chris,
        ("close", {"closure_code": "failed", "review_notes": "Pool exhaustion; backed out."}),
    )
    # The oldest demo incident stands for the outage the failed change caused.
    incident = Incident.objects.order_by("pk").first()
    if incident is not None:
        services.incident_set_caused_by(incident_id=incident.pk, change_id=failed.pk, actor=sam)

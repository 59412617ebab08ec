"""Standard change templates and their versions.

Editing a template's plans, risk or allowed items makes a new version, which waits for
the CAB (the approvals engine, policy ``template``); only approved versions can be used,
and changes keep the version they came from.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from changes import approval
from changes.choices import VersionStatus
from changes.models import StandardChangeTemplate, TemplateVersion
from changes.services.records import check_may
from itsm import approvals
from itsm.audit import record_change
from itsm.errors import Refused
from itsm.models import ApprovalTrack
from itsm.writes import lock_record


def template_create(*, actor, name: str, description: str = "") -> StandardChangeTemplate:
    check_may(actor)
    template = StandardChangeTemplate(name=(name or "").strip(), description=description)
    template.full_clean()
    record_change(template, actor, "create")
    template.save()
    return template


def template_version_create(
    *,
    actor,
    template_id,
    implementation_plan: str,
    backout_plan: str,
    test_plan: str = "",
    risk: str = "low",
    services=(),
    configuration_items=(),
) -> TemplateVersion:
    """A new version of the template, awaiting CAB approval."""
    check_may(actor)
    with transaction.atomic():
        template = lock_record(StandardChangeTemplate, template_id)
        last = template.versions.aggregate(n=Max("number"))["n"] or 0
        version = TemplateVersion(
            template=template,
            number=last + 1,
            implementation_plan=implementation_plan,
            backout_plan=backout_plan,
            test_plan=test_plan,
            risk=risk,
            created_by=actor,
        )
        version.full_clean()
        record_change(version, actor, "new version")
        version.save()
        version.services.set(services)
        version.configuration_items.set(configuration_items)
        policy = approvals.policy_for(TemplateVersion, approval.TEMPLATE)
        approvals.open_track(version, policy, actor=actor)
    return version


def template_version_decide(
    *, version_id, actor, decision: str, comment: str = ""
) -> TemplateVersion:
    """A CAB member's decision on a version; its author may not approve it."""
    with transaction.atomic():
        version = lock_record(TemplateVersion, version_id)
        if version.status != VersionStatus.AWAITING_APPROVAL:
            raise Refused("no_pending_approval", number=version.number_label)
        track = approvals.decide(
            version,
            actor=actor,
            decision=decision,
            comment=comment,
            conflicts={"wrote this version": version.created_by_id},
        )
        if track.state == ApprovalTrack.State.PENDING:
            return version
        version.status = (
            VersionStatus.APPROVED
            if track.state == ApprovalTrack.State.APPROVED
            else VersionStatus.REJECTED
        )
        version.decided_at = timezone.now()
        record_change(version, actor, f"{version.get_status_display().lower()}")
        version.save()
    return version

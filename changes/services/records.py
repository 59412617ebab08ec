"""Logging and editing changes (never their status), risk, and incidents they caused."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from changes.choices import (
    CAUSING_STATUSES,
    SUBMITTED_STATUSES,
    UNSUCCESSFUL,
    ChangeType,
    Status,
    VersionStatus,
)
from changes.models import Change, TemplateVersion
from changes.risk import assess
from changes.services.transitions import change_transition
from incidents.models import Incident
from itsm.audit import record_change
from itsm.errors import Refused
from itsm.notifications import notify_on_commit
from itsm.numbering import allocate_number
from itsm.roles import role_allows
from itsm.writes import lock_record, save_record, validate_fields

# The questions people answer; the others are read from the change itself.
ASKED = ("users_affected", "backout_tested")
CRITICALITY_ORDER = ["low", "medium", "high", "critical"]
FAILED_LOOKBACK = timedelta(days=90)

STAFF_EDITABLE = frozenset(
    {
        "title",
        "description",
        "justification",
        "change_manager",
        "implementation_group",
        "implementer",
        "category",
        "services",
        "configuration_items",
        "risk_answers",
        "implementation_plan",
        "backout_plan",
        "test_plan",
        "planned_start",
        "planned_end",
        "outage_expected",
        "problem",
    }
)
# Editing these after submission voids the approvals and returns the change to assessment.
SCOPE = frozenset(
    {
        "services",
        "configuration_items",
        "risk_answers",
        "implementation_plan",
        "backout_plan",
        "test_plan",
        "planned_start",
        "planned_end",
        "outage_expected",
    }
)
M2M = ("services", "configuration_items")


def check_may(actor, action: str = "add") -> None:
    if not role_allows(actor, "changes", action):
        raise Refused("not_permitted", "Only change staff may do this.")


def _check_fields(change) -> None:
    errors = {}
    group, implementer = change.implementation_group, change.implementer
    if (
        implementer is not None
        and group is not None
        and not group.members.filter(pk=implementer.pk)
    ):
        errors["implementer"] = "The implementer must be a member of the implementation group."
    if change.planned_start and change.planned_end and change.planned_end <= change.planned_start:
        errors["planned_end"] = "The planned end must be after the planned start."
    if errors:
        raise ValidationError(errors)


def failed_changes_on(ci_ids, *, exclude_id=None, now=None) -> int:
    since = (now or timezone.now()) - FAILED_LOOKBACK
    return (
        Change.objects.filter(
            configuration_items__in=list(ci_ids),
            closure_code__in=UNSUCCESSFUL,
            closed_at__gte=since,
        )
        .exclude(pk=exclude_id)
        .values("pk")
        .distinct()
        .count()
    )


def reassess(change, answers=None, *, services=None, items=None) -> list[str]:
    """Recompute the risk from the answers and the change's items; return changed fields.

    ``services`` and ``items`` default to the saved relations. An override stands (its
    reason stays) unless the computed level now equals it.
    """
    items = list(change.configuration_items.all() if items is None else items)
    services = list(change.services.all() if services is None else services)
    given = {k: v for k, v in (answers or change.risk_answers or {}).items() if k in ASKED}
    full = {
        "users_affected": int(given.get("users_affected") or 0),
        "backout_tested": bool(given.get("backout_tested")),
        "services_affected": len(services),
        "ci_criticality": max(
            (ci.criticality for ci in items), key=CRITICALITY_ORDER.index, default="low"
        ),
        "outage_needed": change.outage_expected,
        "failed_changes_90d": failed_changes_on([ci.pk for ci in items], exclude_id=change.pk),
    }
    result = assess(full)
    change.risk_answers, change.risk_score, change.risk_rule = full, result.score, result.rule
    change.computed_risk = result.level
    if not change.risk_override_reason or change.risk == result.level:
        change.risk, change.risk_override_reason = result.level, ""
    return [
        "risk_answers",
        "risk_score",
        "risk_rule",
        "computed_risk",
        "risk",
        "risk_override_reason",
    ]


def change_create(
    *,
    actor,
    title: str,
    change_type: str = ChangeType.NORMAL,
    services=(),
    configuration_items=(),
    risk_answers: dict | None = None,
    **fields,
) -> Change:
    """Log a normal or emergency change (standard ones come from a template)."""
    check_may(actor)
    if change_type == ChangeType.STANDARD:
        raise ValidationError({"change_type": "Standard changes are created from a template."})
    unknown = set(fields) - STAFF_EDITABLE
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    change = Change(
        title=(title or "").strip(), change_type=change_type, requested_by=actor, **fields
    )
    return _create(change, actor, services, configuration_items, risk_answers)


def _create(change, actor, services, items, answers, *, risk_from=None) -> Change:
    reassess(change, answers, services=services, items=items)
    if risk_from is not None and risk_from.risk != change.computed_risk:
        # The template's risk was approved with it: it stands, with that reason.
        change.risk = risk_from.risk
        change.risk_override_reason = f"pre-approved {risk_from.number_label}"
    validate_fields(change, exclude=["number"])
    _check_fields(change)
    with transaction.atomic():
        change.number = allocate_number("CHG")
        record_change(change, actor, "create")
        change.save()
        change.services.set(services)
        change.configuration_items.set(items)
        notify_on_commit(change, "logged")
    return change


def change_create_from_template(
    *, actor, version_id, title: str = "", configuration_items=None, **fields
) -> Change:
    """A standard change from an approved template version (plans, risk and items copied;
    items may be narrowed to those the template allows)."""
    check_may(actor)
    version = TemplateVersion.objects.select_related("template").get(pk=version_id)
    if version.status != VersionStatus.APPROVED:
        raise Refused("change_template_not_approved", version=version.number_label)
    allowed = list(version.configuration_items.all())
    items = allowed if configuration_items is None else list(configuration_items)
    outside = [ci.name for ci in items if ci not in allowed]
    if outside:
        raise Refused(
            "change_template_outside_scope", field="configuration_items", items=", ".join(outside)
        )
    unknown = set(fields) - STAFF_EDITABLE
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    change = Change(
        title=(title or version.template.name).strip(),
        change_type=ChangeType.STANDARD,
        requested_by=actor,
        template_version=version,
        description=fields.pop("description", version.template.description),
        implementation_plan=version.implementation_plan,
        backout_plan=version.backout_plan,
        test_plan=version.test_plan,
        **fields,
    )
    return _create(
        change,
        actor,
        list(version.services.all()),
        items,
        {"backout_tested": True},
        risk_from=version,
    )


def change_update(*, change_id, actor, changes: dict, expected_version: int | None = None):
    """Edit fields (never status). A scope edit after submission voids the approvals and
    returns the change to assessment, with history; in emergency authorisation it voids
    the approvals and asks the emergency CAB again."""
    check_may(actor)
    refused = sorted(set(changes) - STAFF_EDITABLE)
    if refused:
        raise ValidationError({name: "You may not change this field." for name in refused})
    with transaction.atomic():
        change = lock_record(Change, change_id, expected_version=expected_version)
        if change.is_finished:
            raise Refused(
                "record_closed", number=change.number, state=change.get_status_display().lower()
            )
        changed = [name for name, value in changes.items() if _differs(change, name, value)]
        if not changed:
            return change
        scope = sorted(set(changed) & SCOPE)
        if scope and change.status in (Status.IMPLEMENTING, Status.REVIEW):
            raise Refused("not_permitted", "The scope of a change being implemented is fixed.")
        for name in changed:
            if name not in M2M:
                setattr(change, name, changes[name])
        validate_fields(change, exclude=["number"])
        _check_fields(change)
        for name in set(changed) & set(M2M):
            getattr(change, name).set(changes[name])
        fields = {n for n in changed if n not in M2M}
        if scope:
            fields.update(reassess(change, changes.get("risk_answers")))
        save_record(
            change, actor=actor, reason="update: " + ", ".join(sorted(changed)), fields=fields
        )
        if scope and change.status == Status.EMERGENCY_AUTHORISATION:
            _reopen_emergency_approval(change, actor, "scope edited: " + ", ".join(scope))
        if scope and change.status in SUBMITTED_STATUSES and change.status != Status.ASSESSMENT:
            change = change_transition(
                change_id=change.pk,
                name="return_to_assessment",
                actor=actor,
                reason="scope edited: " + ", ".join(scope),
            )
    return change


def _reopen_emergency_approval(change, actor, reason: str) -> None:
    """Void what the emergency CAB decided on the old scope and ask it again."""
    from changes.approval import EMERGENCY
    from itsm import approvals

    approvals.void_track(change, actor=actor, reason=reason)
    approvals.open_track(change, approvals.policy_for(Change, EMERGENCY), actor=actor)
    notify_on_commit(change, "approval_requested", reason="scope edited")


def _differs(change, name: str, value) -> bool:
    if name in M2M:
        return {o.pk for o in value} != set(getattr(change, name).values_list("pk", flat=True))
    if name == "risk_answers":
        current = {k: change.risk_answers.get(k) for k in ASKED}
        return any(k in value and value[k] != current[k] for k in ASKED)
    return getattr(change, name) != value


def change_override_risk(
    *, change_id, actor, risk: str, reason: str, expected_version: int | None = None
) -> Change:
    """Set the risk by hand (change managers; reason required and audited), or clear the
    override with ``risk`` equal to the computed level."""
    from changes.workflow import change_manager

    if not change_manager(actor, None):
        raise Refused("not_permitted", "Only change managers may override the risk.")
    reason = (reason or "").strip()
    with transaction.atomic():
        change = lock_record(Change, change_id, expected_version=expected_version)
        clearing = risk == change.computed_risk
        if not clearing and not reason:
            raise Refused("risk_override_reason_required", field="reason")
        change.risk = risk
        validate_fields(change, exclude=["number"])
        change.risk_override_reason = "" if clearing else reason
        why = (
            f"risk override cleared ({risk})"
            if clearing
            else f"risk overridden to {risk}: {reason}"
        )
        return save_record(change, actor=actor, reason=why, fields={"risk", "risk_override_reason"})


def incident_set_caused_by(*, incident_id, change_id, actor) -> Incident:
    """Mark an incident as caused by a change (or clear it with ``change_id=None``).

    Only a change that has been started (implementing, in review or closed) can have
    caused an incident. The one write path of the admin button and the incident API.
    """
    check_may(actor, "view")
    if not role_allows(actor, "incidents", "change"):
        raise Refused("not_permitted", "Only incident staff may do this.")
    number = None
    if change_id is not None:
        found = Change.objects.filter(pk=change_id).values_list("number", "status").first()
        if found is None:
            raise Refused("change_not_found", field="change", change=change_id)
        number, state = found
        if state not in CAUSING_STATUSES:
            raise Refused(
                "change_not_implemented", field="change", number=number, state=Status(state).label
            )
    with transaction.atomic():
        incident = lock_record(Incident, incident_id)
        if incident.caused_by_change_id == change_id:
            return incident
        incident.caused_by_change_id = change_id
        reason = f"caused by {number}" if number else "no longer marked as caused by a change"
        return save_record(incident, actor=actor, reason=reason, fields={"caused_by_change"})

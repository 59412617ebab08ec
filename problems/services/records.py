"""Logging and editing problems (never their status), and linking incidents to them."""

from django.core.exceptions import ValidationError
from django.db import transaction

from incidents.models import Incident
from itsm.audit import record_change
from itsm.choices import Level, RecordKind
from itsm.errors import Refused
from itsm.models import Category
from itsm.notifications import notify_on_commit
from itsm.numbering import allocate_number
from itsm.priority import compute_priority
from itsm.roles import role_allows
from itsm.writes import lock_record, save_record, validate_fields
from problems.choices import Origin
from problems.models import Problem

STAFF_EDITABLE = frozenset(
    {
        "title",
        "description",
        "origin",
        "category",
        "service",
        "configuration_items",
        "impact",
        "urgency",
        "assignment_group",
        "assignee",
        "root_cause",
        "root_cause_category",
        "contributing_factors",
        "five_whys",
        "workaround",
    }
)


def _check_may(actor, action: str) -> None:
    if not role_allows(actor, "problems", action):
        raise Refused("not_permitted", "Only problem staff may do this.")


def _check_fields(problem) -> None:
    errors = {}
    if problem.category and (
        problem.category.kind != RecordKind.PROBLEM or problem.category.parent_id
    ):
        errors["category"] = "Choose a top-level problem category."
    group, assignee = problem.assignment_group, problem.assignee
    if assignee is not None and (group is None or not group.members.filter(pk=assignee.pk)):
        errors["assignee"] = "The assignee must be a member of the assignment group."
    if problem.workaround_published and not problem.workaround.strip():
        errors["workaround"] = "A published workaround cannot be emptied; withdraw it first."
    if errors:
        raise ValidationError(errors)


def problem_create(
    *,
    actor,
    title: str,
    description: str = "",
    origin: str = Origin.REACTIVE,
    category=None,
    service=None,
    configuration_items=(),
    impact: str = Level.MEDIUM,
    urgency: str = Level.MEDIUM,
    assignment_group=None,
    assignee=None,
    incident_ids=(),
) -> Problem:
    """Log a problem (number, priority from the matrix) and link ``incident_ids`` to it."""
    _check_may(actor, "add")
    problem = Problem(
        title=(title or "").strip(),
        description=description or "",
        reported_by=actor,
        origin=origin,
        category=category,
        service=service,
        impact=impact,
        urgency=urgency,
        assignment_group=assignment_group or (category.default_group if category else None),
        assignee=assignee,
    )
    validate_fields(problem, exclude=["number", "priority"])
    _check_fields(problem)
    problem.priority = compute_priority(impact=impact, urgency=urgency)
    with transaction.atomic():
        problem.number = allocate_number("PRB")
        record_change(problem, actor, "create")
        problem.save()
        if configuration_items:
            problem.configuration_items.set(configuration_items)
        notify_on_commit(problem, "logged")
        if incident_ids:
            problem_link_incidents(problem_id=problem.pk, incident_ids=incident_ids, actor=actor)
    return problem


def problem_update(*, problem_id, actor, changes: dict, expected_version: int | None = None):
    """Edit fields (never status or publication): problem staff only."""
    _check_may(actor, "change")
    refused = sorted(set(changes) - STAFF_EDITABLE)
    if refused:
        raise ValidationError({name: "You may not change this field." for name in refused})
    with transaction.atomic():
        problem = lock_record(Problem, problem_id, expected_version=expected_version)
        if problem.is_finished:
            raise Refused(
                "record_closed", number=problem.number, state=problem.get_status_display().lower()
            )
        items = changes.get("configuration_items")
        items_changed = items is not None and {i.pk for i in items} != set(
            problem.configuration_items.values_list("pk", flat=True)
        )
        changed = [
            name
            for name, value in changes.items()
            if name != "configuration_items" and getattr(problem, name) != value
        ]
        if not changed and not items_changed:
            return problem
        for name in changed:
            setattr(problem, name, changes[name])
        validate_fields(problem, exclude=["number"])
        _check_fields(problem)
        fields = set(changed)
        if {"impact", "urgency"} & fields:
            problem.priority = compute_priority(impact=problem.impact, urgency=problem.urgency)
            fields.add("priority")
        names = sorted([*changed, *(["configuration_items"] if items_changed else [])])
        if items_changed:
            problem.configuration_items.set(items)
        save_record(problem, actor=actor, reason="update: " + ", ".join(names), fields=fields)
    return problem


def set_incident_problem(incident_id, problem, *, actor, reason: str) -> Incident:
    incident = lock_record(Incident, incident_id)
    if incident.problem_id == (problem.pk if problem else None):
        return incident
    incident.problem = problem
    return save_record(incident, actor=actor, reason=reason, fields={"problem"})


def problem_link_incidents(*, problem_id, incident_ids, actor) -> list[Incident]:
    """Link incidents to a problem; each incident gets a history row naming the problem.

    Incidents that are already linked elsewhere are moved; finished problems take no
    new links. Locks the problem, then the incidents in id order.
    """
    _check_may(actor, "change")
    with transaction.atomic():
        problem = lock_record(Problem, problem_id)
        if problem.is_finished:
            raise Refused(
                "record_closed", number=problem.number, state=problem.get_status_display().lower()
            )
        ids = sorted(set(incident_ids))
        found = set(Incident.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if found != set(ids):
            raise ValidationError({"incidents": "Some of these incidents do not exist."})
        return [
            set_incident_problem(pk, problem, actor=actor, reason=f"linked to {problem.number}")
            for pk in ids
        ]


def problem_unlink_incident(*, incident_id, actor) -> Incident:
    """Take an incident off its problem (history on the incident)."""
    _check_may(actor, "change")
    with transaction.atomic():
        incident = lock_record(Incident, incident_id, related=("problem",))
        if incident.problem is None:
            return incident
        reason = f"unlinked from {incident.problem.number}"
        incident.problem = None
        return save_record(incident, actor=actor, reason=reason, fields={"problem"})


def _problem_category(incidents) -> Category | None:
    """The problem category named like the incidents' one category, if they share one."""
    names = {i.category.name if i.category_id else None for i in incidents}
    if len(names) != 1 or None in names:
        return None
    return Category.objects.filter(
        kind=RecordKind.PROBLEM, parent=None, name=names.pop(), is_active=True
    ).first()


def problem_create_from_incidents(*, actor, incident_ids, title: str = "") -> Problem:
    """A problem for these incidents: their common category and service where they share
    one, their children when one is a major incident, every incident linked."""
    incidents = list(
        Incident.objects.filter(pk__in=incident_ids).select_related("category", "service")
    )
    if not incidents:
        raise ValidationError({"incidents": "Choose at least one incident."})
    major = [i for i in incidents if i.is_major]
    ids = {i.pk for i in incidents}
    if major:
        ids |= set(Incident.objects.filter(parent__in=major).values_list("pk", flat=True))
    services = {i.service_id for i in incidents}
    service = incidents[0].service if len(services) == 1 else None
    items = {i.configuration_item for i in incidents if i.configuration_item_id}
    first = min(incidents, key=lambda i: i.pk)
    return problem_create(
        actor=actor,
        title=title or first.title,
        description="\n".join(f"{i.number}: {i.title}" for i in incidents),
        origin=Origin.MAJOR_INCIDENT if major else Origin.REACTIVE,
        category=_problem_category(incidents),
        service=service,
        configuration_items=items,
        incident_ids=ids,
    )

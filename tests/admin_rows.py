"""Rows for any model registered in the admin, so meta-tests can load every changelist.

``add_rows(model, count)`` adds ``count`` rows. Models listed in :data:`ROW_MAKERS` get
realistic rows through their services; any other model gets rows made from its field
declarations by :class:`AutoRows` (every foreign key filled, so a column that follows one
without ``list_select_related`` shows up as a query per row). A new app's admin is
covered without a line here; a model whose constraints the automatic rows break gets a
maker in :data:`ROW_MAKERS`.
"""

import itertools
import uuid
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from incidents import services
from incidents.tests.factories import make_incident, network_team
from itsm.models import PriorityMatrixCell

_numbers = itertools.count(1)


class AutoRows:
    """Rows made from a model's fields: required ones get plain values, every foreign key
    a target (a new one per row when required, so unique pairs hold; one shared row when
    optional; an existing row of the same model for a self-reference)."""

    def __init__(self):
        self.shared: dict[type[models.Model], models.Model] = {}

    def make(self, model: type[models.Model]) -> models.Model:
        values = {}
        for field in model._meta.concrete_fields:
            if field.is_relation:
                target = self._target(model, field)
                if target is not None:
                    values[field.name] = target
            elif self._needs_value(field):
                values[field.name] = plain_value(field, next(_numbers))
        row = model(**values)
        row.save()  # not the manager's create(), which some libraries redefine
        return row

    def _target(self, model, field):
        related = field.related_model
        if related is model:
            return model.objects.order_by("pk").first()
        if field.null and not field.one_to_one:
            if related not in self.shared:
                self.shared[related] = self.make(related)
            return self.shared[related]
        return self.make(related)

    @staticmethod
    def _needs_value(field) -> bool:
        if field.primary_key and (field.auto_created or isinstance(field, models.AutoField)):
            return False
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return False
        return not (field.has_default() or field.null)


def plain_value(field, n: int):
    """A valid value of ``field`` that differs between rows (``n``) where the type allows."""
    if field.choices:
        return next(value for value, _label in field.flatchoices if value not in ("", None))
    if isinstance(field, models.EmailField):
        return f"row{n}@example.com"
    if isinstance(field, models.GenericIPAddressField):
        return f"10.0.{n // 250}.{n % 250 + 1}"
    if isinstance(field, models.FileField):
        return f"rows/{n}.txt"
    if isinstance(field, (models.CharField, models.TextField)):
        suffix = f"-{n}"
        limit = field.max_length or 100
        return field.name[: max(limit - len(suffix), 0)] + suffix[-limit:]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField):
        return n
    if isinstance(field, models.DecimalField):
        return Decimal(1)
    if isinstance(field, models.FloatField):
        return float(n)
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return date.today()
    if isinstance(field, models.TimeField):
        return time(9, 0)
    if isinstance(field, models.DurationField):
        return timedelta(minutes=n)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    raise NotImplementedError(
        f"{field.model._meta.label}.{field.name}: no automatic value for "
        f"{type(field).__name__}; add a row maker to tests/admin_rows.py"
    )


# --- Realistic rows through the services (the demo people must exist) ----------------------


def _people() -> dict:
    names = ("emma", "sam", "ravi")
    return {user.username: user for user in get_user_model().objects.filter(username__in=names)}


def _incidents(count: int) -> None:
    people = _people()
    for index in range(count):
        incident = make_incident(reporter=people["emma"])
        if index % 2:
            services.incident_transition(
                incident_id=incident.pk,
                name="assign",
                actor=people["sam"],
                group=network_team(),
                assignee=people["ravi"],
            )


def _comments(count: int) -> None:
    people = _people()
    for index in range(count):
        incident = make_incident(reporter=people["emma"])
        services.incident_comment_add(
            incident_id=incident.pk,
            actor=people["sam"],
            body=f"Called the user ({index}).",
            visibility="internal" if index % 2 else "public",
        )


def _attachments(count: int) -> None:
    people = _people()
    for index in range(count):
        incident = make_incident(reporter=people["emma"])
        upload = SimpleUploadedFile(f"router-{index}.log", b"link down")
        services.incident_attachment_add(
            incident_id=incident.pk, actor=people["emma"], upload=upload
        )


def _matrix(count: int) -> None:
    """The matrix has nine cells at most: cut to ``count`` cells, or filled again."""
    cells = PriorityMatrixCell.objects.order_by("pk")
    if count < cells.count():
        for cell in cells[count:]:
            cell.delete()
        return
    present = set(cells.values_list("impact", "urgency"))
    levels = [value for value, _ in PriorityMatrixCell._meta.get_field("impact").choices]
    for impact, urgency in itertools.product(levels, levels):
        if (impact, urgency) not in present:
            PriorityMatrixCell.objects.create(impact=impact, urgency=urgency, priority=3)


def _approval_policy(steps: int):
    """A policy of one-person steps (the steps' shape is constrained) and its approver."""
    from itsm.models import ApprovalPolicy, ApprovalStep

    person = get_user_model().objects.create(username=f"approver{next(_numbers)}")
    policy = ApprovalPolicy.objects.create(
        record_type="itsm.service", key=f"k{next(_numbers)}", name="Policy"
    )
    for order in range(1, steps + 1):
        ApprovalStep.objects.create(policy=policy, order=order, kind="person", person=person)
    return policy, person


def _approval_steps(count: int) -> None:
    _approval_policy(count)


def _approval_tracks(count: int, *, decide: bool = False) -> None:
    from itsm import approvals
    from itsm.models import Service

    policy, person = _approval_policy(1)
    for _ in range(count):
        record = Service.objects.create(name=f"Service {next(_numbers)}")
        approvals.open_track(record, policy, actor=person)
        if decide:
            approvals.decide(record, actor=person, decision="approved")


def _approvals(count: int) -> None:
    _approval_tracks(count, decide=True)


def _postmortem_actions(count: int) -> None:
    from itsm.demo.people import load_people
    from postmortems import services as postmortems
    from postmortems.tests.factories import make_postmortem

    people = load_people()
    postmortem = make_postmortem(people)
    for number in range(count):
        postmortems.action_item_add(
            postmortem_id=postmortem.pk, actor=people["ravi"], title=f"Action {number}"
        )


def _stakeholders(count: int) -> None:
    """People on major incidents' lists (a row holds one kind), through the service."""
    from comms import services as comms
    from itsm.demo.people import load_people

    ravi = load_people()["ravi"]
    for _ in range(count):
        incident = make_incident(reporter=ravi, impact="high", urgency="high")
        services.incident_transition(incident_id=incident.pk, name="declare_major", actor=ravi)
        comms.stakeholders_add(incident_id=incident.pk, actor=ravi, people=[ravi])


ROW_MAKERS: dict[str, Callable[[int], None]] = {
    "itsm.Approval": _approvals,
    "itsm.ApprovalStep": _approval_steps,
    "itsm.ApprovalTrack": _approval_tracks,
    "incidents.Incident": _incidents,
    "incidents.IncidentComment": _comments,
    "incidents.IncidentAttachment": _attachments,
    "itsm.PriorityMatrixCell": _matrix,
    "postmortems.ActionItem": _postmortem_actions,
    "comms.Stakeholder": _stakeholders,
}


def add_rows(model: type[models.Model], count: int) -> None:
    maker = ROW_MAKERS.get(model._meta.label)
    if maker is not None:
        maker(count)
        return
    rows = AutoRows()
    for _ in range(count):
        rows.make(model)

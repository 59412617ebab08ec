"""Creating and editing postmortems and their timelines; the one transition service."""

from django.core.exceptions import ValidationError
from django.db import transaction

from incidents.models import Incident
from itsm.audit import record_change
from itsm.errors import Refused
from itsm.roles import role_allows
from itsm.workflow import run_transition
from itsm.writes import lock_record, save_record
from postmortems.choices import EntryKind, Status
from postmortems.due import due_after
from postmortems.models import Postmortem, TimelineEntry
from postmortems.services.timeline import assemble
from postmortems.workflow import WORKFLOW

# What the owner edits while the postmortem is a draft.
EDITABLE = frozenset(
    {
        "title",
        "owner",
        "summary",
        "impact_started_at",
        "impact_ended_at",
        "users_affected",
        "impact_description",
        "services_affected",
        "root_cause",
        "contributing_factors",
        "problem",
        "detection",
        "detection_notes",
        "went_well",
        "went_badly",
        "got_lucky",
    }
)
M2M = frozenset({"services_affected"})


def may_write(actor, postmortem) -> bool:
    return postmortem.owner_id == actor.pk or role_allows(actor, "postmortems", "change")


def check_draft(postmortem) -> None:
    if postmortem.status != Status.DRAFT:
        raise Refused("postmortem_read_only", state=postmortem.get_status_display().lower())


def _check_writer(actor, postmortem) -> None:
    if not may_write(actor, postmortem):
        raise Refused("not_permitted", "Only the owner or postmortem staff may edit it.")


def postmortem_create(*, incident_id, actor, title: str = "") -> Postmortem:
    """Open the postmortem of a major incident, its timeline built from the incident."""
    with transaction.atomic():
        incident = lock_record(Incident, incident_id, related=("service",))
        if not (role_allows(actor, "postmortems", "add") or incident.commander_id == actor.pk):
            raise Refused("not_permitted", "Only the commander or postmortem staff may open one.")
        if not incident.is_major:
            raise Refused("postmortem_not_major", number=incident.number)
        if Postmortem.objects.filter(incident=incident).exists():
            raise Refused("postmortem_exists", number=incident.number)
        postmortem = Postmortem(
            incident=incident,
            title=(title or f"Postmortem: {incident.title}")[:200],
            owner_id=incident.commander_id or actor.pk,
            created_by=actor,
            impact_started_at=incident.detected_at or incident.reported_at,
            impact_ended_at=incident.resolved_at,
            problem_id=incident.problem_id,
            due_at=due_after(incident.resolved_at),
        )
        postmortem.full_clean(exclude=["incident"], validate_constraints=False)
        record_change(postmortem, actor, "create")
        postmortem.save()
        if incident.service_id:
            postmortem.services_affected.add(incident.service_id)
        _add_missing_entries(postmortem, actor)
    return postmortem


def postmortem_update(
    *, postmortem_id, actor, changes: dict, expected_version: int | None = None
) -> Postmortem:
    """Edit a draft's fields (never its status)."""
    refused = sorted(set(changes) - EDITABLE)
    if refused:
        raise ValidationError({name: "You may not change this field." for name in refused})
    with transaction.atomic():
        postmortem = lock_record(Postmortem, postmortem_id, expected_version=expected_version)
        _check_writer(actor, postmortem)
        check_draft(postmortem)
        changed = []
        for name, value in changes.items():
            if name in M2M:
                current = set(postmortem.services_affected.values_list("pk", flat=True))
                if current != {service.pk for service in value}:
                    changed.append(name)
            elif getattr(postmortem, name) != value:
                setattr(postmortem, name, value)
                changed.append(name)
        if not changed:
            return postmortem
        postmortem.full_clean(exclude=["incident"])
        fields = set(changed) - M2M
        save_record(
            postmortem, actor=actor, reason="update: " + ", ".join(sorted(changed)), fields=fields
        )
        if "services_affected" in changed:
            postmortem.services_affected.set(changes["services_affected"])
    return postmortem


def _add_missing_entries(postmortem, actor) -> int:
    known = set(postmortem.timeline.exclude(source="").values_list("source", flat=True))
    rows = [
        TimelineEntry(
            postmortem=postmortem,
            at=draft.at,
            kind=draft.kind,
            text=draft.text,
            source=draft.source,
        )
        for draft in assemble(postmortem.incident)
        if draft.source not in known
    ]
    for row in rows:
        record_change(row, actor, "built from the incident")
        row.save()
    return len(rows)


def postmortem_refresh_timeline(*, postmortem_id, actor) -> int:
    """Add the incident's entries that are not on the timeline yet; return how many."""
    with transaction.atomic():
        postmortem = lock_record(Postmortem, postmortem_id, related=("incident",))
        _check_writer(actor, postmortem)
        check_draft(postmortem)
        added = _add_missing_entries(postmortem, actor)
        if added:
            save_record(postmortem, actor=actor, reason="timeline rebuilt", fields=())
    return added


def _entry_text(text) -> str:
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"text": "Say what happened."})
    return text


def timeline_entry_add(*, postmortem_id, actor, at, text: str) -> TimelineEntry:
    """A moment the records do not show, written by hand."""
    with transaction.atomic():
        postmortem = lock_record(Postmortem, postmortem_id)
        _check_writer(actor, postmortem)
        check_draft(postmortem)
        entry = TimelineEntry(
            postmortem=postmortem, at=at, kind=EntryKind.NOTE, text=_entry_text(text)
        )
        entry.full_clean()
        record_change(entry, actor, "added by hand")
        entry.save()
        save_record(postmortem, actor=actor, reason="timeline entry added", fields=())
    return entry


def timeline_entry_update(*, entry_id, actor, at=None, text=None) -> TimelineEntry:
    """Correct an entry's time or wording; it is marked as edited."""
    with transaction.atomic():
        entry = TimelineEntry.objects.select_for_update().get(pk=entry_id)
        postmortem = lock_record(Postmortem, entry.postmortem_id)
        _check_writer(actor, postmortem)
        check_draft(postmortem)
        if at is not None:
            entry.at = at
        if text is not None:
            entry.text = _entry_text(text)
        entry.edited = True
        entry.full_clean()
        record_change(entry, actor, "edited")
        entry.save()
        save_record(postmortem, actor=actor, reason="timeline entry edited", fields=())
    return entry


def postmortem_transition(
    *, postmortem_id, name: str, actor, expected_version: int | None = None, **params
) -> Postmortem:
    """Run the named transition from ``postmortems.workflow``; the only status change.

    Returns the postmortem as it is after any follow-up (a decision that ends the
    sign-off publishes it or returns it to draft).
    """
    params["actor"] = actor
    run_transition(
        WORKFLOW,
        model=Postmortem,
        pk=postmortem_id,
        name=name,
        actor=actor,
        params=params,
        expected_version=expected_version,
    )
    return Postmortem.objects.get(pk=postmortem_id)

"""The approvals engine: open a track, record decisions, void them; the inbox.

A record app calls these from its transition table, on the record row the transition
runner has already locked: so two approvers deciding at once are serialised on the
record, a stale page is refused by the runner's version check, and the state move that
follows a reached quorum happens in the same transaction as the decision. Separation of
duties is data the record app passes in: the people the record names in roles that must
not approve it (``{"requested it": requester, "implements it": implementer}``).
"""

from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from itsm.audit import record_change
from itsm.errors import Refused
from itsm.models.approvals import Approval, ApprovalPolicy, ApprovalStep, ApprovalTrack
from itsm.models.people import Profile, manager_of

PENDING = ApprovalTrack.State.PENDING
APPROVED = ApprovalTrack.State.APPROVED
REJECTED = ApprovalTrack.State.REJECTED

Conflicts = Mapping[str, object]


def _number(record) -> str:
    return getattr(record, "number", None) or str(record)


def policy_for(model, key: str) -> ApprovalPolicy:
    """The active policy that approves records of ``model`` selected by ``key``."""
    policy = (
        ApprovalPolicy.objects.filter(record_type=model._meta.label_lower, key=key, is_active=True)
        .prefetch_related("steps")
        .first()
    )
    if policy is None or not policy.steps.all():
        raise Refused("no_approval_policy", key=key)
    return policy


def live_track(record) -> ApprovalTrack | None:
    """The record's pending track, locked when inside a transaction on PostgreSQL."""
    return (
        ApprovalTrack.objects.select_for_update(of=("self",))
        .select_related("step__group", "step__person")
        .filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)
        .filter(state=PENDING)
        .first()
    )


@transaction.atomic
def open_track(record, policy: ApprovalPolicy, *, actor, subject=None) -> ApprovalTrack:
    """Start ``record`` on ``policy`` at its first step (any live track is voided first).

    ``subject`` is the person whose line manager a manager step waits for (the person a
    request is for); a policy with such a step is refused when they have no manager.
    """
    steps = list(policy.steps.order_by("order"))
    needs_manager = any(step.kind == ApprovalStep.Kind.MANAGER for step in steps)
    if needs_manager and (subject is None or manager_of(subject) is None):
        raise Refused("no_manager", person=str(subject or "nobody"))
    void_track(record, actor=actor, reason="approval requested again")
    now = timezone.now()
    track = ApprovalTrack(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        policy=policy,
        step=steps[0],
        subject=subject,
        step_opened_at=now,
    )
    record_change(track, actor, f"approval requested under {policy}")
    track.save()
    return track


def may_decide(track: ApprovalTrack, user) -> bool:
    """Whether ``user`` is one of the approvers the track's waiting step waits for."""
    step = track.step
    if step.kind == ApprovalStep.Kind.PERSON:
        return step.person_id == user.pk
    if step.kind == ApprovalStep.Kind.MANAGER:
        return Profile.objects.filter(user_id=track.subject_id, manager_id=user.pk).exists()
    return step.group.members.filter(pk=user.pk).exists()


@transaction.atomic
def decide(
    record,
    *,
    actor,
    decision: str,
    comment: str = "",
    conflicts: Conflicts | None = None,
) -> ApprovalTrack:
    """Record ``actor``'s decision on the record's waiting step; return the track.

    The track's state says what follows: still ``pending`` (the next step or more
    approvals are needed), ``approved`` (the last step reached its quorum) or
    ``rejected`` (one rejection rejects the record).
    """
    comment = (comment or "").strip()
    if decision not in Approval.Decision.values:
        raise Refused("invalid_input", field="decision")
    if decision == Approval.Decision.REJECTED and not comment:
        raise Refused("rejection_comment_required", field="comment")
    track = live_track(record)
    if track is None:
        raise Refused("no_pending_approval", number=_number(record))
    for rule, person in (conflicts or {}).items():
        if person is not None and getattr(person, "pk", person) == actor.pk:
            raise Refused("approver_conflict", rule=rule, number=_number(record))
    step = track.step
    if not may_decide(track, actor):
        raise Refused("not_an_approver", step=step.describe())
    if Approval.objects.filter(track=track, step=step, approver=actor).exists():
        raise Refused("already_decided")
    approval = Approval(
        track=track,
        step=step,
        approver=actor,
        decision=decision,
        comment=comment,
        record_version=getattr(record, "version", None),
    )
    record_change(approval, actor, f"{decision} {_number(record)}")
    approval.save()
    _advance(track, step, decision, actor)
    return track


def _advance(track: ApprovalTrack, step: ApprovalStep, decision: str, actor) -> None:
    now = timezone.now()
    if decision == Approval.Decision.REJECTED:
        track.state, track.ended_at, track.ended_reason = REJECTED, now, "rejected"
    else:
        given = Approval.objects.filter(
            track=track, step=step, decision=Approval.Decision.APPROVED
        ).count()
        if given < step.required:
            return
        following = track.policy.steps.filter(order__gt=step.order).order_by("order").first()
        if following is None:
            track.state, track.ended_at, track.ended_reason = APPROVED, now, "approved"
        else:
            track.step, track.step_opened_at, track.reminded_at = following, now, None
    record_change(track, actor, f"step {step.order} {track.get_state_display().lower()}")
    track.save()


@transaction.atomic
def void_track(record, *, actor, reason: str) -> bool:
    """Void the record's live track and the decisions given under it; say if there was one."""
    track = live_track(record)
    if track is None:
        return False
    now = timezone.now()
    for approval in track.approvals.filter(voided_at__isnull=True):
        approval.voided_at = now
        record_change(approval, actor, f"void: {reason}")
        approval.save(update_fields=["voided_at"])
    track.state, track.ended_at, track.ended_reason = ApprovalTrack.State.VOID, now, reason[:500]
    record_change(track, actor, f"void: {reason}")
    track.save()
    return True


def tracks_of(record):
    """Every track of ``record``, newest first, with its decisions."""
    return (
        ApprovalTrack.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )
        .select_related("policy", "step__group", "step__person")
        .prefetch_related("approvals__approver", "approvals__step")
    )


def inbox(user, *, model=None):
    """The pending tracks waiting on ``user`` and not yet decided by them, oldest first.

    Served by the partial index on waiting tracks; the caller fetches the records (one
    query per record type with ``GenericForeignKey`` prefetching).
    """
    decided = Approval.objects.filter(track=OuterRef("pk"), step=OuterRef("step"), approver=user)
    tracks = ApprovalTrack.objects.filter(state=PENDING).filter(
        Q(step__person=user)
        | Q(step__group__members=user)
        | Q(step__kind=ApprovalStep.Kind.MANAGER, subject__profile__manager=user)
    )
    if model is not None:
        tracks = tracks.filter(content_type=ContentType.objects.get_for_model(model))
    return (
        tracks.exclude(Exists(decided))
        .select_related("policy", "step__group", "step__person", "content_type")
        .order_by("step_opened_at", "pk")
    )


def waiting_longer_than(delta, *, now=None):
    """Pending tracks whose step opened more than ``delta`` ago and were not reminded since."""
    cutoff = (now or timezone.now()) - delta
    return (
        ApprovalTrack.objects.filter(state=PENDING, step_opened_at__lt=cutoff)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=cutoff))
        .select_related("step__group", "step__person", "content_type")
    )


def approvers_of(track: ApprovalTrack) -> list:
    """The people the track's step waits for: the person, the manager or the group."""
    step = track.step
    if step.kind == ApprovalStep.Kind.PERSON:
        return [step.person]
    if step.kind == ApprovalStep.Kind.MANAGER:
        manager = manager_of(track.subject) if track.subject_id else None
        return [manager] if manager and manager.is_active else []
    return list(step.group.members.filter(is_active=True))


def pending_track(record) -> ApprovalTrack | None:
    """The record's pending track and its step, without a lock (for buttons and pages)."""
    return (
        ApprovalTrack.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            state=PENDING,
        )
        .select_related("step__group", "step__person", "policy")
        .first()
    )


def may_decide_now(user, record) -> bool:
    """``user`` is one of the approvers the record's waiting step waits for."""
    track = pending_track(record)
    return bool(track and user and user.is_authenticated and may_decide(track, user))

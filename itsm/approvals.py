"""The approvals engine: open a track, record decisions, void them; the inbox.

A record app calls these from its transition table, on the record row the transition
runner has already locked: so two approvers deciding at once are serialised on the
record, a stale page is refused by the runner's version check, and the state move that
follows a reached quorum happens in the same transaction as the decision. Separation of
duties is data the record app passes in: the people the record names in roles that must
not approve it (``{"requested it": requester, "implements it": implementer}``).

A record type declares how its table uses the engine with one :class:`SignOff`: its
``approve`` and ``reject`` rows, and the move that follows an ended track, which the
engine runs in the decision's own transaction (never a committed, ended track on a
record that has not moved).
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from itsm.audit import record_change, system_user
from itsm.errors import Refused, TransitionNotAllowed
from itsm.models.approvals import Approval, ApprovalPolicy, ApprovalStep, ApprovalTrack
from itsm.models.people import Profile, manager_of
from itsm.notifications import notify_on_commit
from itsm.workflow import Transition, Workflow, run_transition

log = logging.getLogger(__name__)

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


def latest_track(record) -> ApprovalTrack | None:
    """The record's newest track, in any state, without its decisions."""
    return ApprovalTrack.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).first()


def track_ended(state: str, code: str):
    """A guard for the move that follows a track: the record's newest track ended in
    ``state``, else refused with ``code``."""

    def guard(record, params):
        track = latest_track(record)
        if track is None or track.state != state:
            raise TransitionNotAllowed(code, number=_number(record))

    return guard


# --- A record type's approve and reject ----------------------------------------------------

FOLLOW_UP_REASON = "approval track ended"


@dataclass(frozen=True)
class SignOff:
    """How a record type's transition table uses the engine.

    ``workflow()`` gives the record's table (a callable: the table is built from this
    declaration); ``conflicts(record)`` the people who may not approve it, by the rule
    that bars them; ``on_approved(record)`` and ``on_rejected(record)`` the transition
    that follows a reached quorum or a rejection (None: the record stays as it is);
    ``step_opened`` the event raised when a decision opens the next step; ``decided(record,
    track)`` sets the record's own fields after each decision and returns their names.
    """

    workflow: Callable[[], Workflow]
    conflicts: Callable[..., Conflicts]
    on_approved: Callable[..., str | None]
    on_rejected: Callable[..., str | None]
    step_opened: str | None = None
    decided: Callable[..., list[str]] | None = None

    def transitions(
        self,
        sources: frozenset[str],
        who: str,
        *,
        not_in: frozenset[str] = frozenset(),
        rejected_event: str | None = None,
        public_reason: bool = False,
    ) -> list[Transition]:
        """The ``approve`` and ``reject`` rows: record-only transitions (no target) that
        the approvers the waiting step names may run."""
        common = {"sources": sources, "target": None, "who": who, "not_in": not_in}
        return [
            Transition(
                name="approve",
                label="Approve",
                allowed=may_decide_now,
                apply=self._decide(Approval.Decision.APPROVED),
                after=self.follow_up,
                **common,
            ),
            Transition(
                name="reject",
                label="Reject",
                allowed=may_decide_now,
                needs_reason=True,
                public_reason=public_reason,
                apply=self._decide(Approval.Decision.REJECTED),
                after=self.follow_up,
                event=rejected_event,
                **common,
            ),
        ]

    def _decide(self, decision: str):
        def apply(record, params):
            waiting = pending_track(record) if self.step_opened else None
            track = decide(
                record,
                actor=params["actor"],
                decision=decision,
                comment=str(params.get("reason") or ""),
                conflicts=self.conflicts(record),
            )
            opened = waiting is not None and track.step_id != waiting.step_id
            record._sign_off = (track.state, track.step_id if opened else None)
            return list(self.decided(record, track)) if self.decided else []

        return apply

    def follow_up(self, record, actor) -> None:
        """After a decision, on the locked record: tell the next step's approvers it
        opened, or run the move the ended track calls for, as the system.

        The move runs in a savepoint: one the table refuses (a freeze window placed
        meanwhile) leaves the decision standing and the record waiting for staff.
        """
        state, opened_step = record._sign_off
        if state == PENDING:
            if opened_step is not None:
                notify_on_commit(record, self.step_opened, step=opened_step)
            return
        name = (self.on_approved if state == APPROVED else self.on_rejected)(record)
        if name is None:
            return
        system = system_user()
        try:
            with transaction.atomic():
                run_transition(
                    self.workflow(),
                    model=type(record),
                    pk=record.pk,
                    name=name,
                    actor=system,
                    params={"actor": system, "reason": FOLLOW_UP_REASON},
                )
        except Refused as refused:
            log.warning("%s not moved on (%s): %s", _number(record), name, refused.message)
            return
        record.refresh_from_db()

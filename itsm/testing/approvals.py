"""Approval steps for the shared harnesses' kits."""

from django.db import transaction

from itsm import approvals
from itsm.models import Approval
from itsm.testing.kit import Setup


def track_decided(sign_off: approvals.SignOff, decision: str, sources: frozenset[str]) -> Setup:
    """A :class:`Setup` that ends the record's track with ``decision`` through the engine
    alone: the kit's people decide in turn until the track ends, and the move the
    record's table runs after such a decision does not run (as when it is refused), so
    the harness can run that move itself."""

    def run(record, people):
        conflicts = set(sign_off.conflicts(record).values())

        def may(person, track) -> bool:
            decided = Approval.objects.filter(track=track, step=track.step, approver=person)
            free = person.pk not in conflicts and not decided.exists()
            return free and approvals.may_decide(track, person)

        with transaction.atomic():
            while (track := approvals.pending_track(record)) is not None:
                person = next((p for p in people if may(p, track)), None)
                assert person is not None, f"none of the kit's people may decide on {record}"
                approvals.decide(
                    record,
                    actor=person,
                    decision=decision,
                    comment="Decided by the harness.",
                    conflicts=sign_off.conflicts(record),
                )
        return type(record).objects.get(pk=record.pk)

    return Setup(f"track {decision}", sources, run)

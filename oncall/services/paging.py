"""Paging an incident's group, escalating unacknowledged pages, and acknowledging.

A page's ``next_step_at`` is the escalation state: the job takes a step only for a page
it has locked whose ``next_step_at`` is due, and clears it in the same transaction that
writes the next page, so a worker that dies mid-step leaves the step to be retaken and
a step that committed is never taken twice (``page_one_per_step`` backs this up).
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.models import Incident
from incidents.services import incident_record_response
from itsm.audit import record_change, system_user
from itsm.errors import Refused
from itsm.roles import role_allows
from itsm.writes import save_record
from oncall import selectors
from oncall.choices import AckVia, Channel, LevelTarget
from oncall.links import read_token
from oncall.models import ChatWebhook, EscalationLevel, EscalationPolicy, Page, PageDelivery

PAGING_PRIORITIES = frozenset({1, 2})
DEFAULT_LEVEL = EscalationLevel(position=0, target=LevelTarget.ON_CALL, delay_minutes=15)


def _schedule(team):
    return selectors.schedules_with_rotations(since=timezone.now()).filter(team=team).first()


def _levels(team) -> tuple[list, int]:
    """The group's levels and repeat count; one "page the on-call person" level if none."""
    policy = (
        EscalationPolicy.objects.filter(team=team, is_active=True)
        .prefetch_related("levels__rotation")
        .first()
    )
    levels = list(policy.levels.all()) if policy else []
    if not levels:
        return [DEFAULT_LEVEL], 0
    return levels, policy.repeat_count


def _person_for(level, team, schedule, at):
    if level.target == LevelTarget.MANAGER:
        return team.manager
    if level.target == LevelTarget.NEXT_PERSON:
        return selectors.next_person(schedule, at)
    if level.target == LevelTarget.ROTATION:
        if schedule is None or not schedule.is_active:
            return None
        rot = next((r for r in schedule.rotations.all() if r.pk == level.rotation_id), None)
        return selectors.rotation_on_call(rot, at).user if rot else None
    return selectors.primary_on_call(schedule, at)


def _steps_after(cycle: int, level: int, count: int, repeats: int):
    while True:
        level += 1
        if level >= count:
            cycle, level = cycle + 1, 0
        if cycle > repeats:
            return
        yield cycle, level


def _page_from(incident, team, *, cycle: int, level: int, now) -> Page | None:
    """Page the first step from (cycle, level) on that has someone to page."""
    levels, repeats = _levels(team)
    schedule = _schedule(team)
    steps = [(cycle, level), *_steps_after(cycle, level, len(levels), repeats)]
    for step_cycle, step_level in steps[: len(levels) * (repeats + 1)]:
        person = _person_for(levels[step_level], team, schedule, now)
        if person is None or not person.is_active:
            continue
        following = next(_steps_after(step_cycle, step_level, len(levels), repeats), None)
        delay = timedelta(minutes=levels[step_level].delay_minutes)
        page = Page(
            incident=incident,
            team=team,
            person=person,
            cycle=step_cycle,
            level=step_level,
            target=levels[step_level].target,
            sent_at=now,
            next_step_at=now + delay if following else None,
            link_nonce=secrets.token_hex(16),
        )
        try:
            with transaction.atomic():
                record_change(page, system_user(), "paged")
                page.save()
        except IntegrityError:
            return None  # another worker took this step
        _queue_deliveries(page)
        return page
    return None


def _queue_deliveries(page) -> None:
    from oncall.tasks import deliver_page

    deliveries = []
    if page.person.email:
        deliveries.append(
            PageDelivery(page=page, channel=Channel.EMAIL, key=f"page:{page.pk}:email")
        )
    for hook in ChatWebhook.objects.filter(team_id=page.team_id, is_active=True):
        deliveries.append(
            PageDelivery(
                page=page, channel=Channel.CHAT, webhook=hook, key=f"page:{page.pk}:chat:{hook.pk}"
            )
        )
    for delivery in deliveries:
        record_change(delivery, system_user(), "queued")
        delivery.save()
        transaction.on_commit(lambda pk=delivery.pk: deliver_page.delay(pk))


def page_incident(*, incident_id, now=None) -> Page | None:
    """Page the on-call person of the incident's group for a P1 or P2 (once per group);
    for a lower priority, tell the on-call person by e-mail without paging."""
    from oncall.services.notices import notify_on_call

    now = now or timezone.now()
    incident = Incident.objects.select_related("assignment_group__manager").get(pk=incident_id)
    team = incident.assignment_group
    if team is None or incident.is_finished:
        return None
    if incident.priority not in PAGING_PRIORITIES:
        notify_on_call(incident, team, selectors.primary_on_call(_schedule(team), now))
        return None
    if Page.objects.filter(incident=incident, team=team).exists():
        return None
    with transaction.atomic():
        return _page_from(incident, team, cycle=0, level=0, now=now)


def escalate_page(*, page_id, now=None) -> Page | None:
    """Take the next escalation step of one due page, exactly once."""
    now = now or timezone.now()
    with transaction.atomic():
        page = (
            Page.objects.select_for_update(of=("self",))
            .select_related("incident", "team__manager")
            .filter(pk=page_id, next_step_at__lte=now, acknowledged_at__isnull=True)
            .first()
        )
        if page is None:
            return None
        page.next_step_at = None
        save_record(page, actor=system_user(), reason="escalation step", fields={"next_step_at"})
        incident = page.incident
        if incident.is_finished or incident.assignment_group_id != page.team_id:
            return None
        levels, repeats = _levels(page.team)
        step = next(_steps_after(page.cycle, page.level, len(levels), repeats), None)
        if step is None:
            return None
        return _page_from(incident, page.team, cycle=step[0], level=step[1], now=now)


def escalate_due(*, now=None, limit: int = 200) -> list[int]:
    """Escalate every due page; return the ids of the pages sent."""
    now = now or timezone.now()
    due = Page.objects.filter(next_step_at__lte=now, acknowledged_at__isnull=True)
    ids = list(due.order_by("next_step_at", "pk").values_list("pk", flat=True)[:limit])
    sent = [escalate_page(page_id=pk, now=now) for pk in ids]
    return [page.pk for page in sent if page is not None]


def may_acknowledge(user, page) -> bool:
    return (
        user.pk == page.person_id
        or page.team.members.filter(pk=user.pk).exists()
        or role_allows(user, "oncall", "change")
    )


def page_acknowledge(*, page_id, actor, via: str, now=None, nonce: str | None = None) -> Page:
    """Acknowledge the incident's paging for the group: every open page of it, once.

    It stops the escalation and records the incident's first response.
    """
    now = now or timezone.now()
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("team").filter(pk=page_id).first()
        if page is None:
            raise Refused("invalid_input", "There is no such page.")
        if nonce is not None and (not page.link_nonce or page.link_nonce != nonce):
            raise Refused("page_link_used")
        if nonce is None and not may_acknowledge(actor, page):
            raise Refused("not_permitted", "Only the paged person or the group may acknowledge.")
        chain = list(
            Page.objects.select_for_update()
            .filter(
                incident_id=page.incident_id, team_id=page.team_id, acknowledged_at__isnull=True
            )
            .order_by("pk")
        )
        if not chain:
            raise Refused("page_acknowledged")
        for row in chain:
            row.acknowledged_at, row.acknowledged_by, row.acknowledged_via = now, actor, via
            row.next_step_at, row.link_nonce = None, ""
            save_record(
                row,
                actor=actor,
                reason=f"acknowledged ({via})",
                fields={
                    "acknowledged_at",
                    "acknowledged_by",
                    "acknowledged_via",
                    "next_step_at",
                    "link_nonce",
                },
            )
        incident_record_response(
            incident_id=page.incident_id,
            actor=actor,
            at=now,
            reason=f"on-call page acknowledged ({via})",
        )
        page.refresh_from_db()
    return page


def page_acknowledge_by_link(*, token: str, now=None) -> Page:
    """Acknowledge with a signed link: the paged person acknowledges, once."""
    data = read_token(token)
    if data is None:
        raise Refused("page_link_invalid")
    page = Page.objects.select_related("person").filter(pk=data["page"]).first()
    if page is None:
        raise Refused("page_link_invalid")
    return page_acknowledge(
        page_id=page.pk, actor=page.person, via=AckVia.LINK, now=now, nonce=data["nonce"]
    )

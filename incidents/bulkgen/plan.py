"""What happens to each generated incident, and when: the input the builder replays.

A plan is the service calls a real incident would have gone through (log it, watch,
comment, assign, start, hold, resume, resolve, confirm, close, cancel), each with its
actor and moment. Plans are random but reproducible: incident ``index`` of a run with
``seed`` always gets the same plan, however the run is split into batches.

About 30 % of the incidents end open: most of the newest tenth, a quarter of the rest
(a backlog). Older ones are mostly closed, by the desk after the requester confirmed or
by the nightly job once the confirmation window passed.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from incidents.choices import Channel, HoldReason, ResolutionCode, Status
from itsm.choices import Level

CREATE, TRANSITION, COMMENT, WATCH, SLA_JOB = "create", "transition", "comment", "watch", "sla_job"

OPEN_TARGETS = [(Status.NEW, 15), (Status.ASSIGNED, 25), (Status.IN_PROGRESS, 40),
                (Status.ON_HOLD, 20)]  # fmt: skip
DONE_TARGETS = [(Status.RESOLVED, 8), (Status.CLOSED, 87), (Status.CANCELLED, 5)]
CHANNELS = [(Channel.PORTAL, 55), (Channel.PHONE, 25), (Channel.EMAIL, 15), (Channel.WALK_IN, 5)]
IMPACTS = [(Level.LOW, 60), (Level.MEDIUM, 30), (Level.HIGH, 10)]
URGENCIES = [(Level.LOW, 30), (Level.MEDIUM, 50), (Level.HIGH, 20)]
HOLDS = [(HoldReason.AWAITING_CALLER, 50), (HoldReason.AWAITING_VENDOR, 30),
         (HoldReason.AWAITING_CHANGE, 20)]  # fmt: skip
CODES = [(ResolutionCode.SOLVED_PERMANENTLY, 45), (ResolutionCode.WORKAROUND, 30),
         (ResolutionCode.USER_INSTRUCTED, 15), (ResolutionCode.NOT_REPRODUCIBLE, 10)]  # fmt: skip
# Mean wall-clock hours to resolve once work started, by P1..P5 (urgency and impact).
RESOLVE_HOURS = {1: 3, 2: 8, 3: 20, 4: 40, 5: 80}

PROBLEMS = {
    "VPN": ["VPN drops every few minutes", "VPN client will not connect", "VPN very slow"],
    "Wi-Fi": ["No Wi-Fi signal", "Wi-Fi keeps asking for a password", "Guest Wi-Fi portal error"],
    "Wired network": ["Network port dead", "No network after moving desks"],
    "E-mail": ["Outlook keeps asking for my password", "Mail delivery delayed",
               "Shared mailbox not visible"],
    "ERP": ["ERP reports time out", "Cannot open ERP invoices", "Purchase order stuck"],
    "Payroll": ["Payslip shows the wrong tax code", "Payroll export rejected"],
    "Laptop": ["Laptop will not start", "Laptop battery swollen", "Docking station not charging"],
    "Printer": ["Printer prints blank pages", "Printer driver missing", "Paper jam every page"],
    "Password reset": ["Password reset link expired", "Cannot set a new password"],
    "Account locked": ["Account locked after holiday", "Locked out after password change"],
}  # fmt: skip
PLACES = ["floor 1", "floor 2", "floor 3", "the Berlin office", "the Lyon office", "home",
          "meeting room B", "the canteen", "reception", "the warehouse"]  # fmt: skip
NOTES = ["Restarted the service and confirmed with the user.", "Replaced the faulty part.",
         "Reset the profile; the user can work again.", "Applied the vendor's fix.",
         "Walked the user through the settings."]  # fmt: skip


@dataclass(frozen=True)
class Step:
    """One service call: ``kind`` (create, transition, comment, watch, sla_job) at ``at``."""

    kind: str
    at: datetime
    actor: object = None
    name: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class IncidentPlan:
    """``steps[0]`` logs the incident; its params are incident_create's keyword arguments."""

    steps: list[Step]

    @property
    def created_at(self) -> datetime:
        return self.steps[0].at


def pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class Planner:
    """Reproducible plans for ``count`` incidents logged between ``now - span`` and ``now``."""

    def __init__(self, cast, *, count: int, now: datetime, seed: int = 1):
        self.cast = cast
        self.count = max(count, 1)
        self.now = now
        self.seed = seed
        # About 500 incidents a day: a thousand cover a month, a million five years.
        self.span = timedelta(days=max(30, self.count / 500))
        shuffled = random.Random(seed).sample(range(len(cast.employees)), len(cast.employees))
        # Some people report far more than others (Zipf-like weights, in random order).
        self.employee_weights = [1 / (rank + 1) ** 0.7 for rank in shuffled]

    def plan(self, index: int) -> IncidentPlan:
        rng = random.Random(self.seed * 1_000_003 + index)
        created = self.now - self.span + self.span * ((index + rng.random()) / self.count)
        age = (self.now - created) / self.span
        open_ = rng.random() < (0.8 if age < 0.1 else 0.244)
        target = pick(rng, OPEN_TARGETS if open_ else DONE_TARGETS)
        return self._timeline(rng, created, target)

    def _employee(self, rng):
        return rng.choices(self.cast.employees, self.employee_weights)[0]

    def _create(self, rng, created) -> Step:
        category, subcategory, service = rng.choice(self.cast.subcategories)
        channel = pick(rng, CHANNELS)
        affected = self._employee(rng)
        reporter = affected if channel == Channel.PORTAL else rng.choice(self.cast.desk)
        title = f"{rng.choice(PROBLEMS.get(subcategory.name, ['Something is broken']))}"
        params = {
            "title": f"{title} ({rng.choice(PLACES)})",
            "description": f"{title}. It started this morning and blocks my work.",
            "affected_user": affected,
            "channel": channel,
            "category": category,
            "subcategory": subcategory,
            "service": service,
            "impact": pick(rng, IMPACTS),
            "urgency": pick(rng, URGENCIES),
        }
        return Step(CREATE, created, reporter, params=params)

    def _timeline(self, rng, created, target) -> IncidentPlan:
        create = self._create(rng, created)
        requester = create.params["affected_user"]
        priority = _priority(create.params["impact"], create.params["urgency"])
        moves = []  # (hours after the previous step, kind, actor, name, params)

        def hours(mean):
            return rng.expovariate(1 / mean)

        if rng.random() < 0.08:
            others = [p for p in self.cast.employees if p.pk != requester.pk]
            moves.append((hours(1), WATCH, rng.choice(others), "", {}))
        if rng.random() < 0.25:
            body = "Any news? I still cannot work on this."
            moves.append((hours(3), COMMENT, requester, "", {"body": body}))
        if target == Status.CANCELLED:
            reason = rng.choice(["Logged twice.", "Raised in error.", "Fixed itself."])
            moves.append((hours(3), TRANSITION, rng.choice(self.cast.desk), "cancel",
                          {"reason": reason}))  # fmt: skip
        elif target != Status.NEW:
            moves += self._work(rng, create, target, priority, hours)
        return IncidentPlan(steps=self._schedule(create, moves))

    def _work(self, rng, create, target, priority, hours) -> list:
        route = (
            create.params["subcategory"].default_group or create.params["category"].default_group
        )
        teams = self.cast.teams
        group = route if route and rng.random() < 0.75 else rng.choice(teams)
        agent = rng.choice(self.cast.members[group.pk])
        speed = 0.25 if priority <= 2 else 1.0
        moves = []
        if rng.random() < 0.1:
            # The desk answers first; a public staff comment meets the response target.
            reply = "Thanks, we are looking into it."
            moves.append((hours(speed), COMMENT, rng.choice(self.cast.desk), "", {"body": reply}))
        moves += [(hours(2 * speed), TRANSITION, rng.choice(self.cast.desk), "assign",
                  {"group": group, "assignee": agent})]  # fmt: skip
        if target == Status.ASSIGNED:
            return moves
        moves.append((hours(1 * speed), TRANSITION, agent, "start", {}))
        if rng.random() < 0.4:
            note = "Checked the logs; looking into it."
            moves.append((hours(2), COMMENT, agent, "", {"body": note, "visibility": "internal"}))
        held = target == Status.ON_HOLD or rng.random() < 0.15
        if held:
            moves.append((hours(4), TRANSITION, agent, "hold", {"hold_reason": pick(rng, HOLDS)}))
            if target == Status.ON_HOLD:
                return moves
            moves.append((hours(24), TRANSITION, agent, "resume", {}))
        if target == Status.IN_PROGRESS:
            return moves
        resolution = {"resolution_code": pick(rng, CODES), "resolution_notes": rng.choice(NOTES)}
        moves.append((hours(RESOLVE_HOURS[priority]), TRANSITION, agent, "resolve", resolution))
        if target == Status.RESOLVED:
            return moves
        requester = create.params["affected_user"]
        if rng.random() < 0.6:
            moves.append((hours(12), TRANSITION, requester, "confirm", {}))
            moves.append((hours(2), TRANSITION, rng.choice(self.cast.desk), "close", {}))
        else:
            window = settings.INCIDENT_CONFIRMATION_WINDOW + timedelta(hours=rng.uniform(0, 24))
            reason = {"reason": "confirmation window passed"}
            moves.append((window / timedelta(hours=1), TRANSITION, self.cast.system, "close",
                          reason))  # fmt: skip
        return moves

    def _schedule(self, create, moves) -> list[Step]:
        """Steps at their moments, squeezed into the time left when they would pass now.

        The nightly close is never squeezed (it must wait for the confirmation window);
        when its moment is still to come, the incident stays resolved.
        """
        nightly = moves and moves[-1][2] is self.cast.system
        squeezed = moves[:-1] if nightly else moves
        total = sum(delay for delay, *_ in squeezed)
        room = (self.now - create.at) / timedelta(hours=1) * 0.95
        scale = min(1.0, room / total) if total else 1.0
        steps, at = [create], create.at
        for delay, kind, actor, name, params in squeezed:
            at += timedelta(hours=delay * scale)
            steps.append(Step(kind, at, actor, name, params))
        if nightly:
            delay, kind, actor, name, params = moves[-1]
            at += timedelta(hours=delay)
            if at < self.now:
                steps.append(Step(kind, at, actor, name, params))
        return steps


def _priority(impact: str, urgency: str) -> int:
    """The seeded matrix, only to pace the plan; the builder takes the real one."""
    rank = {Level.HIGH: 0, Level.MEDIUM: 1, Level.LOW: 2}
    return min(rank[impact] + rank[urgency] + 1, 5)

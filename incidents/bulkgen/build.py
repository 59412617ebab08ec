"""Replay a plan in memory and produce the rows the services would have written.

Each step runs the services' own code where it is free of queries: transitions go
through the table in ``incidents.workflow`` (its check and its ``apply`` functions, at the
step's moment) and the SLA figures through the kit in ``incidents.sla``, whose pauses and
events are held in memory for the replay (``RecordSla.hold_in_memory``). What the
services do with the database is done here on an unsaved incident, field for field:
``incident_create``'s numbering and routing, the runner's version bump and history row,
``incident_comment_add``, ``incident_watch`` and the SLA job's step. The SLA policy, the
priority matrix and the actors' roles are read once. ``tests/test_bulkgen.py`` replays
the same plans through the real services and proves the rows identical; change one,
change both.

Interactive steps are taken as coming from a request by their actor (the portal or the
API), as in production: rows saved without an explicit actor (SLA pauses, the watcher
history row) get the request's user.
"""

import contextlib
from collections import defaultdict
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from incidents import sla
from incidents.bulkgen.plan import COMMENT, SLA_JOB, TRANSITION, WATCH, Step
from incidents.models import Incident, IncidentComment, SlaEvent, SlaPause
from incidents.services.jobs import escalates_on
from incidents.sla import INCIDENT_SLA
from incidents.workflow import WORKFLOW
from itsm.priority import DEFAULT_MATRIX
from itsm.workflow import TransitionNotAllowed

Watchers = Incident.watchers.through
WATCHER_HISTORY = apps.get_model("incidents", "HistoricalIncident_watchers")
TICK = timedelta(minutes=1)  # the SLA job runs every minute (CELERY_BEAT_SCHEDULE)


class Ids:
    """The next free primary key of each table, handed out in order, up to ``ends``."""

    def __init__(self, starts: dict, ends: dict | None = None):
        self._next = dict(starts)
        self._ends = ends or {}

    def take(self, model) -> int:
        value = self._next[model]
        if value >= self._ends.get(model, value + 1):
            raise OverflowError(f"No ids left for {model.__name__} in this batch's range.")
        self._next[model] = value + 1
        return value


class Output:
    """Rows per model, each a dict by attname, in the order the services write them."""

    def __init__(self):
        self.rows = defaultdict(list)

    def add(self, model, values: dict) -> None:
        self.rows[model].append(values)


def tracked(model) -> list[str]:
    return [field.attname for field in model._meta.fields]


class Builder:
    """Replays plans; ``build(plan)`` returns the steps run, SLA job ticks included."""

    def __init__(self, *, policy, teams, matrix, agent_ids, system, numbers, ids, out, now):
        self.now = now
        self.policy = policy
        self.teams = teams
        self.matrix = {**DEFAULT_MATRIX, **matrix}
        self.agent_ids = agent_ids
        self.system = system
        self.numbers = numbers
        self.ids = ids
        self.out = out
        models = (Incident, SlaPause, SlaEvent, IncidentComment)
        self.fields = {model: tracked(model) for model in models}
        # Reading ``Model.history`` builds a manager each time: look it up once.
        self.history_models = {model: model.history.model for model in models}

    # --- history ---------------------------------------------------------------------

    def _history(self, obj, kind: str, at, user, reason, transition: str = "") -> int:
        model = type(obj)
        history_model = self.history_models[model]
        history_id = self.ids.take(history_model)
        values = {name: getattr(obj, name) for name in self.fields[model]}
        values.update(
            history_id=history_id,
            history_date=at,
            history_type=kind,
            history_user_id=user.pk if user is not None else None,
            history_change_reason=reason,
            history_transition=transition,
        )
        self.out.add(history_model, values)
        if model is Incident:
            # simple-history copies the watcher list into every incident history row.
            m2m = WATCHER_HISTORY
            for watcher in self.watchers:
                self.out.add(
                    m2m,
                    {
                        "m2m_history_id": self.ids.take(m2m),
                        "history_id": history_id,
                        "id": watcher["id"],
                        "incident_id": obj.pk,
                        "user_id": watcher["user_id"],
                    },
                )
        return history_id

    # --- the plan --------------------------------------------------------------------

    def build(self, plan) -> list[Step]:
        create, *rest = plan.steps
        self.watchers, self.pauses, self.events = [], [], []
        self.incident = self._create(create)
        done = [create]
        for step in rest:
            done += self._catch_up(step.at)
            self._run(step)
            done.append(step)
        done += self._catch_up(None)
        self.out.add(
            Incident, {name: getattr(self.incident, name) for name in self.fields[Incident]}
        )
        for pause in self.pauses:
            self.out.add(SlaPause, {name: getattr(pause, name) for name in self.fields[SlaPause]})
        return done

    def _run(self, step: Step) -> None:
        if step.kind == TRANSITION:
            self._transition(step.name, step.actor, step.at, step.params)
        elif step.kind == COMMENT:
            self._comment(step)
        elif step.kind == WATCH:
            self._watch(step)
        else:
            raise ValueError(f"Cannot replay a {step.kind} step.")

    def _catch_up(self, until) -> list[Step]:
        """The SLA job's runs that fall before ``until`` (or before now, at the end)."""
        ticks, last = [], None
        end = until or self.now
        while self.incident.sla_next_check_at is not None:
            due = self.incident.sla_next_check_at
            tick = _ceil(due if last is None else max(due, last + TICK))
            if tick >= end:
                break
            self._sla_job(tick)
            ticks.append(Step(SLA_JOB, tick, self.system))
            last = tick
        return ticks

    # --- incident_create -------------------------------------------------------------

    def _create(self, step: Step) -> Incident:
        p, actor, at = step.params, step.actor, step.at
        category, subcategory = p.get("category"), p.get("subcategory")
        incident = Incident(
            pk=self.ids.take(Incident),
            title=(p["title"] or "").strip(),
            description=p.get("description") or "",
            reporter=actor,
            affected_user=p.get("affected_user") or actor,
            channel=p["channel"],
            category=category,
            subcategory=subcategory,
            service=p.get("service"),
            impact=p["impact"],
            urgency=p["urgency"],
            reported_at=at,
        )
        INCIDENT_SLA.hold_in_memory(incident, pauses=self.pauses, events=self.events)
        incident.priority = self.matrix[(p["impact"], p["urgency"])]
        route = subcategory or category
        incident.assignment_group = route.default_group if route else None
        if route and route.default_group is None and subcategory and category:
            incident.assignment_group = category.default_group
        if incident.assignment_group:
            incident.tier = incident.assignment_group.tier
        incident.number = next(self.numbers)
        incident.sla_policy = self.policy
        sla.refresh(incident, recorded=set())
        incident.created_at = incident.updated_at = at
        self._history(incident, "+", at, actor, "create")
        return incident

    # --- incident_transition ---------------------------------------------------------

    def _transition(self, name: str, actor, at, params: dict) -> None:
        """The runner's steps (check, target, the table's own apply, save), in memory."""
        incident = self.incident
        params = {**params, "actor": actor}
        if params.get("group") is not None:
            params["group"] = self.teams.get(params["group"].pk, params["group"])
        transition = WORKFLOW.check(incident, name, actor, params)
        if transition.target is not None:
            incident.status = transition.target
        if transition.apply is not None:
            ended = {pause.pk: pause.ended_at for pause in self.pauses}
            with _clock_at(at):
                transition.apply(incident, params)
            self._pause_history(ended, actor, at)
        incident.version += 1
        incident.updated_at = at
        reason = str(params.get("reason") or "").strip()
        self._history(incident, "~", at, actor, f"{name}: {reason}" if reason else name, name)

    def _pause_history(self, ended: dict, actor, at) -> None:
        """Number the pauses the apply opened and write the history their saves write."""
        for pause in self.pauses:
            if pause.pk is None:
                pause.pk = self.ids.take(SlaPause)
                self._history(pause, "+", at, actor, None)
            elif ended[pause.pk] != pause.ended_at:
                self._history(pause, "~", at, actor, None)

    # --- incident_comment_add and incident_watch -------------------------------------

    def _comment(self, step: Step) -> None:
        incident, actor, at = self.incident, step.actor, step.at
        comment = IncidentComment(
            pk=self.ids.take(IncidentComment),
            incident_id=incident.pk,
            author=actor,
            body=(step.params["body"] or "").strip(),
            visibility=step.params.get("visibility", IncidentComment.Visibility.PUBLIC),
            created_at=at,
        )
        self.out.add(
            IncidentComment, {name: getattr(comment, name) for name in self.fields[IncidentComment]}
        )
        self._history(comment, "+", at, actor, "comment")
        staff = actor.pk in self.agent_ids
        if staff and comment.is_public and incident.responded_at is None:
            incident.responded_at = at
            sla.refresh(incident)
            incident.version += 1
            incident.updated_at = at
            self._history(incident, "~", at, actor, "responded: first public comment")

    def _watch(self, step: Step) -> None:
        row = {
            "id": self.ids.take(Watchers),
            "incident_id": self.incident.pk,
            "user_id": step.actor.pk,
        }
        self.watchers.append(row)
        self.out.add(Watchers, row)
        self._history(self.incident, "~", step.at, step.actor, "watch")

    # --- the SLA job (incident_sla_record_due) -----------------------------------------

    def _sla_job(self, now) -> None:
        """:func:`itsm.sla.jobs.handle_locked` for one incident, with its escalation hook."""
        incident, system = self.incident, self.system
        recorded = INCIDENT_SLA.recorded_events(incident)
        thresholds = INCIDENT_SLA.thresholds(incident)
        crossed = INCIDENT_SLA.crossed(incident, now=now, recorded=recorded, thresholds=thresholds)
        for clock, kind, instant in crossed:
            event = SlaEvent(
                pk=self.ids.take(SlaEvent),
                incident_id=incident.pk,
                clock=clock,
                kind=kind,
                occurred_at=instant,
                recorded_at=now,
            )
            self.events.append(event)
            self.out.add(SlaEvent, {name: getattr(event, name) for name in self.fields[SlaEvent]})
            self._history(event, "+", now, system, f"sla_{kind}: {clock}")
            recorded.add((clock, kind))
        if crossed and escalates_on(incident, {(clock, kind) for clock, kind, _ in crossed}):
            # Without a group manager the job records the breach and moves on.
            with contextlib.suppress(TransitionNotAllowed):
                self._transition(
                    "escalate_to_manager", system, now, {"reason": "resolution SLA breached"}
                )
                thresholds = None
        fields = INCIDENT_SLA.refresh(incident, recorded=recorded, thresholds=thresholds)
        if crossed or fields:
            what = ", ".join(f"{kind} {clock}" for clock, kind, _instant in crossed)
            incident.version += 1
            incident.updated_at = now
            self._history(incident, "~", now, system, f"sla: {what or 'reschedule'}")


@contextlib.contextmanager
def _clock_at(moment):
    """The table's apply functions read the time from ``timezone.now``: replay a step at
    its own moment (the builder runs one step at a time, in one thread)."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def _ceil(moment):
    """The first run of the every-minute job at or after ``moment``."""
    minute = moment.replace(second=0, microsecond=0)
    return minute if minute == moment else minute + TICK

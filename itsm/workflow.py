"""The workflow backbone: a declared transition table and the one runner that applies it.

Each record app's ``workflow.py`` declares a :class:`Workflow`. A :class:`Transition`
describes itself once: who may run it from which states, its typed input, how it applies,
the notification event it raises, what the public timeline says and what follows it.
The API endpoints, admin forms and portal forms are built from that declaration, and
:func:`run_transition` is the only code that changes a record's status.
"""

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction

from itsm.errors import Refused, TransitionNotAllowed
from itsm.notifications import announce_on_commit, notify_on_commit
from itsm.security_log import security_event
from itsm.writes import lock_record, save_record

__all__ = [
    "Input",
    "Refused",
    "Transition",
    "TransitionNotAllowed",
    "Workflow",
    "run_transition",
]

INTERFACES = frozenset({"api", "admin", "admin_bulk", "portal"})


@dataclass(frozen=True)
class Input:
    """One typed parameter of a transition.

    ``kind`` is ``text`` (one line), ``longtext`` (markdown), ``choice`` (from
    ``choices``), ``user`` or ``team`` (a primary key, resolved and checked by the
    transition's apply function). ``required`` makes interfaces insist on it; the
    transition's guard still checks it, so a direct service call is held to the same rule.
    """

    name: str
    kind: str
    label: str
    required: bool = False
    choices: type[models.TextChoices] | None = None
    help_text: str = ""
    max_length: int = 20000
    # Choice values only the system sets (e.g. "resolved by parent"): forms do not offer them.
    system_choices: frozenset[str] = frozenset()

    def offered_choices(self) -> list[tuple[str, str]]:
        return [(v, label) for v, label in self.choices.choices if v not in self.system_choices]

    def __post_init__(self):
        if self.kind not in ("text", "longtext", "choice", "user", "team"):
            raise ValueError(f"{self.name}: unknown input kind {self.kind!r}")
        if (self.kind == "choice") != (self.choices is not None):
            raise ValueError(f"{self.name}: choices go with kind 'choice' only")


REASON_MAX_LENGTH = 2000

Actor = models.Model
Guard = Callable[[models.Model, dict], None]
Apply = Callable[[models.Model, dict], Iterable[str] | None]
After = Callable[[models.Model, object], None]


@dataclass(frozen=True)
class Transition:
    """One row of a transition table.

    ``target`` is None for transitions that record something without moving the state.
    ``allowed(actor, instance)`` says who may; ``guard(instance, params)`` checks the
    record and the input and raises :class:`TransitionNotAllowed` to refuse.
    ``apply(instance, params)`` sets the transition's own fields on the locked row and
    returns their names. ``event`` is the notification raised after commit;
    ``public_reason`` says the free-text reason is written for the requester (others
    may be internal, so requesters see only the transition's name);
    ``announce`` is an event for listeners only (``itsm.events``), e-mailed to nobody;
    ``after(instance, actor)`` runs inside the same transaction once the row is saved
    (for example, resolving children). ``not_in`` names the interfaces that deliberately
    do not offer the transition.
    """

    name: str
    sources: frozenset[str]
    target: str | None
    label: str
    allowed: Callable[[Actor, models.Model], bool]
    who: str
    guard: Guard | None = None
    needs_reason: bool = False
    inputs: tuple[Input, ...] = ()
    apply: Apply | None = None
    event: str | None = None
    public_reason: bool = False
    after: After | None = None
    not_in: frozenset[str] = frozenset()
    announce: str | None = None

    def __post_init__(self):
        unknown = set(self.not_in) - INTERFACES
        if unknown:
            raise ValueError(f"{self.name}: unknown interfaces {sorted(unknown)}")
        if len({i.name for i in self.inputs}) != len(self.inputs) or "reason" in {
            i.name for i in self.inputs
        }:
            raise ValueError(f"{self.name}: input names must be unique and not 'reason'")

    @property
    def slug(self) -> str:
        """The name as it appears in URLs (``declare_major`` -> ``declare-major``)."""
        return self.name.replace("_", "-")

    def all_inputs(self) -> tuple[Input, ...]:
        """The declared inputs plus the reason every transition accepts."""
        reason = Input(
            "reason",
            "text",
            "Reason",
            required=self.needs_reason,
            help_text="Recorded in the history." + (" Required." if self.needs_reason else ""),
            max_length=REASON_MAX_LENGTH,
        )
        return (*self.inputs, reason)


@dataclass
class Workflow:
    """A transition table over the ``field`` of ``states``."""

    states: type[models.TextChoices]
    transitions: list[Transition]
    field: str = "status"
    terminal: frozenset[str] = dataclasses.field(default_factory=frozenset)

    def __post_init__(self):
        self._by_name = {t.name: t for t in self.transitions}
        if len(self._by_name) != len(self.transitions):
            raise ValueError("Transition names must be unique.")
        known = set(self.states.values)
        for transition in self.transitions:
            unknown = (set(transition.sources) | {transition.target} - {None}) - known
            if unknown:
                raise ValueError(f"{transition.name}: unknown states {sorted(unknown)}")

    def __getitem__(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise TransitionNotAllowed("unknown_transition", name=name) from None

    def names(self) -> list[str]:
        return [t.name for t in self.transitions]

    def offered_in(self, interface: str) -> list[Transition]:
        """The transitions ``interface`` must offer (the table's opt-outs removed)."""
        return [t for t in self.transitions if interface not in t.not_in]

    def check(self, instance, name: str, actor, params: dict | None = None) -> Transition:
        transition = self[name]
        state = getattr(instance, self.field)
        if state not in transition.sources:
            allowed = ", ".join(
                sorted(str(self.states(s).label).lower() for s in transition.sources)
            )
            raise TransitionNotAllowed(
                "invalid_state",
                label=transition.label,
                state=str(self.states(state).label).lower(),
                allowed=allowed,
            )
        if not transition.allowed(actor, instance):
            raise TransitionNotAllowed(
                "not_permitted",
                f"Only {transition.who} may {transition.label.lower()} this record.",
            )
        params = params or {}
        if transition.needs_reason and not str(params.get("reason") or "").strip():
            raise TransitionNotAllowed(
                "reason_required", field="reason", action=transition.label.lower()
            )
        if transition.guard:
            transition.guard(instance, params)
        return transition

    def available(self, instance, actor) -> list[Transition]:
        """The transitions the actor could attempt now (guards on input are not run)."""
        state = getattr(instance, self.field)
        return [t for t in self.transitions if state in t.sources and t.allowed(actor, instance)]


def run_transition(
    workflow: Workflow,
    *,
    model: type[models.Model],
    pk,
    name: str,
    actor,
    params: dict | None = None,
    expected_version: int | None = None,
    related: Iterable[str] = (),
):
    """Lock the row, check the table, apply, save once with history, defer side effects.

    The transition's notification is queued for after the commit (never sent when the
    transaction rolls back); its ``after`` runs inside the transaction, once the row is
    saved.
    """
    params = params or {}
    with transaction.atomic():
        instance = lock_record(model, pk, expected_version=expected_version, related=related)
        try:
            transition = workflow.check(instance, name, actor, params)
        except TransitionNotAllowed as refused:
            if refused.code == "not_permitted":
                security_event(
                    "transition_refused",
                    user=actor,
                    object=f"{model._meta.label_lower}:{pk}",
                    transition=name,
                )
            raise
        changed = {workflow.field}
        if transition.target is not None:
            setattr(instance, workflow.field, transition.target)
        if transition.apply is not None:
            changed.update(transition.apply(instance, params) or ())
        reason = str(params.get("reason") or "").strip()
        save_record(
            instance,
            actor=actor,
            reason=f"{name}: {reason}" if reason else name,
            fields=changed,
            transition=name,
        )
        if transition.event:
            notify_on_commit(instance, transition.event)
        if transition.announce:
            announce_on_commit(instance, transition.announce)
        if transition.after is not None:
            transition.after(instance, actor)
    return instance

"""The workflow backbone: a declared transition table and the one runner that applies it.

Each record app's ``workflow.py`` declares a :class:`Workflow`; its services call
:func:`run_transition`, which is the only code that changes a record's status.
"""

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction

from itsm.audit import record_change
from itsm.security_log import security_event


class TransitionNotAllowed(Exception):
    """A refused transition, with a stable snake_case ``code`` and a readable message.

    ``status`` is the HTTP status interfaces answer with: 409 for a state conflict,
    403 for a permission refusal, 400 for missing or bad input.
    """

    def __init__(self, code: str, message: str, *, status: int = 409, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field

    def __str__(self):
        return self.message


Actor = models.Model
Guard = Callable[[models.Model, dict], None]


@dataclass(frozen=True)
class Transition:
    """One row of a transition table.

    ``target`` is None for transitions that record something without moving the state.
    ``allowed(actor, instance)`` says who may; ``guard(instance, params)`` checks the
    record and the input and raises :class:`TransitionNotAllowed` to refuse.
    """

    name: str
    sources: frozenset[str]
    target: str | None
    label: str
    allowed: Callable[[Actor, models.Model], bool]
    who: str
    guard: Guard | None = None
    needs_reason: bool = False


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
            raise TransitionNotAllowed(
                "unknown_transition", f"There is no transition called '{name}'.", status=400
            ) from None

    def names(self) -> list[str]:
        return [t.name for t in self.transitions]

    def check(self, instance, name: str, actor, params: dict | None = None) -> Transition:
        transition = self[name]
        state = getattr(instance, self.field)
        if state not in transition.sources:
            allowed = ", ".join(
                sorted(str(self.states(s).label).lower() for s in transition.sources)
            )
            raise TransitionNotAllowed(
                "invalid_state",
                f"'{transition.label}' is not possible while the record is "
                f"{str(self.states(state).label).lower()} (only when {allowed}).",
            )
        if not transition.allowed(actor, instance):
            raise TransitionNotAllowed(
                "not_permitted",
                f"Only {transition.who} may {transition.label.lower()} this record.",
                status=403,
            )
        params = params or {}
        if transition.needs_reason and not str(params.get("reason") or "").strip():
            raise TransitionNotAllowed(
                "reason_required",
                f"A reason is required to {transition.label.lower()}.",
                status=400,
                field="reason",
            )
        if transition.guard:
            transition.guard(instance, params)
        return transition

    def available(self, instance, actor) -> list[Transition]:
        """The transitions the actor could attempt now (guards on input are not run)."""
        state = getattr(instance, self.field)
        return [t for t in self.transitions if state in t.sources and t.allowed(actor, instance)]


Apply = Callable[[models.Model, dict], Iterable[str] | None]
Effect = Callable[[models.Model], None]


def run_transition(
    workflow: Workflow,
    *,
    model: type[models.Model],
    pk,
    name: str,
    actor,
    params: dict | None = None,
    apply: Apply | None = None,
    effects: Iterable[Effect] = (),
    expected_version: int | None = None,
):
    """Lock the row, check the table, apply, save once with history, defer side effects.

    ``apply(instance, params)`` sets the transition's own fields and returns their names.
    ``effects`` run after the transaction commits (never when it rolls back).
    """
    params = params or {}
    with transaction.atomic():
        instance = model.objects.select_for_update().get(pk=pk)
        if expected_version is not None and instance.version != expected_version:
            raise TransitionNotAllowed(
                "stale_version",
                "This record was changed by someone else; reload it and try again.",
            )
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
        if apply is not None:
            changed.update(apply(instance, params) or ())
        if hasattr(instance, "version"):
            instance.version += 1
            changed.add("version")
        if hasattr(instance, "updated_at"):
            changed.add("updated_at")
        reason = str(params.get("reason") or "").strip()
        record_change(instance, actor, f"{name}: {reason}" if reason else name)
        instance.save(update_fields=sorted(changed))
        for effect in effects:
            transaction.on_commit(_bind(effect, instance))
    return instance


def _bind(effect: Effect, instance):
    return lambda: effect(instance)

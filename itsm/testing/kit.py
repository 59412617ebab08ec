"""What the shared test harnesses need to know about one record type, from its app's tests.

Each record app keeps a ``tests/kit.py`` module with a ``KIT = RecordKit(...)``: how to
log a record for a requester, who the people are, valid input for the transitions that
need some, which record-only transitions a guard waits for, and which Celery jobs run a
transition. The harnesses find the kit of every registered record type by that
convention (:func:`kit_for`), so they never name an app.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps

from itsm.registry import RecordType, record_types

KIT_MODULE = "tests.kit"


@dataclass(frozen=True)
class Job:
    """A scheduled Celery task that runs a transition by itself.

    ``task`` is the Celery task (run through Celery with ``apply()``); ``make_due(clock)``
    moves the harness's clock until the record is due; ``reason`` is the reason the job
    writes; ``fields`` are ``create`` keywords a due record needs (a P1, say).
    """

    task: object
    make_due: Callable
    reason: str
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Setup:
    """A record-only step the harness takes that is not a row of the table.

    ``run(record, people)`` acts on a record in one of ``sources`` and returns it as it
    now is (:func:`itsm.testing.approvals.track_decided`: an approval track that ended
    without the move that follows it, the state a refused follow-up leaves).
    """

    name: str
    sources: frozenset[str]
    run: Callable


@dataclass(frozen=True)
class RecordKit:
    """One record type's test adapter.

    ``create(requester, **fields)`` logs a record in the workflow's initial state through
    the app's service. ``people()`` returns the users the harnesses choose actors from, in
    order of preference (an employee first, then staff). ``inputs[name](record)`` returns
    valid input for transition ``name`` (Python values: model instances, choice values,
    text). ``prepare[name]`` names record-only transitions (or :class:`Setup` steps) a
    guard of ``name`` waits for (for example: closing waits for the requester's
    confirmation); the drive runs each as soon as the record's state allows it.
    ``follow_ups[name]`` names the transitions that may follow ``name`` in its own
    transaction (the move an approval decision that ends its track runs). ``jobs[name]``
    is the Celery job that runs transition ``name``. ``urls`` overrides how an interface
    reaches a transition (``urls[interface](record, transition) -> path``) where the
    project's convention does not fit.
    """

    create: Callable
    people: Callable[[], Sequence]
    inputs: dict[str, Callable] = field(default_factory=dict)
    prepare: dict[str, tuple[str | Setup, ...]] = field(default_factory=dict)
    follow_ups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    urls: dict[str, Callable] = field(default_factory=dict)
    initial: str | None = None

    def params(self, name: str, record) -> dict:
        make = self.inputs.get(name)
        return dict(make(record)) if make else {}


def kit_for(record_type: RecordType) -> RecordKit:
    """The ``KIT`` of ``<app>/tests/kit.py`` for ``record_type``'s app."""
    config = apps.get_containing_app_config(record_type.model.__module__)
    module = import_module(f"{config.name}.{KIT_MODULE}")
    return module.KIT


def kits() -> list[tuple[RecordType, RecordKit]]:
    """Every registered record type with its kit (an app without one fails loudly)."""
    return [(record_type, kit_for(record_type)) for record_type in record_types()]

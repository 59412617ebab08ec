"""The record types installed in this project, as each app registers them.

Shared pieces (the generic admin, API and portal parts, the test harnesses, the
one-write-path meta-tests) find the record types here instead of naming apps. An app
registers its :class:`RecordType` in its ``AppConfig.ready``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from itsm.workflow import Workflow


@dataclass(frozen=True)
class RecordType:
    """What the shared pieces need to know about one record type.

    Every callable takes keyword arguments only. ``transition(record_id=, name=, actor=,
    expected_version=, **params)`` is the app's one transition service;
    ``list_visible_to(user=)`` and ``get_for_user(user=, pk=)`` its scoped selectors
    (the latter raises Http404 out of scope); ``comment_add``, ``attachment_add`` and
    ``watch`` its contribution services; ``sees_all(user)`` says the user reads the
    staff view (work notes, every field).
    """

    model: type[models.Model]
    workflow: Workflow
    transition: Callable
    list_visible_to: Callable
    get_for_user: Callable
    comment_add: Callable
    attachment_add: Callable
    watch: Callable
    sees_all: Callable

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_TYPES: dict[str, RecordType] = {}


def register_record_type(record_type: RecordType) -> RecordType:
    _TYPES[record_type.label] = record_type
    return record_type


def record_types() -> list[RecordType]:
    return list(_TYPES.values())


def record_type_for(model: type[models.Model]) -> RecordType:
    return _TYPES[model._meta.label_lower]

"""What the portal offers before a record is logged, contributed by other apps.

A record type's report form asks :func:`suggestions_for` with what the person typed; an
app that can help (known errors with their workarounds, for an incident) registers a
:class:`Suggester` for that form from its ``AppConfig.ready``. When the person still needs
help after reading a suggestion, the form logs the record and :func:`follow_up` lets the
suggester link it (an incident to the known error's problem), in the same transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    pk: int
    number: str
    title: str
    body_html: str
    solved_url: str


@dataclass(frozen=True)
class Suggester:
    # (user, title, service) -> suggestions, best first
    search: Callable[..., list[Suggestion]]
    # (record, suggestion pk, actor): link the logged record to what was suggested
    link: Callable[..., object]


_SUGGESTERS: dict[str, list[Suggester]] = {}


def register_suggester(form: str, suggester: Suggester) -> None:
    _SUGGESTERS.setdefault(form, []).append(suggester)


def suggestions_for(form: str, *, user, title: str, service) -> list[Suggestion]:
    found = []
    for suggester in _SUGGESTERS.get(form, []):
        found += suggester.search(user=user, title=title, service=service)
    return found


def follow_up(form: str, *, record, pk: int, actor) -> None:
    """Link ``record`` to suggestion ``pk`` (the suggester checks the actor may see it)."""
    for suggester in _SUGGESTERS.get(form, []):
        suggester.link(record=record, pk=pk, actor=actor)

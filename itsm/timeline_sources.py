"""One record's timeline assembled from every app that has something to say about it.

The record's own history and comments, and what other apps keep about it (updates sent,
alert events, pages...), each come from a source an app registers from its
``AppConfig.ready``: ``register_source(label, name, fetch)`` where ``label`` is the
record model's ``app_label.model_name`` and ``fetch(record, since)`` returns the
source's :class:`Item` s, only those at or after ``since`` when it is given. So the
readers of the timeline (the postmortem, the live incident page) need not know which
apps exist, and this module knows none. Each source should cost a fixed number of
queries, whatever its rows, so a reader's budget does not grow with the timeline.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Item:
    at: datetime
    kind: str  # stable code of the source's kind: history, comment, sla, alert, page, ...
    text: str  # one readable sentence, the actor named in it
    source: str  # stable reference to the row it came from, unique in the timeline


Fetch = Callable[[object, datetime | None], Iterable[Item]]

_SOURCES: dict[str, dict[str, Fetch]] = {}


def register_source(label: str, name: str, fetch: Fetch) -> None:
    """Add ``fetch`` to the timeline of ``label`` records (again under a name replaces it)."""
    _SOURCES.setdefault(label, {})[name] = fetch


def source_names(label: str) -> list[str]:
    return list(_SOURCES.get(label, {}))


def assemble(record, *, since: datetime | None = None) -> list[Item]:
    """Every source's items about ``record``, oldest first.

    Items of the same instant keep the order the sources registered in (the record's own
    history first), and each source's own order.
    """
    items: list[Item] = []
    for fetch in _SOURCES.get(record._meta.label_lower, {}).values():
        items += [item for item in fetch(record, since) if since is None or item.at >= since]
    # sorted() is stable, which keeps the registration order within an instant.
    return sorted(items, key=lambda item: item.at)

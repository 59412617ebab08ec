"""The home page lists the signed-in user's open records, one section per record type.

A record app registers a provider: ``register_home_section(title, provider)`` where
``provider(user)`` returns a list of the user's open records (from its selector), and
optionally ``visible_to(user)``, for sections only some people have (staff records).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    title: str
    provider: Callable
    list_url_name: str
    visible_to: Callable | None = None


_SECTIONS: list[HomeSection] = []


def register_home_section(
    *, title: str, provider: Callable, list_url_name: str, visible_to: Callable | None = None
) -> None:
    if all(section.title != title for section in _SECTIONS):
        _SECTIONS.append(HomeSection(title, provider, list_url_name, visible_to))


def home_sections(user) -> list[dict]:
    return [
        {"title": s.title, "records": s.provider(user), "list_url_name": s.list_url_name}
        for s in _SECTIONS
        if s.visible_to is None or s.visible_to(user)
    ]

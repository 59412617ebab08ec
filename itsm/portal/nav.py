"""The portal's main navigation: the shell's own links plus what each record app adds.

A record app registers its links from its ``AppConfig.ready``:
``register_nav_link(label="My incidents", url_name="incidents:list")``. Every portal page
(home, lists, record pages, forms) draws the same navigation from this list, marking the
link of the page being shown with ``aria-current="page"``. A link for some people only
(staff pages) names who sees it: ``visible_to=lambda user: ...``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    visible_to: Callable | None = None


HOME = NavLink("Home", "portal:home")
_LINKS: list[NavLink] = []


def register_nav_link(*, label: str, url_name: str, visible_to: Callable | None = None) -> None:
    if all(link.url_name != url_name for link in _LINKS):
        _LINKS.append(NavLink(label, url_name, visible_to))


def nav_links(request) -> list[dict]:
    """Home and the registered links with their URLs, the current page's one marked."""
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None
    user = getattr(request, "user", None)
    return [
        {"label": link.label, "url": reverse(link.url_name), "current": link.url_name == current}
        for link in (HOME, *_LINKS)
        if link.visible_to is None or (user is not None and link.visible_to(user))
    ]

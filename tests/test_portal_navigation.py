"""The portal shell: one navigation on every page, flash messages inside their list."""

import re

import pytest
from django.urls import reverse

from incidents.tests.factories import make_incident
from itsm.portal import nav

pytestmark = pytest.mark.django_db


def nav_of(html: str) -> str:
    """The main navigation, without the sign-out form's per-response CSRF token."""
    found = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', "", found)


def test_home_and_record_pages_share_the_navigation(client, emma):
    incident = make_incident(reporter=emma)
    client.force_login(emma)

    pages = [
        reverse("portal:home"),
        reverse("incidents:list"),
        reverse("incidents:create"),
        incident.get_absolute_url(),
    ]
    navs = {url: nav_of(client.get(url).content.decode()) for url in pages}

    for html in navs.values():
        assert "My incidents" in html
        assert "Report an incident" in html
    # The same links everywhere; only the current page's mark moves.
    unmarked = {re.sub(r' aria-current="page"', "", html) for html in navs.values()}
    assert len(unmarked) == 1
    assert 'href="/portal/incidents/new/" aria-current="page"' in navs[pages[2]]
    assert 'aria-current="page"' not in navs[pages[3]]


def test_a_registered_link_appears_without_the_shell_naming_its_app(client, emma, monkeypatch):
    monkeypatch.setattr(nav, "_LINKS", [])
    nav.register_nav_link(label="Password again", url_name="password_change")
    nav.register_nav_link(label="Password again", url_name="password_change")
    client.force_login(emma)

    html = nav_of(client.get(reverse("portal:home")).content.decode())

    assert html.count("Password again") == 1
    assert "My incidents" not in html


def test_a_staff_link_is_shown_to_staff_only(client, emma, sam):
    for person in (emma, sam):
        client.force_login(person)
        html = nav_of(client.get(reverse("portal:home")).content.decode())
        for staff_link in ("On call", "Change calendar", "Postmortems"):
            assert (staff_link in html) is (person == sam), (person, staff_link)


def test_the_flash_message_is_an_item_of_a_list_inside_the_status_region(client, emma):
    client.force_login(emma)
    response = client.post(
        reverse("incidents:create"),
        {"title": "Printer jams", "description": "Again.", "urgency": "medium"},
        follow=True,
    )

    html = response.content.decode()
    assert re.search(
        r'<div role="status"><ul class="messages"><li class="message success">Thank you\.', html
    )

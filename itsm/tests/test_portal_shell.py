"""The portal shell: sign in and out, passwords, the home page and the error pages."""

import json
import re
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from itsm.demo.people import DEMO_PASSWORD
from itsm.portal import errors, home

pytestmark = pytest.mark.django_db

HOME = "/portal/"
LOGIN = "/accounts/login/"


def sign_in(client, username, password=DEMO_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def template_names(response):
    return [t.name for t in response.templates]


# Signing in and out


def test_signed_out_user_is_sent_to_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={HOME}"


def test_root_goes_to_the_portal(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == HOME


def test_sign_in_page_labels_its_fields(client):
    page = client.get(LOGIN).content.decode()

    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page
    assert 'autocomplete="current-password"' in page


def test_sign_in_lands_on_the_home_page(client, emma):
    response = sign_in(client, "emma")

    assert response.status_code == 302
    assert response["Location"] == HOME


def test_wrong_password_shows_the_error_and_keeps_the_username(client, emma):
    response = sign_in(client, "emma", password="not-her-password")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in page
    assert 'role="alert"' in page
    assert 'value="emma"' in page
    assert "not-her-password" not in page
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "http://testserver.evil.example/",
    ],
)
def test_sign_in_never_redirects_off_site(client, emma, target):
    response = sign_in(client, "emma", next=target)

    assert response.status_code == 302
    assert response["Location"] == HOME


@pytest.mark.parametrize("target", ["/portal/", "/portal/incidents/?status=open"])
def test_sign_in_keeps_a_local_next(client, emma, target):
    response = sign_in(client, "emma", next=target)

    assert response["Location"] == target


def test_signed_in_user_visiting_sign_in_with_a_foreign_next_goes_home(client, emma):
    client.force_login(emma)

    response = client.get(LOGIN, {"next": "https://evil.example"})

    assert response["Location"] == HOME


def test_sign_in_starts_a_new_session(client, emma):
    client.get(LOGIN)
    session = client.session
    session["before"] = "sign in"
    session.save()
    key_before = session.session_key

    sign_in(client, "emma")

    assert client.session.session_key != key_before


def test_sign_out_needs_a_post(client, emma):
    client.force_login(emma)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.get(HOME).status_code == 200


def test_sign_out_ends_the_session(client, emma):
    client.force_login(emma)

    response = client.post("/accounts/logout/")

    assert response["Location"] == LOGIN
    assert client.get(HOME).status_code == 302


# Passwords


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_change_shows_errors_next_to_the_field(client, emma):
    client.force_login(emma)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_old_password_error">' in page
    assert re.search(r'<input[^>]*aria-describedby="id_old_password_error"', page)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_old_password"', page)


def test_password_change_signs_out_other_browsers(emma):
    here, elsewhere = Client(), Client()
    here.force_login(emma)
    elsewhere.force_login(emma)

    response = here.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Correct-Horse-42",
            "new_password2": "Correct-Horse-42",
        },
    )

    assert response["Location"] == reverse("password_change_done")
    assert here.get(HOME).status_code == 200
    assert elsewhere.get(HOME).status_code == 302
    emma.refresh_from_db()
    assert emma.check_password("Correct-Horse-42")


def test_password_reset_by_email_end_to_end(client, emma):
    response = client.post(reverse("password_reset"), {"email": "emma@example.com"})

    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["emma@example.com"]
    assert message.subject == "Reset your IT Service Portal password"
    link = re.search(r"http://127.0.0.1:8000(/accounts/reset/\S+/)", message.body).group(1)

    form_url = client.get(link)["Location"]  # Django swaps the token for a session key.
    page = client.get(form_url).content.decode()
    assert "Choose a new password" in page
    response = client.post(
        form_url, {"new_password1": "Correct-Horse-42", "new_password2": "Correct-Horse-42"}
    )

    assert response["Location"] == reverse("password_reset_complete")
    assert sign_in(Client(), "emma", password="Correct-Horse-42")["Location"] == HOME
    assert "no longer works" in client.get(link, follow=True).content.decode()


def test_password_reset_answers_the_same_for_an_unknown_address(client, emma):
    known = client.post(reverse("password_reset"), {"email": "emma@example.com"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


# Home page


def test_home_greets_the_user_and_offers_sign_out(client, emma):
    client.force_login(emma)

    page = client.get(HOME).content.decode()

    assert "Hello, Emma" in page
    assert "Emma Employee" in page
    assert "Sign out" in page
    assert 'action="/accounts/logout/"' in page


def test_home_without_record_types_says_so(client, emma, monkeypatch):
    monkeypatch.setattr(home, "_SECTIONS", [])
    client.force_login(emma)

    assert "You have no open records." in client.get(HOME).content.decode()


def test_staff_console_link_only_for_staff(client, emma, sam):
    client.force_login(emma)
    assert "Staff console" not in client.get(HOME).content.decode()

    client.force_login(sam)
    assert "Staff console" in client.get(HOME).content.decode()


def test_home_lists_each_registered_section(client, emma, monkeypatch):
    record = SimpleNamespace(
        number="INC0001042",
        title="<script>alert(1)</script>VPN drops",
        get_absolute_url=lambda: "/portal/incidents/1/",
        get_status_display=lambda: "In progress",
    )
    monkeypatch.setattr(home, "_SECTIONS", [])
    home.register_home_section(
        title="Incidents", provider=lambda user: [record], list_url_name="portal:home"
    )
    home.register_home_section(
        title="Requests", provider=lambda user: [], list_url_name="portal:home"
    )
    client.force_login(emma)

    page = client.get(HOME).content.decode()

    assert '<a href="/portal/incidents/1/">INC0001042</a>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;VPN drops" in page
    assert "<script>alert" not in page
    assert "Nothing open." in page
    assert "You have no open records." not in page


# Error pages (DEBUG is off in tests, as in production)


def test_missing_page_uses_the_404_template(client, emma):
    assert settings.DEBUG is False
    client.force_login(emma)

    response = client.get("/portal/no-such-page/")

    assert response.status_code == 404
    assert "errors/404.html" in template_names(response)
    assert "Page not found" in response.content.decode()


def test_missing_api_address_answers_json(client, emma):
    client.force_login(emma)

    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_api_crash_answers_json_without_detail(rf):
    response = errors.server_error(rf.get("/api/v1/incidents/"))

    assert response.status_code == 500
    assert json.loads(response.content) == {
        "code": "server_error",
        "detail": "Something went wrong. Please try again.",
    }


def test_permission_denied_uses_the_403_template(client, emma):
    client.force_login(emma)

    with mock.patch("itsm.portal.views.home_sections", side_effect=PermissionDenied):
        response = client.get(HOME)

    assert response.status_code == 403
    assert "errors/403.html" in template_names(response)
    assert "Not allowed" in response.content.decode()


def test_crash_shows_the_500_page_without_detail(client, emma):
    client.raise_request_exception = False
    client.force_login(emma)

    with mock.patch(
        "itsm.portal.views.home_sections", side_effect=RuntimeError("secret-detail-xyz")
    ):
        response = client.get(HOME)

    page = response.content.decode()
    assert response.status_code == 500
    assert "errors/500.html" in template_names(response)
    assert "Something went wrong" in page
    assert "secret-detail-xyz" not in page
    assert "Traceback" not in page
    assert "RuntimeError" not in page


def test_reset_link_points_at_the_configured_portal_not_the_request_host(client, emma):
    client.post("/accounts/password/reset/", {"email": emma.email}, HTTP_HOST="localhost")
    (message,) = mail.outbox
    assert "http://127.0.0.1:8000/accounts/reset/" in message.body
    assert "localhost" not in message.body


def test_api_docs_send_signed_out_browsers_to_login(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_reset_emails_per_address_are_limited_and_the_page_never_tells(client, emma, settings):
    pages = [
        client.post("/accounts/password/reset/", {"email": "Emma@Example.com"}) for _ in range(20)
    ]
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert len(mail.outbox) == settings.PASSWORD_RESET_EMAILS_PER_HOUR
    assert {(p.status_code, p["Location"]) for p in [*pages, unknown]} == {
        (302, reverse("password_reset_done"))
    }


@pytest.mark.django_db
def test_reset_count_survives_the_window_ending_between_add_and_incr(client, emma):
    with mock.patch.object(cache, "incr", side_effect=ValueError("Key not found.")):
        response = client.post(reverse("password_reset"), {"email": emma.email})

    assert response.status_code == 302

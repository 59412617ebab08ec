"""API tokens and client addresses (issue 7 §3, §7; SECURITY.md T42, T44, T45, T47).

- The token-issue throttle counts per real client address, as the login lockout does;
  X-Forwarded-For counts only past ``TRUSTED_PROXY_COUNT`` proxies of our own.
- A password change (any path) and a deactivation delete the user's tokens.
- Security events raised without a request at hand (out-of-scope lookups) still carry the
  path and the client address.
"""

import json

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from knox.models import AuthToken
from rest_framework.test import APIClient

from incidents.tests.factories import make_incident
from itsm.api.auth import TokenIssueThrottle
from itsm.client_address import client_address

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
NEW_PASSWORD = "Tangerine-Kite-77"
ISSUE_LIMIT = int(TokenIssueThrottle.rate.split("/")[0])


def issue(client=None, password="demo", **headers):
    client = client or APIClient()
    return client.post(
        TOKEN_URL, {"username": "emma", "password": password}, format="json", **headers
    )


def token_works(token: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/incidents/").status_code == 200


def events(caplog, name):
    found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "itsm.security"]
    return [e for e in found if e["event"] == name]


# --- The client address ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.1"),
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (3, "203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_address_trusts_only_our_own_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_no_trusted_proxy_is_the_default():
    assert settings.TRUSTED_PROXY_COUNT == 0


# --- The token-issue throttle -----------------------------------------------------------------


def test_a_forged_forwarded_for_does_not_escape_the_token_throttle(db):
    client = APIClient()
    for n in range(ISSUE_LIMIT):
        response = client.post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response.status_code == 400

    response = client.post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_count(settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")
    for _ in range(ISSUE_LIMIT):
        proxy.post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")

    same_client = proxy.post(
        TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="7.7.7.7, 203.0.113.5"
    )
    other_client = proxy.post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert same_client.status_code == 429
    assert other_client.status_code == 400


def test_behind_a_trusted_proxy_the_lockout_counts_per_client_too(settings, emma):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        proxy.post(
            "/accounts/login/",
            {"username": "emma", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )

    locked = proxy.post(
        "/accounts/login/",
        {"username": "emma", "password": "demo"},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    elsewhere = proxy.post(
        "/accounts/login/",
        {"username": "emma", "password": "demo"},
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


# --- Tokens end with the password and the account ---------------------------------------------


def test_changing_the_password_in_the_portal_revokes_the_tokens_and_says_so(emma):
    token = issue().json()["token"]
    browser = Client()
    browser.force_login(emma)

    response = browser.post(
        "/accounts/password/change/",
        {"old_password": "demo", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.status_code == 200
    assert "API tokens were revoked" in response.content.decode()
    assert not token_works(token)
    assert not AuthToken.objects.filter(user=emma).exists()
    assert issue(password=NEW_PASSWORD).status_code == 201


def test_the_change_form_tells_it_beforehand(emma):
    browser = Client()
    browser.force_login(emma)

    assert "revokes your API tokens" in browser.get("/accounts/password/change/").content.decode()


def test_any_saved_password_change_revokes_the_tokens(emma, eli, caplog):
    # A password reset, the admin's form and manage.py changepassword all end here.
    token, others = issue().json()["token"], AuthToken.objects.create(eli)[1]

    emma.set_password(NEW_PASSWORD)
    emma.save()

    assert not token_works(token)
    assert token_works(others)
    (event,) = events(caplog, "tokens_revoked_all")
    assert (event["username"], event["reason"], event["count"]) == ("emma", "password_changed", 1)


def test_saving_without_a_password_change_keeps_the_tokens(emma):
    token = issue().json()["token"]

    emma.first_name = "Emmy"
    emma.save()

    assert token_works(token)


def test_deactivating_deletes_the_tokens_so_reactivating_does_not_revive_them(emma):
    token = issue().json()["token"]

    emma.is_active = False
    emma.save()
    assert not AuthToken.objects.filter(user=emma).exists()
    emma.is_active = True
    emma.save()

    assert not token_works(token)


def test_deactivating_in_the_admin_deletes_the_tokens(emma, admin_user):
    issue()
    admin = Client()
    admin.force_login(admin_user)
    # The user form with "Active" unticked (the other fields as they were).
    data = {
        "username": emma.username,
        "first_name": emma.first_name,
        "last_name": emma.last_name,
        "email": emma.email,
        "date_joined_0": emma.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": emma.date_joined.strftime("%H:%M:%S"),
        "_save": "Save",
    }

    response = admin.post(f"/admin/auth/user/{emma.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    emma.refresh_from_db()
    assert not emma.is_active
    assert not AuthToken.objects.filter(user=emma).exists()


# --- The security log knows where an event came from --------------------------------------------


@pytest.mark.parametrize("api", [False, True], ids=["portal", "api"])
def test_out_of_scope_lines_carry_the_path_and_client_address(settings, caplog, emma, eli, api):
    settings.TRUSTED_PROXY_COUNT = 1
    theirs = make_incident(reporter=eli)
    client = (APIClient if api else Client)(REMOTE_ADDR="10.0.0.1")
    client.force_login(emma)
    path = f"/api/v1/incidents/{theirs.pk}/" if api else f"/portal/incidents/{theirs.pk}/"

    assert client.get(path, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 404

    (event,) = events(caplog, "out_of_scope")
    assert (event["path"], event["ip"], event["username"]) == (path, "203.0.113.7", "emma")

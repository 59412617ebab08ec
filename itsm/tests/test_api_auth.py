"""API tokens (SECURITY.md T45): issued once, stored as a digest, expiring and revocable."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from itsm.demo.people import DEMO_PASSWORD
from itsm.roles import SERVICE_DESK
from itsm.tests.factories import PASSWORD as FACTORY_PASSWORD
from itsm.tests.factories import TeamFactory, UserFactory

TOKEN_URL = "/api/v1/auth/token/"
REVOKE_URL = "/api/v1/auth/token/revoke/"
REVOKE_ALL_URL = "/api/v1/auth/token/revoke-all/"
PROTECTED_URL = "/api/v1/teams/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    # The token endpoint is throttled per IP in the cache; every test starts with none used.
    cache.clear()
    yield
    cache.clear()


def issue_token(username: str, password: str = DEMO_PASSWORD):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def emma_token(emma) -> str:
    response = issue_token("emma")
    assert response.status_code == 201
    return response.json()["token"]


def assert_unauthenticated(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] in {"authentication_failed", "not_authenticated"}
    assert response["WWW-Authenticate"] == "Token"


def test_valid_password_issues_an_expiring_token(emma):
    before = timezone.now()
    response = issue_token("emma")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "expiry"}
    assert len(body["token"]) >= 32
    expiry = AuthToken.objects.get(user=emma).expiry
    assert before + timedelta(hours=1) < expiry <= timezone.now() + timedelta(days=366)


@pytest.mark.parametrize(
    ("username", "password"),
    [("emma", "wrong"), ("nobody", DEMO_PASSWORD), ("emma", "")],
)
def test_bad_credentials_are_refused_with_a_code(emma, username, password):
    response = issue_token(username, password)

    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_credentials", "invalid"}
    assert not AuthToken.objects.exists()


def test_wrong_password_names_no_field(emma):
    body = issue_token("emma", "wrong").json()

    # One message for unknown user and wrong password: the reply must not confirm a username.
    assert body == {"code": "invalid_credentials", "detail": "Wrong username or password."}
    assert issue_token("nobody").json() == body


def test_inactive_user_gets_no_token(emma):
    emma.is_active = False
    emma.save(update_fields=["is_active"])

    assert issue_token("emma").status_code == 400
    assert not AuthToken.objects.exists()


def test_database_holds_a_digest_not_the_token(emma, emma_token):
    row = AuthToken.objects.filter(user=emma).values().get()

    for column, value in row.items():
        assert emma_token not in str(value), f"raw token stored in {column}"
    assert row["digest"]


def test_token_authenticates_api_requests(emma_token):
    response = token_client(emma_token).get(PROTECTED_URL)

    assert response.status_code == 200
    assert "results" in response.json()


def test_anonymous_request_is_challenged(db):
    assert_unauthenticated(APIClient().get(PROTECTED_URL))


def test_unknown_token_is_refused(db):
    assert_unauthenticated(token_client("0" * 64).get(PROTECTED_URL))


def test_expired_token_is_refused(emma, emma_token):
    AuthToken.objects.filter(user=emma).update(expiry=timezone.now() - timedelta(seconds=1))

    assert_unauthenticated(token_client(emma_token).get(PROTECTED_URL))


def test_revoked_token_is_refused_afterwards(emma, emma_token):
    client = token_client(emma_token)

    assert client.post(REVOKE_URL).status_code == 204
    assert not AuthToken.objects.filter(user=emma).exists()
    assert_unauthenticated(client.get(PROTECTED_URL))


def test_revoke_keeps_the_users_other_tokens(emma, emma_token):
    other = issue_token("emma").json()["token"]

    token_client(emma_token).post(REVOKE_URL)

    assert token_client(other).get(PROTECTED_URL).status_code == 200


def test_revoke_all_ends_every_token_of_the_user_only(emma, eli, emma_token):
    second = issue_token("emma").json()["token"]
    elis = issue_token("eli").json()["token"]

    assert token_client(emma_token).post(REVOKE_ALL_URL).status_code == 204

    assert_unauthenticated(token_client(emma_token).get(PROTECTED_URL))
    assert_unauthenticated(token_client(second).get(PROTECTED_URL))
    assert token_client(elis).get(PROTECTED_URL).status_code == 200


def test_revoke_needs_authentication(db):
    assert_unauthenticated(APIClient().post(REVOKE_URL))
    assert_unauthenticated(APIClient().post(REVOKE_ALL_URL))


def test_deactivated_users_token_is_refused(emma, emma_token):
    emma.is_active = False
    emma.save(update_fields=["is_active"])

    assert_unauthenticated(token_client(emma_token).get(PROTECTED_URL))


def test_token_endpoint_accepts_post_only(db):
    response = APIClient().get(TOKEN_URL)

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_factory_users_can_sign_in_with_the_factory_password(db):
    user = UserFactory()

    assert issue_token(user.username, FACTORY_PASSWORD).status_code == 201
    assert not user.is_staff


def test_factory_staff_roles_open_the_reference_data_to_them(db):
    retired = TeamFactory(is_active=False)
    agent = UserFactory(roles=[SERVICE_DESK])
    token = issue_token(agent.username, FACTORY_PASSWORD).json()["token"]

    rows = token_client(token).get(PROTECTED_URL, {"is_active": "false"}).json()["results"]

    assert agent.is_staff
    assert [row["id"] for row in rows] == [retired.pk]


def test_revoke_with_a_session_says_there_is_no_token_to_revoke(emma, emma_token):
    client = APIClient()
    client.force_authenticate(emma)
    response = client.post(REVOKE_URL)
    assert response.status_code == 400
    assert response.json()["code"] == "not_token_auth"
    assert AuthToken.objects.filter(user=emma).count() == 1

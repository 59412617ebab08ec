"""Persona fixtures matching the demo users, shared by every app's tests."""

import pytest
from django.core.cache import cache
from django.db import connections
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from itsm.demo.people import load_people


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache; one test must not use up another's quota."""
    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the migrations' rows (roles, content types, categories) back after a test
    that flushed the tables.

    Django restores them when the next transactional test starts, and runs the
    ordinary tests first so they never see the flushed tables. pytest-xdist's
    ``worksteal`` hands a worker stolen tests in any order, so an ordinary test can
    follow a transactional one: restoring right after the flush keeps every test's
    database the migrated one.
    """
    result = yield
    # After the last test the test databases are gone already.
    if nextitem is not None and _flushes(item):
        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all():
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    connection.creation.deserialize_db_from_string(contents)
    return result


def _flushes(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.fixture
def people(db):
    return load_people()


@pytest.fixture
def emma(people):
    """An employee."""
    return people["emma"]


@pytest.fixture
def eli(people):
    """Another employee."""
    return people["eli"]


@pytest.fixture
def sam(people):
    """Service desk lead, tier 1: sees restricted incidents too."""
    return people["sam"]


@pytest.fixture
def dana(people):
    """Service desk agent, tier 1, not a lead."""
    return people["dana"]


@pytest.fixture
def ravi(people):
    """Resolver in the tier-2 Network Operations group."""
    return people["ravi"]


@pytest.fixture
def nina(people):
    """Resolver, tier 3."""
    return people["nina"]


@pytest.fixture
def hana(people):
    """Resolver in the tier-2 HR Systems group."""
    return people["hana"]


@pytest.fixture
def pat(people):
    """Problem manager."""
    return people["pat"]


@pytest.fixture
def chris(people):
    """Change manager."""
    return people["chris"]


@pytest.fixture
def alex(people):
    """Change approver."""
    return people["alex"]


@pytest.fixture
def admin_user(people):
    """Superuser."""
    return people["admin"]


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)`` -> an APIClient authenticated as ``user`` (session auth)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make

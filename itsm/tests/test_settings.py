"""Environment-driven settings, production hardening and error pages (SECURITY.md T49)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from itsm.portal.errors import server_error
from itsm.settings import BASE_DIR, database_config

SECRET = secrets.token_urlsafe(64)


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run the project's Python with only ``env`` set, so no test setting leaks in."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_database_url_means_the_sqlite_file_in_the_project():
    config = database_config(None)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(config["NAME"]) == BASE_DIR / "db.sqlite3"


def test_empty_database_url_means_sqlite_too():
    assert database_config("")["ENGINE"] == "django.db.backends.sqlite3"


def test_postgres_url_is_parsed():
    config = database_config("postgres://u:p@h:5432/db")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("db", "h", 5432)
    assert (config["USER"], config["PASSWORD"]) == ("u", "p")
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["CONN_MAX_AGE"] > 0


def test_postgres_plans_for_fast_storage_unless_the_url_says_otherwise():
    assert database_config("postgres://h/db")["OPTIONS"]["options"] == "-c random_page_cost=1.1"
    own = database_config("postgres://h/db?options=-c%20random_page_cost%3D2")
    # The URL's own options come last, and PostgreSQL takes the last setting given.
    assert own["OPTIONS"]["options"] == "-c random_page_cost=1.1 -c random_page_cost=2"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python(["-c", "import itsm.settings.production"], ALLOWED_HOSTS="itsm.example.com")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "secret",
    [
        "short-but-set",
        "x" * 49,
        "ab" * 40,
        "django-insecure-" + secrets.token_urlsafe(64),
    ],
    ids=["short", "49-characters", "two-characters-repeated", "django-insecure"],
)
def test_production_refuses_to_start_with_a_weak_secret_key(secret):
    result = run_python(
        ["-c", "import itsm.settings.production"],
        SECRET_KEY=secret,
        ALLOWED_HOSTS="itsm.example.com",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "at least 50 characters" in result.stderr


def test_production_starts_with_a_strong_secret_key():
    result = run_python(
        ["-c", "import itsm.settings.production"],
        SECRET_KEY=secrets.token_urlsafe(38),  # 51 characters
        ALLOWED_HOSTS="itsm.example.com",
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("hosts", [None, "", "*", "itsm.example.com,*"])
def test_production_refuses_to_start_without_explicit_hosts(hosts):
    env = {"SECRET_KEY": SECRET} | ({} if hosts is None else {"ALLOWED_HOSTS": hosts})

    result = run_python(["-c", "import itsm.settings.production"], **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_forces_debug_off():
    code = "import itsm.settings.production as s; print(s.DEBUG, s.ALLOWED_HOSTS)"

    result = run_python(
        ["-c", code], SECRET_KEY=SECRET, ALLOWED_HOSTS="itsm.example.com", DEBUG="true"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "['itsm.example.com']"]


def test_deploy_check_passes_with_production_settings():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="itsm.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="itsm.example.com",
    )

    assert result.returncode == 0, result.stderr + result.stdout


def test_tests_run_with_debug_off():
    # The error-page tests below rely on it; the test runner forces DEBUG off.
    assert settings.DEBUG is False


def test_missing_page_is_the_generic_404(db):
    response = Client().get("/no-such-page/", HTTP_ACCEPT="text/html")

    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "Traceback" not in body
    assert "URLconf" not in body
    assert "SECRET_KEY" not in body


def test_server_error_page_shows_no_detail():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    body = response.content.decode()
    assert "Traceback" not in body
    assert "SECRET_KEY" not in body
    assert "<html" in body.lower()

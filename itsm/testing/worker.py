"""Real services for the tests that need them: a Celery worker process, a Redis server of
their own, and the test database as a URL another process can use.

Each is skipped when missing, unless ``REQUIRE_SERVICES=1`` (CI), where it fails instead.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

STOP_SECONDS = 15


def skip_or_fail(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def worker_database_url() -> str:
    """The test database (not the configured one) as a URL the worker process can use."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        skip_or_fail("the worker test needs PostgreSQL (set DATABASE_URL)")
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}{port}/{quote(db['NAME'], safe='')}"


def _stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def celery_worker(*, broker_url: str, log_path, queue: str | None = None, env=None):
    """A ``celery -A itsm worker`` process (solo pool) on the test database.

    It runs the base settings, not the test ones (which force eager tasks). Stopped on
    exit, before pytest-django empties and drops the database it is connected to.
    ``process.log_path`` holds its output.
    """
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "itsm", "worker",
        "--pool=solo", "--concurrency=1", "--loglevel=INFO",
        "--without-heartbeat", "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    if queue:
        command += ["-Q", queue]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command
            command, cwd=settings.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    process.log_path = log_path
    try:
        yield process
    finally:
        _stop(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away ``redis-server`` on a free port: no persistence, started and stopped at
    will (never the shared one on 6379)."""

    def __init__(self, workdir):
        if shutil.which("redis-server") is None:
            skip_or_fail("redis-server is not installed")
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                skip_or_fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def tasks_sent_to(broker_url: str):
    """Send this process's tasks to ``broker_url`` instead of running them inline."""
    from itsm.celery import app

    previous = app.conf.get("broker_write_url"), app.conf.task_always_eager
    app.conf.broker_write_url, app.conf.task_always_eager = broker_url, False
    _drop_pools(app)
    try:
        yield
    finally:
        app.conf.broker_write_url, app.conf.task_always_eager = previous
        _drop_pools(app)


def _drop_pools(app) -> None:
    # The connection pools were made for the previous URL (Celery does the same after fork).
    app._pool = None
    app.amqp._producer_pool = None

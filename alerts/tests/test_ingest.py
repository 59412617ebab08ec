"""The endpoint: the sender's authentication, the limits, and answers that are never 500."""

import json
import sys
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alerts import services
from alerts.choices import Kind
from alerts.models import AlertInbox, Integration
from alerts.signatures import sign
from alerts.tests import payloads as p
from alerts.tests.helpers import SECRET, basic, make_integration, post, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def am(people):
    return make_integration(Kind.ALERTMANAGER, basic_username="prometheus")


@pytest.fixture
def grafana(people):
    return make_integration(Kind.GRAFANA)


def body_of(payload) -> bytes:
    return json.dumps(payload).encode()


# --- Authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (f"Bearer {SECRET}", 202),
        (basic("prometheus", SECRET), 202),
        (f"Bearer {SECRET[:-1]}X", 401),
        (basic("someone", SECRET), 401),
        (basic("prometheus", "wrong"), 401),
        ("Basic !!!notbase64", 401),
        (f"Token {SECRET}", 401),
    ],
)
def test_alertmanager_bearer_or_basic(am, authorization, status):
    response = post(am, p.alertmanager(), headers={"HTTP_AUTHORIZATION": authorization})
    assert response.status_code == status
    assert AlertInbox.objects.count() == (status == 202)


def test_a_missing_credential_is_401(am, grafana):
    for integration in (am, grafana, make_integration(Kind.SENTRY)):
        assert post(integration, p.alertmanager(), headers={}).status_code == 401
    assert AlertInbox.objects.count() == 0


def test_grafana_signature_right_and_one_byte_changed(grafana):
    body = body_of(p.grafana())
    good = sign(SECRET, body)
    bad = ("0" if good[0] != "0" else "1") + good[1:]
    ok = post(grafana, None, raw=body, headers={"HTTP_X_GRAFANA_ALERTING_SIGNATURE": good})
    refused = post(grafana, None, raw=body, headers={"HTTP_X_GRAFANA_ALERTING_SIGNATURE": bad})
    tampered = post(
        grafana, None, raw=body[:-2] + b" }", headers={"HTTP_X_GRAFANA_ALERTING_SIGNATURE": good}
    )
    assert (ok.status_code, refused.status_code, tampered.status_code) == (202, 401, 401)


def test_grafana_timestamped_signature_and_its_maximum_age(people):
    integration = make_integration(
        Kind.GRAFANA, timestamp_header="X-Grafana-Alerting-Timestamp", max_age_seconds=60
    )
    body = body_of(p.grafana())

    def send(timestamp, signed_with=None):
        signature = sign(SECRET, body, signed_with or timestamp)
        headers = {
            "HTTP_X_GRAFANA_ALERTING_SIGNATURE": signature,
            "HTTP_X_GRAFANA_ALERTING_TIMESTAMP": timestamp,
        }
        return post(integration, None, raw=body, headers=headers).status_code

    now = str(int(time.time()))
    assert send(now) == 202
    assert send(str(int(time.time()) - 600)) == 401  # stale
    assert send(now, signed_with=str(int(now) - 1)) == 401  # signed over another timestamp
    unsigned_time = {"HTTP_X_GRAFANA_ALERTING_SIGNATURE": sign(SECRET, body)}
    assert post(integration, None, raw=body, headers=unsigned_time).status_code == 401


def test_sentry_signature_and_timestamp(people):
    integration = make_integration(Kind.SENTRY)
    body = body_of(p.sentry())
    headers = {
        "HTTP_SENTRY_HOOK_SIGNATURE": sign(SECRET, body),
        "HTTP_SENTRY_HOOK_RESOURCE": "metric_alert",
        "HTTP_SENTRY_HOOK_TIMESTAMP": str(int(time.time())),
    }
    assert post(integration, None, raw=body, headers=headers).status_code == 202
    stale = {**headers, "HTTP_SENTRY_HOOK_TIMESTAMP": str(int(time.time()) - 3600)}
    assert post(integration, None, raw=body, headers=stale).status_code == 401
    wrong = {**headers, "HTTP_SENTRY_HOOK_SIGNATURE": sign("other", body)}
    assert post(integration, None, raw=body, headers=wrong).status_code == 401


# --- Shape and limits ------------------------------------------------------------------------


def test_unknown_or_inactive_integrations_are_404(am):
    am.is_active = False
    am.save()
    assert post(am, p.alertmanager()).status_code == 404
    response = Client().post("/api/v1/integrations/nope/alerts/", b"{}", "application/json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[1, 2]",
        b'"text"',
        b'{"alerts": "nope"}',
        b'{"alerts": [1]}',
        b"\xff\xfe",
        '{"alerts": []}'.encode("utf-16"),
    ],
)
def test_bad_json_or_shape_is_400_and_stores_nothing(am, raw):
    response = post(am, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["code"] in ("invalid_json", "invalid")
    assert AlertInbox.objects.count() == 0


def test_a_wrong_content_type_is_415(am):
    body = body_of(p.alertmanager())
    response = Client().post(
        url(am), body, content_type="text/plain", HTTP_AUTHORIZATION=f"Bearer {SECRET}"
    )
    assert response.status_code == 415


def test_a_body_over_the_cap_is_413_before_it_is_read(am, settings):
    settings.ALERTS_MAX_BODY_BYTES = 1000
    payload = p.alertmanager()
    payload["pad"] = "x" * 2000
    response = post(am, payload)
    assert response.status_code == 413
    assert AlertInbox.objects.count() == 0


def test_a_batch_over_the_cap_is_413(am, settings):
    settings.ALERTS_MAX_BATCH = 3
    alerts = [p.am_alert(str(n)) for n in range(4)]
    assert post(am, p.alertmanager(*alerts)).status_code == 413
    assert post(am, p.alertmanager(*alerts[:3])).status_code == 202


def _python_calls(func) -> int:
    """How many Python function calls ``func`` makes: the work done, without the clock."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        func()
    finally:
        sys.setprofile(None)
    return calls


def test_a_hostile_body_at_the_cap_costs_like_a_normal_one(am, settings):
    settings.ALERTS_MAX_BODY_BYTES = 256 * 1024
    deep = b"[" * 200_000 + b"]" * 56_000
    many_keys = b"{" + b",".join(b'"k%d":0' % n for n in range(25_000)) + b"}"
    huge_number = b'{"alerts": [], "n": ' + b"9" * 200_000 + b"}"
    assert post(am, p.alertmanager()).status_code == 202  # warm the caches first
    normal = _python_calls(lambda: post(am, p.alertmanager()))
    for name, raw in {"deep": deep, "keys": many_keys, "number": huge_number}.items():
        raw = raw[: settings.ALERTS_MAX_BODY_BYTES]
        answers = []
        calls = _python_calls(
            lambda raw=raw, answers=answers: answers.append(post(am, None, raw=raw))
        )
        assert answers[0].status_code in (400, 202), name
        assert calls <= 2 * normal, (name, calls, normal)


def test_database_unavailable_is_503_with_retry_after(am, monkeypatch):
    from alerts import services

    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(services, "inbox_receive", down)
    response = post(am, p.alertmanager())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_the_integration_lookup_failing_is_503(am, monkeypatch):
    from alerts import selectors

    class Broken:
        @staticmethod
        def filter(**kwargs):
            raise OperationalError("server closed the connection")

    selectors._active.clear()
    monkeypatch.setattr(selectors.Integration, "objects", Broken)
    assert post(am, p.alertmanager()).status_code == 503


def test_the_reply_comes_after_the_row_is_committed(am, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(am, p.alertmanager())
    assert response.status_code == 202
    row = AlertInbox.objects.get(pk=response.json()["id"])
    assert row.state == "pending"
    assert json.loads(row.body) == p.alertmanager()
    assert len(callbacks) == 1  # processing is queued on commit, not before


def test_the_broker_down_still_answers_202_and_keeps_the_row(
    am, monkeypatch, django_capture_on_commit_callbacks
):
    from alerts.tasks import drain_alert_inbox

    def refuse(*args):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(drain_alert_inbox, "delay", refuse)
    response = post(am, p.alertmanager(), capture=django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert AlertInbox.objects.get().state == "pending"  # the sweep picks it up
    # The mark is taken back, so the next delivery tries to queue again.
    assert cache.get(services.DRAIN_QUEUED) is None


def test_a_burst_looks_the_integration_up_once(am):
    def lookups() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert post(am, p.alertmanager()).status_code == 202
        return sum('FROM "alerts_integration"' in q["sql"] for q in captured.captured_queries)

    assert [lookups(), lookups(), lookups()] == [1, 0, 0]


def test_a_deactivated_integration_is_refused_at_once(am):
    assert post(am, p.alertmanager()).status_code == 202
    am.is_active = False
    am.save()
    assert post(am, p.alertmanager()).status_code == 404


def test_an_edit_made_elsewhere_is_seen_within_seconds(am, monkeypatch):
    from alerts import selectors

    assert post(am, p.alertmanager()).status_code == 202
    Integration.objects.filter(pk=am.pk).update(is_active=False)  # another process's edit
    assert post(am, p.alertmanager()).status_code == 202
    later = time.monotonic() + selectors.ACTIVE_SECONDS + 1
    monkeypatch.setattr(selectors.time, "monotonic", lambda: later)
    assert post(am, p.alertmanager()).status_code == 404

"""Alert ingestion: how many deliveries a second the endpoint takes, next to a bare view
that only stores the body, and how long a delivery takes to become an incident.

Both views are served the way every other bench figure is (Django's test client in this
process, so the rate is one process's, without network or web server overhead), one
request after another, over the same ``BENCH_ALERTS`` deliveries of which 30 % repeat an
earlier one (the sender's periodic re-send). The endpoint queues processing on a Redis
server of the bench's own (started and stopped here; never the shared one): what a
sender waits for. A third figure runs processing inside the request (no broker, as in
the embedded default). With PostgreSQL, a real ``celery -A itsm worker`` then processes
deliveries posted one at a time, and the time from each post to its incident is timed.

``python -m bench.alerts`` runs only this part.
"""

import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings.test")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import clear_url_caches, include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from alerts.choices import InboxState  # noqa: E402
from alerts.models import AlertEvent, AlertInbox  # noqa: E402
from alerts.services import DRAIN_QUEUED  # noqa: E402
from alerts.tests import payloads as p  # noqa: E402
from alerts.tests.helpers import SECRET, credentials, make_integration, url  # noqa: E402

DELIVERIES = int(os.environ.get("BENCH_ALERTS", 300))
REPEATS = 0.3
LATENCY_SAMPLES = int(os.environ.get("BENCH_ALERT_LATENCY_SAMPLES", 20))
WAIT_SECONDS = 60


@csrf_exempt
def bare_store(request, integration_id):
    """The floor: store the body as an inbox row (with its history row, as every stored
    row has) and answer; no lookup, no authentication, no parsing, no queueing."""
    with transaction.atomic():
        row = AlertInbox(integration_id=integration_id, body=request.body.decode())
        row.save()
    return JsonResponse({"id": row.pk}, status=202)


urlpatterns = [
    path("bench/bare/<int:integration_id>/", bare_store),
    path("", include("itsm.urls")),
]


def deliveries(count: int, *, seed: int = 12, prefix: str = "bench") -> list[bytes]:
    """``count`` Alertmanager bodies; each one repeats an earlier one with probability 30 %."""
    chooser = random.Random(seed)
    bodies = []
    for n in range(count):
        if bodies and chooser.random() < REPEATS:
            bodies.append(chooser.choice(bodies))
            continue
        alert = p.am_alert(fingerprint=f"{prefix}-{n}", instance=f"web-{n}:9100")
        bodies.append(json.dumps(p.alertmanager(alert), separators=(",", ":")).encode())
    return bodies


def _rate(client, target: str, bodies, headers) -> float:
    start = time.perf_counter()
    for body in bodies:
        response = client.post(target, body, content_type="application/json", **headers(body))
        assert response.status_code == 202, (response.status_code, response.content[:300])
    return len(bodies) / (time.perf_counter() - start)


def run(bench) -> None:
    from itsm.testing.worker import RedisServer, tasks_sent_to

    run_id = f"{time.time():.0f}"  # a kept database (BENCH_DATABASE) is run again
    integration = make_integration(slug=f"bench-am-{run_id}")
    endpoint = url(integration)
    bodies = deliveries(DELIVERIES, prefix=f"bench-{run_id}")
    client = Client()
    results = {}
    workdir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    redis = RedisServer(workdir)
    redis.start()
    # The endpoint and the worker share a cache, as in production (CACHE_URL): the mark
    # that a drain of the inbox is queued lives there.
    cache_url = redis.url.removesuffix("/0") + "/1"
    shared_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    try:
        with override_settings(ROOT_URLCONF=__name__, CACHES={"default": shared_cache}):
            clear_url_caches()
            bare = f"/bench/bare/{integration.pk}/"
            # Warm both (connections, caches, the first inbox row) before timing.
            _rate(client, bare, bodies[:5], lambda body: {})
            with tasks_sent_to(redis.url):
                _rate(client, endpoint, bodies[:5], lambda body: credentials(integration, body))
                results["bare POST view (stores the body)"] = _rate(
                    client, bare, bodies, lambda body: {}
                )
                results["alert endpoint, processing queued to Redis"] = _rate(
                    client, endpoint, bodies, lambda body: credentials(integration, body)
                )
            _set_aside_unprocessed(integration)
            inline = deliveries(DELIVERIES, seed=13, prefix=f"inline-{run_id}")
            results["alert endpoint, processing inline (no broker)"] = _rate(
                client, endpoint, inline, lambda body: credentials(integration, body)
            )
        clear_url_caches()
        print(f"\nalert ingestion, {DELIVERIES} deliveries, 30 % repeats (one process)")
        for label, rate in results.items():
            bench.results[label] = {"requests_per_s": round(rate, 1)}
            print(f"{label:<52} {rate:9.1f} req/s", flush=True)
        share = (
            results["alert endpoint, processing queued to Redis"]
            / results["bare POST view (stores the body)"]
        )
        bench.results["alert endpoint / bare view"] = {"ratio": round(share, 2)}
        print(f"{'alert endpoint / bare view':<52} {share:9.0%}")
        # A broker of its own for the worker.
        redis.stop()
        redis.start()
        with override_settings(CACHES={"default": shared_cache}):
            _latency(bench, integration, redis, run_id, cache_url)
    finally:
        redis.stop()


def _set_aside_unprocessed(integration) -> None:
    """The bench's deliveries queued to nobody were never processed: delete them, and the
    mark of their queued drain, so what follows times a delivery, not this backlog."""
    AlertInbox.objects.filter(integration=integration, state=InboxState.PENDING).delete()
    cache.delete(DRAIN_QUEUED)


def _latency(bench, integration, redis, run_id: str, cache_url: str) -> None:
    """Post to incident with a real worker (PostgreSQL only: the worker is another process
    and must see the bench database)."""
    from itsm.testing.worker import celery_worker, tasks_sent_to

    if connection.vendor != "postgresql":
        print("(post-to-incident latency: needs PostgreSQL for the worker; skipped)")
        return
    log = Path(redis.workdir) / "worker.log"
    client = Client()
    waits = []
    with (
        tasks_sent_to(redis.url),
        celery_worker(
            broker_url=redis.url,
            log_path=log,
            env={
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                "CACHE_URL": cache_url,
            },
        ) as worker,
    ):
        for n in range(LATENCY_SAMPLES + 1):
            key = f"latency-{run_id}-{n}"
            body = json.dumps(p.alertmanager(p.am_alert(fingerprint=key))).encode()
            start = time.perf_counter()
            response = client.post(
                url(integration),
                body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {SECRET}",
            )
            assert response.status_code == 202, response.content[:300]
            while not AlertEvent.objects.filter(grouping_key=key, incident__isnull=False).exists():
                if worker.poll() is not None or time.perf_counter() - start > WAIT_SECONDS:
                    raise RuntimeError(f"no incident for {key}:\n{log.read_text()[-3000:]}")
                time.sleep(0.005)
            if n:  # the first one also waits for the worker to start
                waits.append((time.perf_counter() - start) * 1000)
    median = statistics.median(waits)
    worst = max(waits)
    bench.results["alert post to incident, real worker"] = {
        "median_ms": round(median, 1),
        "max_ms": round(worst, 1),
        "samples": len(waits),
    }
    print(
        f"{'alert post to incident, real worker':<52} {median:9.1f} ms median, "
        f"{worst:.1f} ms max ({len(waits)} alerts, one at a time)"
    )


def alone() -> None:
    from bench.__main__ import Bench
    from itsm.demo.people import load_people

    load_people()
    run(Bench())


if __name__ == "__main__":
    from bench.__main__ import main

    main(alone)

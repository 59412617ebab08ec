"""Two people write to one incident at the same moment, on an SQLite file.

Run by tests/test_sqlite_concurrency.py in a fresh process whose ``DATABASE_URL`` names
an SQLite file, so the project's own SQLite settings are what is tested. Prints one JSON
line: the status codes of each round's two answers.
"""

import json
import sys
import threading

import django


def main(rounds: int) -> None:
    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from incidents.choices import Status
    from incidents.tests.factories import incident_in
    from itsm.demo.people import load_people
    from itsm.seed import seed_reference_data

    # The tables straight from the models, then the reference rows the migrations seed:
    # what is under test is the file's settings, not the migrations (which take minutes).
    unmigrated = {config.label: None for config in apps.get_app_configs()}
    with override_settings(MIGRATION_MODULES=unmigrated):
        call_command("migrate", run_syncdb=True, verbosity=0)
    seed_reference_data(apps)
    people = load_people()
    emma, ravi, sam = people["emma"], people["ravi"], people["sam"]

    def request(client, path, body, barrier, answers):
        try:
            barrier.wait(timeout=30)
            answers.append(client.post(path, body, content_type="application/json").status_code)
        finally:
            connection.close()

    results = []
    for _ in range(rounds):
        incident = incident_in(Status.IN_PROGRESS, reporter=emma, agent=ravi, desk=sam)
        body = json.dumps(
            {"version": incident.version, "resolution_code": "workaround", "resolution_notes": "x"}
        )
        path = f"/api/v1/incidents/{incident.pk}/resolve/"
        barrier, answers = threading.Barrier(2), []
        threads = []
        for user in (ravi, sam):
            client = Client(raise_request_exception=False)
            client.force_login(user)
            threads.append(
                threading.Thread(target=request, args=(client, path, body, barrier, answers))
            )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        results.append(sorted(answers))
    print(json.dumps({"rounds": results, "journal": _journal_mode(connection)}))


def _journal_mode(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)

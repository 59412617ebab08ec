"""On the embedded SQLite default, two concurrent writes get [200, 409], never a 500
"database is locked" (issue 7 §2): WAL, a busy timeout and immediate transactions.

The race runs in its own process on an SQLite file (tests/sqlite_race.py): the test
database is in memory, and the settings under test are the ones a file gets.
"""

import json
import os
import subprocess
import sys

from itsm.settings import BASE_DIR, database_config

ROUNDS = 5


def test_sqlite_settings_use_wal_a_busy_timeout_and_immediate_transactions():
    options = database_config(None)["OPTIONS"]

    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5


def test_two_writes_at_once_on_an_sqlite_file_answer_200_and_409(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "itsm.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    result = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_race", str(ROUNDS)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["journal"] == "wal"
    assert outcome["rounds"] == [[200, 409]] * ROUNDS, result.stderr[-3000:]

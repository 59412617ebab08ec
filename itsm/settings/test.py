"""Test settings: the base settings with a fast password hasher and eager tasks.

Tests that need a real broker start their own worker (see itsm/tests/test_celery_worker.py).
"""

from itsm.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405

# Each pytest-xdist worker gets a Redis database of its own (the suite clears the cache
# around every test, and a shared one would wipe the other worker's throttle counts):
# the configured database for the first worker, the ones below it for the others.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405
if CACHE_URL and _WORKER.startswith("gw"):  # noqa: F405
    _base, _, _db = CACHE_URL.rpartition("/")  # noqa: F405
    CACHES["default"]["LOCATION"] = f"{_base}/{int(_db or 0) - int(_WORKER[2:])}"  # noqa: F405

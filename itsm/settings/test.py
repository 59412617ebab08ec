"""Test settings: the base settings with a fast password hasher and eager tasks.

Tests that need a real broker start their own worker (see itsm/tests/test_celery_worker.py).
"""

from itsm.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405

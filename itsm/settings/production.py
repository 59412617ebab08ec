"""Production settings: refuse to start unless the deployment is configured safely."""

import os

from django.core.exceptions import ImproperlyConfigured

# Checked before the base settings load, so a missing secret never falls back to a dev key.
# The same rules as Django's deploy check (security.W009), but refusing instead of warning:
# a guessable key lets anyone forge sessions, password-reset links and signed values.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
_secret = os.environ.get("SECRET_KEY", "")
if not _secret:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if (
    len(_secret) < SECRET_KEY_MIN_LENGTH
    or len(set(_secret)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or _secret.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be a random value of at least {SECRET_KEY_MIN_LENGTH} characters "
        "(not Django's generated 'django-insecure-' development key); create one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

from itsm.settings import *  # noqa: E402, F403
from itsm.settings import env_bool, env_list  # noqa: E402

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names (no '*').")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

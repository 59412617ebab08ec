"""The public pages are served from the cache and dropped whenever a status changes.

Every public page's key carries a generation number; :func:`invalidate` moves the
generation on, so every page is rebuilt on its next request, on every web worker that
shares the cache. Writers call it after their transaction commits.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "statuspage:generation"


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def cached(name: str, build):
    """``build()``'s value for the public page ``name``, from the cache when it is there."""
    key = f"statuspage:page:{_generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=settings.STATUSPAGE_CACHE_SECONDS)
    return value


def invalidate() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or it was evicted
        cache.set(GENERATION_KEY, 2, timeout=None)


def invalidate_on_commit() -> None:
    transaction.on_commit(invalidate)

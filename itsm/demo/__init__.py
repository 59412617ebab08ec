"""Demo data: the people, teams and reference data of a small company's service desk.

Everything here is idempotent (get_or_create on natural keys), so loading twice
creates no duplicates. Record apps add their records with :func:`register_demo_loader`
from their ``AppConfig.ready``.
"""

from collections.abc import Callable

from django.db import transaction

from itsm.demo.people import load_people
from itsm.demo.reference import load_reference

# ``load(users)`` functions, run in the order their apps registered them (the order of
# INSTALLED_APPS), after people and reference data. ``users`` maps demo usernames to users.
LOADERS: list[Callable[[dict], None]] = []


def register_demo_loader(load: Callable[[dict], None]) -> None:
    """Run ``load(users)`` when the demo is loaded; it must be idempotent too."""
    if load not in LOADERS:
        LOADERS.append(load)


def load_demo() -> dict:
    """Load everything; return the demo users by username."""
    # All or nothing: a loader that fails leaves no half-built demo behind.
    with transaction.atomic():
        users = load_people()
        load_reference()
        for load in LOADERS:
            load(users)
    return users

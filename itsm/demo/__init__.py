"""Demo data: the people, teams and reference data of a small company's service desk.

Everything here is idempotent (get_or_create on natural keys), so loading twice
creates no duplicates. Record-type apps add their loaders to ``LOADERS``.
"""

from django.db import transaction
from django.utils.module_loading import import_string

from itsm.demo.people import load_people
from itsm.demo.reference import load_reference

# Dotted paths of ``load(users)`` functions, run in order after people and reference
# data. ``users`` maps demo usernames to users. Each loader must be idempotent too.
LOADERS: list[str] = ["incidents.demo.load"]


def load_demo() -> dict:
    """Load everything; return the demo users by username."""
    # All or nothing: a loader that fails leaves no half-built demo behind.
    with transaction.atomic():
        users = load_people()
        load_reference()
        for path in LOADERS:
            import_string(path)(users)
    return users

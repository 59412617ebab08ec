"""Problem test data, always made through the services so it is realistic and audited."""

import itertools

from problems import services

_titles = itertools.count(1)


def make_problem(*, reported_by, **fields):
    """A new problem logged by ``reported_by`` (any problem_create keyword may be given)."""
    fields.setdefault("title", f"VPN tunnel drops under load ({next(_titles)})")
    fields.setdefault("description", "Several incidents a day since the firewall upgrade.")
    return services.problem_create(actor=reported_by, **fields)


KNOWN_ERROR_INPUT = {
    "root_cause": "The firewall's session table fills up at 80 % load.",
    "root_cause_category": "capacity",
    "workaround": "Reconnect the VPN client; the session is re-established.",
}
RESOLVE_INPUT = {
    "resolution_code": "fixed",
    "fix_description": "Doubled the session table size on both firewalls.",
}


def problem_in(state: str, **fields):
    """A problem taken through the real transitions to ``state`` (see ``tests/kit.py``)."""
    from itsm.registry import record_type_for
    from itsm.testing.workflow import drive_to
    from problems.models import Problem
    from problems.tests.kit import KIT, people

    staff = people()
    return drive_to(
        record_type_for(Problem), KIT, state, requester=staff[0], people=staff, **fields
    )

"""DESIGN.md rule 1: every interface changes status through the same service.

For every transition of every registered workflow, each interface that offers it (the
service, the admin transition page, the admin bulk action, the API, the portal and the
Celery job that runs it) leaves the history the service leaves: see
``itsm.testing.write_paths``.
"""

import pytest

from itsm.registry import record_types
from itsm.testing.kit import kits
from itsm.testing.write_paths import check_write_path, write_path_cases

pytestmark = pytest.mark.django_db

CASES = write_path_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_interface_writes_what_the_service_writes(case, monkeypatch):
    check_write_path(case, monkeypatch)


def test_every_record_type_has_a_kit_and_every_transition_a_case():
    assert len(kits()) == len(record_types())
    covered = {(case.record_type.label, case.transition.name) for case in CASES}
    expected = {(rt.label, name) for rt in record_types() for name in rt.workflow.names()}
    assert covered == expected


def test_every_interface_is_covered_somewhere():
    assert {case.interface for case in CASES} == {
        "service",
        "admin",
        "admin_bulk",
        "api",
        "portal",
        "job",
    }

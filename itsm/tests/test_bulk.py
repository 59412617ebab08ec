"""The batch writes' set-based history copy applies to every audited model of the project."""

import pytest
from simple_history.models import registered_models

from itsm.bulk import history_is_copyable

# Many-to-many links are snapshotted with their record's history row, not copied alone.
AUDITED = sorted(
    {model for model in registered_models.values() if not model._meta.auto_created},
    key=lambda model: model._meta.label,
)


def test_the_audited_models_are_found():
    assert {"incidents.Incident", "incidents.SlaEvent"} <= {m._meta.label for m in AUDITED}


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model._meta.label)
def test_the_history_copy_knows_every_history_column(model):
    assert history_is_copyable(model)

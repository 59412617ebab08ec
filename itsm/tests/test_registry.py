"""The registry and the form builder that shared pieces use instead of naming apps."""

from django import forms

from incidents.models import Incident
from incidents.workflow import WORKFLOW
from itsm.forms import transition_form_class
from itsm.registry import record_type_for, record_types


def test_installed_record_types_are_registered():
    assert Incident in [rt.model for rt in record_types()]
    assert record_type_for(Incident).workflow is WORKFLOW


def test_form_fields_come_from_the_declared_inputs():
    form_class = transition_form_class(WORKFLOW["resolve"])
    form = form_class()

    assert list(form.fields) == ["resolution_code", "resolution_notes", "reason"]
    assert form.fields["resolution_notes"].required
    assert not form.fields["reason"].required
    codes = [value for value, _ in form.fields["resolution_code"].choices]
    assert "workaround" in codes and "resolved_by_parent" not in codes
    assert isinstance(form.fields["resolution_notes"].widget, forms.Textarea)


def test_a_transition_that_needs_a_reason_makes_it_required():
    form = transition_form_class(WORKFLOW["cancel"])(data={"reason": "  "})

    assert not form.is_valid()
    assert "reason" in form.errors

"""Every form and serializer that takes markdown applies the renderer's length limit.

Past ``itsm.markup.MAX_LENGTH`` a text is shown unformatted, so no write path may accept
a longer one (the portal forms had no limit at all).
"""

import pytest

from incidents import forms
from incidents.api import serializers
from incidents.workflow import WORKFLOW
from itsm.admin.contributions import CommentForm as AdminCommentForm
from itsm.api.inputs import CommentCreateSerializer, transition_serializer
from itsm.forms import transition_form_class
from itsm.markup import MAX_LENGTH

MARKDOWN_FIELDS = [
    (forms.IncidentReportForm, "description"),
    (forms.CommentForm, "body"),
    (forms.FORMS["resolve"], "resolution_notes"),
    (transition_form_class(WORKFLOW["resolve"]), "resolution_notes"),
    (AdminCommentForm, "body"),
]
SERIALIZER_FIELDS = [
    (serializers.IncidentFieldsSerializer, "description"),
    (serializers.EmployeeIncidentUpdateSerializer, "description"),
    (transition_serializer(WORKFLOW["resolve"]), "resolution_notes"),
    (CommentCreateSerializer, "body"),
]


@pytest.mark.parametrize(("form", "name"), MARKDOWN_FIELDS)
def test_forms_cap_markdown_at_the_renderer_limit(form, name):
    assert form.base_fields[name].max_length == MAX_LENGTH


@pytest.mark.parametrize(("serializer", "name"), SERIALIZER_FIELDS)
def test_serializers_cap_markdown_at_the_renderer_limit(serializer, name):
    assert serializer().fields[name].max_length == MAX_LENGTH

"""Django form fields built from a transition's declared inputs (admin and portal).

An interface asks for a form class with :func:`transition_form_class` and may change
labels or widgets in its base class's ``__init__``; the fields, their types, choices,
limits and which are required come from the table.
"""

from django import forms
from django.contrib.auth import get_user_model

from itsm.models import Team
from itsm.workflow import Input, Transition


def input_field(spec: Input) -> forms.Field:
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help_text}
    if spec.kind == "text":
        return forms.CharField(max_length=spec.max_length, **common)
    if spec.kind == "longtext":
        return forms.CharField(
            max_length=spec.max_length, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[("", "Choose…"), *spec.offered_choices()], **common)
    if spec.kind == "user":
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        return forms.ModelChoiceField(users, **common)
    return forms.ModelChoiceField(Team.objects.filter(is_active=True).order_by("name"), **common)


def transition_form_class(transition: Transition, *, base: type[forms.Form] = forms.Form):
    """A form class with one field per input of ``transition`` (its reason included)."""
    fields = {spec.name: input_field(spec) for spec in transition.all_inputs()}
    name = "".join(part.title() for part in transition.name.split("_")) + "Form"
    return type(name, (base,), fields)

"""Transition buttons on a record's change page, and the input pages behind them.

The buttons are the transitions the table offers in the admin
(``Workflow.offered_in("admin")``) that the user may run now. A transition with declared
input, or one that needs a reason, has an input page whose form is built from the table
(:func:`itsm.forms.transition_form_class`); the others run on one POST. Operations are
buttons that are not transitions (add a comment, attach a file, ...).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from itsm.admin.people import person_label
from itsm.admin.refusals import REFUSALS, add_refusal_to_form, refusal_text
from itsm.approvals import may_decide_now
from itsm.errors import TransitionNotAllowed
from itsm.forms import transition_form_class
from itsm.models import Team
from itsm.workflow import Input, Transition


class TransitionForm(forms.Form):
    """Input for one transition or operation on a record (``record`` is None in bulk)."""

    def __init__(self, *args, record=None, user=None, model_admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.user = user
        self.model_admin = model_admin


def swap_widget(field: forms.Field, widget: forms.Widget) -> None:
    """Give ``field`` another widget, set up as the field's constructor would have."""
    widget.is_required = field.required
    widget.attrs.update(field.widget_attrs(widget))
    if hasattr(field, "choices"):
        widget.choices = field.choices
    field.widget = widget


class TableTransitionForm(TransitionForm):
    """The admin's form for a transition, its fields built from the table's inputs.

    People are found with the record admin's people search, teams with the admin's
    autocomplete, the reason gets a text area, and the record admin may prefill values
    from the record (``transition_initial``).
    """

    transition: Transition

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in self.transition.all_inputs():
            self._adapt(spec, self.fields[spec.name])
        if self.record is not None and self.model_admin is not None:
            self.initial.update(self.model_admin.transition_initial(self.record, self.transition))

    def _adapt(self, spec: Input, field: forms.Field) -> None:
        if spec.name == "reason":
            swap_widget(field, forms.Textarea(attrs={"rows": 3}))
        elif spec.kind in ("user", "team") and self.model_admin is not None:
            db_field = self.model_admin.input_model_field(spec)
            if spec.kind == "user":
                swap_widget(field, self.model_admin.people_widget(db_field))
                field.label_from_instance = person_label
            else:
                swap_widget(field, AutocompleteSelect(db_field, self.model_admin.admin_site))


@functools.cache
def table_form_class(transition: Transition) -> type[TableTransitionForm]:
    form_class = transition_form_class(transition, base=TableTransitionForm)
    form_class.transition = transition
    return form_class


@dataclass(frozen=True)
class Operation:
    """A button on the change page that is not a workflow transition.

    ``run(request, record_id, params)`` calls the service; ``available(request,
    record)`` says whether the button shows (by default it does on every record the user
    may change).
    """

    label: str
    run: Callable
    form: type[TransitionForm] | None = None
    available: Callable | None = None

    def is_available(self, request, record) -> bool:
        return self.available is None or self.available(request, record)


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    url: str
    needs_input: bool


class WorkflowAdminMixin:
    """Transition and operation buttons on the change page and the pages behind them.

    ``workflow`` is the record type's transition table and ``run_transition(request,
    obj_pk, name, params)`` calls its service with ``actor=request.user``.
    ``expected_version`` is passed in ``params`` when the page had one, so an action on a
    stale page is refused. ``ask_reason`` names transitions without declared input whose
    page still asks for an (optional) reason instead of running on one click.

    The approvers a record's waiting approval step names see its page (read-only) and its
    approve and reject buttons even without other rights to the record (a line manager
    deciding on a report's request).
    """

    ask_reason: frozenset[str] = frozenset()
    change_form_template = "admin/itsm/change_form.html"
    change_list_template = "admin/itsm/change_list.html"
    transition_template = "admin/itsm/transition_form.html"
    action_template = "admin/itsm/transition_action.html"

    @property
    def workflow(self):
        raise NotImplementedError

    def run_transition(self, request, obj_pk, name, params):
        raise NotImplementedError

    def get_operations(self) -> dict[str, Operation]:
        return {}

    def transition_initial(self, obj, transition: Transition) -> dict:
        """Values the input page of ``transition`` starts with for ``obj``."""
        return {}

    def record_label(self, obj) -> str:
        return str(obj)

    def admin_transitions(self) -> dict[str, Transition]:
        return {t.name: t for t in self.workflow.offered_in("admin")}

    def input_model_field(self, spec: Input):
        """The model's foreign key an autocomplete for input ``spec`` searches through.

        The field of the input's name when it points at a user (or team), else the
        model's first foreign key to users (or teams).
        """
        target = get_user_model() if spec.kind == "user" else Team
        opts = self.model._meta
        try:
            named = [opts.get_field(spec.name)]
        except FieldDoesNotExist:
            named = []
        for field in [*named, *opts.fields]:
            if field.many_to_one and field.related_model is target:
                return field
        raise ImproperlyConfigured(f"{opts.label} has no foreign key for input {spec.name!r}.")

    def get_history_diff_extra_fields(self) -> list[str]:
        return [self.workflow.field, *super().get_history_diff_extra_fields()]

    def _is_decision(self, name: str) -> bool:
        transition = self.admin_transitions().get(name)
        return transition is not None and transition.allowed is may_decide_now

    def decides_on(self, request, obj) -> bool:
        """The user is an approver the record's waiting approval step names."""
        if obj is None or not any(self._is_decision(n) for n in self.admin_transitions()):
            return False
        return may_decide_now(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self.decides_on(request, obj)

    def may_run(self, request, obj, name: str) -> bool:
        """Whoever may change the record runs its buttons; an approver, its decisions."""
        if self.has_change_permission(request, obj):
            return True
        return self._is_decision(name) and self.decides_on(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.workflow.field not in fields:
            fields.append(self.workflow.field)
        return fields

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.transition_view)
        name = f"{opts.app_label}_{opts.model_name}_transition"
        route = "<path:object_id>/transition/<str:name>/"
        return [path(route, view, name=name), *super().get_urls()]

    def transition_url(self, obj, name: str) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_transition",
            args=[obj.pk, name],
        )

    def get_transition_form_class(self, name: str):
        operations = self.get_operations()
        if name in operations:
            return operations[name].form
        transition = self.workflow[name]
        if transition.inputs or transition.needs_reason or name in self.ask_reason:
            return table_form_class(transition)
        return None

    def operation_label(self, name: str) -> str:
        operations = self.get_operations()
        if name in operations:
            return operations[name].label
        return self.workflow[name].label

    def get_buttons(self, request, obj) -> list[Button]:
        offered = self.admin_transitions()
        names = [
            t.name
            for t in self.workflow.available(obj, request.user)
            if t.name in offered and self._passes_guard(request, obj, t.name)
        ]
        operations = self.get_operations()
        names += [n for n, op in operations.items() if op.is_available(request, obj)]
        return [
            Button(
                name=name,
                label=self.operation_label(name),
                url=self.transition_url(obj, name),
                needs_input=self.get_transition_form_class(name) is not None,
            )
            for name in names
        ]

    def _passes_guard(self, request, obj, name) -> bool:
        """False when the record's own state refuses the transition (no next tier, ...).

        Refusals for missing input (status 400) still show the button: its page asks.
        """
        try:
            self.workflow.check(obj, name, request.user, {})
        except TransitionNotAllowed as refused:
            return refused.status == 400
        return True

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_change = obj is not None and self.has_change_permission(request, obj)
        if change and (may_change or self.decides_on(request, obj)):
            buttons = self.get_buttons(request, obj)
            if not may_change:
                buttons = [b for b in buttons if self._is_decision(b.name)]
            context["transition_buttons"] = buttons
            context["record_version"] = getattr(obj, "version", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _run(self, request, obj_pk, name, params):
        operations = self.get_operations()
        if name in operations:
            return operations[name].run(request, obj_pk, params)
        return self.run_transition(request, obj_pk, name, params)

    def transition_view(self, request, object_id, name):
        known = name in self.get_operations() or name in self.admin_transitions()
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not known:
            raise Http404("No such record or transition.")
        if not self.may_run(request, obj, name):
            raise PermissionDenied
        form_class = self.get_transition_form_class(name)
        form_kwargs = {"record": obj, "user": request.user, "model_admin": self}
        errors, status = [], 200
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, **form_kwargs) if form_class else None
            if form is None or form.is_valid():
                params = dict(form.cleaned_data) if form else {}
                version = request.POST.get("expected_version", "")
                if version.isdigit():
                    params["expected_version"] = int(version)
                try:
                    self._run(request, obj.pk, name, params)
                except REFUSALS as exc:
                    status = getattr(exc, "status", 400)
                    if form is None:
                        errors = [refusal_text(exc)]
                    else:
                        add_refusal_to_form(form, exc)
                else:
                    label = self.operation_label(name)
                    self.message_user(request, f"{label}: done for {self.record_label(obj)}.")
                    if self.get_object(request, obj.pk) is None:
                        # A restricted record escalated past the user's group.
                        return HttpResponseRedirect(self.changelist_url())
                    return HttpResponseRedirect(self.change_url(obj))
            else:
                status = 400
        else:
            form = form_class(**form_kwargs) if form_class else None
        available = name in {b.name for b in self.get_buttons(request, obj)}
        media = self.media + (form.media if form else forms.Media())
        context = {
            **self.admin_site.each_context(request),
            "title": f"{self.operation_label(name)}: {self.record_label(obj)}",
            "label": self.operation_label(name),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "errors": errors,
            "available": available,
            "media": media,
            "change_url": self.change_url(obj),
            "record_version": _posted_version(request, obj),
        }
        return TemplateResponse(request, self.transition_template, context, status=status)

    def change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )

    def changelist_url(self) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")


def _posted_version(request, obj) -> str:
    """The version the user's page was built from, so a stale page is refused on submit."""
    data = request.POST if request.method == "POST" else request.GET
    version = data.get("expected_version", "")
    if version.isdigit():
        return version
    return str(getattr(obj, "version", "") or "")

"""The staff-console shell every record type's admin is built from.

Status changes, edits and comments in the admin go through the app's services, exactly
as they do from the API and the portal: these mixins turn the services' refusals into
form errors and messages instead of server errors, and keep history read-only.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from itsm.errors import Refused, TransitionNotAllowed

REFUSALS = (Refused, ValidationError)


def refusal_errors(exc) -> dict[str | None, list[str]]:
    """A service refusal as {field or None: [messages]}."""
    if isinstance(exc, Refused):
        return {exc.field: [exc.message]}
    if hasattr(exc, "error_dict"):
        return {
            None if name == NON_FIELD_ERRORS else name: messages_
            for name, messages_ in exc.message_dict.items()
        }
    return {None: list(exc.messages)}


def refusal_text(exc) -> str:
    return " ".join(message for found in refusal_errors(exc).values() for message in found)


def add_refusal_to_form(form, exc) -> None:
    for name, found in refusal_errors(exc).items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)


class TransitionForm(forms.Form):
    """Input for one transition or record operation (the reason, a resolution, a group)."""

    def __init__(self, *args, record=None, user=None, model_admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.user = user
        self.model_admin = model_admin


class ReasonForm(TransitionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(TransitionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


@dataclass(frozen=True)
class Operation:
    """A button on the change page that is not a workflow transition (add a comment, ...)."""

    label: str
    form: type[TransitionForm] | None = None


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    url: str
    needs_input: bool


class HistoryDiffHelper(HistoricalRecordContextHelper):
    """Shows choice labels, and an empty foreign key as empty rather than a deleted row."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject) and value.pk is None:
            return None
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, (list, DeletedObject)):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class ReadOnlyHistoryMixin(SimpleHistoryAdmin):
    """History with field diffs that can be read and never reverted or edited.

    A record outside ``get_queryset(request)`` (the caller's scope) is a 404 on every page
    of it, as if it did not exist: change, delete, history and each historical version.
    """

    # simple-history diffs only editable fields; these non-editable ones matter too.
    history_diff_extra_fields: tuple[str, ...] = ()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's change and delete views redirect to the index with "doesn't exist";
        # out of scope answers 404 here as everywhere else.
        raise Http404(f"No such {opts.verbose_name}.")

    def _require_in_scope(self, request, object_id) -> None:
        """404 unless the record is in the caller's queryset.

        simple-history's pages fall back to the last historical copy of a record the
        queryset does not hold (meant for deleted ones), which would show an out-of-scope
        record; only superusers, who see everything, keep that view of deleted records.
        """
        object_id = unquote(object_id)
        try:
            self.opts.pk.to_python(object_id)
        except ValidationError:
            raise Http404(f"No such {self.opts.verbose_name}.") from None
        if request.user.is_superuser:
            return
        if self.get_object(request, object_id) is None:
            raise Http404(f"No such {self.opts.verbose_name}.")

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDiffHelper(self.model, historical_record)

    def get_history_diff_extra_fields(self) -> list[str]:
        return list(self.history_diff_extra_fields)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        extra = self.get_history_diff_extra_fields()
        newer = None
        for older in historical_records:  # newest first
            if newer is not None:
                delta = newer.diff_against(older, foreign_keys_are_objs=foreign_keys_are_objs)
                for name in extra:
                    if getattr(older, name) != getattr(newer, name):
                        change = ModelChange(name, getattr(older, name), getattr(newer, name))
                        delta.changes.insert(0, change)
                helper = self.get_historical_record_context_helper(request, newer)
                newer.history_delta_changes = helper.context_for_delta_changes(delta)
            newer = older

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POSTed historical form even when revert is disabled.
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        self._require_in_scope(request, object_id)
        request.itsm_history_page = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if getattr(request, "itsm_history_page", False):
            if self.fieldsets:
                everything = flatten_fieldsets(self.fieldsets)
            elif self.fields:
                everything = flatten_fieldsets([(None, {"fields": self.fields})])
            else:
                everything = [f.name for f in self.model._meta.fields if f.editable]
            fields += [name for name in everything if name not in fields]
        return fields


class NoWritesMixin:
    """Nobody adds, changes or deletes these rows in the admin; code writes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyRecordAdmin(NoWritesMixin, ReadOnlyHistoryMixin):
    """For rows only services write (comments, pauses, events): view and history only."""

    show_full_result_count = False


class ReadOnlyInline(NoWritesMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class ServiceRefused(Exception):
    def __init__(self, errors):
        super().__init__("refused by the service")
        self.errors = errors


class ServiceFormMixin:
    """A ModelForm base that shows a service's refusal as form errors on the second pass."""

    service_errors: dict | None = None

    def clean(self):
        cleaned = super().clean()
        for name, found in (self.service_errors or {}).items():
            for message in found:
                self.add_error(name if name in self.fields else None, message)
        return cleaned


class ServiceFormAdminMixin:
    """Saves the add and change forms through services, never with ``Model.save()``.

    Subclasses implement ``create_via_service(request, form)`` and
    ``update_via_service(request, obj, form)``, both returning the saved record. A refusal
    rolls the request's transaction back and the form is shown again with the errors.
    """

    def create_via_service(self, request, form):
        raise NotImplementedError

    def update_via_service(self, request, obj, form):
        raise NotImplementedError

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # Django's changeform transaction has rolled back; render the same POST again
            # with the refusal injected as validation errors, so nothing is saved twice.
            request.itsm_service_errors = refused.errors
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        errors = getattr(request, "itsm_service_errors", None)
        if errors:
            bases = (form,) if issubclass(form, ServiceFormMixin) else (ServiceFormMixin, form)
            form = type(form.__name__, bases, {"service_errors": errors})
        return form

    def save_model(self, request, obj, form, change):
        try:
            if change:
                saved = self.update_via_service(request, obj, form)
            else:
                saved = self.create_via_service(request, form)
        except REFUSALS as exc:
            raise ServiceRefused(refusal_errors(exc)) from exc
        for field in saved._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Related rows (comments, attachments) are written by their own services only."""

    def construct_change_message(self, request, form, formsets, add=False):
        # The inline formsets are never saved (see save_related), so they changed nothing.
        return super().construct_change_message(request, form, [], add)


class PeopleAutocomplete(AutocompleteSelect):
    """Django's autocomplete widget, answered by the record admin's own people search."""

    def __init__(self, field, admin_site, url, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.url = url

    def get_url(self):
        return str(self.url)


class PeopleAutocompleteMixin:
    """Search for people on person fields.

    Django's autocomplete asks the user admin for view permission, which staff roles do
    not hold (the user admin shows permissions and groups); this search answers anyone
    who may view the record type, with active users' names only.
    """

    people_fields: tuple[str, ...] = ()
    people_page_size = 20

    def people_url_name(self) -> str:
        opts = self.model._meta
        return f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_people"

    def people_widget(self, db_field):
        return PeopleAutocomplete(db_field, self.admin_site, url=reverse(self.people_url_name()))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name not in self.people_fields:
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        kwargs["widget"] = self.people_widget(db_field)
        kwargs["queryset"] = get_user_model().objects.filter(is_active=True)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.label_from_instance = person_label
        return field

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.people_view)
        name = f"{opts.app_label}_{opts.model_name}_people"
        return [path("people/", view, name=name), *super().get_urls()]

    def people_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        people = get_user_model().objects.filter(is_active=True).order_by("username")
        for word in request.GET.get("term", "").split()[:5]:
            people = people.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        try:
            page = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            page = 1
        start = (page - 1) * self.people_page_size
        found = list(people[start : start + self.people_page_size + 1])
        results = [
            {"id": str(person.pk), "text": person_label(person)}
            for person in found[: self.people_page_size]
        ]
        return JsonResponse(
            {"results": results, "pagination": {"more": len(found) > self.people_page_size}}
        )


def person_label(person) -> str:
    full = person.get_full_name()
    return f"{full} ({person.get_username()})" if full else person.get_username()


class WorkflowAdminMixin:
    """Transition buttons on the change page and the pages behind them.

    ``workflow`` is the app's transition table; ``run_transition(request, obj_pk, name,
    params)`` calls the app's service with ``actor=request.user``. Transitions listed in
    ``transition_forms`` (or that need a reason) get an input page; the others are one
    POST. ``extra_operations`` adds buttons that are not transitions; subclasses run them
    in ``run_operation``. ``expected_version`` is passed in ``params`` when the record
    has a version, so an action on a stale page is refused.
    """

    workflow = None
    transition_forms: dict[str, type[TransitionForm]] = {}
    extra_operations: dict[str, Operation] = {}
    change_form_template = "admin/itsm/change_form.html"
    change_list_template = "admin/itsm/change_list.html"
    transition_template = "admin/itsm/transition_form.html"
    action_template = "admin/itsm/transition_action.html"

    def run_transition(self, request, obj_pk, name, params):
        raise NotImplementedError

    def run_operation(self, request, obj_pk, name, params):
        raise NotImplementedError

    def operation_available(self, request, obj, name) -> bool:
        return True

    def record_label(self, obj) -> str:
        return str(obj)

    def get_history_diff_extra_fields(self) -> list[str]:
        return [self.workflow.field, *super().get_history_diff_extra_fields()]

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
        if name in self.extra_operations:
            return self.extra_operations[name].form
        if name in self.transition_forms:
            return self.transition_forms[name]
        return ReasonForm if self.workflow[name].needs_reason else None

    def operation_label(self, name: str) -> str:
        if name in self.extra_operations:
            return self.extra_operations[name].label
        return self.workflow[name].label

    def get_buttons(self, request, obj) -> list[Button]:
        names = [
            t.name
            for t in self.workflow.available(obj, request.user)
            if self._passes_guard(request, obj, t.name)
        ]
        names += [n for n in self.extra_operations if self.operation_available(request, obj, n)]
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
        if obj is not None and change and self.has_change_permission(request, obj):
            context["transition_buttons"] = self.get_buttons(request, obj)
            context["record_version"] = getattr(obj, "version", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _run(self, request, obj_pk, name, params):
        if name in self.extra_operations:
            return self.run_operation(request, obj_pk, name, params)
        return self.run_transition(request, obj_pk, name, params)

    def transition_view(self, request, object_id, name):
        known = name in self.extra_operations or name in self.workflow.names()
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not known:
            raise Http404("No such record or transition.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form_class = self.get_transition_form_class(name)
        form_kwargs = {"record": obj, "user": request.user, "model_admin": self}
        errors, status = [], 200
        if request.method == "POST":
            form = form_class(request.POST, **form_kwargs) if form_class else None
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


def transition_action(name, label, *, form=None, params=None, action_name=None):
    """A bulk admin action that runs transition ``name`` once per selected record.

    Each record goes through the service in its own transaction, so one refusal does not
    undo the others. ``form`` asks for input on an intermediate page first (by default
    the transition's own form); ``params`` is a callable ``params(request) -> dict`` for
    input taken from the request instead (it may raise the service's refusal, which is
    reported and runs nothing).
    """

    def action(modeladmin, request, queryset):
        form_class = form
        if form is None and params is None:
            form_class = modeladmin.get_transition_form_class(name)
        extra = {}
        if form_class is not None:
            bound = form_class(
                request.POST if "apply" in request.POST else None,
                user=request.user,
                model_admin=modeladmin,
            )
            if not bound.is_bound or not bound.is_valid():
                return _action_page(modeladmin, request, queryset, action.__name__, label, bound)
            extra = dict(bound.cleaned_data)
        if params is not None:
            try:
                extra.update(params(request))
            except REFUSALS as exc:
                modeladmin.message_user(request, f"{label}: {refusal_text(exc)}", messages.ERROR)
                return None
        done, refused = 0, []
        for obj in queryset:
            try:
                modeladmin.run_transition(request, obj.pk, name, dict(extra))
            except REFUSALS as exc:
                refused.append(f"{modeladmin.record_label(obj)}: {refusal_text(exc)}")
            else:
                done += 1
        _report(modeladmin, request, label, done, refused)
        return None

    action.__name__ = action_name or f"{name}_selected"
    return admin.action(description=label, permissions=["change"])(action)


def _report(modeladmin, request, label, done, refused) -> None:
    text = f"{label}: {done} done, {len(refused)} refused"
    if refused:
        shown = "; ".join(refused[:5])
        more = f"; and {len(refused) - 5} more" if len(refused) > 5 else ""
        text += f" ({shown}{more})"
    level = messages.SUCCESS if not refused else messages.WARNING if done else messages.ERROR
    modeladmin.message_user(request, text + ".", level)


def _action_page(modeladmin, request, queryset, action_name, label, form):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": label,
        "opts": modeladmin.model._meta,
        "records": [modeladmin.record_label(obj) for obj in queryset[:50]],
        "record_count": queryset.count(),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_name": action_name,
        "form": form,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, modeladmin.action_template, context)
